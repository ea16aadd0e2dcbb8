namespace Platform.Telemetry.Spans;

/// <summary>A whole trace arranged as a tree. Spans whose parent has not arrived are shown as roots.</summary>
public sealed record TraceView(
    string TraceId,
    IReadOnlyList<SpanNode> Roots,
    int SpanCount,
    DateTimeOffset Start,
    TimeSpan Duration)
{
    public double DurationMs => Duration.TotalMilliseconds;

    /// <summary>Every span in display order (depth first, siblings by start) with its depth in the tree.</summary>
    public IEnumerable<(SpanRecord Span, int Depth)> DepthFirst()
    {
        var pending = new Stack<(SpanNode Node, int Depth)>();
        for (var i = Roots.Count - 1; i >= 0; i--)
            pending.Push((Roots[i], 0));

        while (pending.TryPop(out var current))
        {
            yield return (current.Node.Span, current.Depth);
            for (var i = current.Node.Children.Count - 1; i >= 0; i--)
                pending.Push((current.Node.Children[i], current.Depth + 1));
        }
    }
}

public sealed record SpanNode(SpanRecord Span, IReadOnlyList<SpanNode> Children);

/// <summary>One line of the recent-traces list.</summary>
/// <param name="RootName">Name of the earliest root span: the operation the trace is about.</param>
/// <param name="Services">Distinct service names, in order of first appearance.</param>
public sealed record TraceSummary(
    string TraceId,
    string RootName,
    IReadOnlyList<string> Services,
    int SpanCount,
    DateTimeOffset Start,
    TimeSpan Duration,
    bool HasError)
{
    public double DurationMs => Duration.TotalMilliseconds;
}
