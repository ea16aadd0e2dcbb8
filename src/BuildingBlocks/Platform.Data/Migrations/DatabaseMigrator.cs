using System.Reflection;
using DbUp;
using DbUp.Builder;
using DbUp.Engine;
using DbUp.Postgresql;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Data.Migrations;

/// <summary>
/// SQL scripts embedded in <paramref name="Assembly"/> (resources ending in .sql), run in <paramref name="RunGroupOrder"/>:
/// the building blocks' tables before the service's own, which may refer to them.
/// </summary>
public sealed record MigrationScripts(Assembly Assembly, int RunGroupOrder)
{
    public const int PlatformOrder = 1;
    public const int BuildingBlockOrder = 2;
    public const int ServiceOrder = 3;
}

/// <summary>
/// Brings a service's database to its current schema: Platform.Data's own scripts (request idempotency, seed loads),
/// then every registered <see cref="MigrationScripts"/> (the messaging block's, the service's), each run once and
/// journalled in <c>platform.schema_versions</c>, all in one transaction: a failed script leaves the schema as it was.
/// </summary>
/// <remarks>
/// DbUp (MIT, maintained) rather than our own runner: it reads scripts embedded in several assemblies, orders them by
/// group then name, journals them and runs them in one transaction. Evolve (MIT) could too, but wants Flyway-style
/// version numbers shared across assemblies, and its last release is older. What DbUp does not do, this class adds:
/// it is called only under <see cref="DatabasePreparation"/>'s advisory lock, so two instances starting at once
/// migrate once; and it adopts databases made by the runner before it (see <see cref="AdoptLegacyJournal"/>).
/// </remarks>
public sealed class DatabaseMigrator(MigrationDataSource migrationDataSource, IEnumerable<MigrationScripts> scripts, ILogger<DatabaseMigrator> logger)
{
    private readonly NpgsqlDataSource dataSource = migrationDataSource.DataSource;

    public const string JournalSchema = "platform";
    public const string JournalTable = "schema_versions";

    // The journal of the runner before DbUp (SqlMigrator): the ids of the service's scripts, each its file name.
    private const string LegacyJournal = "platform.schema_migrations";

    // A migration may build an index on a large table: far longer than a request's command timeout.
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(10);

    private IReadOnlyList<MigrationScripts> AllScripts =>
        [new MigrationScripts(typeof(DatabaseMigrator).Assembly, MigrationScripts.PlatformOrder), .. scripts.Distinct()];

    /// <summary>Applies the scripts not yet journalled. Call only while holding the migration lock.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using (var schema = dataSource.CreateCommand($"CREATE SCHEMA IF NOT EXISTS {JournalSchema}"))
            await schema.ExecuteNonQueryAsync(cancellationToken);
        await AdoptLegacyJournal(cancellationToken);

        // DbUp logs each script it runs through the logger.
        var upgrade = await Task.Run(() => Engine(AllScripts).WithTransaction().Build().PerformUpgrade(), cancellationToken);
        if (!upgrade.Successful)
            throw new InvalidOperationException($"Migration {upgrade.ErrorScript?.Name} failed; the schema is unchanged.", upgrade.Error);
    }

    /// <summary>The journalled script names, in the order they ran.</summary>
    public async Task<IReadOnlyList<string>> AppliedAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT scriptname FROM {JournalSchema}.{JournalTable} ORDER BY schemaversionsid");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>
    /// A database made by SqlMigrator has the service's scripts recorded by file name in platform.schema_migrations,
    /// and the building blocks' tables made without a record (they were created on every start). The service's
    /// scripts recorded there are journalled as run, without running them again; the building blocks' scripts are
    /// written to run cleanly over tables that already exist, so they simply run. The old journal is then dropped,
    /// so this happens once; if a start fails between the two, the next one marks nothing new and drops it.
    /// </summary>
    private async Task AdoptLegacyJournal(CancellationToken cancellationToken)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var exists = dataSource.CreateCommand($"SELECT to_regclass('{LegacyJournal}') IS NOT NULL"))
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) return;
        await using (var command = dataSource.CreateCommand($"SELECT id FROM {LegacyJournal}"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0));

        var serviceScripts = AllScripts.Where(source => source.RunGroupOrder == MigrationScripts.ServiceOrder).ToList();
        var engine = Engine(serviceScripts, name => applied.Contains(FileId(name))).Build();
        var marked = await Task.Run(engine.MarkAsExecuted, cancellationToken);
        if (!marked.Successful) throw new InvalidOperationException("Adopting the earlier migration journal failed.", marked.Error);
        foreach (var script in marked.Scripts) logger.LogInformation("Adopted migration {Migration}, applied by the earlier runner", script.Name);

        await using var drop = dataSource.CreateCommand($"DROP TABLE {LegacyJournal}");
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    private UpgradeEngineBuilder Engine(IEnumerable<MigrationScripts> sources, Func<string, bool>? include = null)
    {
        var builder = DeployChanges.To
            .PostgresqlDatabase(new PostgresqlConnectionManager(dataSource))
            .JournalToPostgresqlTable(JournalSchema, JournalTable)
            // Scripts are plain SQL: "$...$" is dollar quoting (function bodies), never a DbUp variable.
            .WithVariablesDisabled()
            .WithExecutionTimeout(ScriptTimeout)
            .LogTo(logger);
        foreach (var source in sources)
            builder = builder.WithScriptsEmbeddedInAssembly(source.Assembly,
                name => name.EndsWith(".sql", StringComparison.Ordinal) && (include?.Invoke(name) ?? true),
                new SqlScriptOptions { RunGroupOrder = source.RunGroupOrder });
        return builder;
    }

    // Resource names are Namespace.Folder.File.sql: SqlMigrator's id was the file name without its extension.
    private static string FileId(string resourceName) => resourceName.Split('.')[^2];
}
