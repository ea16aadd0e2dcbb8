using Finance.Domain.Allocations;
using Finance.Domain.Model;

namespace Finance.Domain.Reconciliation;

public enum ReproductionStatus
{
    /// <summary>rate × the document's base × factor is within a pound of the published figure.</summary>
    Reproduced = 1,

    /// <summary>The only line on its basis: its own figure sets the base.</summary>
    ByConstruction = 2,

    /// <summary>The figure implies a base the year's other lines do not share.</summary>
    NotReproduced = 3,
}

public sealed record ReconciliationLine(
    FundingStream Stream,
    FundingRate Rate,
    decimal Published,
    decimal ImpliedBasePopulation,
    ReproductionStatus Status,
    decimal? Reproduced,
    decimal RegistryAmount,
    string Explanation)
{
    public decimal? ReproducedDifference => Reproduced - Published;

    public decimal RegistryDifference => RegistryAmount - Published;
}

/// <summary>A year's published PCN budget table reproduced from its own base, then from the registry's populations.</summary>
public sealed record ReconciliationReport(
    FinancialYear Year,
    IReadOnlyList<DocumentBase> DocumentBases,
    IReadOnlyList<ReconciliationLine> Lines,
    IReadOnlyList<PublishedComparison> PrintedTotals,
    ArrsReconciliation? Arrs,
    long RegistryPopulation,
    int PcnsWithStatedPopulation)
{
    /// <param name="pcns">Every PCN's population on the year's reference date.</param>
    public static ReconciliationReport Build(
        FinancialYear year,
        IReadOnlyList<FundingRate> yearRates,
        IReadOnlyDictionary<string, FundingStream> streams,
        PopulationHistory populations,
        IReadOnlyList<StatedTotal> statedTotals,
        ArrsReconciliation? arrs)
    {
        var published = yearRates.Where(rate => rate.PublishedAmount is not null && rate.DocumentRatePerHead > 0).ToList();
        var bases = published
            .GroupBy(rate => streams[rate.StreamId].Basis)
            .OrderBy(group => group.Key)
            .Select(group => DocumentBase.Find(group.Key, group
                .Select(rate => new PublishedLine(rate.StreamId, rate.PublishedAmount!.Value, rate.DocumentRatePerHead, rate.DocumentPartYearFactor))
                .ToList()))
            .ToList();

        var lines = published.Select(rate => Line(rate, streams[rate.StreamId], bases, populations)).ToList();

        var printedTotals = statedTotals
            .Where(total => total.Year == year)
            .Select(total => new PublishedComparison(
                $"{total.Label} (sum of the printed lines)",
                yearRates.Where(rate => total.StreamIds.Contains(rate.StreamId)).Sum(rate => rate.PublishedAmount ?? 0m),
                total.Amount,
                total.Source))
            .ToList();

        var referenceDate = yearRates.Min(rate => rate.ReferenceDate);
        var registry = populations.AllOn(referenceDate);
        return new ReconciliationReport(year, bases, lines, printedTotals, arrs,
            registry.Sum(pcn => pcn.Registered), registry.Count(pcn => pcn.Source == PopulationSource.Stated));
    }

    private static ReconciliationLine Line(FundingRate rate, FundingStream stream, IReadOnlyList<DocumentBase> bases, PopulationHistory populations)
    {
        var published = rate.PublishedAmount!.Value;
        var implied = new PublishedLine(rate.StreamId, published, rate.DocumentRatePerHead, rate.DocumentPartYearFactor).ImpliedBase(0m);
        var documentBase = bases.Single(candidate => candidate.Basis == stream.Basis);
        var agrees = documentBase.Established && documentBase.AgreeingStreams.Contains(rate.StreamId);
        var status = !agrees ? ReproductionStatus.NotReproduced
            : documentBase.ByConstruction ? ReproductionStatus.ByConstruction
            : ReproductionStatus.Reproduced;
        decimal? reproduced = agrees ? AllocationCalculator.Amount(rate.DocumentRatePerHead, documentBase.Population, rate.DocumentPartYearFactor) : null;

        // The registry's figure at the document's rate and factor, so the difference is the population's alone.
        var pcns = populations.AllOn(rate.ReferenceDate);
        var asPrinted = rate with { RatePerHead = rate.DocumentRatePerHead, PartYearFactor = rate.DocumentPartYearFactor };
        var registryLines = pcns.Select(pcn => AllocationCalculator.Line(stream, asPrinted, pcn, asPrinted.RatePerHead)).ToList();
        var registryAmount = Money.ToPenny(registryLines.Sum(line => line.ExactAmount));
        var registryPopulation = registryLines.Sum(line => line.Population);
        var stated = pcns.Count(pcn => pcn.Source == PopulationSource.Stated);

        var documentPopulation = agrees ? documentBase.Population : implied;
        var extra = registryPopulation - documentPopulation;
        var why = $"The registry's {pcns.Count} PCNs hold {registryPopulation:N0} patients on {rate.ReferenceDate:yyyy-MM-dd} " +
                  $"({stated} of them on a stated total), {Math.Abs(extra):N2} {(extra >= 0 ? "more" : "fewer")} than the " +
                  (agrees ? "document's base" : "base this figure alone implies") +
                  $" of {documentPopulation:N2}; at £{rate.DocumentRatePerHead} a head × {rate.DocumentPartYearFactor} that is " +
                  $"{Money.Format(Money.ToPenny(extra * rate.DocumentRatePerHead * rate.DocumentPartYearFactor))}.";
        if (stream.Basis == PatientBasis.Weighted && registryLines.Any(line => line.BasisUsed == PatientBasis.Registered))
            why += " The registry knows no weighted list, so registered patients stand in for weighted ones.";
        if (!agrees)
            why = $"Not reproduced: {documentBase.Explanation} " + why;
        return new ReconciliationLine(stream, rate, published, implied, status, reproduced, registryAmount, why);
    }
}
