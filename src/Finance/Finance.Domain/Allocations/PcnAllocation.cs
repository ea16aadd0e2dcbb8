using Finance.Domain.Model;

namespace Finance.Domain.Allocations;

/// <summary>One stream of a PCN's allocation and everything that went into it.</summary>
public sealed record AllocationLine(
    FundingStream Stream,
    FundingRate Rate,
    PatientBasis BasisUsed,
    long Population,
    PopulationSource PopulationSource,
    decimal ExactAmount)
{
    /// <summary>The line to the penny. Totals are rounded from <see cref="ExactAmount"/>s, not summed from these.</summary>
    public decimal Amount => Money.ToPenny(ExactAmount);
}

/// <summary>
/// A PCN's allocation for a year. <see cref="Population"/> is its registered population on the year's first reference
/// date (every stream of a year shares one in the documents), whatever list each line is paid on.
/// </summary>
public sealed record PcnAllocation(
    string PcnId,
    string CcgId,
    FinancialYear Year,
    long Population,
    PopulationSource PopulationSource,
    IReadOnlyList<AllocationLine> Lines)
{
    public decimal Total => Money.ToPenny(Lines.Sum(line => line.ExactAmount));
}
