using Finance.Domain.Model;

namespace Finance.Domain.Budgets;

public enum BudgetRowKind
{
    Line = 1,
    Subtotal = 2,
    Total = 3,
}

/// <summary>One printed cell of the consolidated budget table: a row and a column (a CCG, or "llr").</summary>
public sealed record BudgetCell(string LineId, string LineName, string Section, BudgetRowKind Kind, string Column, decimal Amount, string Source);

/// <summary>A printed figure and the sum it should equal, where it is a roll-up.</summary>
public sealed record BudgetFigure(string Column, decimal Printed, decimal? Computed, decimal Tolerance)
{
    public decimal? Difference => Computed - Printed;

    public bool WithinRounding => Difference is not { } difference || Math.Abs(difference) <= Tolerance;
}

public sealed record BudgetRow(string LineId, string LineName, string Section, BudgetRowKind Kind, IReadOnlyList<BudgetFigure> Figures, string Source);

/// <summary>
/// The consolidated primary-care budget with every roll-up recomputed from the printed lines: a line's LLR figure is
/// the sum across the CCGs; a sub-total is the sum of its section's lines; the total is the sum of the sub-totals.
/// The document rounds each figure to the pound, so a roll-up may miss by up to <see cref="RoundingTolerance"/>.
/// </summary>
public sealed record BudgetStatement(FinancialYear Year, IReadOnlyList<BudgetRow> Rows)
{
    public const decimal RoundingTolerance = 1m;
    public const string LlrColumn = "llr";

    public static BudgetStatement Build(FinancialYear year, IReadOnlyList<BudgetCell> cells)
    {
        var rows = cells
            .GroupBy(cell => cell.LineId)
            .Select(row =>
            {
                var first = row.First();
                var figures = row.Select(cell => new BudgetFigure(cell.Column, cell.Amount, Computed(cell, cells), RoundingTolerance)).ToList();
                return new BudgetRow(first.LineId, first.LineName, first.Section, first.Kind, figures, first.Source);
            })
            .ToList();
        return new BudgetStatement(year, rows);
    }

    private static decimal? Computed(BudgetCell cell, IReadOnlyList<BudgetCell> cells)
    {
        IEnumerable<BudgetCell> parts = cell.Kind switch
        {
            BudgetRowKind.Line when cell.Column == LlrColumn => cells.Where(other => other.LineId == cell.LineId && other.Column != LlrColumn),
            BudgetRowKind.Subtotal => cells.Where(other => other.Section == cell.Section && other.Kind == BudgetRowKind.Line && other.Column == cell.Column),
            BudgetRowKind.Total => cells.Where(other => other.Kind == BudgetRowKind.Subtotal && other.Column == cell.Column),
            _ => [],
        };
        var list = parts.ToList();
        return list.Count == 0 ? null : list.Sum(part => part.Amount);
    }
}
