// Integration events published by Finance, version 1 (versioning as for Practices.V1).
namespace Platform.Contracts.Finance.V1;

/// <summary>
/// PCN allocations were recomputed: after a registry change to membership or list sizes, or after a funding rate was
/// set. Carries each affected PCN's new totals so a consumer need not call Finance back. <see cref="CausationId"/> is
/// the message id of the registry event that caused it, when one did.
/// </summary>
public sealed record PcnAllocationsRecalculated(
    AllocationChangeReason Reason,
    Guid? CausationId,
    IReadOnlyList<PcnAllocationTotal> Allocations,
    DateTimeOffset OccurredAt);

/// <summary>A PCN's allocation for one financial year (e.g. "2020-21"), in pence.</summary>
public sealed record PcnAllocationTotal(
    string PcnId,
    string CcgId,
    string Year,
    long Population,
    long TotalPence);

public enum AllocationChangeReason
{
    PracticeTransferred = 1,
    ListSizeRecorded = 2,
    PracticesMerged = 3,
    FundingRateChanged = 4,
}
