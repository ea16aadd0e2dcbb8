using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;

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
                .WithDatabase(practicesDb)
                .WithBroker(messaging, publishes: "Platform.Contracts.Practices")
                .WithIdentity(identity);

            // Finance reads the registry's API only to build its first copy of the populations, then follows its events.
            // It calls the registry as its own client, which may only read.
            if (services.Contains("finance"))
            {
                builder.AddService<Projects.Finance_Api>("finance", httpPort: 5111, grpcPort: 5112)
                    .WithDatabase(financeDb)
                    .WithBroker(messaging)
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
            .WithDatabase(identityDb)
            .WithPageTokenKey()
            .WithEnvironmentOf(builder)
            .WithNothingPhoningHome()
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
            .WithPageTokenKey()
            .WithEnvironmentOf(builder)
            .WithNothingPhoningHome();

    /// <summary>
    /// Production unless the AppHost itself runs in Development (as `dotnet run` on it does, through its launch
    /// profile): development-only behaviour (reflection, always-on trace sampling) follows from it. Both names are set,
    /// so a variable the AppHost's own environment happens to hold cannot leak through.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithEnvironmentOf(
        this IResourceBuilder<ProjectResource> service, IDistributedApplicationBuilder builder)
    {
        var environment = builder.Environment.IsDevelopment() ? Environments.Development : Environments.Production;
        return service.WithEnvironment("DOTNET_ENVIRONMENT", environment).WithEnvironment("ASPNETCORE_ENVIRONMENT", environment);
    }

    /// <summary>
    /// Aspire launches each service through `dotnet run`, which is the .NET CLI: it would report usage to Microsoft and
    /// look for workload updates on the internet. MassTransit's usage reports are turned off in the messaging block.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithNothingPhoningHome(this IResourceBuilder<ProjectResource> service) =>
        service
            .WithEnvironment("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
            .WithEnvironment("DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE", "1")
            .WithEnvironment("DOTNET_NOLOGO", "1");

    /// <summary>
    /// The service's database. Locally it connects as the database's runtime role, its password in a passfile, and
    /// runs its migrations as the owner role; a deployment's database (publish mode) gives it the connection string the
    /// deployment declares (see the README's "Least privilege").
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithDatabase(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> database)
    {
        if (database.Resource is not LocalPostgresDatabaseResource local) return service.WithReference(database).WaitFor(database);
        return service
            .WithEnvironment($"ConnectionStrings__{local.Name}", local.RuntimeConnectionStringExpression)
            .WithEnvironment("Database__MigrationUsername", local.OwnerRole)
            .WithReferenceRelationship(local)
            .WaitFor(database);
    }

    /// <summary>
    /// The broker. Locally the service logs in as a user of its own, limited to its own queues and to publishing the
    /// <paramref name="publishes"/> contracts, its password in a file; a deployment's broker as <see cref="WithDatabase"/>.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithBroker(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> broker, params string[] publishes)
    {
        if (broker.Resource is not LocalRabbitMQServerResource local) return service.WithReference(broker).WaitFor(broker);
        var user = service.ApplicationBuilder.CreateResourceBuilder(local).AddServiceUser(service.Resource.Name, publishes);
        return service
            .WithEnvironment($"ConnectionStrings__{local.Name}", local.ConnectionStringFor(user))
            .WithEnvironment("Messaging__PasswordFile", user.PasswordFile)
            // The queues are named after the user, whatever name the service reports its telemetry under.
            .WithEnvironment("Messaging__EndpointPrefix", user.QueuePrefix)
            .WithReferenceRelationship(local)
            .WaitFor(broker);
    }

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
