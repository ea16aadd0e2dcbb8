using Finance.Api.Infrastructure;
using Finance.Api.Infrastructure.ReferenceData;
using Finance.Domain.Allocations;
using Finance.Domain.ClosedYears;
using Finance.Domain.Model;
using Npgsql;
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
    /// Closes the year with its allocations as they stand, in the caller's transaction; a closed year is answered as
    /// it closed, unchanged. The exclusive year lock waits for recomputations in flight (<see cref="ClosedYearStore.LockYearAsync"/>).
    /// </summary>
    public async Task<YearStatus> CloseAsync(NpgsqlTransaction transaction, FinancialYear year, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        await ClosedYearStore.LockYearAsync(transaction, year, exclusive: true, cancellationToken);
        if (await ClosedYearStore.FindAsync(connection, transaction, year, cancellationToken) is { } closed)
            return new YearStatus(year, closed);

        var rates = reference.InTableOrder(await store.ListRatesAsync(connection, transaction, cancellationToken))
            .Where(rate => rate.Year == year)
            .ToList();
        var populations = await store.LoadPopulationsAsync(connection, transaction, pcnIds: null, cancellationToken);
        var pcns = AllocationCalculator.ForAllPcns(rates, reference.Streams, populations);
        var published = SystemAllocation.Compute(year, rates, pcns, reference.StatedTotals, reference.CcgPublishedFigures);
        return new YearStatus(year, await ClosedYearStore.InsertAsync(transaction, year, published, rates, cancellationToken));
    }

    public async Task<YearStatus> GetAsync(FinancialYear year, CancellationToken cancellationToken)
    {
        await using var connection = await closedStore.DataSource.OpenConnectionAsync(cancellationToken);
        return new YearStatus(year, await ClosedYearStore.FindAsync(connection, null, year, cancellationToken));
    }

    /// <summary>The PCN's allocation: as published when the year closed, else as computed now.</summary>
    public async Task<(PcnAllocation Allocation, YearStatus Status)> GetPcnAllocationAsync(
        string pcnId, FinancialYear year, CancellationToken cancellationToken)
    {
        var status = await GetAsync(year, cancellationToken);
        if (!status.IsClosed) return (await queries.GetPcnAllocationAsync(pcnId, year, cancellationToken), status);

        // A closed year's rows never change, so they need no transaction to be read consistently.
        await using var connection = await closedStore.DataSource.OpenConnectionAsync(cancellationToken);
        var (_, pcns) = await ClosedYearStore.LoadPublishedAsync(connection, null, year, [pcnId], reference, cancellationToken);
        var allocation = pcns.SingleOrDefault() ?? throw new NotFoundException("llr.finance.v1.PcnAllocation", $"pcns/{pcnId}/allocations/{year}");
        return (allocation, status);
    }

    /// <summary>LLR's allocation: as published when the year closed, else as computed now.</summary>
    public async Task<(SystemAllocation Allocation, YearStatus Status)> GetSystemAllocationAsync(FinancialYear year, CancellationToken cancellationToken)
    {
        var status = await GetAsync(year, cancellationToken);
        if (!status.IsClosed) return (await queries.GetSystemAllocationAsync(year, cancellationToken), status);

        await using var connection = await closedStore.DataSource.OpenConnectionAsync(cancellationToken);
        var (rates, pcns) = await ClosedYearStore.LoadPublishedAsync(connection, null, year, pcnIds: null, reference, cancellationToken);
        return (SystemAllocation.Compute(year, rates, pcns, reference.StatedTotals, reference.CcgPublishedFigures), status);
    }

    /// <summary>A year's adjustments, oldest first; an open year has none.</summary>
    /// <remarks>A PCN or stream Finance does not know filters to nothing, as a filter on any other value would.</remarks>
    public Task<IReadOnlyList<RecordedAdjustment>> ListAdjustmentsAsync(
        FinancialYear year, string? pcnId, string? streamId, CancellationToken cancellationToken) =>
        closedStore.ListAdjustmentsAsync(year, pcnId, streamId, cancellationToken);

    /// <summary>
    /// Records what a change would have done to a closed year's lines of the given PCNs (null: every PCN), given those
    /// PCNs' allocations recomputed with the change, in the change's transaction. The caller has held the year's
    /// adjustments lock (<see cref="ClosedYearStore.LockAdjustmentsAsync"/>) since before it read what it recomputed
    /// from, so the figures owed so far and the recomputed ones include the same earlier changes.
    /// </summary>
    public async Task RecordAdjustmentsAsync(
        NpgsqlTransaction transaction,
        FinancialYear year,
        IReadOnlyCollection<string>? pcnIds,
        IReadOnlyList<PcnAllocation> recomputed,
        AdjustmentCause cause,
        CancellationToken cancellationToken)
    {
        var (_, published) = await ClosedYearStore.LoadPublishedAsync(transaction.Connection!, transaction, year, pcnIds, reference, cancellationToken);
        var owedSoFar = await ClosedYearStore.LoadOwedSoFarAsync(transaction, year, pcnIds, cancellationToken);
        var adjustments = PriorYearAdjustments.For(year, Lines(published), owedSoFar, Lines(recomputed), cause);
        await ClosedYearStore.InsertAdjustmentsAsync(transaction, adjustments, cancellationToken);
    }

    private static Dictionary<LineKey, LineFigures> Lines(IEnumerable<PcnAllocation> pcns) =>
        pcns.SelectMany(pcn => pcn.Lines.Select(line => (Key: new LineKey(pcn.PcnId, line.Stream.Id), Figures: LineFigures.Of(line))))
            .ToDictionary(entry => entry.Key, entry => entry.Figures);
}
