using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Finance.Api.Infrastructure;
using Finance.Api.Infrastructure.ReferenceData;
using Finance.Domain.Allocations;
using Finance.Domain.Arrs;
using Finance.Domain.Budgets;
using Finance.Domain.ClosedYears;
using Finance.Domain.Model;
using Finance.Domain.Reconciliation;
using Npgsql;
using Platform.Data;
using Platform.Domain.Errors;

namespace Finance.Api.Application;

/// <summary>
/// Every answer Finance gives, computed on request from the rates, the population copy and the documents' tables.
/// Years arrive checked: request parsing refuses a year Finance has no rates for.
/// </summary>
public sealed class FinanceQueries(
    FinanceStore store, ClosedYearStore closedStore, FinanceReferenceData reference, NpgsqlDataSource dataSource)
{
    // The rates, the population copy and the closed years, kept while nothing commits: most reads are then one shared
    // round trip. One entry holds every PCN's (a few hundred rows), so reads of one PCN share what reads of all loaded.
    private readonly SnapshotCache<bool, AllocationInputs> _inputs = new(dataSource, capacity: 1);

    /// <summary>What allocations are computed from, and which years are closed, as of one snapshot.</summary>
    public Task<AllocationInputs> LoadInputsAsync(CancellationToken cancellationToken) =>
        _inputs.GetAsync(true, async (work, cancel) =>
        {
            var rates = reference.InTableOrder(await store.ListRatesAsync(work, cancel));
            var populations = await store.LoadPopulationsAsync(work, pcnIds: null, cancel);
            return new AllocationInputs(rates, populations, await closedStore.ListClosedAsync(work, cancel));
        }, cancellationToken);

    // Kept inputs answer every read until the next commit, so each PCN's allocation in them is worked out once; only
    // those found are kept, so names Finance does not know cannot fill it (at most the PCNs times the years).
    private readonly ConditionalWeakTable<AllocationInputs, ConcurrentDictionary<GetPcnAllocation, PcnAllocation>> _computed = new();

    /// <summary>The PCN's allocation as computed from the inputs (for a year that is open in them).</summary>
    public PcnAllocation ComputePcnAllocation(GetPcnAllocation query, AllocationInputs inputs)
    {
        var computed = _computed.GetValue(inputs, _ => new ConcurrentDictionary<GetPcnAllocation, PcnAllocation>());
        if (computed.TryGetValue(query, out var kept)) return kept;

        var (pcnId, year) = query;
        var yearRates = inputs.Rates.Where(rate => rate.Year == year).ToList();
        var allocation = AllocationCalculator.ForPcn(pcnId, yearRates, reference.Streams, inputs.Populations)
            ?? throw new NotFoundException("llr.finance.v1.PcnAllocation", $"pcns/{pcnId}/allocations/{year}");
        return computed.GetOrAdd(query, allocation);
    }

    /// <summary>LLR's allocation as computed from the inputs (for a year that is open in them).</summary>
    public SystemAllocation ComputeSystemAllocation(FinancialYear year, AllocationInputs inputs)
    {
        var yearRates = inputs.Rates.Where(rate => rate.Year == year).ToList();
        var pcns = AllocationCalculator.ForAllPcns(yearRates, reference.Streams, inputs.Populations);
        return SystemAllocation.Compute(year, yearRates, pcns, reference.StatedTotals, reference.CcgPublishedFigures);
    }

    public async Task<ReconciliationReport> GetReconciliationAsync(FinancialYear year, CancellationToken cancellationToken)
    {
        var (rates, populations, _) = await LoadInputsAsync(cancellationToken);
        var yearRates = rates.Where(rate => rate.Year == year).ToList();
        var arrs = reference.ArrsFor(year) is { } funding
            ? ArrsReconciliation.Build(funding, reference.ArrsScheme, populations.AllOn(funding.ReferenceDate))
            : null;
        return ReconciliationReport.Build(year, yearRates, reference.Streams, populations, reference.StatedTotals, arrs);
    }

    /// <param name="field">The request field that named the year, for the error when the year has no ARRS table.</param>
    public async Task<ArrsEntitlement> GetArrsEntitlementAsync(GetArrsEntitlement query, string field, CancellationToken cancellationToken)
    {
        var (pcnId, year) = query;
        var funding = reference.RequireArrs(year, field);
        var populations = await store.LoadPopulationsAsync(work: null, [pcnId], cancellationToken);
        var population = PopulationOf(populations, pcnId, funding);
        var claims = await store.ListClaimsAsync(work: null, pcnId, year, cancellationToken);
        return ArrsEntitlementCalculator.For(population, funding, reference.ArrsScheme, claims, reference.ArrsSchedule);
    }

    public async Task<IReadOnlyList<ArrsClaim>> ListArrsClaimsAsync(ListArrsClaims query, string yearField, CancellationToken cancellationToken)
    {
        var (pcnId, year) = query;
        if (year is { } known) reference.RequireArrs(known, yearField);
        if (!await store.HasPcnAsync(pcnId, cancellationToken))
            throw new NotFoundException("llr.finance.v1.Pcn", $"pcns/{pcnId}");
        return await store.ListClaimsAsync(work: null, pcnId, year, cancellationToken);
    }

    public (BudgetStatement Statement, IReadOnlyList<CoCommissioningYear> CoCommissioning, IReadOnlyList<GpForwardViewLine> GpForwardView) GetBudgetStatement(FinancialYear year)
    {
        if (year != reference.CcgBudgetYear)
            throw new NotFoundException("llr.finance.v1.BudgetStatement", $"budgetStatements/{year}");
        return (BudgetStatement.Build(year, reference.CcgBudget), CoCommissioningGrowth.Compute(reference.CoCommissioning), reference.GpForwardView);
    }

    public async Task<IReadOnlyList<FundingRate>> ListFundingRatesAsync(ListFundingRates query, CancellationToken cancellationToken)
    {
        var (streamId, year) = query;
        if (streamId is not null && !reference.Streams.ContainsKey(streamId))
            throw new NotFoundException("llr.finance.v1.FundingStream", $"fundingStreams/{streamId}");
        var rates = reference.InTableOrder(await store.ListRatesAsync(work: null, cancellationToken));
        return rates.Where(rate => (streamId is null || rate.StreamId == streamId) && (year is null || rate.Year == year)).ToList();
    }

    public FundingStream Stream(string streamId) => reference.Streams[streamId];

    /// <summary>The PCN's population on the ARRS table's reference date; NOT_FOUND for a PCN Finance has never heard of.</summary>
    private static PcnPopulation PopulationOf(PopulationHistory populations, string pcnId, ArrsYearFunding funding) =>
        populations.On(pcnId, funding.ReferenceDate)
        ?? throw new NotFoundException("llr.finance.v1.ArrsEntitlement", $"pcns/{pcnId}/arrsEntitlements/{funding.Year}");
}

/// <summary>The rates, the population copy and the closed years, read under one snapshot.</summary>
public sealed record AllocationInputs(IReadOnlyList<FundingRate> Rates, PopulationHistory Populations, IReadOnlyList<ClosedYear> Closed)
{
    public YearStatus StatusOf(FinancialYear year) => new(year, Closed.FirstOrDefault(closed => closed.Year == year));
}
