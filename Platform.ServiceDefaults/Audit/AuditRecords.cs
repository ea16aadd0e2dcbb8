using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Llr.Audit.V1;
using Platform.Data.Audit;
using Platform.Domain.Errors;
using Platform.ServiceDefaults.Grpc;

namespace Platform.ServiceDefaults.Audit;

/// <summary>
/// ListAuditRecords, the same for every service (llr.audit.v1): a service's gRPC class delegates its RPC here.
/// Newest first, keyset-paged by the record's id with the platform's signed page tokens.
/// </summary>
public sealed class AuditRecords(AuditStore store)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>Far longer than any client id or resource name; a longer filter cannot match a record.</summary>
    public const int MaxFilterLength = AuditStore.MaxValueLength;

    public async Task<ListAuditRecordsResponse> ListAsync(ListAuditRecordsRequest request, CancellationToken cancellationToken)
    {
        var validation = new Validation();
        var filter = new AuditFilter(
            Text(request.ClientId, "client_id", validation),
            Text(request.Resource, "resource", validation),
            Time(request.StartTime, "start_time", validation),
            Time(request.EndTime, "end_time", validation));
        if (filter is { Start: { } start, End: { } end } && end <= start) validation.Add("end_time", "must be after start_time.");
        var page = PageTokens.Read(request.PageSize, request.PageToken, Fingerprint(filter), DefaultPageSize, MaxPageSize, validation);
        validation.ThrowIfInvalid();

        // The key is one this service signed: always an id it wrote.
        long? before = page.After is null ? null : long.Parse(page.After, CultureInfo.InvariantCulture);
        // One more than the page, to know whether another page follows without a count query.
        var records = await store.ListAsync(filter, before, page.Size + 1, cancellationToken);
        var items = records.Take(page.Size).ToList();
        var response = new ListAuditRecordsResponse
        {
            NextPageToken = PageTokens.Next(page.Fingerprint, items.LastOrDefault()?.Id.ToString(CultureInfo.InvariantCulture), records.Count > page.Size),
        };
        response.AuditRecords.AddRange(items.Select(ToProto));
        return response;
    }

    public static AuditRecord ToProto(AuditRow record) => new()
    {
        RecordTime = Timestamp.FromDateTimeOffset(record.RecordedAt),
        ClientId = record.ClientId,
        Method = record.Method,
        Resource = record.Resource,
        RequestId = record.RequestId,
        Outcome = AuditOutcomes.CodeOf(record.Outcome),
        Replay = record.Replay,
    };

    private static string? Text(string value, string field, Validation validation)
    {
        if (value.Length == 0) return null;
        if (value.Length > MaxFilterLength) validation.Add(field, $"must be at most {MaxFilterLength} characters ({value.Length} given).");
        else if (value.Any(char.IsControl)) validation.Add(field, $"{Quoted.Input(value)} must not contain control characters.");
        return value;
    }

    private static DateTimeOffset? Time(Timestamp? time, string field, Validation validation)
    {
        if (time is null) return null;
        // Timestamp's own range (years 1 to 9999) and whole nanoseconds: what ToDateTimeOffset accepts.
        if (time.Seconds is < MinSeconds or > MaxSeconds || time.Nanos is < 0 or > 999_999_999)
        {
            validation.Add(field, $"is not a valid timestamp (seconds {time.Seconds}, nanos {time.Nanos}).");
            return null;
        }
        return time.ToDateTimeOffset();
    }

    private const long MinSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
    private const long MaxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    // The filters a token is valid for: no control characters pass validation, so the separator cannot be forged.
    private static string Fingerprint(AuditFilter filter) => string.Join('\u001f', "audit",
        filter.ClientId ?? "", filter.Resource ?? "", filter.Start?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "",
        filter.End?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "");
}
