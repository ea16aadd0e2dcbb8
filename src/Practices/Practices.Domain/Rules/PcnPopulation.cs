using Practices.Domain.Model;

namespace Practices.Domain.Rules;

public enum PopulationBasis
{
    /// <summary>Every founding member's list size is known: the population is the members' sizes summed.</summary>
    Computed = 1,

    /// <summary>
    /// Some founding member's size is unknown: the stated total stands for it, adjusted by the known sizes of the
    /// practices that joined or left since.
    /// </summary>
    Stated = 2,
}

/// <summary>A member practice with its latest list size on or before the as-at date, if one is known.</summary>
public sealed record PcnMemberSize(Practice Practice, Membership Membership, ListSizeSnapshot? LatestSize);

/// <summary>
/// A practice that was a member on the PCN's first day, with its base size: its size on that day, or, if none was
/// known then, the first size recorded for it after (which counts only from its own date).
/// </summary>
public sealed record PcnFounder(Practice Practice, Membership Membership, ListSizeSnapshot? BaseSize)
{
    public long? BaseSizeOn(DateOnly date) => BaseSize is { } size && size.AsAt <= date ? size.RegisteredPatients : null;
}

/// <summary>
/// A PCN's list size as at a date: the members' latest registered sizes summed (each practice once; a branch is a
/// site of its practice and adds nothing), beside the documents' stated total, and the population other services
/// should use.
/// </summary>
/// <remarks>
/// The population is the known sizes of today's members plus <see cref="StatedRemainder"/>: the patients of the
/// founding members (those on the PCN's first day) whose size is unknown, which only the stated total accounts for
/// (the stated total less the founders' known base sizes; none once every founder's size is known). The remainder
/// depends on the founders' base sizes alone, never on who has joined or left since, nor on sizes a merge adds; and
/// every practice's known size counts in exactly one PCN on a date. So moving or merging practices leaves LLR's total
/// population unchanged, whatever mix of computed and stated PCNs they move between. A practice of unknown size moves
/// without adjusting either side (the data-quality report lists such moves). On the stated basis the population also
/// follows the known members' later sizes, as on the computed basis.
/// </remarks>
public sealed record PcnPopulation(
    Pcn Pcn,
    DateOnly AsAt,
    IReadOnlyList<PcnMemberSize> Members,
    IReadOnlyList<PcnFounder> Founders,
    long ComputedRegistered,
    long? ComputedWeighted,
    int PracticesWithSize,
    int PracticesWithoutSize,
    long StatedRemainder)
{
    public long StatedTotal => Pcn.StatedTotal;

    /// <summary>Every member's size is known (whoever founded the PCN).</summary>
    public bool IsComplete => PracticesWithoutSize == 0 && Members.Count > 0;

    /// <summary>Computed minus stated; only meaningful, so only given, when every member's size is known.</summary>
    public long? DifferenceFromStated => IsComplete ? ComputedRegistered - StatedTotal : null;

    public PopulationBasis Basis => FoundersKnown(Founders, AsAt) ? PopulationBasis.Computed : PopulationBasis.Stated;

    public long Population => ComputedRegistered + StatedRemainder;

    /// <summary>Known sizes of practices that joined since the PCN's first day, less those of founders that left.</summary>
    public long MovedPatients => Joined.Sum(SizeOf) - Left.Sum(SizeOf);

    /// <summary>Practices that joined or left since the PCN's first day with no known size: neither side was adjusted.</summary>
    public IReadOnlyList<PcnMemberSize> UnsizedMoves => Joined.Concat(Left).Where(member => member.LatestSize is null).ToList();

    private IEnumerable<PcnMemberSize> Joined => Members.ExceptBy(Founders.Select(founder => founder.Practice.Id), member => member.Practice.Id);

    // The founders no longer members, with their sizes on the as-at date.
    private IEnumerable<PcnMemberSize> Left => Founders
        .ExceptBy(Members.Select(member => member.Practice.Id), founder => founder.Practice.Id)
        .Select(founder => new PcnMemberSize(founder.Practice, founder.Membership, LeaverSizes.GetValueOrDefault(founder.Practice.Id)));

    /// <summary>The latest sizes on the as-at date of founders that have left (for <see cref="MovedPatients"/>).</summary>
    public IReadOnlyDictionary<string, ListSizeSnapshot> LeaverSizes { get; init; } = new Dictionary<string, ListSizeSnapshot>();

    public SizeStatus SizeStatus => PcnSizeRule.Evaluate(Population);

    /// <summary>The newest and the oldest of the members' sizes the figures are built from (null when none is known).</summary>
    public (DateOnly Oldest, DateOnly Newest)? SizeDates => Members.Where(member => member.LatestSize is not null).ToList() is { Count: > 0 } sized
        ? (sized.Min(member => member.LatestSize!.AsAt), sized.Max(member => member.LatestSize!.AsAt))
        : null;

    private static long SizeOf(PcnMemberSize member) => member.LatestSize?.RegisteredPatients ?? 0;

    private static bool FoundersKnown(IReadOnlyList<PcnFounder> founders, DateOnly date) =>
        founders.Count > 0 && founders.All(founder => founder.BaseSizeOn(date) is not null);

    /// <param name="members">The members on <paramref name="asAt"/>, each with its latest size then.</param>
    /// <param name="founders">
    /// The members on the PCN's first day with their base sizes; null when they are the members, nobody having joined
    /// or left, and each member's latest size is its base size.
    /// </param>
    /// <param name="leaverSizes">The latest sizes on <paramref name="asAt"/> of founders that have left, by practice id.</param>
    public static PcnPopulation Calculate(Pcn pcn, DateOnly asAt, IReadOnlyList<PcnMemberSize> members,
        IReadOnlyList<PcnFounder>? founders = null, IReadOnlyDictionary<string, ListSizeSnapshot>? leaverSizes = null)
    {
        // A practice appears once however many sites it has; guard against a caller passing it twice.
        var distinct = members.DistinctBy(member => member.Practice.Id).ToList();
        var firstDay = founders?.DistinctBy(founder => founder.Practice.Id).ToList()
            ?? distinct.Select(member => new PcnFounder(member.Practice, member.Membership, member.LatestSize)).ToList();
        var sized = distinct.Where(member => member.LatestSize is not null).Select(member => member.LatestSize!).ToList();
        var weightedKnown = distinct.Count > 0 && sized.Count == distinct.Count && sized.All(size => size.WeightedPatients is not null);

        // Never below zero: a stated total smaller than its founders' known sizes leaves nothing unaccounted for.
        // Clamping keeps the remainder a function of the founders' base sizes alone, so it still cannot change when a
        // practice moves.
        var remainder = FoundersKnown(firstDay, asAt) ? 0 : Math.Max(0, pcn.StatedTotal - firstDay.Sum(founder => founder.BaseSizeOn(asAt) ?? 0));

        return new PcnPopulation(
            pcn,
            asAt,
            distinct,
            firstDay,
            ComputedRegistered: sized.Sum(size => size.RegisteredPatients),
            ComputedWeighted: weightedKnown ? sized.Sum(size => size.WeightedPatients!.Value) : null,
            PracticesWithSize: sized.Count,
            PracticesWithoutSize: distinct.Count - sized.Count,
            StatedRemainder: remainder)
        {
            LeaverSizes = leaverSizes ?? new Dictionary<string, ListSizeSnapshot>(),
        };
    }
}
