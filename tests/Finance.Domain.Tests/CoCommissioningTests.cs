using Finance.Domain.Budgets;
using Shouldly;
using static Finance.Domain.Tests.Builders;

namespace Finance.Domain.Tests;

public class CoCommissioningTests
{
    private const string Strategy2019 = "strategy-2019";
    private const string OneLlr2023 = "one-llr-2023";

    /// <summary>004:3149 "Published Co-commissioning Allocations" 2019/20–2023/24, £k (004:3145–3147).</summary>
    private static CoCommissioningAllocation[] Table7() =>
    [
        new(Strategy2019, Year("2019-20"), 146_685m, "004:3149"),
        new(Strategy2019, Year("2020-21"), 153_219m, "004:3149"),
        new(Strategy2019, Year("2021-22"), 160_303m, "004:3149"),
        new(Strategy2019, Year("2022-23"), 168_279m, "004:3149"),
        new(Strategy2019, Year("2023-24"), 177_194m, "004:3149"),
    ];

    /// <summary>003:1049 One LLR TABLE 1 "Primary Care Co-Commissioning" 23/24–27/28 (columns 003:1047).</summary>
    private static CoCommissioningAllocation[] OneLlr() =>
    [
        new(OneLlr2023, Year("2023-24"), 195_134m, "003:1049"),
        new(OneLlr2023, Year("2024-25"), 203_138m, "003:1049"),
    ];

    [Fact]
    public void Growth_is_the_change_on_the_previous_year_with_its_percentage_to_two_places()
    {
        var years = CoCommissioningGrowth.Compute(Table7());

        years.Select(year => year.Growth).ShouldBe(
        [
            null,
            6_534m,   // 153,219 − 146,685
            7_084m,   // 160,303 − 153,219
            7_976m,   // 168,279 − 160,303
            8_915m,   // 177,194 − 168,279
        ]);
        years.Select(year => year.GrowthPercent).ShouldBe(
        [
            null,
            4.45m,    // 6,534 / 146,685 × 100 = 4.4544…
            4.62m,    // 7,084 / 153,219 × 100 = 4.6234…
            4.98m,    // 7,976 / 160,303 × 100 = 4.9755…
            5.30m,    // 8,915 / 168,279 × 100 = 5.2977…
        ]);
    }

    [Fact]
    public void The_first_year_of_a_series_has_no_growth()
    {
        var first = CoCommissioningGrowth.Compute(Table7()).Single(year => year.Allocation.Year == Year("2019-20"));

        first.Growth.ShouldBeNull();
        first.GrowthPercent.ShouldBeNull();
        first.Allocation.Amount.ShouldBe(146_685m);   // 004:3149, = Table 4 Total Co Commissioning 146,685,000 (004:2962)
    }

    [Fact]
    public void Two_publications_do_not_mix()
    {
        // Shuffled input: One LLR's 2023-24 (195,134) must not count as growth on Table 7's 2022-23 (168,279), nor
        // Table 7's 2023-24 (177,194) on anything from One LLR.
        var years = CoCommissioningGrowth.Compute([.. OneLlr().Reverse(), .. Table7().Reverse()]);

        var oneLlr2023 = years.Single(year => year.Allocation.Series == OneLlr2023 && year.Allocation.Year == Year("2023-24"));
        oneLlr2023.Growth.ShouldBeNull();
        var oneLlr2024 = years.Single(year => year.Allocation.Series == OneLlr2023 && year.Allocation.Year == Year("2024-25"));
        oneLlr2024.Growth.ShouldBe(8_004m);           // 203,138 − 195,134
        oneLlr2024.GrowthPercent.ShouldBe(4.10m);     // 8,004 / 195,134 × 100 = 4.1017…
        var table7In2023 = years.Single(year => year.Allocation.Series == Strategy2019 && year.Allocation.Year == Year("2023-24"));
        table7In2023.Growth.ShouldBe(8_915m);         // 177,194 − 168,279, within Table 7
        years.Count.ShouldBe(7);
    }

    [Fact]
    public void A_missing_year_breaks_the_chain()
    {
        // Table 7 without 2021-22: 2022-23 has no previous year in its series, so no growth; 2020-21 still has.
        var years = CoCommissioningGrowth.Compute(Table7().Where(allocation => allocation.Year != Year("2021-22")).ToList());

        years.Single(year => year.Allocation.Year == Year("2022-23")).Growth.ShouldBeNull();
        years.Single(year => year.Allocation.Year == Year("2020-21")).Growth.ShouldBe(6_534m);
    }
}

public class GpForwardViewTests
{
    /// <summary>000:1788–1797 Table 6 "GP Forward View Allocations" for LLR: 19/20 allocation and 20/21 ring-fenced allocation.</summary>
    private static readonly GpForwardViewLine[] Table6 =
    [
        new("practice-resilience", "Practice Resilience", Year("2019-20"), "allocation", 146_135m, false, "000:1792"),
        new("practice-resilience", "Practice Resilience", Year("2020-21"), "ring-fenced allocation", 154_800m, false, "000:1792"),
        new("gp-retention", "GP Retention", Year("2019-20"), "allocation", 231_960m, false, "000:1793"),
        new("gp-retention", "GP Retention", Year("2020-21"), "ring-fenced allocation", 232_200m, false, "000:1793"),
        new("reception-and-clerical", "Reception and Clerical", Year("2019-20"), "allocation", 190_688m, false, "000:1794"),
        new("reception-and-clerical", "Reception and Clerical", Year("2020-21"), "ring-fenced allocation", 190_971m, false, "000:1794"),
        new("online-consultation", "Online Consultation", Year("2019-20"), "allocation", 311_080m, false, "000:1795"),
        new("online-consultation", "Online Consultation", Year("2020-21"), "ring-fenced allocation", 303_450m, false, "000:1795"),
        new("practice-nursing", "Practice Nursing", Year("2020-21"), "ring-fenced allocation", 77_400m, false, "000:1796"),
        new("total", "Total", Year("2019-20"), "allocation", 879_863m, true, "000:1797"),
        new("total", "Total", Year("2020-21"), "ring-fenced allocation", 958_821m, true, "000:1797"),
    ];

    [Fact]
    public void Both_printed_totals_equal_the_sum_of_their_years_lines()
    {
        var total2019 = Table6.Single(line => line.IsTotal && line.Year == Year("2019-20"));
        var total2020 = Table6.Single(line => line.IsTotal && line.Year == Year("2020-21"));

        // 146,135 + 231,960 + 190,688 + 311,080 = 879,863, as printed (000:1797).
        GpForwardView.Computed(total2019, Table6).ShouldBe(879_863m);
        GpForwardView.Computed(total2019, Table6).ShouldBe(total2019.Amount);
        // 154,800 + 232,200 + 190,971 + 303,450 + 77,400 = 958,821, as printed (000:1797).
        GpForwardView.Computed(total2020, Table6).ShouldBe(958_821m);
        GpForwardView.Computed(total2020, Table6).ShouldBe(total2020.Amount);
    }

    [Fact]
    public void A_line_has_no_computed_total()
    {
        GpForwardView.Computed(Table6[0], Table6).ShouldBeNull();
    }
}
