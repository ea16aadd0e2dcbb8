using Finance.Domain.Allocations;
using Finance.Domain.Model;
using Shouldly;
using static Finance.Domain.Tests.Builders;

namespace Finance.Domain.Tests;

public class AllocationTests
{
    // 000:485 Belgrave & Spinney Hill PCN, Registration Form 45,774 (also 004:3387).
    private const long BelgraveSpinneyHill = 45_774;

    // 000:496 Salutem PCN, Registration Form 35,455 (also 004:3409).
    private const long Salutem = 35_455;

    // 004:3051 Core PCN Funding (£1.50 prp) 2022-23 = 1,803,615, so the document's registered base is 1,803,615 / 1.50 = 1,202,410.
    private const long RegisteredBase2022 = 1_202_410;

    // 004:3041 PCN Participation (£1.761 pwp) 2022-23 = 2,005,965; 2,005,965 / 1.761 = 1,139,105.62, so 1,139,106 whole weighted patients.
    private const long WeightedBase2022 = 1_139_106;

    [Fact]
    public void Amount_is_rate_times_population_times_factor_rounded_to_the_penny()
    {
        // 004:3051 £1.50 × 35,455 (000:496) = 53,182.50 exactly.
        AllocationCalculator.Amount(1.50m, Salutem, 1m).ShouldBe(53_182.50m);
        // 004:3045 £0.514 × 45,774 (000:485) = 23,527.836 → 23,527.84.
        AllocationCalculator.Amount(0.514m, BelgraveSpinneyHill, 1m).ShouldBe(23_527.84m);
        // 004:3041 £1.761 × 35,455 = 62,436.255 → 62,436.26 (half away from zero).
        AllocationCalculator.Amount(1.761m, Salutem, 1m).ShouldBe(62_436.26m);
    }

    [Fact]
    public void Core_funding_on_the_document_base_gives_the_printed_figure()
    {
        // 004:3051 Core PCN Funding (£1.50 prp) 2022-23 = 1,803,615 = 1.50 × 1,202,410.
        AllocationCalculator.Amount(1.50m, RegisteredBase2022, 1m).ShouldBe(1_803_615m);
    }

    [Fact]
    public void A_nine_twelfths_part_year_factor_scales_an_annual_rate()
    {
        // The contract started on 1 July 2019 (000:1164): July–March is 9 of 12 months.
        // ACD annual rate 0.684 (derived from 004:3045 2020-21: 797,390 / 1,165,774.67).
        // 0.684 × 45,774 = 31,309.416; × 9/12 = 23,482.062 → 23,482.06.
        AllocationCalculator.Amount(0.684m, BelgraveSpinneyHill, 9m / 12m).ShouldBe(23_482.06m);

        var rate = Rate(Streams.ClinicalDirector, "2019-20", 0.684m, partYearFactor: 9m / 12m, source: RateSource.Set);
        var history = new PopulationHistory([Population("belgrave-spinney-hill", LeicesterCity, BelgraveSpinneyHill)]);

        var allocation = AllocationCalculator.ForPcn("belgrave-spinney-hill", [rate], Streams.ById, history)!;

        allocation.Lines.Single().Amount.ShouldBe(23_482.06m);
        allocation.Total.ShouldBe(23_482.06m);
    }

    [Fact]
    public void Weighted_stream_falls_back_to_registered_when_no_weighted_list_is_known()
    {
        var rate = Rate(Streams.Participation, "2022-23", 1.761m, published: 2_005_965m);   // 004:3041
        var history = new PopulationHistory([Population("llr", LeicesterCity, RegisteredBase2022, weighted: null, asAt: new DateOnly(2022, 4, 1))]);

        var line = AllocationCalculator.ForPcn("llr", [rate], Streams.ById, history)!.Lines.Single();

        line.BasisUsed.ShouldBe(PatientBasis.Registered);
        line.Population.ShouldBe(RegisteredBase2022);
        // 1.761 × 1,202,410 = 2,117,444.01
        line.Amount.ShouldBe(2_117_444.01m);
    }

    [Fact]
    public void Weighted_stream_uses_the_weighted_list_when_known_and_registered_streams_keep_the_registered_list()
    {
        var rates = new[]
        {
            Rate(Streams.Participation, "2022-23", 1.761m, published: 2_005_965m),  // 004:3041
            Rate(Streams.CorePcnFunding, "2022-23", 1.50m, published: 1_803_615m),  // 004:3051
        };
        var history = new PopulationHistory([Population("llr", LeicesterCity, RegisteredBase2022, weighted: WeightedBase2022, asAt: new DateOnly(2022, 4, 1))]);

        var lines = AllocationCalculator.ForPcn("llr", rates, Streams.ById, history)!.Lines;

        lines[0].BasisUsed.ShouldBe(PatientBasis.Weighted);
        lines[0].Population.ShouldBe(WeightedBase2022);
        // 1.761 × 1,139,106 = 2,005,965.666 → 2,005,965.67, within £1 of the printed 2,005,965 (004:3041).
        lines[0].Amount.ShouldBe(2_005_965.67m);
        lines[1].BasisUsed.ShouldBe(PatientBasis.Registered);
        lines[1].Population.ShouldBe(RegisteredBase2022);
        lines[1].Amount.ShouldBe(1_803_615.00m);   // 004:3051
    }

    [Fact]
    public void Population_is_the_latest_snapshot_on_or_before_the_reference_date()
    {
        // 20 June 2019 (004:3242): 45,774 (000:485). From 1 April 2020, with St Elizabeth's 5,513 (000:495) moved in:
        // 45,774 + 5,513 = 51,287. A snapshot after the reference date is not used.
        var history = new PopulationHistory(
        [
            Population("belgrave-spinney-hill", LeicesterCity, 51_287, asAt: new DateOnly(2020, 4, 1)),
            Population("belgrave-spinney-hill", LeicesterCity, BelgraveSpinneyHill, asAt: AppendixDate),
        ]);
        var core2019 = Rate(Streams.CorePcnFunding, "2019-20", 1.50m);   // 004:3051, reference date 1 July 2019 (000:1164)
        var core2020 = Rate(Streams.CorePcnFunding, "2020-21", 1.50m);   // 004:3051, reference date 1 April 2020

        var line2019 = AllocationCalculator.ForPcn("belgrave-spinney-hill", [core2019], Streams.ById, history)!.Lines.Single();
        var line2020 = AllocationCalculator.ForPcn("belgrave-spinney-hill", [core2020], Streams.ById, history)!.Lines.Single();

        line2019.Population.ShouldBe(BelgraveSpinneyHill);
        line2019.Amount.ShouldBe(68_661.00m);   // 1.50 × 45,774 = 68,661.00
        line2020.Population.ShouldBe(51_287);
        line2020.Amount.ShouldBe(76_930.50m);   // 1.50 × 51,287 = 76,930.50
    }

    [Fact]
    public void A_PCN_without_a_snapshot_on_or_before_the_reference_date_has_no_allocation()
    {
        var history = new PopulationHistory(
        [
            Population("salutem", LeicesterCity, Salutem, asAt: new DateOnly(2020, 4, 1)),
        ]);
        var core2019 = Rate(Streams.CorePcnFunding, "2019-20", 1.50m);   // reference date 1 July 2019, before the only snapshot

        AllocationCalculator.ForPcn("salutem", [core2019], Streams.ById, history).ShouldBeNull();
        AllocationCalculator.ForPcn("no-such-pcn", [core2019], Streams.ById, history).ShouldBeNull();
    }

    [Fact]
    public void ForAllPcns_covers_the_PCNs_with_a_population_on_the_reference_date_in_id_order()
    {
        var history = new PopulationHistory(
        [
            Population("salutem", LeicesterCity, Salutem),                                        // 000:496
            Population("rutland", EastLeicestershireRutland, 39_920),                             // 004:3297
            Population("belgrave-spinney-hill", LeicesterCity, BelgraveSpinneyHill),              // 000:485
            Population("later", WestLeicestershire, 37_491, asAt: new DateOnly(2020, 4, 1)),      // 004:3303, too late for 2019-20
        ]);

        var all = AllocationCalculator.ForAllPcns([Rate(Streams.CorePcnFunding, "2019-20", 1.50m)], Streams.ById, history);

        all.Select(pcn => pcn.PcnId).ShouldBe(["belgrave-spinney-hill", "rutland", "salutem"]);
        all.Select(pcn => pcn.CcgId).ShouldBe([LeicesterCity, EastLeicestershireRutland, LeicesterCity]);
        // 1.50 × 45,774 = 68,661.00; 1.50 × 39,920 = 59,880.00; 1.50 × 35,455 = 53,182.50
        all.Select(pcn => pcn.Total).ShouldBe([68_661.00m, 59_880.00m, 53_182.50m]);
    }
}
