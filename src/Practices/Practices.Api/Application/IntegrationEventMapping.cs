using Platform.Contracts.Practices.V1;
using Practices.Domain.Model;
using Practices.Domain.Rules;
using ContractBasis = Platform.Contracts.Practices.V1.PopulationBasis;
using ContractMemberSize = Platform.Contracts.Practices.V1.PcnMemberSize;

namespace Practices.Api.Application;

internal static class IntegrationEventMapping
{
    public static PcnSnapshot ToSnapshot(PcnPopulation population) => new(
        population.Pcn.Id,
        population.Pcn.Ccg.ToId(),
        population.AsAt,
        population.Members
            .Select(member => new ContractMemberSize(member.Practice.Id, member.LatestSize?.RegisteredPatients, member.LatestSize?.WeightedPatients))
            .ToList(),
        population.StatedTotal,
        population.ComputedRegistered,
        population.ComputedWeighted,
        population.Population,
        population.Basis switch
        {
            Practices.Domain.Rules.PopulationBasis.Computed => ContractBasis.Computed,
            Practices.Domain.Rules.PopulationBasis.Stated => ContractBasis.Stated,
        },
        population.Pcn.Version);

    /// <summary>Whether two snapshots of a PCN describe the same state, whatever their dates.</summary>
    public static bool SameState(PcnSnapshot first, PcnSnapshot second) =>
        first.PcnId == second.PcnId
        && first.CcgId == second.CcgId
        && first.Population == second.Population
        && first.PopulationBasis == second.PopulationBasis
        && first.StatedPopulation == second.StatedPopulation
        && first.ComputedRegisteredPatients == second.ComputedRegisteredPatients
        && first.ComputedWeightedPatients == second.ComputedWeightedPatients
        && first.Members.SequenceEqual(second.Members);
}
