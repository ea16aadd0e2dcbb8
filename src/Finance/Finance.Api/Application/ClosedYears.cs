using Finance.Api.Infrastructure;
using Finance.Api.Infrastructure.ReferenceData;
using Finance.Domain.Allocations;
using Finance.Domain.ClosedYears;
using Finance.Domain.Model;
using Platform.Data;
using Platform.Domain.Errors;

namespace Finance.Api.Application;

/// <summary>A financial year as callers see it: open, or closed (with what it published).</summary>
public sealed record YearStatus(FinancialYear Year, ClosedYear? Closed)
{
    public bool IsClosed => Closed is not null;
}

/// <summary>
/// Closing financial years and what follows: a closed year answers its published figures, and a later change that
/// would alter them is recorded as prior-year adjustments instead (<see cref="PriorYearAdjustments"/>).
/// </summary>
public sealed class ClosedYears(FinanceStore store, ClosedYearStore closedStore, FinanceReferenceData reference, FinanceQueries queries)
{
    /// <summary>
    /// Closes the year with its allocations as they stand, in the caller's unit of work; a closed year is answered as
    /// it closed, unchanged. The exclusive year lock waits for changes in flight (<see cref="ClosedYearStore.LockYearsAndListClosedAsync"/>).
    /// </summary>
    public async Task<YearStatus> CloseAsync(UnitOfWork work, CloseFinancialYear command, CancellationToken cancellationToken)
    {
        var year = command.Year;
        var alreadyClosed = await closedStore.LockYearsAndListClosedAsync(work, [year], exclusive: true, cancellationToken);
        if (alreadyClosed.FirstOrDefault(closed => closed.Year == year) is { } closed)
            return new YearStatus(year, closed);

        var rates = reference.InTableOrder(await store.ListRatesAsync(work, cancellationToken))
            .Where(rate => rate.Year == year)
            .ToList();
        var populations = await store.LoadPopulationsAsync(work, pcnIds: null, cancellationToken);
        var pcns = AllocationCalculator.ForAllPcns(rates, reference.Streams, populations);
        var published = SystemAllocation.Compute(year, rates, pcns, reference.StatedTotals, reference.CcgPublishedFigures);
        return new YearStatus(year, await closedStore.InsertAsync(work, year, published, rates, cancellationToken));
    }

    public async Task<YearStatus> GetAsync(FinancialYear year, CancellationToken cancellationToken) =>
        (await queries.LoadInputsAsync(cancellationToken)).StatusOf(year);

    /// <summary>
    /// The PCN's allocation: as published when the year closed, else as computed now. Whether the year is closed comes
    /// from the same snapshot as what it is computed from, so a read costs one shared round trip while nothing commits.
    /// </summary>
    public async Task<(PcnAllocation Allocation, YearStatus Status)> GetPcnAllocationAsync(
        GetPcnAllocation query, CancellationToken cancellationToken)
    {
        var (pcnId, year) = query;
        var inputs = await queries.LoadInputsAsync(cancellationToken);
        var status = inputs.StatusOf(year);
        if (!status.IsClosed) return (queries.ComputePcnAllocation(query, inputs), status);

        // A closed year's rows never change, so they need no unit of work to be read consistently.
        var (_, pcns) = await closedStore.LoadPublishedAsync(work: null, year, [pcnId], reference, cancellationToken);
        var allocation = pcns.SingleOrDefault() ?? throw new NotFoundException("llr.finance.v1.PcnAllocation", $"pcns/{pcnId}/allocations/{year}");
        return (allocation, status);
    }

    /// <summary>LLR's allocation: as published when the year closed, else as computed now.</summary>
    public async Task<(SystemAllocation Allocation, YearStatus Status)> GetSystemAllocationAsync(FinancialYear year, CancellationToken cancellationToken)
    {
        var inputs = await queries.LoadInputsAsync(cancellationToken);
        var status = inputs.StatusOf(year);
        if (!status.IsClosed) return (queries.ComputeSystemAllocation(year, inputs), status);

        var (rates, pcns) = await closedStore.LoadPublishedAsync(work: null, year, pcnIds: null, reference, cancellationToken);
        return (SystemAllocation.Compute(year, rates, pcns, reference.StatedTotals, reference.CcgPublishedFigures), status);
    }

    /// <summary>A year's adjustments, oldest first; an open year has none.</summary>
    /// <remarks>A PCN or stream Finance does not know filters to nothing, as a filter on any other value would.</remarks>
    public Task<IReadOnlyList<RecordedAdjustment>> ListAdjustmentsAsync(ListPriorYearAdjustments query, CancellationToken cancellationToken) =>
        closedStore.ListAdjustmentsAsync(query.Year, query.PcnId, query.StreamId, cancellationToken);

    /// <summary>
    /// Begins a change to the allocations' inputs (a rate set, a registry event's populations), in the change's unit of
    /// work, before the change is written: takes the lock of every year in scope, open ones too, shared, and returns
    /// the closed ones, in one round trip. A year closing now either waits for this change to commit (and publishes
    /// it) or is seen closed by it (and gets its adjustment), so no change falls between the two.
    /// </summary>
    /// <param name="years">The years the change can affect; null for every year.</param>
    public async Task<IReadOnlyList<FinancialYear>> BeginChangeAsync(
        UnitOfWork work, IReadOnlyCollection<FinancialYear>? years, CancellationToken cancellationToken)
    {
        var inScope = reference.Years.Where(year => years is null || years.Contains(year)).Order().ToList();
        return (await closedStore.LockYearsAndListClosedAsync(work, inScope, exclusive: false, cancellationToken))
            .Select(year => year.Year)
            .Where(inScope.Contains)
            .Order()
            .ToList();
    }

    /// <summary>
    /// Follows the change begun with <see cref="BeginChangeAsync"/>, once it is written and before the unit of work
    /// commits: a closed year's figures stand as published, and what the change would do to them is recorded as
    /// prior-year adjustments citing <paramref name="cause"/>. An open year needs nothing: its allocations are computed
    /// on read.
    /// </summary>
    /// <param name="pcnIds">The PCNs whose inputs changed; null for every PCN.</param>
    /// <param name="closed">What <see cref="BeginChangeAsync"/> returned: the closed years in the change's scope.</param>
    public async Task FollowChangeAsync(
        UnitOfWork work,
        AdjustmentCause cause,
        IReadOnlyCollection<string>? pcnIds,
        IReadOnlyList<FinancialYear> closed,
        CancellationToken cancellationToken)
    {
        if (closed.Count == 0) return;

        // Before the rates and populations are read: a change recorded against a closed year by a transaction that
        // commits first is in what this one recomputes from, so neither adjustment leaves out the other's change.
        foreach (var year in closed)
            await closedStore.LockAdjustmentsAsync(work, year, cancellationToken);
        var rates = await store.ListRatesAsync(work, cancellationToken);
        var populations = await store.LoadPopulationsAsync(work, pcnIds, cancellationToken);
        foreach (var year in rates.GroupBy(rate => rate.Year).Where(year => closed.Contains(year.Key)).OrderBy(year => year.Key))
        {
            var recomputed = AllocationCalculator.ForAllPcns(year.ToList(), reference.Streams, populations);
            await RecordAdjustmentsAsync(work, year.Key, pcnIds, recomputed, cause, cancellationToken);
        }
    }

    /// <summary>
    /// Records what a change would have done to a closed year's lines of the given PCNs (null: every PCN), given those
    /// PCNs' allocations recomputed with the change. The caller has held the year's adjustments lock
    /// (<see cref="ClosedYearStore.LockAdjustmentsAsync"/>) since before it read what it recomputed from, so the
    /// figures owed so far and the recomputed ones include the same earlier changes.
    /// </summary>
    private async Task RecordAdjustmentsAsync(
        UnitOfWork work,
        FinancialYear year,
        IReadOnlyCollection<string>? pcnIds,
        IReadOnlyList<PcnAllocation> recomputed,
        AdjustmentCause cause,
        CancellationToken cancellationToken)
    {
        var (_, published) = await closedStore.LoadPublishedAsync(work, year, pcnIds, reference, cancellationToken);
        var owedSoFar = await closedStore.LoadOwedSoFarAsync(work, year, pcnIds, cancellationToken);
        var adjustments = PriorYearAdjustments.For(year, Lines(published), owedSoFar, Lines(recomputed), cause);
        await closedStore.InsertAdjustmentsAsync(work, adjustments, cancellationToken);
    }

    private static Dictionary<LineKey, LineFigures> Lines(IEnumerable<PcnAllocation> pcns) =>
        pcns.SelectMany(pcn => pcn.Lines.Select(line => (Key: new LineKey(pcn.PcnId, line.Stream.Id), Figures: LineFigures.Of(line))))
            .ToDictionary(entry => entry.Key, entry => entry.Figures);
}
