using Finance.Api.Infrastructure;
using Finance.Domain.ClosedYears;
using Finance.Domain.Model;
using MassTransit;
using Npgsql;
using Platform.Contracts.Practices.V1;
using Platform.Data;
using Platform.Messaging.Inbox;
using ContractBasis = Platform.Contracts.Practices.V1.PopulationBasis;

namespace Finance.Api.Application;

/// <summary>
/// Keeps Finance's copy of the registry's populations up to date. Each registry event carries every PCN it touched
/// from the date it takes effect on (its timeline), with the PCN's version: Finance replaces what it holds for those
/// PCNs from that date with it, except where a newer version already stands (events may arrive in any order), and
/// records what that changes in closed years as prior-year adjustments, all in the inbox's unit of work, so a
/// redelivered event changes nothing twice. Open years' allocations follow the new populations on read.
/// </summary>
public sealed class RegistryEventApplier(FinanceStore store, ClosedYears closedYears)
{
    /// <param name="affected">The PCNs as at the effective date: all an event from before the timeline existed carries.</param>
    /// <param name="timeline">Each PCN's states from the effective date on; null from an older registry.</param>
    public async Task ApplyAsync(
        UnitOfWork work,
        IReadOnlyList<PcnSnapshot> affected,
        IReadOnlyList<PcnSnapshot>? timeline,
        AdjustmentReason reason,
        Guid? messageId,
        CancellationToken cancellationToken)
    {
        var byPcn = (timeline ?? affected).GroupBy(snapshot => snapshot.PcnId).ToList();
        var closed = await closedYears.BeginChangeAsync(work, years: null, cancellationToken);
        // With no closed year nothing reads the new populations before the commit, so they go with it.
        await store.ApplyTimelinesAsync(work, byPcn.Select(pcn => pcn.Select(ToPopulation).OrderBy(population => population.AsAt).ToList()),
            "event", withCommit: closed.Count == 0, cancellationToken);

        await closedYears.FollowChangeAsync(
            work, AdjustmentCause.RegistryEvent(reason, messageId), byPcn.Select(pcn => pcn.Key).ToHashSet(), closed, cancellationToken);
    }

    private static PcnPopulation ToPopulation(PcnSnapshot snapshot) => new(
        snapshot.PcnId,
        snapshot.CcgId,
        snapshot.AsAt,
        snapshot.Population,
        snapshot.PopulationBasis == ContractBasis.Computed ? snapshot.ComputedWeightedPatients : null,
        snapshot.PopulationBasis switch
        {
            ContractBasis.Computed => PopulationSource.Computed,
            ContractBasis.Stated => PopulationSource.Stated,
            _ => throw new ArgumentOutOfRangeException(nameof(snapshot), snapshot.PopulationBasis, "A population basis Finance does not know."),
        },
        snapshot.Version);
}

public sealed class PracticeTransferredConsumer(NpgsqlDataSource dataSource, RegistryEventApplier applier) : InboxConsumer<PracticeTransferred>(dataSource)
{
    protected override Task HandleAsync(PracticeTransferred message, UnitOfWork work, ConsumeContext<PracticeTransferred> context) =>
        applier.ApplyAsync(work, message.AffectedPcns, message.AffectedPcnsTimeline, AdjustmentReason.PracticeTransferred, context.MessageId, context.CancellationToken);
}

public sealed class ListSizeRecordedConsumer(NpgsqlDataSource dataSource, RegistryEventApplier applier) : InboxConsumer<ListSizeRecorded>(dataSource)
{
    protected override Task HandleAsync(ListSizeRecorded message, UnitOfWork work, ConsumeContext<ListSizeRecorded> context) =>
        applier.ApplyAsync(work, message.AffectedPcns, message.AffectedPcnsTimeline, AdjustmentReason.ListSizeRecorded, context.MessageId, context.CancellationToken);
}

public sealed class PracticesMergedConsumer(NpgsqlDataSource dataSource, RegistryEventApplier applier) : InboxConsumer<PracticesMerged>(dataSource)
{
    protected override Task HandleAsync(PracticesMerged message, UnitOfWork work, ConsumeContext<PracticesMerged> context) =>
        applier.ApplyAsync(work, message.AffectedPcns, message.AffectedPcnsTimeline, AdjustmentReason.PracticesMerged, context.MessageId, context.CancellationToken);
}
