namespace Platform.Telemetry;

public sealed class TelemetryCollectorOptions
{
    /// <summary>Spans kept in memory; beyond it the least recently active traces are evicted whole.</summary>
    public int MaxSpans { get; set; } = Spans.SpanStore.DefaultCapacity;

    /// <summary>Log records kept in memory; beyond it the oldest are dropped.</summary>
    public int MaxLogs { get; set; } = Logs.LogStore.DefaultCapacity;
}
