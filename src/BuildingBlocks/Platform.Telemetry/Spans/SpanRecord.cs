namespace Platform.Telemetry.Spans;

/// <summary>One finished span as received over OTLP, flattened to what the pages and tests need.</summary>
/// <param name="TraceId">32 lower-case hex characters.</param>
/// <param name="SpanId">16 lower-case hex characters.</param>
/// <param name="ParentSpanId">Hex id of the parent span, or null for a root span.</param>
/// <param name="ServiceName">The resource's <c>service.name</c>.</param>
/// <param name="ScopeName">The instrumentation scope (ActivitySource) that produced the span.</param>
public sealed record SpanRecord(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string ServiceName,
    string Name,
    SpanKind Kind,
    DateTimeOffset Start,
    TimeSpan Duration,
    SpanStatus Status,
    string? StatusMessage,
    IReadOnlyDictionary<string, string> Attributes,
    string ScopeName)
{
    public DateTimeOffset End => Start + Duration;

    /// <summary>Duration in milliseconds: the unit people read and scripts compare (also in the JSON).</summary>
    public double DurationMs => Duration.TotalMilliseconds;
}

/// <summary>Mirrors OTLP's span kind; our own enum so callers need no OpenTelemetry or protobuf types.</summary>
public enum SpanKind
{
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

public enum SpanStatus
{
    Unset,
    Ok,
    Error,
}
