namespace Finance.Domain.Model;

public enum RateSource
{
    /// <summary>Printed in the document for this stream and year.</summary>
    Printed = 1,

    /// <summary>Worked out from printed figures; <see cref="FundingRate.Source"/> says how.</summary>
    Derived = 2,

    /// <summary>Set by a user since the documents were loaded.</summary>
    Set = 3,
}

/// <summary>
/// What a stream pays per head in a year: amount = <see cref="RatePerHead"/> × population on
/// <see cref="ReferenceDate"/> × <see cref="PartYearFactor"/>. <see cref="DocumentRatePerHead"/> and
/// <see cref="DocumentPartYearFactor"/> keep what the document prints or implies, so reconciliation still reproduces
/// the document after a rate has been set.
/// </summary>
public sealed record FundingRate(
    string StreamId,
    FinancialYear Year,
    decimal RatePerHead,
    RateSource RateSource,
    decimal PartYearFactor,
    DateOnly ReferenceDate,
    decimal? PublishedAmount,
    string Source,
    decimal DocumentRatePerHead,
    RateSource DocumentRateSource,
    decimal DocumentPartYearFactor);
