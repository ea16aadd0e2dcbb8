using Grpc.Net.Client;
using Platform.Testing;

namespace Practices.Api.Tests;

public sealed class HealthTests(RegistryServiceFixture registry) : ServiceHealthTests
{
    protected override Uri HttpEndpoint => registry.HttpEndpoint;

    protected override GrpcChannel Channel => registry.Channel;

    protected override string ServiceName => "llr.practices.v1.PracticeRegistryService";
}
