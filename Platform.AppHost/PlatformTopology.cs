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
        var (practicesDb, financeDb, identityDb, messaging) = builder.ExecutionContext.IsPublishMode
            ? ContainerServers(builder)
            : MachineServers(builder);

        var services = Services(builder);
        if (!services.Contains("identity")) return builder.AddPortChecks();

        var identity = builder.AddIdentity(identityDb);
        if (services.Contains("practices"))
        {
            var practices = builder.AddService<Projects.Practices_Api>("practices", httpPort: 5101, grpcPort: 5102)
                .WithReference(practicesDb).WaitFor(practicesDb)
                .WithReference(messaging).WaitFor(messaging)
                .WithIdentity(identity);

            // Finance reads the registry's API only to build its first copy of the populations, then follows its events.
            // It calls the registry as its own client, which may only read.
            if (services.Contains("finance"))
            {
                builder.AddService<Projects.Finance_Api>("finance", httpPort: 5111, grpcPort: 5112)
                    .WithReference(financeDb).WaitFor(financeDb)
                    .WithReference(messaging).WaitFor(messaging)
                    .WithReference(practices).WaitFor(practices)
                    .WithIdentity(identity)
                    .WithClientCredentials(FinanceClient);
            }
        }

        return builder.AddPortChecks();
    }

    /// <summary>The client the AppHost makes for developers: every scope (README, "Authentication").</summary>
    public const string DeveloperClient = "developer";

    /// <summary>Finance's own client, for its calls to the registry.</summary>
    public const string FinanceClient = "finance";

    /// <summary>Every scope the services declare (issue 10's contract).</summary>
    public static readonly IReadOnlyList<string> AllScopes =
    [
        "practices.read", "practices.write", "practices.audit",
        "finance.read", "finance.claims.write", "finance.rates.write", "finance.years.write", "finance.audit",
    ];

    /// <summary>
    /// <c>Platform:Services</c>: the services to run, comma-separated, each with the services it needs (finance
    /// needs practices, and every service the token service identity); empty for the servers alone. Unset: all of them.
    /// </summary>
    private static HashSet<string> Services(IDistributedApplicationBuilder builder)
    {
        string[] known = ["identity", "practices", "finance"];
        var wanted = builder.Configuration["Platform:Services"]?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            ?? known;
        var unknown = wanted.Except(known).ToList();
        if (unknown.Count > 0)
        {
            throw new DistributedApplicationException(
                $"Platform:Services names no service called {string.Join(", ", unknown)}: the services are {string.Join(", ", known)}.");
        }

        HashSet<string> services = wanted.Contains("finance") ? [.. wanted, "practices"] : [.. wanted];
        if (services.Count > 0) services.Add("identity");
        return services;
    }

    /// <summary>
    /// The token service (OAuth 2.0 client credentials): its "http" endpoint serves /connect/token, discovery and the
    /// JWKS, and it names itself (<c>iss</c>) by that endpoint's URL, which is what services are told to trust. Its
    /// clients are the developer's, each service's own, and any under <c>Identity:Clients</c> in the AppHost's
    /// configuration. Two commands, in the dashboard and for tests, leave a request for its next start and restart it.
    /// </summary>
    private static IResourceBuilder<ProjectResource> AddIdentity(
        this IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithConnectionString> identityDb)
    {
        var identity = builder.AddProject<Projects.Identity_Api>("identity")
            .WithEndpoint("http", endpoint => endpoint.Port = Aspire.Hosting.LocalServers.Port(builder, "identity", "http", 5121))
            .WithHttpHealthCheck("/health", endpointName: "http")
            .WithReference(identityDb).WaitFor(identityDb)
            .WithPageTokenKey()
            .WithClients(new Dictionary<string, string[]> { [DeveloperClient] = [.. AllScopes], [FinanceClient] = ["practices.read"] });
        identity.WithEnvironment("Identity__Issuer", identity.GetEndpoint("http"))
            // Every service's defaults validate tokens and refuse to start without an authority (Platform.ServiceDefaults,
            // Security/): the token service is its own, and serves no method that needs a token.
            .WithEnvironment("Identity__Authority", identity.GetEndpoint("http"))
            .WithEnvironment("Identity__Audience", identity.Resource.Name);
        if (builder.ExecutionContext.IsRunMode)
        {
            identity.WithEnvironment("Identity__SigningKeys__RequestDirectory", Aspire.Hosting.IdentityClients.RequestDirectory(builder))
                .WithSigningKeyCommands();
        }
        return identity;
    }

    /// <summary>What every service is told of the token service: whom to trust (<c>Identity:Authority</c>) and its own name as an audience.</summary>
    private static IResourceBuilder<ProjectResource> WithIdentity(this IResourceBuilder<ProjectResource> service, IResourceBuilder<ProjectResource> identity) =>
        service.WithEnvironment("Identity__Authority", identity.GetEndpoint("http"))
            .WithEnvironment("Identity__Audience", service.Resource.Name)
            .WaitFor(identity);

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
        IResourceBuilder<IResourceWithConnectionString> IdentityDb, IResourceBuilder<IResourceWithConnectionString> Messaging)
        MachineServers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddLocalPostgres("postgres", defaultPort: 55432);
        var messaging = builder.AddLocalRabbitMQ("messaging", defaultPort: 55672, defaultDistributionPort: 55673, defaultEpmdPort: 55669);
        return (postgres.AddDatabase("practicesdb", "practices"), postgres.AddDatabase("financedb", "finance"),
            postgres.AddDatabase("identitydb", "identity"), messaging);
    }

    // What a cluster runs: Aspire's own container integrations, declared in aspire-manifest.json. The images are the
    // major versions the platform is built and tested against locally (Debian's PostgreSQL 15 and RabbitMQ 3.10).
    private static (IResourceBuilder<IResourceWithConnectionString> PracticesDb, IResourceBuilder<IResourceWithConnectionString> FinanceDb,
        IResourceBuilder<IResourceWithConnectionString> IdentityDb, IResourceBuilder<IResourceWithConnectionString> Messaging)
        ContainerServers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres").WithImageTag("15").WithDataVolume();
        var messaging = builder.AddRabbitMQ("messaging").WithImageTag("3.10").WithDataVolume();
        return (postgres.AddDatabase("practicesdb", "practices"), postgres.AddDatabase("financedb", "finance"),
            postgres.AddDatabase("identitydb", "identity"), messaging);
    }
}
