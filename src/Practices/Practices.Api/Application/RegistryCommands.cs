using Platform.Contracts.Practices.V1;
using Platform.Data;
using Platform.Domain.Errors;
using Platform.Messaging.Outbox;
using Practices.Api.Infrastructure;
using Practices.Domain.Model;
using Practices.Domain.Rules;

namespace Practices.Api.Application;

/// <summary>
/// The registry's writes. Each runs in the caller's unit of work: read, let the domain rules decide, write, and put
/// the integration event in the outbox — so the change and its event commit together or not at all.
/// </summary>
public sealed class RegistryCommands(RegistryStore store, IOutbox outbox, TimeProvider clock)
{
    public async Task<(PracticeView Practice, IReadOnlyList<Membership> History)> TransferAsync(
        UnitOfWork work, TransferPractice command, CancellationToken cancellationToken)
    {
        var (found, pcns, history, commissions) = await store.LoadPracticeRecordAsync(work, command.PracticeId, cancellationToken);
        var practice = found ?? throw RegistryQueries.PracticeNotFound(command.PracticeId);
        if (command.ETag is { } etag && etag != practice.ETag)
            throw new ConcurrencyConflictException($"Practice {practice.Id} changed since it was read (etag {Quoted.Input(etag)}, now {practice.ETag}); read it again.");

        var target = pcns.GetValueOrDefault(command.TargetPcnId) ?? throw RegistryQueries.PcnNotFound(command.TargetPcnId);
        var plan = MembershipRules.PlanTransfer(practice, history, commissions, target, command.EffectiveFrom);

        await ClaimAsync(work, practice, cancellationToken);
        string?[] affected = [plan.FromPcnId, plan.Started.PcnId];
        var touched = affected.OfType<string>().Distinct().ToList();
        // The practice belongs to the PCN it joins, so the view of the touched PCNs answers for it too.
        var after = RegistryView.From(
            await store.MoveMembershipAsync(work, touched, plan.Ended, plan.Started, cancellationToken), command.EffectiveFrom);
        outbox.Enqueue(work, new PracticeTransferred(
            practice.Id, practice.OdsCode, plan.FromPcnId, plan.Started.PcnId, command.EffectiveFrom,
            Snapshots(after, affected), clock.GetUtcNow(),
            Timeline(after, affected)));

        return (after.ViewOf(after.Practices[practice.Id]), plan.ApplyTo(history));
    }

    public async Task<ListSizeSnapshot> RecordListSizeAsync(UnitOfWork work, RecordListSize command, CancellationToken cancellationToken)
    {
        var (found, pcns, history, _) = await store.LoadPracticeRecordAsync(work, command.PracticeId, cancellationToken);
        var practice = found ?? throw RegistryQueries.PracticeNotFound(command.PracticeId);
        ListSizeRules.EnsureCanRecord(practice, command.AsAt);

        var snapshot = new ListSizeSnapshot(practice.Id, command.AsAt, command.RegisteredPatients, command.WeightedPatients, Source: null);
        await ClaimAsync(work, practice, cancellationToken);
        // The size counts from its date until the practice's next one, in whichever PCNs it belongs to meanwhile
        // (including one it joins only after the size's date), and in the PCN it founded.
        var touched = MembershipRules.PcnsCounting(history, pcns, command.AsAt);
        // Its PCN on the date is one of those it counts in, so the view of the touched PCNs answers for it too.
        var after = RegistryView.From(await store.RecordListSizeAsync(work, touched, snapshot, cancellationToken), command.AsAt);
        outbox.Enqueue(work, new ListSizeRecorded(
            practice.Id, practice.OdsCode, command.AsAt, command.RegisteredPatients, command.WeightedPatients,
            Snapshots(after, after.ViewOf(practice).Pcn?.Id), clock.GetUtcNow(),
            Timeline(after, touched)));
        return snapshot;
    }

    public async Task<(PracticeView Successor, IReadOnlyList<PracticeView> Closed)> MergeAsync(
        UnitOfWork work, MergePractices command, CancellationToken cancellationToken)
    {
        var ids = command.PredecessorIds.Prepend(command.SuccessorId).ToList();

        // The registry on the last day before the merge: the practices as they stand, and the lists that will be merged.
        var lastDay = command.EffectiveFrom.AddDays(-1);
        var before = await RegistryView.LoadAsync(store, work, lastDay, cancellationToken);
        var practices = before.Practices;
        if (ids.FirstOrDefault(id => !practices.ContainsKey(id)) is { } missing) throw RegistryQueries.PracticeNotFound(missing);

        var histories = GroupByPractice(await store.LoadMembershipsAsync(work, ids, cancellationToken), ids,
            membership => membership.PracticeId);
        var commissions = GroupByPractice(await store.LoadCommissionsAsync(work, ids, cancellationToken), ids,
            commission => commission.PracticeId);

        var plan = MergeRules.Plan(
            practices[command.SuccessorId],
            command.PredecessorIds.Select(id => practices[id]).ToList(),
            histories,
            commissions,
            before.Pcns,
            GroupByPractice(await store.LoadListSizeHistoriesAsync(work, ids, cancellationToken), ids, size => size.PracticeId),
            command.EffectiveFrom);

        // Claim in id order so two merges over the same practices cannot deadlock.
        foreach (var practice in ids.Order(StringComparer.Ordinal).Select(id => practices[id]))
            await ClaimAsync(work, practice, cancellationToken);
        var touched = ids.SelectMany(id => MembershipRules.PcnsCounting(histories[id], before.Pcns, lastDay)).Distinct().ToList();
        await store.LockPcnsAsync(work, touched, cancellationToken);
        foreach (var closed in plan.ClosedPredecessors) await store.ClosePracticeAsync(work, closed, cancellationToken);
        foreach (var ended in plan.EndedMemberships) await store.EndMembershipAsync(work, ended, cancellationToken);
        if (plan.SuccessorListSize is { } merged) await store.UpsertListSizeAsync(work, merged, cancellationToken);

        var after = await RegistryView.LoadFromAsync(store, work, command.EffectiveFrom, cancellationToken);
        var affected = ids.Select(id => before.ViewOf(before.Practices[id]).Pcn?.Id).Append(after.ViewOf(after.Practices[command.SuccessorId]).Pcn?.Id).ToArray();
        outbox.Enqueue(work, new PracticesMerged(
            command.SuccessorId, practices[command.SuccessorId].OdsCode, command.PredecessorIds, command.EffectiveFrom,
            Snapshots(after, affected), clock.GetUtcNow(),
            Timeline(after, touched)));

        return (after.ViewOf(after.Practices[command.SuccessorId]), command.PredecessorIds.Select(id => after.ViewOf(after.Practices[id])).ToList());
    }

    private static Dictionary<string, IReadOnlyList<T>> GroupByPractice<T>(IEnumerable<T> rows, IEnumerable<string> ids, Func<T, string> practiceId)
    {
        var groups = rows.GroupBy(practiceId).ToDictionary(group => group.Key, group => (IReadOnlyList<T>)group.ToList());
        foreach (var id in ids) groups.TryAdd(id, []);
        return groups;
    }

    private async Task ClaimAsync(UnitOfWork work, Practice practice, CancellationToken cancellationToken)
    {
        if (!await store.TryBumpVersionAsync(work, practice, cancellationToken))
            throw new ConcurrencyConflictException($"Practice {practice.Id} was changed by a concurrent write; read it again and retry.");
    }

    /// <summary>
    /// Each touched PCN from the date of <paramref name="after"/> (the registry after the write, as at the date it takes
    /// effect, loaded with every later date's history) on: its state on that date and on every later date its members
    /// or their sizes change (unchanged states are left out). Computed from what was loaded: no round trip, however
    /// many later dates there are.
    /// </summary>
    private static IReadOnlyList<PcnSnapshot> Timeline(RegistryView after, IReadOnlyCollection<string?> pcnIds)
    {
        var ids = pcnIds.OfType<string>().Distinct().ToList();
        var timeline = new List<PcnSnapshot>();
        var latest = new Dictionary<string, PcnSnapshot>();
        foreach (var view in after.ChangeDatesAfter().Select(after.At).Prepend(after))
        {
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
