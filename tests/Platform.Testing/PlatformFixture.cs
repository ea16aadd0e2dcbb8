using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Npgsql;
using Platform.AppHost;
using Platform.AppHost.Hosting;

namespace Platform.Testing;

/// <summary>
/// The platform, booted from the same topology as <c>dotnet run</c> (<see cref="PlatformTopology.AddPlatform"/>)
/// but isolated: the whole of it for system tests, or one service and what it waits for (a subclass passing
/// <c>--AppHost:Only=</c>) for service tests. Channels and data sources are made once and disposed with the fixture.
/// </summary>
public class PlatformFixture : AppHostFixture
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _databases = new();

    /// <summary>The service's gRPC endpoint, as a channel shared by every test.</summary>
    public GrpcChannel ChannelTo(string service) =>
        _channels.GetOrAdd(service, name => GrpcChannel.ForAddress(App.GetEndpoint(name, "grpc")));

    /// <summary>Calls to the service, each with the running test's cancellation and a deadline.</summary>
    public CallInvoker CallsTo(string service) => ChannelTo(service).Intercept(new TestCallInterceptor(TimeSpan.FromSeconds(30)));

    /// <summary>A service's own database, to check what a write left behind (the outbox, for one).</summary>
    public NpgsqlDataSource DatabaseOf(string connectionName) =>
        _databases.GetOrAdd(connectionName, name => NpgsqlDataSource.Create(App.GetConnectionString(name)));

    protected override void AddResources(DistributedApplicationBuilder builder) => builder.AddPlatform();

    public override async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels.Values) channel.Dispose();
        foreach (var database in _databases.Values) await database.DisposeAsync();
        await base.DisposeAsync();
    }
}
