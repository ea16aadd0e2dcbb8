using Finance.Domain.Model;

namespace Finance.Domain.Budgets;

/// <summary>A published co-commissioning allocation (the documents print £ thousands).</summary>
public sealed record CoCommissioningAllocation(string Series, FinancialYear Year, decimal Amount, string Source);

/// <summary>A year's allocation and its growth on the same publication's previous year.</summary>
public sealed record CoCommissioningYear(CoCommissioningAllocation Allocation, decimal? Growth, decimal? GrowthPercent);

public static class CoCommissioningGrowth
{
    /// <summary>Year-on-year growth within each publication; the first year of a series has none.</summary>
    public static IReadOnlyList<CoCommissioningYear> Compute(IReadOnlyList<CoCommissioningAllocation> allocations) =>
        allocations
            .GroupBy(allocation => allocation.Series)
            .SelectMany(series =>
            {
                var ordered = series.OrderBy(allocation => allocation.Year).ToList();
                return ordered.Select((allocation, index) =>
                {
                    if (index == 0 || ordered[index - 1].Year != allocation.Year.Previous)
                        return new CoCommissioningYear(allocation, null, null);
                    var previous = ordered[index - 1].Amount;
                    var growth = allocation.Amount - previous;
                    return new CoCommissioningYear(allocation, growth, previous == 0 ? null : Money.Percent(growth, previous));
                });
            })
            .ToList();
}

/// <summary>A GP Forward View allocation line, or a printed total of a year's lines.</summary>
public sealed record GpForwardViewLine(string LineId, string LineName, FinancialYear Year, string AllocationType, decimal Amount, bool IsTotal, string Source);

public static class GpForwardView
{
    /// <summary>For a printed total, the sum of the year's lines; null for a line.</summary>
    public static decimal? Computed(GpForwardViewLine line, IReadOnlyList<GpForwardViewLine> all) =>
        line.IsTotal ? all.Where(other => !other.IsTotal && other.Year == line.Year).Sum(other => other.Amount) : null;
}
