using Finance.Domain.Arrs;
using Finance.Domain.Model;

namespace Finance.Api.Application;

/// <summary>Claim ARRS reimbursement for a role in a PCN.</summary>
public sealed record CreateArrsClaim(string PcnId, ArrsClaimRequest Claim);

/// <summary>
/// Set a stream's rate for a year (and, when given, its part-year factor). <see cref="RequestId"/> is the write's
/// request id, which a closed year's prior-year adjustments cite as their cause.
/// </summary>
public sealed record SetFundingRate(string StreamId, FinancialYear Year, decimal RatePerHead, decimal? PartYearFactor, Guid? RequestId);

/// <summary>Close a financial year with its allocations as they stand.</summary>
public sealed record CloseFinancialYear(FinancialYear Year);
