using Npgsql;
using Platform.Data;
using Platform.Domain.Errors;
using Practices.Domain.Model;
using Practices.Domain.Rules;

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

    /// <summary>Practices, all or those named, each with its branch sites.</summary>
    public async Task<Dictionary<string, Practice>> LoadPracticesAsync(
        UnitOfWork? work, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.Batch(work);
        AddPracticeQueries(batch, ids);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadPracticesAsync(reader, cancellationToken);
    }

    /// <summary>
    /// The registry as it can stand on any date from <paramref name="from"/> through <paramref name="through"/>
    /// (every later date when null), in one round trip: PCNs, practices, founding members with their base sizes, and
    /// the memberships, commissions and list sizes that apply on some date of the range. Which of those apply on
    /// which date is the domain's to say (<see cref="RegistryHistory"/>); the queries only leave out rows that cannot.
    /// </summary>
    public async Task<RegistryRows> LoadRegistryAsync(
        UnitOfWork work, DateOnly from, DateOnly? through, CancellationToken cancellationToken)
    {
        await using var batch = work.Batch();
        AddRegistryQueries(batch, from, through, pcnIds: null);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadRegistryAsync(reader, cancellationToken);
    }

    /// <summary>The statements of <see cref="LoadRegistryAsync"/>, added to a batch.</summary>
    /// <param name="pcnIds">
    /// When given, only what these PCNs' figures depend on: every PCN and practice still, but only these PCNs' founders
    /// and memberships, and the commissions and list sizes of the practices that found or belong to them in the range.
    /// A write describing the PCNs it touched reads that much, not the whole registry
    /// (<see cref="WriteUnderPcnLocksAsync"/>).
    /// </param>
    private static void AddRegistryQueries(NpgsqlBatch batch, DateOnly from, DateOnly? through, IReadOnlyCollection<string>? pcnIds)
    {
        var sql = pcnIds is null ? WholeRegistrySql : OfPcnsSql;
        AddPcnQueries(batch);
        AddPracticeQueries(batch, ids: null);
        foreach (var founders in new[] { sql.FoundingMemberships, sql.FounderBaseSizes })
        {
            var command = new NpgsqlBatchCommand(founders);
            if (pcnIds is not null) command.Parameters.Add(SqlParameters.TextArray(pcnIds));
            batch.BatchCommands.Add(command);
        }
        foreach (var inRange in new[] { sql.MembershipsInRange, sql.CommissionsInRange, sql.ListSizesInRange })
        {
            var command = new NpgsqlBatchCommand(inRange);
            command.Parameters.Add(new NpgsqlParameter { Value = from, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
            command.Parameters.Add(NullableDate(through));
            if (pcnIds is not null) command.Parameters.Add(SqlParameters.TextArray(pcnIds));
            batch.BatchCommands.Add(command);
        }
    }

    /// <summary>Reads what <see cref="AddRegistryQueries"/> asked, moving past its results.</summary>
    private static async Task<RegistryRows> ReadRegistryAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var pcns = await ReadPcnsAsync(reader, cancellationToken);
        var practices = await ReadPracticesAsync(reader, cancellationToken);
        var founding = await ReadResultAsync(reader, ReadMembership, cancellationToken);
        var baseSizes = (await ReadResultAsync(reader, row => (PcnId: row.GetString(0), Size: ReadListSize(row, offset: 1)), cancellationToken))
            .ToDictionary(founder => (founder.PcnId, founder.Size.PracticeId), founder => founder.Size);
        var memberships = await ReadResultAsync(reader, ReadMembership, cancellationToken);
        var commissions = await ReadResultAsync(reader, ReadCommission, cancellationToken);
        var sizes = await ReadResultAsync(reader, row => ReadListSize(row, offset: 0), cancellationToken);
        return new RegistryRows(pcns, practices, founding, baseSizes, new RegistryHistory(memberships, commissions, sizes));
    }

    /// <summary>
    /// The date-dependent statements of a load, for the whole registry or (with the PCN ids as the last parameter) for
    /// some PCNs. Two texts rather than one with "$n IS NULL OR": each gets a plan of its own, and the second reads a PCN's
    /// memberships by <c>memberships_by_pcn_and_end</c>.
    /// </summary>
    private sealed record LoadSql(
        string FoundingMemberships, string FounderBaseSizes, string MembershipsInRange, string CommissionsInRange, string ListSizesInRange);

    private static readonly LoadSql WholeRegistrySql = Load(ofPcns: false);
    private static readonly LoadSql OfPcnsSql = Load(ofPcns: true);

    private static LoadSql Load(bool ofPcns)
    {
        // The practices whose rows the PCNs in $3 depend on: their members in the range [$1, $2], and their founders.
        // Two arms rather than one OR, so that each reads its rows by an index and neither grows with the history.
        var ofPractices = !ofPcns ? "" : $"""
            AND practice_id IN (
                SELECT practice_id FROM memberships
                WHERE pcn_id = ANY($3) AND ($2::date IS NULL OR effective_from <= $2) AND {InEffectFrom}
                UNION
                SELECT m.practice_id FROM memberships m JOIN pcns p ON {Founding}
                WHERE p.id = ANY($3))
            """;
        return new LoadSql(
            // The memberships each PCN began with.
            FoundingMemberships: $"""
                SELECT m.practice_id, m.pcn_id, m.effective_from, m.effective_to, m.reason
                FROM memberships m JOIN pcns p ON {Founding}
                {(ofPcns ? "WHERE p.id = ANY($1)" : "")}
                ORDER BY m.practice_id
                """,
            // Each founding membership's base size: the practice's latest size on the PCN's first day, else the first
            // one recorded after it.
            FounderBaseSizes: $"""
                SELECT DISTINCT ON (m.pcn_id, m.practice_id)
                       m.pcn_id, l.practice_id, l.as_at, l.registered_patients, l.weighted_patients, l.source
                FROM memberships m
                JOIN pcns p ON {Founding}
                JOIN list_sizes l ON l.practice_id = m.practice_id
                {(ofPcns ? "WHERE p.id = ANY($1)" : "")}
                ORDER BY m.pcn_id, m.practice_id, l.as_at <= p.started_on DESC,
                         CASE WHEN l.as_at <= p.started_on THEN l.as_at END DESC, l.as_at
                """,
            // Those overlapping [$1, $2] ($2 null: open-ended).
            MembershipsInRange: $"""
                SELECT practice_id, pcn_id, effective_from, effective_to, reason FROM memberships
                WHERE ($2::date IS NULL OR effective_from <= $2) AND {InEffectFrom}
                {(ofPcns ? "AND pcn_id = ANY($3)" : "")}
                ORDER BY practice_id, effective_from
                """,
            CommissionsInRange: $"""
                SELECT practice_id, ccg, effective_from, effective_to FROM practice_commissioners
                WHERE ($2::date IS NULL OR effective_from <= $2) AND {InEffectFrom}
                {ofPractices}
                ORDER BY practice_id, effective_from
                """,
            // Each practice's latest size on or before $1, and every later one through $2.
            ListSizesInRange: $"""
                SELECT practice_id, as_at, registered_patients, weighted_patients, source FROM (
                    SELECT DISTINCT ON (practice_id) practice_id, as_at, registered_patients, weighted_patients, source
                    FROM list_sizes WHERE as_at <= $1
                    {ofPractices}
                    ORDER BY practice_id, as_at DESC
                ) latest
                UNION ALL
                SELECT practice_id, as_at, registered_patients, weighted_patients, source FROM list_sizes
                WHERE as_at > $1 AND ($2::date IS NULL OR as_at <= $2)
                {ofPractices}
                ORDER BY practice_id, as_at
                """);
    }

    /// <summary>
    /// The join of a PCN <c>p</c> to its founding memberships <c>m</c>, those covering its first day. No membership starts
    /// before its PCN (the trigger <c>memberships_within_pcn_life</c>), so those are the ones starting on it, which
    /// <c>memberships_by_pcn</c> finds without reading the memberships that came later.
    /// </summary>
    private const string Founding = "p.id = m.pcn_id AND m.effective_from = p.started_on";

    /// <summary>
    /// An effective-dated row still in effect on the range's first day, $1 (an open end is "infinity"), in the form that
    /// <c>memberships_by_pcn_and_end</c> indexes: a PCN's memberships that ended before a write's date are not read.
    /// </summary>
    private const string InEffectFrom = "COALESCE(effective_to, 'infinity') >= $1";

    private static void AddPcnQueries(NpgsqlBatch batch)
    {
        var parts = new NpgsqlBatchCommand(
            "SELECT pcn_id, part, population, as_at, source FROM pcn_stated_populations WHERE statement = $1 ORDER BY pcn_id, part");
        parts.Parameters.Add(new NpgsqlParameter { Value = PrimaryStatement });
        batch.BatchCommands.Add(parts);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT id, name, ccg, clinical_director, started_on, version FROM pcns ORDER BY id"));
    }

    /// <summary>Reads what <see cref="AddPcnQueries"/> asked, moving past its results.</summary>
    private static async Task<Dictionary<string, Pcn>> ReadPcnsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var parts = (await ReadResultAsync(reader, row => (PcnId: row.GetString(0), Part: new StatedPopulationPart(
                row.GetString(1), row.GetInt64(2), row.GetFieldValue<DateOnly>(3), row.GetString(4))), cancellationToken))
            .ToLookup(part => part.PcnId, part => part.Part);
        return (await ReadResultAsync(reader, row => new Pcn(row.GetString(0), row.GetString(1), CcgIds.Parse(row.GetString(2)),
                row.GetString(3), parts[row.GetString(0)].ToList(), row.GetFieldValue<DateOnly>(4), row.GetInt64(5)), cancellationToken))
            .ToDictionary(pcn => pcn.Id);
    }

    private static void AddPracticeQueries(NpgsqlBatch batch, IReadOnlyCollection<string>? ids)
    {
        var branches = new NpgsqlBatchCommand(
            "SELECT practice_id, name FROM branch_sites WHERE $1::text[] IS NULL OR practice_id = ANY($1) ORDER BY practice_id, name");
        var practices = new NpgsqlBatchCommand(
            "SELECT id, ods_code, name, closed_on, successor_id, version FROM practices WHERE $1::text[] IS NULL OR id = ANY($1) ORDER BY id");
        foreach (var command in new[] { branches, practices })
        {
            command.Parameters.Add(SqlParameters.TextArray(ids));
            batch.BatchCommands.Add(command);
        }
    }

    /// <summary>Reads what <see cref="AddPracticeQueries"/> asked, moving past its results.</summary>
    private static async Task<Dictionary<string, Practice>> ReadPracticesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var branches = (await ReadResultAsync(reader, row => (PracticeId: row.GetString(0), Name: row.GetString(1)), cancellationToken))
            .ToLookup(branch => branch.PracticeId, branch => branch.Name);
        return (await ReadResultAsync(reader, row => new Practice(row.GetString(0), NullableString(row, 1), row.GetString(2),
                branches[row.GetString(0)].ToList(), row.IsDBNull(3) ? null : row.GetFieldValue<DateOnly>(3), NullableString(row, 4),
                row.GetInt64(5)), cancellationToken))
            .ToDictionary(practice => practice.Id);
    }

    /// <summary>Memberships of the named practices (all when null), oldest first.</summary>
    public async Task<List<Membership>> LoadMembershipsAsync(
        UnitOfWork? work, IReadOnlyCollection<string>? practiceIds, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.Batch(work);
        batch.BatchCommands.Add(ForPractices(MembershipsSql, practiceIds));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadResultAsync(reader, ReadMembership, cancellationToken);
    }

    /// <summary>
    /// What a change to one practice reads before the rules decide, in one round trip: the practice (null when there is
    /// none), every PCN, and the practice's memberships and commissioners, oldest first.
    /// </summary>
    public async Task<PracticeRecord> LoadPracticeRecordAsync(UnitOfWork work, string practiceId, CancellationToken cancellationToken)
    {
        string[] ids = [practiceId];
        await using var batch = work.Batch();
        AddPracticeQueries(batch, ids);
        AddPcnQueries(batch);
        batch.BatchCommands.Add(ForPractices(MembershipsSql, ids));
        batch.BatchCommands.Add(ForPractices(CommissionsSql, ids));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var practices = await ReadPracticesAsync(reader, cancellationToken);
        var pcns = await ReadPcnsAsync(reader, cancellationToken);
        var memberships = await ReadResultAsync(reader, ReadMembership, cancellationToken);
        var commissions = await ReadResultAsync(reader, ReadCommission, cancellationToken);
        return new PracticeRecord(practices.GetValueOrDefault(practiceId), pcns, memberships, commissions);
    }

    private const string MembershipsSql = "SELECT practice_id, pcn_id, effective_from, effective_to, reason FROM memberships";

    private const string CommissionsSql = "SELECT practice_id, ccg, effective_from, effective_to FROM practice_commissioners";

    /// <summary>
    /// The rows of the named practices (all when null), oldest first. Two texts rather than "$1 IS NULL OR": a generic
    /// plan for that cannot use the table's (practice_id, effective_from) key, and these tables grow with every write.
    /// </summary>
    private static NpgsqlBatchCommand ForPractices(string select, IReadOnlyCollection<string>? practiceIds)
    {
        if (practiceIds is null) return new NpgsqlBatchCommand($"{select} ORDER BY practice_id, effective_from");
        var command = new NpgsqlBatchCommand($"{select} WHERE practice_id = ANY($1) ORDER BY practice_id, effective_from");
        command.Parameters.Add(SqlParameters.TextArray(practiceIds));
        return command;
    }

    private static Membership ReadMembership(NpgsqlDataReader reader) => new(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), Enum.Parse<MembershipReason>(reader.GetString(4), ignoreCase: true));

    /// <summary>Practices' commissioners, oldest first: those of the named practices (all when null).</summary>
    public async Task<List<Commission>> LoadCommissionsAsync(
        UnitOfWork? work, IReadOnlyCollection<string>? practiceIds, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.Batch(work);
        batch.BatchCommands.Add(ForPractices(CommissionsSql, practiceIds));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadResultAsync(reader, ReadCommission, cancellationToken);
    }

    private static Commission ReadCommission(NpgsqlDataReader reader) => new(reader.GetString(0), CcgIds.Parse(reader.GetString(1)),
        reader.GetFieldValue<DateOnly>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3));

    /// <summary>The rows of the reader's current result, then on to its next (a batch's next statement).</summary>
    private static async Task<List<T>> ReadResultAsync<T>(
        NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
        await reader.NextResultAsync(cancellationToken);
        return rows;
    }

    private static NpgsqlParameter NullableDate(DateOnly? date) =>
        new() { Value = date is { } value ? value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date };

    /// <summary>
    /// Takes the named PCNs' row locks, in id order so that two writes cannot deadlock, and bumps their versions. Called
    /// before a write reads what it publishes: a second write touching one of these PCNs waits here until this one
    /// commits, then (READ COMMITTED) reads what it wrote.
    /// </summary>
    public async Task LockPcnsAsync(UnitOfWork work, IEnumerable<string> pcnIds, CancellationToken cancellationToken)
    {
        await using var batch = work.Batch();
        var ids = AddPcnLocks(batch, pcnIds);
        await ExecuteUnderLocksAsync(ids, batch.ExecuteNonQueryAsync(cancellationToken));
    }

    /// <summary>
    /// Moves a practice under the locks of the PCNs named (<see cref="LockPcnsAsync"/>): ends its current membership,
    /// if any, and starts the next; then loads what those PCNs' figures depend on from the move's date
    /// (<see cref="LoadRegistryAsync"/>).
    /// </summary>
    public Task<RegistryRows> MoveMembershipAsync(
        UnitOfWork work, IEnumerable<string> pcnIds, Membership? ended, Membership started, CancellationToken cancellationToken) =>
        WriteUnderPcnLocksAsync(work, pcnIds,
            ended is null ? [StartMembership(started)] : [EndMembership(ended), StartMembership(started)], started.From, cancellationToken);

    /// <summary>
    /// Records a list size under the locks of the PCNs it counts in (<see cref="LockPcnsAsync"/>), replacing one of the
    /// same practice and date; then loads what those PCNs' figures depend on from its date (<see cref="LoadRegistryAsync"/>).
    /// </summary>
    public Task<RegistryRows> RecordListSizeAsync(
        UnitOfWork work, IEnumerable<string> pcnIds, ListSizeSnapshot snapshot, CancellationToken cancellationToken) =>
        WriteUnderPcnLocksAsync(work, pcnIds, [UpsertListSize(snapshot)], snapshot.AsAt, cancellationToken);

    /// <summary>
    /// Takes the locks, runs the writes, and loads the locked PCNs' rows from <paramref name="loadFrom"/>, in one round
    /// trip: a write holds the locks until it commits, and other writes to those PCNs wait for each round trip it
    /// makes meanwhile. Under READ COMMITTED each statement sees what was committed when it began, and PostgreSQL
    /// begins a batch's next statement only when the last has finished, so the load sees every write that held the
    /// locks before this one.
    /// </summary>
    private static async Task<RegistryRows> WriteUnderPcnLocksAsync(UnitOfWork work, IEnumerable<string> pcnIds,
        IEnumerable<NpgsqlBatchCommand> writes, DateOnly loadFrom, CancellationToken cancellationToken)
    {
        await using var batch = work.Batch();
        var ids = AddPcnLocks(batch, pcnIds);
        foreach (var write in writes) batch.BatchCommands.Add(write);
        AddRegistryQueries(batch, loadFrom, through: null, ids);
        await using var reader = await ExecuteUnderLocksAsync(ids, batch.ExecuteReaderAsync(cancellationToken));
        return await ReadRegistryAsync(reader, cancellationToken);
    }

    private static List<string> AddPcnLocks(NpgsqlBatch batch, IEnumerable<string> pcnIds)
    {
        var ids = pcnIds.Distinct().ToList();
        var locks = new NpgsqlBatchCommand("""
            UPDATE pcns SET version = version + 1
            WHERE id IN (SELECT id FROM pcns WHERE id = ANY($1) ORDER BY id FOR UPDATE)
            """);
        locks.Parameters.Add(SqlParameters.TextArray(ids));
        batch.BatchCommands.Add(locks);
        return ids;
    }

    private static async Task<T> ExecuteUnderLocksAsync<T>(IReadOnlyCollection<string> ids, Task<T> execution)
    {
        try
        {
            return await execution;
        }
        catch (NpgsqlException e) when (e.InnerException is TimeoutException)
        {
            // lock_timeout bounds each wait, but a row lock is waited for again each time another write takes it first:
            // under contention the waits add up past the command timeout. The statements after the locks are quick, so
            // that is a write conflict (retry), not an outage.
            throw new ConcurrencyConflictException(
                $"Other writes to {string.Join(", ", ids.Order().Select(id => $"pcns/{id}"))} held them for longer than this write may wait; retry.");
        }
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
        command.Parameters.Add(NullableDate(before));
        command.Parameters.AddWithValue(limit);
        var sizes = new List<ListSizeSnapshot>();
        await foreach (var snapshot in ReadListSizes(command, cancellationToken)) sizes.Add(snapshot);
        return sizes;
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
        await using var batch = work.Batch();
        batch.BatchCommands.Add(EndMembership(ended));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand EndMembership(Membership ended)
    {
        var command = new NpgsqlBatchCommand("UPDATE memberships SET effective_to = $3 WHERE practice_id = $1 AND effective_from = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = ended.PracticeId });
        command.Parameters.Add(new NpgsqlParameter { Value = ended.From });
        command.Parameters.Add(new NpgsqlParameter { Value = ended.To!.Value });
        return command;
    }

    private static NpgsqlBatchCommand StartMembership(Membership started)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO memberships (practice_id, pcn_id, effective_from, reason) VALUES ($1, $2, $3, $4)");
        command.Parameters.Add(new NpgsqlParameter { Value = started.PracticeId });
        command.Parameters.Add(new NpgsqlParameter { Value = started.PcnId });
        command.Parameters.Add(new NpgsqlParameter { Value = started.From });
        command.Parameters.Add(new NpgsqlParameter { Value = started.Reason.ToString().ToLowerInvariant() });
        return command;
    }

    /// <summary>Records a snapshot; a second one for the same practice and date replaces the first.</summary>
    public async Task UpsertListSizeAsync(UnitOfWork work, ListSizeSnapshot snapshot, CancellationToken cancellationToken)
    {
        await using var batch = work.Batch();
        batch.BatchCommands.Add(UpsertListSize(snapshot));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand UpsertListSize(ListSizeSnapshot snapshot)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO list_sizes (practice_id, as_at, registered_patients, weighted_patients, source) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (practice_id, as_at) DO UPDATE
            SET registered_patients = excluded.registered_patients, weighted_patients = excluded.weighted_patients, source = excluded.source
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = snapshot.PracticeId });
        command.Parameters.Add(new NpgsqlParameter { Value = snapshot.AsAt });
        command.Parameters.Add(new NpgsqlParameter { Value = snapshot.RegisteredPatients });
        command.Parameters.Add(new NpgsqlParameter { Value = snapshot.WeightedPatients is { } weighted ? weighted : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)snapshot.Source ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return command;
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
        while (await reader.ReadAsync(cancellationToken)) yield return ReadListSize(reader, offset: 0);
    }

    /// <summary>A list size from five columns (practice, date, registered, weighted, source) starting at <paramref name="offset"/>.</summary>
    private static ListSizeSnapshot ReadListSize(NpgsqlDataReader reader, int offset) => new(reader.GetString(offset),
        reader.GetFieldValue<DateOnly>(offset + 1), reader.GetInt64(offset + 2), reader.IsDBNull(offset + 3) ? null : reader.GetInt64(offset + 3),
        NullableString(reader, offset + 4));

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

/// <summary>
/// What <see cref="RegistryStore.LoadRegistryAsync"/> read: the registry's dateless part, and the history covering the
/// dates asked. <see cref="FounderBaseSizes"/> is keyed by (PCN, practice).
/// </summary>
public sealed record RegistryRows(
    IReadOnlyDictionary<string, Pcn> Pcns,
    IReadOnlyDictionary<string, Practice> Practices,
    IReadOnlyList<Membership> FoundingMemberships,
    IReadOnlyDictionary<(string PcnId, string PracticeId), ListSizeSnapshot> FounderBaseSizes,
    RegistryHistory History);

/// <summary>What <see cref="RegistryStore.LoadPracticeRecordAsync"/> read: one practice (null when none has the id) and its context.</summary>
public sealed record PracticeRecord(
    Practice? Practice,
    IReadOnlyDictionary<string, Pcn> Pcns,
    IReadOnlyList<Membership> History,
    IReadOnlyList<Commission> Commissions);
