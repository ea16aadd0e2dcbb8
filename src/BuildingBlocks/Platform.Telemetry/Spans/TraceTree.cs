namespace Platform.Telemetry.Spans;

/// <summary>Arranges one trace's spans for display. Pure functions over a snapshot, run outside the store's lock.</summary>
internal static class TraceTree
{
    public static TraceView Build(string traceId, IReadOnlyCollection<SpanRecord> spans)
    {
        var ordered = InDisplayOrder(spans);
        var present = ordered.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var childrenOf = ordered.Where(s => HasParentIn(s, present)).ToLookup(s => s.ParentSpanId!, StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);

        var roots = ordered.Where(s => !HasParentIn(s, present)).Select(Node).ToList();

        // Spans whose parents form a cycle (malformed input) hang from no root: show them as roots rather than lose them.
        foreach (var span in ordered)
        {
            if (!placed.Contains(span.SpanId))
                roots.Add(Node(span));
        }

        return new TraceView(traceId, roots, ordered.Count, TraceStart(ordered), TraceDuration(ordered));

        SpanNode Node(SpanRecord span)
        {
            placed.Add(span.SpanId);
            var children = childrenOf[span.SpanId].Where(c => !placed.Contains(c.SpanId)).Select(Node).ToList();
            return new SpanNode(span, children);
        }
    }

    public static TraceSummary Summarize(string traceId, IReadOnlyCollection<SpanRecord> spans)
    {
        var ordered = InDisplayOrder(spans);
        var present = ordered.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);

        // A true root names the trace best; failing that the earliest span whose parent is missing.
        var root = ordered.FirstOrDefault(s => s.ParentSpanId is null)
            ?? ordered.FirstOrDefault(s => !HasParentIn(s, present))
            ?? ordered[0];

        return new TraceSummary(
            traceId,
            root.Name,
            ordered.Select(s => s.ServiceName).Distinct(StringComparer.Ordinal).ToList(),
            ordered.Count,
            TraceStart(ordered),
            TraceDuration(ordered),
            ordered.Any(s => s.Status == SpanStatus.Error));
    }

    private static List<SpanRecord> InDisplayOrder(IEnumerable<SpanRecord> spans) =>
        spans.OrderBy(s => s.Start)
            .ThenBy(s => s.Name, StringComparer.Ordinal)
            .ThenBy(s => s.SpanId, StringComparer.Ordinal)
            .ToList();

    private static bool HasParentIn(SpanRecord span, HashSet<string> present) =>
        span.ParentSpanId is { } parent && present.Contains(parent);

    private static DateTimeOffset TraceStart(List<SpanRecord> ordered) => ordered[0].Start;

    private static TimeSpan TraceDuration(List<SpanRecord> ordered) => ordered.Max(s => s.End) - ordered[0].Start;
}
