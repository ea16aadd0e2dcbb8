using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Telemetry.Logs;
using Platform.Telemetry.Metrics;
using Platform.Telemetry.Spans;

namespace Platform.Telemetry.Dashboard;

public static class DashboardEndpoints
{
    private const int RecentTraceCount = 100;
    private const int RecentLogCount = 500;
    private const string HtmlContentType = "text/html; charset=utf-8";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// Maps the server-rendered pages (/, /traces/{traceId}, /logs) and their JSON twins
    /// (/api/traces, /api/traces/{traceId}, /api/logs). They only read the stores registered by
    /// <see cref="TelemetryCollectorExtensions.AddTelemetryCollector"/>. Links assume the pages are mapped at the root.
    /// </summary>
    public static IEndpointRouteBuilder MapTraceDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext context, SpanStore spans, LogStore logs, MetricCounters metrics) =>
        {
            // The AppHost may not register a resource source (e.g. in tests): then there are simply no resources.
            var resources = context.RequestServices.GetService<IResourceStateSource>()?.GetResources() ?? [];
            return Html(HomePage.Render(resources, spans.RecentTraces(RecentTraceCount), spans.TotalReceived, logs.TotalReceived, metrics));
        });

        endpoints.MapGet("/traces/{traceId}", (string traceId, SpanStore spans) =>
            spans.GetTrace(traceId) is { } trace
                ? Html(TracePage.Render(trace))
                : Html(TracePage.RenderNotFound(traceId), StatusCodes.Status404NotFound));

        endpoints.MapGet("/logs", (string? traceId, LogStore logs) =>
            Html(LogsPage.Render(logs.Recent(RecentLogCount, traceId), traceId)));

        endpoints.MapGet("/api/traces", (int? count, SpanStore spans) =>
            Results.Json(spans.RecentTraces(count ?? RecentTraceCount), Json));

        endpoints.MapGet("/api/traces/{traceId}", (string traceId, SpanStore spans) =>
            spans.GetTrace(traceId) is { } trace ? Results.Json(trace, Json) : Results.NotFound());

        endpoints.MapGet("/api/logs", (string? traceId, int? count, LogStore logs) =>
            Results.Json(logs.Recent(count ?? RecentLogCount, traceId), Json));

        return endpoints;
    }

    private static IResult Html(string page, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(page, HtmlContentType, statusCode: statusCode);
}
