using Grpc.Net.Client;
using Llr.Finance.V1;
using Llr.Practices.V1;
using Npgsql;
using Platform.Testing;

[assembly: AssemblyFixture(typeof(Finance.Api.Tests.FinanceServiceFixture))]

namespace Finance.Api.Tests;

/// <summary>
/// Finance as its callers meet it: the real service process, started by Platform.AppHost through Aspire.Hosting.Testing with everything it waits
/// for (PostgreSQL, RabbitMQ and the registry it copies populations from) on free ports with throw-away state, called
/// over real HTTP/2 gRPC. Booted once for the assembly, so tests share one database: a test that writes uses PCNs,
/// years or streams no other test asserts on, or asserts only the change it made.
/// </summary>
public sealed class FinanceServiceFixture : PlatformFixture
{
    /// <summary>Every call gets the running test's cancellation and a deadline.</summary>
    public FinanceService.FinanceServiceClient Finance => new(CallsTo("finance"));

    /// <summary>The registry Finance follows: written to by the tests that check Finance keeps up with it.</summary>
    public PracticeRegistryService.PracticeRegistryServiceClient Registry => new(CallsTo("practices"));

    public GrpcChannel FinanceChannel => ChannelTo("finance");

    public Uri HttpEndpoint => Endpoint("finance", "http");

    /// <summary>Finance's own database, to check what a write left behind (claim rows, the outbox, the rate audit).</summary>
    public NpgsqlDataSource Database => DatabaseOf("financedb");

    // Finance and what it waits for: postgres, messaging and the registry.
    protected override string Services => "finance";

    /// <summary>What identity issued and what Finance obtained (<see cref="ServiceIdentityTests"/>).</summary>
    protected override IReadOnlyList<string> KeptConsoleLogs => ["identity", "finance"];

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var parameter in parameters) command.Parameters.AddWithValue(parameter);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
