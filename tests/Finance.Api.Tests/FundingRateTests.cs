using Platform.Testing;
using Llr.Finance.V1;
using Shouldly;
using static Finance.Api.Tests.Values;
using static Platform.Testing.ProtoValues;

namespace Finance.Api.Tests;

/// <summary>
/// The funding rates of Table 5 (004_019362184b449183.txt:3041-3055), listed and set. Setting a rate changes every
/// PCN's clinical-director line of 2023-24 (and a part-year factor, extended-hours of 2019-20), so each test sets it
/// back to the document's when done; the tests that read those years' figures are in the same collection.
/// </summary>
[Collection(AllocationWriters.Name)]
public sealed class FundingRateTests(FinanceServiceFixture finance)
{
    /// <summary>The rate the tests below set, and the one whose part-year factor they set; each is set back after.</summary>
    private const string SetRate = "fundingStreams/clinical-director/rates/2023-24";
    private const string SetFactor = "fundingStreams/extended-hours/rates/2019-20";

    private readonly FinanceService.FinanceServiceClient _client = finance.Finance;

    [Fact]
    public async Task Every_rate_is_listed_by_stream_then_year_with_the_documents_rate_and_published_amount()
    {
        var response = await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/-", PageSize = 100 });

        response.FundingRates.Count.ShouldBe(32);
        response.NextPageToken.ShouldBe("");
        var expectedOrder = Documents.Rates.SelectMany(stream => Documents.Years
            .Where((_, index) => stream.Value[index] is not null)
            .Select(year => $"fundingStreams/{stream.Key}/rates/{year}"));
        response.FundingRates.Select(rate => rate.Name).ShouldBe(expectedOrder);
        foreach (var rate in response.FundingRates)
        {
            var stream = rate.FundingStream["fundingStreams/".Length..];
            rate.Name.ShouldBe($"fundingStreams/{stream}/rates/{rate.Year}");
            Pounds(rate.DocumentRatePerHead).ShouldBe(Documents.Rate(stream, rate.Year), rate.Name);
            Pounds(rate.PublishedAmount).ShouldBe(Documents.Published(stream, rate.Year)!.Value, rate.Name);
            rate.Basis.ShouldBe(stream == Documents.Participation ? PatientBasis.Weighted : PatientBasis.Registered, rate.Name);
            rate.Source.ShouldContain(Documents.Table5, customMessage: rate.Name);
            rate.StreamDisplayName.ShouldNotBeNullOrEmpty();
            // The tests below set two rates and then set them back, so every rate and factor is the document's here;
            // those two may say a user set them.
            Pounds(rate.RatePerHead).ShouldBe(Pounds(rate.DocumentRatePerHead), rate.Name);
            Number(rate.PartYearFactor).ShouldBe(1m, rate.Name);
            if (rate.Name is SetRate or SetFactor)
                rate.RateSource.ShouldBeOneOf(RateSource.Printed, RateSource.Derived, RateSource.Set);
            else
                rate.RateSource.ShouldBeOneOf(RateSource.Printed, RateSource.Derived);
        }
        // Printed where the label's rate fits the year, derived otherwise (SeedData README judgements 3-4).
        response.FundingRates.Single(rate => rate.Name == "fundingStreams/core-pcn-funding/rates/2021-22").RateSource.ShouldBe(RateSource.Printed);
        response.FundingRates.Single(rate => rate.Name == "fundingStreams/additional-roles/rates/2022-23").RateSource.ShouldBe(RateSource.Derived);
    }

    [Theory]
    [InlineData("fundingStreams/improved-access", "", 3)]          // 2021-22 … 2023-24 only (004:3053)
    [InlineData("fundingStreams/investment-impact-fund", "", 4)]   // 2020-21 … 2023-24 only (004:3055)
    [InlineData("fundingStreams/-", "2019-20", 5)]
    [InlineData("fundingStreams/-", "2021-22", 7)]
    [InlineData("fundingStreams/core-pcn-funding", "2022-23", 1)]
    public async Task Rates_filter_by_stream_and_by_year(string parent, string year, int count)
    {
        var response = await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = parent, Year = year });

        response.FundingRates.Count.ShouldBe(count);
        if (parent != "fundingStreams/-") response.FundingRates.ShouldAllBe(rate => rate.FundingStream == parent);
        if (year != "") response.FundingRates.ShouldAllBe(rate => rate.Year == year);
    }

    [Fact]
    public async Task Rates_page_with_tokens_that_belong_to_their_query()
    {
        var all = await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/-" });
        var paged = new List<FundingRate>();
        var sizes = new List<int>();
        var token = "";
        do
        {
            var page = await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/-", PageSize = 10, PageToken = token });
            paged.AddRange(page.FundingRates);
            sizes.Add(page.FundingRates.Count);
            token = page.NextPageToken;
        } while (token != "" && sizes.Count < 10);

        sizes.ShouldBe([10, 10, 10, 2]);
        paged.Select(rate => rate.Name).ShouldBe(all.FundingRates.Select(rate => rate.Name));

        var first = await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/-", PageSize = 10 });
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.ListFundingRatesAsync(new ListFundingRatesRequest
            { Parent = "fundingStreams/-", Year = "2021-22", PageSize = 10, PageToken = first.NextPageToken }))).ShouldBe(["page_token"]);
    }

    [Fact]
    public async Task Setting_a_rate_moves_every_pcns_allocation_that_year_once_and_keeps_the_documents_rate()
    {
        const string stream = "fundingStreams/clinical-director";
        var auditBefore = await finance.CountAsync("SELECT count(*) FROM funding_rate_changes WHERE stream_id = 'clinical-director' AND year = '2023-24'");
        var otherYearBefore = await Allocation("pcns/leicester-city-south", "2022-23");
        var request = new UpdateFundingRateRequest
        {
            FundingRate = new FundingRate { Name = SetRate, RatePerHead = Gbp(0.70m) },
            RequestId = NewRequestId(),
        };

        try
        {
            var updated = await _client.UpdateFundingRateAsync(request);

            updated.Name.ShouldBe(SetRate);
            updated.RateSource.ShouldBe(RateSource.Set);
            Pounds(updated.RatePerHead).ShouldBe(0.70m);
            // The document's rate stays: £0.684, derived from 835,271 (004_019362184b449183.txt:3045) over the 2023-24 base.
            Pounds(updated.DocumentRatePerHead).ShouldBe(0.684m);
            Pounds(updated.PublishedAmount).ShouldBe(835_271m);
            Number(updated.PartYearFactor).ShouldBe(1m); // no factor given: the current one is kept

            // Leicester City South is paid on its stated 35,417 (000_0b818a8f861e84b5.txt:1896: Walnut St's list is not
            // printed): 0.70 × 35,417 = £24,791.90 where the document's £0.684 paid 0.684 × 35,417 = £24,225.228.
            // Its 2023-24 total, 35,417 × 30.929 (the year's seven rates, 1.761 + 14.52 + 0.684 + 1.464 + 1.50 + 6 + 5.00)
            // = 1,095,412.393, becomes 1,095,412.393 − 24,225.228 + 24,791.90 = 1,095,979.065 → £1,095,979.07 (half a
            // penny, rounded away from zero).
            var allocation = await Allocation("pcns/leicester-city-south", "2023-24");
            var line = allocation.Lines.Single(l => l.FundingStream == stream);
            line.RateSource.ShouldBe(RateSource.Set);
            Pounds(line.RatePerHead).ShouldBe(0.70m);
            line.Population.ShouldBe(35_417);
            Pounds(line.Amount).ShouldBe(24_791.90m);
            Pounds(allocation.Total).ShouldBe(1_095_979.07m);
            // Other years keep the document's rate.
            (await Allocation("pcns/leicester-city-south", "2022-23")).ShouldBe(otherYearBefore);

            // Every PCN of 2023-24 (all 25 of LLR's) is paid the new rate on its own list: rate x list x factor 1.
            var pcns = (await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/2023-24" })).Pcns;
            pcns.Count.ShouldBe(25);
            foreach (var pcn in pcns)
                ShouldPayTheNewRate((await Allocation(pcn.Pcn, "2023-24")).Lines.Single(l => l.FundingStream == stream), pcn.Pcn);
            (await finance.CountAsync("SELECT count(*) FROM funding_rate_changes WHERE stream_id = 'clinical-director' AND year = '2023-24'"))
                .ShouldBe(auditBefore + 1);

            // A retry answers the same and changes nothing more.
            (await _client.UpdateFundingRateAsync(request)).ShouldBe(updated);
            (await finance.CountAsync("SELECT count(*) FROM funding_rate_changes WHERE stream_id = 'clinical-director' AND year = '2023-24'"))
                .ShouldBe(auditBefore + 1);
            (await Allocation("pcns/leicester-city-south", "2023-24")).ShouldBe(allocation);

            var listed = await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = stream, Year = "2023-24" });
            listed.FundingRates.ShouldHaveSingleItem().ShouldBe(updated);
        }
        finally
        {
            await SetBackAsync(SetRate, 0.684m);
        }

        // Set back, the line is the document's again: 0.684 × 35,417 = 24,225.228 → £24,225.23, total £1,095,412.39.
        var restored = await Allocation("pcns/leicester-city-south", "2023-24");
        Pounds(restored.Lines.Single(l => l.FundingStream == stream).Amount).ShouldBe(24_225.23m);
        Pounds(restored.Total).ShouldBe(1_095_412.39m);
    }

    [Fact]
    public async Task Setting_a_part_year_factor_pays_that_share_but_the_reconciliation_still_reproduces_the_documents_figure()
    {
        try
        {
            var updated = await _client.UpdateFundingRateAsync(new UpdateFundingRateRequest
            {
                FundingRate = new FundingRate { Name = SetFactor, RatePerHead = Gbp(1.099m), PartYearFactor = Dec("0.75") },
                RequestId = NewRequestId(),
            });

            Number(updated.PartYearFactor).ShouldBe(0.75m);
            Pounds(updated.DocumentRatePerHead).ShouldBe(1.099m);
            // The Leicester Foxes: 33,498 (000_0b818a8f861e84b5.txt:487, the City table's total of its seven lists):
            // 1.099 × 33,498 × 0.75 = 27,610.7265 → £27,610.73.
            var line = (await Allocation("pcns/the-leicester-foxes", "2019-20")).Lines
                .Single(l => l.FundingStream == "fundingStreams/extended-hours");
            Number(line.PartYearFactor).ShouldBe(0.75m);
            line.Population.ShouldBe(33_498);
            Pounds(line.Amount).ShouldBe(27_610.73m);

            // The document computed 1,049,481 (004_019362184b449183.txt:3047) at £1.099 a head for the whole (July-March)
            // year, factor 1 (SeedData README judgement 6): the figure alone implies 1,049,481 / 1.099 = 954,941.7652 patients.
            // A factor set since is the user's, not the document's, so it must not change what the document implies.
            var report = await _client.GetReconciliationReportAsync(new GetReconciliationReportRequest { Name = "reconciliationReports/2019-20" });
            var reconciled = report.Lines.Single(l => l.FundingStream == "fundingStreams/extended-hours");
            Pounds(reconciled.DocumentRatePerHead).ShouldBe(1.099m);
            Number(reconciled.ImpliedBasePopulation).ShouldBe(954_941.7652m);
            Number(reconciled.PartYearFactor).ShouldBe(1m);
        }
        finally
        {
            await SetBackAsync(SetFactor, 1.099m);
        }

        // Set back: 1.099 × 33,498 = 36,814.302 → £36,814.30, the whole year again.
        var restored = (await Allocation("pcns/the-leicester-foxes", "2019-20")).Lines
            .Single(l => l.FundingStream == "fundingStreams/extended-hours");
        Number(restored.PartYearFactor).ShouldBe(1m);
        Pounds(restored.Amount).ShouldBe(36_814.30m);
    }

    [Fact]
    public async Task Impossible_rates_and_factors_are_refused_naming_each_field_and_change_nothing()
    {
        const string name = "fundingStreams/core-pcn-funding/rates/2020-21";
        var before = (await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/core-pcn-funding", Year = "2020-21" })).FundingRates.Single();

        (await Refused(new FundingRate { Name = name, RatePerHead = Gbp(-0.01m) })).ShouldBe(["funding_rate.rate_per_head"]);
        (await Refused(new FundingRate { Name = name, RatePerHead = Gbp(1.5m), PartYearFactor = Dec("0") })).ShouldBe(["funding_rate.part_year_factor"]);
        (await Refused(new FundingRate { Name = name, RatePerHead = Gbp(1.5m), PartYearFactor = Dec("1.5") })).ShouldBe(["funding_rate.part_year_factor"]);
        (await Refused(new FundingRate { Name = name, RatePerHead = Gbp(1.5m), PartYearFactor = Dec("-0.5") })).ShouldBe(["funding_rate.part_year_factor"]);
        (await Refused(new FundingRate { Name = name, RatePerHead = Gbp(1.5m), PartYearFactor = Dec("three quarters") })).ShouldBe(["funding_rate.part_year_factor"]);
        (await Refused(new FundingRate { Name = name, RatePerHead = new Google.Type.Money { CurrencyCode = "EUR", Units = 1 } })).ShouldBe(["funding_rate.rate_per_head"]);
        // An empty currency code is not taken as pounds.
        (await Refused(new FundingRate { Name = name, RatePerHead = new Google.Type.Money { Units = 1 } })).ShouldBe(["funding_rate.rate_per_head"]);
        (await Refused(new FundingRate { Name = name })).ShouldBe(["funding_rate.rate_per_head"]);
        // Every violation at once.
        (await Refused(new FundingRate { Name = "fundingStreams/core-pcn-funding/rates/2020-22", RatePerHead = Gbp(-1m), PartYearFactor = Dec("2") }))
            .ShouldBe(["funding_rate.name", "funding_rate.rate_per_head", "funding_rate.part_year_factor"]);

        (await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/core-pcn-funding", Year = "2020-21" })).FundingRates.Single()
            .ShouldBe(before);
    }

    [Fact]
    public async Task Rates_that_do_not_exist_are_not_found()
    {
        await RpcAssert.FailsWith(Grpc.Core.StatusCode.NotFound, async () => await _client.UpdateFundingRateAsync(new UpdateFundingRateRequest
            { FundingRate = new FundingRate { Name = "fundingStreams/atlantis/rates/2021-22", RatePerHead = Gbp(1m) } }));
        // Improved Access has no 2019-20 figure (004:3053 prints three years), so no 2019-20 rate to set.
        await RpcAssert.FailsWith(Grpc.Core.StatusCode.NotFound, async () => await _client.UpdateFundingRateAsync(new UpdateFundingRateRequest
            { FundingRate = new FundingRate { Name = "fundingStreams/improved-access/rates/2019-20", RatePerHead = Gbp(6m) } }));
        await RpcAssert.FailsWith(Grpc.Core.StatusCode.NotFound, async () =>
            await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/atlantis" }));
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.UpdateFundingRateAsync(new UpdateFundingRateRequest
            { FundingRate = new FundingRate { Name = "fundingStreams/core-pcn-funding/rates/2031-32", RatePerHead = Gbp(1.5m) } })))
            .ShouldBe(["funding_rate.name"]);
        (await RpcAssert.FailsWithFieldViolations(async () =>
            await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/-", Year = "2031-32" }))).ShouldBe(["year"]);
    }

    private async Task<IReadOnlyList<string>> Refused(FundingRate rate) =>
        await RpcAssert.FailsWithFieldViolations(async () =>
            await _client.UpdateFundingRateAsync(new UpdateFundingRateRequest { FundingRate = rate, RequestId = NewRequestId() }));

    /// <summary>
    /// Sets a rate back to the document's, factor 1, so the tests that expect the documents' figures for 2019-20 and
    /// 2023-24 (AllocationTests, in the same collection) find them whichever runs first.
    /// </summary>
    private async Task SetBackAsync(string name, decimal documentRate) =>
        await _client.UpdateFundingRateAsync(new UpdateFundingRateRequest
        {
            FundingRate = new FundingRate { Name = name, RatePerHead = Gbp(documentRate), PartYearFactor = Dec("1") },
            RequestId = NewRequestId(),
        });

    private async Task<PcnAllocation> Allocation(string pcn, string year) =>
        await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"{pcn}/allocations/{year}" });

    /// <summary>A clinical director line at the rate the test sets, £0.70 a head, to the penny (half away from zero).</summary>
    private static void ShouldPayTheNewRate(AllocationLine line, string pcn)
    {
        line.RateSource.ShouldBe(RateSource.Set, pcn);
        Pounds(line.RatePerHead).ShouldBe(0.70m, pcn);
        Number(line.PartYearFactor).ShouldBe(1m, pcn);
        Pounds(line.Amount).ShouldBe(Math.Round(0.70m * line.Population, 2, MidpointRounding.AwayFromZero), pcn);
    }
}
