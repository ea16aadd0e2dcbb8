using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Llr.Finance.V1;
using Llr.Practices.V1;
using Npgsql;
using Platform.AppHost;
using Platform.AppHost.Hosting;
using Platform.Testing;

[assembly: AssemblyFixture(typeof(Finance.Api.Tests.FinanceServiceFixture))]

namespace Finance.Api.Tests;

/// <summary>
/// Finance as its callers meet it: the real service process, started by the AppHost library with everything it waits
/// for (PostgreSQL, RabbitMQ and the registry it copies populations from) on free ports with throw-away state, called
/// over real HTTP/2 gRPC. Booted once for the assembly, so tests share one database: a test that writes uses PCNs,
/// years or streams no other test asserts on, or asserts only the change it made.
/// </summary>
public sealed class FinanceServiceFixture : AppHostFixture
{
    private GrpcChannel? _financeChannel;
    private GrpcChannel? _registryChannel;
    private NpgsqlDataSource? _database;

    /// <summary>Every call gets the running test's cancellation and a deadline.</summary>
    public FinanceService.FinanceServiceClient Finance => new(FinanceChannel.Intercept(new TestCallInterceptor(TimeSpan.FromSeconds(30))));

    /// <summary>The registry Finance follows: written to by the tests that check Finance keeps up with it.</summary>
    public PracticeRegistryService.PracticeRegistryServiceClient Registry =>
        new(RegistryChannel.Intercept(new TestCallInterceptor(TimeSpan.FromSeconds(30))));

    public GrpcChannel FinanceChannel => _financeChannel ??= GrpcChannel.ForAddress(App.GetEndpoint("finance", "grpc"));

    public GrpcChannel RegistryChannel => _registryChannel ??= GrpcChannel.ForAddress(App.GetEndpoint("practices", "grpc"));

    public Uri HttpEndpoint => App.GetEndpoint("finance", "http");

    /// <summary>Finance's own database, to check what a write left behind (claim rows, the outbox, the rate audit).</summary>
    public NpgsqlDataSource Database => _database ??= NpgsqlDataSource.Create(App.GetConnectionString("financedb"));

    // Finance and what it waits for: postgres, messaging and the registry.
    protected override string[] Arguments => ["--AppHost:Only=finance"];

    protected override void AddResources(DistributedApplicationBuilder builder) => builder.AddPlatform();

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var parameter in parameters) command.Parameters.AddWithValue(parameter);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public override async ValueTask DisposeAsync()
    {
        _financeChannel?.Dispose();
        _registryChannel?.Dispose();
        if (_database is not null) await _database.DisposeAsync();
        await base.DisposeAsync();
    }
}
