using Finance.Domain.Allocations;
using Finance.Domain.Model;
using Finance.Domain.Reconciliation;
using Shouldly;
using static Finance.Domain.Tests.Builders;

namespace Finance.Domain.Tests;

public class ReconciliationTests
{
    private static readonly DateOnly April2022 = new(2022, 4, 1);

    private static readonly string[] RegisteredStreams2022 =
    [
        Streams.AdditionalRoles.Id, Streams.ClinicalDirector.Id, Streams.ExtendedHours.Id,
        Streams.CorePcnFunding.Id, Streams.ImprovedAccess.Id, Streams.InvestmentImpactFund.Id,
    ];

    private static IReadOnlyList<StatedTotal> StatedTotals(string year, decimal ccSubtotal, decimal total) =>
    [
        new("cc-subtotal", "CC sub-total", Year(year), ccSubtotal, Streams.CoCommissioned, "004:3049"),
        new("total-pcn-funding", "TOTAL PRIMARY CARE NETWORK FUNDING", Year(year), total, Streams.All, "004:3057"),
    ];

    private static ReconciliationReport Build2022(PopulationHistory populations) =>
        ReconciliationReport.Build(Year("2022-23"), Table5.Rates2022_23(), Streams.ById, populations,
            StatedTotals("2022-23", 17_069_754m, 30_596_863m), arrs: null);   // 004:3049, 004:3057 2022-23 column

    // The registry holding exactly the document's registered base, 1,803,615 / 1.50 = 1,202,410 (004:3051), split over
    // two PCNs.
    private static PopulationHistory RegistryAtTheBase() => new(
    [
        Population("pcn-a", LeicesterCity, 602_410, asAt: April2022),
        Population("pcn-b", WestLeicestershire, 600_000, asAt: April2022),
    ]);

    [Fact]
    public void In_2022_23_all_six_registered_lines_agree_on_one_base()
    {
        var report = Build2022(RegistryAtTheBase());

        var registered = report.DocumentBases.Single(documentBase => documentBase.Basis == PatientBasis.Registered);
        registered.Established.ShouldBeTrue();
        registered.ByConstruction.ShouldBeFalse();
        registered.AgreeingStreams.OrderBy(id => id, StringComparer.Ordinal).ShouldBe(RegisteredStreams2022.Order(StringComparer.Ordinal));
        // Each printed figure P pins the base to ((P − 1) / rate, (P + 1) / rate). The narrowest is additional roles'
        // (12,481,012 / 10.38, 12,481,014 / 10.38) = (1,202,409.634, 1,202,409.827), and it lies inside the other five:
        // core (1,202,409.33, 1,202,410.67), improved access (1,202,409.50, 1,202,409.83), ACD (1,202,407.89, 1,202,410.82),
        // EOH (1,202,409.15, 1,202,410.52), IIF (1,202,409.33, 1,202,409.87).
        registered.Lower.ShouldBe(12_481_012m / 10.38m);
        registered.Upper.ShouldBe(12_481_014m / 10.38m);
        registered.Explanation.ShouldContain("6 of 6 published lines");
    }

    [Fact]
    public void In_2022_23_every_registered_line_is_reproduced_within_a_pound()
    {
        var report = Build2022(RegistryAtTheBase());

        var registered = report.Lines.Where(line => line.Stream.Basis == PatientBasis.Registered).ToList();
        registered.Select(line => line.Stream.Id).ShouldBe(RegisteredStreams2022);
        registered.ShouldAllBe(line => line.Status == ReproductionStatus.Reproduced);
        registered.ShouldAllBe(line => Math.Abs(line.ReproducedDifference!.Value) < 1m);
        // The base is the middle of additional roles' interval, 12,481,013 / 10.38 = 1,202,409.7302…, so
        // reproduced − printed is: additional roles 10.38 × base = 12,481,013.00 (0.00); ACD 0.684 × base = 822,448.256
        // → 822,448.26 (+0.26); EOH 1.464 × base = 1,760,327.845 → 1,760,327.85 (−0.15); core 1.50 × base = 1,803,614.595
        // → 1,803,614.60 (−0.40); improved access 6 × base = 7,214,458.382 → 7,214,458.38 (+0.38); IIF 3.75 × base =
        // 4,509,036.489 → 4,509,036.49 (+0.49).
        registered.Select(line => line.ReproducedDifference).ShouldBe([0.00m, 0.26m, -0.15m, -0.40m, 0.38m, 0.49m]);
    }

    [Fact]
    public void In_2022_23_participation_is_the_only_weighted_line_so_it_is_reproduced_by_construction()
    {
        var report = Build2022(RegistryAtTheBase());

        var weighted = report.DocumentBases.Single(documentBase => documentBase.Basis == PatientBasis.Weighted);
        weighted.Established.ShouldBeTrue();
        weighted.ByConstruction.ShouldBeTrue();
        weighted.AgreeingStreams.ShouldBe([Streams.Participation.Id]);
        var participation = report.Lines.Single(line => line.Stream.Id == Streams.Participation.Id);
        participation.Status.ShouldBe(ReproductionStatus.ByConstruction);
        participation.ImpliedBasePopulation.ShouldBe(2_005_965m / 1.761m);   // 004:3041: 1,139,105.62
        // Its base is the middle of its own interval, so it reproduces its own figure exactly: 1.761 × 2,005,965 / 1.761.
        participation.ReproducedDifference.ShouldBe(0m);
    }

    [Fact]
    public void In_2022_23_the_printed_totals_equal_the_sums_of_the_printed_lines()
    {
        var report = Build2022(RegistryAtTheBase());

        // 2,005,965 + 12,481,013 + 822,448 + 1,760,328 = 17,069,754 (004:3049);
        // 17,069,754 + 1,803,615 + 7,214,458 + 4,509,036 = 30,596,863 (004:3057).
        report.PrintedTotals.Select(total => total.Computed).ShouldBe([17_069_754m, 30_596_863m]);
        report.PrintedTotals.ShouldAllBe(total => total.Difference == 0m);
    }

    [Fact]
    public void A_registry_at_the_document_base_pays_core_funding_exactly_as_printed()
    {
        var report = Build2022(RegistryAtTheBase());

        var core = report.Lines.Single(line => line.Stream.Id == Streams.CorePcnFunding.Id);
        core.RegistryAmount.ShouldBe(1_803_615.00m);   // 1.50 × 602,410 + 1.50 × 600,000 = 903,615 + 900,000
        core.RegistryDifference.ShouldBe(0m);
        report.RegistryPopulation.ShouldBe(1_202_410);
    }

    [Fact]
    public void A_registry_with_extra_patients_differs_by_the_rate_times_the_extra_patients_and_says_so()
    {
        // 1,000 more than the base 1,202,410 (004:3051); one PCN is on a stated total.
        var registry = new PopulationHistory(
        [
            Population("pcn-a", LeicesterCity, 603_410, asAt: April2022),
            Population("pcn-b", WestLeicestershire, 600_000, asAt: April2022, source: PopulationSource.Stated),
        ]);

        var report = Build2022(registry);

        var core = report.Lines.Single(line => line.Stream.Id == Streams.CorePcnFunding.Id);
        core.RegistryAmount.ShouldBe(1_805_115.00m);       // 1.50 × 1,203,410
        core.RegistryDifference.ShouldBe(1_500.00m);       // 1.50 × 1,000 extra patients
        core.Status.ShouldBe(ReproductionStatus.Reproduced);
        report.RegistryPopulation.ShouldBe(1_203_410);
        report.PcnsWithStatedPopulation.ShouldBe(1);
        // The explanation measures from the document's base 12,481,013 / 10.38 = 1,202,409.7302…:
        // 1,203,410 − 1,202,409.7302 = 1,000.2697… more; × 1.50 = 1,500.4046… → £1,500.40.
        core.Explanation.ShouldContain("2 PCNs hold 1,203,410 patients on 2022-04-01 (1 of them on a stated total)");
        core.Explanation.ShouldContain("1,000.27 more than the document's base of 1,202,409.73");
        core.Explanation.ShouldContain("£1,500.40");
    }

    [Fact]
    public void A_weighted_line_paid_on_registered_patients_says_so()
    {
        var report = Build2022(RegistryAtTheBase());

        var participation = report.Lines.Single(line => line.Stream.Id == Streams.Participation.Id);
        participation.RegistryAmount.ShouldBe(2_117_444.01m);   // 1.761 × 602,410 + 1.761 × 600,000 = 1,060,844.01 + 1,056,600.00
        participation.Explanation.ShouldContain("registered patients stand in for weighted ones");
    }

    [Fact]
    public void In_2019_20_the_printed_label_rates_imply_four_different_bases_so_none_is_reproduced()
    {
        var registry = new PopulationHistory([Population("llr", LeicesterCity, 1_146_677, asAt: ContractStart)]);

        // 004:3049 2019-20 CC sub-total 5,265,004; 004:3057 2019-20 TOTAL 6,985,019.
        var report = ReconciliationReport.Build(Year("2019-20"), Table5.Rates2019_20(), Streams.ById, registry,
            StatedTotals("2019-20", 5_265_004m, 6_985_019m), arrs: null);

        // Implied bases (P ± 1) / rate: core (1,146,676.00, 1,146,677.33), additional roles (1,182,118.06, 1,182,119.44),
        // ACD (1,142,929.96, 1,142,933.85), EOH (954,940.86, 954,942.68): no two overlap.
        var registered = report.DocumentBases.Single(documentBase => documentBase.Basis == PatientBasis.Registered);
        registered.Established.ShouldBeFalse();
        registered.AgreeingStreams.ShouldBeEmpty();
        registered.Explanation.ShouldContain("no two agree");
        var lines = report.Lines.Where(line => line.Stream.Basis == PatientBasis.Registered).ToList();
        lines.Select(line => line.Stream.Id).ShouldBe([Streams.AdditionalRoles.Id, Streams.ClinicalDirector.Id, Streams.ExtendedHours.Id, Streams.CorePcnFunding.Id]);
        lines.ShouldAllBe(line => line.Status == ReproductionStatus.NotReproduced && line.Reproduced == null);
        lines.ShouldAllBe(line => line.Explanation.StartsWith("Not reproduced: "));
        // Each line's implied base is its own figure over its rate: 1,720,015 / 1.50 = 1,146,676.67 (004:3051).
        lines.Single(line => line.Stream.Id == Streams.CorePcnFunding.Id).ImpliedBasePopulation.ShouldBe(1_720_015m / 1.50m);
        report.Lines.Single(line => line.Stream.Id == Streams.Participation.Id).Status.ShouldBe(ReproductionStatus.ByConstruction);
    }

    [Fact]
    public void In_2019_20_the_printed_lines_sum_to_a_pound_over_both_printed_totals()
    {
        var report = ReconciliationReport.Build(Year("2019-20"), Table5.Rates2019_20(), Streams.ById, new PopulationHistory([]),
            StatedTotals("2019-20", 5_265_004m, 6_985_019m), arrs: null);

        // 1,925,806 + 1,702,251 + 587,467 + 1,049,481 = 5,265,005 vs 5,265,004 (004:3049);
        // 5,265,005 + 1,720,015 = 6,985,020 vs 6,985,019 (004:3057).
        report.PrintedTotals.Select(total => (total.Computed, total.Difference)).ShouldBe([(5_265_005m, 1m), (6_985_020m, 1m)]);
        report.RegistryPopulation.ShouldBe(0);
    }

    [Fact]
    public void DocumentBase_with_no_line_is_not_established_and_with_one_line_is_by_construction()
    {
        DocumentBase.Find(PatientBasis.Weighted, []).Established.ShouldBeFalse();

        // 004:3041 2019-20: 1,925,806 at 1.761 pins the base to (1,925,805 / 1.761, 1,925,807 / 1.761).
        var single = DocumentBase.Find(PatientBasis.Weighted, [new PublishedLine(Streams.Participation.Id, 1_925_806m, 1.761m, 1m)]);

        single.Established.ShouldBeTrue();
        single.ByConstruction.ShouldBeTrue();
        single.Lower.ShouldBe(1_925_805m / 1.761m);
        single.Upper.ShouldBe(1_925_807m / 1.761m);
        single.Population.ShouldBe((1_925_805m / 1.761m + 1_925_807m / 1.761m) / 2m);
    }

    [Fact]
    public void DocumentBase_finds_the_largest_agreeing_group_and_leaves_the_odd_line_out()
    {
        // Two lines that agree (2022-23 core and IIF) outvote one that does not (2019-20 EOH), put on one basis together.
        var found = DocumentBase.Find(PatientBasis.Registered,
        [
            new PublishedLine(Streams.ExtendedHours.Id, 1_049_481m, 1.099m, 1m),        // 004:3047 2019-20: (954,940.86, 954,942.68)
            new PublishedLine(Streams.CorePcnFunding.Id, 1_803_615m, 1.50m, 1m),        // 004:3051 2022-23: (1,202,409.33, 1,202,410.67)
            new PublishedLine(Streams.InvestmentImpactFund.Id, 4_509_036m, 3.75m, 1m),  // 004:3055 2022-23: (1,202,409.33, 1,202,409.87)
        ]);

        found.Established.ShouldBeTrue();
        found.ByConstruction.ShouldBeFalse();
        found.AgreeingStreams.ShouldBe([Streams.CorePcnFunding.Id, Streams.InvestmentImpactFund.Id], ignoreOrder: true);
        // Both lower ends are 3,607,228 / 3 = 1,202,409.33…; the upper end is the IIF's, 4,509,037 / 3.75 = 1,202,409.87.
        found.Lower.ShouldBe(1_202_409.333m, tolerance: 0.001m);
        found.Upper.ShouldBe(4_509_037m / 3.75m);
        found.Explanation.ShouldContain("2 of 3 published lines");
    }

    [Fact]
    public void DocumentBase_with_several_lines_and_no_overlap_is_not_established()
    {
        // 2019-20 core (004:3051) and ACD (004:3045): (1,146,676.00, 1,146,677.33) and (1,142,929.96, 1,142,933.85).
        var found = DocumentBase.Find(PatientBasis.Registered,
        [
            new PublishedLine(Streams.CorePcnFunding.Id, 1_720_015m, 1.50m, 1m),
            new PublishedLine(Streams.ClinicalDirector.Id, 587_467m, 0.514m, 1m),
        ]);

        found.Established.ShouldBeFalse();
        found.ByConstruction.ShouldBeFalse();
        found.AgreeingStreams.ShouldBeEmpty();
    }
}
