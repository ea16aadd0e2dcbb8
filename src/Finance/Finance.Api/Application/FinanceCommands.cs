using Finance.Api.Infrastructure;
using Finance.Api.Infrastructure.ReferenceData;
using Finance.Domain.Arrs;
using Finance.Domain.ClosedYears;
using Finance.Domain.Model;
using Platform.Data;
using Platform.Domain.Errors;

namespace Finance.Api.Application;

/// <summary>Finance's writes. Each runs in the caller's unit of work (the idempotent-write wrapper commits it).</summary>
public sealed class FinanceCommands(FinanceStore store, FinanceReferenceData reference, ClosedYears closedYears, TimeProvider clock)
{
    /// <summary>Accepts a claim if the role is funded that year and the year's claims stay within the entitlement.</summary>
    /// <param name="yearField">The request field that named the year, for the error when the year has no ARRS table.</param>
    public async Task<ArrsClaim> CreateArrsClaimAsync(UnitOfWork work, CreateArrsClaim command, string yearField, CancellationToken cancellationToken)
    {
        var (pcnId, request) = command;
        var funding = reference.RequireArrs(request.Year, yearField);
        var populations = await store.LoadPopulationsAsync(work, [pcnId], cancellationToken);
        var population = populations.On(pcnId, funding.ReferenceDate) ?? throw new NotFoundException("llr.finance.v1.Pcn", $"pcns/{pcnId}");

        var claims = await store.LockYearClaimsAsync(work, pcnId, request.Year, cancellationToken);
        var entitlement = ArrsEntitlementCalculator.For(population, funding, reference.ArrsScheme, claims);
        var claim = ArrsClaimRules.Accept(Guid.NewGuid(), request, entitlement, reference.ArrsScheme, reference.ArrsSchedule, Today);
        await store.InsertClaimAsync(work, claim, cancellationToken);
        return claim;
    }

    /// <summary>
    /// Sets a stream's rate for a year. An open year's allocations follow it on read; for a closed year, what the rate
    /// would have changed is recorded as prior-year adjustments citing the command's request id.
    /// </summary>
    public async Task<FundingRate> SetFundingRateAsync(UnitOfWork work, SetFundingRate command, CancellationToken cancellationToken)
    {
        var (streamId, year, ratePerHead, partYearFactor, requestId) = command;
        if (!reference.Streams.ContainsKey(streamId))
            throw new NotFoundException("llr.finance.v1.FundingStream", $"fundingStreams/{streamId}");
        var closed = await closedYears.BeginChangeAsync(work, [year], cancellationToken);
        var rate = await store.SetRateAsync(work, streamId, year, ratePerHead, partYearFactor, cancellationToken)
            ?? throw new NotFoundException("llr.finance.v1.FundingRate", $"fundingStreams/{streamId}/rates/{year}");
        await closedYears.FollowChangeAsync(work, AdjustmentCause.RateChange(streamId, requestId), pcnIds: null, closed, cancellationToken);
        return rate;
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
