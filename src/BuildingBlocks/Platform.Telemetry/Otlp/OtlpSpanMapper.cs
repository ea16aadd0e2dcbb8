using Platform.Telemetry.Otlp.Proto.Collector.Trace.V1;
using Platform.Telemetry.Spans;
using OtlpSpan = Platform.Telemetry.Otlp.Proto.Trace.V1.Span;
using OtlpStatusCode = Platform.Telemetry.Otlp.Proto.Trace.V1.Status.Types.StatusCode;

namespace Platform.Telemetry.Otlp;

internal static class OtlpSpanMapper
{
    /// <param name="rejected">Spans dropped for lacking a valid trace or span id.</param>
    public static List<SpanRecord> Map(ExportTraceServiceRequest request, out int rejected)
    {
        var records = new List<SpanRecord>();
        rejected = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var serviceName = OtlpValues.ServiceName(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scopeName = scopeSpans.Scope?.Name ?? "";
                foreach (var span in scopeSpans.Spans)
                {
                    if (Map(span, serviceName, scopeName) is { } record)
                        records.Add(record);
                    else
                        rejected++;
                }
            }
        }
        return records;
    }

    private static SpanRecord? Map(OtlpSpan span, string serviceName, string scopeName)
    {
        var traceId = OtlpValues.HexId(span.TraceId);
        var spanId = OtlpValues.HexId(span.SpanId);
        if (traceId is not { Length: 32 } || spanId is not { Length: 16 })
            return null;

        return new SpanRecord(
            traceId,
            spanId,
            OtlpValues.HexId(span.ParentSpanId),
            serviceName,
            span.Name,
            ToKind(span.Kind),
            OtlpValues.FromUnixNanos(span.StartTimeUnixNano),
            OtlpValues.Between(span.StartTimeUnixNano, span.EndTimeUnixNano),
            ToStatus(span.Status?.Code),
            span.Status?.Message is { Length: > 0 } message ? message : null,
            OtlpValues.ToDictionary(span.Attributes),
            scopeName);
    }

    private static SpanKind ToKind(OtlpSpan.Types.SpanKind kind) => kind switch
    {
        OtlpSpan.Types.SpanKind.Internal => SpanKind.Internal,
        OtlpSpan.Types.SpanKind.Server => SpanKind.Server,
        OtlpSpan.Types.SpanKind.Client => SpanKind.Client,
        OtlpSpan.Types.SpanKind.Producer => SpanKind.Producer,
        OtlpSpan.Types.SpanKind.Consumer => SpanKind.Consumer,
        _ => SpanKind.Unspecified,
    };

    private static SpanStatus ToStatus(OtlpStatusCode? code) => code switch
    {
        OtlpStatusCode.Ok => SpanStatus.Ok,
        OtlpStatusCode.Error => SpanStatus.Error,
        _ => SpanStatus.Unset,
    };
}
