using Platform.AppHost.Hosting;

namespace Platform.Testing;

/// <summary>
/// PostgreSQL and RabbitMQ, for messaging tests (outbox, inbox, consumers). The broker can be stopped and started
/// again mid-test to prove that publishing survives an outage.
/// </summary>
public sealed class MessagingFixture : PostgresFixture
{
    public const string BrokerName = "messaging";

    public RabbitMQServerResource Broker => App.GetResource<RabbitMQServerResource>(BrokerName);

    /// <summary><c>amqp://guest:guest@127.0.0.1:&lt;port&gt;/</c>, as services get it in ConnectionStrings__messaging.</summary>
    public string AmqpUri => Broker.GetConnectionString();

    /// <summary>Stops the broker (a graceful stop of the node, like a restart in production); the port refuses connections until started again.</summary>
    public Task StopBrokerAsync() => App.StopResourceAsync(BrokerName);

    /// <summary>Starts the broker again on the same port with the same data; returns once it accepts AMQP connections.</summary>
    public Task StartBrokerAsync(CancellationToken cancellationToken = default) => App.StartResourceAsync(BrokerName, cancellationToken);

    protected override void AddResources(DistributedApplicationBuilder builder)
    {
        base.AddResources(builder);
        builder.AddRabbitMQ(BrokerName);
    }
}
