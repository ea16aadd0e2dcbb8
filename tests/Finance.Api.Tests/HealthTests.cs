using Grpc.Net.Client;
using Platform.Testing;

namespace Finance.Api.Tests;

/// <summary>Finance is ready only once it holds the registry's populations; the fixture waits for that.</summary>
public sealed class HealthTests(FinanceServiceFixture finance) : ServiceHealthTests
{
    protected override Uri HttpEndpoint => finance.HttpEndpoint;

    protected override GrpcChannel Channel => finance.FinanceChannel;

    protected override string ServiceName => "llr.finance.v1.FinanceService";
}
