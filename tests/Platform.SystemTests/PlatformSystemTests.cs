using Grpc.Net.Client;
using Llr.Practices.V1;
using Npgsql;
using Platform.AppHost;
using Platform.AppHost.Hosting;
using Platform.Telemetry.Spans;
using Shouldly;

namespace Platform.SystemTests;

/// <summary>
/// The whole platform booted through the AppHost library, as `dotnet run` boots it (but on free ports and throw-away
/// state): read the registry, transfer a practice, see the event consumed downstream, and find one trace from the
/// gRPC call through the outbox relay and the broker to the consumer in the AppHost's span store.
/// </summary>
public sealed class PlatformSystemTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private DistributedApplication _platform = null!;
    private GrpcChannel _channel = null!;
    private TransferConsumerHost _consumer = null!;

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = DistributedApplication.CreateBuilder(["--AppHost:Isolated=true"]);
        builder.AddPlatform();
        _platform = builder.Build();
        await _platform.StartAsync(cancellationToken);
        _channel = GrpcChannel.ForAddress(_platform.GetEndpoint("practices", "grpc"));

        var ledgerDatabase = await CreateDatabaseAsync(_platform.GetConnectionString("practicesdb"), "transfer_ledger", cancellationToken);
        _consumer = await TransferConsumerHost.StartAsync(ledgerDatabase, _platform.GetConnectionString("messaging"), _platform.OtlpEndpoint, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_consumer is not null) await _consumer.DisposeAsync();
        _channel?.Dispose();
        if (_platform is not null) await _platform.DisposeAsync();
    }

    [Fact]
    public async Task A_transfer_is_served_relayed_consumed_and_traced_as_one_trace()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var registry = new PracticeRegistryService.PracticeRegistryServiceClient(_channel);

        var pcns = await registry.ListPcnsAsync(new ListPcnsRequest { PageSize = 100 }, cancellationToken: cancellationToken);
        pcns.Pcns.Count.ShouldBe(25);

        var transfer = await registry.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR006",
            TargetPcn = "pcns/harborough",
            EffectiveDate = new Google.Type.Date { Year = 2025, Month = 4, Day = 1 },
            RequestId = Guid.NewGuid().ToString(),
        }, cancellationToken: cancellationToken);
        transfer.Practice.Pcn.ShouldBe("pcns/harborough");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        var consumed = await _consumer.Consumed.ReadAsync(timeout.Token);
        consumed.PracticeId.ShouldBe("LLR006");
        consumed.FromPcnId.ShouldBe("oadby-wigston");
        consumed.AffectedPcns.Select(pcn => pcn.PcnId).ShouldBe(["oadby-wigston", "harborough"], ignoreOrder: true);

        var server = await _platform.Spans.WaitForSpanAsync(span =>
            span.ServiceName == "practices" && span.Kind == SpanKind.Server && span.Name.Contains("TransferPractice"), Patience, cancellationToken);
        var consumer = await _platform.Spans.WaitForSpanAsync(span =>
            span.ServiceName == TransferConsumerHost.ServiceName && span.Kind == SpanKind.Consumer && span.TraceId == server.TraceId, Patience, cancellationToken);

        var trace = _platform.Spans.GetTrace(server.TraceId)!;
        var spans = trace.DepthFirst().Select(entry => entry.Span).ToList();
        spans.ShouldContain(span => span.ServiceName == "practices" && span.Name.StartsWith("outbox relay"));
        spans.ShouldContain(span => span.Kind == SpanKind.Producer);
        consumer.TraceId.ShouldBe(server.TraceId);
    }

    private static async Task<string> CreateDatabaseAsync(string serverConnectionString, string database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(serverConnectionString);
        await using (var dataSource = NpgsqlDataSource.Create(connection.ConnectionString))
        await using (var command = dataSource.CreateCommand($"CREATE DATABASE {database}"))
            await command.ExecuteNonQueryAsync(cancellationToken);
        connection.Database = database;
        return connection.ConnectionString;
    }
}
