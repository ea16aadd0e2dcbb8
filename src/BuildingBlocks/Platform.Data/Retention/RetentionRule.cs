namespace Platform.Data.Retention;

/// <summary>
/// One table the retention cleanup trims: rows whose <paramref name="Timestamp"/> is older than the window are deleted
/// by <see cref="DeleteBatchSql"/>, at most <c>@batch_size</c> at a time, oldest first, through the timestamp's index;
/// the cleanup runs it again while it deletes a full batch. A row whose timestamp is null is never deleted (SQL's
/// comparison with null is not true): the outbox relies on that for rows not dispatched yet. The audit trail
/// (audit.records) has no rule and must never get one: it is append-only, and its trigger refuses deletes.
/// </summary>
/// <param name="Table">The table, schema-qualified, as logs and the rows-deleted metric name it.</param>
/// <param name="Setting">The key under "Retention" that overrides the window, e.g. "Outbox" for Retention:Outbox.</param>
/// <param name="DefaultWindow">How long rows are kept when the setting is absent.</param>
/// <param name="Key">The row's key: one column, or several as "(a, b)".</param>
/// <param name="Timestamp">The column the window counts from; it must be indexed.</param>
public sealed record RetentionRule(string Table, string Setting, TimeSpan DefaultWindow, string Key, string Timestamp)
{
    /// <summary>The batch delete; SKIP LOCKED leaves rows another transaction holds for a later run.</summary>
    public string DeleteBatchSql => $"""
        DELETE FROM {Table}
        WHERE {Key} IN (
            SELECT {Key.Trim('(', ')')} FROM {Table}
            WHERE {Timestamp} < now() - @window
            ORDER BY {Timestamp}
            LIMIT @batch_size
            FOR UPDATE SKIP LOCKED)
        """;
}
