using Aspire.Hosting.ApplicationModel;

namespace Platform.AppHost;

/// <summary>
/// The platform's resources and how they depend on each other: what `dotnet run` starts, what the tests boot, and
/// what aspire-manifest.json declares for a deployment. Ports are stable defaults a developer can bookmark; each can
/// be moved with <c>Ports:&lt;resource&gt;-&lt;endpoint&gt;</c> (e.g. <c>--Ports:postgres-tcp=56432</c>).
/// </summary>
public static class PlatformTopology
{
    public static IDistributedApplicationBuilder AddPlatform(this IDistributedApplicationBuilder builder)
    {
        var (practicesDb, financeDb, messaging) = builder.ExecutionContext.IsPublishMode
            ? ContainerServers(builder)
            : MachineServers(builder);

        var services = Services(builder);
        if (services.Contains("practices"))
        {
            var practices = builder.AddService<Projects.Practices_Api>("practices", httpPort: 5101, grpcPort: 5102)
                .WithReference(practicesDb).WaitFor(practicesDb)
                .WithReference(messaging).WaitFor(messaging);

            // Finance reads the registry's API only to build its first copy of the populations, then follows its events.
            if (services.Contains("finance"))
            {
                builder.AddService<Projects.Finance_Api>("finance", httpPort: 5111, grpcPort: 5112)
                    .WithReference(financeDb).WaitFor(financeDb)
                    .WithReference(messaging).WaitFor(messaging)
                    .WithReference(practices).WaitFor(practices);
            }
        }

        return builder.AddPortChecks();
    }

    /// <summary>
    /// <c>Platform:Services</c>: the services to run, comma-separated, each with the services it needs (finance
    /// needs practices); empty for the servers alone. Unset: all of them.
    /// </summary>
    private static HashSet<string> Services(IDistributedApplicationBuilder builder)
    {
        var wanted = builder.Configuration["Platform:Services"]?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            ?? ["practices", "finance"];
        var unknown = wanted.Except(["practices", "finance"]).ToList();
        if (unknown.Count > 0)
        {
            throw new DistributedApplicationException($"Platform:Services names no service called {string.Join(", ", unknown)}: the services are practices and finance.");
        }

        return wanted.Contains("finance") ? [.. wanted, "practices"] : [.. wanted];
    }

    /// <summary>
    /// A gRPC service: its "grpc" (HTTP/2) and "http" (HTTP/1: /health, /alive) endpoints come from Kestrel:Endpoints
    /// in its appsettings.json; here they get their stable ports, and readiness is its /health. Each signs its page tokens
    /// with a key of its own that outlives restarts.
    /// </summary>
    private static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder, string name, int httpPort, int grpcPort)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithEndpoint("http", endpoint => endpoint.Port = Aspire.Hosting.LocalServers.Port(builder, name, "http", httpPort))
            .WithEndpoint("grpc", endpoint => endpoint.Port = Aspire.Hosting.LocalServers.Port(builder, name, "grpc", grpcPort))
            .WithHttpHealthCheck("/health", endpointName: "http")
            .WithPageTokenKey();

    private static (IResourceBuilder<IResourceWithConnectionString> PracticesDb, IResourceBuilder<IResourceWithConnectionString> FinanceDb,
        IResourceBuilder<IResourceWithConnectionString> Messaging) MachineServers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddLocalPostgres("postgres", defaultPort: 55432);
        var messaging = builder.AddLocalRabbitMQ("messaging", defaultPort: 55672, defaultDistributionPort: 55673, defaultEpmdPort: 55669);
        return (postgres.AddDatabase("practicesdb", "practices"), postgres.AddDatabase("financedb", "finance"), messaging);
    }

    // What a cluster runs: Aspire's own container integrations, declared in aspire-manifest.json. The images are the
    // major versions the platform is built and tested against locally (Debian's PostgreSQL 15 and RabbitMQ 3.10).
    private static (IResourceBuilder<IResourceWithConnectionString> PracticesDb, IResourceBuilder<IResourceWithConnectionString> FinanceDb,
        IResourceBuilder<IResourceWithConnectionString> Messaging) ContainerServers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres").WithImageTag("15").WithDataVolume();
        var messaging = builder.AddRabbitMQ("messaging").WithImageTag("3.10").WithDataVolume();
        return (postgres.AddDatabase("practicesdb", "practices"), postgres.AddDatabase("financedb", "finance"), messaging);
    }
}
