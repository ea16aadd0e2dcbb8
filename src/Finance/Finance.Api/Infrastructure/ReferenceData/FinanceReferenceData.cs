using Finance.Domain.Allocations;
using Finance.Domain.Arrs;
using Finance.Domain.Budgets;
using Finance.Domain.Model;

namespace Finance.Api.Infrastructure.ReferenceData;

/// <summary>
/// The documents' tables that never change: streams, printed totals, the ARRS tables, the CCG budget, GP Forward
/// View and co-commissioning allocations. They ship with the service (SeedData/) and live in memory; only the funding
/// rates, which users set, are kept in the database.
/// </summary>
public sealed record FinanceReferenceData(
    IReadOnlyList<FinancialYear> Years,
    IReadOnlyDictionary<string, FundingStream> Streams,
    IReadOnlyList<string> StreamOrder,
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
    public IReadOnlyList<FundingRate> InTableOrder(IEnumerable<FundingRate> rates)
    {
        var position = StreamOrder.Select((streamId, index) => (streamId, index)).ToDictionary(entry => entry.streamId, entry => entry.index);
        return rates.OrderBy(rate => position[rate.StreamId]).ThenBy(rate => rate.Year).ToList();
    }

    public ArrsYearFunding? ArrsFor(FinancialYear year) => ArrsFunding.FirstOrDefault(funding => funding.Year == year);
}
