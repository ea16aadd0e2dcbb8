using Llr.Practices.V1;
using Platform.Domain.Errors;
using Platform.ServiceDefaults.Grpc;
using Practices.Api.Application;
using Practices.Domain.Model;
using Practices.Domain.Rules;
using ProtoCcg = Llr.Practices.V1.Ccg;

namespace Practices.Api.Grpc;

/// <summary>
/// Turns requests into the application's commands and queries (and, for lists, the page asked for), collecting every
/// field violation before answering, so a caller learns all that is wrong with a request at once (INVALID_ARGUMENT
/// with google.rpc.BadRequest). An unset as-at date means today.
/// </summary>
public sealed class RequestParsing(TimeProvider clock)
{
    /// <summary>
    /// The largest list a practice can have: no practice in England comes near a million patients (all of LLR is
    /// about 1.15 million), and with it a sum over every practice cannot overflow.
    /// </summary>
    public const long MaxListSize = 1_000_000;

    public const string Pcns = "pcns";
    public const string Practices = "practices";

    public (ListPcns Query, PageTokens.Page Page) Parse(ListPcnsRequest request)
    {
        var validation = new Validation();
        var asAt = AsAt(request.AsAtDate, validation);
        var ccg = Ccg(request.Ccg, validation);
        var page = PageTokens.Read(request.PageSize, request.PageToken, $"pcns|{asAt}|{ccg}", defaultSize: 50, maxSize: 100, validation);
        validation.ThrowIfInvalid();
        return (new ListPcns(asAt, ccg), page);
    }

    public (ListPractices Query, PageTokens.Page Page) Parse(ListPracticesRequest request)
    {
        var validation = new Validation();
        var asAt = AsAt(request.AsAtDate, validation);
        var pcnId = string.IsNullOrEmpty(request.Pcn) ? null : ResourceNames.ParseId(request.Pcn, Pcns, "pcn", validation);
        var ccg = Ccg(request.Ccg, validation);
        var odsCode = OdsCode(request.OdsCode, validation);
        var page = PageTokens.Read(request.PageSize, request.PageToken, $"practices|{asAt}|{pcnId}|{ccg}|{odsCode}", defaultSize: 50, maxSize: 200, validation);
        validation.ThrowIfInvalid();
        return (new ListPractices(asAt, pcnId, ccg, odsCode), page);
    }

    public GetPcn Parse(GetPcnRequest request)
    {
        var (id, asAt) = IdAsAt(request.Name, Pcns, request.AsAtDate);
        return new GetPcn(id, asAt);
    }

    public GetPractice Parse(GetPracticeRequest request)
    {
        var (id, asAt) = IdAsAt(request.Name, Practices, request.AsAtDate);
        return new GetPractice(id, asAt);
    }

    /// <summary>The date of the report.</summary>
    public DateOnly Parse(GetDataQualityReportRequest request)
    {
        var validation = new Validation();
        var asAt = AsAt(request.AsAtDate, validation);
        validation.ThrowIfInvalid();
        return asAt;
    }

    /// <summary>The practice whose memberships are asked for.</summary>
    public string Parse(ListPracticeMembershipsRequest request)
    {
        var validation = new Validation();
        var id = ResourceNames.ParseId(request.Parent, Practices, "parent", validation);
        validation.ThrowIfInvalid();
        return id;
    }

    /// <summary>A practice's list sizes, newest first: the page token carries the date of the last one returned.</summary>
    public (ListListSizes Query, PageTokens.Page Page) Parse(ListListSizesRequest request)
    {
        var validation = new Validation();
        var practiceId = ResourceNames.ParseId(request.Parent, Practices, "parent", validation);
        var page = PageTokens.Read(request.PageSize, request.PageToken, $"listSizes|{practiceId}", defaultSize: 50, maxSize: 200, validation);
        DateOnly? before = null;
        if (page.After is not null)
        {
            // A signed token carries the date this service wrote; anything else is still refused rather than crash the call.
            if (DateOnly.TryParseExact(page.After, "yyyy-MM-dd", out var date)) before = date;
            else validation.Add("page_token", PageTokens.InvalidTokenDescription);
        }
        validation.ThrowIfInvalid();
        return (new ListListSizes(practiceId, before), page);
    }

    public TransferPractice Parse(TransferPracticeRequest request)
    {
        var validation = new Validation();
        var command = new TransferPractice(
            ResourceNames.ParseId(request.Name, Practices, "name", validation),
            ResourceNames.ParseId(request.TargetPcn, Pcns, "target_pcn", validation),
            ProtoDates.Required(request.EffectiveDate, "effective_date", validation),
            string.IsNullOrEmpty(request.Etag) ? null : request.Etag);
        validation.ThrowIfInvalid();
        return command;
    }

    public RecordListSize Parse(CreateListSizeRequest request)
    {
        var validation = new Validation();
        var practiceId = ResourceNames.ParseId(request.Parent, Practices, "parent", validation);
        if (request.ListSize is not { } size)
        {
            validation.Add("list_size", "is required.");
            validation.ThrowIfInvalid();
            throw new System.Diagnostics.UnreachableException();
        }

        var asAt = ProtoDates.Required(size.AsAtDate, "list_size.as_at_date", validation);
        validation.Require(size.RegisteredPatients is >= 0 and <= MaxListSize, "list_size.registered_patients", $"must be 0 to {MaxListSize:N0}.");
        validation.Require(!size.HasWeightedPatients || size.WeightedPatients is >= 0 and <= MaxListSize, "list_size.weighted_patients", $"must be 0 to {MaxListSize:N0}.");
        validation.ThrowIfInvalid();
        return new RecordListSize(practiceId, asAt, size.RegisteredPatients, size.HasWeightedPatients ? size.WeightedPatients : null);
    }

    public MergePractices Parse(MergePracticesRequest request)
    {
        var validation = new Validation();
        var successor = ResourceNames.ParseId(request.Successor, Practices, "successor", validation);
        var predecessors = request.Predecessors
            .Select((name, index) => ResourceNames.ParseId(name, Practices, $"predecessors[{index}]", validation))
            .ToList();
        validation.Require(predecessors.Count > 0, "predecessors", "must name at least one practice to merge into the successor.");
        validation.Require(predecessors.Distinct().Count() == predecessors.Count, "predecessors", "must not name a practice twice.");
        validation.Require(!predecessors.Contains(successor) || successor.Length == 0, "predecessors", "must not include the successor.");
        var effectiveFrom = ProtoDates.Required(request.EffectiveDate, "effective_date", validation);
        validation.ThrowIfInvalid();
        return new MergePractices(successor, predecessors, effectiveFrom);
    }

    private (string Id, DateOnly AsAt) IdAsAt(string name, string collection, Google.Type.Date? asAtDate)
    {
        var validation = new Validation();
        var id = ResourceNames.ParseId(name, collection, "name", validation);
        var asAt = AsAt(asAtDate, validation);
        validation.ThrowIfInvalid();
        return (id, asAt);
    }

    /// <summary>An optional as-at date; unset means today.</summary>
    private DateOnly AsAt(Google.Type.Date? date, Validation validation) =>
        ProtoDates.OrDefault(date, "as_at_date", DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), validation);

    /// <summary>An optional ODS code filter; a malformed code is refused rather than matching nothing.</summary>
    private static string? OdsCode(string odsCode, Validation validation)
    {
        if (odsCode.Length == 0) return null;
        validation.Require(OdsCodes.IsValidPracticeCode(odsCode), "ods_code", $"{Quoted.Input(odsCode)} is not a GP practice ODS code (a capital letter and five digits, e.g. C82037).");
        return odsCode;
    }

    /// <summary>An optional CCG filter; values this version does not know are refused rather than ignored.</summary>
    private static Domain.Model.Ccg? Ccg(ProtoCcg ccg, Validation validation)
    {
        switch (ccg)
        {
            case ProtoCcg.Unspecified: return null;
            case ProtoCcg.LeicesterCity: return Domain.Model.Ccg.LeicesterCity;
            case ProtoCcg.EastLeicestershireAndRutland: return Domain.Model.Ccg.EastLeicestershireAndRutland;
            case ProtoCcg.WestLeicestershire: return Domain.Model.Ccg.WestLeicestershire;
            default:
                validation.Add("ccg", $"{(int)ccg} is not a known CCG.");
                return null;
        }
    }
}
