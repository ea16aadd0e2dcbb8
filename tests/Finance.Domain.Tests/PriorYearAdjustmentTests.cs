using Finance.Domain.ClosedYears;
using Finance.Domain.Model;
using Shouldly;

namespace Finance.Domain.Tests;

/// <summary>
/// Which lines of a closed year a later change would alter, and how adjustments to the same line stay cumulative.
/// Figures: Leicester Health Focus's four City-table practices sum to 38,194 (000_0b818a8f861e84b5.txt:502-505); core
/// PCN funding is £1.50 a head (004_019362184b449183.txt:3051), clinical director £0.684 from 2020-21 (derived from
/// 004:3045).
/// </summary>
public class PriorYearAdjustmentTests
{
    private static readonly FinancialYear Year = FinancialYear.Parse("2020-21");
    private static readonly LineKey Core = new("leicester-health-focus", "core-pcn-funding");
    private static readonly LineKey ClinicalDirector = new("leicester-health-focus", "clinical-director");
    private static readonly AdjustmentCause ListSize = AdjustmentCause.RegistryEvent(AdjustmentReason.ListSizeRecorded, Guid.NewGuid());

    // 1.50 × 38,194 = 57,291.00; 0.684 × 38,194 = 26,124.696 → 26,124.70.
    private static readonly Dictionary<LineKey, LineFigures> Published = new()
    {
        [Core] = new(38_194, 1.50m, 1m, 57_291.00m),
        [ClinicalDirector] = new(38_194, 0.684m, 1m, 26_124.70m),
    };

    [Fact]
    public void A_change_that_moves_a_line_records_what_was_paid_what_should_have_been_and_the_difference()
    {
        // 154 more patients: 1.50 × 38,348 = 57,522.00; 0.684 × 38,348 = 26,230.032 → 26,230.03.
        var recomputed = new Dictionary<LineKey, LineFigures>
        {
            [Core] = new(38_348, 1.50m, 1m, 57_522.00m),
            [ClinicalDirector] = new(38_348, 0.684m, 1m, 26_230.03m),
        };

        var adjustments = PriorYearAdjustments.For(Year, Published, new Dictionary<LineKey, decimal>(), recomputed, ListSize);

        adjustments.Select(adjustment => adjustment.Line).ShouldBe([ClinicalDirector, Core]);
        var core = adjustments.Single(adjustment => adjustment.Line == Core);
        core.Paid.ShouldBe(Published[Core]);
        core.ShouldHaveBeen.ShouldBe(recomputed[Core]);
        core.Difference.ShouldBe(231.00m);
        core.PreviousShouldHaveBeen.ShouldBe(57_291.00m);
        core.Change.ShouldBe(231.00m);
        core.Cause.ShouldBe(ListSize);
        adjustments.Single(adjustment => adjustment.Line == ClinicalDirector).Difference.ShouldBe(105.33m);
    }

    [Fact]
    public void A_change_that_leaves_a_line_as_it_was_owed_records_nothing_for_it()
    {
        var recomputed = new Dictionary<LineKey, LineFigures>
        {
            [Core] = Published[Core],
            [ClinicalDirector] = new(38_348, 0.684m, 1m, 26_230.03m),
        };

        PriorYearAdjustments.For(Year, Published, new Dictionary<LineKey, decimal>(), recomputed, ListSize)
            .ShouldHaveSingleItem().Line.ShouldBe(ClinicalDirector);
        // Nothing changed at all: nothing recorded.
        PriorYearAdjustments.For(Year, Published, new Dictionary<LineKey, decimal>(), Published, ListSize).ShouldBeEmpty();
    }

    [Fact]
    public void A_second_change_to_the_same_line_counts_from_what_the_first_left_owed_and_keeps_paid_as_published()
    {
        // After the list size, core was owed 57,522.00. Then the rate is set to £1.60: 1.60 × 38,348 = 61,356.80.
        var rateChange = AdjustmentCause.RateChange("core-pcn-funding", Guid.NewGuid());
        var owedSoFar = new Dictionary<LineKey, decimal> { [Core] = 57_522.00m, [ClinicalDirector] = 26_230.03m };
        var recomputed = new Dictionary<LineKey, LineFigures>
        {
            [Core] = new(38_348, 1.60m, 1m, 61_356.80m),
            [ClinicalDirector] = new(38_348, 0.684m, 1m, 26_230.03m),
        };

        var core = PriorYearAdjustments.For(Year, Published, owedSoFar, recomputed, rateChange).ShouldHaveSingleItem();

        core.Paid.Amount.ShouldBe(57_291.00m);
        core.PreviousShouldHaveBeen.ShouldBe(57_522.00m);
        core.ShouldHaveBeen.Amount.ShouldBe(61_356.80m);
        // Outstanding: 61,356.80 − 57,291.00; this change's part: 61,356.80 − 57,522.00. The two changes (231.00 and
        // 3,834.80) add up to the outstanding difference; the two differences (231.00 and 4,065.80) do not.
        core.Difference.ShouldBe(4_065.80m);
        core.Change.ShouldBe(3_834.80m);
        (231.00m + core.Change).ShouldBe(core.Difference);
    }

    [Fact]
    public void A_change_back_to_the_published_figure_is_recorded_and_leaves_nothing_outstanding()
    {
        var owedSoFar = new Dictionary<LineKey, decimal> { [Core] = 57_522.00m };

        var core = PriorYearAdjustments.For(Year, Published, owedSoFar, Published, ListSize).ShouldHaveSingleItem();

        core.Change.ShouldBe(-231.00m);
        core.Difference.ShouldBe(0m);
    }

    [Fact]
    public void A_pcn_that_appears_after_closing_was_paid_nothing_and_one_that_is_gone_is_owed_nothing()
    {
        var newcomer = new LineKey("a-new-pcn", "core-pcn-funding");
        var recomputed = new Dictionary<LineKey, LineFigures>
        {
            [ClinicalDirector] = Published[ClinicalDirector],
            [newcomer] = new(1_000, 1.50m, 1m, 1_500.00m),
        };

        var adjustments = PriorYearAdjustments.For(Year, Published, new Dictionary<LineKey, decimal>(), recomputed, ListSize);

        var gained = adjustments.Single(adjustment => adjustment.Line == newcomer);
        gained.Paid.ShouldBe(new LineFigures(0, 1.50m, 1m, 0m));
        gained.Difference.ShouldBe(1_500.00m);
        var lost = adjustments.Single(adjustment => adjustment.Line == Core);
        lost.ShouldHaveBeen.ShouldBe(new LineFigures(0, 1.50m, 1m, 0m));
        lost.Difference.ShouldBe(-57_291.00m);
    }

    [Fact]
    public void A_rate_set_is_recorded_on_its_own_streams_lines_only()
    {
        // The core rate set to £1.60 (1.60 × 38,194 = 61,110.40); clinical director differs too, but not by this change.
        var recomputed = new Dictionary<LineKey, LineFigures>
        {
            [Core] = new(38_194, 1.60m, 1m, 61_110.40m),
            [ClinicalDirector] = new(38_348, 0.684m, 1m, 26_230.03m),
        };

        var adjustment = PriorYearAdjustments.For(Year, Published, new Dictionary<LineKey, decimal>(), recomputed,
            AdjustmentCause.RateChange("core-pcn-funding", requestId: null)).ShouldHaveSingleItem();

        adjustment.Line.ShouldBe(Core);
        adjustment.Difference.ShouldBe(3_819.40m);
        adjustment.Cause.RequestId.ShouldBeNull();
    }
}
