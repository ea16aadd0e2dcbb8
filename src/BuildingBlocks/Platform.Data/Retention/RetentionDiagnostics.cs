using System.Diagnostics.Metrics;

namespace Platform.Data.Retention;

/// <summary>The retention cleanup's metrics; AddRetentionRule subscribes the host's OpenTelemetry to the meter.</summary>
public static class RetentionDiagnostics
{
    public const string MeterName = "Platform.Data.Retention";

    public const string RowsDeletedName = "platform.retention.rows_deleted";

    public const string FailuresName = "platform.retention.failures";

    /// <summary>The tag naming the table on every measurement, as <see cref="RetentionRule.Table"/> spells it.</summary>
    public const string TableTag = "db.table";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> RowsDeleted = Meter.CreateCounter<long>(
        RowsDeletedName, unit: "{row}", description: "Rows deleted because they outlived their retention window.");

    internal static readonly Counter<long> Failures = Meter.CreateCounter<long>(
        FailuresName, unit: "{pass}", description: "Retention passes over a table that failed (retried next interval).");

    internal static KeyValuePair<string, object?> Table(RetentionRule rule) => new(TableTag, rule.Table);
}
