using Finance.Api.Infrastructure.ReferenceData;
using Finance.Domain.Arrs;
using Finance.Domain.Model;
using Npgsql;
using Platform.Data;

namespace Finance.Api.Infrastructure;

/// <summary>
/// Finance's tables in SQL: funding rates, the copy of the registry's populations, and ARRS claims. Writes, and reads
/// that must see a write in progress, run in the caller's unit of work; a read given no unit of work is a plain read
/// on a pooled connection of its own.
/// </summary>
public sealed class FinanceStore(NpgsqlDataSource dataSource)
{
    // ---- Funding rates ----------------------------------------------------------------------------------------------

    private const string RateColumns =
        "stream_id, year, rate_per_head, rate_source, part_year_factor, reference_date, published_amount, source, document_rate_per_head, document_rate_source, document_part_year_factor";

    public async Task<IReadOnlyList<FundingRate>> ListRatesAsync(UnitOfWork? work, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(work, $"SELECT {RateColumns} FROM funding_rates ORDER BY stream_id, year");
        return await ReadAllAsync(command, ReadRate, cancellationToken);
    }

    /// <summary>Sets a rate and records the change; the row is locked so two concurrent sets apply one after the other.</summary>
    public async Task<FundingRate?> SetRateAsync(UnitOfWork work, string streamId, FinancialYear year, decimal ratePerHead, decimal? partYearFactor, CancellationToken cancellationToken)
    {
        await using var command = work.Command("""
            WITH old AS (
                SELECT rate_per_head, part_year_factor FROM funding_rates WHERE stream_id = $1 AND year = $2 FOR UPDATE
            ), updated AS (
                UPDATE funding_rates r
                SET rate_per_head = $3, part_year_factor = coalesce($4, r.part_year_factor), rate_source = 'set', updated_at = now()
                FROM old WHERE r.stream_id = $1 AND r.year = $2
                RETURNING r.*, old.rate_per_head AS old_rate, old.part_year_factor AS old_factor
            ), audit AS (
                INSERT INTO funding_rate_changes (stream_id, year, old_rate_per_head, new_rate_per_head, old_part_year_factor, new_part_year_factor)
                SELECT stream_id, year, old_rate, rate_per_head, old_factor, part_year_factor FROM updated
            )
            SELECT stream_id, year, rate_per_head, rate_source, part_year_factor, reference_date, published_amount, source, document_rate_per_head, document_rate_source, document_part_year_factor
            FROM updated
            """);
        command.Parameters.AddWithValue(streamId);
        command.Parameters.AddWithValue(year.ToString());
        command.Parameters.AddWithValue(ratePerHead);
        command.Parameters.AddWithValue((object?)partYearFactor ?? DBNull.Value).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric;
        var rates = await ReadAllAsync(command, ReadRate, cancellationToken);
        return rates.Count == 0 ? null : rates[0];
    }

    private static FundingRate ReadRate(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        FinancialYear.Parse(reader.GetString(1)),
        reader.GetDecimal(2),
        ReferenceDataFiles.RateSource(reader.GetString(3)),
        reader.GetDecimal(4),
        reader.GetFieldValue<DateOnly>(5),
        reader.IsDBNull(6) ? null : reader.GetDecimal(6),
        reader.GetString(7),
        reader.GetDecimal(8),
        ReferenceDataFiles.RateSource(reader.GetString(9)),
        reader.GetDecimal(10));

    // ---- The copy of the registry's populations ----------------------------------------------------------------------

    /// <param name="pcnIds">The PCNs to load; null for every PCN.</param>
    public async Task<PopulationHistory> LoadPopulationsAsync(
        UnitOfWork? work, IReadOnlyCollection<string>? pcnIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(
            work,
            "SELECT pcn_id, ccg_id, as_at, registered, weighted, source, version FROM pcn_populations WHERE $1::text[] IS NULL OR pcn_id = ANY($1)");
        command.Parameters.Add(SqlParameters.TextArray(pcnIds));
        return new PopulationHistory(await ReadAllAsync(command, reader => new PcnPopulation(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetFieldValue<DateOnly>(2),
            reader.GetInt64(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4),
            reader.GetString(5) == "stated" ? PopulationSource.Stated : PopulationSource.Computed,
            reader.GetInt64(6)), cancellationToken));
    }

    /// <summary>
    /// Applies each PCN's timeline (oldest first, one version): from its first date it replaces what Finance holds, up to
    /// the first date a newer version already holds, and not at all when a newer version holds its first date or an
    /// earlier one (<see cref="VersionedTimeline"/>). PCNs are locked in id order for the transaction, so two events for
    /// one PCN applied at once take turns and neither reads what the other is about to change.
    /// </summary>
    /// <remarks>
    /// Timelines of different PCNs (an event's) are locked, and what newer versions hold read, in one round trip, and
    /// written in one more; with <paramref name="withCommit"/>, the writes go with the commit instead
    /// (<see cref="UnitOfWork.AddToCommit"/>), for a caller that reads nothing after them. A PCN's later timeline (the
    /// start-up copy has one per date) is read after its earlier one is written.
    /// </remarks>
    public async Task ApplyTimelinesAsync(UnitOfWork work, IEnumerable<IReadOnlyList<PcnPopulation>> timelines, string origin,
        bool withCommit, CancellationToken cancellationToken)
    {
        var ordered = timelines.OrderBy(timeline => timeline[0].PcnId, StringComparer.Ordinal).ToList();
        for (var first = 0; first < ordered.Count;)
        {
            // The next run of timelines with no PCN twice.
            var pcns = new HashSet<string>();
            var end = first;
            while (end < ordered.Count && pcns.Add(ordered[end][0].PcnId)) end++;
            var group = ordered[first..end];
            first = end;

            var newer = await LockAndReadNewerAsync(work, group, cancellationToken);
            var writes = group.Zip(newer).SelectMany(applying => Replace(applying.First, applying.Second, origin)).ToList();
            if (withCommit && first == ordered.Count)
            {
                foreach (var write in writes) work.AddToCommit(write);
                continue;
            }
            await using var batch = work.Batch();
            foreach (var write in writes) batch.BatchCommands.Add(write);
            if (writes.Count > 0) await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Each timeline's PCN lock, in the order given, then, under them all, the dates a newer version than each timeline's
    /// holds: one round trip.
    /// </summary>
    private static async Task<List<List<DateOnly>>> LockAndReadNewerAsync(
        UnitOfWork work, IReadOnlyList<IReadOnlyList<PcnPopulation>> timelines, CancellationToken cancellationToken)
    {
        await using var batch = work.Batch();
        foreach (var timeline in timelines)
        {
            var locking = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended('pcn_populations/' || $1, 0))");
            locking.Parameters.Add(new NpgsqlParameter { Value = timeline[0].PcnId });
            batch.BatchCommands.Add(locking);
        }
        foreach (var timeline in timelines)
        {
            var query = new NpgsqlBatchCommand("SELECT as_at FROM pcn_populations WHERE pcn_id = $1 AND version > $2");
            query.Parameters.Add(new NpgsqlParameter { Value = timeline[0].PcnId });
            query.Parameters.Add(new NpgsqlParameter { Value = timeline[0].Version });
            batch.BatchCommands.Add(query);
        }

        // Past the locks' results (one each), then one result of dates per timeline.
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var skipped = 0; skipped < timelines.Count; skipped++) await reader.NextResultAsync(cancellationToken);
        var newer = new List<List<DateOnly>>();
        foreach (var _ in timelines)
        {
            var dates = new List<DateOnly>();
            while (await reader.ReadAsync(cancellationToken)) dates.Add(reader.GetFieldValue<DateOnly>(0));
            newer.Add(dates);
            await reader.NextResultAsync(cancellationToken);
        }
        return newer;
    }

    /// <summary>What replaces Finance's rows for the timeline's PCN, given the dates newer versions hold: nothing if they hold its start.</summary>
    private static IEnumerable<NpgsqlBatchCommand> Replace(IReadOnlyList<PcnPopulation> timeline, List<DateOnly> newer, string origin)
    {
        var (pcnId, from) = (timeline[0].PcnId, timeline[0].AsAt);
        if (VersionedTimeline.StandingWindow(from, newer) is not { } window) yield break;
        var (start, until) = window;

        var drop = new NpgsqlBatchCommand("DELETE FROM pcn_populations WHERE pcn_id = $1 AND as_at >= $2 AND ($3::date IS NULL OR as_at < $3)");
        drop.Parameters.Add(new NpgsqlParameter { Value = pcnId });
        drop.Parameters.Add(new NpgsqlParameter { Value = start });
        drop.Parameters.Add(new NpgsqlParameter { Value = until is { } date ? date : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        yield return drop;
        foreach (var population in timeline.Where(population => until is not { } stop || population.AsAt < stop))
            yield return Insert(population, origin);
    }

    private static NpgsqlBatchCommand Insert(PcnPopulation population, string origin)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO pcn_populations (pcn_id, as_at, ccg_id, registered, weighted, source, origin, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        command.Parameters.AddWithValue(population.PcnId);
        command.Parameters.AddWithValue(population.AsAt);
        command.Parameters.AddWithValue(population.CcgId);
        command.Parameters.AddWithValue(population.Registered);
        command.Parameters.AddWithValue((object?)population.Weighted ?? DBNull.Value).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint;
        command.Parameters.AddWithValue(population.Source == PopulationSource.Stated ? "stated" : "computed");
        command.Parameters.AddWithValue(origin);
        command.Parameters.AddWithValue(population.Version);
        return command;
    }

    /// <summary>Records that the start-up copy of the registry was taken (in the transaction that stores it).</summary>
    public async Task MarkRegistryCopiedAsync(UnitOfWork work, CancellationToken cancellationToken)
    {
        await using var command = work.Command("INSERT INTO registry_copy (id) VALUES (1) ON CONFLICT DO NOTHING");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> HasPcnAsync(string pcnId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM pcn_populations WHERE pcn_id = $1)");
        command.Parameters.AddWithValue(pcnId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Whether the start-up copy of the registry was taken (rows from events alone do not count).</summary>
    public async Task<bool> HasRegistryCopyAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM registry_copy)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // ---- ARRS claims --------------------------------------------------------------------------------------------------

    private const string ClaimColumns = "id, pcn_id, year, role, fte, months, annual_salary_cost, reimbursed_share, created_on";

    /// <summary>
    /// The PCN's claims for a year, read under a transaction-scoped lock on (PCN, year): two claims for the same PCN
    /// and year are checked against the entitlement one after the other, so together they can never exceed it.
    /// </summary>
    public async Task<IReadOnlyList<ArrsClaim>> LockYearClaimsAsync(UnitOfWork work, string pcnId, FinancialYear year, CancellationToken cancellationToken)
    {
        await using (var lockYear = work.Command("SELECT pg_advisory_xact_lock(hashtextextended('arrs-claims/' || $1 || '/' || $2, 0))"))
        {
            lockYear.Parameters.AddWithValue(pcnId);
            lockYear.Parameters.AddWithValue(year.ToString());
            await lockYear.ExecuteNonQueryAsync(cancellationToken);
        }
        return await ListClaimsAsync(work, pcnId, year, cancellationToken);
    }

    public async Task<IReadOnlyList<ArrsClaim>> ListClaimsAsync(UnitOfWork? work, string pcnId, FinancialYear? year, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(
            work,
            $"SELECT {ClaimColumns} FROM arrs_claims WHERE pcn_id = $1 AND ($2::text IS NULL OR year = $2) ORDER BY sequence");
        command.Parameters.AddWithValue(pcnId);
        command.Parameters.AddWithValue((object?)year?.ToString() ?? DBNull.Value).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        return await ReadAllAsync(command, reader => new ArrsClaim(
            reader.GetGuid(0),
            reader.GetString(1),
            FinancialYear.Parse(reader.GetString(2)),
            ArrsRoles.Parse(reader.GetString(3)),
            reader.GetDecimal(4),
            reader.GetInt32(5),
            reader.GetDecimal(6),
            reader.GetDecimal(7),
            reader.GetFieldValue<DateOnly>(8)), cancellationToken);
    }

    public async Task InsertClaimAsync(UnitOfWork work, ArrsClaim claim, CancellationToken cancellationToken)
    {
        await using var command = work.Command(
            $"INSERT INTO arrs_claims ({ClaimColumns}, reimbursed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        command.Parameters.AddWithValue(claim.Id);
        command.Parameters.AddWithValue(claim.PcnId);
        command.Parameters.AddWithValue(claim.Year.ToString());
        command.Parameters.AddWithValue(claim.Role.ToId());
        command.Parameters.AddWithValue(claim.Fte);
        command.Parameters.AddWithValue(claim.Months);
        command.Parameters.AddWithValue(claim.AnnualSalaryCost);
        command.Parameters.AddWithValue(claim.ReimbursedShare);
        command.Parameters.AddWithValue(claim.CreatedOn);
        command.Parameters.AddWithValue(claim.Reimbursed);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(read(reader));
        return items;
    }
}
