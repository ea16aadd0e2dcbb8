using Platform.Messaging.Tests.Infrastructure;
using Platform.Testing;
using Shouldly;

namespace Platform.Messaging.Tests;

public sealed class OutboxTests(MessagingFixture servers)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Event_committed_while_the_broker_is_down_is_delivered_once_it_is_back()
    {
        await using var service = await MessagingTestHost.StartAsync(servers, bus => bus.AddConsumer<BrokerOutageConsumer>());
        var key = Guid.NewGuid();

        Guid messageId;
        try
        {
            await servers.StopAsync("messaging", TestContext.Current.CancellationToken);
            messageId = await service.WriteAsync(new BrokerOutageEvent(key, "written during an outage"));

            // The dispatcher must have tried, failed and recorded why, without giving the row up.
            await Eventually.Until(
                () => service.ScalarAsync<int>("SELECT attempts FROM messaging.outbox WHERE id = @key", messageId),
                attempts => attempts >= 1, "a failed relay attempt", Delivery);
            (await service.ScalarAsync<bool>("SELECT dispatched_at IS NULL AND last_error IS NOT NULL FROM messaging.outbox WHERE id = @key", messageId))
                .ShouldBeTrue();
        }
        finally
        {
            await servers.StartAsync("messaging", TestContext.Current.CancellationToken);
        }

        await Eventually.Until(() => service.CountHandledAsync(key), count => count > 0, "delivery after the broker restarted", Delivery);

        (await service.CountHandledAsync(key)).ShouldBe(1);
        (await service.ScalarAsync<bool>("SELECT dispatched_at IS NOT NULL FROM messaging.outbox WHERE id = @key", messageId)).ShouldBeTrue();
        (await service.ScalarAsync<Guid>("SELECT message_id FROM handled WHERE key = @key", key)).ShouldBe(messageId);
    }

    [Fact]
    public async Task Rows_published_several_at_once_each_reach_the_consumer_once_across_a_broker_outage()
    {
        await using var service = await MessagingTestHost.StartAsync(servers, bus => bus.AddConsumer<BrokerOutageConsumer>(),
            new Dictionary<string, string?> { ["Messaging:OutboxPublishesInFlight"] = "8" });
        var keys = new List<Guid>();
        async Task WriteAsync(string note)
        {
            var key = Guid.NewGuid();
            keys.Add(key);
            await service.WriteAsync(new BrokerOutageEvent(key, note));
        }

        for (var i = 0; i < 20; i++) await WriteAsync("before the outage");
        try
        {
            await servers.StopAsync("messaging", TestContext.Current.CancellationToken);
            for (var i = 0; i < 20; i++) await WriteAsync("during the outage");

            // Whole windows failed, each row with its error, none given up.
            await Eventually.Until(
                () => service.ScalarAsync<long>("SELECT count(*) FROM messaging.outbox WHERE last_error IS NOT NULL AND dispatched_at IS NULL", Guid.Empty),
                failed => failed >= 8, "a failed window", Delivery);
        }
        finally
        {
            await servers.StartAsync("messaging", TestContext.Current.CancellationToken);
        }

        for (var i = 0; i < 20; i++) await WriteAsync("after the outage");
        await Eventually.Until(
            () => service.ScalarAsync<long>("SELECT count(*) FROM handled", Guid.Empty), count => count >= keys.Count, "every event", Delivery);

        foreach (var key in keys) (await service.CountHandledAsync(key)).ShouldBe(1);
        (await service.ScalarAsync<long>("SELECT count(*) FROM messaging.outbox WHERE dispatched_at IS NULL", Guid.Empty)).ShouldBe(0);
    }

    [Fact]
    public async Task Rolled_back_transaction_publishes_nothing()
    {
        await using var service = await MessagingTestHost.StartAsync(servers, bus => bus.AddConsumer<RollbackConsumer>());
        var rolledBack = Guid.NewGuid();
        var committed = Guid.NewGuid();

        await service.WriteAsync(new RollbackEvent(rolledBack), commit: false);
        await service.WriteAsync(new RollbackEvent(committed));

        // Rows relay in insertion order, so once the later, committed event is through, the other would have been too.
        await Eventually.Until(() => service.CountHandledAsync(committed), count => count > 0, "the committed event", Delivery);

        (await service.CountHandledAsync(rolledBack)).ShouldBe(0);
        (await service.ScalarAsync<long>("SELECT count(*) FROM messaging.outbox WHERE body->>'key' = @key::text", rolledBack)).ShouldBe(0);
        (await service.ScalarAsync<long>("SELECT count(*) FROM orders WHERE key = @key", rolledBack)).ShouldBe(0);
    }

    [Fact]
    public async Task Two_instances_relay_every_row_once_and_in_insertion_order()
    {
        // One consumer working one message at a time, so the order it handles them in is the order they were sent.
        await using var first = await MessagingTestHost.StartAsync(
            servers, bus => bus.AddConsumer<OrderedConsumer>().Endpoint(endpoint => endpoint.ConcurrentMessageLimit = 1));
        await using var second = await first.StartReplicaAsync();
        var consumed = new ConsumeCounter();
        using var observing = first.Bus.ConnectConsumeObserver(consumed);

        // Requests served by either instance, each its own transaction; both dispatchers race for the rows.
        var keys = new List<Guid>();
        var messageIds = new List<Guid>();
        for (var position = 0; position < 30; position++)
        {
            var key = Guid.NewGuid();
            keys.Add(key);
            messageIds.Add(await (position % 2 == 0 ? first : second).WriteAsync(new OrderedEvent(key, position)));
        }

        await Eventually.Until(() => Task.FromResult(consumed.TotalCompleted), count => count >= keys.Count, "all 30 events", Delivery);

        messageIds.ShouldAllBe(id => consumed.Completed(id) == 1);
        (await HandledKeysInOrderAsync(first)).ShouldBe(keys);
        (await first.ScalarAsync<long>("SELECT count(*) FROM messaging.outbox WHERE dispatched_at IS NULL OR attempts <> 1", Guid.Empty))
            .ShouldBe(0);
    }

    private static async Task<List<Guid>> HandledKeysInOrderAsync(MessagingTestHost service)
    {
        await using var command = service.DataSource.CreateCommand("SELECT key FROM handled ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<Guid>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetGuid(0));
        }

        return keys;
    }
}
