namespace Platform.Messaging;

/// <summary>
/// The outbox and inbox tables live in their own <c>messaging</c> schema, created by this assembly's versioned
/// migration scripts (Migrations/*.sql), which <see cref="MessagingExtensions.AddMessaging"/> adds to the service's
/// own: the service's explicit <c>PrepareDatabaseAsync</c> step runs them all before the host starts.
/// </summary>
public static class MessagingSchema
{
    /// <summary>Channel the outbox trigger notifies on commit, so the dispatcher wakes without waiting for its poll.</summary>
    public const string OutboxChannel = "messaging_outbox";
}
