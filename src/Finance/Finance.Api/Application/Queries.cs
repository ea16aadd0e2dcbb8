using Finance.Domain.Model;

namespace Finance.Api.Application;

// Finance's reads that take more than one value (a read of one year takes the year as it is). Paging is the API's
// concern: a list query is the whole list, and the gRPC layer pages it.

public sealed record GetPcnAllocation(string PcnId, FinancialYear Year);

public sealed record GetArrsEntitlement(string PcnId, FinancialYear Year);

/// <summary>A PCN's ARRS claims, oldest first: of one year, or of every year.</summary>
public sealed record ListArrsClaims(string PcnId, FinancialYear? Year);

/// <summary>Funding rates in table order: of one stream or every stream, of one year or every year.</summary>
public sealed record ListFundingRates(string? StreamId, FinancialYear? Year);

/// <summary>A closed year's prior-year adjustments in the order they were recorded, optionally of one PCN and one stream.</summary>
public sealed record ListPriorYearAdjustments(FinancialYear Year, string? PcnId, string? StreamId);
