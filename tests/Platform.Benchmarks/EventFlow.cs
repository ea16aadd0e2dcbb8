using System.Diagnostics;
using Npgsql;

namespace Platform.Benchmarks;

/// <summary>
/// What became of the registry's PracticeTransferred events, read from the two services' own tables: the registry's
/// outbox (created_at: the row's insert, a few statements before the write commits; dispatched_at: once the broker
/// confirmed it, with the rest of its window) and Finance's inbox
/// (processed_at: the start of the transaction that applies the event and recomputes the allocations; they are
/// visible when it commits, a few milliseconds later). Both databases are on one server, so the clocks are one.
/// </summary>
public sealed class EventFlow(NpgsqlDataSource registry, NpgsqlDataSource finance)
{
    public async Task<DateTime> DatabaseNowAsync()
    {
        await using var command = registry.CreateCommand("SELECT now()");
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Waits until every transfer event written since <paramref name="since"/> was confirmed by the broker and applied
    /// by Finance, or <paramref name="patience"/> runs out; returns what it found then.
    /// </summary>
    public async Task<FlowReport> WaitUntilAppliedAsync(DateTime since, TimeSpan patience)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var report = await ReadAsync(since, waited.Elapsed);
            // Both: the relay marks a row after its confirm, which may come after Finance has applied the event.
            if (report.IsComplete || waited.Elapsed > patience) return report;
            await Task.Delay(250);
        }
    }

    private async Task<FlowReport> ReadAsync(DateTime since, TimeSpan waited)
    {
        var written = new Dictionary<Guid, (DateTime Created, DateTime? Dispatched)>();
        await using (var outbox = registry.CreateCommand(
            "SELECT id, created_at, dispatched_at FROM messaging.outbox " +
            "WHERE created_at >= $1 AND message_type LIKE '%PracticeTransferred%'"))
        {
            outbox.Parameters.AddWithValue(since);
            await using var rows = await outbox.ExecuteReaderAsync();
            while (await rows.ReadAsync())
                written[rows.GetGuid(0)] = (rows.GetDateTime(1), rows.IsDBNull(2) ? null : rows.GetDateTime(2));
        }

        var applied = new Dictionary<Guid, DateTime>();
        await using (var inbox = finance.CreateCommand(
            "SELECT message_id, max(processed_at) FROM messaging.inbox WHERE message_id = ANY($1) GROUP BY message_id"))
        {
            inbox.Parameters.AddWithValue(written.Keys.ToArray());
            await using var rows = await inbox.ExecuteReaderAsync();
            while (await rows.ReadAsync()) applied[rows.GetGuid(0)] = rows.GetDateTime(1);
        }

        var relayLags = written.Values.Where(row => row.Dispatched is not null)
            .Select(row => (row.Dispatched!.Value - row.Created).TotalMilliseconds);
        var applyLags = applied.Select(pair => (pair.Value - written[pair.Key].Created).TotalMilliseconds);
        var applying = applied.Count == 0
            ? TimeSpan.Zero
            : applied.Values.Max() - written.Values.Min(row => row.Created);
        return new FlowReport(written.Count, written.Values.Count(row => row.Dispatched is not null), applied.Count,
            [.. relayLags.Order()], [.. applyLags.Order()], waited, applying);
    }
}

/// <summary>
/// Transfer events written, confirmed by the broker and applied by Finance, with the lags in ms, sorted; how long after
/// the writes stopped it was read, and the time from the first event written to the last one applied.
/// </summary>
public sealed record FlowReport(int Written, int Relayed, int Applied, double[] RelayLagsMs, double[] ApplyLagsMs,
    TimeSpan Waited, TimeSpan Applying)
{
    public bool IsComplete => Relayed == Written && Applied == Written;

    public static double Percentile(double[] sorted, double share) => sorted.Length == 0
        ? double.NaN
        : sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Length) - 1)];

    public override string ToString() =>
        $"events written {Written}, confirmed by the broker {Relayed}, applied by Finance {Applied} " +
        (IsComplete ? $"(all confirmed and applied {Waited.TotalSeconds:F1} s after the writes stopped)\n"
            : $"(NOT ALL confirmed and applied {Waited.TotalSeconds:F0} s after the writes stopped)\n") +
        $"  Finance applied them at {Applied / Applying.TotalSeconds:F0}/s (first written to last applied: " +
        $"{Applying.TotalSeconds:F1} s)\n" +
        $"  outbox relay, row written -> broker confirm: p50 {Percentile(RelayLagsMs, 0.5):F0} ms, " +
        $"p99 {Percentile(RelayLagsMs, 0.99):F0} ms\n" +
        $"  row written -> Finance applying it (its transaction start): p50 {Percentile(ApplyLagsMs, 0.5):F0} ms, " +
        $"p99 {Percentile(ApplyLagsMs, 0.99):F0} ms";
}
