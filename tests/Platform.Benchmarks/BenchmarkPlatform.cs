using System.Reflection;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.AppHost;
using Platform.Testing;

namespace Platform.Benchmarks;

/// <summary>
/// The whole platform as scripts/up.sh runs it (the services in Release, PostgreSQL syncing its commits, the dashboard
/// receiving telemetry), on random ports with throw-away data, with changes that make it what a deployment
/// measures rather than a developer's machine:
/// <list type="bullet">
/// <item>Each service runs in Production, and so samples traces as it does there (a tenth of new traces): the test
/// host's AppHost runs in Development, so it would give the services Development and Aspire would set
/// OTEL_TRACES_SAMPLER=always_on for every one.</item>
/// <item>Calls reach each service's gRPC port directly, as they reach the echo, not through the orchestrator's
/// development proxy in front of it.</item>
/// <item>Each client may make a million calls a second: the per-client rate limit would otherwise measure itself.</item>
/// <item>Not a difference from a deployment, but for reading the run: PostgreSQL counts what each statement costs
/// (pg_stat_statements).</item>
/// </list>
/// </summary>
public sealed class BenchmarkPlatform(bool showResourceLogs, IReadOnlyDictionary<string, string> serviceEnvironment)
    : PlatformFixture
{
    /// <summary>The configuration the services run in: the one the AppHost was built in, which Aspire passes on.</summary>
    public static string? ServiceConfiguration =>
        typeof(PlatformTopology).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;

    protected override bool WithDashboard => true;

    protected override bool DurableDatabase => true;

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        // Every resource's console output would bury the results; --verbose keeps it, to see why a start failed.
        if (!showResourceLogs)
        {
            builder.Services.AddLogging(logging => logging
                .AddFilter("Platform.AppHost.Resources", LogLevel.None)
                .AddFilter("Aspire.Hosting", LogLevel.Warning));
        }

        // pg_stat_statements, so the run can say which statements PostgreSQL's time went to (StatementCosts).
        foreach (var postgres in builder.Resources.OfType<LocalPostgresServerResource>())
            builder.CreateResourceBuilder(postgres).WithArgs("-c", "shared_preload_libraries=pg_stat_statements");

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project)
                .WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_TRACES_SAMPLER"))
                .WithEnvironment("RateLimiting__PermitsPerSecond", "1000000")
                .WithEnvironment("DOTNET_ENVIRONMENT", Environments.Production)
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", Environments.Production)
                .WithEnvironment(context =>
                {
                    foreach (var (name, value) in serviceEnvironment) context.EnvironmentVariables[name] = value;
                })
                .WithEndpoint("grpc", endpoint =>
                {
                    endpoint.IsProxied = false;
                    endpoint.Port = FreePort.Next();
                });
        }
    }
}
