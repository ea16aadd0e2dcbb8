using Grpc.Core;
using Platform.Telemetry.Metrics;
using Platform.Telemetry.Otlp.Proto.Collector.Metrics.V1;
using Platform.Telemetry.Otlp.Proto.Metrics.V1;

namespace Platform.Telemetry.Otlp;

/// <summary>OTLP/gRPC metrics endpoint: accepts every export and counts its data points (nothing is stored yet).</summary>
internal sealed class OtlpMetricsReceiver(MetricCounters counters) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var points = resourceMetrics.ScopeMetrics.SelectMany(s => s.Metrics).Sum(DataPointCount);
            counters.Record(OtlpValues.ServiceName(resourceMetrics.Resource), points);
        }
        return Task.FromResult(new ExportMetricsServiceResponse());
    }

    private static long DataPointCount(Metric metric) => metric.DataCase switch
    {
        Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
        _ => 0,
    };
}
