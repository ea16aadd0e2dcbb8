using Platform.Telemetry.Waiting;

namespace Platform.Telemetry.Spans;

/// <summary>
/// Thread-safe, bounded in-memory store of recent spans grouped by trace. When it holds more than
/// its capacity it evicts whole traces, least recently added to first, so a trace on the pages is
/// either complete (as far as it arrived) or gone, never half-evicted.
/// </summary>
public sealed class SpanStore
{
    public const int DefaultCapacity = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, TraceEntry> _traces = new(StringComparer.OrdinalIgnoreCase);
    // Oldest activity first: the eviction order.
    private readonly LinkedList<TraceEntry> _byLastActivity = new();
    private readonly MatchWaiters<SpanRecord> _waiters;
    private readonly int _capacity;
    private int _count;
    private long _totalReceived;

    public SpanStore(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _waiters = new MatchWaiters<SpanRecord>(_lock);
    }

    /// <summary>Spans currently held.</summary>
    public int Count
    {
        get { lock (_lock) return _count; }
    }

    /// <summary>Spans received since start, including evicted ones.</summary>
    public long TotalReceived => Interlocked.Read(ref _totalReceived);

    /// <summary>Adds spans; a span with the id of one already held (an exporter retry) replaces it.</summary>
    public void Add(IEnumerable<SpanRecord> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var added = spans.ToList();
        lock (_lock)
        {
            foreach (var span in added)
                Store(span);

            Evict();
            _waiters.Offer(added);
        }
        Interlocked.Add(ref _totalReceived, added.Count);
    }

    public TraceView? GetTrace(string traceId)
    {
        var spans = SnapshotOf(traceId);
        return spans is null ? null : TraceTree.Build(spans[0].TraceId, spans);
    }

    /// <summary>Summaries of the <paramref name="count"/> most recently started traces, newest first.</summary>
    public IReadOnlyList<TraceSummary> RecentTraces(int count)
    {
        List<SpanRecord[]> recent;
        lock (_lock)
        {
            recent = _traces.Values
                .OrderByDescending(t => t.Start)
                .Take(Math.Max(count, 0))
                .Select(t => t.Spans.Values.ToArray())
                .ToList();
        }
        return recent.Select(spans => TraceTree.Summarize(spans[0].TraceId, spans)).ToList();
    }

    /// <summary>Spans matching <paramref name="match"/>. It runs under the store's lock: keep it quick and don't call back into the store.</summary>
    public IReadOnlyList<SpanRecord> FindSpans(Func<SpanRecord, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        lock (_lock)
            return AllSpans().Where(match).ToList();
    }

    /// <summary>
    /// The first span, held already or arriving later, matching <paramref name="match"/> (same rules as <see cref="FindSpans"/>).
    /// Throws <see cref="TimeoutException"/> if none arrives within <paramref name="timeout"/>.
    /// </summary>
    public Task<SpanRecord> WaitForSpanAsync(
        Func<SpanRecord, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _waiters.WaitAsync(match, m => AllSpans().FirstOrDefault(m), timeout, cancellationToken);

    private SpanRecord[]? SnapshotOf(string traceId)
    {
        lock (_lock)
            return _traces.TryGetValue(traceId, out var entry) ? entry.Spans.Values.ToArray() : null;
    }

    private IEnumerable<SpanRecord> AllSpans() => _traces.Values.SelectMany(t => t.Spans.Values);

    private void Store(SpanRecord span)
    {
        if (!_traces.TryGetValue(span.TraceId, out var entry))
        {
            entry = new TraceEntry(span.TraceId, span.Start);
            _traces.Add(span.TraceId, entry);
        }
        else
        {
            _byLastActivity.Remove(entry.Node);
        }
        _byLastActivity.AddLast(entry.Node);

        if (entry.Spans.TryAdd(span.SpanId, span))
            _count++;
        else
            entry.Spans[span.SpanId] = span;

        if (span.Start < entry.Start)
            entry.Start = span.Start;
    }

    private void Evict()
    {
        while (_count > _capacity && _byLastActivity.First is { } oldest)
        {
            _byLastActivity.RemoveFirst();
            _traces.Remove(oldest.Value.TraceId);
            _count -= oldest.Value.Spans.Count;
        }
    }

    private sealed class TraceEntry
    {
        public TraceEntry(string traceId, DateTimeOffset start)
        {
            TraceId = traceId;
            Start = start;
            Node = new LinkedListNode<TraceEntry>(this);
        }

        public string TraceId { get; }
        public Dictionary<string, SpanRecord> Spans { get; } = new(StringComparer.OrdinalIgnoreCase);
        public DateTimeOffset Start { get; set; }
        public LinkedListNode<TraceEntry> Node { get; }
    }
}
