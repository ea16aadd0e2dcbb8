using Platform.Telemetry.Logs;
using Platform.Telemetry.Otlp.Proto.Collector.Logs.V1;
using Platform.Telemetry.Otlp.Proto.Logs.V1;

namespace Platform.Telemetry.Otlp;

internal static class OtlpLogMapper
{
    public static List<LogEntry> Map(ExportLogsServiceRequest request)
    {
        var entries = new List<LogEntry>();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var serviceName = OtlpValues.ServiceName(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var category = scopeLogs.Scope?.Name ?? "";
                entries.AddRange(scopeLogs.LogRecords.Select(record => Map(record, serviceName, category)));
            }
        }
        return entries;
    }

    private static LogEntry Map(LogRecord record, string serviceName, string category) => new(
        // The event time is optional in OTLP; the time the SDK observed the record is the fallback.
        OtlpValues.FromUnixNanos(record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano),
        serviceName,
        ToSeverity(record.SeverityNumber),
        OtlpValues.ToText(record.Body),
        OtlpValues.HexId(record.TraceId),
        OtlpValues.HexId(record.SpanId),
        category,
        OtlpValues.ToDictionary(record.Attributes));

    // Severity numbers come in blocks of four per level: 1-4 trace, 5-8 debug, ... 21-24 fatal.
    private static LogSeverity ToSeverity(SeverityNumber number) => (int)number switch
    {
        >= 1 and <= 4 => LogSeverity.Trace,
        >= 5 and <= 8 => LogSeverity.Debug,
        >= 9 and <= 12 => LogSeverity.Info,
        >= 13 and <= 16 => LogSeverity.Warn,
        >= 17 and <= 20 => LogSeverity.Error,
        >= 21 and <= 24 => LogSeverity.Fatal,
        _ => LogSeverity.Unspecified,
    };
}
