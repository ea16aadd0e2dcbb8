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
    /// The PCNs whose figures on or after <paramref name="from"/> depend on a practice's list size or membership: those
    /// it belongs to on any date from then, and the one it founded (a founder's size counts in its first PCN's population
    /// even after it leaves; see <see cref="PcnPopulation"/>).
    /// </summary>
    public static IReadOnlyList<string> PcnsCounting(IEnumerable<Membership> history, IReadOnlyDictionary<string, Pcn> pcns, DateOnly from) => history
        .Where(membership => membership.To is not { } to || to >= from || membership.Covers(pcns[membership.PcnId].StartedOn))
        .Select(membership => membership.PcnId)
        .Distinct()
        .ToList();

    /// <summary>
    /// Moves a practice to <paramref name="targetPcnId"/> from <paramref name="effectiveFrom"/>: the membership covering
    /// that date ends the day before, a new one starts on it. Refused (FAILED_PRECONDITION) when the practice is
    /// closed then, is already a member of the target then, or has membership changes on or after the date — a
    /// transfer may extend history but never rewrite it — and when the target did not exist yet or belongs to another
    /// CCG than the practice's commissioner on the date.
    /// </summary>
    public static TransferPlan PlanTransfer(
        Practice practice, IReadOnlyList<Membership> history, IReadOnlyList<Commission> commissions, Pcn target, DateOnly effectiveFrom)
    {
        var targetPcnId = target.Id;
        PracticeChecks.EnsureOpenOn(practice, effectiveFrom, "it cannot move PCN on");
        PracticeChecks.EnsureAppendOnly(practice, history, effectiveFrom, later =>
            $"Practice {practice.Id}'s membership changes on {later:yyyy-MM-dd}; a transfer must take effect after its latest change.");
        if (!target.ExistsOn(effectiveFrom))
            throw new RuleViolationException("PCN_NOT_STARTED", $"pcns/{target.Id}",
                $"pcns/{target.Id} began on {target.StartedOn:yyyy-MM-dd}; no practice can join it on {effectiveFrom:yyyy-MM-dd}.");
        CommissionerRules.EnsureWithinBoundary(practice, commissions, target, effectiveFrom);

        var current = MembershipOn(history, effectiveFrom);
        if (current?.PcnId == targetPcnId)
            throw new RuleViolationException("ALREADY_A_MEMBER", $"practices/{practice.Id}",
                $"Practice {practice.Id} is already a member of pcns/{targetPcnId} on {effectiveFrom:yyyy-MM-dd}.");

        var ended = current is null ? null : current with { To = effectiveFrom.AddDays(-1) };
        return new TransferPlan(ended, new Membership(practice.Id, targetPcnId, effectiveFrom, To: null, MembershipReason.Transfer));
    }
}
