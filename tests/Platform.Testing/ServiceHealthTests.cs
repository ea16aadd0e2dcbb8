using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Shouldly;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// What probes and tools see of a service: HTTP /health and /alive, grpc.health.v1, and reflection for buf curl.
/// Each service's test project derives a class naming its endpoints and its gRPC service.
/// </summary>
public abstract class ServiceHealthTests
{
    protected abstract Uri HttpEndpoint { get; }

    protected abstract GrpcChannel Channel { get; }

    /// <summary>The fully qualified gRPC service reflection must list, e.g. "llr.finance.v1.FinanceService".</summary>
    protected abstract string ServiceName { get; }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Http_probes_report_healthy(string path)
    {
        using var http = new HttpClient { BaseAddress = HttpEndpoint };

        var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        ((int)response.StatusCode).ShouldBe(200);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe("Healthy");
    }

    [Theory]
    [InlineData("")]
    [InlineData("liveness")]
    public async Task Grpc_health_reports_serving(string service)
    {
        var health = new Health.HealthClient(Channel);

        var response = await health.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: TestContext.Current.CancellationToken);

        response.Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);
    }

    [Fact]
    public async Task Reflection_lists_the_service()
    {
        var reflection = new ServerReflection.ServerReflectionClient(Channel);
        using var call = reflection.ServerReflectionInfo(cancellationToken: TestContext.Current.CancellationToken);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, TestContext.Current.CancellationToken);
        await call.RequestStream.CompleteAsync();
        await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken);

        call.ResponseStream.Current.ListServicesResponse.Service.Select(service => service.Name).ShouldContain(ServiceName);
    }
}
