using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Platform.SystemTests;

/// <summary>
/// The whole platform booted from Platform.AppHost through Aspire.Hosting.Testing, as `dotnet run` boots it (but on free ports and throw-away
/// state): read the registry, transfer a practice, see the event consumed downstream, and find one trace from the
/// gRPC call through the outbox relay and the broker to the consumer in the Aspire dashboard.
/// </summary>
public sealed class PlatformSystemTests(SystemFixture platform) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private TransferConsumerHost _consumer = null!;

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var ledgerDatabase = await platform.CreateDatabaseAsync("transfer_ledger", cancellationToken);
        _consumer = await TransferConsumerHost.StartAsync(ledgerDatabase, platform.ConnectionString("messaging"), platform.OtlpEndpoint, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_consumer is not null) await _consumer.DisposeAsync();
    }

    [Fact]
    public async Task A_transfer_is_served_relayed_consumed_and_traced_as_one_trace()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var registry = new PracticeRegistryService.PracticeRegistryServiceClient(platform.ChannelTo("practices"));

        var pcns = await registry.ListPcnsAsync(new ListPcnsRequest { PageSize = 100 }, cancellationToken: cancellationToken);
        pcns.Pcns.Count.ShouldBe(25);

        using var trace = new TraceParent();
        var transfer = await registry.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR006",
            TargetPcn = "pcns/harborough",
            EffectiveDate = Date(2025, 4, 1),
            RequestId = NewRequestId(),
        }, cancellationToken: cancellationToken);
        transfer.Practice.Pcn.ShouldBe("pcns/harborough");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        var consumed = await _consumer.Consumed.ReadAsync(timeout.Token);
        consumed.PracticeId.ShouldBe("LLR006");
        consumed.FromPcnId.ShouldBe("oadby-wigston");
        consumed.AffectedPcns.Select(pcn => pcn.PcnId).ShouldBe(["oadby-wigston", "harborough"], ignoreOrder: true);

        await platform.Telemetry.ShouldRunFromCallToConsumerAsync(trace, "practices", "TransferPractice", TransferConsumerHost.ServiceName, Patience);
    }
}
