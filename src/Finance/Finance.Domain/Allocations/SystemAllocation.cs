using Finance.Domain.Model;

namespace Finance.Domain.Allocations;

/// <summary>A stream's total over a set of PCNs, with the published figure where the document gives one.</summary>
public sealed record StreamTotal(FundingStream Stream, decimal Exact, decimal? Published)
{
    public decimal Computed => Money.ToPenny(Exact);

    public decimal? Difference => Computed - Published;
}

/// <summary>A printed figure set beside the sum computed here.</summary>
public sealed record PublishedComparison(string Label, decimal Computed, decimal Published, string Source)
{
    public decimal Difference => Computed - Published;
}

public sealed record CcgAllocation(string CcgId, long Population, IReadOnlyList<StreamTotal> Streams, IReadOnlyList<PublishedComparison> Published)
{
    public decimal Total => Money.ToPenny(Streams.Sum(stream => stream.Exact));
}

/// <summary>A year's allocation over LLR: by stream, by CCG and by PCN.</summary>
public sealed record SystemAllocation(
    FinancialYear Year,
    IReadOnlyList<StreamTotal> LlrStreams,
    long LlrPopulation,
    IReadOnlyList<CcgAllocation> Ccgs,
    IReadOnlyList<PcnAllocation> Pcns,
    IReadOnlyList<PublishedComparison> PublishedTotals)
{
    public decimal LlrTotal => Money.ToPenny(LlrStreams.Sum(stream => stream.Exact));

    /// <summary>
    /// Sums the PCNs' allocations. <paramref name="statedTotals"/> are the table's printed totals (each over a set of
    /// streams); <paramref name="ccgPublished"/> are figures printed per CCG for a set of streams.
    /// </summary>
    public static SystemAllocation Compute(
        FinancialYear year,
        IReadOnlyList<FundingRate> yearRates,
        IReadOnlyList<PcnAllocation> pcns,
        IReadOnlyList<StatedTotal> statedTotals,
        IReadOnlyList<CcgPublishedFigure> ccgPublished)
    {
        var streams = yearRates.Select(rate => rate.StreamId).ToList();
        var llr = Totals(yearRates, pcns, published: true);
        var ccgs = pcns
            .GroupBy(pcn => pcn.CcgId)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group =>
            {
                var members = group.ToList();
                var totals = Totals(yearRates, members, published: false);
                var printed = ccgPublished
                    .Where(figure => figure.CcgId == group.Key && figure.Year == year)
                    .Select(figure => new PublishedComparison(figure.Label, SumOf(totals, figure.StreamIds), figure.Amount, figure.Source))
                    .ToList();
                return new CcgAllocation(group.Key, members.Sum(pcn => pcn.Population), totals, printed);
            })
            .ToList();
        var publishedTotals = statedTotals
            .Where(total => total.Year == year)
            .Select(total => new PublishedComparison(total.Label, SumOf(llr, total.StreamIds), total.Amount, total.Source))
            .ToList();
        return new SystemAllocation(year, llr, pcns.Sum(pcn => pcn.Population), ccgs, pcns, publishedTotals);

        static decimal SumOf(IReadOnlyList<StreamTotal> totals, IReadOnlyList<string> streamIds) =>
            Money.ToPenny(totals.Where(total => streamIds.Contains(total.Stream.Id)).Sum(total => total.Exact));
    }

    private static List<StreamTotal> Totals(IReadOnlyList<FundingRate> yearRates, IReadOnlyList<PcnAllocation> pcns, bool published) =>
        yearRates
            .Select(rate =>
            {
                var lines = pcns.SelectMany(pcn => pcn.Lines).Where(line => line.Rate.StreamId == rate.StreamId).ToList();
                var stream = lines.FirstOrDefault()?.Stream;
                return (stream, total: lines.Sum(line => line.ExactAmount), rate);
            })
            .Where(entry => entry.stream is not null)
            .Select(entry => new StreamTotal(entry.stream!, entry.total, published ? entry.rate.PublishedAmount : null))
            .ToList();
}

/// <summary>A total the PCN budget table prints over several streams (e.g. the co-commissioned sub-total).</summary>
public sealed record StatedTotal(string Id, string Label, FinancialYear Year, decimal Amount, IReadOnlyList<string> StreamIds, string Source);

/// <summary>A figure a document prints for one CCG over a set of streams (Table 4's PCN line, 2019/20).</summary>
public sealed record CcgPublishedFigure(string CcgId, string Label, FinancialYear Year, decimal Amount, IReadOnlyList<string> StreamIds, string Source);
