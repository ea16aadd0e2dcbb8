namespace Platform.Messaging;

/// <summary>
/// Tunables for the bus and the outbox dispatcher, bound from the "Messaging" configuration section.
/// The defaults suit production; tests shorten the timings.
/// </summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    /// <summary>Queue-name prefix; defaults to the service name (OTEL_SERVICE_NAME, else the application name).</summary>
    public string? EndpointPrefix { get; set; }

    /// <summary>A file holding the broker password, for a connection string that names only the user.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>
    /// How many times a failing consumer is retried in-process before its message goes to the error queue. A database
    /// that is unavailable does not count: that is retried, at most <see cref="RetryMaxInterval"/> apart, until it is back.
    /// </summary>
    public int RetryLimit { get; set; } = 3;

    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows relayed per dispatcher transaction.</summary>
    public int OutboxBatchSize { get; set; } = 100;

    /// <summary>
    /// How many rows the relay publishes at once. 1, the default, keeps insertion order on the broker: each row waits
    /// for the confirm of the one before, and each confirm waits for the broker to sync that one message to disk, so
    /// the relay moves about one row per sync. More lets the broker confirm them together, but publishes started
    /// together may reach the queue in any order: only for events whose consumers do not depend on their order (the
    /// registry's carry versions for that).
    /// </summary>
    public int OutboxPublishesInFlight { get; set; } = 1;

    /// <summary>Fallback sweep for when a NOTIFY was missed (listener reconnecting, another instance committing).</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one publish may wait for the broker's confirm before it counts as a failed attempt.</summary>
    public TimeSpan OutboxPublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Ceiling of the exponential back-off while the broker or the database is unavailable.</summary>
    public TimeSpan OutboxMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
}
