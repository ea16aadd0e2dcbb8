using Platform.Messaging;

namespace Platform.Testing;

/// <summary>
/// Asserts that one trace runs from a gRPC call that writes through the outbox to the consumer of its event, as the
/// dashboard shows it. Each service exports its spans in batches of its own, so one service's spans can reach the
/// dashboard after another's: every hop is waited for, rather than the trace read once the last hop has arrived.
/// </summary>
public static class TraceAssert
{
    public static async Task ShouldRunFromCallToConsumerAsync(
        this DashboardTelemetry telemetry, TraceParent trace, string service, string rpc, string consumerService, TimeSpan patience)
    {
        var traceId = trace.TraceIdHex;
        Task<DashboardSpan> Hop(string what, Func<DashboardSpan, bool> match) => telemetry.WaitForSpanAsync(traceId, match, what, patience);

        await Hop($"{service}'s {rpc} server span", span => span.Service == service && span.Kind == SpanKind.Server && span.Name.Contains(rpc));
        await Hop($"{service}'s outbox relay", span => span.Service == service && span.Name.StartsWith(MessagingDiagnostics.RelaySpanName));
        await Hop($"{service}'s publish to the broker", span => span.Service == service && span.Kind == SpanKind.Producer);
        await Hop($"{consumerService}'s consumer", span => span.Service == consumerService && span.Kind == SpanKind.Consumer);
    }
}
