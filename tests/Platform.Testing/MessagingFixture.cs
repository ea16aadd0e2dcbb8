namespace Platform.Testing;

/// <summary>
/// PostgreSQL and RabbitMQ alone, from the platform's AppHost, for messaging tests (outbox, inbox, consumers). Each
/// test makes its own database with <see cref="PlatformFixture.CreateDatabaseAsync"/>. The broker and the database
/// can be stopped and started again mid-test, as the dashboard's buttons do, to prove that messaging survives.
/// </summary>
public sealed class MessagingFixture : PlatformFixture
{
    protected override string Services => "";

    /// <summary>
    /// The broker administrator's URI (<c>amqp://platform-admin:…@127.0.0.1:&lt;port&gt;/</c>): test hosts declare queues of
    /// any name, where each service's own user may only use its own.
    /// </summary>
    public string AmqpUri => ConnectionString("messaging");
}
