using Platform.Data.Seeding;

namespace Finance.Api.Infrastructure.ReferenceData;

/// <summary>
/// The documents' funding rates (SeedData/funding_rates.csv), loaded into funding_rates once per database by
/// Platform.Data's SeedDataLoader: users set rates after that, so a restart must not load the documents over them.
/// The rest of the reference data never changes and stays in memory (<see cref="FinanceReferenceData"/>).
/// </summary>
internal sealed class FundingRatesSeedData : ISeedData
{
    // Migration 0004 records a database that loaded its rates before seeding moved to Platform.Data under this name.
    public string Name => "finance-funding-rates";

    public string Directory => ReferenceDataFiles.Directory;

    public IReadOnlyList<string> Files { get; } = ["funding_rates.csv"];

    public void AddRows(SeedBatch batch)
    {
        foreach (var rate in ReferenceDataFiles.DocumentRates(Directory))
            batch.Add("""
                INSERT INTO funding_rates (stream_id, year, rate_per_head, rate_source, part_year_factor, reference_date,
                    published_amount, source, document_rate_per_head, document_rate_source, document_part_year_factor)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                """,
                rate.StreamId, rate.Year.ToString(), rate.RatePerHead, SourceText(rate.RateSource), rate.PartYearFactor,
                rate.ReferenceDate, rate.PublishedAmount, rate.Source, rate.DocumentRatePerHead,
                SourceText(rate.DocumentRateSource), rate.DocumentPartYearFactor);
    }

    // The column holds what ReferenceDataFiles.RateSource reads back: "printed", "derived" or "set".
    private static string SourceText(Finance.Domain.Model.RateSource source) => source.ToString().ToLowerInvariant();
}
