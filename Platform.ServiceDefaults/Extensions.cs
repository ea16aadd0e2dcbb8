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
using Platform.ServiceDefaults.Security;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every platform service shares, as Aspire's ServiceDefaults template lays it out: telemetry over OTLP, liveness and
/// readiness (HTTP and grpc.health.v1), service discovery, gRPC with reflection and the platform's error mapping;
/// who may call what: access tokens validated, each method's declared scope enforced, calls bounded in size and rate;
/// and the audit trail of every write.
/// A service calls <see cref="AddServiceDefaults"/> and <see cref="MapDefaultEndpoints"/> and nothing else of this.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Checks tagged live say the process answers; readiness is every registered check (database, broker, ...).</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// The largest request message a service reads: 1 MB, against grpc-dotnet's default of 4 MB. A request of these
    /// APIs is names, dates and figures, well under a kilobyte; the largest plausible one, a merge naming a thousand
    /// practices, is under 20 KB (about 18 bytes a name). The server buffers a whole message before decoding it, so each call in flight could
    /// hold 4 MB; 1 MB keeps a wide margin while quartering what a hostile caller can make it hold.
    /// </summary>
    public const int MaxReceiveMessageSize = 1024 * 1024;

    /// <summary>
    /// Request headers Kestrel reads (its default is 32 KB in all, 16 KB a field over HTTP/2). Kestrel refuses a larger
    /// header, such as a 100 KB bearer token, at the protocol level before any of our code runs, so the caller would get
    /// a transport failure rather than UNAUTHENTICATED; read up to this, such a token is refused unread
    /// (<see cref="TokenValidation.MaxTokenLength"/>), as the hostile-token tests check.
    /// </summary>
    public const int MaxRequestHeadersSize = 256 * 1024;

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        // The orchestrator waits about 12 s for a stopped process to exit (DCP: "timed out waiting for process to stop"),
        // less than the host's default 30 s for draining requests and stopping hosted services. What has not stopped in
        // 5 s is abandoned: the outbox and inbox make that safe for messages, and callers retry.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));

        builder.AddTokenValidation();
        builder.Services.AddScopeEnforcement();
        builder.AddPerClientRateLimit();
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxRequestHeadersTotalSize = MaxRequestHeadersSize;
            kestrel.Limits.Http2.MaxRequestHeaderFieldSize = MaxRequestHeadersSize;
        });

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
            options.MaxReceiveMessageSize = MaxReceiveMessageSize;
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
    /// Page tokens are signed with the key in the file <c>PageTokens:SigningKeyFile</c> names, or with
    /// <c>PageTokens:SigningKey</c> (the AppHost gives each service a key file, kept across restarts); a service started
    /// without either signs with a key of its own, and says so, since its tokens will not outlive the process.
    /// </summary>
    public static TBuilder AddPageTokenSigning<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var key = builder.Configuration[PageTokens.SigningKeyFileSetting] is { Length: > 0 } file
            ? File.ReadAllText(file).Trim()
            : builder.Configuration[PageTokens.SigningKeySetting];
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
        // Who calls (a valid token's client, else nobody), then how often they may, then whether they may call the
        // method: so a flood of bad tokens is limited by address, and nothing of a refused call is read.
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseScopeEnforcement();
        // A unary call whose gRPC frame is malformed is INVALID_ARGUMENT, before grpc-dotnet reads it.
        app.UseRequestFramingAsInvalidArgument();
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }
}
