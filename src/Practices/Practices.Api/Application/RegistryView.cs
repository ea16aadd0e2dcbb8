using System.Collections.Concurrent;
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
/// The registry as at one date, loaded in one round trip whatever is asked (and kept while nothing commits:
/// RegistryQueries). LLR has 25 PCNs and 134 practices, so the whole registry is a few hundred rows; loading it together
/// keeps every answer one consistent picture (the queries share a snapshot) and keeps each read path one code path.
/// Revisit if the registry grows by orders.
/// </summary>
internal sealed class RegistryView
{
    private readonly RegistryHistory _history;
    private readonly DateOnly? _historyEnds;
    private readonly ILookup<string, Membership> _membersByPcn;
    private readonly ILookup<string, PcnFounder> _foundersByPcn;
    private readonly Dictionary<string, Membership> _membershipByPractice;
    private readonly Dictionary<string, Ccg> _commissionerByPractice;

    // A kept view answers every read until the next commit, so each PCN's figures are worked out once for all of them.
    private readonly ConcurrentDictionary<string, PcnPopulation> _populations = new(StringComparer.Ordinal);

    private RegistryView(DateOnly asAt, IReadOnlyDictionary<string, Pcn> pcns, IReadOnlyDictionary<string, Practice> practices,
        IReadOnlyList<PcnFounder> founders, RegistryHistory history, DateOnly? historyEnds)
    {
        AsAt = asAt;
        Pcns = pcns;
        Practices = practices;
        Founders = founders;
        _history = history;
        _historyEnds = historyEnds;
        LatestSizes = history.LatestSizesOn(asAt);
        var memberships = history.MembershipsOn(asAt);
        _membersByPcn = memberships.ToLookup(membership => membership.PcnId);
        _foundersByPcn = founders.ToLookup(founder => founder.Membership.PcnId);
        _membershipByPractice = memberships.ToDictionary(membership => membership.PracticeId);
        _commissionerByPractice = history.CommissionsOn(asAt).ToDictionary(commission => commission.PracticeId, commission => commission.Ccg);
    }

    public DateOnly AsAt { get; }
    public IReadOnlyDictionary<string, Pcn> Pcns { get; }
    public IReadOnlyDictionary<string, Practice> Practices { get; }
    public IReadOnlyDictionary<string, ListSizeSnapshot> LatestSizes { get; }
    private IReadOnlyList<PcnFounder> Founders { get; }

    /// <summary>
    /// Loads the view in a unit of work: a write's, to see the write in progress (for the events it publishes), or a
    /// read's, so that every query sees one snapshot. One round trip.
    /// </summary>
    public static Task<RegistryView> LoadAsync(RegistryStore store, UnitOfWork work, DateOnly asAt, CancellationToken cancellationToken) =>
        LoadAsync(store, work, asAt, through: asAt, cancellationToken);

    /// <summary>
    /// Loads the view as at <paramref name="asAt"/> with the history of every later date, so that <see cref="At"/> gives
    /// the registry on any of them without another round trip (what a write's timeline needs). Costs one round trip,
    /// whatever the number of later dates; it reads more rows than <see cref="LoadAsync(RegistryStore, UnitOfWork, DateOnly, CancellationToken)"/>.
    /// </summary>
    public static Task<RegistryView> LoadFromAsync(RegistryStore store, UnitOfWork work, DateOnly asAt, CancellationToken cancellationToken) =>
        LoadAsync(store, work, asAt, through: null, cancellationToken);

    /// <summary>
    /// The view as at <paramref name="asAt"/> of rows loaded from that date on: those a write loaded under the locks of
    /// the PCNs it touched (<see cref="RegistryStore.MoveMembershipAsync"/>), which are only what those PCNs' figures
    /// depend on. Such a view answers <see cref="PopulationOf"/> for those PCNs, <see cref="ViewOf"/> for the practices
    /// that belong to them, and its <see cref="ChangeDatesAfter"/> are the dates on which those PCNs can change: what the
    /// write publishes, for a few rows of the registry instead of all of it.
    /// </summary>
    public static RegistryView From(RegistryRows rows, DateOnly asAt) => Of(rows, asAt, through: null);

    private static async Task<RegistryView> LoadAsync(RegistryStore store, UnitOfWork work, DateOnly asAt, DateOnly? through,
        CancellationToken cancellationToken) =>
        Of(await store.LoadRegistryAsync(work, asAt, through, cancellationToken), asAt, through);

    private static RegistryView Of(RegistryRows rows, DateOnly asAt, DateOnly? through)
    {
        var founders = rows.FoundingMemberships
            .Select(membership => new PcnFounder(rows.Practices[membership.PracticeId], membership,
                rows.FounderBaseSizes.GetValueOrDefault((membership.PcnId, membership.PracticeId))))
            .OrderBy(founder => founder.Practice.Id, StringComparer.Ordinal)
            .ToList();
        return new RegistryView(asAt, rows.Pcns, rows.Practices, founders, rows.History, through);
    }

    /// <summary>
    /// Every date after this view's on which some membership, list size or closure takes effect (only those its history
    /// reaches: load with <see cref="LoadFromAsync"/> for all of them).
    /// </summary>
    public IReadOnlyList<DateOnly> ChangeDatesAfter() =>
        _history.ChangeDatesAfter(AsAt, Practices.Values).Where(day => _historyEnds is not { } end || day <= end).ToList();

    /// <summary>
    /// The same registry as at a later date, computed from what was loaded (no round trip): PCNs, practices, branch
    /// sites, stated populations and founding members do not depend on the date, and the history covers it. Only valid
    /// while nothing has been written since this view was loaded.
    /// </summary>
    public RegistryView At(DateOnly asAt)
    {
        if (asAt < AsAt || asAt > _historyEnds)
            throw new ArgumentOutOfRangeException(nameof(asAt), asAt, $"The view's history covers {AsAt:yyyy-MM-dd} to {_historyEnds:yyyy-MM-dd}.");
        return new RegistryView(asAt, Pcns, Practices, Founders, _history, _historyEnds);
    }

    /// <summary>The PCN as at this view's date: its members, its founders (both with their sizes then) and its population.</summary>
    public PcnPopulation PopulationOf(Pcn pcn) =>
        _populations.GetOrAdd(pcn.Id, static (_, state) => state.view.Calculate(state.pcn), (view: this, pcn));

    private PcnPopulation Calculate(Pcn pcn) =>
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
