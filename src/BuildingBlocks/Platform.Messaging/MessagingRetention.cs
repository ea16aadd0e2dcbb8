using Platform.Data.Retention;

namespace Platform.Messaging;

/// <summary>
/// How long the outbox and the inbox keep their rows (Retention:Outbox, Retention:Inbox), and why that is safe.
/// <see cref="MessagingExtensions.AddMessaging"/> has the service's retention cleanup trim both.
/// </summary>
public static class MessagingRetention
{
    /// <summary>
    /// 7 days after dispatch. The relay never reads a dispatched row again and consumers deduplicate on their own
    /// inbox, so a dispatched row is history only: what was sent, when, in which trace, after how many attempts and
    /// why it was late. A week keeps that for an incident looked into after a weekend.
    /// </summary>
    public static readonly TimeSpan DefaultOutboxWindow = TimeSpan.FromDays(7);

    /// <summary>
    /// 30 days after handling. An inbox row must outlive every copy of its message that could still arrive, and here
    /// a copy of a handled message can arrive again in only two ways:
    /// <list type="bullet">
    /// <item>The broker redelivers a copy whose acknowledgement it never got (the handler committed, then the channel
    /// dropped). RabbitMQ requeues it when the channel closes and delivers it as soon as the service consumes again,
    /// so within the consumer's own outage. These queues have no message TTL, dead-lettering or delayed redelivery,
    /// and MassTransit's retries run in process before the commit, so nothing holds a copy back for later.</item>
    /// <item>The producer relays an outbox row again: the broker confirmed it but the "dispatched" mark did not commit
    /// (a crash, a lost database). The row is still pending, so it goes again at the producer's next relay, so within
    /// the producer's outage, and then waits behind the queue's backlog.</item>
    /// </list>
    /// A message moved back from an "_error" queue was never handled (a failed handler leaves no inbox row). So the
    /// window must outlast the longest outage of either service or the broker plus the backlog after it: 30 days is
    /// far beyond any outage the platform would sit out without an operator, for about 100 bytes a message.
    /// </summary>
    public static readonly TimeSpan DefaultInboxWindow = TimeSpan.FromDays(30);

    /// <summary>
    /// Deletes a batch of the oldest dispatched rows, through outbox_dispatched_at_idx. A pending row
    /// (dispatched_at null) is never deleted, however old: it is an event not delivered yet.
    /// </summary>
    public static readonly RetentionRule Outbox = new(
        Table: "messaging.outbox",
        Setting: "Outbox",
        DefaultWindow: DefaultOutboxWindow,
        Key: "id",
        Timestamp: "dispatched_at");

    /// <summary>Deletes a batch of the oldest inbox rows, through inbox_processed_at_idx.</summary>
    public static readonly RetentionRule Inbox = new(
        Table: "messaging.inbox",
        Setting: "Inbox",
        DefaultWindow: DefaultInboxWindow,
        Key: "(consumer, message_id)",
        Timestamp: "processed_at");
}
