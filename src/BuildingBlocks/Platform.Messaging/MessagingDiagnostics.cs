using System.Diagnostics;

namespace Platform.Messaging;

/// <summary>
/// Tracing for the outbox relay. Telemetry must listen to <see cref="ActivitySourceName"/> and to MassTransit's
/// own source ("MassTransit") for a trace to run unbroken from the request that wrote the row to the consumer.
/// </summary>
public static class MessagingDiagnostics
{
    public const string ActivitySourceName = "Platform.Messaging";

    /// <summary>The source MassTransit emits its send/receive/consume spans on; listed here so telemetry can subscribe to it by name.</summary>
    public const string MassTransitActivitySourceName = "MassTransit";

    /// <summary>What the span that relays an outbox row is called, before the message type it carries.</summary>
    public const string RelaySpanName = "outbox relay";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

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
        activity?.SetTag("messaging.outbox.message_type", messageType);
        return activity;
    }
}
