using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Telemetry.Logs;
using Platform.Telemetry.Metrics;
using Platform.Telemetry.Otlp;
using Platform.Telemetry.Spans;

namespace Platform.Telemetry;

public static class TelemetryCollectorExtensions
{
    /// <summary>Registers the in-memory stores (<see cref="SpanStore"/>, <see cref="LogStore"/>, <see cref="MetricCounters"/>) and gRPC.</summary>
    public static IServiceCollection AddTelemetryCollector(
        this IServiceCollection services, Action<TelemetryCollectorOptions>? configure = null)
    {
        var options = services.AddOptions<TelemetryCollectorOptions>()
            .Validate(o => o.MaxSpans > 0 && o.MaxLogs > 0, "MaxSpans and MaxLogs must be positive.");
        if (configure is not null)
            options.Configure(configure);

        services.TryAddSingleton(sp => new SpanStore(sp.GetRequiredService<IOptions<TelemetryCollectorOptions>>().Value.MaxSpans));
        services.TryAddSingleton(sp => new LogStore(sp.GetRequiredService<IOptions<TelemetryCollectorOptions>>().Value.MaxLogs));
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
