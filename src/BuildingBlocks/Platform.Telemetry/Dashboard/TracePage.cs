using Platform.Telemetry.Spans;

namespace Platform.Telemetry.Dashboard;

/// <summary>"/traces/{traceId}": one trace as an indented span tree with a timeline bar per span.</summary>
internal static class TracePage
{
    private const int IndentPixelsPerLevel = 20;

    public static string Render(TraceView trace) =>
        Layout.Page($"Trace {trace.TraceId}", html =>
        {
            html.Append($"<p>{trace.SpanCount} spans, {Layout.Milliseconds(trace.DurationMs)} ms, started {Layout.Time(trace.Start)}. ");
            html.Append($"<a href=\"/logs?traceId={Uri.EscapeDataString(trace.TraceId)}\">Logs of this trace</a></p>");
            html.Append($"<table><tr><th>Operation</th><th>Service</th><th>Kind</th><th class=\"num\">Start (ms)</th><th class=\"num\">Duration (ms)</th><th>Status</th><th style=\"width:30%\">Timeline</th></tr>");
            foreach (var (span, depth) in trace.DepthFirst())
                WriteSpan(html, trace, span, depth);
            html.Append($"</table>");
        });

    public static string RenderNotFound(string traceId) =>
        Layout.Page("Trace not found", html =>
            html.Append($"<p>No trace <span class=\"mono\">{traceId}</span> is held: it has not arrived yet, or it was evicted.</p>"));

    private static void WriteSpan(HtmlBuilder html, TraceView trace, SpanRecord span, int depth)
    {
        var isError = span.Status == SpanStatus.Error;
        var offsetMs = (span.Start - trace.Start).TotalMilliseconds;

        html.Append($"<tr class=\"{(isError ? "error" : "")}\">");
        html.Append($"<td style=\"padding-left:{8 + depth * IndentPixelsPerLevel}px\"><details><summary>{span.Name}</summary>");
        WriteAttributes(html, span);
        html.Append($"</details></td>");
        html.Append($"<td>{span.ServiceName}</td><td>{span.Kind}</td>");
        html.Append($"<td class=\"num\">{Layout.Milliseconds(offsetMs)}</td><td class=\"num\">{Layout.Milliseconds(span.DurationMs)}</td>");
        WriteStatus(html, span);
        WriteBar(html, trace, offsetMs, span.DurationMs);
        html.Append($"</tr>");
    }

    private static void WriteStatus(HtmlBuilder html, SpanRecord span)
    {
        if (span.Status == SpanStatus.Error)
            html.Append($"<td class=\"error-text\">&#10006; Error{(span.StatusMessage is null ? "" : ": ")}{span.StatusMessage}</td>");
        else
            html.Append($"<td>{span.Status}</td>");
    }

    private static void WriteAttributes(HtmlBuilder html, SpanRecord span)
    {
        html.Append($"<table class=\"mono\"><tr><td>span id</td><td>{span.SpanId}</td></tr><tr><td>scope</td><td>{span.ScopeName}</td></tr>");
        foreach (var (key, value) in span.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            html.Append($"<tr><td>{key}</td><td>{value}</td></tr>");
        html.Append($"</table>");
    }

    // Positions are percentages of the whole trace, so the bars line up as a waterfall.
    private static void WriteBar(HtmlBuilder html, TraceView trace, double offsetMs, double durationMs)
    {
        var total = trace.DurationMs;
        var left = total > 0 ? offsetMs / total * 100 : 0;
        var width = total > 0 ? durationMs / total * 100 : 100;
        html.Append($"<td><div class=\"bar-track\"><div class=\"bar\" style=\"left:{left:0.##}%;width:{width:0.##}%\"></div></div></td>");
    }
}
