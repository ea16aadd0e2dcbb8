using Npgsql;
using Platform.Contracts.Practices.V1;
using Platform.Domain.Errors;
using Platform.Messaging.Outbox;
using Practices.Api.Infrastructure;
using Practices.Domain.Model;
using Practices.Domain.Rules;

namespace Practices.Api.Application;

/// <summary>
/// The registry's writes. Each runs inside the caller's transaction: read, let the domain rules decide, write, and put
/// the integration event in the outbox — so the change and its event commit together or not at all.
/// </summary>
public sealed class RegistryCommands(IOutbox outbox, TimeProvider clock)
{
    public async Task<(PracticeView Practice, IReadOnlyList<Membership> History)> TransferAsync(
        NpgsqlTransaction transaction, TransferPractice command, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var practice = await LoadPracticeAsync(transaction, command.PracticeId, cancellationToken);
        if (command.ETag is { } etag && etag != practice.ETag)
            throw new ConcurrencyConflictException($"Practice {practice.Id} changed since it was read (etag {Quoted.Input(etag)}, now {practice.ETag}); read it again.");

        var pcns = await RegistryStore.LoadPcnsAsync(connection, transaction, cancellationToken);
        var target = pcns.GetValueOrDefault(command.TargetPcnId) ?? throw RegistryQueries.PcnNotFound(command.TargetPcnId);
        var history = await RegistryStore.LoadMembershipsAsync(connection, transaction, [practice.Id], null, cancellationToken);
        var commissions = await RegistryStore.LoadCommissionsAsync(connection, transaction, [practice.Id], null, cancellationToken);
        var plan = MembershipRules.PlanTransfer(practice, history, commissions, target, command.EffectiveFrom);

        await ClaimAsync(transaction, practice, cancellationToken);
        string?[] affected = [plan.FromPcnId, plan.Started.PcnId];
        await RegistryStore.LockPcnsAsync(transaction, affected.OfType<string>(), cancellationToken);
        if (plan.Ended is { } ended) await RegistryStore.EndMembershipAsync(transaction, ended, cancellationToken);
        await RegistryStore.InsertMembershipAsync(transaction, plan.Started, cancellationToken);

        var after = await RegistryView.LoadAsync(connection, transaction, command.EffectiveFrom, cancellationToken);
        await outbox.EnqueueAsync(transaction, new PracticeTransferred(
            practice.Id, practice.OdsCode, plan.FromPcnId, plan.Started.PcnId, command.EffectiveFrom,
            Snapshots(after, affected), clock.GetUtcNow(),
            await TimelineAsync(transaction, after, affected, cancellationToken)), cancellationToken);

        return (after.ViewOf(after.Practices[practice.Id]), plan.ApplyTo(history));
    }

    public async Task<ListSizeSnapshot> RecordListSizeAsync(NpgsqlTransaction transaction, RecordListSize command, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var practice = await LoadPracticeAsync(transaction, command.PracticeId, cancellationToken);
        ListSizeRules.EnsureCanRecord(practice, command.AsAt);

        var snapshot = new ListSizeSnapshot(practice.Id, command.AsAt, command.RegisteredPatients, command.WeightedPatients, Source: null);
        await ClaimAsync(transaction, practice, cancellationToken);
        // The size counts from its date until the practice's next one, in whichever PCNs it belongs to meanwhile
        // (including one it joins only after the size's date), and in the PCN it founded.
        var pcns = await RegistryStore.LoadPcnsAsync(connection, transaction, cancellationToken);
        var history = await RegistryStore.LoadMembershipsAsync(connection, transaction, [practice.Id], null, cancellationToken);
        var touched = MembershipRules.PcnsCounting(history, pcns, command.AsAt);
        await RegistryStore.LockPcnsAsync(transaction, touched, cancellationToken);
        await RegistryStore.UpsertListSizeAsync(transaction, snapshot, cancellationToken);

        var after = await RegistryView.LoadAsync(connection, transaction, command.AsAt, cancellationToken);
        await outbox.EnqueueAsync(transaction, new ListSizeRecorded(
            practice.Id, practice.OdsCode, command.AsAt, command.RegisteredPatients, command.WeightedPatients,
            Snapshots(after, after.ViewOf(practice).Pcn?.Id), clock.GetUtcNow(),
            await TimelineAsync(transaction, after, touched, cancellationToken)), cancellationToken);
        return snapshot;
    }

    public async Task<(PracticeView Successor, IReadOnlyList<PracticeView> Closed)> MergeAsync(
        NpgsqlTransaction transaction, MergePractices command, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var ids = command.PredecessorIds.Prepend(command.SuccessorId).ToList();

        // The registry on the last day before the merge: the practices as they stand, and the lists that will be merged.
        var lastDay = command.EffectiveFrom.AddDays(-1);
        var before = await RegistryView.LoadAsync(connection, transaction, lastDay, cancellationToken);
        var practices = before.Practices;
        if (ids.FirstOrDefault(id => !practices.ContainsKey(id)) is { } missing) throw RegistryQueries.PracticeNotFound(missing);

        var histories = GroupByPractice(await RegistryStore.LoadMembershipsAsync(connection, transaction, ids, null, cancellationToken), ids,
            membership => membership.PracticeId);
        var commissions = GroupByPractice(await RegistryStore.LoadCommissionsAsync(connection, transaction, ids, null, cancellationToken), ids,
            commission => commission.PracticeId);

        var plan = MergeRules.Plan(
            practices[command.SuccessorId],
            command.PredecessorIds.Select(id => practices[id]).ToList(),
            histories,
            commissions,
            before.Pcns,
            GroupByPractice(await RegistryStore.LoadListSizeHistoriesAsync(connection, transaction, ids, cancellationToken), ids, size => size.PracticeId),
            command.EffectiveFrom);

        // Claim in id order so two merges over the same practices cannot deadlock.
        foreach (var practice in ids.Order(StringComparer.Ordinal).Select(id => practices[id]))
            await ClaimAsync(transaction, practice, cancellationToken);
        var touched = ids.SelectMany(id => MembershipRules.PcnsCounting(histories[id], before.Pcns, lastDay)).Distinct().ToList();
        await RegistryStore.LockPcnsAsync(transaction, touched, cancellationToken);
        foreach (var closed in plan.ClosedPredecessors) await RegistryStore.ClosePracticeAsync(transaction, closed, cancellationToken);
        foreach (var ended in plan.EndedMemberships) await RegistryStore.EndMembershipAsync(transaction, ended, cancellationToken);
        if (plan.SuccessorListSize is { } merged) await RegistryStore.UpsertListSizeAsync(transaction, merged, cancellationToken);

        var after = await RegistryView.LoadAsync(connection, transaction, command.EffectiveFrom, cancellationToken);
        var affected = ids.Select(id => before.ViewOf(before.Practices[id]).Pcn?.Id).Append(after.ViewOf(after.Practices[command.SuccessorId]).Pcn?.Id).ToArray();
        await outbox.EnqueueAsync(transaction, new PracticesMerged(
            command.SuccessorId, practices[command.SuccessorId].OdsCode, command.PredecessorIds, command.EffectiveFrom,
            Snapshots(after, affected), clock.GetUtcNow(),
            await TimelineAsync(transaction, after, touched, cancellationToken)), cancellationToken);

        return (after.ViewOf(after.Practices[command.SuccessorId]), command.PredecessorIds.Select(id => after.ViewOf(after.Practices[id])).ToList());
    }

    private static Dictionary<string, IReadOnlyList<T>> GroupByPractice<T>(IEnumerable<T> rows, IEnumerable<string> ids, Func<T, string> practiceId)
    {
        var groups = rows.GroupBy(practiceId).ToDictionary(group => group.Key, group => (IReadOnlyList<T>)group.ToList());
        foreach (var id in ids) groups.TryAdd(id, []);
        return groups;
    }

    private static async Task<Practice> LoadPracticeAsync(NpgsqlTransaction transaction, string practiceId, CancellationToken cancellationToken)
    {
        var practices = await RegistryStore.LoadPracticesAsync(transaction.Connection!, transaction, [practiceId], cancellationToken);
        return practices.GetValueOrDefault(practiceId) ?? throw RegistryQueries.PracticeNotFound(practiceId);
    }

    private static async Task ClaimAsync(NpgsqlTransaction transaction, Practice practice, CancellationToken cancellationToken)
    {
        if (!await RegistryStore.TryBumpVersionAsync(transaction, practice, cancellationToken))
            throw new ConcurrencyConflictException($"Practice {practice.Id} was changed by a concurrent write; read it again and retry.");
    }

    /// <summary>
    /// Each touched PCN from the date of <paramref name="after"/> (the registry after the write, as at the date it takes
    /// effect) on: its state on that date and on every later date its members or their sizes change (unchanged states
    /// are left out).
    /// </summary>
    private static async Task<IReadOnlyList<PcnSnapshot>> TimelineAsync(
        NpgsqlTransaction transaction, RegistryView after, IReadOnlyCollection<string?> pcnIds, CancellationToken cancellationToken)
    {
        var ids = pcnIds.OfType<string>().Distinct().ToList();
        var days = await RegistryStore.LoadChangeDatesAsync(transaction.Connection!, transaction, after.AsAt, cancellationToken);
        var timeline = new List<PcnSnapshot>();
        var latest = new Dictionary<string, PcnSnapshot>();
        foreach (var day in days.Prepend(after.AsAt))
        {
            // Nothing is written while the timeline is built, so each later day needs only its memberships and sizes.
            var view = day == after.AsAt ? after : await after.AtAsync(transaction.Connection!, transaction, day, cancellationToken);
            foreach (var id in ids)
            {
                var snapshot = IntegrationEventMapping.ToSnapshot(view.PopulationOf(view.Pcns[id]));
                if (latest.TryGetValue(id, out var previous) && IntegrationEventMapping.SameState(previous, snapshot)) continue;
                latest[id] = snapshot;
                timeline.Add(snapshot);
            }
        }
        return timeline;
    }

    /// <summary>The state of each touched PCN after the change, so consumers can recompute without calling back.</summary>
    private static IReadOnlyList<PcnSnapshot> Snapshots(RegistryView view, params string?[] pcnIds) => pcnIds
        .OfType<string>()
        .Distinct()
        .Select(id => IntegrationEventMapping.ToSnapshot(view.PopulationOf(view.Pcns[id])))
        .ToList();
}
