namespace Finance.Domain.Model;

/// <summary>
/// Every PCN snapshot Finance holds; a PCN's population on a date is its latest snapshot on or before that date.
/// </summary>
public sealed class PopulationHistory(IEnumerable<PcnPopulation> snapshots)
{
    private readonly ILookup<string, PcnPopulation> _byPcn = snapshots
        .OrderByDescending(snapshot => snapshot.AsAt)
        .ToLookup(snapshot => snapshot.PcnId, StringComparer.Ordinal);

    public PcnPopulation? On(string pcnId, DateOnly date) => _byPcn[pcnId].FirstOrDefault(snapshot => snapshot.AsAt <= date);

    /// <summary>Every PCN that has a population on the date, in id order.</summary>
    public IReadOnlyList<PcnPopulation> AllOn(DateOnly date) => _byPcn
        .Select(group => group.FirstOrDefault(snapshot => snapshot.AsAt <= date))
        .OfType<PcnPopulation>()
        .OrderBy(population => population.PcnId, StringComparer.Ordinal)
        .ToList();
}
