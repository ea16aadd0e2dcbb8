using Llr.Finance.V1;
using Shouldly;
using static Finance.Api.Tests.Values;
using static Platform.Testing.ProtoValues;

namespace Finance.Api.Tests;

/// <summary>
/// The published PCN budget table (Table 5, 004_019362184b449183.txt:3041-3057) reproduced from the base population its
/// own figures imply, and the Additional Roles table (002_2309aa3900b6bf7c.txt:178-182) from its printed population.
/// The reproduction uses the documents' rates, so it holds whatever rate a user has set since.
/// </summary>
public sealed class ReconciliationTests(FinanceServiceFixture finance)
{
    private readonly FinanceService.FinanceServiceClient _client = finance.Finance;

    [Theory]
    [InlineData("2020-21")]
    [InlineData("2021-22")]
    [InlineData("2022-23")]
    [InlineData("2023-24")]
    public async Task From_2020_21_every_registered_line_is_reproduced_within_a_pound_from_one_base(string year)
    {
        var report = await _client.GetReconciliationReportAsync(new GetReconciliationReportRequest { Name = $"reconciliationReports/{year}" });

        report.Name.ShouldBe($"reconciliationReports/{year}");
        report.Year.ShouldBe(year);
        var registered = report.DocumentBases.Single(documentBase => documentBase.Basis == PatientBasis.Registered);
        registered.Established.ShouldBeTrue(registered.Explanation);
        var (lower, upper, population) = (Number(registered.Lower), Number(registered.Upper), Number(registered.Population));
        lower.ShouldBeLessThan(upper);
        population.ShouldBe((lower + upper) / 2m, tolerance: 0.0001m);
        var registeredStreams = Documents.RegisteredStreams.Where(stream => Documents.Published(stream, year) is not null).ToList();
        registered.AgreeingStreams.ShouldBe(registeredStreams.Select(stream => $"fundingStreams/{stream}"), ignoreOrder: true);
        // The base is the document's registered list: Core PCN Funding ÷ £1.50 (004:3051; SeedData README judgement 1).
        population.ShouldBe(Documents.Published(Documents.CorePcnFunding, year)!.Value / 1.50m, tolerance: 0.67m);

        var lines = report.Lines.Where(line => line.Basis == PatientBasis.Registered).ToList();
        lines.Select(line => line.FundingStream).ShouldBe(registeredStreams.Select(stream => $"fundingStreams/{stream}"), ignoreOrder: true);
        foreach (var line in lines)
        {
            var published = Documents.Published(line.FundingStream["fundingStreams/".Length..], year)!.Value;
            var rate = Pounds(line.DocumentRatePerHead);
            var factor = Number(line.PartYearFactor);
            Pounds(line.Published).ShouldBe(published, line.FundingStream);
            line.Status.ShouldBe(ReproductionStatus.Reproduced, line.Explanation);
            var reproduced = Pounds(line.Reproduced);
            Math.Abs(reproduced - published).ShouldBeLessThan(1m, line.FundingStream);
            Pounds(line.ReproducedDifference).ShouldBe(reproduced - published, line.FundingStream);
            // rate × the document's base × factor, to the penny (the base travels rounded to 4 places, hence a penny's slack).
            reproduced.ShouldBe(Penny(rate * population * factor), tolerance: 0.01m, line.FundingStream);
            // The line's own figure pins the base within a pound either side, and the base lies inside it.
            Number(line.ImpliedBasePopulation).ShouldBe(Math.Round(published / (rate * factor), 4), line.FundingStream);
            population.ShouldBeInRange((published - 1m) / (rate * factor), (published + 1m) / (rate * factor), line.FundingStream);
            Pounds(line.RegistryDifference).ShouldBe(Pounds(line.RegistryAmount) - published, line.FundingStream);
            line.Source.ShouldContain(Documents.Table5);
        }
    }

    [Theory]
    [InlineData("2019-20")]
    [InlineData("2020-21")]
    [InlineData("2023-24")]
    public async Task Participation_is_the_only_weighted_line_so_it_is_reproduced_only_by_construction(string year)
    {
        var report = await _client.GetReconciliationReportAsync(new GetReconciliationReportRequest { Name = $"reconciliationReports/{year}" });

        var weighted = report.DocumentBases.Single(documentBase => documentBase.Basis == PatientBasis.Weighted);
        weighted.Established.ShouldBeTrue();
        weighted.AgreeingStreams.ShouldBe(["fundingStreams/pcn-participation"]);
        var participation = report.Lines.Single(line => line.FundingStream == "fundingStreams/pcn-participation");
        participation.Basis.ShouldBe(PatientBasis.Weighted);
        participation.Status.ShouldBe(ReproductionStatus.ByConstruction);
        // £1.761 per weighted patient (004:3041) is printed in the label.
        Pounds(participation.DocumentRatePerHead).ShouldBe(1.761m);
        participation.RateSource.ShouldBe(RateSource.Printed);
        Pounds(participation.Published).ShouldBe(Documents.Published(Documents.Participation, year)!.Value);
        participation.Explanation.ShouldContain("registered patients stand in for weighted ones");
    }

    [Fact]
    public async Task In_2019_20_no_two_registered_lines_agree_on_a_base_so_none_is_reproduced_and_each_says_why()
    {
        var report = await _client.GetReconciliationReportAsync(new GetReconciliationReportRequest { Name = "reconciliationReports/2019-20" });

        // The printed 2019-20 rates (£1.44, £0.514, £1.099, £1.50; 004:3043-3051) imply bases of about 1,182,119, 1,142,932,
        // 954,942 and 1,146,677 patients (SeedData README judgement 5): no two within a pound of each other.
        var registered = report.DocumentBases.Single(documentBase => documentBase.Basis == PatientBasis.Registered);
        registered.Established.ShouldBeFalse();
        registered.Explanation.ShouldNotBeNullOrWhiteSpace();
        registered.AgreeingStreams.ShouldBeEmpty();
        registered.Population.ShouldBeNull();

        var lines = report.Lines.Where(line => line.Basis == PatientBasis.Registered).ToList();
        lines.Select(line => line.FundingStream).ShouldBe(
            ["fundingStreams/additional-roles", "fundingStreams/clinical-director", "fundingStreams/extended-hours", "fundingStreams/core-pcn-funding"], ignoreOrder: true);
        foreach (var line in lines)
        {
            line.Status.ShouldBe(ReproductionStatus.NotReproduced, line.FundingStream);
            line.Reproduced.ShouldBeNull(line.FundingStream);
            line.ReproducedDifference.ShouldBeNull(line.FundingStream);
            line.Explanation.ShouldStartWith("Not reproduced", customMessage: line.FundingStream);
        }
        // Core: 1,720,015 ÷ £1.50 = 1,146,676.6667 (004:3051).
        Number(lines.Single(line => line.FundingStream == "fundingStreams/core-pcn-funding").ImpliedBasePopulation).ShouldBe(1_146_676.6667m);
        // ACD: 587,467 ÷ £0.514 = 1,142,931.9066 (004:3045).
        Number(lines.Single(line => line.FundingStream == "fundingStreams/clinical-director").ImpliedBasePopulation).ShouldBe(1_142_931.9066m);
    }

    [Theory]
    [InlineData("2019-20", 5_265_005, 6_985_020)]   // +1 and +1 against 004:3049 and 004:3057 (SeedData README, roll-up table)
    [InlineData("2020-21", 9_415_911, 12_621_791)]  //  0 and -1
    [InlineData("2021-22", 12_616_914, 24_456_419)] // +1 and +1
    [InlineData("2022-23", 17_069_754, 30_596_863)] //  0 and  0
    [InlineData("2023-24", 22_391_071, 37_655_529)] // -1 and -1
    public async Task The_printed_totals_are_set_against_the_sum_of_the_printed_lines(string year, long subtotalSum, long totalSum)
    {
        var report = await _client.GetReconciliationReportAsync(new GetReconciliationReportRequest { Name = $"reconciliationReports/{year}" });

        var index = Documents.IndexOf(year);
        var ccSum = new[] { Documents.Participation, Documents.AdditionalRoles, Documents.ClinicalDirector, Documents.ExtendedHours }
            .Sum(stream => Documents.Published(stream, year)!.Value);
        var allSum = Documents.StreamsOf(year).Sum(stream => Documents.Published(stream, year)!.Value);
        ccSum.ShouldBe(subtotalSum);
        allSum.ShouldBe(totalSum);

        report.PrintedTotals.Count.ShouldBe(2);
        var subtotal = report.PrintedTotals.Single(total => total.Source == $"{Documents.Table5}:3049");
        Pounds(subtotal.Published).ShouldBe(Documents.CoCommissionedSubtotal[index]);
        Pounds(subtotal.Computed).ShouldBe(ccSum);
        Pounds(subtotal.Difference).ShouldBe(ccSum - Documents.CoCommissionedSubtotal[index]);
        var total = report.PrintedTotals.Single(t => t.Source == $"{Documents.Table5}:3057");
        Pounds(total.Published).ShouldBe(Documents.TotalPcnFunding[index]);
        Pounds(total.Computed).ShouldBe(allSum);
        Pounds(total.Difference).ShouldBe(allSum - Documents.TotalPcnFunding[index]);
        report.PrintedTotals.ShouldAllBe(t => Math.Abs(Pounds(t.Difference)) <= 1m);
    }

    [Theory]
    [InlineData("2019-20", "0")]      // 92,000 × 1,144,575 / 50,000 = 2,106,018.00 (002:180-182)
    [InlineData("2020-21", "2.20")]   // 213,000 × 1,145,720 / 50,000 = 4,880,767.20 vs 4,880,765
    [InlineData("2021-22", "0.60")]   // 342,000 × 1,146,865 / 50,000 = 7,844,556.60 vs 7,844,556
    [InlineData("2022-23", "-1.44")]  // 519,000 × 1,148,012 / 50,000 = 11,916,364.56 vs 11,916,366
    [InlineData("2023-24", "-2.80")]  // 726,000 × 1,149,160 / 50,000 = 16,685,803.20 vs 16,685,806
    public async Task The_arrs_table_is_reproduced_within_the_rounding_of_its_per_network_figure(string year, string expectedDifference)
    {
        var report = await _client.GetReconciliationReportAsync(new GetReconciliationReportRequest { Name = $"reconciliationReports/{year}" });

        var index = Documents.IndexOf(year);
        var (population, perNetwork, published) = (Documents.Arrs.LlrPopulation[index], Documents.Arrs.FundingPerNetwork[index], Documents.Arrs.TotalLlrFunding[index]);
        var arrs = report.Arrs;
        arrs.ShouldNotBeNull();
        arrs.DocumentPopulation.ShouldBe(population);
        Pounds(arrs.FundingPerNetwork).ShouldBe(perNetwork);
        Pounds(arrs.Published).ShouldBe(published);
        var computed = Penny(perNetwork * population / Documents.Arrs.NetworkPatients);
        Pounds(arrs.Computed).ShouldBe(computed);
        Pounds(arrs.Difference).ShouldBe(computed - published);
        Pounds(arrs.Difference).ShouldBe(decimal.Parse(expectedDifference, System.Globalization.CultureInfo.InvariantCulture));
        // The per-network figure the published total implies rounds to the printed one.
        Pounds(arrs.ImpliedFundingPerNetwork).ShouldBe(Penny(published * Documents.Arrs.NetworkPatients / population));
        Math.Round(Pounds(arrs.ImpliedFundingPerNetwork), 0, MidpointRounding.AwayFromZero).ShouldBe(perNetwork);
        arrs.WithinRounding.ShouldBeTrue();
        arrs.Source.ShouldContain($"{Documents.Arrs.File}:180");
        arrs.Source.ShouldContain($"{Documents.Arrs.File}:181");
        arrs.Source.ShouldContain($"{Documents.Arrs.File}:182");
        Pounds(arrs.RegistryDifference).ShouldBe(Pounds(arrs.RegistryEntitlement) - published);
        arrs.Explanation.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task The_registry_side_counts_the_pcns_paid_on_a_stated_total()
    {
        var report = await _client.GetReconciliationReportAsync(new GetReconciliationReportRequest { Name = "reconciliationReports/2020-21" });

        // No county practice has a printed list size, so the 15 county PCNs use their stated totals (000:1871-1887), as does
        // Leicester City South, whose Walnut St MC has none (000:1896); the other nine city PCNs are computed.
        report.PcnsWithStatedPopulation.ShouldBe(16);
        report.RegistryPopulation.ShouldBeGreaterThan(1_000_000);
    }
}
