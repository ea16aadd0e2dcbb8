namespace Finance.Domain.Model;

/// <summary>How the registry arrived at a PCN's population.</summary>
public enum PopulationSource
{
    /// <summary>Every member's list size is known: the population is their sum.</summary>
    Computed = 1,

    /// <summary>Some member's size is unknown: the population is the documents' stated total.</summary>
    Stated = 2,
}

/// <summary>
/// Finance's copy of what the registry reports for a PCN from <see cref="AsAt"/>: its CCG, its registered population
/// (computed where complete, else stated) and its weighted population where every member's is known.
/// <see cref="Version"/> is the registry's version of the PCN the figure came from (0 from a registry that had none).
/// </summary>
public sealed record PcnPopulation(
    string PcnId,
    string CcgId,
    DateOnly AsAt,
    long Registered,
    long? Weighted,
    PopulationSource Source,
    long Version = 0)
{
    /// <summary>The population to pay a stream on: weighted where known, else registered.</summary>
    public (long Patients, PatientBasis BasisUsed) For(PatientBasis basis) =>
        basis == PatientBasis.Weighted && Weighted is { } weighted
            ? (weighted, PatientBasis.Weighted)
            : (Registered, PatientBasis.Registered);
}
