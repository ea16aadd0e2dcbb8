using Platform.Telemetry.Logs;

namespace Platform.Telemetry.Dashboard;

/// <summary>"/logs": the most recent log records, newest first, each linked to its trace.</summary>
internal static class LogsPage
{
    public static string Render(IReadOnlyList<LogEntry> entries, string? traceId) =>
        Layout.Page(traceId is null ? "Logs" : $"Logs of trace {traceId}", html =>
        {
            if (entries.Count == 0)
            {
                html.Append($"<p class=\"muted\">No log records.</p>");
                return;
            }

            html.Append($"<table><tr><th>Time</th><th>Service</th><th>Level</th><th>Category</th><th>Message</th><th>Trace</th></tr>");
            foreach (var entry in entries)
                WriteEntry(html, entry);
            html.Append($"</table>");
        }, refreshSeconds: traceId is null ? 5 : null);

    private static void WriteEntry(HtmlBuilder html, LogEntry entry)
    {
        var isError = entry.Severity >= LogSeverity.Error;
        html.Append($"<tr class=\"{(isError ? "error" : "")}\"><td>{Layout.Time(entry.Timestamp)}</td><td>{entry.ServiceName}</td>");
        html.Append($"<td class=\"{(isError ? "error-text" : "")}\">{entry.Severity}</td><td>{entry.Category}</td><td>{entry.Body}</td>");
        if (entry.TraceId is { } traceId)
            html.Append($"<td class=\"mono\"><a href=\"{Layout.TraceHref(traceId)}\">{ShortId(traceId)}</a></td></tr>");
        else
            html.Append($"<td></td></tr>");
    }

    // Eight hex digits tell traces apart on one screen; the link carries the full id.
    private static string ShortId(string traceId) => traceId.Length > 8 ? traceId[..8] : traceId;
}
