using System.Globalization;
using Finance.Domain.Allocations;
using Finance.Domain.Arrs;
using Finance.Domain.Budgets;
using Finance.Domain.Model;
using Platform.Data.Seeding;

namespace Finance.Api.Infrastructure.ReferenceData;

/// <summary>Reads SeedData/*.csv (each row naming its document and line) into the domain's types.</summary>
public static class ReferenceDataFiles
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "SeedData");

    // Table 4's PCN line (2019/20, per CCG) is the co-commissioned PCN streams of Table 5: its LLR figure, 5,265,004,
    // is Table 5's 2019/20 CC sub-total (004:2956 and 004:3049).
    private const string CcgBudgetPcnLine = "pcn";
    private const string CoCommissionedSubtotal = "cc-subtotal";

    private static readonly Dictionary<string, string> TotalLabels = new()
    {
        [CoCommissionedSubtotal] = "Co-commissioned PCN streams (sub-total)",
        ["total-pcn-funding"] = "Total primary care network funding",
    };

    public static FinanceReferenceData Load(string directory)
    {
        CsvTable Read(string file) => CsvTable.Read(Path.Combine(directory, file));

        var streamList = Read("funding_streams.csv").Rows.Select(row => new FundingStream(
                row["stream_id"], row["name"], Basis(row["basis"]), row.Optional("budget_type"), row.Source))
            .ToList();
        var streams = streamList.ToDictionary(stream => stream.Id, StringComparer.Ordinal);

        var statedTotals = Read("funding_stated_totals.csv").Rows.Select(row => new StatedTotal(
                row["total_id"], TotalLabels[row["total_id"]], FinancialYear.Parse(row["year"]), Decimal(row["amount"]),
                row["streams"].Split(';'), row.Source))
            .ToList();

        var budgetYear = new FinancialYear(2019); // Table 4 is headed "CCG Consolidated 2019/20 Primary Care Budgets" (004:2934).
        var budget = Read("ccg_budgets.csv").Rows.Select(row => new BudgetCell(
                row["line_id"], row["line_name"], row["section"], Kind(row["kind"]),
                row["ccg_id"], Decimal(row["amount"]), row.Source))
            .ToList();

        var subtotalStreams = statedTotals.First(total => total.Id == CoCommissionedSubtotal).StreamIds;
        var ccgPublished = budget
            .Where(cell => cell.LineId == CcgBudgetPcnLine && cell.Column != BudgetStatement.LlrColumn)
            .Select(cell => new CcgPublishedFigure(cell.Column, $"Table 4 '{cell.LineName}' line: the co-commissioned PCN streams", budgetYear, cell.Amount, subtotalStreams, cell.Source))
            .ToList();

        // The ARRS table's list date is the one the year's funding rates apply to.
        var referenceDates = DocumentRates(directory).GroupBy(rate => rate.Year).ToDictionary(year => year.Key, year => year.Min(rate => rate.ReferenceDate));
        var arrsFunding = Read("arrs_funding.csv").Rows.Select(row =>
            {
                var year = FinancialYear.Parse(row["year"]);
                var file = row["source_file"];
                return new ArrsYearFunding(year, Decimal(row["national_funding_millions"]), long.Parse(row["llr_population"], CultureInfo.InvariantCulture),
                    Decimal(row["funding_per_network"]), Decimal(row["total_llr_funding"]), referenceDates[year],
                    $"{file}:{row["population_line"]} (population), {file}:{row["funding_per_network_line"]} (per network), {file}:{row["total_line"]} (LLR total)");
            })
            .ToList();

        var parameters = Read("arrs_parameters.csv").Rows.ToDictionary(row => row["parameter"]);
        var scheme = new ArrsScheme(
            long.Parse(parameters["typical_network_patients"]["value"], CultureInfo.InvariantCulture),
            Decimal(parameters["reimbursed_salary_share"]["value"]),
            $"{parameters["typical_network_patients"].Source} (network), {parameters["pcn_salary_share"].Source} (the PCN's 30% share)");

        var schedule = Read("arrs_role_schedule.csv").Rows.Select(row => new ArrsRoleYear(
                ArrsRoles.Parse(row["role_id"]), row["role_name"], FinancialYear.Parse(row["year"]), Decimal(row["fte"]),
                FinancialYear.Parse(row["first_year"]), row.Source))
            .ToList();

        var gpfv = Read("gpfv_allocations.csv").Rows.Select(row => new GpForwardViewLine(
                row["line_id"], row["line_name"], FinancialYear.Parse(row["year"]), row["allocation_type"], Decimal(row["amount"]),
                row["kind"] == "total", row.Source))
            .ToList();

        var coCommissioning = Read("co_commissioning_allocations.csv").Rows.Select(row => new CoCommissioningAllocation(
                row["series"], FinancialYear.Parse(row["year"]), Decimal(row["amount_thousands"]) * 1000m, row.Source))
            .ToList();

        return new FinanceReferenceData(referenceDates.Keys.Order().ToList(), streams, streamList.Select((stream, position) => (stream.Id, position)).ToDictionary(entry => entry.Id, entry => entry.position), statedTotals, ccgPublished, arrsFunding, scheme, schedule, budget, budgetYear, gpfv, coCommissioning);
    }

    /// <summary>The documents' funding rates, as first loaded into the database.</summary>
    public static IReadOnlyList<FundingRate> DocumentRates(string directory) =>
        CsvTable.Read(Path.Combine(directory, "funding_rates.csv")).Rows.Select(row =>
            {
                var source = RateSource(row["rate_source"]);
                var rateSource = $"{row["rate_source_file"]}:{row["rate_source_line"]}";
                return new FundingRate(
                    row["stream_id"], FinancialYear.Parse(row["year"]), Decimal(row["rate_per_head"]), source,
                    Decimal(row["part_year_factor"]), DateOnly.Parse(row["reference_date"], CultureInfo.InvariantCulture),
                    row.Optional("published_amount") is { } published ? Decimal(published) : null,
                    $"Published {row.Source}; rate {rateSource}. {row["notes"]}",
                    Decimal(row["rate_per_head"]), source, Decimal(row["part_year_factor"]));
            })
            .ToList();

    public static RateSource RateSource(string text) => text switch
    {
        "printed" => Domain.Model.RateSource.Printed,
        "derived" => Domain.Model.RateSource.Derived,
        "set" => Domain.Model.RateSource.Set,
        _ => throw new FormatException($"Unknown rate source '{text}'."),
    };

    private static PatientBasis Basis(string text) => text switch
    {
        "registered" => PatientBasis.Registered,
        "weighted" => PatientBasis.Weighted,
        _ => throw new FormatException($"Unknown basis '{text}'."),
    };

    private static BudgetRowKind Kind(string text) => text switch
    {
        "line" => BudgetRowKind.Line,
        "subtotal" => BudgetRowKind.Subtotal,
        "total" => BudgetRowKind.Total,
        _ => throw new FormatException($"Unknown budget row kind '{text}'."),
    };

    private static decimal Decimal(string text) => decimal.Parse(text, NumberStyles.Number | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
