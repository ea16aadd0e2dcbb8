using Grpc.Net.Client;
using Platform.Testing;

[assembly: AssemblyFixture(typeof(Platform.FuzzTests.FuzzFixture))]

namespace Platform.FuzzTests;

/// <summary>
/// A throw-away platform of its own to be attacked: Finance and everything it waits for (PostgreSQL, RabbitMQ, the
/// registry), booted from Platform.AppHost as the other service tests boot it. Some generated requests are valid writes
/// (a transfer, a list size, a claim, a rate): they land here and nowhere else.
/// </summary>
public sealed class FuzzFixture : PlatformFixture
{
    protected override string Services => "finance";

    /// <summary>The gRPC channel of the service ("practices", "finance") that serves a proto package's services.</summary>
    public GrpcChannel Channel(string service) => ChannelTo(service);
}
