using Finance.Api.Infrastructure;
using Finance.Api.Infrastructure.ReferenceData;
using Finance.Domain.Allocations;
using Finance.Domain.Model;
using Npgsql;
using Platform.Contracts.Finance.V1;
using Platform.Messaging.Outbox;

namespace Finance.Api.Application;

/// <summary>
/// Recomputes PCNs' allocations inside the transaction that changed their inputs and publishes the new totals
/// through the outbox, so the event goes out if and only if the change commits.
/// </summary>
public sealed class AllocationRecalculation(FinanceStore store, FinanceReferenceData reference, IOutbox outbox, TimeProvider clock)
{
    /// <param name="pcnIds">The PCNs whose inputs changed; null for every PCN.</param>
    /// <param name="years">The years to recompute; null for every year.</param>
    public async Task<PcnAllocationsRecalculated> PublishAsync(
        NpgsqlTransaction transaction,
        AllocationChangeReason reason,
        Guid? causationId,
        IReadOnlyCollection<string>? pcnIds,
        IReadOnlyCollection<FinancialYear>? years,
        CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var rates = await store.ListRatesAsync(connection, transaction, cancellationToken);
        var populations = await store.LoadPopulationsAsync(connection, transaction, pcnIds, cancellationToken);

        var totals = rates
            .GroupBy(rate => rate.Year)
            .Where(year => years is null || years.Contains(year.Key))
            .OrderBy(year => year.Key)
            .SelectMany(year => AllocationCalculator.ForAllPcns(year.ToList(), reference.Streams, populations)
                .Select(pcn => new PcnAllocationTotal(pcn.PcnId, pcn.CcgId, year.Key.ToString(), pcn.Population, Money.ToPence(pcn.Total))))
            .ToList();

        var message = new PcnAllocationsRecalculated(reason, causationId, totals, clock.GetUtcNow());
        await outbox.EnqueueAsync(transaction, message, cancellationToken);
        return message;
    }
}
