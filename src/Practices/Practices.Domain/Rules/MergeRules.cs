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
        IReadOnlyDictionary<string, ListSizeSnapshot?> latestSizes,
        DateOnly effectiveFrom)
    {
        foreach (var practice in predecessors.Prepend(successor))
            PracticeChecks.EnsureOpenOn(practice, effectiveFrom, "it cannot take part in a merge on");

        if (MembershipRules.MembershipOn(histories[successor.Id], effectiveFrom) is null)
            throw new RuleViolationException("SUCCESSOR_NOT_IN_A_PCN", $"practices/{successor.Id}",
                $"Successor {successor.Id} belongs to no PCN on {effectiveFrom:yyyy-MM-dd}, so the merged list would belong to none.");

        var lastDay = effectiveFrom.AddDays(-1);
        var ended = new List<Membership>();
        foreach (var predecessor in predecessors)
        {
            var history = histories[predecessor.Id];
            PracticeChecks.EnsureAppendOnly(predecessor, history, effectiveFrom, later =>
                $"Practice {predecessor.Id} has a membership from {later.From:yyyy-MM-dd}; a merge must take effect after its latest change.");
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
    /// The successor's list on the merge date is the sum of every merging practice's latest list — but only when all
    /// of them are known: a partial sum would be a made-up figure, so then no snapshot is recorded.
    /// </summary>
    private static ListSizeSnapshot? MergedListSize(
        Practice successor, IReadOnlyList<Practice> predecessors, IReadOnlyDictionary<string, ListSizeSnapshot?> latestSizes, DateOnly effectiveFrom)
    {
        var sizes = predecessors.Prepend(successor).Select(practice => latestSizes.GetValueOrDefault(practice.Id)).ToList();
        if (sizes.Any(size => size is null)) return null;

        var weighted = sizes.All(size => size!.WeightedPatients is not null) ? sizes.Sum(size => size!.WeightedPatients!.Value) : (long?)null;
        return new ListSizeSnapshot(
            successor.Id,
            effectiveFrom,
            sizes.Sum(size => size!.RegisteredPatients),
            weighted,
            $"merge of {string.Join(", ", predecessors.Prepend(successor).Select(practice => practice.Id))}");
    }
}
