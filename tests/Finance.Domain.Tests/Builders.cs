using Finance.Domain.Model;

namespace Finance.Domain.Tests;

/// <summary>
/// Small, readable test data built from the printed figures. Citations are "file:line" in /work/shared/seeds:
/// 000 = 000_0b818a8f861e84b5.txt, 002 = 002_2309aa3900b6bf7c.txt, 003 = 003_d6aa06560089c012.txt,
/// 004 = 004_019362184b449183.txt.
/// </summary>
internal static class Builders
{
    public const string LeicesterCity = "leicester-city";
    public const string EastLeicestershireRutland = "east-leicestershire-rutland";
    public const string WestLeicestershire = "west-leicestershire";

    /// <summary>000:1164 "Once the contract commences on the 1st July 2019": the reference date used for 2019-20.</summary>
    public static readonly DateOnly ContractStart = new(2019, 7, 1);

    /// <summary>004:3242 "Appendix 3 - LLR Primary Care Networks (20 June 2019)": the date of the printed PCN populations.</summary>
    public static readonly DateOnly AppendixDate = new(2019, 6, 20);

    public static FinancialYear Year(string text) => FinancialYear.Parse(text);

    /// <summary>2019-20 is paid from the contract start (000:1164); later years from the 1 April that starts them.</summary>
    public static DateOnly ReferenceDate(FinancialYear year) => year.StartYear == 2019 ? ContractStart : year.StartsOn;

    public static FundingRate Rate(
        FundingStream stream,
        string year,
        decimal ratePerHead,
        decimal? published = null,
        decimal partYearFactor = 1m,
        RateSource source = RateSource.Printed,
        DateOnly? referenceDate = null)
    {
        var financialYear = Year(year);
        return new FundingRate(stream.Id, financialYear, ratePerHead, source, partYearFactor,
            referenceDate ?? ReferenceDate(financialYear), published, stream.Source, ratePerHead, source, partYearFactor);
    }

    public static PcnPopulation Population(
        string pcnId,
        string ccgId,
        long registered,
        long? weighted = null,
        DateOnly? asAt = null,
        PopulationSource source = PopulationSource.Computed) =>
        new(pcnId, ccgId, asAt ?? AppendixDate, registered, weighted, source);
}

/// <summary>The seven streams of Table 5 "PCN Budgets 2019-20 to 2023-24" (title 004:2993, rows 004:3041–3057).</summary>
internal static class Streams
{
    // "pwp" read as per weighted patient; "prp" as per registered patient. The IIF prints no basis; registered is derived.
    public static readonly FundingStream Participation = new("pcn-participation", "PCN Participation", PatientBasis.Weighted, "CC", "004:3041");
    public static readonly FundingStream AdditionalRoles = new("additional-roles", "PCN Additional Roles", PatientBasis.Registered, "CC", "004:3043");
    public static readonly FundingStream ClinicalDirector = new("clinical-director", "ACD leadership", PatientBasis.Registered, "CC", "004:3045");
    public static readonly FundingStream ExtendedHours = new("extended-hours", "EOH DES to PCN", PatientBasis.Registered, "CC", "004:3047");
    public static readonly FundingStream CorePcnFunding = new("core-pcn-funding", "Core PCN Funding", PatientBasis.Registered, "PC", "004:3051");
    public static readonly FundingStream ImprovedAccess = new("improved-access", "Improved Access to Primary Care", PatientBasis.Registered, "PC", "004:3053");
    public static readonly FundingStream InvestmentImpactFund = new("investment-impact-fund", "Investment and Impact Fund", PatientBasis.Registered, null, "004:3055");

    public static readonly IReadOnlyDictionary<string, FundingStream> ById = new[]
    {
        Participation, AdditionalRoles, ClinicalDirector, ExtendedHours, CorePcnFunding, ImprovedAccess, InvestmentImpactFund,
    }.ToDictionary(stream => stream.Id, StringComparer.Ordinal);

    /// <summary>The four streams typed CC, which the unlabelled line 004:3049 sub-totals.</summary>
    public static readonly IReadOnlyList<string> CoCommissioned = [Participation.Id, AdditionalRoles.Id, ClinicalDirector.Id, ExtendedHours.Id];

    public static readonly IReadOnlyList<string> All = [.. ById.Keys];
}

/// <summary>Table 5's printed amounts and the rates the brief fixes for two of its years.</summary>
internal static class Table5
{
    /// <summary>
    /// 2019-20, column 1 of 004:3041–3057, at the rates printed in the labels: participation £1.761 pwp (004:3041),
    /// additional roles £1.44 prp (004:3043), ACD £0.514 prp (004:3045), EOH £1.099 prp (004:3047), core £1.50 prp (004:3051).
    /// Improved Access and the IIF print nothing for 2019-20.
    /// </summary>
    public static IReadOnlyList<FundingRate> Rates2019_20() =>
    [
        Builders.Rate(Streams.Participation, "2019-20", 1.761m, published: 1_925_806m),       // 004:3041
        Builders.Rate(Streams.AdditionalRoles, "2019-20", 1.44m, published: 1_702_251m),      // 004:3043
        Builders.Rate(Streams.ClinicalDirector, "2019-20", 0.514m, published: 587_467m),      // 004:3045
        Builders.Rate(Streams.ExtendedHours, "2019-20", 1.099m, published: 1_049_481m),       // 004:3047
        Builders.Rate(Streams.CorePcnFunding, "2019-20", 1.50m, published: 1_720_015m),       // 004:3051
    ];

    /// <summary>
    /// 2022-23, column 4 of 004:3041–3057. Improved Access prints three amounts (2021-22..2023-24) and the IIF four
    /// (2020-21..2023-24), so their 2022-23 figures are the 2nd and 3rd printed. Rates: participation £1.761 and core £1.50
    /// and improved access £6 as printed; ACD 0.684, EOH 1.464 and IIF 3.75 derived (published ÷ the registered base
    /// 1,803,615 / 1.50 = 1,202,410); additional roles 10.38 derived from £519,000 per 50k network (002:181) ÷ 50,000.
    /// </summary>
    public static IReadOnlyList<FundingRate> Rates2022_23() =>
    [
        Builders.Rate(Streams.Participation, "2022-23", 1.761m, published: 2_005_965m),                                   // 004:3041
        Builders.Rate(Streams.AdditionalRoles, "2022-23", 10.38m, published: 12_481_013m, source: RateSource.Derived),    // 004:3043; rate 002:181
        Builders.Rate(Streams.ClinicalDirector, "2022-23", 0.684m, published: 822_448m, source: RateSource.Derived),      // 004:3045
        Builders.Rate(Streams.ExtendedHours, "2022-23", 1.464m, published: 1_760_328m, source: RateSource.Derived),       // 004:3047
        Builders.Rate(Streams.CorePcnFunding, "2022-23", 1.50m, published: 1_803_615m),                                   // 004:3051
        Builders.Rate(Streams.ImprovedAccess, "2022-23", 6m, published: 7_214_458m),                                      // 004:3053
        Builders.Rate(Streams.InvestmentImpactFund, "2022-23", 3.75m, published: 4_509_036m, source: RateSource.Derived), // 004:3055
    ];
}
