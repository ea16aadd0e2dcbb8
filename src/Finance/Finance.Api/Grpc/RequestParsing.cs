using System.Globalization;
using Finance.Api.Application;
using Finance.Domain.Arrs;
using Finance.Domain.Model;
using Llr.Finance.V1;
using Platform.Domain.Errors;
using Platform.ServiceDefaults.Grpc;
using FinancialYear = Finance.Domain.Model.FinancialYear;
using ProtoArrsRole = Llr.Finance.V1.ArrsRole;

namespace Finance.Api.Grpc;

/// <summary>
/// Turns requests into the application's commands and queries (and, for lists, the page asked for), collecting every
/// field violation before answering, so a caller learns all that is wrong with a request at once (INVALID_ARGUMENT
/// with google.rpc.BadRequest) — a year Finance has no figures for among them.
/// </summary>
public sealed class RequestParsing(IReadOnlyCollection<FinancialYear> knownYears)
{
    // Ceilings far above any real figure (the documents' largest rate is £6 a head; a PCN's whole Additional Roles
    // entitlement is under £250,000): they keep the arithmetic inside decimal's range, so absurd input is the caller's
    // mistake rather than an overflow.
    public const decimal MaxRatePerHead = 1_000m;
    public const decimal MaxFte = 1_000m;
    public const decimal MaxAnnualSalaryCost = 10_000_000m;

    public GetPcnAllocation Parse(GetPcnAllocationRequest request)
    {
        var (pcnId, year) = PcnAndYear(request.Name, "pcns/{pcn}/allocations/{year}");
        return new GetPcnAllocation(pcnId, year);
    }

    public GetArrsEntitlement Parse(GetArrsEntitlementRequest request)
    {
        var (pcnId, year) = PcnAndYear(request.Name, "pcns/{pcn}/arrsEntitlements/{year}");
        return new GetArrsEntitlement(pcnId, year);
    }

    public FinancialYear Parse(GetSystemAllocationRequest request) => YearOnly(request.Name, "systemAllocations/{year}");

    public FinancialYear Parse(GetReconciliationReportRequest request) => YearOnly(request.Name, "reconciliationReports/{year}");

    public FinancialYear Parse(GetBudgetStatementRequest request) => YearOnly(request.Name, "budgetStatements/{year}");

    public (ListArrsClaims Query, PageTokens.Page Page) Parse(ListArrsClaimsRequest request)
    {
        var validation = new Validation();
        var pcnId = ResourceNames.ParseId(request.Parent, "pcns", "parent", validation);
        var year = OptionalYear(request.Year, "year", validation);
        var page = PageTokens.Read(request.PageSize, request.PageToken, $"arrs-claims|{pcnId}|{year}", defaultSize: 50, maxSize: 200, validation);
        validation.ThrowIfInvalid();
        return (new ListArrsClaims(pcnId, year), page);
    }

    public (ListFundingRates Query, PageTokens.Page Page) Parse(ListFundingRatesRequest request)
    {
        var validation = new Validation();
        var streamId = ResourceNames.ParseId(request.Parent, "fundingStreams", "parent", validation);
        var year = OptionalYear(request.Year, "year", validation);
        var page = PageTokens.Read(request.PageSize, request.PageToken, $"funding-rates|{streamId}|{year}", defaultSize: 50, maxSize: 200, validation);
        validation.ThrowIfInvalid();
        return (new ListFundingRates(streamId == "-" ? null : streamId, year), page);
    }

    public CreateArrsClaim Parse(CreateArrsClaimRequest request)
    {
        var validation = new Validation();
        var pcnId = ResourceNames.ParseId(request.Parent, "pcns", "parent", validation);
        var claim = request.Claim ?? new Llr.Finance.V1.ArrsClaim();
        var year = Year(claim.Year, "claim.year", validation);
        var role = claim.Role switch
        {
            ProtoArrsRole.ClinicalPharmacist => Domain.Arrs.ArrsRole.ClinicalPharmacist,
            ProtoArrsRole.SocialPrescriber => Domain.Arrs.ArrsRole.SocialPrescriber,
            ProtoArrsRole.Physiotherapist => Domain.Arrs.ArrsRole.Physiotherapist,
            ProtoArrsRole.PhysicianAssociate => Domain.Arrs.ArrsRole.PhysicianAssociate,
            ProtoArrsRole.CommunityParamedic => Domain.Arrs.ArrsRole.CommunityParamedic,
            _ => Invalid<Domain.Arrs.ArrsRole>(validation, "claim.role", "is required: one of the scheme's additional roles."),
        };
        var fte = Decimal(claim.Fte, "claim.fte", validation);
        validation.Require(fte is null or > 0m, "claim.fte", "must be greater than 0 (whole-time equivalents in post).");
        validation.Require(fte is null or <= MaxFte, "claim.fte", $"must be at most {MaxFte:N0}.");
        validation.Require(claim.Months is >= 1 and <= 12, "claim.months", $"must be between 1 and 12 (months in post in the year); got {claim.Months}.");
        var salary = ProtoMoney.Read(claim.AnnualSalaryCost, "claim.annual_salary_cost", validation);
        validation.Require(salary is null or > 0m, "claim.annual_salary_cost", "must be more than £0.");
        validation.Require(salary is null or <= MaxAnnualSalaryCost, "claim.annual_salary_cost", $"must be at most £{MaxAnnualSalaryCost:N0}.");
        validation.ThrowIfInvalid();
        return new CreateArrsClaim(pcnId, new ArrsClaimRequest(year, role, fte!.Value, claim.Months, salary!.Value));
    }

    public SetFundingRate Parse(UpdateFundingRateRequest request)
    {
        var validation = new Validation();
        var rate = request.FundingRate ?? new Llr.Finance.V1.FundingRate();
        var ids = ResourceNames.ParseIds(rate.Name, "fundingStreams/{stream}/rates/{year}", "funding_rate.name", validation);
        var year = ids[1].Length > 0 ? Year(ids[1], "funding_rate.name", validation) : default;
        var perHead = ProtoMoney.Read(rate.RatePerHead, "funding_rate.rate_per_head", validation);
        validation.Require(perHead is null or >= 0m, "funding_rate.rate_per_head", "must not be negative.");
        validation.Require(perHead is null or <= MaxRatePerHead, "funding_rate.rate_per_head", $"must be at most £{MaxRatePerHead:N0} a head.");
        decimal? factor = rate.PartYearFactor is null ? null : Decimal(rate.PartYearFactor, "funding_rate.part_year_factor", validation);
        validation.Require(factor is null or > 0m and <= 1m, "funding_rate.part_year_factor", "must be more than 0 and at most 1 (the share of the year paid).");
        validation.ThrowIfInvalid();
        return new SetFundingRate(ids[0], year, perHead!.Value, factor, RequestId(request.RequestId));
    }

    public FinancialYear Parse(GetFinancialYearRequest request) => KnownFinancialYear(request.Name, "name");

    public CloseFinancialYear Parse(CloseFinancialYearRequest request) => new(KnownFinancialYear(request.Name, "name"));

    public (ListPriorYearAdjustments Query, PageTokens.Page Page) Parse(ListPriorYearAdjustmentsRequest request)
    {
        var validation = new Validation();
        var year = FinancialYearName(request.Parent, "parent", validation);
        var pcnId = string.IsNullOrEmpty(request.Pcn) ? null : ResourceNames.ParseId(request.Pcn, "pcns", "pcn", validation);
        var streamId = string.IsNullOrEmpty(request.FundingStream)
            ? null
            : ResourceNames.ParseId(request.FundingStream, "fundingStreams", "funding_stream", validation);
        var page = PageTokens.Read(
            request.PageSize, request.PageToken, $"prior-year-adjustments|{year}|{pcnId}|{streamId}", defaultSize: 50, maxSize: 200, validation);
        validation.ThrowIfInvalid();
        return (new ListPriorYearAdjustments(RequireKnown(year), pcnId, streamId), page);
    }

    /// <summary>
    /// The request id of a write as a UUID; null when none was given. A malformed one is left to the idempotent-write
    /// wrapper, which refuses it before the write runs.
    /// </summary>
    private static Guid? RequestId(string requestId) => Guid.TryParse(requestId, out var id) ? id : null;

    /// <summary>
    /// A financial year's resource name. Unlike the years inside other names, a well-formed year Finance has no figures
    /// for is a financial year that is not there: NOT_FOUND, not INVALID_ARGUMENT.
    /// </summary>
    private FinancialYear KnownFinancialYear(string name, string field)
    {
        var validation = new Validation();
        var year = FinancialYearName(name, field, validation);
        validation.ThrowIfInvalid();
        return RequireKnown(year);
    }

    private static FinancialYear FinancialYearName(string name, string field, Validation validation)
    {
        var id = ResourceNames.ParseId(name, "financialYears", field, validation);
        if (id.Length > 0 && !FinancialYear.TryParse(id, out _))
            validation.Add(field, $"{Quoted.Input(id)} is not a financial year like \"2019-20\".");
        return FinancialYear.TryParse(id, out var year) ? year : default;
    }

    private FinancialYear RequireKnown(FinancialYear year) =>
        knownYears.Contains(year) ? year : throw new NotFoundException("llr.finance.v1.FinancialYear", $"financialYears/{year}");

    private (string PcnId, FinancialYear Year) PcnAndYear(string name, string pattern)
    {
        var validation = new Validation();
        var ids = ResourceNames.ParseIds(name, pattern, "name", validation);
        var year = ids[1].Length > 0 ? Year(ids[1], "name", validation) : default;
        validation.ThrowIfInvalid();
        return (ids[0], year);
    }

    private FinancialYear YearOnly(string name, string pattern)
    {
        var validation = new Validation();
        var ids = ResourceNames.ParseIds(name, pattern, "name", validation);
        var year = ids[0].Length > 0 ? Year(ids[0], "name", validation) : default;
        validation.ThrowIfInvalid();
        return year;
    }

    private FinancialYear Year(string text, string field, Validation validation)
    {
        if (!FinancialYear.TryParse(text, out var year))
            validation.Add(field, string.IsNullOrEmpty(text) ? "a financial year is required, like \"2019-20\"." : $"{Quoted.Input(text)} is not a financial year like \"2019-20\".");
        else if (!knownYears.Contains(year))
            validation.Add(field, $"{year} is not a year Finance has figures for; known years: {string.Join(", ", knownYears.Order())}.");
        return year;
    }

    private FinancialYear? OptionalYear(string text, string field, Validation validation) =>
        string.IsNullOrEmpty(text) ? null : Year(text, field, validation);

    private static decimal? Decimal(Google.Type.Decimal? value, string field, Validation validation)
    {
        if (value is null || string.IsNullOrEmpty(value.Value))
        {
            validation.Add(field, "is required, as a decimal such as \"1.5\".");
            return null;
        }
        if (decimal.TryParse(value.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            return number;
        validation.Add(field, $"{Quoted.Input(value.Value)} is not a decimal number.");
        return null;
    }

    private static T Invalid<T>(Validation validation, string field, string description)
    {
        validation.Add(field, description);
        return default!;
    }
}
