using System.Collections.Concurrent;

namespace Platform.Telemetry.Metrics;

/// <summary>
/// Counts metric data points received, per service. Metrics are not stored yet: the count is
/// enough to show on the pages that each service's metrics pipeline is alive.
/// </summary>
public sealed class MetricCounters
{
    private readonly ConcurrentDictionary<string, long> _pointsByService = new(StringComparer.Ordinal);
    private long _totalDataPoints;

    public long TotalDataPoints => Interlocked.Read(ref _totalDataPoints);

    /// <summary>Data points received per service name, ordered by name.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> DataPointsByService() =>
        _pointsByService.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    public void Record(string serviceName, long dataPoints)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataPoints);
        _pointsByService.AddOrUpdate(serviceName, dataPoints, (_, total) => total + dataPoints);
        Interlocked.Add(ref _totalDataPoints, dataPoints);
    }
}
