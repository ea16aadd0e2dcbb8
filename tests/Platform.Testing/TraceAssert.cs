using Platform.Messaging;
using Platform.Telemetry.Spans;

namespace Platform.Testing;

/// <summary>
/// Asserts that one trace runs from a gRPC call that writes through the outbox to the consumer of its event.
/// Each service exports its spans in batches of its own, so one service's spans can reach the span store after
/// another's: every hop is waited for, rather than the trace read once the last hop has arrived.
/// </summary>
public static class TraceAssert
{
    public static async Task ShouldRunFromCallToConsumerAsync(
        this SpanStore spans, TraceParent trace, string service, string rpc, string consumerService,
        TimeSpan patience, CancellationToken cancellationToken)
    {
        var traceId = trace.TraceIdHex;
        Task<SpanRecord> Hop(Func<SpanRecord, bool> match) =>
            spans.WaitForSpanAsync(span => span.TraceId == traceId && match(span), patience, cancellationToken);

        await Hop(span => span.ServiceName == service && span.Kind == SpanKind.Server && span.Name.Contains(rpc));
        await Hop(span => span.ServiceName == service && span.Name.StartsWith(MessagingDiagnostics.RelaySpanName));
        await Hop(span => span.ServiceName == service && span.Kind == SpanKind.Producer);
        await Hop(span => span.ServiceName == consumerService && span.Kind == SpanKind.Consumer);
    }
}
