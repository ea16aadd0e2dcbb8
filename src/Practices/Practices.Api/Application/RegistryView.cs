using Npgsql;
using Practices.Api.Infrastructure;
using Practices.Domain.Model;
using Practices.Domain.Rules;

namespace Practices.Api.Application;

/// <summary>A practice as at a date: its PCN then, and its latest list size on or before then.</summary>
public sealed record PracticeView(Practice Practice, Membership? Membership, Pcn? Pcn, ListSizeSnapshot? LatestSize, DateOnly AsAt);

/// <summary>
/// The registry as at one date, loaded in four indexed queries whatever is asked. LLR has 25 PCNs and 134 practices, so
/// the whole registry is a few hundred rows; loading it together keeps every answer one consistent picture (the
/// queries share a snapshot) and keeps each read path one code path. Revisit if the registry grows by orders.
/// </summary>
internal sealed class RegistryView
{
    private readonly ILookup<string, Membership> _membersByPcn;
    private readonly Dictionary<string, Membership> _membershipByPractice;

    private RegistryView(DateOnly asAt, IReadOnlyDictionary<string, Pcn> pcns, IReadOnlyDictionary<string, Practice> practices,
        List<Membership> membershipsOnDate, IReadOnlyDictionary<string, ListSizeSnapshot> latestSizes)
    {
        AsAt = asAt;
        Pcns = pcns;
        Practices = practices;
        LatestSizes = latestSizes;
        _membersByPcn = membershipsOnDate.ToLookup(membership => membership.PcnId);
        _membershipByPractice = membershipsOnDate.ToDictionary(membership => membership.PracticeId);
    }

    public DateOnly AsAt { get; }
    public IReadOnlyDictionary<string, Pcn> Pcns { get; }
    public IReadOnlyDictionary<string, Practice> Practices { get; }
    public IReadOnlyDictionary<string, ListSizeSnapshot> LatestSizes { get; }

    /// <summary>Loads the view; pass the transaction to see a write in progress (for the events it publishes).</summary>
    public static Task<RegistryView> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, DateOnly asAt, CancellationToken cancellationToken) =>
        LoadAsync(connection, transaction, pcns: null, asAt, cancellationToken);

    /// <summary>
    /// Loads the view, reusing <paramref name="pcns"/> when the caller has already loaded them in this transaction:
    /// only seeding writes PCNs and their stated populations, so a registry write in between leaves them as they were.
    /// </summary>
    public static async Task<RegistryView> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyDictionary<string, Pcn>? pcns, DateOnly asAt, CancellationToken cancellationToken)
    {
        pcns ??= await RegistryStore.LoadPcnsAsync(connection, transaction, cancellationToken);
        var practices = await RegistryStore.LoadPracticesAsync(connection, transaction, ids: null, cancellationToken);
        var memberships = await RegistryStore.LoadMembershipsAsync(connection, transaction, practiceIds: null, asAt, cancellationToken);
        var sizes = await RegistryStore.LoadLatestListSizesAsync(connection, transaction, asAt, cancellationToken);
        return new RegistryView(asAt, pcns, practices, memberships, sizes);
    }

    /// <summary>
    /// The same registry as at another date. PCNs, practices, branch sites and stated populations do not depend on the
    /// date, so they are kept and only the memberships covering the date and the latest sizes on it are loaded — two
    /// queries instead of six. Only valid while nothing has been written since this view was loaded.
    /// </summary>
    public async Task<RegistryView> AtAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, DateOnly asAt, CancellationToken cancellationToken)
    {
        var memberships = await RegistryStore.LoadMembershipsAsync(connection, transaction, practiceIds: null, asAt, cancellationToken);
        var sizes = await RegistryStore.LoadLatestListSizesAsync(connection, transaction, asAt, cancellationToken);
        return new RegistryView(asAt, Pcns, Practices, memberships, sizes);
    }

    public PcnPopulation PopulationOf(Pcn pcn) => PcnPopulation.Calculate(pcn, AsAt, _membersByPcn[pcn.Id]
        .Select(membership => new PcnMemberSize(Practices[membership.PracticeId], membership, LatestSizes.GetValueOrDefault(membership.PracticeId)))
        .OrderBy(member => member.Practice.Id, StringComparer.Ordinal)
        .ToList());

    public PracticeView ViewOf(Practice practice)
    {
        var membership = _membershipByPractice.GetValueOrDefault(practice.Id);
        return new PracticeView(practice, membership, membership is null ? null : Pcns[membership.PcnId], LatestSizes.GetValueOrDefault(practice.Id), AsAt);
    }
}
