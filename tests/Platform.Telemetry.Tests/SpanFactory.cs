using Platform.Telemetry.Spans;

namespace Platform.Telemetry.Tests;

/// <summary>Builds spans for store tests: only what a test cares about needs saying.</summary>
internal static class SpanFactory
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static SpanRecord Span(
        string traceId,
        string spanId,
        string? parentSpanId = null,
        string name = "operation",
        int startMs = 0,
        int durationMs = 10,
        string service = "orders-api",
        SpanStatus status = SpanStatus.Unset) =>
        new(traceId, spanId, parentSpanId, service, name, SpanKind.Internal,
            T0.AddMilliseconds(startMs), TimeSpan.FromMilliseconds(durationMs), status, null,
            new Dictionary<string, string>(), "tests");
}
