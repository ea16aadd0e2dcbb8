using Finance.Api.Infrastructure;
using Finance.Api.Infrastructure.ReferenceData;
using Finance.Domain.Allocations;
using Finance.Domain.ClosedYears;
using Finance.Domain.Model;
using Platform.Contracts.Finance.V1;
using Platform.Data;
using Platform.Messaging.Outbox;

namespace Finance.Api.Application;

/// <summary>
/// Recomputes PCNs' allocations inside the unit of work that changed their inputs and publishes the new totals
/// through the outbox, so the event goes out if and only if the change commits. A closed year's allocations stand as
/// published: what the change would do to them is recorded as prior-year adjustments instead, and the event carries
/// open years only.
/// </summary>
public sealed class AllocationRecalculation(
    FinanceStore store, ClosedYearStore closedStore, FinanceReferenceData reference, IOutbox outbox, TimeProvider clock, ClosedYears closedYears)
{
    /// <param name="pcnIds">The PCNs whose inputs changed; null for every PCN.</param>
    /// <param name="years">The years to recompute; null for every year.</param>
    /// <param name="causationId">The registry event's message id, when a registry event caused the change.</param>
    public Task<PcnAllocationsRecalculated> PublishAsync(
        UnitOfWork work,
        AllocationChangeReason reason,
        Guid? causationId,
        IReadOnlyCollection<string>? pcnIds,
        IReadOnlyCollection<FinancialYear>? years,
        CancellationToken cancellationToken) =>
        PublishAsync(
            work, reason, causationId, AdjustmentCause.RegistryEvent(AdjustmentReasonOf(reason), causationId), pcnIds, years, cancellationToken);

    /// <param name="cause">What a closed year's adjustments will say caused them.</param>
    public async Task<PcnAllocationsRecalculated> PublishAsync(
        UnitOfWork work,
        AllocationChangeReason reason,
        Guid? causationId,
        AdjustmentCause cause,
        IReadOnlyCollection<string>? pcnIds,
        IReadOnlyCollection<FinancialYear>? years,
        CancellationToken cancellationToken)
    {
        // Before anything is read: a year closing now either waits for this change or is seen closed by it.
        foreach (var year in reference.Years.Where(year => years is null || years.Contains(year)).Order())
            await closedStore.LockYearAsync(work, year, exclusive: false, cancellationToken);
        var closed = (await closedStore.ListClosedAsync(work, cancellationToken)).Select(year => year.Year).ToHashSet();
        // And before the rates and populations are read: a change recorded against a closed year by a transaction that
        // commits first is in what this one recomputes from, so neither adjustment leaves out the other's change.
        foreach (var year in closed.Where(year => years is null || years.Contains(year)).Order())
            await closedStore.LockAdjustmentsAsync(work, year, cancellationToken);
        var rates = await store.ListRatesAsync(work, cancellationToken);
        var populations = await store.LoadPopulationsAsync(work, pcnIds, cancellationToken);

        var totals = new List<PcnAllocationTotal>();
        foreach (var year in rates.GroupBy(rate => rate.Year).Where(year => years is null || years.Contains(year.Key)).OrderBy(year => year.Key))
        {
            var pcns = AllocationCalculator.ForAllPcns(year.ToList(), reference.Streams, populations);
            if (closed.Contains(year.Key))
                await closedYears.RecordAdjustmentsAsync(work, year.Key, pcnIds, pcns, cause, cancellationToken);
            else
                totals.AddRange(pcns.Select(pcn =>
                    new PcnAllocationTotal(pcn.PcnId, pcn.CcgId, year.Key.ToString(), pcn.Population, Money.ToPence(pcn.Total))));
        }

        var message = new PcnAllocationsRecalculated(reason, causationId, totals, clock.GetUtcNow());
        await outbox.EnqueueAsync(work, message, cancellationToken);
        return message;
    }

    private static AdjustmentReason AdjustmentReasonOf(AllocationChangeReason reason) => reason switch
    {
        AllocationChangeReason.PracticeTransferred => AdjustmentReason.PracticeTransferred,
        AllocationChangeReason.ListSizeRecorded => AdjustmentReason.ListSizeRecorded,
        AllocationChangeReason.PracticesMerged => AdjustmentReason.PracticesMerged,
        AllocationChangeReason.FundingRateChanged => AdjustmentReason.FundingRateChanged,
    };
}
