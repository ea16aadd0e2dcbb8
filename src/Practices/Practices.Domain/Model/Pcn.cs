namespace Practices.Domain.Model;

/// <summary>
/// A Primary Care Network and the population the documents state for it. It exists from <see cref="StartedOn"/> (the
/// PCN contract's start, 1 July 2019, for every LLR PCN); before that date there is no such PCN to belong to.
/// <see cref="Version"/> rises with every write that changes what the registry reports for the PCN on any date.
/// </summary>
public sealed record Pcn(
    string Id, string Name, Ccg Ccg, string ClinicalDirector, IReadOnlyList<StatedPopulationPart> StatedParts, DateOnly StartedOn, long Version)
{
    public string ETag => $"\"{Version}\"";

    public bool ExistsOn(DateOnly date) => date >= StartedOn;

    /// <summary>
    /// The stated population. Usually one figure; where a document prints a PCN's population as sub-totals
    /// (North West Leicestershire), the total is their sum and the parts stay visible beside it.
    /// </summary>
    public long StatedTotal => StatedParts.Sum(part => part.Population);
}

/// <summary>One stated figure: <see cref="Label"/> is empty for a single total, else the group of practices it covers.</summary>
public sealed record StatedPopulationPart(string Label, long Population, DateOnly AsAt, string Source);
