using Platform.Telemetry.Metrics;
using Platform.Telemetry.Spans;

namespace Platform.Telemetry.Dashboard;

/// <summary>"/": the resources the AppHost runs, the recent traces and how much telemetry has arrived.</summary>
internal static class HomePage
{
    public static string Render(
        IReadOnlyList<ResourceSnapshot> resources,
        IReadOnlyList<TraceSummary> traces,
        long spansReceived,
        long logsReceived,
        MetricCounters metrics) =>
        Layout.Page("Resources & traces", html =>
        {
            WriteResources(html, resources);
            WriteTraces(html, traces);
            WriteCounts(html, spansReceived, logsReceived, metrics);
        }, refreshSeconds: 5);

    private static void WriteResources(HtmlBuilder html, IReadOnlyList<ResourceSnapshot> resources)
    {
        html.Append($"<h2>Resources</h2>");
        if (resources.Count == 0)
        {
            html.Append($"<p class=\"muted\">No resources.</p>");
            return;
        }

        html.Append($"<table><tr><th>Name</th><th>Type</th><th>State</th><th>URLs</th><th class=\"num\">PID</th></tr>");
        foreach (var resource in resources)
        {
            html.Append($"<tr><td>{resource.Name}</td><td>{resource.Type}</td><td>{resource.State}</td><td>");
            foreach (var url in resource.Urls)
                WriteUrl(html, url);
            html.Append($"</td><td class=\"num\">{resource.ProcessId}</td></tr>");
        }
        html.Append($"</table>");
    }

    // Only http(s) URLs become links, so a resource can never plant a javascript: link.
    private static void WriteUrl(HtmlBuilder html, string url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            html.Append($"<a href=\"{url}\">{url}</a><br>");
        else
            html.Append($"{url}<br>");
    }

    private static void WriteTraces(HtmlBuilder html, IReadOnlyList<TraceSummary> traces)
    {
        html.Append($"<h2>Recent traces</h2>");
        if (traces.Count == 0)
        {
            html.Append($"<p class=\"muted\">No traces received yet.</p>");
            return;
        }

        html.Append($"<table><tr><th>Start</th><th>Operation</th><th>Services</th><th class=\"num\">Spans</th><th class=\"num\">Duration (ms)</th><th>Status</th><th>Trace id</th></tr>");
        foreach (var trace in traces)
        {
            var rowClass = trace.HasError ? "error" : "";
            html.Append($"<tr class=\"{rowClass}\"><td>{Layout.Time(trace.Start)}</td>");
            html.Append($"<td><a href=\"{Layout.TraceHref(trace.TraceId)}\">{trace.RootName}</a></td>");
            html.Append($"<td>{string.Join(", ", trace.Services)}</td><td class=\"num\">{trace.SpanCount}</td>");
            html.Append($"<td class=\"num\">{Layout.Milliseconds(trace.DurationMs)}</td>");
            html.Append($"<td>{(trace.HasError ? new RawHtml("<span class=\"error-text\">&#10006; Error</span>") : new RawHtml("OK"))}</td>");
            html.Append($"<td class=\"mono\">{trace.TraceId}</td></tr>");
        }
        html.Append($"</table>");
    }

    private static void WriteCounts(HtmlBuilder html, long spansReceived, long logsReceived, MetricCounters metrics)
    {
        html.Append($"<h2>Telemetry received</h2><table><tr><th>Signal</th><th class=\"num\">Count</th></tr>");
        html.Append($"<tr><td>Spans</td><td class=\"num\">{spansReceived}</td></tr>");
        html.Append($"<tr><td><a href=\"/logs\">Log records</a></td><td class=\"num\">{logsReceived}</td></tr>");
        html.Append($"<tr><td>Metric data points</td><td class=\"num\">{metrics.TotalDataPoints}</td></tr>");
        foreach (var (service, points) in metrics.DataPointsByService())
            html.Append($"<tr><td class=\"muted\">&nbsp;&nbsp;from {service}</td><td class=\"num\">{points}</td></tr>");
        html.Append($"</table>");
    }
}
