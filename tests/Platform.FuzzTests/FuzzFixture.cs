using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Aspire.Hosting;
using Grpc.Net.Client;
using Platform.Testing;

[assembly: AssemblyFixture(typeof(Platform.FuzzTests.FuzzFixture))]

namespace Platform.FuzzTests;

/// <summary>
/// A throw-away platform of its own to be attacked: Finance and everything it waits for (PostgreSQL, RabbitMQ, the
/// registry, the token service), booted from Platform.AppHost as the other service tests boot it. Some generated
/// requests are valid writes (a transfer, a list size, a claim, a rate): they land here and nowhere else. A client
/// whose tokens live a few seconds, and services that allow a small clock skew, let a test see a token expire; the
/// per-client rate limit is raised out of the way.
/// </summary>
public sealed class FuzzFixture : PlatformFixture
{
    public const string ShortLivedClient = "short-lived";
    public static readonly TimeSpan ShortLifetime = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(2);

    protected override string Services => "finance";

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        builder.Configuration[$"{IdentityClients.Section}:{ShortLivedClient}:Scopes:0"] = "finance.read";
        builder.Configuration[$"{IdentityClients.Section}:{ShortLivedClient}:AccessTokenLifetime"] = ShortLifetime.ToString();
        foreach (var project in builder.Resources.OfType<ProjectResource>().Where(p => p.Name is "practices" or "finance"))
        {
            builder.CreateResourceBuilder(project)
                .WithEnvironment("Identity__ClockSkew", ClockSkew.ToString())
                // The fuzz tests judge answers, not throttling (tested in ServiceDefaults' tests): thousands of calls
                // from one client in seconds must all be answered.
                .WithEnvironment("RateLimiting__PermitsPerSecond", "100000");
        }
    }

    /// <summary>The gRPC channel of the service ("practices", "finance") that serves a proto package's services.</summary>
    public GrpcChannel Channel(string service) => ChannelTo(service);
}
