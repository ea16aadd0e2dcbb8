using Finance.Domain.Allocations;
using Finance.Domain.Arrs;
using Finance.Domain.Budgets;
using Finance.Domain.Model;
using Platform.Domain.Errors;

namespace Finance.Api.Infrastructure.ReferenceData;

/// <summary>
/// The documents' tables that never change: streams, printed totals, the ARRS tables, the CCG budget, GP Forward
/// View and co-commissioning allocations. They ship with the service (SeedData/) and live in memory; only the funding
/// rates, which users set, are kept in the database.
/// </summary>
public sealed record FinanceReferenceData(
    IReadOnlyList<FinancialYear> Years,
    IReadOnlyDictionary<string, FundingStream> Streams,
    IReadOnlyDictionary<string, int> StreamPositions,
    IReadOnlyList<StatedTotal> StatedTotals,
    IReadOnlyList<CcgPublishedFigure> CcgPublishedFigures,
    IReadOnlyList<ArrsYearFunding> ArrsFunding,
    ArrsScheme ArrsScheme,
    IReadOnlyList<ArrsRoleYear> ArrsSchedule,
    IReadOnlyList<BudgetCell> CcgBudget,
    FinancialYear CcgBudgetYear,
    IReadOnlyList<GpForwardViewLine> GpForwardView,
    IReadOnlyList<CoCommissioningAllocation> CoCommissioning)
{
    /// <summary>Rates in the order the PCN budget table prints its streams, then by year.</summary>
    public IReadOnlyList<FundingRate> InTableOrder(IEnumerable<FundingRate> rates) =>
        rates.OrderBy(rate => StreamPositions[rate.StreamId]).ThenBy(rate => rate.Year).ToList();

    /// <summary>The year's ARRS funding; INVALID_ARGUMENT on <paramref name="field"/> for a year the scheme's tables do not cover.</summary>
    public ArrsYearFunding RequireArrs(FinancialYear year, string field) =>
        ArrsFor(year) ?? throw new InvalidArgumentException(field,
            $"{year} is not a year of the Additional Roles scheme tables; known years: {string.Join(", ", ArrsFunding.Select(funding => funding.Year))}.");

    public ArrsYearFunding? ArrsFor(FinancialYear year) => ArrsFunding.FirstOrDefault(funding => funding.Year == year);
}
