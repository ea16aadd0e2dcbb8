using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Messaging;

/// <summary>
/// Tracing and metrics for the outbox relay. Telemetry must listen to <see cref="ActivitySourceName"/> and to MassTransit's
/// own source ("MassTransit") for a trace to run unbroken from the request that wrote the row to the consumer.
/// </summary>
public static class MessagingDiagnostics
{
    public const string ActivitySourceName = "Platform.Messaging";

    /// <summary>The source MassTransit emits its send/receive/consume spans on; listed here so telemetry can subscribe to it by name.</summary>
    public const string MassTransitActivitySourceName = "MassTransit";

    /// <summary>What the span that relays an outbox row is called, before the message type it carries.</summary>
    public const string RelaySpanName = "outbox relay";

    /// <summary>The meter of the relay's metrics; AddMessaging subscribes the host's OpenTelemetry to it.</summary>
    public const string MeterName = ActivitySourceName;

    /// <summary>
    /// Seconds from the writing transaction's start (the row's created_at) to the broker's confirm, once per row
    /// marked dispatched; tagged with <see cref="MessageTypeTag"/>. A row that waited out an outage counts the wait.
    /// </summary>
    public const string RelayLagName = "platform.outbox.relay_lag";

    /// <summary>The tag naming the relayed message type ("PcnChanged"), as the relay span names it.</summary>
    public const string MessageTypeTag = "messaging.outbox.message_type";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private static readonly Meter Meter = new(MeterName);

    // OpenTelemetry's default buckets are meant for milliseconds; these resolve the 50 ms goal and an outage's minutes.
    private static readonly InstrumentAdvice<double> RelayLagBuckets = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    };

    internal static readonly Histogram<double> RelayLag = Meter.CreateHistogram(
        RelayLagName, unit: "s", description: "Outbox row written (transaction start) to broker confirm.",
        tags: null, advice: RelayLagBuckets);

    /// <summary>The ambient W3C trace context, as stored next to an outbox row; nulls when nothing is being traced.</summary>
    internal static (string? TraceParent, string? TraceState) CaptureCurrent()
    {
        var activity = Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return (null, null);
        }

        return (activity.Id, activity.TraceStateString);
    }

    /// <summary>
    /// Starts the span that relays one outbox row, parented on the context captured when the row was written, so the
    /// publish (and, through MassTransit's header propagation, the consumer) joins the writer's trace.
    /// </summary>
    internal static Activity? StartRelay(string messageType, Guid messageId, string? traceParent, string? traceState)
    {
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent);

        var activity = ActivitySource.StartActivity($"{RelaySpanName} {messageType}", ActivityKind.Internal, parent);
        activity?.SetTag("messaging.message.id", messageId.ToString());
        activity?.SetTag(MessageTypeTag, messageType);
        return activity;
    }
}
