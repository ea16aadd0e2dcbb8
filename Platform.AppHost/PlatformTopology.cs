using Platform.AppHost.Hosting;

namespace Platform.AppHost;

/// <summary>
/// The platform's resources and how they depend on each other: what `dotnet run` starts, and what the system tests
/// boot. Ports are the stable defaults a developer can bookmark; each can be overridden with Ports:&lt;key&gt;.
/// </summary>
public static class PlatformTopology
{
    public static DistributedApplicationBuilder AddPlatform(this DistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres", port: 55432);
        var messaging = builder.AddRabbitMQ("messaging", port: 55672, distributionPort: 55673, epmdPort: 55669);

        var practicesDb = postgres.AddDatabase("practicesdb", databaseName: "practices");
        var practices = builder.AddProject("practices", "src/Practices/Practices.Api")
            .WithHttpEndpoint(port: 5101)
            .WithGrpcEndpoint(port: 5102)
            .WithReference(practicesDb)
            .WithReference(messaging)
            .WaitFor(practicesDb)
            .WaitFor(messaging);

        // Finance reads the registry's API only to build its first copy of the populations, then follows its events.
        var financeDb = postgres.AddDatabase("financedb", databaseName: "finance");
        builder.AddProject("finance", "src/Finance/Finance.Api")
            .WithHttpEndpoint(port: 5111)
            .WithGrpcEndpoint(port: 5112)
            .WithReference(financeDb)
            .WithReference(messaging)
            .WithReference(practices)
            .WaitFor(financeDb)
            .WaitFor(messaging)
            .WaitFor(practices);

        return builder;
    }
}
