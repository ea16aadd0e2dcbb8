using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Platform.Contracts.Practices.V1;
using Platform.Data;
using Platform.Data.Migrations;
using Platform.Messaging;
using Platform.Messaging.Inbox;

namespace Platform.SystemTests;

/// <summary>
/// A downstream service in miniature, built from the same building blocks a real one uses: its own database, the
/// messaging block with an idempotent inbox consumer, and ServiceDefaults' telemetry exported over OTLP to the Aspire dashboard. Being
/// outside every service, it shows that any consumer built from the blocks receives the registry's events as published
/// and joins the trace of the call that caused them.
/// </summary>
public sealed class TransferConsumerHost : IAsyncDisposable
{
    public const string ServiceName = "transfer-ledger";

    private readonly IHost _host;

    private TransferConsumerHost(IHost host) => _host = host;

    public ChannelReader<PracticeTransferred> Consumed => _host.Services.GetRequiredService<Channel<PracticeTransferred>>().Reader;

    public static async Task<TransferConsumerHost> StartAsync(string databaseConnectionString, string brokerConnectionString, Uri otlpEndpoint, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:ledgerdb"] = databaseConnectionString,
            ["ConnectionStrings:messaging"] = brokerConnectionString,
            ["OTEL_SERVICE_NAME"] = ServiceName,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
        });
        builder.ConfigureOpenTelemetry();
        builder.AddNpgsqlDataSource("ledgerdb");
        builder.Services.AddSingleton(Channel.CreateUnbounded<PracticeTransferred>());
        builder.AddMessaging(configureConsumers: bus => bus.AddConsumer<TransferLedgerConsumer>());
        // Return from StartAsync only once the queue is bound: an event published before that would never reach it.
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
        var host = builder.Build();
        // As a service's Program does: the messaging tables before the bus or the relay start.
        await host.PrepareDatabaseAsync(cancellationToken);
        await using (var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "CREATE TABLE IF NOT EXISTS transfers_seen (practice_id text NOT NULL, to_pcn text NOT NULL, effective_from date NOT NULL)"))
            await command.ExecuteNonQueryAsync(cancellationToken);
        await host.StartAsync(cancellationToken);
        return new TransferConsumerHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>Keeps a ledger of transfers; the inbox makes a redelivery change nothing.</summary>
    private sealed class TransferLedgerConsumer(NpgsqlDataSource dataSource, Channel<PracticeTransferred> consumed)
        : InboxConsumer<PracticeTransferred>(dataSource)
    {
        protected override async Task HandleAsync(PracticeTransferred message, UnitOfWork work, ConsumeContext<PracticeTransferred> context)
        {
            await using var command = work.Command("INSERT INTO transfers_seen (practice_id, to_pcn, effective_from) VALUES ($1, $2, $3)");
            command.Parameters.AddWithValue(message.PracticeId);
            command.Parameters.AddWithValue(message.ToPcnId);
            command.Parameters.AddWithValue(message.EffectiveFrom);
            await command.ExecuteNonQueryAsync(context.CancellationToken);
            await consumed.Writer.WriteAsync(message, context.CancellationToken);
        }
    }
}
