using Finance.Api.Application;
using Grpc.Core;
using Llr.Audit.V1;
using Llr.Finance.V1;
using Platform.Data.Idempotency;
using Platform.ServiceDefaults.Audit;
using Platform.ServiceDefaults.Grpc;

namespace Finance.Api.Grpc;

/// <summary>
/// llr.finance.v1.FinanceService: parse, delegate to the application layer, map back. No rules live here; errors
/// thrown below become gRPC statuses in ServiceDefaults' ErrorMappingInterceptor.
/// </summary>
public sealed class FinanceService(
    RequestParsing parsing, FinanceQueries queries, FinanceCommands commands, IdempotentWrites writes, ClosedYears closedYears,
    AuditRecords auditRecords)
    : Llr.Finance.V1.FinanceService.FinanceServiceBase
{
    public override async Task<PcnAllocation> GetPcnAllocation(GetPcnAllocationRequest request, ServerCallContext context)
    {
        var (allocation, status) = await closedYears.GetPcnAllocationAsync(parsing.Parse(request), context.CancellationToken);
        return allocation.ToProto(status);
    }

    public override async Task<SystemAllocation> GetSystemAllocation(GetSystemAllocationRequest request, ServerCallContext context)
    {
        var (allocation, status) = await closedYears.GetSystemAllocationAsync(parsing.Parse(request), context.CancellationToken);
        return allocation.ToProto(status);
    }

    public override async Task<ReconciliationReport> GetReconciliationReport(GetReconciliationReportRequest request, ServerCallContext context) =>
        (await queries.GetReconciliationAsync(parsing.Parse(request), context.CancellationToken)).ToProto();

    public override async Task<ArrsEntitlement> GetArrsEntitlement(GetArrsEntitlementRequest request, ServerCallContext context) =>
        (await queries.GetArrsEntitlementAsync(parsing.Parse(request), "name", context.CancellationToken)).ToProto();

    public override Task<ArrsClaim> CreateArrsClaim(CreateArrsClaimRequest request, ServerCallContext context)
    {
        var command = parsing.Parse(request);
        return writes.RunOnceAsync(request, request.RequestId, async (work, cancellationToken) =>
            (await commands.CreateArrsClaimAsync(work, command, "claim.year", cancellationToken)).ToProto(), context.CancellationToken);
    }

    public override async Task<ListArrsClaimsResponse> ListArrsClaims(ListArrsClaimsRequest request, ServerCallContext context)
    {
        var (query, pageAsked) = parsing.Parse(request);
        var claims = await queries.ListArrsClaimsAsync(query, "year", context.CancellationToken);
        var (page, next) = PageTokens.Paginate(Keyed(claims), entry => entry.Key, pageAsked);
        var response = new ListArrsClaimsResponse { NextPageToken = next };
        response.Claims.AddRange(page.Select(entry => entry.Item.ToProto()));
        return response;
    }

    public override Task<BudgetStatement> GetBudgetStatement(GetBudgetStatementRequest request, ServerCallContext context)
    {
        var (statement, coCommissioning, gpForwardView) = queries.GetBudgetStatement(parsing.Parse(request));
        return Task.FromResult(statement.ToProto(coCommissioning, gpForwardView));
    }

    public override async Task<ListFundingRatesResponse> ListFundingRates(ListFundingRatesRequest request, ServerCallContext context)
    {
        var (query, pageAsked) = parsing.Parse(request);
        var rates = await queries.ListFundingRatesAsync(query, context.CancellationToken);
        var (page, next) = PageTokens.Paginate(Keyed(rates), entry => entry.Key, pageAsked);
        var response = new ListFundingRatesResponse { NextPageToken = next };
        response.FundingRates.AddRange(page.Select(entry => entry.Item.ToProto(queries.Stream(entry.Item.StreamId))));
        return response;
    }

    /// <summary>
    /// Page keys for a list in its own stable order (claims oldest first; rates in table order): the position,
    /// zero-padded so keys sort as the list does. Claims are only appended, so earlier positions never move.
    /// </summary>
    private static IReadOnlyList<(T Item, string Key)> Keyed<T>(IReadOnlyList<T> items) =>
        items.Select((item, index) => (item, index.ToString("D10", System.Globalization.CultureInfo.InvariantCulture))).ToList();

    public override Task<FundingRate> UpdateFundingRate(UpdateFundingRateRequest request, ServerCallContext context)
    {
        var command = parsing.Parse(request);
        return writes.RunOnceAsync(request, request.RequestId, async (work, cancellationToken) =>
            (await commands.SetFundingRateAsync(work, command, cancellationToken)).ToProto(queries.Stream(command.StreamId)),
            context.CancellationToken);
    }

    public override async Task<FinancialYear> GetFinancialYear(GetFinancialYearRequest request, ServerCallContext context) =>
        (await closedYears.GetAsync(parsing.Parse(request), context.CancellationToken)).ToProto();

    public override Task<FinancialYear> CloseFinancialYear(CloseFinancialYearRequest request, ServerCallContext context)
    {
        var command = parsing.Parse(request);
        return writes.RunOnceAsync(request, request.RequestId, async (work, cancellationToken) =>
            (await closedYears.CloseAsync(work, command, cancellationToken)).ToProto(), context.CancellationToken);
    }

    public override async Task<ListPriorYearAdjustmentsResponse> ListPriorYearAdjustments(
        ListPriorYearAdjustmentsRequest request, ServerCallContext context)
    {
        var (query, pageAsked) = parsing.Parse(request);
        var adjustments = await closedYears.ListAdjustmentsAsync(query, context.CancellationToken);
        // Keyed by the order they were recorded in: later adjustments only ever come after the last page's key.
        var (page, next) = PageTokens.Paginate(
            adjustments, adjustment => adjustment.Sequence.ToString("D19", System.Globalization.CultureInfo.InvariantCulture), pageAsked);
        var response = new ListPriorYearAdjustmentsResponse { NextPageToken = next };
        response.PriorYearAdjustments.AddRange(page.Select(adjustment => adjustment.ToProto()));
        return response;
    }

    /// <summary>The audit trail of this service's writes: ServiceDefaults keeps it and answers for every service.</summary>
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        auditRecords.ListAsync(request, context.CancellationToken);
}
