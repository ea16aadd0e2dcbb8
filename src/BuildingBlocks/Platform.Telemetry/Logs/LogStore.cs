using Platform.Telemetry.Waiting;

namespace Platform.Telemetry.Logs;

/// <summary>Thread-safe store of the most recent log records; the oldest drop out beyond its capacity.</summary>
public sealed class LogStore
{
    public const int DefaultCapacity = 10_000;

    private readonly Lock _lock = new();
    // Oldest first.
    private readonly Queue<LogEntry> _entries = new();
    private readonly MatchWaiters<LogEntry> _waiters;
    private readonly int _capacity;
    private long _totalReceived;

    public LogStore(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _waiters = new MatchWaiters<LogEntry>(_lock);
    }

    /// <summary>Log records received since start, including dropped ones.</summary>
    public long TotalReceived => Interlocked.Read(ref _totalReceived);

    public void Add(IEnumerable<LogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var added = entries.ToList();
        lock (_lock)
        {
            foreach (var entry in added)
                _entries.Enqueue(entry);

            while (_entries.Count > _capacity)
                _entries.Dequeue();

            _waiters.Offer(added);
        }
        Interlocked.Add(ref _totalReceived, added.Count);
    }

    /// <summary>The <paramref name="count"/> most recently received records, newest first, optionally of one trace.</summary>
    public IReadOnlyList<LogEntry> Recent(int count, string? traceId = null)
    {
        lock (_lock)
        {
            return _entries.Reverse()
                .Where(e => traceId is null || string.Equals(e.TraceId, traceId, StringComparison.OrdinalIgnoreCase))
                .Take(Math.Max(count, 0))
                .ToList();
        }
    }

    /// <summary>The first record, held already or arriving later, matching <paramref name="match"/>; <see cref="TimeoutException"/> if none.</summary>
    public Task<LogEntry> WaitForLogAsync(
        Func<LogEntry, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _waiters.WaitAsync(match, m => _entries.FirstOrDefault(m), timeout, cancellationToken);
}
