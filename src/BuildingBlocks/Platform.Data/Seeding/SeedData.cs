using Npgsql;

namespace Platform.Data.Seeding;

/// <summary>
/// Reference data a service loads from the documents' files into its database once, on first start: after that the
/// service owns the rows (users change them), so a restart must not load the files over them again.
/// Register it with <see cref="SeedDataExtensions.AddSeedData{TSeed}"/>; <see cref="SeedDataLoader"/> loads it.
/// </summary>
public interface ISeedData
{
    /// <summary>Its row in <c>platform.seed_loads</c>.</summary>
    string Name { get; }

    /// <summary>Where its files are.</summary>
    string Directory { get; }

    /// <summary>The files (in <see cref="Directory"/>) whose content it loads: their fingerprint is stored on loading.</summary>
    IReadOnlyList<string> Files { get; }

    /// <summary>Adds the inserts that load the files. Parse numbers and dates with the invariant culture.</summary>
    void AddRows(SeedBatch batch);
}

/// <summary>The inserts of one seed, run as one batch in the transaction that records the seed as loaded.</summary>
public sealed class SeedBatch
{
    internal NpgsqlBatch Batch { get; } = new();

    public int Count => Batch.BatchCommands.Count;

    /// <summary>One statement with positional parameters ($1, $2, ...); a null value is SQL NULL.</summary>
    public void Add(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        Batch.BatchCommands.Add(command);
    }
}
