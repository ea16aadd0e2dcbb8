namespace Platform.Telemetry.Dashboard;

/// <summary>The page frame shared by every page, and the formats they share.</summary>
internal static class Layout
{
    public static string Page(string title, Action<HtmlBuilder> writeBody, int? refreshSeconds = null)
    {
        var html = new HtmlBuilder();
        html.Append($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} - LLR telemetry</title>");
        // A meta refresh keeps live pages current without any script.
        if (refreshSeconds is { } seconds)
            html.Append($"<meta http-equiv=\"refresh\" content=\"{seconds}\">");
        html.Append($"<style>{Styles}</style></head><body>");
        html.Append($"<nav><a href=\"/\">Resources &amp; traces</a> <a href=\"/logs\">Logs</a></nav><main><h1>{title}</h1>");
        writeBody(html);
        html.Append($"</main></body></html>");
        return html.ToString();
    }

    public static string TraceHref(string traceId) => "/traces/" + Uri.EscapeDataString(traceId);

    public static string Time(DateTimeOffset time) => time.ToLocalTime().ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    public static string Milliseconds(double milliseconds) => milliseconds.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly RawHtml Styles = new("""
        body { font: 14px system-ui, sans-serif; margin: 0; color: #222; }
        nav { background: #2b3a55; padding: 8px 16px; }
        nav a { color: #fff; margin-right: 16px; text-decoration: none; }
        main { padding: 8px 16px; }
        table { border-collapse: collapse; margin-bottom: 24px; width: 100%; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
        th { background: #f3f4f6; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        .mono { font-family: ui-monospace, monospace; font-size: 12px; }
        .error td { background: #fdecec; }
        .error-text { color: #b00020; font-weight: 600; }
        .muted { color: #777; }
        .bar-track { position: relative; min-width: 160px; height: 10px; }
        .bar { position: absolute; height: 10px; min-width: 2px; background: #4c7bd9; border-radius: 2px; }
        .error .bar { background: #d93c3c; }
        details summary { cursor: pointer; }
        """);
}
