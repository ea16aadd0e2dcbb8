using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Shouldly;

namespace Practices.Api.Tests;

/// <summary>What probes and tools see: HTTP /health and /alive, grpc.health.v1, and reflection for buf curl and grpcurl.</summary>
public sealed class HealthTests(RegistryServiceFixture registry)
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Http_probes_report_healthy(string path)
    {
        using var http = new HttpClient { BaseAddress = registry.HttpEndpoint };

        var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        response.IsSuccessStatusCode.ShouldBeTrue();
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe("Healthy");
    }

    [Theory]
    [InlineData("")]
    [InlineData("liveness")]
    public async Task Grpc_health_reports_serving(string service)
    {
        var health = new Health.HealthClient(registry.Channel);

        var response = await health.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: TestContext.Current.CancellationToken);

        response.Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);
    }

    [Fact]
    public async Task Reflection_lists_the_registry_service()
    {
        var reflection = new ServerReflection.ServerReflectionClient(registry.Channel);
        using var call = reflection.ServerReflectionInfo(cancellationToken: TestContext.Current.CancellationToken);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, TestContext.Current.CancellationToken);
        await call.RequestStream.CompleteAsync();
        await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken);

        call.ResponseStream.Current.ListServicesResponse.Service.Select(service => service.Name)
            .ShouldContain("llr.practices.v1.PracticeRegistryService");
    }
}
