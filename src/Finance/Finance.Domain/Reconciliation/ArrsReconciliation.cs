using Finance.Domain.Arrs;
using Finance.Domain.Model;

namespace Finance.Domain.Reconciliation;

/// <summary>
/// The Additional Roles table reproduced: funding per 50,000-patient network × LLR population / 50,000 against the
/// published LLR total. The per-network figure is printed rounded, so a match is judged on it: the figure the
/// published total implies (total × 50,000 / population) must round to the printed one, to the pound.
/// </summary>
public sealed record ArrsReconciliation(
    ArrsYearFunding Funding,
    decimal Computed,
    decimal ImpliedFundingPerNetwork,
    bool WithinRounding,
    long RegistryPopulation,
    decimal RegistryEntitlement,
    string Explanation)
{
    public decimal Difference => Computed - Funding.TotalLlrFunding;

    public decimal RegistryDifference => RegistryEntitlement - Funding.TotalLlrFunding;

    public static ArrsReconciliation Build(ArrsYearFunding funding, ArrsScheme scheme, IReadOnlyList<PcnPopulation> pcns)
    {
        var computed = ArrsEntitlementCalculator.Entitlement(funding.FundingPerNetwork, funding.LlrPopulation, scheme.NetworkPatients);
        var implied = funding.TotalLlrFunding * scheme.NetworkPatients / funding.LlrPopulation;
        var withinRounding = Math.Round(implied, 0, MidpointRounding.AwayFromZero) == funding.FundingPerNetwork;
        var registryPopulation = pcns.Sum(pcn => pcn.For(PatientBasis.Weighted).Patients);
        var registryEntitlement = ArrsEntitlementCalculator.Entitlement(funding.FundingPerNetwork, registryPopulation, scheme.NetworkPatients);
        var extra = registryPopulation - funding.LlrPopulation;
        var explanation =
            $"The document's LLR population is {funding.LlrPopulation:N0}; the registry's {pcns.Count} PCNs hold {registryPopulation:N0} " +
            $"({Math.Abs(extra):N0} {(extra >= 0 ? "more" : "fewer")}), worth {Money.Format(Money.ToPenny(extra * funding.FundingPerNetwork / scheme.NetworkPatients))} " +
            $"at {Money.Format(funding.FundingPerNetwork)} per {scheme.NetworkPatients:N0} patients.";
        return new ArrsReconciliation(funding, computed, Money.ToPenny(implied), withinRounding, registryPopulation, registryEntitlement, explanation);
    }
}
