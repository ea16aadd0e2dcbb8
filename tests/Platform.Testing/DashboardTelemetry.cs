using System.Net;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>One span as the Aspire dashboard holds it: the service that exported it, and where it sits in its trace.</summary>
public sealed record DashboardSpan(string Service, string Name, SpanKind Kind, string TraceId, string SpanId, string? ParentSpanId)
{
    public override string ToString() => $"{Service}: {Kind} '{Name}' {SpanId} (parent {ParentSpanId ?? "none"})";
}

/// <summary>OTLP span kinds, numbered as OTLP numbers them.</summary>
public enum SpanKind { Unspecified, Internal, Server, Client, Producer, Consumer }

/// <summary>
/// Reads traces from the Aspire dashboard's telemetry API (<c>/api/telemetry/traces/{id}</c>), which answers in OTLP
/// JSON: what every resource exported to the dashboard over OTLP, as a developer sees it there.
/// </summary>
public sealed class DashboardTelemetry(Uri dashboard) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The spans of one trace the dashboard has received so far (none if it has not seen the trace).</summary>
    public async Task<IReadOnlyList<DashboardSpan>> TraceAsync(string traceId, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"/api/telemetry/traces/{traceId}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        return [.. Spans(json.RootElement.GetProperty("data"))];
    }

    /// <summary>Waits until the trace holds a span that matches.</summary>
    public async Task<DashboardSpan> WaitForSpanAsync(string traceId, Func<DashboardSpan, bool> match, string what, TimeSpan patience)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var spans = await Eventually.Until(() => TraceAsync(traceId, cancellationToken), spans => spans.Any(match),
            $"{what} in trace {traceId}", patience);
        return spans.First(match);
    }

    private static IEnumerable<DashboardSpan> Spans(JsonElement otlp)
    {
        foreach (var resourceSpans in otlp.GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resourceSpans.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .Where(attribute => attribute.GetProperty("key").GetString() == "service.name")
                .Select(attribute => attribute.GetProperty("value").GetProperty("stringValue").GetString())
                .FirstOrDefault() ?? "";
            foreach (var scopeSpans in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            foreach (var span in scopeSpans.GetProperty("spans").EnumerateArray())
            {
                yield return new DashboardSpan(
                    service,
                    span.GetProperty("name").GetString()!,
                    span.TryGetProperty("kind", out var kind) ? (SpanKind)kind.GetInt32() : SpanKind.Unspecified,
                    span.GetProperty("traceId").GetString()!,
                    span.GetProperty("spanId").GetString()!,
                    span.TryGetProperty("parentSpanId", out var parent) && parent.GetString() is { Length: > 0 } id ? id : null);
            }
        }
    }

    public void Dispose() => _http.Dispose();
}
