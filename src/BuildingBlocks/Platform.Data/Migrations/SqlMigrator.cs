using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data.Idempotency;

namespace Platform.Data.Migrations;

/// <summary>A versioned schema change: plain SQL, applied once, in order of <see cref="Id"/>.</summary>
public sealed record SqlMigration(string Id, string Sql);

/// <summary>
/// Applies SQL migrations once each, in id order, recording them in <c>platform.schema_migrations</c>. Plain SQL rather
/// than an ORM's migrations: the schema is what a DBA reads, and this needs no design-time tooling.
/// A transaction-scoped advisory lock makes concurrent starts of the same service apply each migration exactly once.
/// </summary>
public sealed class SqlMigrator(NpgsqlDataSource dataSource, ILogger<SqlMigrator> logger)
{
    // Any fixed number works; it only has to be the same for every instance of every service sharing a database.
    private const long MigrationLockKey = 0x4C4C52_4D4947; // "LLR" "MIG"

    public async Task ApplyAsync(IEnumerable<SqlMigration> migrations, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", cancellationToken);
        await Execute(connection, transaction, """
            CREATE SCHEMA IF NOT EXISTS platform;
            CREATE TABLE IF NOT EXISTS platform.schema_migrations (
                id text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now());
            """ + IdempotentWrites.Schema, cancellationToken);

        var applied = new HashSet<string>();
        await using (var command = new NpgsqlCommand("SELECT id FROM platform.schema_migrations", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0));

        foreach (var migration in migrations.OrderBy(m => m.Id, StringComparer.Ordinal).Where(m => !applied.Contains(m.Id)))
        {
            logger.LogInformation("Applying migration {MigrationId}", migration.Id);
            await Execute(connection, transaction, migration.Sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO platform.schema_migrations (id) VALUES ($1)", connection, transaction);
            record.Parameters.AddWithValue(migration.Id);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        // All or nothing: a failed migration leaves the schema as it was.
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The migrations embedded in an assembly as resources ending in .sql, named by their file name.</summary>
    public static IReadOnlyList<SqlMigration> FromEmbeddedResources(Assembly assembly)
    {
        return assembly.GetManifestResourceNames()
            .Where(name => name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                // Resource names are Namespace.Folder.File.sql: the id is the file name without its extension.
                var parts = name.Split('.');
                return new SqlMigration(parts[^2], reader.ReadToEnd());
            })
            .ToList();
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
