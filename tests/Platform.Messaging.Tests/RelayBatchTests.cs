using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MassTransit;
using Platform.Data;
using Platform.Messaging.Tests.Infrastructure;
using Platform.Testing;
using RabbitMQ.Client;
using Shouldly;

namespace Platform.Messaging.Tests;

/// <summary>The relay publishes a batch at once; these are what it must still guarantee when part of it fails.</summary>
public sealed class RelayBatchTests(MessagingFixture servers)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Batch_failing_mid_way_at_the_broker_is_retried_until_every_row_is_relayed_once()
    {
        await using var service = await MessagingTestHost.StartAsync(servers, bus => bus.AddConsumer<RelayBatchConsumer>());
        using var lags = new RelayLagListener(nameof(RelayBatchEvent));
        var cancellation = TestContext.Current.CancellationToken;

        // A real refusal by the broker: the refused event's exchange already exists as another type, so MassTransit's
        // declaration of it fails (PRECONDITION_FAILED) every time until the clash is gone. The broker closes the
        // channel for it, and with it the publishes of the rest of the batch in flight on that channel.
        service.Bus.Topology.TryGetPublishAddress<BrokerRefusedEvent>(out var publishAddress).ShouldBeTrue();
        var refusedExchange = Uri.UnescapeDataString(publishAddress!.AbsolutePath.Split('/')[^1]);
        var factory = new ConnectionFactory { Uri = new Uri(servers.AmqpUri) };
        await using var connection = await factory.CreateConnectionAsync(cancellation);
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellation))
        {
            await channel.ExchangeDeclareAsync(refusedExchange, ExchangeType.Direct, durable: true, cancellationToken: cancellation);
        }

        // One transaction, so one batch: four events, the refused one, four more.
        var keys = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();
        var batch = new List<Guid>();
        Guid refused;
        await using (var work = await service.DataSource.BeginUnitOfWorkAsync(cancellation))
        {
            foreach (var key in keys[..4]) batch.Add(await service.Outbox.EnqueueAsync(work, new RelayBatchEvent(key), cancellation));
            refused = await service.Outbox.EnqueueAsync(work, new BrokerRefusedEvent(Guid.NewGuid()), cancellation);
            batch.Add(refused);
            foreach (var key in keys[4..]) batch.Add(await service.Outbox.EnqueueAsync(work, new RelayBatchEvent(key), cancellation));
            await work.CommitAsync(cancellation);
        }

        // The refused row fails, backs off and is tried again, never given up nor marked sent...
        await Eventually.Until(() => service.ScalarAsync<int>("SELECT attempts FROM messaging.outbox WHERE id = @key", refused),
            attempts => attempts >= 2, "the refused row retried", Delivery);
        (await service.ScalarAsync<bool>(
            "SELECT dispatched_at IS NULL AND last_error IS NOT NULL FROM messaging.outbox WHERE id = @key", refused)).ShouldBeTrue();

        // ...and every row of the batch is either marked sent or waits with its failure recorded: none was skipped.
        (await CountAsync(service, batch, "dispatched_at IS NULL AND (attempts = 0 OR last_error IS NULL)")).ShouldBe(0);

        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellation))
        {
            await channel.ExchangeDeleteAsync(refusedExchange, cancellationToken: cancellation);
        }

        // Once the broker accepts it, the whole batch goes through, each event applied once however often it was sent.
        await Eventually.Until(() => CountAsync(service, batch, "dispatched_at IS NULL"), pending => pending == 0,
            "the whole batch relayed once the broker accepts it", Delivery);
        foreach (var key in keys)
        {
            await Eventually.Until(() => service.CountHandledAsync(key), count => count > 0, "each event of the batch", Delivery);
            (await service.CountHandledAsync(key)).ShouldBe(1);
        }

        // Each row's lag was recorded as it was marked: from its transaction to its confirm, so after the failures.
        lags.Values.Count.ShouldBe(keys.Count);
        lags.Values.ShouldAllBe(seconds => seconds > 0 && seconds < 2 * Delivery.TotalSeconds);
    }

    private static async Task<long> CountAsync(MessagingTestHost service, List<Guid> ids, string condition)
    {
        await using var command = service.DataSource.CreateCommand(
            $"SELECT count(*) FROM messaging.outbox WHERE id = ANY(@ids) AND {condition}");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Collects platform.outbox.relay_lag for one message type while it is alive.</summary>
    private sealed class RelayLagListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<double> _values = new();

        public RelayLagListener(string messageType)
        {
            _listener.InstrumentPublished = (published, listener) =>
            {
                if (published.Meter.Name == MessagingDiagnostics.MeterName && published.Name == MessagingDiagnostics.RelayLagName)
                    listener.EnableMeasurementEvents(published);
            };
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == MessagingDiagnostics.MessageTypeTag && Equals(tag.Value, messageType)) _values.Enqueue(value);
                }
            });
            _listener.Start();
        }

        public IReadOnlyCollection<double> Values => _values;

        public void Dispose() => _listener.Dispose();
    }
}
