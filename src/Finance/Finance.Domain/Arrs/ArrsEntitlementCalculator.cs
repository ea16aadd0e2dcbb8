using Finance.Domain.Model;

namespace Finance.Domain.Arrs;

/// <summary>
/// A PCN's Additional Roles entitlement for a year = funding per typical network × the PCN's list / the typical
/// network's list (50,000), on the weighted list where known, else the registered list; rounded to the penny.
/// </summary>
public static class ArrsEntitlementCalculator
{
    public static decimal Entitlement(decimal fundingPerNetwork, long patients, long networkPatients) =>
        Money.ToPenny(fundingPerNetwork * patients / networkPatients);

    public static ArrsEntitlement For(
        PcnPopulation population, ArrsYearFunding funding, ArrsScheme scheme, IReadOnlyList<ArrsClaim> yearClaims, IReadOnlyList<ArrsRoleYear>? schedule = null)
    {
        var (patients, basisUsed) = population.For(PatientBasis.Weighted);
        return new ArrsEntitlement(
            population.PcnId,
            funding,
            scheme.NetworkPatients,
            patients,
            basisUsed,
            population.Source,
            Entitlement(funding.FundingPerNetwork, patients, scheme.NetworkPatients),
            yearClaims.Sum(claim => claim.Reimbursed),
            yearClaims.Count,
            (schedule ?? []).Where(role => role.Year == funding.Year).ToList());
    }
}

/// <summary>What a PCN may claim in a year, what it has claimed, and what remains (unspent entitlement lapses at year end).</summary>
public sealed record ArrsEntitlement(
    string PcnId,
    ArrsYearFunding Funding,
    long NetworkPatients,
    long Population,
    PatientBasis BasisUsed,
    PopulationSource PopulationSource,
    decimal Amount,
    decimal Claimed,
    int ClaimCount,
    IReadOnlyList<ArrsRoleYear> TypicalStaffing)
{
    public decimal Remaining => Amount - Claimed;
}
