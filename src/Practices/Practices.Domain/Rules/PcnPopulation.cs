using Practices.Domain.Model;

namespace Practices.Domain.Rules;

public enum PopulationBasis
{
    /// <summary>Every member's list size is known: the population is their sum.</summary>
    Computed = 1,

    /// <summary>Some member's size is unknown: a partial sum would understate, so the stated total stands.</summary>
    Stated = 2,
}

/// <summary>A member practice with its latest list size on or before the as-at date, if one is known.</summary>
public sealed record PcnMemberSize(Practice Practice, Membership Membership, ListSizeSnapshot? LatestSize);

/// <summary>
/// A PCN's list size as at a date: the members' latest registered sizes summed (each practice once; a branch is a
/// site of its practice and adds nothing), beside the documents' stated total, and the population other services
/// should use.
/// </summary>
public sealed record PcnPopulation(
    Pcn Pcn,
    DateOnly AsAt,
    IReadOnlyList<PcnMemberSize> Members,
    long ComputedRegistered,
    long? ComputedWeighted,
    int PracticesWithSize,
    int PracticesWithoutSize)
{
    public long StatedTotal => Pcn.StatedTotal;

    public bool IsComplete => PracticesWithoutSize == 0 && Members.Count > 0;

    /// <summary>Computed minus stated; only meaningful, so only given, when every member's size is known.</summary>
    public long? DifferenceFromStated => IsComplete ? ComputedRegistered - StatedTotal : null;

    public PopulationBasis Basis => IsComplete ? PopulationBasis.Computed : PopulationBasis.Stated;

    public long Population => IsComplete ? ComputedRegistered : StatedTotal;

    public SizeStatus SizeStatus => PcnSizeRule.Evaluate(Population);

    public static PcnPopulation Calculate(Pcn pcn, DateOnly asAt, IReadOnlyList<PcnMemberSize> members)
    {
        // A practice appears once however many sites it has; guard against a caller passing it twice.
        var distinct = members.DistinctBy(member => member.Practice.Id).ToList();
        var sized = distinct.Where(member => member.LatestSize is not null).Select(member => member.LatestSize!).ToList();
        var weightedKnown = distinct.Count > 0 && sized.Count == distinct.Count && sized.All(size => size.WeightedPatients is not null);

        return new PcnPopulation(
            pcn,
            asAt,
            distinct,
            ComputedRegistered: sized.Sum(size => size.RegisteredPatients),
            ComputedWeighted: weightedKnown ? sized.Sum(size => size.WeightedPatients!.Value) : null,
            PracticesWithSize: sized.Count,
            PracticesWithoutSize: distinct.Count - sized.Count);
    }
}
