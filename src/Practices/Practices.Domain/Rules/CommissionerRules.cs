using Platform.Domain.Errors;
using Practices.Domain.Model;

namespace Practices.Domain.Rules;

/// <summary>
/// LLR's PCNs "offer 100% coverage of LLR practices and are situated within local authority boundaries" (the Primary
/// Care Strategy, 004:325-327): a PCN holds only practices its own CCG commissions. So a transfer or merge that would
/// put a practice's patients in a PCN of another CCG is refused; the practice's commissioner is never changed as a
/// side effect of moving it.
/// </summary>
public static class CommissionerRules
{
    public const string Rule = "PCN_WITHIN_COMMISSIONER_BOUNDARY";

    public static Ccg? CommissionerOn(IEnumerable<Commission> commissions, DateOnly date) =>
        commissions.SingleOrDefault(commission => commission.Covers(date))?.Ccg;

    /// <summary>Refuses putting <paramref name="practice"/>'s patients in <paramref name="pcn"/> from <paramref name="date"/>.</summary>
    public static void EnsureWithinBoundary(Practice practice, IEnumerable<Commission> commissions, Pcn pcn, DateOnly date)
    {
        var commissioner = CommissionerOn(commissions, date);
        if (commissioner == pcn.Ccg) return;
        var whose = commissioner is { } ccg ? $"commissioned by {ccg.ToId()}" : "commissioned by no CCG the registry knows";
        throw new RuleViolationException(Rule, $"practices/{practice.Id}",
            $"Practice {practice.Id} is {whose} on {date:yyyy-MM-dd}, and pcns/{pcn.Id} belongs to {pcn.Ccg.ToId()}: "
            + "LLR's PCNs sit within their commissioners' boundaries (004:325-327).");
    }
}
