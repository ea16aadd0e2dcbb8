using Finance.Api.Infrastructure;
using Finance.Domain.Model;
using MassTransit;
using Npgsql;
using Platform.Contracts.Finance.V1;
using Platform.Contracts.Practices.V1;
using Platform.Messaging.Inbox;
using ContractBasis = Platform.Contracts.Practices.V1.PopulationBasis;

namespace Finance.Api.Application;

/// <summary>
/// Keeps Finance's copy of the registry's populations up to date. Each registry event carries the state of every PCN
/// it touched, as at the date it takes effect; Finance records it, recomputes those PCNs and publishes their new
/// allocations, all in the inbox transaction, so a redelivered event changes nothing twice.
/// </summary>
public sealed class RegistryEventApplier(AllocationRecalculation recalculation)
{
    public async Task ApplyAsync(NpgsqlTransaction transaction, IReadOnlyList<PcnSnapshot> affected, AllocationChangeReason reason, Guid? messageId, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(transaction.Connection, transaction);
        foreach (var snapshot in affected)
            FinanceStore.AddEventSnapshot(batch, ToPopulation(snapshot));
        if (batch.BatchCommands.Count > 0)
            await batch.ExecuteNonQueryAsync(cancellationToken);

        await recalculation.PublishAsync(transaction, reason, messageId, affected.Select(snapshot => snapshot.PcnId).ToHashSet(), years: null, cancellationToken);
    }

    public static PcnPopulation ToPopulation(PcnSnapshot snapshot) => new(
        snapshot.PcnId,
        snapshot.CcgId,
        snapshot.AsAt,
        snapshot.Population,
        snapshot.PopulationBasis == ContractBasis.Computed ? snapshot.ComputedWeightedPatients : null,
        snapshot.PopulationBasis == ContractBasis.Stated ? PopulationSource.Stated : PopulationSource.Computed);
}

public sealed class PracticeTransferredConsumer(NpgsqlDataSource dataSource, RegistryEventApplier applier) : InboxConsumer<PracticeTransferred>(dataSource)
{
    protected override Task HandleAsync(PracticeTransferred message, NpgsqlTransaction transaction, ConsumeContext<PracticeTransferred> context) =>
        applier.ApplyAsync(transaction, message.AffectedPcns, AllocationChangeReason.PracticeTransferred, context.MessageId, context.CancellationToken);
}

public sealed class ListSizeRecordedConsumer(NpgsqlDataSource dataSource, RegistryEventApplier applier) : InboxConsumer<ListSizeRecorded>(dataSource)
{
    protected override Task HandleAsync(ListSizeRecorded message, NpgsqlTransaction transaction, ConsumeContext<ListSizeRecorded> context) =>
        applier.ApplyAsync(transaction, message.AffectedPcns, AllocationChangeReason.ListSizeRecorded, context.MessageId, context.CancellationToken);
}

public sealed class PracticesMergedConsumer(NpgsqlDataSource dataSource, RegistryEventApplier applier) : InboxConsumer<PracticesMerged>(dataSource)
{
    protected override Task HandleAsync(PracticesMerged message, NpgsqlTransaction transaction, ConsumeContext<PracticesMerged> context) =>
        applier.ApplyAsync(transaction, message.AffectedPcns, AllocationChangeReason.PracticesMerged, context.MessageId, context.CancellationToken);
}
