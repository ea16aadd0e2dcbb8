using Npgsql;
using Practices.Api.Infrastructure;
using Practices.Domain.Model;
using Practices.Domain.Rules;

namespace Practices.Api.Application;

/// <summary>A practice as at a date: its PCN then, and its latest list size on or before then.</summary>
public sealed record PracticeView(Practice Practice, Membership? Membership, Pcn? Pcn, ListSizeSnapshot? LatestSize, DateOnly AsAt);

/// <summary>
/// The registry as at one date, loaded in four indexed queries. LLR has 25 PCNs and about 135 practices, so reading it
/// whole is cheaper than a query per PCN and gives every answer one consistent picture.
/// </summary>
internal sealed class RegistryView
{
    private readonly ILookup<string, Membership> _membersByPcn;
    private readonly Dictionary<string, Membership> _membershipByPractice;

    private RegistryView(DateOnly asAt, Dictionary<string, Pcn> pcns, Dictionary<string, Practice> practices,
        List<Membership> membershipsOnDate, Dictionary<string, ListSizeSnapshot> latestSizes)
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
    public static async Task<RegistryView> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, DateOnly asAt, CancellationToken cancellationToken)
    {
        var pcns = await RegistryStore.LoadPcnsAsync(connection, transaction, cancellationToken);
        var practices = await RegistryStore.LoadPracticesAsync(connection, transaction, ids: null, cancellationToken);
        var memberships = await RegistryStore.LoadMembershipsAsync(connection, transaction, practiceIds: null, asAt, cancellationToken);
        var sizes = await RegistryStore.LoadLatestListSizesAsync(connection, transaction, practiceIds: null, asAt, cancellationToken);
        return new RegistryView(asAt, pcns, practices, memberships, sizes);
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
