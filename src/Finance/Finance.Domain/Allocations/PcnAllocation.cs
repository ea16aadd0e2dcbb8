using Finance.Domain.Model;

namespace Finance.Domain.Allocations;

/// <summary>One stream of a PCN's allocation and everything that went into it.</summary>
public sealed record AllocationLine(
    FundingStream Stream,
    FundingRate Rate,
    PatientBasis BasisUsed,
    long Population,
    PopulationSource PopulationSource,
    decimal Amount);

public sealed record PcnAllocation(string PcnId, string CcgId, FinancialYear Year, IReadOnlyList<AllocationLine> Lines)
{
    public decimal Total => Lines.Sum(line => line.Amount);

    /// <summary>The population of the year's first line (every stream of a year shares a reference date in the documents).</summary>
    public long Population => Lines.Count == 0 ? 0 : Lines[0].Population;

    public PopulationSource PopulationSource => Lines.Count == 0 ? PopulationSource.Computed : Lines[0].PopulationSource;
}
