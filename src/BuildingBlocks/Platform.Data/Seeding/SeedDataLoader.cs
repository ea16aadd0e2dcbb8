using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data.Migrations;

namespace Platform.Data.Seeding;

/// <summary>
/// Loads each registered <see cref="ISeedData"/> once per database. Its inserts and its row in platform.seed_loads
/// (with the SHA-256 of its files) commit together, so a failed load leaves nothing and the next start tries again.
/// A seed whose files changed after loading is reported, not loaded again: the database's rows are the service's now.
/// </summary>
public sealed partial class SeedDataLoader(MigrationDataSource migrationDataSource, IEnumerable<ISeedData> seeds, ILogger<SeedDataLoader> logger)
{
    private readonly NpgsqlDataSource dataSource = migrationDataSource.DataSource;

    public async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        foreach (var seed in seeds) await LoadAsync(seed, cancellationToken);
    }

    /// <returns>True if this call loaded it; false if it had been loaded before.</returns>
    public async Task<bool> LoadAsync(ISeedData seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var fingerprint = Fingerprint(seed);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Start-up already holds the migration lock; this also keeps a direct caller from loading a seed twice.
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE platform.seed_loads IN EXCLUSIVE MODE", connection, transaction))
            await lockTable.ExecuteNonQueryAsync(cancellationToken);

        await using (var loaded = new NpgsqlCommand(
            "SELECT true, fingerprint FROM platform.seed_loads WHERE name = $1", connection, transaction))
        {
            loaded.Parameters.AddWithValue(seed.Name);
            await using var reader = await loaded.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var earlier = await reader.IsDBNullAsync(1, cancellationToken) ? null : reader.GetString(1);
                await reader.DisposeAsync();
                await KeepEarlierLoad(connection, transaction, seed, earlier, fingerprint, cancellationToken);
                return false;
            }
        }

        var batch = new SeedBatch();
        seed.AddRows(batch);
        batch.Add("INSERT INTO platform.seed_loads (name, fingerprint) VALUES ($1, $2)", seed.Name, fingerprint);
        batch.Batch.Connection = connection;
        batch.Batch.Transaction = transaction;
        await using (batch.Batch) await batch.Batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogLoaded(seed.Name, seed.Directory, batch.Count);
        return true;
    }

    private async Task KeepEarlierLoad(NpgsqlConnection connection, NpgsqlTransaction transaction, ISeedData seed,
        string? earlier, string fingerprint, CancellationToken cancellationToken)
    {
        if (earlier is null)
        {
            // Loaded before fingerprints were kept for it: what it was loaded from is unknown, so take today's files.
            await using var record = new NpgsqlCommand(
                "UPDATE platform.seed_loads SET fingerprint = $2 WHERE name = $1", connection, transaction);
            record.Parameters.AddWithValue(seed.Name);
            record.Parameters.AddWithValue(fingerprint);
            await record.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogFingerprintRecorded(seed.Name);
        }
        else if (earlier != fingerprint)
        {
            LogChanged(seed.Name, seed.Directory);
        }
    }

    /// <summary>SHA-256 over the seed's files in their listed order, as hex.</summary>
    public static string Fingerprint(ISeedData seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in seed.Files) hash.AppendData(File.ReadAllBytes(Path.Combine(seed.Directory, file)));
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded seed {Seed} from {Directory} ({Statements} statements)")]
    private partial void LogLoaded(string seed, string directory, int statements);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Seed {Seed} was loaded before its fingerprint was kept; recorded the fingerprint of its files now")]
    private partial void LogFingerprintRecorded(string seed);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Seed {Seed}'s files in {Directory} changed since it was loaded; the database keeps its own data. Start with a fresh database to reload.")]
    private partial void LogChanged(string seed, string directory);
}
