using Llr.Finance.V1;
using Shouldly;
using static Finance.Api.Tests.Values;
using static Platform.Testing.ProtoValues;

namespace Finance.Api.Tests;

/// <summary>
/// PCN and system allocations over real gRPC. Amounts are checked by recomputing them from each line's own fields
/// (rate × population × part-year factor, rounded once to the penny; totals rounded once from the exact amounts), so the checks hold whatever the registry tests
/// and the rate test do to populations and rates meanwhile; the published figures are the documents'.
/// </summary>
public sealed class AllocationTests(FinanceServiceFixture finance)
{
    private readonly FinanceService.FinanceServiceClient _client = finance.Finance;

    public static TheoryData<string, string> PcnYears()
    {
        var data = new TheoryData<string, string>();
        // A county PCN on its stated total, a city PCN with every list known, and the city PCN missing one list.
        foreach (var pcn in new[] { "slam", "leicester-health-focus", "leicester-city-south" })
            foreach (var year in Documents.Years)
                data.Add(pcn, year);
        return data;
    }

    [Theory]
    [MemberData(nameof(PcnYears))]
    public async Task Every_line_is_rate_times_population_times_factor_to_the_penny_and_the_total_is_their_exact_sum_rounded_once(string pcn, string year)
    {
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/{pcn}/allocations/{year}" });

        allocation.Name.ShouldBe($"pcns/{pcn}/allocations/{year}");
        allocation.Pcn.ShouldBe($"pcns/{pcn}");
        allocation.Year.ShouldBe(year);
        allocation.Lines.Select(line => line.FundingStream).ShouldBe(Documents.StreamsOf(year).Select(stream => $"fundingStreams/{stream}"));
        foreach (var line in allocation.Lines)
        {
            var expected = Penny(Pounds(line.RatePerHead) * line.Population * Number(line.PartYearFactor));
            Pounds(line.Amount).ShouldBe(expected, $"{line.FundingStream}: {Pounds(line.RatePerHead)} × {line.Population} × {line.PartYearFactor.Value}");
            line.Population.ShouldBeGreaterThan(0);
            line.PopulationSource.ShouldNotBe(PopulationSource.Unspecified);
            line.RateSource.ShouldNotBe(RateSource.Unspecified);
            line.DisplayName.ShouldNotBeNullOrEmpty();
        }
        // The total is rounded once, from the exact line amounts (not summed from the rounded lines).
        Pounds(allocation.Total).ShouldBe(Penny(allocation.Lines.Sum(Exact)));
        Math.Abs(Pounds(allocation.Total) - allocation.Lines.Sum(line => Pounds(line.Amount))).ShouldBeLessThan(0.005m * allocation.Lines.Count + 0.005m);
    }

    [Theory]
    [InlineData("2019-20", 2019, 7, 1)] // the contract start, 000:1164 "Once the contract commences on the 1st July 2019"
    [InlineData("2020-21", 2020, 4, 1)] // later years: the 1 April that starts the year (SeedData README judgement 7)
    [InlineData("2023-24", 2023, 4, 1)]
    public async Task Lines_are_paid_on_the_list_of_the_years_reference_date(string year, int y, int m, int d)
    {
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/rutland/allocations/{year}" });

        allocation.Lines.ShouldAllBe(line => line.ReferenceDate.Equals(Date(y, m, d)));
    }

    [Fact]
    public async Task A_county_pcn_without_practice_lists_is_paid_on_its_stated_total()
    {
        // SLAM: no member list size is printed, so the registry uses its Appendix 3 total, 69 519 (000_0b818a8f861e84b5.txt:1871).
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/slam/allocations/2021-22" });

        allocation.Ccg.ShouldBe("ccgs/east-leicestershire-rutland");
        allocation.Lines.ShouldAllBe(line => line.Population == 69_519 && line.PopulationSource == PopulationSource.Stated);
        // Core PCN Funding at £1.50 per registered patient (004_019362184b449183.txt:3051): 1.50 × 69,519 = £104,278.50.
        var core = allocation.Lines.Single(line => line.FundingStream == "fundingStreams/core-pcn-funding");
        Pounds(core.RatePerHead).ShouldBe(1.50m);
        core.RateSource.ShouldBe(RateSource.Printed);
        Pounds(core.Amount).ShouldBe(104_278.50m);
    }

    [Fact]
    public async Task A_city_pcn_whose_every_list_is_known_is_paid_on_their_sum()
    {
        // Leicester Health Focus: Oakmeadow 8,980, Groby Road 9,437, Fosse 8,931, Hockley Farm 10,846 (000:502-505)
        // sum to 38,194, not the 39,194 Appendix 3 states (000:1897).
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/leicester-health-focus/allocations/2020-21" });

        allocation.Ccg.ShouldBe("ccgs/leicester-city");
        allocation.Lines.ShouldAllBe(line => line.Population == 38_194 && line.PopulationSource == PopulationSource.Computed);
        // Extended hours 2020-21 at the derived £1.464 (004:3047; 1,706,694 ÷ the document's base): 1.464 × 38,194 = £55,916.016 → £55,916.02.
        var extendedHours = allocation.Lines.Single(line => line.FundingStream == "fundingStreams/extended-hours");
        Pounds(extendedHours.RatePerHead).ShouldBe(1.464m);
        extendedHours.RateSource.ShouldBe(RateSource.Derived);
        Pounds(extendedHours.Amount).ShouldBe(55_916.02m);
    }

    [Theory]
    [InlineData("2019-20")]
    [InlineData("2022-23")]
    public async Task Participation_is_owed_per_weighted_patient_but_paid_on_registered_lists_since_no_weighted_list_is_known(string year)
    {
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/belgrave-spinney/allocations/{year}" });

        // "PCN Participation (£1.761pwp)" (004:3041): per weighted patient.
        var participation = allocation.Lines.Single(line => line.FundingStream == "fundingStreams/pcn-participation");
        participation.Basis.ShouldBe(PatientBasis.Weighted);
        participation.BasisUsed.ShouldBe(PatientBasis.Registered);
        Pounds(participation.RatePerHead).ShouldBe(1.761m);
        allocation.Lines.Where(line => line != participation)
            .ShouldAllBe(line => line.Basis == PatientBasis.Registered && line.BasisUsed == PatientBasis.Registered);
    }

    [Theory]
    [InlineData("2019-20")]
    [InlineData("2021-22")]
    [InlineData("2023-24")]
    public async Task Every_line_sets_the_streams_published_llr_amount_beside_it(string year)
    {
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/north-west-leicestershire/allocations/{year}" });

        foreach (var line in allocation.Lines)
            Pounds(line.PublishedLlrAmount).ShouldBe(Documents.Published(line.FundingStream["fundingStreams/".Length..], year)!.Value, line.FundingStream);
    }

    [Theory]
    [InlineData("2019-20")]
    [InlineData("2020-21")]
    [InlineData("2021-22")]
    [InlineData("2022-23")]
    [InlineData("2023-24")]
    public async Task The_system_allocation_adds_up_by_stream_by_ccg_and_by_pcn(string year)
    {
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{year}" });

        system.Name.ShouldBe($"systemAllocations/{year}");
        system.Pcns.Count.ShouldBe(25);
        system.Pcns.Select(pcn => pcn.Pcn).ShouldBeUnique();
        system.Ccgs.Select(ccg => ccg.Ccg).ShouldBe(["ccgs/east-leicestershire-rutland", "ccgs/leicester-city", "ccgs/west-leicestershire"], ignoreOrder: true);
        system.Pcns.Count(pcn => pcn.Ccg == "ccgs/leicester-city").ShouldBe(10);

        // Every total is rounded once from exact amounts, so it is within half a penny a part of the sum of its rounded parts.
        var llrTotal = Pounds(system.LlrTotal);
        llrTotal.ShouldBe(system.Pcns.Sum(pcn => Pounds(pcn.Total)), tolerance: Slack(system.Pcns.Count));
        llrTotal.ShouldBe(system.Ccgs.Sum(ccg => Pounds(ccg.Total)), tolerance: Slack(system.Ccgs.Count));
        llrTotal.ShouldBe(system.LlrStreams.Sum(stream => Pounds(stream.Computed)), tolerance: Slack(system.LlrStreams.Count));
        system.LlrPopulation.ShouldBe(system.Pcns.Sum(pcn => pcn.Population));
        foreach (var ccg in system.Ccgs)
        {
            var members = system.Pcns.Where(pcn => pcn.Ccg == ccg.Ccg).ToList();
            Pounds(ccg.Total).ShouldBe(members.Sum(pcn => Pounds(pcn.Total)), tolerance: Slack(members.Count), ccg.Ccg);
            ccg.Population.ShouldBe(members.Sum(pcn => pcn.Population), ccg.Ccg);
            Pounds(ccg.Total).ShouldBe(ccg.Streams.Sum(stream => Pounds(stream.Computed)), tolerance: Slack(ccg.Streams.Count), ccg.Ccg);
        }
        foreach (var stream in system.LlrStreams)
            Pounds(stream.Computed).ShouldBe(system.Ccgs.Sum(ccg => Pounds(ccg.Streams.Single(s => s.FundingStream == stream.FundingStream).Computed)),
                tolerance: Slack(system.Ccgs.Count), stream.FundingStream);
    }

    [Fact]
    public async Task The_system_allocation_is_the_pcns_exact_amounts_rounded_once_to_the_penny()
    {
        // 2020-21: a year no test changes (the registry tests change lists from 2021 and memberships from 2022; the rate
        // tests change 2019-20 and 2023-24), so the 25 PCN allocations read one by one add up to the system allocation.
        const string year = "2020-21";
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{year}" });
        var pcns = new List<PcnAllocation>();
        foreach (var summary in system.Pcns)
            pcns.Add(await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"{summary.Pcn}/allocations/{year}" }));

        foreach (var (summary, allocation) in system.Pcns.Zip(pcns))
        {
            Pounds(summary.Total).ShouldBe(Pounds(allocation.Total), summary.Pcn);
            summary.Ccg.ShouldBe(allocation.Ccg, summary.Pcn);
            summary.Population.ShouldBe(allocation.Lines[0].Population, summary.Pcn);
            summary.PopulationSource.ShouldBe(allocation.Lines[0].PopulationSource, summary.Pcn);
        }
        var lines = pcns.SelectMany(pcn => pcn.Lines.Select(line => (pcn.Ccg, Line: line))).ToList();
        Pounds(system.LlrTotal).ShouldBe(Penny(lines.Sum(entry => Exact(entry.Line))));
        foreach (var stream in system.LlrStreams)
            Pounds(stream.Computed).ShouldBe(Penny(lines.Where(entry => entry.Line.FundingStream == stream.FundingStream).Sum(entry => Exact(entry.Line))), stream.FundingStream);
        foreach (var ccg in system.Ccgs)
        {
            var ccgLines = lines.Where(entry => entry.Ccg == ccg.Ccg).ToList();
            Pounds(ccg.Total).ShouldBe(Penny(ccgLines.Sum(entry => Exact(entry.Line))), ccg.Ccg);
            foreach (var stream in ccg.Streams)
                Pounds(stream.Computed).ShouldBe(Penny(ccgLines.Where(entry => entry.Line.FundingStream == stream.FundingStream).Sum(entry => Exact(entry.Line))),
                    $"{ccg.Ccg} {stream.FundingStream}");
        }
    }

    [Theory]
    [InlineData("2019-20")]
    [InlineData("2020-21")]
    [InlineData("2021-22")]
    [InlineData("2022-23")]
    [InlineData("2023-24")]
    public async Task Each_llr_stream_sets_table_5s_figure_beside_the_computed_one(string year)
    {
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{year}" });

        system.LlrStreams.Select(stream => stream.FundingStream).ShouldBe(Documents.StreamsOf(year).Select(stream => $"fundingStreams/{stream}"));
        foreach (var stream in system.LlrStreams)
        {
            Pounds(stream.Published).ShouldBe(Documents.Published(stream.FundingStream["fundingStreams/".Length..], year)!.Value, stream.FundingStream);
            Pounds(stream.Difference).ShouldBe(Pounds(stream.Computed) - Pounds(stream.Published), stream.FundingStream);
        }
        // Figures are published for LLR only, never per CCG stream.
        system.Ccgs.SelectMany(ccg => ccg.Streams).ShouldAllBe(stream => stream.Published == null && stream.Difference == null);
    }

    [Fact]
    public async Task The_2021_22_system_allocation_prints_core_funding_and_the_table_totals()
    {
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/2021-22" });

        // Core PCN Funding 2021-22: 1,775,926 (004_019362184b449183.txt:3051).
        Pounds(system.LlrStreams.Single(stream => stream.FundingStream == "fundingStreams/core-pcn-funding").Published).ShouldBe(1_775_926m);

        // The CC sub-total 12,616,913 (004:3049) over the four CC streams, and the table total 24,456,418 (004:3057) over all seven.
        var subtotal = system.PublishedTotals.Single(total => total.Source.Contains(":3049"));
        Pounds(subtotal.Published).ShouldBe(12_616_913m);
        Pounds(subtotal.Computed).ShouldBe(StreamSum(system, Documents.Participation, Documents.AdditionalRoles, Documents.ClinicalDirector, Documents.ExtendedHours),
            tolerance: Slack(4));
        Pounds(subtotal.Difference).ShouldBe(Pounds(subtotal.Computed) - 12_616_913m);
        var total = system.PublishedTotals.Single(t => t.Source.Contains(":3057"));
        Pounds(total.Published).ShouldBe(24_456_418m);
        Pounds(total.Computed).ShouldBe(Pounds(system.LlrTotal));
        system.PublishedTotals.ShouldAllBe(t => t.Label != "" && t.Source.StartsWith(Documents.Table5));
    }

    [Fact]
    public async Task The_2019_20_ccg_allocations_are_set_beside_table_4s_pcn_line()
    {
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/2019-20" });

        // Table 4 "PCN 1,887,510 1,535,262 1,842,233 5,265,004" (004_019362184b449183.txt:2956): City, East, West, LLR.
        var printed = new Dictionary<string, decimal>
        {
            ["ccgs/leicester-city"] = 1_887_510m,
            ["ccgs/east-leicestershire-rutland"] = 1_535_262m,
            ["ccgs/west-leicestershire"] = 1_842_233m,
        };
        foreach (var ccg in system.Ccgs)
        {
            var comparison = ccg.Published.ShouldHaveSingleItem();
            Pounds(comparison.Published).ShouldBe(printed[ccg.Ccg], ccg.Ccg);
            comparison.Source.ShouldBe($"{Documents.Table5}:2956");
            // The PCN line is the co-commissioned streams (its LLR figure is Table 5's CC sub-total, 004:3049).
            var ccStreams = ccg.Streams
                .Where(stream => stream.FundingStream is "fundingStreams/pcn-participation" or "fundingStreams/additional-roles"
                    or "fundingStreams/clinical-director" or "fundingStreams/extended-hours")
                .Sum(stream => Pounds(stream.Computed));
            Pounds(comparison.Computed).ShouldBe(ccStreams, tolerance: Slack(4), ccg.Ccg);
            Pounds(comparison.Difference).ShouldBe(Pounds(comparison.Computed) - printed[ccg.Ccg], ccg.Ccg);
        }
        // 2019-20 has no Improved Access or IIF line (004:3053, 004:3055 print none).
        system.LlrStreams.Count.ShouldBe(5);
    }

    [Theory]
    [InlineData("2020-21")]
    [InlineData("2022-23")]
    public async Task Only_2019_20_has_figures_printed_per_ccg(string year)
    {
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{year}" });

        system.Ccgs.ShouldAllBe(ccg => ccg.Published.Count == 0);
    }

    /// <summary>The exact amount of a line, recomputed from its own fields.</summary>
    internal static decimal Exact(AllocationLine line) => Pounds(line.RatePerHead) * line.Population * Number(line.PartYearFactor);

    /// <summary>How far a total rounded once may lie from the sum of its <paramref name="parts"/> rounded each.</summary>
    private static decimal Slack(int parts) => 0.005m * parts + 0.005m;

    private static decimal StreamSum(SystemAllocation system, params string[] streams) =>
        system.LlrStreams.Where(stream => streams.Contains(stream.FundingStream["fundingStreams/".Length..])).Sum(stream => Pounds(stream.Computed));
}
