using Platform.Data;
using Practices.Api.Infrastructure;
using Practices.Domain.Model;
using Practices.Domain.Rules;

namespace Practices.Api.Application;

/// <summary>
/// A practice as at a date: its PCN then, its commissioner then (its own, whatever PCN it is in), and its latest list
/// size on or before then.
/// </summary>
public sealed record PracticeView(Practice Practice, Membership? Membership, Pcn? Pcn, Ccg? Commissioner, ListSizeSnapshot? LatestSize, DateOnly AsAt);

/// <summary>
/// The registry as at one date, loaded in a few indexed queries whatever is asked (and kept while nothing commits: RegistryQueries). LLR has 25 PCNs and 134 practices, so
/// the whole registry is a few hundred rows; loading it together keeps every answer one consistent picture (the
/// queries share a snapshot) and keeps each read path one code path. Revisit if the registry grows by orders.
/// </summary>
internal sealed class RegistryView
{
    private readonly ILookup<string, Membership> _membersByPcn;
    private readonly ILookup<string, PcnFounder> _foundersByPcn;
    private readonly Dictionary<string, Membership> _membershipByPractice;
    private readonly Dictionary<string, Ccg> _commissionerByPractice;

    private RegistryView(DateOnly asAt, IReadOnlyDictionary<string, Pcn> pcns, IReadOnlyDictionary<string, Practice> practices,
        List<Membership> membershipsOnDate, List<PcnFounder> founders, List<Commission> commissionsOnDate,
        IReadOnlyDictionary<string, ListSizeSnapshot> latestSizes)
    {
        AsAt = asAt;
        Pcns = pcns;
        Practices = practices;
        LatestSizes = latestSizes;
        Founders = founders;
        _membersByPcn = membershipsOnDate.ToLookup(membership => membership.PcnId);
        _foundersByPcn = founders.ToLookup(founder => founder.Membership.PcnId);
        _membershipByPractice = membershipsOnDate.ToDictionary(membership => membership.PracticeId);
        _commissionerByPractice = commissionsOnDate.ToDictionary(commission => commission.PracticeId, commission => commission.Ccg);
    }

    public DateOnly AsAt { get; }
    public IReadOnlyDictionary<string, Pcn> Pcns { get; }
    public IReadOnlyDictionary<string, Practice> Practices { get; }
    public IReadOnlyDictionary<string, ListSizeSnapshot> LatestSizes { get; }
    private List<PcnFounder> Founders { get; }

    /// <summary>
    /// Loads the view in a unit of work: a write's, to see the write in progress (for the events it publishes), or a
    /// read's, so that every query sees one snapshot.
    /// </summary>
    public static async Task<RegistryView> LoadAsync(RegistryStore store, UnitOfWork work, DateOnly asAt, CancellationToken cancellationToken)
    {
        var pcns = await store.LoadPcnsAsync(work, cancellationToken);
        var practices = await store.LoadPracticesAsync(work, ids: null, cancellationToken);
        var baseSizes = await store.LoadFounderBaseSizesAsync(work, cancellationToken);
        var founders = (await store.LoadFoundingMembershipsAsync(work, cancellationToken))
            .Select(membership => new PcnFounder(practices[membership.PracticeId], membership, baseSizes.GetValueOrDefault((membership.PcnId, membership.PracticeId))))
            .OrderBy(founder => founder.Practice.Id, StringComparer.Ordinal)
            .ToList();
        return await new RegistryView(asAt, pcns, practices, [], founders, [], new Dictionary<string, ListSizeSnapshot>())
            .AtAsync(store, work, asAt, cancellationToken);
    }

    /// <summary>
    /// The same registry as at another date. PCNs, practices, branch sites, stated populations and founding members do
    /// not depend on the date, so they are kept and only what covers the date is loaded. Only valid while nothing has
    /// been written since this view was loaded.
    /// </summary>
    public async Task<RegistryView> AtAsync(RegistryStore store, UnitOfWork work, DateOnly asAt, CancellationToken cancellationToken)
    {
        var memberships = await store.LoadMembershipsAsync(work, practiceIds: null, asAt, cancellationToken);
        var commissions = await store.LoadCommissionsAsync(work, practiceIds: null, asAt, cancellationToken);
        var sizes = await store.LoadLatestListSizesAsync(work, asAt, cancellationToken);
        return new RegistryView(asAt, Pcns, Practices, memberships, Founders, commissions, sizes);
    }

    /// <summary>The PCN as at this view's date: its members, its founders (both with their sizes then) and its population.</summary>
    public PcnPopulation PopulationOf(Pcn pcn) =>
        PcnPopulation.Calculate(pcn, AsAt, WithSizes(_membersByPcn[pcn.Id]), _foundersByPcn[pcn.Id].ToList(), LatestSizes);

    public PracticeView ViewOf(Practice practice)
    {
        var membership = _membershipByPractice.GetValueOrDefault(practice.Id);
        return new PracticeView(practice, membership, membership is null ? null : Pcns[membership.PcnId],
            _commissionerByPractice.TryGetValue(practice.Id, out var ccg) ? ccg : null, LatestSizes.GetValueOrDefault(practice.Id), AsAt);
    }

    private List<PcnMemberSize> WithSizes(IEnumerable<Membership> memberships) => memberships
        .Select(membership => new PcnMemberSize(Practices[membership.PracticeId], membership, LatestSizes.GetValueOrDefault(membership.PracticeId)))
        .OrderBy(member => member.Practice.Id, StringComparer.Ordinal)
        .ToList();
}
