using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Shouldly;

namespace Finance.Api.Tests;

/// <summary>What probes and tools see once Finance is booted (it is ready only once it holds the registry's populations).</summary>
public sealed class HealthTests(FinanceServiceFixture finance)
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Http_probes_report_healthy(string path)
    {
        using var http = new HttpClient { BaseAddress = finance.HttpEndpoint };

        var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        ((int)response.StatusCode).ShouldBe(200);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldBe("Healthy");
    }

    [Theory]
    [InlineData("")]
    [InlineData("liveness")]
    public async Task Grpc_health_reports_serving(string service)
    {
        var health = new Health.HealthClient(finance.FinanceChannel);

        var response = await health.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: TestContext.Current.CancellationToken);

        response.Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);
    }

    [Fact]
    public async Task Reflection_lists_the_finance_service()
    {
        var reflection = new ServerReflection.ServerReflectionClient(finance.FinanceChannel);
        using var call = reflection.ServerReflectionInfo(cancellationToken: TestContext.Current.CancellationToken);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, TestContext.Current.CancellationToken);
        await call.RequestStream.CompleteAsync();
        await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken);

        call.ResponseStream.Current.ListServicesResponse.Service.Select(service => service.Name).ShouldContain("llr.finance.v1.FinanceService");
    }
}
