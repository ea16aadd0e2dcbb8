using Grpc.Core;
using Grpc.Health.V1;
using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;

namespace Platform.SystemTests;

/// <summary>
/// Readiness means the service can do its work: when its broker or its database goes away, /health and
/// grpc.health.v1 say so (and /alive does not, since restarting the process would not help); when they come back,
/// so does readiness, without restarting the service.
/// </summary>
public sealed class ReadinessTests(SystemFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Theory]
    [InlineData("messaging")]
    [InlineData("postgres")]
    public async Task Readiness_follows_a_dependency_down_and_back_up(string dependency)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = platform.Endpoint("practices", "http") };
        var channel = platform.ChannelTo("practices");
        var health = new Health.HealthClient(channel);

        (await ConcurrentReadsAsync(channel, cancellationToken)).ShouldAllBe(status => status == StatusCode.OK);
        try
        {
            await platform.StopAsync(dependency, cancellationToken);
            await Eventually.Until(async () => (await http.GetAsync("/health", cancellationToken)).IsSuccessStatusCode, ready => !ready, $"/health failing without {dependency}", Patience);
            (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: cancellationToken)).Status
                .ShouldBe(HealthCheckResponse.Types.ServingStatus.NotServing);
            (await http.GetAsync("/alive", cancellationToken)).IsSuccessStatusCode.ShouldBeTrue();
            if (dependency == "postgres")
            {
                // Calls that need the database say it is unavailable (retryable), not that the call was wrong or broke.
                var registry = new PracticeRegistryService.PracticeRegistryServiceClient(channel);
                var error = await Should.ThrowAsync<RpcException>(async () =>
                    await registry.GetPcnAsync(new GetPcnRequest { Name = "pcns/salutem" }, cancellationToken: cancellationToken));
                error.StatusCode.ShouldBe(StatusCode.Unavailable);
            }
        }
        finally
        {
            await platform.StartAsync(dependency, cancellationToken);
        }

        await Eventually.Until(async () => (await http.GetAsync("/health", cancellationToken)).IsSuccessStatusCode, ready => ready, $"/health passing with {dependency} back", Patience);
        (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: cancellationToken)).Status
            .ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);

        // Once ready, calls succeed at once, not after each connection pooled before the outage has failed one of them.
        (await ConcurrentReadsAsync(channel, cancellationToken)).ShouldAllBe(status => status == StatusCode.OK);
    }

    /// <summary>Reads enough at once to hold many pooled connections (each of a date not read before: a load, not a hit).</summary>
    private static async Task<StatusCode[]> ConcurrentReadsAsync(Grpc.Net.Client.GrpcChannel channel, CancellationToken cancellationToken)
    {
        var registry = new PracticeRegistryService.PracticeRegistryServiceClient(channel);
        var firstDay = new DateOnly(2021, 1, 1).AddDays(Random.Shared.Next(1000));
        return await Task.WhenAll(Enumerable.Range(0, 16).Select(async day =>
        {
            var date = firstDay.AddDays(day);
            try
            {
                await registry.ListPcnsAsync(new ListPcnsRequest { AsAtDate = ProtoValues.Date(date.Year, date.Month, date.Day) },
                    cancellationToken: cancellationToken);
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));
    }
}
