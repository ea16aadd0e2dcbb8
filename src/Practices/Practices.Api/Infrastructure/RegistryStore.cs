using Npgsql;
using Platform.Data;
using Platform.Domain.Errors;
using Practices.Domain.Model;

namespace Practices.Api.Infrastructure;

/// <summary>
/// The registry's SQL. Writes, and reads that must see a write in progress, run in the caller's unit of work: a
/// command's reads and writes share one transaction so an event describes exactly what committed. A read given no
/// unit of work is a plain read on a pooled connection of its own.
/// </summary>
public sealed class RegistryStore(NpgsqlDataSource dataSource)
{
    // Appendix 3 is the documents' one table with every PCN's population; other statements are kept for the record.
    private const string PrimaryStatement = "appendix3";

    public async Task<Dictionary<string, Pcn>> LoadPcnsAsync(UnitOfWork? work, CancellationToken cancellationToken)
    {
        var parts = new Dictionary<string, List<StatedPopulationPart>>();
        await using (var command = dataSource.Command(
            work,
            "SELECT pcn_id, part, population, as_at, source FROM pcn_stated_populations WHERE statement = $1 ORDER BY pcn_id, part"))
        {
            command.Parameters.AddWithValue(PrimaryStatement);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                Add(parts, reader.GetString(0), new StatedPopulationPart(reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateOnly>(3), reader.GetString(4)));
        }

        var pcns = new Dictionary<string, Pcn>();
        await using (var command = dataSource.Command(
            work,
            "SELECT id, name, ccg, clinical_director, started_on, version FROM pcns ORDER BY id"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                pcns[id] = new Pcn(id, reader.GetString(1), CcgIds.Parse(reader.GetString(2)), reader.GetString(3), parts.GetValueOrDefault(id) ?? [],
                    reader.GetFieldValue<DateOnly>(4), reader.GetInt64(5));
            }
        }
        return pcns;
    }

    /// <summary>Practices, all or those named, each with its branch sites.</summary>
    public async Task<Dictionary<string, Practice>> LoadPracticesAsync(
        UnitOfWork? work, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken)
    {
        var branches = new Dictionary<string, List<string>>();
        await using (var command = dataSource.Command(
            work,
            "SELECT practice_id, name FROM branch_sites WHERE $1::text[] IS NULL OR practice_id = ANY($1) ORDER BY practice_id, name"))
        {
            command.Parameters.Add(SqlParameters.TextArray(ids));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) Add(branches, reader.GetString(0), reader.GetString(1));
        }

        var practices = new Dictionary<string, Practice>();
        await using (var command = dataSource.Command(
            work,
            "SELECT id, ods_code, name, closed_on, successor_id, version FROM practices WHERE $1::text[] IS NULL OR id = ANY($1) ORDER BY id"))
        {
            command.Parameters.Add(SqlParameters.TextArray(ids));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                practices[id] = new Practice(id, NullableString(reader, 1), reader.GetString(2), branches.GetValueOrDefault(id) ?? [],
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), NullableString(reader, 4), reader.GetInt64(5));
            }
        }
        return practices;
    }

    /// <summary>Memberships, oldest first: all of them, or those of the named practices, or only those covering a date.</summary>
    public async Task<List<Membership>> LoadMembershipsAsync(
        UnitOfWork? work, IReadOnlyCollection<string>? practiceIds, DateOnly? coveringDate, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(work, """
            SELECT practice_id, pcn_id, effective_from, effective_to, reason FROM memberships
            WHERE ($1::text[] IS NULL OR practice_id = ANY($1))
              AND ($2::date IS NULL OR (effective_from <= $2 AND (effective_to IS NULL OR effective_to >= $2)))
            ORDER BY practice_id, effective_from
            """);
        command.Parameters.Add(SqlParameters.TextArray(practiceIds));
        command.Parameters.Add(new NpgsqlParameter { Value = coveringDate is { } date ? date : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var memberships = new List<Membership>();
        while (await reader.ReadAsync(cancellationToken)) memberships.Add(ReadMembership(reader));
        return memberships;
    }

    private static Membership ReadMembership(NpgsqlDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), Enum.Parse<MembershipReason>(reader.GetString(4), ignoreCase: true));

    /// <summary>The memberships each PCN began with: those covering the PCN's first day.</summary>
    public async Task<List<Membership>> LoadFoundingMembershipsAsync(
        UnitOfWork? work, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(work, """
            SELECT practice_id, pcn_id, effective_from, effective_to, reason FROM memberships JOIN pcns ON pcns.id = memberships.pcn_id
            WHERE effective_from <= pcns.started_on AND (effective_to IS NULL OR effective_to >= pcns.started_on)
            ORDER BY practice_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var memberships = new List<Membership>();
        while (await reader.ReadAsync(cancellationToken)) memberships.Add(ReadMembership(reader));
        return memberships;
    }

    /// <summary>
    /// Each founding membership's base size: the practice's latest size on the PCN's first day, else the first one
    /// recorded after it. Keyed by (PCN, practice).
    /// </summary>
    public async Task<Dictionary<(string PcnId, string PracticeId), ListSizeSnapshot>> LoadFounderBaseSizesAsync(
        UnitOfWork? work, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(work, """
            SELECT DISTINCT ON (m.pcn_id, m.practice_id)
                   m.pcn_id, l.practice_id, l.as_at, l.registered_patients, l.weighted_patients, l.source
            FROM memberships m
            JOIN pcns p ON p.id = m.pcn_id
            JOIN list_sizes l ON l.practice_id = m.practice_id
            WHERE m.effective_from <= p.started_on AND (m.effective_to IS NULL OR m.effective_to >= p.started_on)
            ORDER BY m.pcn_id, m.practice_id, l.as_at <= p.started_on DESC,
                     CASE WHEN l.as_at <= p.started_on THEN l.as_at END DESC, l.as_at
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sizes = new Dictionary<(string, string), ListSizeSnapshot>();
        while (await reader.ReadAsync(cancellationToken))
            sizes[(reader.GetString(0), reader.GetString(1))] = new ListSizeSnapshot(reader.GetString(1), reader.GetFieldValue<DateOnly>(2),
                reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4), NullableString(reader, 5));
        return sizes;
    }

    /// <summary>Practices' commissioners, oldest first: those of the named practices (all when null), or only those covering a date.</summary>
    public async Task<List<Commission>> LoadCommissionsAsync(
        UnitOfWork? work, IReadOnlyCollection<string>? practiceIds, DateOnly? coveringDate,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(work, """
            SELECT practice_id, ccg, effective_from, effective_to FROM practice_commissioners
            WHERE ($1::text[] IS NULL OR practice_id = ANY($1))
              AND ($2::date IS NULL OR (effective_from <= $2 AND (effective_to IS NULL OR effective_to >= $2)))
            ORDER BY practice_id, effective_from
            """);
        command.Parameters.Add(SqlParameters.TextArray(practiceIds));
        command.Parameters.Add(new NpgsqlParameter { Value = coveringDate is { } date ? date : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var commissions = new List<Commission>();
        while (await reader.ReadAsync(cancellationToken))
            commissions.Add(new Commission(reader.GetString(0), CcgIds.Parse(reader.GetString(1)), reader.GetFieldValue<DateOnly>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3)));
        return commissions;
    }

    /// <summary>
    /// Takes the named PCNs' row locks, in id order so that two writes cannot deadlock, and bumps their versions. Called
    /// before a write reads what it publishes: a second write touching one of these PCNs waits here until this one
    /// commits, then (READ COMMITTED) reads what it wrote.
    /// </summary>
    public async Task LockPcnsAsync(UnitOfWork work, IEnumerable<string> pcnIds, CancellationToken cancellationToken)
    {
        await using var command = work.Command("""
            UPDATE pcns SET version = version + 1
            WHERE id IN (SELECT id FROM pcns WHERE id = ANY($1) ORDER BY id FOR UPDATE)
            """);
        var ids = pcnIds.Distinct().ToList();
        command.Parameters.Add(SqlParameters.TextArray(ids));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (NpgsqlException e) when (e.InnerException is TimeoutException)
        {
            // lock_timeout bounds each wait, but a row lock is waited for again each time another write takes it first:
            // under contention the waits add up past the command timeout. This statement only waits for the locks,
            // so that is a write conflict (retry), not an outage.
            throw new ConcurrencyConflictException(
                $"Other writes to {string.Join(", ", ids.Order().Select(id => $"pcns/{id}"))} held them for longer than this write may wait; retry.");
        }
    }

    /// <summary>Each practice's latest list size on or before a date.</summary>
    public async Task<Dictionary<string, ListSizeSnapshot>> LoadLatestListSizesAsync(
        UnitOfWork? work, DateOnly asAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(work, """
            SELECT DISTINCT ON (practice_id) practice_id, as_at, registered_patients, weighted_patients, source FROM list_sizes
            WHERE as_at <= $1
            ORDER BY practice_id, as_at DESC
            """);
        command.Parameters.AddWithValue(asAt);
        var sizes = new Dictionary<string, ListSizeSnapshot>();
        await foreach (var snapshot in ReadListSizes(command, cancellationToken)) sizes[snapshot.PracticeId] = snapshot;
        return sizes;
    }

    /// <summary>Every snapshot of the named practices, oldest first.</summary>
    public async Task<List<ListSizeSnapshot>> LoadListSizeHistoriesAsync(
        UnitOfWork? work, IReadOnlyCollection<string> practiceIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(work, """
            SELECT practice_id, as_at, registered_patients, weighted_patients, source FROM list_sizes
            WHERE practice_id = ANY($1) ORDER BY practice_id, as_at
            """);
        command.Parameters.Add(SqlParameters.TextArray(practiceIds));
        var sizes = new List<ListSizeSnapshot>();
        await foreach (var snapshot in ReadListSizes(command, cancellationToken)) sizes.Add(snapshot);
        return sizes;
    }

    /// <summary>A practice's snapshots, newest first, after a date (exclusive) when paging.</summary>
    public async Task<List<ListSizeSnapshot>> LoadListSizesAsync(
        string practiceId, DateOnly? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT practice_id, as_at, registered_patients, weighted_patients, source FROM list_sizes
            WHERE practice_id = $1 AND ($2::date IS NULL OR as_at < $2)
            ORDER BY as_at DESC LIMIT $3
            """);
        command.Parameters.AddWithValue(practiceId);
        command.Parameters.Add(new NpgsqlParameter { Value = before is { } date ? date : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.AddWithValue(limit);
        var sizes = new List<ListSizeSnapshot>();
        await foreach (var snapshot in ReadListSizes(command, cancellationToken)) sizes.Add(snapshot);
        return sizes;
    }

    /// <summary>Every date after <paramref name="after"/> on which some membership, list size or closure takes effect.</summary>
    public async Task<List<DateOnly>> LoadChangeDatesAsync(UnitOfWork? work, DateOnly after, CancellationToken cancellationToken)
    {
        await using var command = dataSource.Command(work, """
            SELECT day FROM (
                SELECT effective_from AS day FROM memberships
                UNION SELECT effective_to + 1 FROM memberships WHERE effective_to IS NOT NULL
                UNION SELECT as_at FROM list_sizes
                UNION SELECT closed_on FROM practices WHERE closed_on IS NOT NULL
            ) days
            WHERE day > $1
            ORDER BY day
            """);
        command.Parameters.AddWithValue(after);
        var days = new List<DateOnly>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) days.Add(reader.GetFieldValue<DateOnly>(0));
        return days;
    }

    /// <summary>
    /// Claims the practice for this write: bumps its version only if it is still the one read. When another
    /// transaction changed it first, this finds no row (it waits for that transaction, then sees the new version)
    /// and the write is refused as a conflict instead of overwriting what the other wrote.
    /// </summary>
    public async Task<bool> TryBumpVersionAsync(UnitOfWork work, Practice practice, CancellationToken cancellationToken)
    {
        await using var command = work.Command("UPDATE practices SET version = version + 1 WHERE id = $1 AND version = $2");
        command.Parameters.AddWithValue(practice.Id);
        command.Parameters.AddWithValue(practice.Version);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task EndMembershipAsync(UnitOfWork work, Membership ended, CancellationToken cancellationToken)
    {
        await using var command = work.Command(
            "UPDATE memberships SET effective_to = $3 WHERE practice_id = $1 AND effective_from = $2");
        command.Parameters.AddWithValue(ended.PracticeId);
        command.Parameters.AddWithValue(ended.From);
        command.Parameters.AddWithValue(ended.To!.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task InsertMembershipAsync(UnitOfWork work, Membership started, CancellationToken cancellationToken)
    {
        await using var command = work.Command(
            "INSERT INTO memberships (practice_id, pcn_id, effective_from, reason) VALUES ($1, $2, $3, $4)");
        command.Parameters.AddWithValue(started.PracticeId);
        command.Parameters.AddWithValue(started.PcnId);
        command.Parameters.AddWithValue(started.From);
        command.Parameters.AddWithValue(started.Reason.ToString().ToLowerInvariant());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a snapshot; a second one for the same practice and date replaces the first.</summary>
    public async Task UpsertListSizeAsync(UnitOfWork work, ListSizeSnapshot snapshot, CancellationToken cancellationToken)
    {
        await using var command = work.Command("""
            INSERT INTO list_sizes (practice_id, as_at, registered_patients, weighted_patients, source) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (practice_id, as_at) DO UPDATE
            SET registered_patients = excluded.registered_patients, weighted_patients = excluded.weighted_patients, source = excluded.source
            """);
        command.Parameters.AddWithValue(snapshot.PracticeId);
        command.Parameters.AddWithValue(snapshot.AsAt);
        command.Parameters.AddWithValue(snapshot.RegisteredPatients);
        command.Parameters.Add(new NpgsqlParameter { Value = snapshot.WeightedPatients is { } weighted ? weighted : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)snapshot.Source ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Closes a merged predecessor and records the merger.</summary>
    public async Task ClosePracticeAsync(UnitOfWork work, Practice closed, CancellationToken cancellationToken)
    {
        await using var batch = work.Batch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE practices SET closed_on = $2, successor_id = $3 WHERE id = $1"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO mergers (successor_id, predecessor_id, effective_from) VALUES ($3, $1, $2)"));
        foreach (var command in batch.BatchCommands)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = closed.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = closed.ClosedOn!.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = closed.SuccessorId! });
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async IAsyncEnumerable<ListSizeSnapshot> ReadListSizes(NpgsqlCommand command, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new ListSizeSnapshot(reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), NullableString(reader, 4));
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static void Add<T>(Dictionary<string, List<T>> groups, string key, T value)
    {
        if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
        list.Add(value);
    }
}
