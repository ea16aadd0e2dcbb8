using Finance.Domain.Model;

namespace Finance.Domain.Allocations;

/// <summary>
/// A PCN's allocation per stream = rate per head × the PCN's population on the stream's reference date × the
/// part-year factor, rounded to the penny (<see cref="Money"/>). Totals are sums of the rounded lines.
/// </summary>
public static class AllocationCalculator
{
    public static decimal Amount(decimal ratePerHead, decimal population, decimal partYearFactor) =>
        Money.ToPenny(ratePerHead * population * partYearFactor);

    /// <summary>The PCN's allocation for the year's rates; null when Finance holds no population for it on any reference date.</summary>
    public static PcnAllocation? ForPcn(
        string pcnId,
        IReadOnlyList<FundingRate> yearRates,
        IReadOnlyDictionary<string, FundingStream> streams,
        PopulationHistory populations)
    {
        var lines = new List<AllocationLine>();
        string? ccgId = null;
        foreach (var rate in yearRates)
        {
            if (populations.On(pcnId, rate.ReferenceDate) is not { } population) continue;
            ccgId ??= population.CcgId;
            lines.Add(Line(streams[rate.StreamId], rate, population, rate.RatePerHead));
        }

        return ccgId is null ? null : new PcnAllocation(pcnId, ccgId, yearRates[0].Year, lines);
    }

    public static AllocationLine Line(FundingStream stream, FundingRate rate, PcnPopulation population, decimal ratePerHead)
    {
        var (patients, basisUsed) = population.For(stream.Basis);
        return new AllocationLine(stream, rate, basisUsed, patients, population.Source, Amount(ratePerHead, patients, rate.PartYearFactor));
    }

    /// <summary>Every PCN's allocation for the year: the PCNs that have a population on any of the year's reference dates.</summary>
    public static IReadOnlyList<PcnAllocation> ForAllPcns(
        IReadOnlyList<FundingRate> yearRates,
        IReadOnlyDictionary<string, FundingStream> streams,
        PopulationHistory populations) =>
        yearRates
            .SelectMany(rate => populations.AllOn(rate.ReferenceDate))
            .Select(population => population.PcnId)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .Select(pcnId => ForPcn(pcnId, yearRates, streams, populations))
            .OfType<PcnAllocation>()
            .ToList();
}
