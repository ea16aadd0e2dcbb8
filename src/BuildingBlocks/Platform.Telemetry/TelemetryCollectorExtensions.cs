using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Telemetry.Logs;
using Platform.Telemetry.Metrics;
using Platform.Telemetry.Otlp;
using Platform.Telemetry.Spans;

namespace Platform.Telemetry;

public static class TelemetryCollectorExtensions
{
    /// <summary>Registers the in-memory stores (<see cref="SpanStore"/>, <see cref="LogStore"/>, <see cref="MetricCounters"/>) and gRPC.</summary>
    public static IServiceCollection AddTelemetryCollector(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => new SpanStore());
        services.TryAddSingleton(_ => new LogStore());
        services.TryAddSingleton<MetricCounters>();
        services.AddGrpc();
        return services;
    }

    /// <summary>
    /// Maps the OTLP/gRPC Export services for traces, logs and metrics. They need an HTTP/2 endpoint
    /// (OTLP exporters speak gRPC without TLS, so HTTP/2 only: there is no TLS to negotiate it).
    /// </summary>
    public static IEndpointRouteBuilder MapOtlpReceiver(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<OtlpTraceReceiver>();
        endpoints.MapGrpcService<OtlpLogsReceiver>();
        endpoints.MapGrpcService<OtlpMetricsReceiver>();
        return endpoints;
    }
}
