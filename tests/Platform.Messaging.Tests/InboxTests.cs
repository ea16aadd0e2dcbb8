using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Messaging.Tests.Infrastructure;
using Platform.Testing;
using RabbitMQ.Client;
using Shouldly;

namespace Platform.Messaging.Tests;

public sealed class InboxTests(MessagingFixture servers)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Same_message_delivered_twice_changes_state_once()
    {
        await using var service = await MessagingTestHost.StartAsync(servers, bus => bus.AddConsumer<DuplicateDeliveryConsumer>());
        var consumed = new ConsumeCounter();
        using var observing = service.Bus.ConnectConsumeObserver(consumed);
        var messageId = NewId.NextGuid();
        var message = new DuplicateDeliveryEvent(Guid.NewGuid());

        // What a relay re-sending after a crash, or the broker redelivering, looks like: one MessageId, twice.
        for (var i = 0; i < 2; i++)
        {
            await service.Bus.Publish(message, context => context.MessageId = messageId, TestContext.Current.CancellationToken);
        }

        await Eventually.Until(() => Task.FromResult(consumed.Completed(messageId)), count => count == 2, "both deliveries consumed", Delivery);

        (await service.CountHandledAsync(message.Key)).ShouldBe(1);
        (await service.CountInboxAsync(messageId)).ShouldBe(1);
        consumed.Faulted.ShouldBe(0);
    }

    [Fact]
    public async Task Event_delivered_while_the_database_is_down_is_applied_once_it_is_back()
    {
        await using var service = await MessagingTestHost.StartAsync(servers, bus => bus.AddConsumer<DatabaseOutageConsumer>());
        var consumed = new ConsumeCounter();
        using var observing = service.Bus.ConnectConsumeObserver(consumed);
        var messageId = NewId.NextGuid();
        var message = new DatabaseOutageEvent(Guid.NewGuid());

        try
        {
            await servers.StopAsync("postgres", TestContext.Current.CancellationToken);
            // Published straight to the bus: with the database down there is no outbox to write to.
            await service.Bus.Publish(message, context => context.MessageId = messageId, TestContext.Current.CancellationToken);

            // The consumer is tried again and again: more often than a failing consumer is before its message is parked
            // (the first attempt and RetryLimit retries), so had the outage been treated as a failure, this would not pass.
            var attempts = service.Host.Services.GetRequiredService<AttemptCounter>();
            await Eventually.Until(() => Task.FromResult(attempts.Count), count => count > MessagingTestHost.RetryLimit + 2,
                "the consumer retried past the ordinary retry limit while the database is down", Delivery);
            consumed.Faulted.ShouldBe(0);
            consumed.Completed(messageId).ShouldBe(0);
            (await ErrorQueueDepthAsync(service.QueueNameOf<DatabaseOutageConsumer>() + "_error")).ShouldBe(0u);
        }
        finally
        {
            await servers.StartAsync("postgres", TestContext.Current.CancellationToken);
        }

        await Eventually.Until(() => Task.FromResult(consumed.Completed(messageId)), count => count == 1, "the event applied after the database came back", Delivery);
        (await service.CountHandledAsync(message.Key)).ShouldBe(1);
        consumed.Faulted.ShouldBe(0);
    }

    [Fact]
    public async Task Failing_consumer_retries_then_moves_the_message_to_the_error_queue()
    {
        await using var service = await MessagingTestHost.StartAsync(servers, bus => bus.AddConsumer<PoisonConsumer>());
        var errorQueue = service.QueueNameOf<PoisonConsumer>() + "_error";
        var message = new PoisonEvent(Guid.NewGuid());

        var messageId = await service.WriteAsync(message);

        await Eventually.Until(() => ErrorQueueDepthAsync(errorQueue), count => count == 1, $"one message in {errorQueue}", Delivery);

        var factory = new ConnectionFactory { Uri = new Uri(servers.AmqpUri) };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        var faulted = await channel.BasicGetAsync(errorQueue, autoAck: false, TestContext.Current.CancellationToken);
        faulted.ShouldNotBeNull();
        faulted.BasicProperties.MessageId.ShouldBe(messageId.ToString());

        // First attempt plus the configured retries, and each one rolled back: no state, no inbox row.
        service.Host.Services.GetRequiredService<AttemptCounter>().Count.ShouldBe(MessagingTestHost.RetryLimit + 1);
        (await service.CountHandledAsync(message.Key)).ShouldBe(0);
        (await service.CountInboxAsync(messageId)).ShouldBe(0);
    }

    /// <summary>How many messages wait in an error queue; 0 while there is none.</summary>
    private async Task<uint> ErrorQueueDepthAsync(string errorQueue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(servers.AmqpUri) };
        await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
        // MassTransit declares the error queue when it first faults a message into it; until then a passive declare
        // fails, and closes its channel.
        await using var probe = await connection.CreateChannelAsync(cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            return (await probe.QueueDeclarePassiveAsync(errorQueue, TestContext.Current.CancellationToken)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0u;
        }
    }
}
