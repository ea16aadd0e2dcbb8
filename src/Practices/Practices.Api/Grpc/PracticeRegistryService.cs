using Grpc.Core;
using Llr.Audit.V1;
using Llr.Practices.V1;
using Platform.Data.Idempotency;
using Platform.ServiceDefaults.Audit;
using Platform.ServiceDefaults.Grpc;
using Practices.Api.Application;

namespace Practices.Api.Grpc;

/// <summary>
/// llr.practices.v1.PracticeRegistryService: parse, delegate to the application layer, map back. No rules live here;
/// errors thrown below become gRPC statuses in ServiceDefaults' ErrorMappingInterceptor.
/// </summary>
public sealed class PracticeRegistryService(
    RequestParsing parsing, RegistryQueries queries, RegistryCommands commands, IdempotentWrites writes, AuditRecords auditRecords)
    : Llr.Practices.V1.PracticeRegistryService.PracticeRegistryServiceBase
{
    public override async Task<ListPcnsResponse> ListPcns(ListPcnsRequest request, ServerCallContext context)
    {
        var (query, pageAsked) = parsing.Parse(request);
        var pcns = await queries.ListPcnsAsync(query, context.CancellationToken);
        var (page, next) = PageTokens.Paginate(pcns, pcn => pcn.Pcn.Id, pageAsked);
        var response = new ListPcnsResponse { NextPageToken = next };
        response.Pcns.AddRange(page.Select(pcn => pcn.ToProto()));
        return response;
    }

    public override async Task<Pcn> GetPcn(GetPcnRequest request, ServerCallContext context)
    {
        return (await queries.GetPcnAsync(parsing.Parse(request), context.CancellationToken)).ToProto();
    }

    public override async Task<ListPracticesResponse> ListPractices(ListPracticesRequest request, ServerCallContext context)
    {
        var (query, pageAsked) = parsing.Parse(request);
        var practices = await queries.ListPracticesAsync(query, context.CancellationToken);
        var (page, next) = PageTokens.Paginate(practices, practice => practice.Practice.Id, pageAsked);
        var response = new ListPracticesResponse { NextPageToken = next };
        response.Practices.AddRange(page.Select(practice => practice.ToProto()));
        return response;
    }

    public override async Task<Practice> GetPractice(GetPracticeRequest request, ServerCallContext context)
    {
        return (await queries.GetPracticeAsync(parsing.Parse(request), context.CancellationToken)).ToProto();
    }

    public override async Task<ListPracticeMembershipsResponse> ListPracticeMemberships(ListPracticeMembershipsRequest request, ServerCallContext context)
    {
        var history = await queries.ListMembershipsAsync(parsing.Parse(request), context.CancellationToken);
        var response = new ListPracticeMembershipsResponse();
        response.Memberships.AddRange(history.Select(membership => membership.ToProto()));
        return response;
    }

    public override Task<TransferPracticeResponse> TransferPractice(TransferPracticeRequest request, ServerCallContext context)
    {
        var command = parsing.Parse(request);
        return writes.RunOnceAsync(request, request.RequestId, async (work, cancellationToken) =>
        {
            var (practice, history) = await commands.TransferAsync(work, command, cancellationToken);
            var response = new TransferPracticeResponse { Practice = practice.ToProto() };
            response.Memberships.AddRange(history.Select(membership => membership.ToProto()));
            return response;
        }, context.CancellationToken);
    }

    public override Task<ListSize> CreateListSize(CreateListSizeRequest request, ServerCallContext context)
    {
        var command = parsing.Parse(request);
        return writes.RunOnceAsync(request, request.RequestId, async (work, cancellationToken) =>
            (await commands.RecordListSizeAsync(work, command, cancellationToken)).ToProto(), context.CancellationToken);
    }

    public override async Task<ListListSizesResponse> ListListSizes(ListListSizesRequest request, ServerCallContext context)
    {
        var (query, page) = parsing.Parse(request);
        // One more than the page, to know whether another page follows without a count query.
        var sizes = await queries.ListListSizesAsync(query, page.Size + 1, context.CancellationToken);
        var items = sizes.Take(page.Size).ToList();
        var response = new ListListSizesResponse
        {
            NextPageToken = PageTokens.Next(page.Fingerprint, items.LastOrDefault()?.AsAt.ToString("yyyy-MM-dd"), hasMore: sizes.Count > page.Size),
        };
        response.ListSizes.AddRange(items.Select(size => size.ToProto()));
        return response;
    }

    public override Task<MergePracticesResponse> MergePractices(MergePracticesRequest request, ServerCallContext context)
    {
        var command = parsing.Parse(request);
        return writes.RunOnceAsync(request, request.RequestId, async (work, cancellationToken) =>
        {
            var (successor, closed) = await commands.MergeAsync(work, command, cancellationToken);
            var response = new MergePracticesResponse { Successor = successor.ToProto() };
            response.Closed.AddRange(closed.Select(practice => practice.ToProto()));
            return response;
        }, context.CancellationToken);
    }

    public override async Task<DataQualityReport> GetDataQualityReport(GetDataQualityReportRequest request, ServerCallContext context) =>
        (await queries.GetDataQualityReportAsync(parsing.Parse(request), context.CancellationToken)).ToProto();

    /// <summary>The audit trail of this service's writes: ServiceDefaults keeps it and answers for every service.</summary>
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        auditRecords.ListAsync(request, context.CancellationToken);
}
