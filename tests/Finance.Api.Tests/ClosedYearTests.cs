using Grpc.Core;
using Llr.Finance.V1;
using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;
using static Finance.Api.Tests.Values;
using static Platform.Testing.ProtoValues;
using YearState = Llr.Finance.V1.FinancialYear.Types.State;
using CauseKind = Llr.Finance.V1.AdjustmentCause.Types.Kind;

namespace Finance.Api.Tests;

/// <summary>
/// Closing a financial year is global: once closed, every later write that touches the year becomes an adjustment,
/// and tests elsewhere in this assembly assert that their writes move every year's figures. So the tests that close a
/// year run in a collection of their own with parallelisation disabled, which xunit runs after every parallel
/// collection (every other test here) has finished, and nothing runs after them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class YearClosers
{
    public const string Name = "Closing financial years (after every other test)";
}

/// <summary>
/// A closed year's allocations stand as published; a later back-dated registry write or rate set is recorded as
/// prior-year adjustments instead. The year closed is 2020-21, and the PCN asserted on is Leicester Health Focus, whose
/// figures no other test changes: Oakmeadow 8,980, Groby Road 9,437, Fosse 8,931 and Hockley Farm 10,846 registered
/// patients (000_0b818a8f861e84b5.txt:502-505), 38,194 in all, on every reference date. 2020-21's rates per head
/// (Table 5, 004_019362184b449183.txt:3041-3055; SeedData README judgements 3-4): participation £1.761 (printed,
/// paid on the registered list since no weighted list is known), additional roles £4.26 (002:181 ÷ 50,000), clinical
/// director £0.684 and extended hours £1.464 (derived), core PCN funding £1.50 (printed), investment and impact fund
/// £1.25 (derived); every part-year factor 1.
/// </summary>
[Collection(YearClosers.Name)]
public sealed class ClosedYearTests(FinanceServiceFixture finance)
{
    private const string Year = "2020-21";
    private const string Pcn = "pcns/leicester-health-focus";
    private const string Core = "fundingStreams/core-pcn-funding";

    private readonly FinanceService.FinanceServiceClient _finance = finance.Finance;
    private readonly PracticeRegistryService.PracticeRegistryServiceClient _registry = finance.Registry;

    /// <summary>
    /// Paid: each stream's rate × 38,194, to the penny. Should have been after Hockley Farm's list is found to be
    /// 11,000 (154 more) from 1 April 2020: rate × 38,348. Each line: (paid, should have been, difference).
    /// </summary>
    private static readonly Dictionary<string, (decimal Paid, decimal ShouldHaveBeen, decimal Difference)> AfterListSize = new()
    {
        // 1.761 × 38,194 = 67,259.634 → 67,259.63; 1.761 × 38,348 = 67,530.828 → 67,530.83.
        ["fundingStreams/pcn-participation"] = (67_259.63m, 67_530.83m, 271.20m),
        // 4.26 × 38,194 = 162,706.44; 4.26 × 38,348 = 163,362.48.
        ["fundingStreams/additional-roles"] = (162_706.44m, 163_362.48m, 656.04m),
        // 0.684 × 38,194 = 26,124.696 → 26,124.70; 0.684 × 38,348 = 26,230.032 → 26,230.03.
        ["fundingStreams/clinical-director"] = (26_124.70m, 26_230.03m, 105.33m),
        // 1.464 × 38,194 = 55,916.016 → 55,916.02; 1.464 × 38,348 = 56,141.472 → 56,141.47.
        ["fundingStreams/extended-hours"] = (55_916.02m, 56_141.47m, 225.45m),
        // 1.50 × 38,194 = 57,291.00; 1.50 × 38,348 = 57,522.00.
        [Core] = (57_291.00m, 57_522.00m, 231.00m),
        // 1.25 × 38,194 = 47,742.50; 1.25 × 38,348 = 47,935.00.
        ["fundingStreams/investment-impact-fund"] = (47_742.50m, 47_935.00m, 192.50m),
    };

    [Fact]
    public async Task A_closed_year_keeps_its_published_figures_and_later_changes_become_cumulative_adjustments()
    {
        var openAllocation = await PcnAllocationAsync(Year);
        openAllocation.YearState.ShouldBe(YearState.Open);
        var openSystem = await SystemAllocationAsync();
        (await _finance.GetFinancialYearAsync(new GetFinancialYearRequest { Name = $"financialYears/{Year}" })).State.ShouldBe(YearState.Open);

        // Close, retry with the same request id, close again with another: one close, the same answer each time.
        var close = new CloseFinancialYearRequest { Name = $"financialYears/{Year}", RequestId = NewRequestId() };
        var closed = await _finance.CloseFinancialYearAsync(close);
        closed.Name.ShouldBe($"financialYears/{Year}");
        closed.State.ShouldBe(YearState.Closed);
        closed.CloseTime.ShouldNotBeNull();
        Pounds(closed.PublishedLlrTotal).ShouldBe(Pounds(openSystem.LlrTotal));
        closed.PublishedLlrPopulation.ShouldBe(openSystem.LlrPopulation);
        (await _finance.CloseFinancialYearAsync(close)).ShouldBe(closed);
        (await _finance.CloseFinancialYearAsync(new CloseFinancialYearRequest { Name = $"financialYears/{Year}", RequestId = NewRequestId() }))
            .ShouldBe(closed);
        (await _finance.GetFinancialYearAsync(new GetFinancialYearRequest { Name = $"financialYears/{Year}" })).ShouldBe(closed);
        (await finance.CountAsync("SELECT count(*) FROM closed_years WHERE year = $1", Year)).ShouldBe(1);

        // The published figures are the ones the open year answered, now saying the year is closed.
        var published = await PcnAllocationAsync(Year);
        published.YearState.ShouldBe(YearState.Closed);
        published.ShouldBe(WithState(openAllocation, YearState.Closed));
        published.Lines.ShouldAllBe(line => line.Population == 38_194);
        published.Lines.ToDictionary(line => line.FundingStream, line => Pounds(line.Amount))
            .ShouldBe(AfterListSize.ToDictionary(line => line.Key, line => line.Value.Paid), ignoreOrder: true);
        // 67,259.634 + 162,706.44 + 26,124.696 + 55,916.016 + 57,291 + 47,742.50 = 417,040.286 → 417,040.29.
        Pounds(published.Total).ShouldBe(417_040.29m);
        var publishedSystem = await SystemAllocationAsync();
        publishedSystem.ShouldBe(WithState(openSystem, YearState.Closed));

        // A back-dated registry write inside the closed year: Hockley Farm (LLR134) lists 11,000 from 1 April 2020.
        await _registry.CreateListSizeAsync(new CreateListSizeRequest
        {
            Parent = "practices/LLR134",
            ListSize = new ListSize { AsAtDate = Date(2020, 4, 1), RegisteredPatients = 11_000 },
            RequestId = NewRequestId(),
        });
        var listSize = await Eventually.Until(() => AdjustmentsAsync(Pcn), adjustments => adjustments.Count >= 6,
            "Finance records the list size as adjustments to leicester-health-focus's closed 2020-21");

        // The open years follow it; the closed year stands as published.
        (await PcnAllocationAsync("2021-22")).Lines.ShouldAllBe(line => line.Population == 38_348);
        (await PcnAllocationAsync(Year)).ShouldBe(published);
        (await SystemAllocationAsync()).ShouldBe(publishedSystem);

        listSize.Count.ShouldBe(6);
        listSize.Select(adjustment => adjustment.FundingStream).ShouldBe(AfterListSize.Keys, ignoreOrder: true);
        var messageId = listSize[0].Cause.MessageId;
        foreach (var adjustment in listSize)
        {
            var (paid, shouldHaveBeen, difference) = AfterListSize[adjustment.FundingStream];
            adjustment.Name.ShouldStartWith($"financialYears/{Year}/priorYearAdjustments/");
            adjustment.Pcn.ShouldBe(Pcn);
            Pounds(adjustment.Paid).ShouldBe(paid, adjustment.FundingStream);
            Pounds(adjustment.ShouldHaveBeen).ShouldBe(shouldHaveBeen, adjustment.FundingStream);
            Pounds(adjustment.Difference).ShouldBe(difference, adjustment.FundingStream);
            Pounds(adjustment.PreviousShouldHaveBeen).ShouldBe(paid, adjustment.FundingStream);
            Pounds(adjustment.Change).ShouldBe(difference, adjustment.FundingStream);
            adjustment.PaidPopulation.ShouldBe(38_194);
            adjustment.Population.ShouldBe(38_348);
            adjustment.PaidRatePerHead.ShouldBe(adjustment.RatePerHead);
            adjustment.Cause.Kind.ShouldBe(CauseKind.ListSizeRecorded);
            adjustment.Cause.MessageId.ShouldBe(messageId);
            adjustment.Cause.RequestId.ShouldBe("");
            adjustment.CreateTime.ShouldNotBeNull();
        }
        // The message id is the registry event's: the one Finance's inbox recorded when it applied it.
        (await finance.CountAsync("SELECT count(*) FROM messaging.inbox WHERE message_id = $1", Guid.Parse(messageId))).ShouldBe(1);

        // Then core PCN funding's 2020-21 rate is set to £1.60: 1.60 × 38,348 = 61,356.80. Paid stays 57,291.00, so
        // 4,065.80 is outstanding, of which this change is 61,356.80 − 57,522.00 = 3,834.80 (the list size was 231.00).
        var rateRequest = new UpdateFundingRateRequest
        {
            FundingRate = new FundingRate { Name = $"{Core}/rates/{Year}", RatePerHead = Gbp(1.60m) },
            RequestId = NewRequestId(),
        };
        await _finance.UpdateFundingRateAsync(rateRequest);
        await _finance.UpdateFundingRateAsync(rateRequest); // a retry records nothing more

        var core = await AdjustmentsAsync(Pcn, Core);
        core.Count.ShouldBe(2);
        Pounds(core[0].Difference).ShouldBe(231.00m);
        var rate = core[1];
        Pounds(rate.Paid).ShouldBe(57_291.00m);
        Pounds(rate.PreviousShouldHaveBeen).ShouldBe(57_522.00m);
        Pounds(rate.ShouldHaveBeen).ShouldBe(61_356.80m);
        Pounds(rate.Difference).ShouldBe(4_065.80m);
        Pounds(rate.Change).ShouldBe(3_834.80m);
        (Pounds(core[0].Change) + Pounds(rate.Change)).ShouldBe(Pounds(rate.Difference));
        Pounds(rate.PaidRatePerHead).ShouldBe(1.50m);
        Pounds(rate.RatePerHead).ShouldBe(1.60m);
        rate.Population.ShouldBe(38_348);
        rate.Cause.Kind.ShouldBe(CauseKind.FundingRateChanged);
        rate.Cause.RequestId.ShouldBe(rateRequest.RequestId);
        rate.Cause.FundingRate.ShouldBe($"{Core}/rates/{Year}");
        rate.Cause.MessageId.ShouldBe("");
        (await AdjustmentsAsync(Pcn)).Count.ShouldBe(7);

        // Still as published, rate and all.
        (await PcnAllocationAsync(Year)).ShouldBe(published);
        (await SystemAllocationAsync()).ShouldBe(publishedSystem);
    }

    [Fact]
    public async Task Adjustments_page_in_the_order_they_were_recorded_with_tokens_that_belong_to_their_query()
    {
        // Whatever the other test here has recorded by now (this runs in either order): pages of 2 give the same list.
        var all = await AdjustmentsAsync(pcn: null);
        var paged = new List<PriorYearAdjustment>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await _finance.ListPriorYearAdjustmentsAsync(new ListPriorYearAdjustmentsRequest
                { Parent = $"financialYears/{Year}", PageSize = 2, PageToken = token });
            paged.AddRange(page.PriorYearAdjustments);
            page.PriorYearAdjustments.Count.ShouldBeLessThanOrEqualTo(2);
            token = page.NextPageToken;
            pages++;
        } while (token != "" && pages < 1_000);
        paged.ShouldBe(all);

        var filtered = await _finance.ListPriorYearAdjustmentsAsync(new ListPriorYearAdjustmentsRequest
            { Parent = $"financialYears/{Year}", Pcn = Pcn, PageSize = 1 });
        if (filtered.NextPageToken != "")
            (await RpcAssert.FailsWithFieldViolations(async () => await _finance.ListPriorYearAdjustmentsAsync(new ListPriorYearAdjustmentsRequest
                { Parent = $"financialYears/{Year}", PageSize = 1, PageToken = filtered.NextPageToken }))).ShouldBe(["page_token"]);
    }

    [Fact]
    public async Task An_open_year_says_so_and_unknown_or_malformed_years_are_refused()
    {
        var open = await _finance.GetFinancialYearAsync(new GetFinancialYearRequest { Name = "financialYears/2021-22" });
        open.State.ShouldBe(YearState.Open);
        open.CloseTime.ShouldBeNull();
        open.PublishedLlrTotal.ShouldBeNull();
        (await _finance.ListPriorYearAdjustmentsAsync(new ListPriorYearAdjustmentsRequest { Parent = "financialYears/2021-22" }))
            .PriorYearAdjustments.ShouldBeEmpty();

        // A well-formed year Finance has no figures for is not there.
        await RpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await _finance.GetFinancialYearAsync(new GetFinancialYearRequest { Name = "financialYears/2031-32" }));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await _finance.CloseFinancialYearAsync(new CloseFinancialYearRequest { Name = "financialYears/2031-32", RequestId = NewRequestId() }));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await _finance.ListPriorYearAdjustmentsAsync(new ListPriorYearAdjustmentsRequest { Parent = "financialYears/2031-32" }));

        // Malformed names and ids name their fields, all at once.
        string[] malformed = ["", "financialYears/2019-21", "financialYears/19-20", "financialYear/2019-20", "financialYears/*", "financialYears/2019-20/x"];
        foreach (var name in malformed)
            (await RpcAssert.FailsWithFieldViolations(async () =>
                await _finance.GetFinancialYearAsync(new GetFinancialYearRequest { Name = name }))).ShouldBe(["name"], name);
        (await RpcAssert.FailsWithFieldViolations(async () => await _finance.CloseFinancialYearAsync(
            new CloseFinancialYearRequest { Name = "financialYears/2021-22", RequestId = "not-a-uuid" }))).ShouldBe(["request_id"]);
        (await RpcAssert.FailsWithFieldViolations(async () => await _finance.ListPriorYearAdjustmentsAsync(new ListPriorYearAdjustmentsRequest
            { Parent = "financialYears/2021-23", Pcn = "leicester-health-focus", FundingStream = "core", PageSize = -1 })))
            .ShouldBe(["parent", "pcn", "funding_stream", "page_size"]);

        // Nothing was closed by any of it.
        (await _finance.GetFinancialYearAsync(new GetFinancialYearRequest { Name = "financialYears/2021-22" })).State.ShouldBe(YearState.Open);
    }

    private async Task<PcnAllocation> PcnAllocationAsync(string year) =>
        await _finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"{Pcn}/allocations/{year}" });

    private async Task<SystemAllocation> SystemAllocationAsync() =>
        await _finance.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{Year}" });

    private async Task<List<PriorYearAdjustment>> AdjustmentsAsync(string? pcn, string? stream = null) =>
        (await _finance.ListPriorYearAdjustmentsAsync(new ListPriorYearAdjustmentsRequest
            { Parent = $"financialYears/{Year}", Pcn = pcn ?? "", FundingStream = stream ?? "", PageSize = 200 })).PriorYearAdjustments.ToList();

    private static PcnAllocation WithState(PcnAllocation allocation, YearState state)
    {
        var copy = allocation.Clone();
        copy.YearState = state;
        return copy;
    }

    private static SystemAllocation WithState(SystemAllocation allocation, YearState state)
    {
        var copy = allocation.Clone();
        copy.YearState = state;
        return copy;
    }
}
