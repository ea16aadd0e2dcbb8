using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Data.Audit;
using Platform.ServiceDefaults.Audit;
using Platform.ServiceDefaults.Grpc;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every platform service shares, as Aspire's ServiceDefaults template lays it out: telemetry over OTLP, liveness and
/// readiness (HTTP and grpc.health.v1), service discovery, gRPC with reflection, the platform's error mapping and
/// the audit trail of every write.
/// A service calls <see cref="AddServiceDefaults"/> and <see cref="MapDefaultEndpoints"/> and nothing else of this.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Checks tagged live say the process answers; readiness is every registered check (database, broker, ...).</summary>
    public const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        // The orchestrator waits about 12 s for a stopped process to exit (DCP: "timed out waiting for process to stop"),
        // less than the host's default 30 s for draining requests and stopping hosted services. What has not stopped in
        // 5 s is abandoned: the outbox and inbox make that safe for messages, and callers retry.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddGrpc(options =>
        {
            // First, so outermost: it sees every write's outcome as the caller does, whichever interceptor raised it.
            options.Interceptors.Add<AuditInterceptor>();
            options.Interceptors.Add<ErrorMappingInterceptor>();
            // Callers are other systems: say what went wrong in the status message, never a stack trace.
            options.EnableDetailedErrors = false;
        });
        // A body that cannot be decoded is INVALID_ARGUMENT: grpc-dotnet decodes before any interceptor runs.
        builder.Services.AddUnparsableRequestsAsInvalidArgument();
        builder.AddPageTokenSigning();
        // The audit trail of every write, in the service's own database; a service's ListAuditRecords delegates here.
        builder.Services.TryAddSingleton<AuditStore>();
        builder.Services.TryAddSingleton<AuditRecords>();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(options =>
        {
            // "" is the whole server (what load balancers ask); "liveness" mirrors /alive.
            options.Services.Map("", _ => true);
            options.Services.Map("liveness", check => check.Tags.Contains(LiveTag));
        });
        return builder;
    }

    /// <summary>
    /// Page tokens are signed with <c>PageTokens:SigningKey</c> (the AppHost gives each service one, kept across
    /// restarts); a service started without one signs with a key of its own, and says so, since its tokens will not
    /// outlive the process.
    /// </summary>
    public static TBuilder AddPageTokenSigning<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var key = builder.Configuration[PageTokens.SigningKeySetting];
        if (string.IsNullOrEmpty(key))
        {
            PageTokens.Signer = PageTokenSigner.WithRandomKey();
            builder.Services.AddHostedService<RandomPageTokenKeyWarning>();
        }
        else
        {
            PageTokens.Signer = PageTokenSigner.FromSetting(key);
        }
        return builder;
    }

    private sealed class RandomPageTokenKeyWarning(ILogger<RandomPageTokenKeyWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogWarning("{Setting} is not set: page tokens are signed with a random key, so those issued now stop working when this "
                + "service restarts (the AppHost sets a key that lasts).", PageTokens.SigningKeySetting);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// /health (ready: every check, so the database and the broker too) and /alive (the process
    /// answers), in every environment: the AppHost and probes need them outside Development too.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // First, so that a write refused by any later middleware, or before its body decodes, is audited too.
        app.UseAuditOfRefusalsBeforeTheCall();
        // A unary call whose gRPC frame is malformed is INVALID_ARGUMENT, before grpc-dotnet reads it.
        app.UseRequestFramingAsInvalidArgument();
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
