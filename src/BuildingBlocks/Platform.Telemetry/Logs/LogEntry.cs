namespace Platform.Telemetry.Logs;

/// <summary>One log record as received over OTLP.</summary>
/// <param name="Category">The instrumentation scope: for .NET, the logger category.</param>
/// <param name="TraceId">Hex id of the trace the record was written in, or null outside any span.</param>
public sealed record LogEntry(
    DateTimeOffset Timestamp,
    string ServiceName,
    LogSeverity Severity,
    string Body,
    string? TraceId,
    string? SpanId,
    string Category,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>OTLP's severity ranges (each spans four severity numbers) collapsed to one level each.</summary>
public enum LogSeverity
{
    Unspecified,
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}
