using System.Collections.Concurrent;
using Npgsql;

namespace Platform.Data;

/// <summary>
/// What a read loaded, kept for as long as the database's committed state is provably the same, so that a repeated
/// read costs a share of one round trip (<c>SELECT pg_current_snapshot()</c>) instead of the queries of a load.
/// </summary>
/// <remarks>
/// A PostgreSQL snapshot (<c>xmin:xmax:in-progress xids</c>) says exactly which transactions' writes are visible, so
/// two equal snapshots see the same committed data in every table. A value is kept under the snapshot of the
/// REPEATABLE READ transaction it was loaded in, and a later read whose snapshot is equal gets it without loading. Any
/// commit that could change it gives a new snapshot, and the next read loads afresh. So the cache is never stale, needs
/// no invalidation and works across instances; it only misses more often than it must (transaction ids are
/// server-wide: another database's writes on the same server also count as changes).
/// </remarks>
public sealed class SnapshotCache<TKey, TValue>(NpgsqlDataSource dataSource, int capacity = 400) where TKey : notnull
{
    private const string SnapshotSql = "SELECT pg_current_snapshot()::text";

    // Concurrent reads share their checks: one round trip for all the reads that arrived while the last was out.
    private readonly SharedQuery<string> _currentSnapshot = new(async () =>
    {
        await using var command = dataSource.CreateCommand(SnapshotSql);
        return (string)(await command.ExecuteScalarAsync())!;
    });
    private volatile Entry? _entry;

    private sealed record Entry(string Snapshot, ConcurrentDictionary<TKey, TValue> Values);

    /// <param name="load">Reads the value in the unit of work given (REPEATABLE READ: one snapshot for all its queries).</param>
    public async Task<TValue> GetAsync(
        TKey key, Func<UnitOfWork, CancellationToken, Task<TValue>> load, CancellationToken cancellationToken)
    {
        var entry = _entry;
        if (entry is not null && entry.Values.TryGetValue(key, out var kept)
            && await _currentSnapshot.NextResultAsync().WaitAsync(cancellationToken) == entry.Snapshot)
            return kept;

        // The snapshot is the transaction's first statement, so the load sees exactly what it names.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var work = await UnitOfWork.BeginAsync(connection, System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        string snapshot;
        await using (var command = work.Command(SnapshotSql))
            snapshot = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        var value = await load(work, cancellationToken);
        await work.CommitAsync(cancellationToken);

        entry = _entry;
        if (entry?.Snapshot != snapshot)
        {
            entry = new Entry(snapshot, new ConcurrentDictionary<TKey, TValue>());
            _entry = entry;
        }
        // A bound, so a caller walking through every key cannot fill memory; past it, reads still load and answer.
        if (entry.Values.Count < capacity) entry.Values.TryAdd(key, value);
        return value;
    }
}
