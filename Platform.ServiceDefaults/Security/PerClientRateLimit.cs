using System.Threading.RateLimiting;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Grpc;
using Status = Google.Rpc.Status;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// A token bucket per client (the token's <c>client_id</c>; a caller without a valid token by its address), so one
/// client's burst cannot starve the others. ASP.NET Core's rate limiter answers 503 by default; a gRPC caller gets
/// RESOURCE_EXHAUSTED with a google.rpc.RetryInfo saying when a call will pass again. Health probes are never limited.
/// </summary>
public static class PerClientRateLimit
{
    public const string PermitsPerSecondSetting = "RateLimiting:PermitsPerSecond";
    public const string BurstSetting = "RateLimiting:Burst";

    /// <summary>
    /// Sustained calls a second per client: well above what an ICS system's integration makes (the busiest test,
    /// eight writers at once, makes about 100), and a fifth or less of what one service answers on this machine, so no
    /// single client can take it all.
    /// </summary>
    public const int DefaultPermitsPerSecond = 500;

    /// <summary>Calls a client may make at once above the sustained rate (a page-through, a batch started together).</summary>
    public const int DefaultBurst = 1_000;

    public static TBuilder AddPerClientRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var permitsPerSecond = Positive(builder.Configuration, PermitsPerSecondSetting, DefaultPermitsPerSecond);
        var burst = Positive(builder.Configuration, BurstSetting, Math.Max(DefaultBurst, permitsPerSecond));
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = permitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            AutoReplenishment = true,
            // Refused at once rather than queued: a queued call holds its connection and memory, and the caller
            // knows better than the server whether to wait (RetryInfo says how long).
            QueueLimit = 0,
        };
        builder.Services.AddRateLimiter(options =>
        {
            // For a caller that is not gRPC (the token service's HTTP endpoints): HTTP's own "too many requests".
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                TelemetryExtensions.IsProbe(context.Request.Path)
                    ? RateLimitPartition.GetNoLimiter("probe")
                    : RateLimitPartition.GetTokenBucketLimiter(Partition(context), _ => bucket));
            options.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero
                    ? after
                    : TimeSpan.FromSeconds(1);
                var status = new Status
                {
                    Code = (int)Code.ResourceExhausted,
                    Message = $"Too many calls from this client: at most {permitsPerSecond:N0} a second; retry after {retryAfter.TotalSeconds:0.###} s.",
                };
                status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }));
                if (rejected.HttpContext.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
                    TrailersOnlyStatus.Write(rejected.HttpContext.Response, status);
                else
                    rejected.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    /// <summary>The client a call counts against: its token's client id once validated, else where it came from.</summary>
    private static string Partition(HttpContext context) =>
        context.User.ClientId() is { } clientId ? "client:" + clientId : "address:" + context.Connection.RemoteIpAddress;

    private static int Positive(IConfiguration configuration, string setting, int fallback)
    {
        if (configuration[setting] is not { Length: > 0 } text) return fallback;
        return int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InvalidOperationException($"{setting} is '{text}': set it to a whole number above 0.");
    }
}
