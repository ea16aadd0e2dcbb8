using Finance.Domain.Allocations;
using Finance.Domain.Model;

namespace Finance.Domain.ClosedYears;

/// <summary>What a change to a closed year's figures was.</summary>
public enum AdjustmentReason
{
    PracticeTransferred = 1,
    ListSizeRecorded = 2,
    PracticesMerged = 3,
    FundingRateChanged = 4,
}

/// <summary>
/// Why a closed year's figures would have changed: a registry event (with its message id) or a funding rate set
/// (with the stream whose rate it was and the caller's request id, when one was given).
/// </summary>
public sealed record AdjustmentCause(AdjustmentReason Reason, Guid? MessageId, Guid? RequestId, string? RateStreamId)
{
    public static AdjustmentCause RegistryEvent(AdjustmentReason reason, Guid? messageId) => new(reason, messageId, null, null);

    public static AdjustmentCause RateChange(string streamId, Guid? requestId) =>
        new(AdjustmentReason.FundingRateChanged, null, requestId, streamId);
}

/// <summary>One PCN's line of one stream in a year: what it was (or would be) computed from, and its amount to the penny.</summary>
public sealed record LineFigures(long Population, decimal RatePerHead, decimal PartYearFactor, decimal Amount)
{
    public static LineFigures Of(AllocationLine line) => new(line.Population, line.Rate.RatePerHead, line.Rate.PartYearFactor, line.Amount);
}

/// <summary>A line of a closed year, by PCN and stream.</summary>
public sealed record LineKey(string PcnId, string StreamId);

/// <summary>
/// A change that would have altered a closed year's line, recorded instead of made. Adjustments of a line are
/// cumulative: <see cref="Paid"/> is always the published line and <see cref="ShouldHaveBeen"/> the line with this
/// change and every earlier one, so the latest adjustment's <see cref="Difference"/> is what is outstanding. The
/// differences of several adjustments must not be added up (the first change would be counted again in each); their
/// <see cref="Change"/>s add up to the latest difference.
/// </summary>
public sealed record PriorYearAdjustment(
    FinancialYear Year,
    LineKey Line,
    LineFigures Paid,
    decimal PreviousShouldHaveBeen,
    LineFigures ShouldHaveBeen,
    AdjustmentCause Cause)
{
    /// <summary>Outstanding after this change: positive is owed to the PCN, negative was overpaid.</summary>
    public decimal Difference => ShouldHaveBeen.Amount - Paid.Amount;

    /// <summary>This change's own effect on the line.</summary>
    public decimal Change => ShouldHaveBeen.Amount - PreviousShouldHaveBeen;
}

/// <summary>A closed year: when it closed, and LLR's total and population as it published them.</summary>
public sealed record ClosedYear(FinancialYear Year, DateTimeOffset ClosedAt, decimal LlrTotal, long LlrPopulation);

/// <summary>An adjustment as recorded: its id, its place in the order adjustments were recorded, and when.</summary>
public sealed record RecordedAdjustment(Guid Id, long Sequence, PriorYearAdjustment Adjustment, DateTimeOffset RecordedAt);
