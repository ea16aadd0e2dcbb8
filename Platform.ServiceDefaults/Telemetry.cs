using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

public static class TelemetryExtensions
{
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // Beyond ASP.NET Core, HttpClient and the gRPC client: Npgsql's commands and metrics. The messaging block's sources
        // (the outbox relay, MassTransit) and MassTransit's meter are subscribed by AddMessaging itself.
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation())
            .WithTracing(tracing => tracing
                .SetDefaultSampler(builder.Configuration, builder.Environment)
                .AddSource(builder.Environment.ApplicationName)
                .AddNpgsql()
                .AddAspNetCoreInstrumentation(options =>
                    // Probes poll these every few seconds; their spans would bury the requests an SRE is looking for.
                    options.Filter = context => !IsProbe(context.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation());

        // Export only where an OTLP endpoint is configured (the Aspire AppHost sets OTEL_EXPORTER_OTLP_ENDPOINT), so a service
        // run on its own, or in a unit test, does not retry a collector that is not there.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();

        return builder;
    }

    /// <summary>
    /// Which traces are recorded where OTEL_TRACES_SAMPLER does not say: all of them in Development, where a developer
    /// follows single requests; otherwise a tenth of new traces (<see cref="DefaultSamplingRatio"/>), each kept or dropped
    /// whole, since a call that arrives with a trace follows its caller's decision. Every span costs the service time
    /// and the collector storage, and under load a sample shows the same paths.
    /// </summary>
    /// <remarks>
    /// OpenTelemetry .NET reads the standard OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG from configuration
    /// itself (e.g. <c>parentbased_traceidratio</c> with <c>0.25</c>), but only where no sampler is set in code, and
    /// defaults to recording everything. So a sampler is set here only when that setting is absent, and the ratio is
    /// changed through the standard settings, not a second setting of our own. Aspire's AppHost sets
    /// OTEL_TRACES_SAMPLER=always_on for every service when it runs in Development, so the dashboard shows every trace.
    /// </remarks>
    public static Sampler? DefaultSampler(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(configuration[TracesSamplerSetting])) return null;
        return environment.IsDevelopment()
            ? new AlwaysOnSampler()
            : new ParentBasedSampler(new TraceIdRatioBasedSampler(DefaultSamplingRatio));
    }

    /// <summary>The share of new traces recorded outside Development when OTEL_TRACES_SAMPLER is not set.</summary>
    public const double DefaultSamplingRatio = 0.1;

    private const string TracesSamplerSetting = "OTEL_TRACES_SAMPLER";

    private static TracerProviderBuilder SetDefaultSampler(
        this TracerProviderBuilder tracing, IConfiguration configuration, IHostEnvironment environment) =>
        DefaultSampler(configuration, environment) is { } sampler ? tracing.SetSampler(sampler) : tracing;

    /// <summary>The orchestrator's and load balancers' health probes: HTTP /health and /alive, and grpc.health.v1.</summary>
    public static bool IsProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive") || path.StartsWithSegments("/grpc.health.v1.Health");
}
