using Grpc.Net.Client;
using Llr.Practices.V1;
using Npgsql;
using Platform.Testing;

[assembly: AssemblyFixture(typeof(Practices.Api.Tests.RegistryServiceFixture))]

namespace Practices.Api.Tests;

/// <summary>
/// The registry as its callers meet it: the real service process, started by Platform.AppHost through Aspire.Hosting.Testing with what it waits
/// for (PostgreSQL, RabbitMQ) on free ports and throw-away state, called over real HTTP/2 gRPC. Booted once for the
/// test assembly; tests stay independent by reading as at dates before any test's writes take effect and by writing
/// to different practices.
/// </summary>
public sealed class RegistryServiceFixture : PlatformFixture
{
    /// <summary>Every call gets the running test's cancellation and a deadline.</summary>
    public PracticeRegistryService.PracticeRegistryServiceClient Client => new(CallsTo("practices"));

    public GrpcChannel Channel => ChannelTo("practices");

    public Uri HttpEndpoint => Endpoint("practices", "http");

    /// <summary>The registry's own database, to check what a write left behind (the outbox, for one).</summary>
    public NpgsqlDataSource Database => DatabaseOf("practicesdb");

    protected override string Services => "practices";
}
