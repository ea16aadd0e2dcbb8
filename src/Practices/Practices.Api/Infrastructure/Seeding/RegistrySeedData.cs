using System.Globalization;
using Platform.Data.Seeding;

namespace Practices.Api.Infrastructure.Seeding;

/// <summary>
/// The registry from the CSV files in SeedData/ (extracted from the LLR source documents, each row naming the file and
/// line it came from). Loaded once per database by Platform.Data's SeedDataLoader: after the first load the registry
/// owns the data — transfers and new list sizes change it — so a restart must not load the documents over it again.
/// </summary>
internal sealed class RegistrySeedData : ISeedData
{
    // Appendix 3's date (000:1868): the date the documents state each practice's CCG.
    private static readonly DateOnly CommissionersStatedOn = new(2019, 6, 20);

    // The name the registry's load was recorded under before seeding moved to Platform.Data (migration 0003 keeps it).
    public string Name => "llr-source-documents";

    public string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "SeedData");

    public IReadOnlyList<string> Files { get; } =
        ["pcns.csv", "pcn_stated_populations.csv", "practices.csv", "branch_sites.csv", "list_sizes.csv"];

    public void AddRows(SeedBatch batch)
    {
        foreach (var row in Read("pcns.csv"))
            batch.Add("INSERT INTO pcns (id, name, ccg, clinical_director, started_on) VALUES ($1, $2, $3, $4, $5)",
                row["pcn_id"], row["name"], row["ccg_id"], row["clinical_director"], Date(row["started_on"]));

        foreach (var row in Read("pcn_stated_populations.csv"))
            batch.Add("INSERT INTO pcn_stated_populations (pcn_id, statement, part, population, as_at, source) VALUES ($1, $2, $3, $4, $5, $6)",
                row["pcn_id"], row["statement"], row["part"], Count(row["population"]), Date(row["as_at"]), row.Source);

        foreach (var row in Read("practices.csv"))
        {
            batch.Add("INSERT INTO practices (id, ods_code, name, source) VALUES ($1, $2, $3, $4)",
                row["practice_id"], row.Optional("ods_code"), row["name"], row.Source);
            batch.Add("INSERT INTO memberships (practice_id, pcn_id, effective_from, reason, source) VALUES ($1, $2, $3, 'seed', $4)",
                row["practice_id"], row["pcn_id"], Date(row["member_from"]), row.Source);
            // The practice's commissioner is the CCG Appendix 3 lists its PCN under, as at the appendix's date.
            batch.Add("INSERT INTO practice_commissioners (practice_id, ccg, effective_from, source) SELECT $1, ccg, $3, $4 FROM pcns WHERE id = $2",
                row["practice_id"], row["pcn_id"], CommissionersStatedOn, row.Source);
        }

        foreach (var row in Read("branch_sites.csv"))
            batch.Add("INSERT INTO branch_sites (practice_id, name, source) VALUES ($1, $2, $3)", row["practice_id"], row["name"], row.Source);

        foreach (var row in Read("list_sizes.csv"))
            batch.Add("INSERT INTO list_sizes (practice_id, as_at, registered_patients, weighted_patients, source) VALUES ($1, $2, $3, $4, $5)",
                row["practice_id"], Date(row["as_at"]), Count(row["registered"]),
                row.Optional("weighted") is { } weighted ? Count(weighted) : null, row.Source);
    }

    private IEnumerable<CsvRow> Read(string file) => CsvTable.Read(Path.Combine(Directory, file)).Rows;

    private static DateOnly Date(string text) => DateOnly.Parse(text, CultureInfo.InvariantCulture);

    private static long Count(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
