using Platform.Domain.Errors;
using Practices.Domain.Model;

namespace Practices.Domain.Rules;

/// <summary>What a merge changes: predecessors close, their memberships end, and the successor's list grows.</summary>
public sealed record MergePlan(
    Practice Successor,
    IReadOnlyList<Practice> ClosedPredecessors,
    IReadOnlyList<Membership> EndedMemberships,
    ListSizeSnapshot? SuccessorListSize);

/// <summary>
/// Merging practices: the successor keeps its id and code and takes over the predecessors' patients; each predecessor
/// closes on the merge date (its last day is the day before) with its history kept.
/// </summary>
public static class MergeRules
{
    public static MergePlan Plan(
        Practice successor,
        IReadOnlyList<Practice> predecessors,
        IReadOnlyDictionary<string, IReadOnlyList<Membership>> histories,
        IReadOnlyDictionary<string, IReadOnlyList<Commission>> commissions,
        IReadOnlyDictionary<string, Pcn> pcns,
        IReadOnlyDictionary<string, IReadOnlyList<ListSizeSnapshot>> sizeHistories,
        DateOnly effectiveFrom)
    {
        foreach (var practice in predecessors.Prepend(successor))
            PracticeChecks.EnsureOpenOn(practice, effectiveFrom, "it cannot take part in a merge on");

        if (MembershipRules.MembershipOn(histories[successor.Id], effectiveFrom) is null)
            throw new RuleViolationException("SUCCESSOR_NOT_IN_A_PCN", $"practices/{successor.Id}",
                $"Successor {successor.Id} belongs to no PCN on {effectiveFrom:yyyy-MM-dd}, so the merged list would belong to none.");

        // The predecessors' patients join the successor's PCN: it must be one their own commissioner's PCNs.
        var successorPcn = pcns[MembershipRules.MembershipOn(histories[successor.Id], effectiveFrom)!.PcnId];
        foreach (var practice in predecessors.Prepend(successor))
            CommissionerRules.EnsureWithinBoundary(practice, commissions[practice.Id], successorPcn, effectiveFrom);

        // The merged list is the sum of the lists on the last day before; a size already recorded from the merge date
        // on was taken without the merge, and would silently undo it (and move patients out of LLR's total).
        foreach (var practice in predecessors.Prepend(successor))
            if (sizeHistories[practice.Id].FirstOrDefault(size => size.AsAt >= effectiveFrom) is { } later)
                throw new RuleViolationException("HISTORY_IS_APPEND_ONLY", $"practices/{practice.Id}",
                    $"Practice {practice.Id} has a list size as at {later.AsAt:yyyy-MM-dd}; a merge must take effect after its latest change.");

        var lastDay = effectiveFrom.AddDays(-1);
        var latestSizes = sizeHistories.ToDictionary(pair => pair.Key, pair => ListSizeRules.LatestOn(pair.Value, lastDay));
        var ended = new List<Membership>();
        foreach (var predecessor in predecessors)
        {
            var history = histories[predecessor.Id];
            PracticeChecks.EnsureAppendOnly(predecessor, history, effectiveFrom, later =>
                $"Practice {predecessor.Id}'s membership changes on {later:yyyy-MM-dd}; a merge must take effect after its latest change.");
            if (MembershipRules.MembershipOn(history, effectiveFrom) is { } current)
                ended.Add(current with { To = lastDay });
        }

        return new MergePlan(
            successor,
            predecessors.Select(predecessor => predecessor with { ClosedOn = effectiveFrom, SuccessorId = successor.Id }).ToList(),
            ended,
            MergedListSize(successor, predecessors, latestSizes, effectiveFrom));
    }

    /// <summary>
    /// The successor's list on the merge date is the sum of every merging practice's latest list when all of them are
    /// known; when none is, no snapshot is recorded (and no PCN's population moves: none counted them). When only some
    /// are known the merge is refused: a partial sum would be a made-up figure, and without one the known practices'
    /// patients would vanish from every PCN's population.
    /// </summary>
    private static ListSizeSnapshot? MergedListSize(
        Practice successor, IReadOnlyList<Practice> predecessors, IReadOnlyDictionary<string, ListSizeSnapshot?> latestSizes, DateOnly effectiveFrom)
    {
        var sizes = predecessors.Prepend(successor).Select(practice => latestSizes.GetValueOrDefault(practice.Id)).ToList();
        if (sizes.All(size => size is null)) return null;
        if (sizes.Any(size => size is null))
        {
            var unknown = predecessors.Prepend(successor).Where(practice => latestSizes.GetValueOrDefault(practice.Id) is null).Select(practice => practice.Id);
            throw new RuleViolationException("MERGED_LIST_SIZE_UNKNOWN", $"practices/{successor.Id}",
                $"No list size is known for {string.Join(", ", unknown)} on {effectiveFrom.AddDays(-1):yyyy-MM-dd}, so the merged list cannot be "
                + "summed and the known practices' patients would leave every PCN's population; record their list sizes first.");
        }

        var weighted = sizes.All(size => size!.WeightedPatients is not null) ? sizes.Sum(size => size!.WeightedPatients!.Value) : (long?)null;
        return new ListSizeSnapshot(
            successor.Id,
            effectiveFrom,
            sizes.Sum(size => size!.RegisteredPatients),
            weighted,
            $"merge of {string.Join(", ", predecessors.Prepend(successor).Select(practice => practice.Id))}");
    }
}
