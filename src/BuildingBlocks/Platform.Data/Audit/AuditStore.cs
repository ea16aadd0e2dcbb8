using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Data.Audit;

/// <summary>One row of the audit trail.</summary>
public sealed record AuditRow(
    long Id, DateTimeOffset RecordedAt, string ClientId, string Method, string Resource, string RequestId, string Outcome, bool Replay);

/// <summary>Which records to list: each filter given must match; the time range is half-open, [Start, End).</summary>
public sealed record AuditFilter(string? ClientId, string? Resource, DateTimeOffset? Start, DateTimeOffset? End);

/// <summary>
/// The audit trail's table, audit.records (migration 0002_audit): append-only, so this store only inserts and reads.
/// </summary>
public sealed class AuditStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The most characters of a caller's value a record keeps. A refused request may carry anything (a 32 KB "name"):
    /// the record keeps enough to recognise it and stays a small row.
    /// </summary>
    public const int MaxValueLength = 256;

    private const string Insert = """
        INSERT INTO audit.records (client_id, method, resource, request_id, outcome, replay) VALUES ($1, $2, $3, $4, $5, $6)
        """;

    /// <summary>
    /// Records <paramref name="write"/> in <paramref name="work"/>, inserted with its commit
    /// (<see cref="UnitOfWork.AddToCommit"/>): it commits with the write or not at all.
    /// </summary>
    public static void Record(UnitOfWork work, AuditedWrite write, string outcome, bool replay)
    {
        ArgumentNullException.ThrowIfNull(work);
        var command = new NpgsqlBatchCommand(Insert);
        command.Parameters.AddRange(Parameters(write, outcome, replay));
        work.AddToCommit(command);
    }

    /// <summary>Records <paramref name="write"/> in a transaction of its own (the one statement's).</summary>
    public async Task RecordAsync(AuditedWrite write, string outcome, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Insert);
        command.Parameters.AddRange(Parameters(write, outcome, replay: false));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records matching <paramref name="filter"/>, newest first, from just before <paramref name="beforeId"/>.</summary>
    public async Task<IReadOnlyList<AuditRow>> ListAsync(AuditFilter filter, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        // A null parameter matches everything: one statement whatever the filters, planned with its indexes.
        await using var command = dataSource.CreateCommand("""
            SELECT id, recorded_at, client_id, method, resource, request_id, outcome, replay FROM audit.records
            WHERE ($1::text IS NULL OR client_id = $1) AND ($2::text IS NULL OR resource = $2)
              AND ($3::timestamptz IS NULL OR recorded_at >= $3) AND ($4::timestamptz IS NULL OR recorded_at < $4)
              AND ($5::bigint IS NULL OR id < $5)
            ORDER BY id DESC
            LIMIT $6
            """);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)filter.ClientId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)filter.Resource ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)filter.Start ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)filter.End ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)beforeId ?? DBNull.Value });
        command.Parameters.AddWithValue(limit);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<AuditRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRow(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetBoolean(7)));
        }
        return records;
    }

    private static NpgsqlParameter[] Parameters(AuditedWrite write, string outcome, bool replay) =>
        [.. new object[] { Bounded(write.ClientId), Bounded(write.Method), Bounded(write.Resource), Bounded(write.RequestId), outcome, replay }
            .Select(value => new NpgsqlParameter { Value = value })];

    /// <summary>
    /// At most <see cref="MaxValueLength"/> characters, never cutting a surrogate pair, and without NUL, which
    /// PostgreSQL text cannot hold (the rest of what was sent is kept as it was).
    /// </summary>
    public static string Bounded(string value)
    {
        var cut = value.Length <= MaxValueLength ? value
            : value[..(char.IsHighSurrogate(value[MaxValueLength - 1]) ? MaxValueLength - 1 : MaxValueLength)] + "…";
        return cut.Contains('\0', StringComparison.Ordinal) ? cut.Replace('\0', '\uFFFD') : cut;
    }
}
