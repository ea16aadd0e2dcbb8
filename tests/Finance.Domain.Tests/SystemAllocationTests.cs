using Finance.Domain.Allocations;
using Finance.Domain.Model;
using Shouldly;
using static Finance.Domain.Tests.Builders;

namespace Finance.Domain.Tests;

public class SystemAllocationTests
{
    private static readonly FinancialYear Y2019 = Year("2019-20");

    // Printed PCN populations (20 June 2019): Belgrave & Spinney Hill 45,774 (000:485, 004:3387), Salutem 35,455
    // (000:496, 004:3409), Rutland 39,920 (004:3297, an ELR PCN).
    private static PopulationHistory ThreePcns() => new(
    [
        Population("belgrave-spinney-hill", LeicesterCity, 45_774),
        Population("salutem", LeicesterCity, 35_455),
        Population("rutland", EastLeicestershireRutland, 39_920),
    ]);

    // 2019-20 core £1.50 (004:3051, printed 1,720,015) and ACD £0.514 (004:3045, printed 587,467).
    private static IReadOnlyList<FundingRate> CoreAndAcd2019() =>
    [
        Rate(Streams.CorePcnFunding, "2019-20", 1.50m, published: 1_720_015m),
        Rate(Streams.ClinicalDirector, "2019-20", 0.514m, published: 587_467m),
    ];

    private static SystemAllocation Compute(
        IReadOnlyList<FundingRate> rates,
        PopulationHistory history,
        IReadOnlyList<StatedTotal>? stated = null,
        IReadOnlyList<CcgPublishedFigure>? ccgPublished = null) =>
        SystemAllocation.Compute(rates[0].Year, rates, AllocationCalculator.ForAllPcns(rates, Streams.ById, history), stated ?? [], ccgPublished ?? []);

    [Fact]
    public void Sums_the_rounded_PCN_lines_by_stream_by_CCG_and_over_LLR()
    {
        var system = Compute(CoreAndAcd2019(), ThreePcns());

        // Core 1.50: 45,774 → 68,661.00; 35,455 → 53,182.50; 39,920 → 59,880.00.
        // ACD 0.514: 45,774 → 23,527.836 → 23,527.84; 35,455 → 18,223.87; 39,920 → 20,518.88.
        var city = system.Ccgs.Single(ccg => ccg.CcgId == LeicesterCity);
        var east = system.Ccgs.Single(ccg => ccg.CcgId == EastLeicestershireRutland);
        city.Population.ShouldBe(81_229);                                          // 45,774 + 35,455
        city.Streams.Select(stream => stream.Computed).ShouldBe([121_843.50m, 41_751.71m]);  // 68,661.00 + 53,182.50; 23,527.84 + 18,223.87
        city.Total.ShouldBe(163_595.21m);                                          // 121,843.50 + 41,751.71
        east.Total.ShouldBe(80_398.88m);                                           // 59,880.00 + 20,518.88
        system.LlrPopulation.ShouldBe(121_149);                                    // 81,229 + 39,920
        system.LlrStreams.Select(stream => stream.Computed).ShouldBe([181_723.50m, 62_270.59m]);
        system.LlrTotal.ShouldBe(243_994.09m);                                     // 181,723.50 + 62,270.59 = 163,595.21 + 80,398.88
        system.Pcns.Count.ShouldBe(3);
    }

    [Fact]
    public void LLR_stream_totals_carry_the_printed_figure_and_CCG_totals_do_not()
    {
        var system = Compute(CoreAndAcd2019(), ThreePcns());

        var core = system.LlrStreams.Single(stream => stream.Stream.Id == Streams.CorePcnFunding.Id);
        core.Published.ShouldBe(1_720_015m);                // 004:3051
        core.Difference.ShouldBe(-1_538_291.50m);           // 181,723.50 − 1,720,015
        system.Ccgs.SelectMany(ccg => ccg.Streams).ShouldAllBe(stream => stream.Published == null && stream.Difference == null);
    }

    [Fact]
    public void Compares_stated_totals_and_CCG_figures_of_its_own_year_only()
    {
        var stated = new[]
        {
            // 004:3049 the unlabelled CC sub-total: 5,265,004 (2019-20) and 9,415,911 (2020-21).
            new StatedTotal("cc-subtotal", "CC sub-total", Y2019, 5_265_004m, Streams.CoCommissioned, "004:3049"),
            new StatedTotal("cc-subtotal", "CC sub-total", Year("2020-21"), 9_415_911m, Streams.CoCommissioned, "004:3049"),
        };
        // 004:2956 Table 4 PCN line, Leicester City column: 1,887,510.
        var ccgPublished = new[] { new CcgPublishedFigure(LeicesterCity, "Table 4 PCN", Y2019, 1_887_510m, Streams.CoCommissioned, "004:2956") };

        var system = Compute(CoreAndAcd2019(), ThreePcns(), stated, ccgPublished);

        // Of the CC streams only ACD is paid here: LLR 62,270.59, City 41,751.71.
        var subtotal = system.PublishedTotals.ShouldHaveSingleItem();
        subtotal.Computed.ShouldBe(62_270.59m);
        subtotal.Published.ShouldBe(5_265_004m);
        subtotal.Difference.ShouldBe(-5_202_733.41m);      // 62,270.59 − 5,265,004
        var city = system.Ccgs.Single(ccg => ccg.CcgId == LeicesterCity).Published.ShouldHaveSingleItem();
        city.Computed.ShouldBe(41_751.71m);
        city.Difference.ShouldBe(-1_845_758.29m);          // 41,751.71 − 1,887,510
        system.Ccgs.Single(ccg => ccg.CcgId == EastLeicestershireRutland).Published.ShouldBeEmpty();
    }

    [Fact]
    public void The_2022_23_table_on_the_document_base_reproduces_every_printed_line_within_three_pounds()
    {
        // One PCN holding the document's base: registered 1,803,615 / 1.50 = 1,202,410 (004:3051); weighted
        // 2,005,965 / 1.761 = 1,139,105.62 → 1,139,106 (004:3041).
        var history = new PopulationHistory([Population("llr", LeicesterCity, 1_202_410, weighted: 1_139_106, asAt: new DateOnly(2022, 4, 1))]);
        var stated = new[]
        {
            new StatedTotal("cc-subtotal", "CC sub-total", Year("2022-23"), 17_069_754m, Streams.CoCommissioned, "004:3049"),
            new StatedTotal("total", "TOTAL PRIMARY CARE NETWORK FUNDING", Year("2022-23"), 30_596_863m, Streams.All, "004:3057"),
        };

        var system = Compute(Table5.Rates2022_23(), history, stated);

        // computed − printed: participation 1.761 × 1,139,106 = 2,005,965.67 (+0.67); additional roles 10.38 × 1,202,410
        // = 12,481,015.80 (+2.80); ACD 0.684 × 1,202,410 = 822,448.44 (+0.44); EOH 1.464 × 1,202,410 = 1,760,328.24
        // (+0.24); core 1,803,615.00 (0); improved access 6 × 1,202,410 = 7,214,460 (+2); IIF 3.75 × 1,202,410 = 4,509,037.50 (+1.50).
        system.LlrStreams.Select(stream => stream.Difference).ShouldBe([0.67m, 2.80m, 0.44m, 0.24m, 0.00m, 2.00m, 1.50m]);
        // CC: 2,005,965.67 + 12,481,015.80 + 822,448.44 + 1,760,328.24 = 17,069,758.15 vs 17,069,754 → +4.15.
        // All: 17,069,758.15 + 1,803,615.00 + 7,214,460.00 + 4,509,037.50 = 30,596,870.65 vs 30,596,863 → +7.65.
        system.PublishedTotals.Select(total => total.Difference).ShouldBe([4.15m, 7.65m]);
    }

    [Fact]
    public void Moving_a_practice_between_PCNs_changes_both_PCNs_and_leaves_the_LLR_total_unchanged()
    {
        // Hypothetical move of St Elizabeth's (5,513, 000:495) from Salutem (35,455, 000:496) to Belgrave & Spinney Hill
        // (45,774, 000:485): 51,287 and 29,942 afterwards. Rutland (39,920, 004:3297) is untouched.
        var before = ThreePcns();
        var after = new PopulationHistory(
        [
            Population("belgrave-spinney-hill", LeicesterCity, 45_774 + 5_513),
            Population("salutem", LeicesterCity, 35_455 - 5_513),
            Population("rutland", EastLeicestershireRutland, 39_920),
        ]);
        IReadOnlyList<FundingRate> rates =
        [
            Rate(Streams.CorePcnFunding, "2019-20", 1.50m),    // 004:3051
            Rate(Streams.Participation, "2019-20", 1.761m),    // 004:3041; no weighted list, so registered stands in
        ];

        var was = Compute(rates, before);
        var now = Compute(rates, after);

        decimal PcnTotal(SystemAllocation system, string id) => system.Pcns.Single(pcn => pcn.PcnId == id).Total;
        // Belgrave: 68,661.00 + 80,608.01 (1.761 × 45,774 = 80,608.014) = 149,269.01
        //        → 76,930.50 + 90,316.41 (1.761 × 51,287 = 90,316.407) = 167,246.91
        PcnTotal(was, "belgrave-spinney-hill").ShouldBe(149_269.01m);
        PcnTotal(now, "belgrave-spinney-hill").ShouldBe(167_246.91m);
        // Salutem: 53,182.50 + 62,436.26 (62,436.255) = 115,618.76 → 44,913.00 + 52,727.86 (52,727.862) = 97,640.86
        PcnTotal(was, "salutem").ShouldBe(115_618.76m);
        PcnTotal(now, "salutem").ShouldBe(97_640.86m);
        // Rutland: 59,880.00 + 70,299.12 = 130,179.12 both times; LLR 149,269.01 + 115,618.76 + 130,179.12 = 395,066.89 both times.
        PcnTotal(now, "rutland").ShouldBe(PcnTotal(was, "rutland"));
        was.LlrTotal.ShouldBe(395_066.89m);
        now.LlrTotal.ShouldBe(was.LlrTotal);
        now.LlrPopulation.ShouldBe(was.LlrPopulation);
    }
}
