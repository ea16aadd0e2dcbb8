using Finance.Domain.Model;
using Platform.Domain.Errors;

namespace Finance.Domain.Arrs;

/// <summary>
/// A claim for staff in post: salary cost = annual salary cost of a whole-time post × FTE × months / 12; the scheme
/// reimburses its share of it (the PCN funds the rest). Both are rounded to the penny from the exact product.
/// </summary>
public sealed record ArrsClaim(
    Guid Id,
    string PcnId,
    FinancialYear Year,
    ArrsRole Role,
    decimal Fte,
    int Months,
    decimal AnnualSalaryCost,
    decimal ReimbursedShare,
    DateOnly CreatedOn)
{
    public decimal SalaryCost => Money.ToPenny(ExactSalaryCost);

    public decimal Reimbursed => Money.ToPenny(ExactSalaryCost * ReimbursedShare);

    private decimal ExactSalaryCost => AnnualSalaryCost * Fte * Months / 12m;
}

/// <summary>The claim as the caller asks for it, before the rules have looked at it.</summary>
public sealed record ArrsClaimRequest(FinancialYear Year, ArrsRole Role, decimal Fte, int Months, decimal AnnualSalaryCost);

/// <summary>What a claim must satisfy: its role is in the scheme that year, and the year's claims stay within the entitlement.</summary>
public static class ArrsClaimRules
{
    public const string RoleNotYetFunded = "ARRS_ROLE_NOT_YET_FUNDED";
    public const string EntitlementExceeded = "ARRS_ENTITLEMENT_EXCEEDED";

    public static ArrsClaim Accept(
        Guid id,
        ArrsClaimRequest request,
        ArrsEntitlement entitlement,
        ArrsScheme scheme,
        IReadOnlyList<ArrsRoleYear> schedule,
        DateOnly today)
    {
        // The caller checks input; these guard the rule itself against a caller that did not.
        if (request.Year != entitlement.Funding.Year)
            throw new ArgumentException($"A {request.Year} claim was checked against the {entitlement.Funding.Year} entitlement.", nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Fte, nameof(request.Fte));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.AnnualSalaryCost, nameof(request.AnnualSalaryCost));
        if (request.Months is < 1 or > 12)
            throw new ArgumentOutOfRangeException(nameof(request.Months), request.Months, "Months in post in a year run from 1 to 12.");

        var subject = $"pcns/{entitlement.PcnId}/arrsEntitlements/{request.Year}";
        var firstYear = schedule.Where(entry => entry.Role == request.Role).Select(entry => (FinancialYear?)entry.FirstYear).FirstOrDefault();
        if (firstYear is null || request.Year.CompareTo(firstYear.Value) < 0)
            throw new RuleViolationException(RoleNotYetFunded, subject,
                $"The scheme funds {request.Role.ToId()} from {firstYear?.ToString() ?? "no year"}, not in {request.Year}.");

        var claim = new ArrsClaim(id, entitlement.PcnId, request.Year, request.Role, request.Fte, request.Months, request.AnnualSalaryCost, scheme.ReimbursedShare, today);
        if (claim.Reimbursed > entitlement.Remaining)
            throw new RuleViolationException(EntitlementExceeded, subject,
                $"The claim would reimburse {Money.Format(claim.Reimbursed)} but only {Money.Format(Math.Max(entitlement.Remaining, 0m))} of the " +
                $"{Money.Format(entitlement.Amount)} {request.Year} entitlement remains ({Money.Format(entitlement.Claimed)} already claimed); unspent entitlement does not carry forward.");
        return claim;
    }
}
