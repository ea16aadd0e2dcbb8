using Grpc.Core;
using Llr.Practices.V1;
using Platform.Data.Idempotency;
using Platform.Domain.Errors;
using Platform.ServiceDefaults.Grpc;
using Practices.Api.Application;

namespace Practices.Api.Grpc;

/// <summary>
/// llr.practices.v1.PracticeRegistryService: parse, delegate to the application layer, map back. No rules live here;
/// errors thrown below become gRPC statuses in ServiceDefaults' ErrorMappingInterceptor.
/// </summary>
public sealed class PracticeRegistryService(
    RegistryQueries queries, RegistryCommands commands, IdempotentWrites writes, TimeProvider clock)
    : Llr.Practices.V1.PracticeRegistryService.PracticeRegistryServiceBase
{
    public override async Task<ListPcnsResponse> ListPcns(ListPcnsRequest request, ServerCallContext context)
    {
        var validation = new Validation();
        var asAt = RequestParsing.AsAt(request.AsAtDate, Today, validation);
        var ccg = RequestParsing.Ccg(request.Ccg, validation);
        var page = PageTokens.Read(request.PageSize, request.PageToken, $"pcns|{asAt}|{ccg}", defaultSize: 50, maxSize: 100, validation);
        validation.ThrowIfInvalid();

        var pcns = await queries.ListPcnsAsync(asAt, ccg, context.CancellationToken);
        var (items, next) = Paginate(pcns, pcn => pcn.Pcn.Id, page, $"pcns|{asAt}|{ccg}");
        var response = new ListPcnsResponse { NextPageToken = next };
        response.Pcns.AddRange(items.Select(pcn => pcn.ToProto()));
        return response;
    }

    public override async Task<Pcn> GetPcn(GetPcnRequest request, ServerCallContext context)
    {
        var validation = new Validation();
        var pcnId = ResourceNames.ParseId(request.Name, RequestParsing.Pcns, "name", validation);
        var asAt = RequestParsing.AsAt(request.AsAtDate, Today, validation);
        validation.ThrowIfInvalid();
        return (await queries.GetPcnAsync(pcnId, asAt, context.CancellationToken)).ToProto();
    }

    public override async Task<ListPracticesResponse> ListPractices(ListPracticesRequest request, ServerCallContext context)
    {
        var validation = new Validation();
        var asAt = RequestParsing.AsAt(request.AsAtDate, Today, validation);
        var pcnId = string.IsNullOrEmpty(request.Pcn) ? null : ResourceNames.ParseId(request.Pcn, RequestParsing.Pcns, "pcn", validation);
        var ccg = RequestParsing.Ccg(request.Ccg, validation);
        var odsCode = RequestParsing.OdsCode(request.OdsCode, validation);
        var query = $"practices|{asAt}|{pcnId}|{ccg}|{odsCode}";
        var page = PageTokens.Read(request.PageSize, request.PageToken, query, defaultSize: 50, maxSize: 200, validation);
        validation.ThrowIfInvalid();

        var practices = await queries.ListPracticesAsync(asAt, pcnId, ccg, odsCode, context.CancellationToken);
        var (items, next) = Paginate(practices, practice => practice.Practice.Id, page, query);
        var response = new ListPracticesResponse { NextPageToken = next };
        response.Practices.AddRange(items.Select(practice => practice.ToProto()));
        return response;
    }

    public override async Task<Practice> GetPractice(GetPracticeRequest request, ServerCallContext context)
    {
        var validation = new Validation();
        var practiceId = ResourceNames.ParseId(request.Name, RequestParsing.Practices, "name", validation);
        var asAt = RequestParsing.AsAt(request.AsAtDate, Today, validation);
        validation.ThrowIfInvalid();
        return (await queries.GetPracticeAsync(practiceId, asAt, context.CancellationToken)).ToProto();
    }

    public override async Task<ListPracticeMembershipsResponse> ListPracticeMemberships(ListPracticeMembershipsRequest request, ServerCallContext context)
    {
        var history = await queries.ListMembershipsAsync(RequestParsing.PracticeId(request.Parent, "parent"), context.CancellationToken);
        var response = new ListPracticeMembershipsResponse();
        response.Memberships.AddRange(history.Select(membership => membership.ToProto()));
        return response;
    }

    public override Task<TransferPracticeResponse> TransferPractice(TransferPracticeRequest request, ServerCallContext context)
    {
        var command = RequestParsing.Parse(request);
        return writes.RunOnceAsync(request, request.RequestId, async (transaction, cancellationToken) =>
        {
            var (practice, history) = await commands.TransferAsync(transaction, command, cancellationToken);
            var response = new TransferPracticeResponse { Practice = practice.ToProto() };
            response.Memberships.AddRange(history.Select(membership => membership.ToProto()));
            return response;
        }, context.CancellationToken);
    }

    public override Task<ListSize> CreateListSize(CreateListSizeRequest request, ServerCallContext context)
    {
        var command = RequestParsing.Parse(request);
        return writes.RunOnceAsync(request, request.RequestId, async (transaction, cancellationToken) =>
            (await commands.RecordListSizeAsync(transaction, command, cancellationToken)).ToProto(), context.CancellationToken);
    }

    public override async Task<ListListSizesResponse> ListListSizes(ListListSizesRequest request, ServerCallContext context)
    {
        var validation = new Validation();
        var practiceId = ResourceNames.ParseId(request.Parent, RequestParsing.Practices, "parent", validation);
        var query = $"listSizes|{practiceId}";
        var page = PageTokens.Read(request.PageSize, request.PageToken, query, defaultSize: 50, maxSize: 200, validation);
        validation.ThrowIfInvalid();

        DateOnly? before = page.After is null ? null : DateOnly.Parse(page.After);
        // One more than the page, to know whether another page follows without a count query.
        var sizes = await queries.ListListSizesAsync(practiceId, before, page.Size + 1, context.CancellationToken);
        var items = sizes.Take(page.Size).ToList();
        var response = new ListListSizesResponse
        {
            NextPageToken = PageTokens.Next(query, items.LastOrDefault()?.AsAt.ToString("yyyy-MM-dd"), hasMore: sizes.Count > page.Size),
        };
        response.ListSizes.AddRange(items.Select(size => size.ToProto()));
        return response;
    }

    public override Task<MergePracticesResponse> MergePractices(MergePracticesRequest request, ServerCallContext context)
    {
        var command = RequestParsing.Parse(request);
        return writes.RunOnceAsync(request, request.RequestId, async (transaction, cancellationToken) =>
        {
            var (successor, closed) = await commands.MergeAsync(transaction, command, cancellationToken);
            var response = new MergePracticesResponse { Successor = successor.ToProto() };
            response.Closed.AddRange(closed.Select(practice => practice.ToProto()));
            return response;
        }, context.CancellationToken);
    }

    public override async Task<DataQualityReport> GetDataQualityReport(GetDataQualityReportRequest request, ServerCallContext context)
    {
        var validation = new Validation();
        var asAt = RequestParsing.AsAt(request.AsAtDate, Today, validation);
        validation.ThrowIfInvalid();
        return (await queries.GetDataQualityReportAsync(asAt, context.CancellationToken)).ToProto();
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Keyset paging over an ordered in-memory list: the page after the token's key.</summary>
    private static (IReadOnlyList<T> Items, string NextPageToken) Paginate<T>(IReadOnlyList<T> ordered, Func<T, string> key, PageTokens.Page page, string query)
    {
        var remaining = page.After is null ? ordered : ordered.SkipWhile(item => string.CompareOrdinal(key(item), page.After) <= 0).ToList();
        var items = remaining.Take(page.Size).ToList();
        var next = PageTokens.Next(query, items.Count > 0 ? key(items[^1]) : null, hasMore: remaining.Count > page.Size);
        return (items, next);
    }
}
