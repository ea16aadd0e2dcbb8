using Npgsql;
using Platform.Data;
using Platform.Domain.Errors;
using Practices.Api.Infrastructure;
using Practices.Domain.Model;
using Practices.Domain.Reports;
using Practices.Domain.Rules;

namespace Practices.Api.Application;

/// <summary>Reads of the registry. Returns domain results; the gRPC layer shapes them into messages.</summary>
public sealed class RegistryQueries(RegistryStore store, NpgsqlDataSource dataSource)
{
    // The registry as at each date asked, kept while nothing commits: most reads are then one round trip.
    private readonly SnapshotCache<DateOnly, RegistryView> _views = new(dataSource);

    public async Task<IReadOnlyList<PcnPopulation>> ListPcnsAsync(ListPcns query, CancellationToken cancellationToken)
    {
        var (asAt, ccg) = query;
        var view = await LoadViewAsync(asAt, cancellationToken);
        return view.Pcns.Values
            .Where(pcn => pcn.ExistsOn(asAt) && (ccg is null || pcn.Ccg == ccg))
            .OrderBy(pcn => pcn.Id, StringComparer.Ordinal)
            .Select(view.PopulationOf)
            .ToList();
    }

    public async Task<PcnPopulation> GetPcnAsync(GetPcn query, CancellationToken cancellationToken)
    {
        var (pcnId, asAt) = query;
        var view = await LoadViewAsync(asAt, cancellationToken);
        var pcn = view.Pcns.GetValueOrDefault(pcnId) ?? throw PcnNotFound(pcnId);
        if (!pcn.ExistsOn(asAt))
            throw new NotFoundException("llr.practices.v1.Pcn", $"pcns/{pcnId}",
                $"pcns/{pcnId} did not exist on {asAt:yyyy-MM-dd}: it began on {pcn.StartedOn:yyyy-MM-dd}.");
        return view.PopulationOf(pcn);
    }

    /// <summary>
    /// Practices ordered by id; with a PCN or CCG filter, only that PCN's or CCG's members on the date; with an ODS code,
    /// only the practice that has it.
    /// </summary>
    public async Task<IReadOnlyList<PracticeView>> ListPracticesAsync(ListPractices query, CancellationToken cancellationToken)
    {
        var (asAt, pcnId, ccg, odsCode) = query;
        var view = await LoadViewAsync(asAt, cancellationToken);
        if (pcnId is not null && !view.Pcns.ContainsKey(pcnId)) throw PcnNotFound(pcnId);
        return view.Practices.Values
            .Select(view.ViewOf)
            .Where(practice => pcnId is null || practice.Pcn?.Id == pcnId)
            .Where(practice => ccg is null || practice.Commissioner == ccg)
            .Where(practice => odsCode is null || practice.Practice.OdsCode == odsCode)
            .OrderBy(practice => practice.Practice.Id, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<PracticeView> GetPracticeAsync(GetPractice query, CancellationToken cancellationToken)
    {
        var (practiceId, asAt) = query;
        var view = await LoadViewAsync(asAt, cancellationToken);
        return view.ViewOf(view.Practices.GetValueOrDefault(practiceId) ?? throw PracticeNotFound(practiceId));
    }

    public async Task<IReadOnlyList<Membership>> ListMembershipsAsync(string practiceId, CancellationToken cancellationToken)
    {
        var history = await store.LoadMembershipsAsync(work: null, [practiceId], cancellationToken);
        if (history.Count == 0) await EnsurePracticeExistsAsync(practiceId, cancellationToken);
        return history;
    }

    /// <summary>At most <paramref name="limit"/> of them, newest first.</summary>
    public async Task<IReadOnlyList<ListSizeSnapshot>> ListListSizesAsync(ListListSizes query, int limit, CancellationToken cancellationToken)
    {
        var (practiceId, before) = query;
        var sizes = await store.LoadListSizesAsync(practiceId, before, limit, cancellationToken);
        // An empty page is also what an existing practice gives past its last snapshot: only then is it worth asking.
        if (sizes.Count == 0) await EnsurePracticeExistsAsync(practiceId, cancellationToken);
        return sizes;
    }

    public async Task<DataQualityReport> GetDataQualityReportAsync(DateOnly asAt, CancellationToken cancellationToken)
    {
        var view = await LoadViewAsync(asAt, cancellationToken);
        var pcns = view.Pcns.Values.Where(pcn => pcn.ExistsOn(asAt)).OrderBy(pcn => pcn.Id, StringComparer.Ordinal).Select(view.PopulationOf).ToList();
        var open = view.Practices.Values
            .Where(practice => practice.IsOpenOn(asAt))
            .Select(practice => (practice, view.LatestSizes.GetValueOrDefault(practice.Id)))
            .ToList();
        return DataQualityReport.Build(asAt, pcns, open);
    }

    internal static NotFoundException PracticeNotFound(string practiceId) => new("llr.practices.v1.Practice", $"practices/{practiceId}");

    internal static NotFoundException PcnNotFound(string pcnId) => new("llr.practices.v1.Pcn", $"pcns/{pcnId}");

    private Task<RegistryView> LoadViewAsync(DateOnly asAt, CancellationToken cancellationToken) =>
        _views.GetAsync(asAt, (work, cancel) => RegistryView.LoadAsync(store, work, asAt, cancel), cancellationToken);

    /// <summary>
    /// Only asked when a practice's rows come back empty: memberships and list sizes reference their practice and
    /// practices are never deleted, so any row proves the practice exists.
    /// </summary>
    private async Task EnsurePracticeExistsAsync(string practiceId, CancellationToken cancellationToken)
    {
        var practices = await store.LoadPracticesAsync(work: null, [practiceId], cancellationToken);
        if (practices.Count == 0) throw PracticeNotFound(practiceId);
    }
}
