namespace Platform.Data.Retention;

/// <summary>
/// How the retention cleanup paces itself, bound from the "Retention" configuration section. Each table's window
/// is a setting of the same section named by its <see cref="RetentionRule.Setting"/> (Retention:Outbox, ...).
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>
    /// Rows per delete statement. Small, so each statement is one short transaction: it holds its row locks and
    /// writes its WAL briefly, and never nears the service's command timeout (Database:CommandTimeout, 5 s).
    /// </summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Rest between two batches of one table, so a large backlog never monopolises the database.</summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Time from the end of one pass over every table to the start of the next.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Wait after start-up before the first pass, to keep out of the way of migrations, seeding and the start-up
    /// traffic; short against <see cref="Interval"/>, so a service restarted often still gets trimmed.
    /// </summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromMinutes(1);
}
