namespace Platform.Data.Retention;

/// <summary>
/// One table the retention cleanup trims. Rows older than the window are deleted by <see cref="DeleteBatchSql"/>,
/// a statement deleting at most <c>@batch_size</c> rows older than <c>@window</c> (an interval), through an index,
/// and returning nothing; the cleanup runs it again while it deletes a full batch.
/// </summary>
/// <param name="Table">The table, schema-qualified, as logs and the rows-deleted metric name it.</param>
/// <param name="Setting">The key under "Retention" that overrides the window, e.g. "Outbox" for Retention:Outbox.</param>
/// <param name="DefaultWindow">How long rows are kept when the setting is absent.</param>
/// <param name="DeleteBatchSql">The batch delete; it must leave alone every row that is still needed at any age.</param>
public sealed record RetentionRule(string Table, string Setting, TimeSpan DefaultWindow, string DeleteBatchSql);
