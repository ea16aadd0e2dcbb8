using Finance.Api.Infrastructure;
using Finance.Api.Infrastructure.ReferenceData;
using Finance.Domain.Arrs;
using Finance.Domain.ClosedYears;
using Finance.Domain.Model;
using Npgsql;
using Platform.Contracts.Finance.V1;
using Platform.Domain.Errors;

namespace Finance.Api.Application;

/// <summary>Finance's writes. Each runs in the caller's transaction (the idempotent-write wrapper commits it).</summary>
public sealed class FinanceCommands(FinanceStore store, FinanceReferenceData reference, AllocationRecalculation recalculation, TimeProvider clock)
{
    /// <summary>Accepts a claim if the role is funded that year and the year's claims stay within the entitlement.</summary>
    public async Task<ArrsClaim> CreateArrsClaimAsync(NpgsqlTransaction transaction, string pcnId, ArrsClaimRequest request, string yearField, CancellationToken cancellationToken)
    {
        var funding = reference.RequireArrs(request.Year, yearField);
        var populations = await store.LoadPopulationsAsync(transaction.Connection!, transaction, [pcnId], cancellationToken);
        var population = populations.On(pcnId, funding.ReferenceDate) ?? throw new NotFoundException("llr.finance.v1.Pcn", $"pcns/{pcnId}");

        var claims = await FinanceStore.LockYearClaimsAsync(transaction, pcnId, request.Year, cancellationToken);
        var entitlement = ArrsEntitlementCalculator.For(population, funding, reference.ArrsScheme, claims);
        var claim = ArrsClaimRules.Accept(Guid.NewGuid(), request, entitlement, reference.ArrsScheme, reference.ArrsSchedule, Today);
        await FinanceStore.InsertClaimAsync(transaction, claim, cancellationToken);
        return claim;
    }

    /// <summary>
    /// Sets a stream's rate for a year, then recomputes every PCN's allocation for that year and publishes it; for a
    /// closed year, records what the rate would have changed as prior-year adjustments citing <paramref name="requestId"/>.
    /// </summary>
    public async Task<FundingRate> SetFundingRateAsync(
        NpgsqlTransaction transaction,
        string streamId,
        FinancialYear year,
        decimal ratePerHead,
        decimal? partYearFactor,
        Guid? requestId,
        CancellationToken cancellationToken)
    {
        if (!reference.Streams.ContainsKey(streamId))
            throw new NotFoundException("llr.finance.v1.FundingStream", $"fundingStreams/{streamId}");
        var rate = await store.SetRateAsync(transaction, streamId, year, ratePerHead, partYearFactor, cancellationToken)
            ?? throw new NotFoundException("llr.finance.v1.FundingRate", $"fundingStreams/{streamId}/rates/{year}");
        await recalculation.PublishAsync(transaction, AllocationChangeReason.FundingRateChanged, causationId: null,
            AdjustmentCause.RateChange(streamId, requestId), pcnIds: null, years: [year], cancellationToken);
        return rate;
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
