using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using Platform.Data.Seeding;

namespace Practices.Api.Infrastructure.Seeding;

/// <summary>
/// Loads the registry from the CSV files in SeedData/ (extracted from the LLR source documents, each row naming the
/// file and line it came from). Runs once per database: after the first load the registry owns the data — transfers
/// and new list sizes change it — so a restart must not load the documents over it again.
/// </summary>
internal sealed class SeedDataLoader(NpgsqlDataSource dataSource, ILogger<SeedDataLoader> logger)
{
    private const string SeedName = "llr-source-documents";

    // Appendix 3's date (000:1868): the date the documents state each practice's CCG.
    private static readonly DateOnly CommissionersStatedOn = new(2019, 6, 20);

    private static readonly string[] Files = ["pcns.csv", "pcn_stated_populations.csv", "practices.csv", "branch_sites.csv", "list_sizes.csv"];

    public async Task LoadAsync(string directory, CancellationToken cancellationToken)
    {
        var fingerprint = Fingerprint(directory);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("LOCK TABLE seed_loads IN EXCLUSIVE MODE", connection, transaction))
            await command.ExecuteNonQueryAsync(cancellationToken);

        await using (var loaded = new NpgsqlCommand("SELECT fingerprint FROM seed_loads WHERE name = $1", connection, transaction))
        {
            loaded.Parameters.AddWithValue(SeedName);
            if (await loaded.ExecuteScalarAsync(cancellationToken) is string earlier)
            {
                if (earlier != fingerprint)
                    logger.LogWarning("Seed data in {Directory} changed since it was loaded; the registry keeps its own data. Start with a fresh database to reload.", directory);
                return;
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var row in CsvTable.Read(Path.Combine(directory, "pcns.csv")).Rows)
            Add(batch, "INSERT INTO pcns (id, name, ccg, clinical_director, started_on) VALUES ($1, $2, $3, $4, $5)",
                row["pcn_id"], row["name"], row["ccg_id"], row["clinical_director"], DateOnly.Parse(row["started_on"], CultureInfo.InvariantCulture));

        foreach (var row in CsvTable.Read(Path.Combine(directory, "pcn_stated_populations.csv")).Rows)
            Add(batch, "INSERT INTO pcn_stated_populations (pcn_id, statement, part, population, as_at, source) VALUES ($1, $2, $3, $4, $5, $6)",
                row["pcn_id"], row["statement"], row["part"], long.Parse(row["population"], CultureInfo.InvariantCulture), DateOnly.Parse(row["as_at"], CultureInfo.InvariantCulture), row.Source);

        foreach (var row in CsvTable.Read(Path.Combine(directory, "practices.csv")).Rows)
        {
            Add(batch, "INSERT INTO practices (id, ods_code, name, source) VALUES ($1, $2, $3, $4)",
                row["practice_id"], row.Optional("ods_code"), row["name"], row.Source);
            Add(batch, "INSERT INTO memberships (practice_id, pcn_id, effective_from, reason, source) VALUES ($1, $2, $3, 'seed', $4)",
                row["practice_id"], row["pcn_id"], DateOnly.Parse(row["member_from"], CultureInfo.InvariantCulture), row.Source);
            // The practice's commissioner is the CCG Appendix 3 lists its PCN under, as at the appendix's date.
            Add(batch, "INSERT INTO practice_commissioners (practice_id, ccg, effective_from, source) SELECT $1, ccg, $3, $4 FROM pcns WHERE id = $2",
                row["practice_id"], row["pcn_id"], CommissionersStatedOn, row.Source);
        }

        foreach (var row in CsvTable.Read(Path.Combine(directory, "branch_sites.csv")).Rows)
            Add(batch, "INSERT INTO branch_sites (practice_id, name, source) VALUES ($1, $2, $3)", row["practice_id"], row["name"], row.Source);

        foreach (var row in CsvTable.Read(Path.Combine(directory, "list_sizes.csv")).Rows)
            Add(batch, "INSERT INTO list_sizes (practice_id, as_at, registered_patients, weighted_patients, source) VALUES ($1, $2, $3, $4, $5)",
                row["practice_id"], DateOnly.Parse(row["as_at"], CultureInfo.InvariantCulture), long.Parse(row["registered"], CultureInfo.InvariantCulture),
                row.Optional("weighted") is { } weighted ? long.Parse(weighted, CultureInfo.InvariantCulture) : null, row.Source);

        Add(batch, "INSERT INTO seed_loads (name, fingerprint) VALUES ($1, $2)", SeedName, fingerprint);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Loaded the registry from {Directory} ({Statements} statements)", directory, batch.BatchCommands.Count);
    }

    private static void Add(NpgsqlBatch batch, string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        batch.BatchCommands.Add(command);
    }

    private static string Fingerprint(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Files) hash.AppendData(File.ReadAllBytes(Path.Combine(directory, file)));
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
