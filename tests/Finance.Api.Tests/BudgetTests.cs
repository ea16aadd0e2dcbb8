using Llr.Finance.V1;
using Shouldly;
using static Finance.Api.Tests.Values;
using static Platform.Testing.ProtoValues;

namespace Finance.Api.Tests;

/// <summary>
/// Table 4 "CCG Consolidated 2019/20 Primary Care Budgets" (004_019362184b449183.txt:2934-2980) with every roll-up
/// recomputed, Table 6's GP Forward View allocations (000_0b818a8f861e84b5.txt:1788-1797) and the co-commissioning
/// allocations with their growth (004:3149, 003_d6aa06560089c012.txt:1049).
/// </summary>
public sealed class BudgetTests(FinanceServiceFixture finance)
{
    private readonly FinanceService.FinanceServiceClient _client = finance.Finance;

    private static readonly string[] Columns = ["ccgs/leicester-city", "ccgs/east-leicestershire-rutland", "ccgs/west-leicestershire", "llr"];

    [Fact]
    public async Task Every_printed_figure_of_2019_20_is_within_the_documents_one_pound_rounding()
    {
        var statement = await _client.GetBudgetStatementAsync(new GetBudgetStatementRequest { Name = "budgetStatements/2019-20" });

        statement.Name.ShouldBe("budgetStatements/2019-20");
        statement.Year.ShouldBe("2019-20");
        Pounds(statement.RoundingTolerance).ShouldBe(1m);
        statement.Rows.Count.ShouldBe(17);
        statement.Rows.Select(row => row.Section).Distinct()
            .ShouldBe(["co-commissioning", "other-primary-care", "out-of-hours", "prescribing", "total"]);
        foreach (var row in statement.Rows)
        {
            row.Figures.Select(figure => figure.Column).ShouldBe(Columns, ignoreOrder: true, customMessage: row.Line);
            row.Source.ShouldStartWith("004_019362184b449183.txt:");
            foreach (var figure in row.Figures)
            {
                figure.WithinRounding.ShouldBeTrue($"{row.Line} {figure.Column}");
                if (figure.Computed is null) continue;
                Pounds(figure.Difference).ShouldBe(Pounds(figure.Computed) - Pounds(figure.Printed), $"{row.Line} {figure.Column}");
                Math.Abs(Pounds(figure.Difference)).ShouldBeLessThanOrEqualTo(1m);
            }
        }
        // The roll-ups are recomputed here from the printed lines, as the service should have.
        foreach (var row in statement.Rows.Where(row => row.Kind == BudgetRowKind.Line))
        {
            var llr = row.Figures.Single(figure => figure.Column == "llr");
            Pounds(llr.Computed).ShouldBe(row.Figures.Where(figure => figure.Column != "llr").Sum(figure => Pounds(figure.Printed)), row.Line);
        }
        foreach (var subtotal in statement.Rows.Where(row => row.Kind == BudgetRowKind.Subtotal))
            foreach (var figure in subtotal.Figures)
            {
                var parts = statement.Rows.Where(row => row.Section == subtotal.Section && row.Kind == BudgetRowKind.Line).ToList();
                if (parts.Count == 0) continue; // out of hours and prescribing print only their totals
                Pounds(figure.Computed).ShouldBe(parts.Sum(row => Pounds(row.Figures.Single(f => f.Column == figure.Column).Printed)), $"{subtotal.Line} {figure.Column}");
            }
    }

    [Fact]
    public async Task The_pcn_lines_llr_figure_is_a_pound_less_than_its_ccg_figures_sum()
    {
        var statement = await _client.GetBudgetStatementAsync(new GetBudgetStatementRequest { Name = "budgetStatements/2019-20" });

        // "PCN 1,887,510 1,535,262 1,842,233 5,265,004" (004_019362184b449183.txt:2956): the three CCGs sum to 5,265,005.
        var pcn = statement.Rows.Single(row => row.Line == "pcn");
        pcn.Source.ShouldBe("004_019362184b449183.txt:2956");
        pcn.Kind.ShouldBe(BudgetRowKind.Line);
        pcn.Section.ShouldBe("co-commissioning");
        var llr = pcn.Figures.Single(figure => figure.Column == "llr");
        Pounds(llr.Printed).ShouldBe(5_265_004m);
        Pounds(llr.Computed).ShouldBe(5_265_005m);
        Pounds(llr.Difference).ShouldBe(1m);
        llr.WithinRounding.ShouldBeTrue();
        Pounds(pcn.Figures.Single(figure => figure.Column == "ccgs/leicester-city").Printed).ShouldBe(1_887_510m);

        // "Enhanced Services" (004:2950): 1,044,512 + 892,010 + 871,952 = 2,808,474 against 2,808,475 printed.
        var enhanced = statement.Rows.Single(row => row.Line == "enhanced-services").Figures.Single(figure => figure.Column == "llr");
        Pounds(enhanced.Difference).ShouldBe(-1m);

        // "Total Co Commissioning" (004:2962) is exact in every column: 146,685,000 for LLR, the two pounds cancel.
        var coCommissioning = statement.Rows.Single(row => row.Line == "total-co-commissioning");
        coCommissioning.Kind.ShouldBe(BudgetRowKind.Subtotal);
        coCommissioning.Figures.ShouldAllBe(figure => figure.Difference != null && figure.Difference.Units == 0 && figure.Difference.Nanos == 0);
        Pounds(coCommissioning.Figures.Single(figure => figure.Column == "llr").Printed).ShouldBe(146_685_000m);

        // "Total Other Primary Care" (004:2974): City's lines sum to 7,706,978 against 7,706,977 printed.
        var otherCity = statement.Rows.Single(row => row.Line == "total-other-primary-care").Figures.Single(figure => figure.Column == "ccgs/leicester-city");
        Pounds(otherCity.Printed).ShouldBe(7_706_977m);
        Pounds(otherCity.Difference).ShouldBe(1m);

        // "TOTAL" (004:2980) 339,189,443 = the four section totals.
        var total = statement.Rows.Single(row => row.Kind == BudgetRowKind.Total).Figures.Single(figure => figure.Column == "llr");
        Pounds(total.Printed).ShouldBe(339_189_443m);
        Pounds(total.Difference).ShouldBe(0m);
    }

    [Fact]
    public async Task Co_commissioning_grows_year_on_year_within_each_publication()
    {
        var statement = await _client.GetBudgetStatementAsync(new GetBudgetStatementRequest { Name = "budgetStatements/2019-20" });

        // Table 7 "Published Co-commissioning Allocations 146,685 153,219 160,303 168,279 177,194" (£k, 004_019362184b449183.txt:3149).
        var strategy = statement.CoCommissioning.Where(year => year.Series == "strategy-2019").ToList();
        strategy.Select(year => Pounds(year.Allocation)).ShouldBe([146_685_000m, 153_219_000m, 160_303_000m, 168_279_000m, 177_194_000m]);
        strategy[0].Growth.ShouldBeNull();
        strategy[0].GrowthPercent.ShouldBeNull();
        // 2020-21: 153,219 − 146,685 = £6,534k, 4.45% of 146,685.
        var growth = strategy.Single(year => year.Year == "2020-21");
        Pounds(growth.Growth).ShouldBe(6_534_000m);
        Number(growth.GrowthPercent).ShouldBe(Math.Round(6_534m / 146_685m * 100m, 2, MidpointRounding.AwayFromZero));
        Number(growth.GrowthPercent).ShouldBe(4.45m);
        growth.Source.ShouldBe("004_019362184b449183.txt:3149");
        for (var i = 1; i < strategy.Count; i++)
            Pounds(strategy[i].Growth).ShouldBe(Pounds(strategy[i].Allocation) - Pounds(strategy[i - 1].Allocation));

        // One LLR TABLE 1 "Primary Care Co-Commissioning" 195,134 203,138 … (003_d6aa06560089c012.txt:1049), its own series:
        // its 2023-24 has no growth although Table 7 also prints a 2023-24.
        var oneLlr = statement.CoCommissioning.Where(year => year.Series == "one-llr-2023").ToList();
        oneLlr.First().Year.ShouldBe("2023-24");
        Pounds(oneLlr.First().Allocation).ShouldBe(195_134_000m);
        oneLlr.First().Growth.ShouldBeNull();
        Pounds(oneLlr.Single(year => year.Year == "2024-25").Growth).ShouldBe(8_004_000m); // 203,138 − 195,134
    }

    [Fact]
    public async Task The_gp_forward_view_totals_equal_the_sum_of_their_years_lines()
    {
        var statement = await _client.GetBudgetStatementAsync(new GetBudgetStatementRequest { Name = "budgetStatements/2019-20" });

        // Table 6 totals: 879,863 for 2019-20 and 958,821 for 2020-21 (000_0b818a8f861e84b5.txt:1797).
        var totals = statement.GpForwardView.Where(line => line.IsTotal).ToDictionary(line => line.Year);
        Pounds(totals["2019-20"].Amount).ShouldBe(879_863m);
        Pounds(totals["2020-21"].Amount).ShouldBe(958_821m);
        foreach (var total in totals.Values)
        {
            var sum = statement.GpForwardView.Where(line => !line.IsTotal && line.Year == total.Year).Sum(line => Pounds(line.Amount));
            Pounds(total.Computed).ShouldBe(sum, total.Year);
            Pounds(total.Computed).ShouldBe(Pounds(total.Amount), total.Year);
        }
        statement.GpForwardView.Where(line => !line.IsTotal).ShouldAllBe(line => line.Computed == null);
        // Practice Nursing has only its 2020-21 figure, £77,400 (000:1796).
        Pounds(statement.GpForwardView.Single(line => line.Line == "practice-nursing").Amount).ShouldBe(77_400m);
    }
}
