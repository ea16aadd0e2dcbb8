using Finance.Domain.Model;

namespace Finance.Domain.Allocations;

/// <summary>
/// A PCN's allocation per stream = rate per head × the PCN's population on the stream's reference date × the
/// part-year factor. Every figure shown — a line, a PCN's total, a CCG's or LLR's — is rounded to the penny once,
/// from exact amounts (<see cref="Money"/>). A total may therefore differ from the sum of its rounded parts by under
/// a penny a part, but moving patients between PCNs can never change LLR's total.
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
        // Lines keep the order of the rates they were given (the table's order).
        var lines = yearRates
            .Select(rate => populations.On(pcnId, rate.ReferenceDate) is { } population ? Line(streams[rate.StreamId], rate, population, rate.RatePerHead) : null)
            .OfType<AllocationLine>()
            .ToList();
        // The PCN's population is the one on the year's earliest reference date it has one for.
        var first = yearRates.OrderBy(rate => rate.ReferenceDate)
            .Select(rate => populations.On(pcnId, rate.ReferenceDate))
            .OfType<PcnPopulation>()
            .FirstOrDefault();
        return first is null ? null : new PcnAllocation(pcnId, first.CcgId, yearRates[0].Year, first.Registered, first.Source, lines);
    }

    public static AllocationLine Line(FundingStream stream, FundingRate rate, PcnPopulation population, decimal ratePerHead)
    {
        var (patients, basisUsed) = population.For(stream.Basis);
        return new AllocationLine(stream, rate, basisUsed, patients, population.Source, ratePerHead * patients * rate.PartYearFactor);
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
