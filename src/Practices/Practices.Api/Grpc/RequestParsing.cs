using Llr.Practices.V1;
using Platform.Domain.Errors;
using Platform.ServiceDefaults.Grpc;
using Practices.Api.Application;
using Practices.Domain.Model;
using Practices.Domain.Rules;
using ProtoCcg = Llr.Practices.V1.Ccg;

namespace Practices.Api.Grpc;

/// <summary>
/// Turns requests into commands and query arguments, collecting every field violation before answering, so a caller
/// learns all that is wrong with a request at once (INVALID_ARGUMENT with google.rpc.BadRequest).
/// </summary>
public static class RequestParsing
{
    public const string Pcns = "pcns";
    public const string Practices = "practices";

    public static TransferPractice Parse(TransferPracticeRequest request)
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

    public static RecordListSize Parse(CreateListSizeRequest request)
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
        validation.Require(size.RegisteredPatients >= 0, "list_size.registered_patients", "must not be negative.");
        validation.Require(!size.HasWeightedPatients || size.WeightedPatients >= 0, "list_size.weighted_patients", "must not be negative.");
        validation.ThrowIfInvalid();
        return new RecordListSize(practiceId, asAt, size.RegisteredPatients, size.HasWeightedPatients ? size.WeightedPatients : null);
    }

    public static MergePractices Parse(MergePracticesRequest request)
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

    public static string PracticeId(string name, string field)
    {
        var validation = new Validation();
        var id = ResourceNames.ParseId(name, Practices, field, validation);
        validation.ThrowIfInvalid();
        return id;
    }

    public static string PcnId(string name, string field)
    {
        var validation = new Validation();
        var id = ResourceNames.ParseId(name, Pcns, field, validation);
        validation.ThrowIfInvalid();
        return id;
    }

    /// <summary>An optional as-at date; unset means today.</summary>
    public static DateOnly AsAt(Google.Type.Date? date, DateOnly today, Validation validation) =>
        ProtoDates.OrDefault(date, "as_at_date", today, validation);

    /// <summary>An optional ODS code filter; a malformed code is refused rather than matching nothing.</summary>
    public static string? OdsCode(string odsCode, Validation validation)
    {
        if (odsCode.Length == 0) return null;
        validation.Require(OdsCodes.IsValidPracticeCode(odsCode), "ods_code", $"\"{odsCode}\" is not a GP practice ODS code (a capital letter and five digits, e.g. C82037).");
        return odsCode;
    }

    /// <summary>An optional CCG filter; values this version does not know are refused rather than ignored.</summary>
    public static Domain.Model.Ccg? Ccg(ProtoCcg ccg, Validation validation)
    {
        if (ccg == ProtoCcg.Unspecified) return null;
        if (!Enum.IsDefined(ccg))
        {
            validation.Add("ccg", $"{(int)ccg} is not a known CCG.");
            return null;
        }
        return (Domain.Model.Ccg)(int)ccg;
    }
}
