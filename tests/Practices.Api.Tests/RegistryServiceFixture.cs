using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Llr.Practices.V1;
using Npgsql;
using Platform.AppHost;
using Platform.AppHost.Hosting;
using Platform.Testing;

[assembly: AssemblyFixture(typeof(Practices.Api.Tests.RegistryServiceFixture))]

namespace Practices.Api.Tests;

/// <summary>
/// The registry as its callers meet it: the real service process, started by the AppHost library with PostgreSQL and
/// RabbitMQ on free ports and throw-away state, called over real HTTP/2 gRPC. Booted once for the test assembly; tests
/// stay independent by reading as at dates before any test's writes take effect and by writing to different practices.
/// </summary>
public sealed class RegistryServiceFixture : IAsyncLifetime
{
    private DistributedApplication? _platform;
    private GrpcChannel? _channel;

    public PracticeRegistryService.PracticeRegistryServiceClient Client { get; private set; } = null!;

    /// <summary>The registry's own database, to check what a write left behind (the outbox, for one).</summary>
    public NpgsqlDataSource Database { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(["--AppHost:Isolated=true", "--AppHost:Only=practices"]);
        builder.AddPlatform();
        _platform = builder.Build();
        await _platform.StartAsync(TestContext.Current.CancellationToken);

        _channel = GrpcChannel.ForAddress(_platform.GetEndpoint("practices", "grpc"));
        Client = new PracticeRegistryService.PracticeRegistryServiceClient(_channel.Intercept(new TestCallInterceptor(TimeSpan.FromSeconds(30))));
        Database = NpgsqlDataSource.Create(_platform.GetConnectionString("practicesdb"));
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (Database is not null) await Database.DisposeAsync();
        if (_platform is not null) await _platform.DisposeAsync();
    }
}
