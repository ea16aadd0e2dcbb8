using Finance.Api.Infrastructure.ReferenceData;
using Finance.Domain.Allocations;
using Finance.Domain.ClosedYears;
using Finance.Domain.Model;
using Npgsql;
using NpgsqlTypes;
using Platform.Data;

namespace Finance.Api.Infrastructure;

/// <summary>
/// Closed years in SQL (0002_closed_years.sql): the published rates, PCNs and lines of each closed year, and the
/// prior-year adjustments recorded against them. Writes and locks run in the caller's unit of work; a read given no unit
/// of work is a plain read on a pooled connection of its own.
/// </summary>
public sealed class ClosedYearStore(NpgsqlDataSource dataSource)
{
    // ---- Locks --------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Takes the years' locks, in the order given, then lists the closed years, in one round trip (a batch runs its
    /// statements in order, so the list is read once every lock is held). Closing takes a year's lock exclusively and
    /// every change to the year's rates or populations takes it shared, each until its transaction ends. So a change
    /// either commits before the year closes (and closing, which reads after it, publishes its figures) or sees the
    /// year closed (and records adjustments against what was published); never neither.
    /// </summary>
    public async Task<IReadOnlyList<ClosedYear>> LockYearsAndListClosedAsync(
        UnitOfWork work, IEnumerable<FinancialYear> years, bool exclusive, CancellationToken cancellationToken)
    {
        var function = exclusive ? "pg_advisory_xact_lock" : "pg_advisory_xact_lock_shared";
        await using var batch = work.Batch();
        foreach (var year in years)
        {
            var locking = new NpgsqlBatchCommand($"SELECT {function}(hashtextextended('financial-year/' || $1, 0))");
            locking.Parameters.Add(new NpgsqlParameter { Value = year.ToString() });
            batch.BatchCommands.Add(locking);
        }
        var locks = batch.BatchCommands.Count;
        batch.BatchCommands.Add(new NpgsqlBatchCommand(ListClosedSql));

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var skipped = 0; skipped < locks; skipped++) await reader.NextResultAsync(cancellationToken);
        var closed = new List<ClosedYear>();
        while (await reader.ReadAsync(cancellationToken)) closed.Add(ReadClosedYear(reader));
        return closed;
    }

    /// <summary>
    /// Recomputations of a closed year record its adjustments one after the other: each reads the rates, populations
    /// and what the previous one left owed after it commits, so two concurrent changes to the same line can neither
    /// count from the same figure nor leave out each other's change.
    /// </summary>
    public async Task LockAdjustmentsAsync(UnitOfWork work, FinancialYear year, CancellationToken cancellationToken)
    {
        await using var command = work.Command(
            "SELECT pg_advisory_xact_lock(hashtextextended('prior-year-adjustments/' || $1, 0))");
        command.Parameters.AddWithValue(year.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // ---- Closed years -------------------------------------------------------------------------------------------------

    public async Task<IReadOnlyList<ClosedYear>> ListClosedAsync(
        UnitOfWork? work, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(work, ListClosedSql);
        return await ReadAllAsync(command, ReadClosedYear, cancellationToken);
    }

    private const string ListClosedSql = "SELECT year, closed_at, llr_total, llr_population FROM closed_years ORDER BY year";

    private static ClosedYear ReadClosedYear(NpgsqlDataReader reader) => new(
        FinancialYear.Parse(reader.GetString(0)),
        reader.GetFieldValue<DateTimeOffset>(1),
        reader.GetDecimal(2),
        reader.GetInt64(3));

    /// <summary>Marks the year closed and stores its rates, PCNs and lines as they stand, in the caller's transaction.</summary>
    public async Task<ClosedYear> InsertAsync(
        UnitOfWork work,
        FinancialYear year,
        SystemAllocation published,
        IReadOnlyList<FundingRate> yearRates,
        CancellationToken cancellationToken)
    {
        ClosedYear closed;
        await using (var insert = work.Command(
            "INSERT INTO closed_years (year, llr_total, llr_population) VALUES ($1, $2, $3) RETURNING closed_at"))
        {
            insert.Parameters.AddWithValue(year.ToString());
            insert.Parameters.AddWithValue(published.LlrTotal);
            insert.Parameters.AddWithValue(published.LlrPopulation);
            var closedAt = (DateTime)(await insert.ExecuteScalarAsync(cancellationToken))!;
            closed = new ClosedYear(year, new DateTimeOffset(closedAt, TimeSpan.Zero), published.LlrTotal, published.LlrPopulation);
        }

        var batch = work.Batch();
        foreach (var rate in yearRates)
            batch.BatchCommands.Add(Command("""
                INSERT INTO closed_year_rates (year, stream_id, rate_per_head, rate_source, part_year_factor, reference_date, published_amount, source,
                                               document_rate_per_head, document_rate_source, document_part_year_factor)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                """, year.ToString(), rate.StreamId, rate.RatePerHead, Text(rate.RateSource), rate.PartYearFactor, rate.ReferenceDate,
                Parameter(rate.PublishedAmount, NpgsqlDbType.Numeric), rate.Source, rate.DocumentRatePerHead, Text(rate.DocumentRateSource),
                rate.DocumentPartYearFactor));
        foreach (var pcn in published.Pcns)
        {
            batch.BatchCommands.Add(Command(
                "INSERT INTO closed_year_pcns (year, pcn_id, ccg_id, population, population_source) VALUES ($1, $2, $3, $4, $5)",
                year.ToString(), pcn.PcnId, pcn.CcgId, pcn.Population, Text(pcn.PopulationSource)));
            foreach (var line in pcn.Lines)
                batch.BatchCommands.Add(Command("""
                    INSERT INTO closed_year_lines (year, pcn_id, stream_id, basis_used, population, population_source, rate_per_head,
                                                   part_year_factor, exact_amount, amount)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    """, year.ToString(), pcn.PcnId, line.Stream.Id, Text(line.BasisUsed), line.Population, Text(line.PopulationSource),
                    line.Rate.RatePerHead, line.Rate.PartYearFactor, line.ExactAmount, line.Amount));
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return closed;
    }

    /// <summary>The closed year's published rates (table order) and PCNs' allocations, as they were computed when it closed.</summary>
    /// <param name="pcnIds">The PCNs to load; null for every PCN.</param>
    public async Task<(IReadOnlyList<FundingRate> Rates, IReadOnlyList<PcnAllocation> Pcns)> LoadPublishedAsync(
        UnitOfWork? work, FinancialYear year, IReadOnlyCollection<string>? pcnIds,
        FinanceReferenceData reference, CancellationToken cancellationToken)
    {
        await using var rateCommand = dataSource.Command(work, """
            SELECT stream_id, rate_per_head, rate_source, part_year_factor, reference_date, published_amount, source,
                   document_rate_per_head, document_rate_source, document_part_year_factor
            FROM closed_year_rates WHERE year = $1
            """);
        rateCommand.Parameters.AddWithValue(year.ToString());
        var rates = reference.InTableOrder(await ReadAllAsync(rateCommand, reader => new FundingRate(
            reader.GetString(0), year, reader.GetDecimal(1), ReferenceDataFiles.RateSource(reader.GetString(2)), reader.GetDecimal(3),
            reader.GetFieldValue<DateOnly>(4), reader.IsDBNull(5) ? null : reader.GetDecimal(5), reader.GetString(6), reader.GetDecimal(7),
            ReferenceDataFiles.RateSource(reader.GetString(8)), reader.GetDecimal(9)), cancellationToken));
        var rateOf = rates.ToDictionary(rate => rate.StreamId);
        var position = rates.Select((rate, index) => (rate.StreamId, index)).ToDictionary(entry => entry.StreamId, entry => entry.index);

        await using var lineCommand = dataSource.Command(work, """
            SELECT l.pcn_id, l.stream_id, l.basis_used, l.population, l.population_source, l.exact_amount
            FROM closed_year_lines l WHERE l.year = $1 AND ($2::text[] IS NULL OR l.pcn_id = ANY($2))
            """);
        lineCommand.Parameters.AddWithValue(year.ToString());
        lineCommand.Parameters.Add(SqlParameters.TextArray(pcnIds));
        var lines = (await ReadAllAsync(lineCommand, reader => (PcnId: reader.GetString(0), Line: new AllocationLine(
            reference.Streams[reader.GetString(1)], rateOf[reader.GetString(1)], Basis(reader.GetString(2)), reader.GetInt64(3),
            Source(reader.GetString(4)), reader.GetDecimal(5))), cancellationToken))
            .ToLookup(entry => entry.PcnId, entry => entry.Line);

        await using var pcnCommand = dataSource.Command(work, """
            SELECT pcn_id, ccg_id, population, population_source FROM closed_year_pcns
            WHERE year = $1 AND ($2::text[] IS NULL OR pcn_id = ANY($2)) ORDER BY pcn_id COLLATE "C"
            """);
        pcnCommand.Parameters.AddWithValue(year.ToString());
        pcnCommand.Parameters.Add(SqlParameters.TextArray(pcnIds));
        var pcns = await ReadAllAsync(pcnCommand, reader => new PcnAllocation(
            reader.GetString(0), reader.GetString(1), year, reader.GetInt64(2), Source(reader.GetString(3)),
            // Lines in the order of the year's rates, as a computed allocation has them.
            lines[reader.GetString(0)].OrderBy(line => position[line.Stream.Id]).ToList()), cancellationToken);
        return (rates, pcns);
    }

    // ---- Prior-year adjustments ---------------------------------------------------------------------------------------

    /// <summary>What each line of the given PCNs was last found to be owed: its latest adjustment's should-have-been.</summary>
    public async Task<IReadOnlyDictionary<LineKey, decimal>> LoadOwedSoFarAsync(
        UnitOfWork work, FinancialYear year, IReadOnlyCollection<string>? pcnIds, CancellationToken cancellationToken)
    {
        await using var command = work.Command("""
            SELECT DISTINCT ON (pcn_id, stream_id) pcn_id, stream_id, should_have_been
            FROM prior_year_adjustments WHERE year = $1 AND ($2::text[] IS NULL OR pcn_id = ANY($2))
            ORDER BY pcn_id, stream_id, sequence DESC
            """);
        command.Parameters.AddWithValue(year.ToString());
        command.Parameters.Add(SqlParameters.TextArray(pcnIds));
        var owed = await ReadAllAsync(command, reader => (new LineKey(reader.GetString(0), reader.GetString(1)), reader.GetDecimal(2)), cancellationToken);
        return owed.ToDictionary(entry => entry.Item1, entry => entry.Item2);
    }

    public async Task InsertAdjustmentsAsync(
        UnitOfWork work, IReadOnlyList<PriorYearAdjustment> adjustments, CancellationToken cancellationToken)
    {
        if (adjustments.Count == 0) return;
        var batch = work.Batch();
        foreach (var adjustment in adjustments)
            batch.BatchCommands.Add(Command("""
                INSERT INTO prior_year_adjustments (id, year, pcn_id, stream_id, paid, paid_population, paid_rate_per_head, paid_part_year_factor,
                    previous_should_have_been, should_have_been, population, rate_per_head, part_year_factor,
                    reason, message_id, request_id, rate_stream_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                """,
                Guid.NewGuid(), adjustment.Year.ToString(), adjustment.Line.PcnId, adjustment.Line.StreamId,
                adjustment.Paid.Amount, adjustment.Paid.Population, adjustment.Paid.RatePerHead, adjustment.Paid.PartYearFactor,
                adjustment.PreviousShouldHaveBeen, adjustment.ShouldHaveBeen.Amount, adjustment.ShouldHaveBeen.Population,
                adjustment.ShouldHaveBeen.RatePerHead, adjustment.ShouldHaveBeen.PartYearFactor, ReasonText(adjustment.Cause.Reason),
                Parameter(adjustment.Cause.MessageId, NpgsqlDbType.Uuid), Parameter(adjustment.Cause.RequestId, NpgsqlDbType.Uuid),
                Parameter(adjustment.Cause.RateStreamId, NpgsqlDbType.Text)));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A closed year's adjustments in the order they were recorded, optionally of one PCN and one stream.</summary>
    public async Task<IReadOnlyList<RecordedAdjustment>> ListAdjustmentsAsync(
        FinancialYear year, string? pcnId, string? streamId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, sequence, pcn_id, stream_id, paid, paid_population, paid_rate_per_head, paid_part_year_factor,
                   previous_should_have_been, should_have_been, population, rate_per_head, part_year_factor,
                   reason, message_id, request_id, rate_stream_id, created_at
            FROM prior_year_adjustments
            WHERE year = $1 AND ($2::text IS NULL OR pcn_id = $2) AND ($3::text IS NULL OR stream_id = $3)
            ORDER BY sequence
            """);
        command.Parameters.AddWithValue(year.ToString());
        command.Parameters.Add(Parameter(pcnId, NpgsqlDbType.Text));
        command.Parameters.Add(Parameter(streamId, NpgsqlDbType.Text));
        return await ReadAllAsync(command, reader => new RecordedAdjustment(
            reader.GetGuid(0),
            reader.GetInt64(1),
            new PriorYearAdjustment(
                year,
                new LineKey(reader.GetString(2), reader.GetString(3)),
                new LineFigures(reader.GetInt64(5), reader.GetDecimal(6), reader.GetDecimal(7), reader.GetDecimal(4)),
                reader.GetDecimal(8),
                new LineFigures(reader.GetInt64(10), reader.GetDecimal(11), reader.GetDecimal(12), reader.GetDecimal(9)),
                new AdjustmentCause(
                    Reason(reader.GetString(13)),
                    reader.IsDBNull(14) ? null : reader.GetGuid(14),
                    reader.IsDBNull(15) ? null : reader.GetGuid(15),
                    reader.IsDBNull(16) ? null : reader.GetString(16))),
            reader.GetFieldValue<DateTimeOffset>(17)), cancellationToken);
    }

    // ---- Text forms ---------------------------------------------------------------------------------------------------

    private static string Text(RateSource source) => source.ToString().ToLowerInvariant();

    private static string Text(PopulationSource source) => source == PopulationSource.Stated ? "stated" : "computed";

    private static string Text(PatientBasis basis) => basis == PatientBasis.Weighted ? "weighted" : "registered";

    private static PopulationSource Source(string text) => text == "stated" ? PopulationSource.Stated : PopulationSource.Computed;

    private static PatientBasis Basis(string text) => text == "weighted" ? PatientBasis.Weighted : PatientBasis.Registered;

    private static string ReasonText(AdjustmentReason reason) => reason switch
    {
        AdjustmentReason.PracticeTransferred => "practice-transferred",
        AdjustmentReason.ListSizeRecorded => "list-size-recorded",
        AdjustmentReason.PracticesMerged => "practices-merged",
        AdjustmentReason.FundingRateChanged => "funding-rate-changed",
    };

    private static AdjustmentReason Reason(string text) => text switch
    {
        "practice-transferred" => AdjustmentReason.PracticeTransferred,
        "list-size-recorded" => AdjustmentReason.ListSizeRecorded,
        "practices-merged" => AdjustmentReason.PracticesMerged,
        _ => AdjustmentReason.FundingRateChanged,
    };

    // ---- Plumbing -----------------------------------------------------------------------------------------------------

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
            command.Parameters.Add(parameter as NpgsqlParameter ?? new NpgsqlParameter { Value = parameter });
        return command;
    }

    private static NpgsqlParameter Parameter(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(read(reader));
        return items;
    }
}
