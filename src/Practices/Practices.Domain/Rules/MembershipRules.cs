using Platform.Domain.Errors;
using Practices.Domain.Model;

namespace Practices.Domain.Rules;

/// <summary>The memberships a transfer ends and starts.</summary>
public sealed record TransferPlan(Membership? Ended, Membership Started)
{
    public string? FromPcnId => Ended?.PcnId;

    /// <summary>The practice's history once the plan is carried out: the ended membership closed, the new one appended.</summary>
    public IReadOnlyList<Membership> ApplyTo(IReadOnlyList<Membership> history) => history
        .Select(membership => Ended is { } ended && membership.From == ended.From ? ended : membership)
        .Append(Started)
        .ToList();
}

/// <summary>
/// Rules of effective-dated membership: one PCN per practice on any date, history never rewritten, only extended.
/// </summary>
public static class MembershipRules
{
    public static Membership? MembershipOn(IEnumerable<Membership> history, DateOnly date) =>
        history.SingleOrDefault(membership => membership.Covers(date));

    /// <summary>
    /// Moves a practice to <paramref name="targetPcnId"/> from <paramref name="effectiveFrom"/>: the membership covering
    /// that date ends the day before, a new one starts on it. Refused (FAILED_PRECONDITION) when the practice is
    /// closed then, is already a member of the target then, or has membership changes on or after the date — a
    /// transfer may extend history but never rewrite it.
    /// </summary>
    public static TransferPlan PlanTransfer(Practice practice, IReadOnlyList<Membership> history, string targetPcnId, DateOnly effectiveFrom)
    {
        PracticeChecks.EnsureOpenOn(practice, effectiveFrom, "it cannot move PCN on");
        PracticeChecks.EnsureAppendOnly(practice, history, effectiveFrom, later =>
            $"Practice {practice.Id} already has a membership from {later.From:yyyy-MM-dd}; a transfer must take effect after its latest change.");

        var current = MembershipOn(history, effectiveFrom);
        if (current?.PcnId == targetPcnId)
            throw new RuleViolationException("ALREADY_A_MEMBER", $"practices/{practice.Id}",
                $"Practice {practice.Id} is already a member of pcns/{targetPcnId} on {effectiveFrom:yyyy-MM-dd}.");

        var ended = current is null ? null : current with { To = effectiveFrom.AddDays(-1) };
        return new TransferPlan(ended, new Membership(practice.Id, targetPcnId, effectiveFrom, To: null, MembershipReason.Transfer));
    }
}
