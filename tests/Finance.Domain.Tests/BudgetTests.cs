using Finance.Domain.Budgets;
using Shouldly;
using static Finance.Domain.Tests.Builders;

namespace Finance.Domain.Tests;

public class BudgetTests
{
    private const string Llr = BudgetStatement.LlrColumn;

    /// <summary>The four printed columns, in the order 000:1749 prints them: City, East, West, LLR Total.</summary>
    private static readonly string[] Columns = [LeicesterCity, EastLeicestershireRutland, WestLeicestershire, Llr];

    /// <summary>Table 4 "CCG Consolidated 2019/20 Primary Care Budgets" (004:2934), every row as printed at 004:2946–2980.</summary>
    private static readonly (string Id, string Section, BudgetRowKind Kind, int Line, decimal[] Amounts)[] Table4 =
    [
        ("core-contract", "co-commissioning", BudgetRowKind.Line, 2946, [38_321_247m, 30_277_996m, 35_117_570m, 103_716_813m]),
        ("dispensing-prescribing-drs", "co-commissioning", BudgetRowKind.Line, 2948, [250_000m, 1_572_349m, 1_393_122m, 3_215_471m]),
        ("enhanced-services", "co-commissioning", BudgetRowKind.Line, 2950, [1_044_512m, 892_010m, 871_952m, 2_808_475m]),
        ("qof", "co-commissioning", BudgetRowKind.Line, 2952, [4_497_279m, 4_177_294m, 4_965_981m, 13_640_554m]),
        ("premises", "co-commissioning", BudgetRowKind.Line, 2954, [6_738_977m, 4_378_363m, 4_994_732m, 16_112_072m]),
        ("pcn", "co-commissioning", BudgetRowKind.Line, 2956, [1_887_510m, 1_535_262m, 1_842_233m, 5_265_004m]),
        ("other-gp-services", "co-commissioning", BudgetRowKind.Line, 2958, [1_442_075m, 931_285m, 1_126_993m, 3_500_353m]),
        ("reserve-qipp", "co-commissioning", BudgetRowKind.Line, 2960, [406_400m, -359_559m, -1_620_583m, -1_573_742m]),
        ("total-co-commissioning", "co-commissioning", BudgetRowKind.Subtotal, 2962, [54_588_000m, 43_405_000m, 48_692_000m, 146_685_000m]),
        ("community-based-services", "other-primary-care", BudgetRowKind.Line, 2966, [2_087_798m, 2_097_491m, 2_876_071m, 7_061_360m]),
        ("other-primary-care", "other-primary-care", BudgetRowKind.Line, 2968, [2_166_083m, -72_040m, 2_139_803m, 4_233_846m]),
        ("gp-incentives", "other-primary-care", BudgetRowKind.Line, 2970, [750_000m, 1_510_264m, 1_700_000m, 3_960_264m]),
        ("gp-forward-view", "other-primary-care", BudgetRowKind.Line, 2972, [2_703_097m, 2_063_644m, 2_303_937m, 7_070_678m]),
        ("total-other-primary-care", "other-primary-care", BudgetRowKind.Subtotal, 2974, [7_706_977m, 5_599_359m, 9_019_811m, 22_326_147m]),
        ("total-out-of-hours", "out-of-hours", BudgetRowKind.Subtotal, 2976, [5_579_792m, 4_168_995m, 4_255_086m, 14_003_873m]),
        ("total-prescribing", "prescribing", BudgetRowKind.Subtotal, 2978, [51_803_685m, 48_674_058m, 55_696_680m, 156_174_423m]),
        ("total", "total", BudgetRowKind.Total, 2980, [119_678_454m, 101_847_412m, 117_663_577m, 339_189_443m]),
    ];

    private static List<BudgetCell> Cells() =>
        Table4.SelectMany(row => Columns.Select((column, index) =>
            new BudgetCell(row.Id, row.Id, row.Section, row.Kind, column, row.Amounts[index], $"004:{row.Line}"))).ToList();

    private static BudgetFigure Figure(BudgetStatement statement, string lineId, string column) =>
        statement.Rows.Single(row => row.LineId == lineId).Figures.Single(figure => figure.Column == column);

    [Fact]
    public void Every_roll_up_of_table_4_is_within_a_pound()
    {
        var statement = BudgetStatement.Build(Year("2019-20"), Cells());

        statement.Rows.Count.ShouldBe(17);
        statement.Rows.SelectMany(row => row.Figures).Count().ShouldBe(68);
        statement.Rows.SelectMany(row => row.Figures).ShouldAllBe(figure => figure.WithinRounding);
    }

    [Fact]
    public void Exactly_four_cells_of_table_4_miss_their_roll_up_by_a_pound()
    {
        var statement = BudgetStatement.Build(Year("2019-20"), Cells());

        var differing = statement.Rows
            .SelectMany(row => row.Figures.Where(figure => figure.Difference is { } difference && difference != 0m).Select(figure => (row.LineId, figure.Column, figure.Difference)))
            .ToList();

        differing.ShouldBe(
        [
            // 004:2950 Enhanced Services: 1,044,512 + 892,010 + 871,952 = 2,808,474 vs printed LLR 2,808,475 → −1.
            ("enhanced-services", Llr, -1m),
            // 004:2956 PCN: 1,887,510 + 1,535,262 + 1,842,233 = 5,265,005 vs printed LLR 5,265,004 → +1.
            ("pcn", Llr, 1m),
            // 004:2974 Total Other Primary Care, City: 2,087,798 + 2,166,083 + 750,000 + 2,703,097 = 7,706,978 vs 7,706,977 → +1.
            ("total-other-primary-care", LeicesterCity, 1m),
            // 004:2974 Total Other Primary Care, LLR: 7,061,360 + 4,233,846 + 3,960,264 + 7,070,678 = 22,326,148 vs 22,326,147 → +1.
            ("total-other-primary-care", Llr, 1m),
        ]);
    }

    [Fact]
    public void Co_commissioning_and_the_grand_total_add_up_exactly_in_the_LLR_column()
    {
        var statement = BudgetStatement.Build(Year("2019-20"), Cells());

        // 004:2962: 103,716,813 + 3,215,471 + 2,808,475 + 13,640,554 + 16,112,072 + 5,265,004 + 3,500,353 − 1,573,742
        // = 146,685,000 (the −1 of Enhanced Services and +1 of PCN cancel in the row sums, not here).
        var coCommissioning = Figure(statement, "total-co-commissioning", Llr);
        coCommissioning.Computed.ShouldBe(146_685_000m);
        coCommissioning.Difference.ShouldBe(0m);
        // 004:2980: 146,685,000 + 22,326,147 + 14,003,873 + 156,174,423 = 339,189,443.
        var total = Figure(statement, "total", Llr);
        total.Computed.ShouldBe(339_189_443m);
        total.Difference.ShouldBe(0m);
    }

    [Fact]
    public void Lines_in_a_CCG_column_and_sections_without_lines_have_no_roll_up()
    {
        var statement = BudgetStatement.Build(Year("2019-20"), Cells());

        Figure(statement, "core-contract", LeicesterCity).Computed.ShouldBeNull();
        // Out of Hours and Prescribing are printed only as totals (004:2976, 004:2978): nothing to add up.
        Figure(statement, "total-out-of-hours", Llr).Computed.ShouldBeNull();
        Figure(statement, "total-prescribing", WestLeicestershire).Computed.ShouldBeNull();
        Figure(statement, "total-prescribing", WestLeicestershire).WithinRounding.ShouldBeTrue();
    }

    [Fact]
    public void A_figure_off_by_two_pounds_is_flagged()
    {
        // Tamper 004:2946 Core Contract LLR from 103,716,813 to 103,716,815.
        var cells = Cells();
        var index = cells.FindIndex(cell => cell.LineId == "core-contract" && cell.Column == Llr);
        cells[index] = cells[index] with { Amount = 103_716_815m };

        var statement = BudgetStatement.Build(Year("2019-20"), cells);

        // 38,321,247 + 30,277,996 + 35,117,570 = 103,716,813 vs 103,716,815 → −2.
        var core = Figure(statement, "core-contract", Llr);
        core.Difference.ShouldBe(-2m);
        core.WithinRounding.ShouldBeFalse();
        // The LLR Total Co Commissioning now adds 2 more: 146,685,002 vs 146,685,000 → +2.
        var coCommissioning = Figure(statement, "total-co-commissioning", Llr);
        coCommissioning.Difference.ShouldBe(2m);
        coCommissioning.WithinRounding.ShouldBeFalse();
        statement.Rows.SelectMany(row => row.Figures).Count(figure => !figure.WithinRounding).ShouldBe(2);
    }
}
