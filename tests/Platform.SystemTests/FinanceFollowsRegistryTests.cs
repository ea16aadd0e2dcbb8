using Llr.Finance.V1;
using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Platform.SystemTests;

/// <summary>
/// Finance follows the registry across the platform: a transfer made in the registry reaches Finance through the
/// outbox and RabbitMQ, both PCNs' allocations change while LLR's total does not, and one trace runs from the
/// transfer call to Finance's consumer.
/// </summary>
public sealed class FinanceFollowsRegistryTests(SystemFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const string Year = "2023-24";

    [Fact]
    public async Task A_transfer_changes_both_PCNs_allocations_leaves_LLR_unchanged_and_is_one_trace()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var registry = new PracticeRegistryService.PracticeRegistryServiceClient(platform.ChannelTo("practices"));
        var finance = new FinanceService.FinanceServiceClient(platform.ChannelTo("finance"));

        // LLR091 (3,744 patients, 000_0b818a8f861e84b5.txt) moves from Leicester Central to Salutem: both PCNs have
        // every member's list size, so both populations are computed and both change by exactly that many patients.
        const long movedPatients = 3744;
        var centralBefore = await AllocationAsync(finance, "leicester-central", cancellationToken);
        var salutemBefore = await AllocationAsync(finance, "salutem", cancellationToken);
        var llrBefore = await finance.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{Year}" }, cancellationToken: cancellationToken);

        using var trace = new TraceParent();
        await registry.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR091",
            TargetPcn = "pcns/salutem",
            EffectiveDate = Date(2022, 6, 1),
            RequestId = NewRequestId(),
        }, cancellationToken: cancellationToken);

        var centralAfter = await Eventually.Until(() => AllocationAsync(finance, "leicester-central", cancellationToken),
            now => !now.Total.Equals(centralBefore.Total), $"Finance's {Year} allocation for leicester-central changes", Patience);
        var salutemAfter = await AllocationAsync(finance, "salutem", cancellationToken);
        var llrAfter = await finance.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{Year}" }, cancellationToken: cancellationToken);

        centralAfter.Lines[0].Population.ShouldBe(centralBefore.Lines[0].Population - movedPatients);
        salutemAfter.Lines[0].Population.ShouldBe(salutemBefore.Lines[0].Population + movedPatients);
        var expectedShift = centralBefore.Lines.Sum(line => Pounds(line.RatePerHead) * movedPatients * decimal.Parse(line.PartYearFactor.Value, System.Globalization.CultureInfo.InvariantCulture));
        (Pounds(centralBefore.Total) - Pounds(centralAfter.Total)).ShouldBe(expectedShift, tolerance: 0.01m * centralBefore.Lines.Count);
        (Pounds(salutemAfter.Total) - Pounds(salutemBefore.Total)).ShouldBe(expectedShift, tolerance: 0.01m * centralBefore.Lines.Count);
        // LLR's total is rounded once from exact amounts, so it does not move even by the pennies PCN rounding shifts.
        Pounds(llrAfter.LlrTotal).ShouldBe(Pounds(llrBefore.LlrTotal));
        llrAfter.LlrPopulation.ShouldBe(llrBefore.LlrPopulation);

        // One trace: the registry's gRPC server span, its outbox relay, the broker hop, and Finance's consumer.
        await platform.Telemetry.ShouldRunFromCallToConsumerAsync(trace, "practices", "TransferPractice", "finance", Patience);
    }

    private static Task<PcnAllocation> AllocationAsync(FinanceService.FinanceServiceClient finance, string pcn, CancellationToken cancellationToken) =>
        finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/{pcn}/allocations/{Year}" }, cancellationToken: cancellationToken).ResponseAsync;
}
