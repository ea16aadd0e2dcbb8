using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Platform.ServiceDefaults.Tests.Guarded;
using Shouldly;

namespace Platform.ServiceDefaults.Tests;

/// <summary>Calls are bounded: in size, and in rate per client, answered as gRPC callers expect.</summary>
public sealed class LimitsTests : IAsyncLifetime
{
    private StandInAuthority _authority = null!;

    public async ValueTask InitializeAsync() => _authority = await StandInAuthority.StartAsync();

    public async ValueTask DisposeAsync() => await _authority.DisposeAsync();

    [Fact]
    public async Task A_client_over_its_rate_is_resource_exhausted_with_retry_info_and_other_clients_and_probes_are_not()
    {
        await using var host = await GuardedHost.StartAsync(_authority, new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerSecond"] = "1",
            ["RateLimiting:Burst"] = "3",
        });
        var busy = _authority.Issue(GuardedHost.Audience, ["guarded.read"], clientId: "busy");
        var codes = new List<StatusCode>();
        RpcException? refused = null;
        for (var i = 0; i < 6; i++)
        {
            try
            {
                await host.Client.ReadAsync(new Ping(), GuardedHost.With(busy));
                codes.Add(StatusCode.OK);
            }
            catch (RpcException e)
            {
                codes.Add(e.StatusCode);
                refused ??= e;
            }
        }

        codes.Count(code => code == StatusCode.OK).ShouldBeInRange(3, 4);
        codes.Where(code => code != StatusCode.OK).ShouldAllBe(code => code == StatusCode.ResourceExhausted);
        refused!.Status.Detail.ShouldStartWith("Too many calls from this client");
        var retry = refused.GetRpcStatus()!.GetDetail<RetryInfo>();
        retry.RetryDelay.ToTimeSpan().ShouldBeInRange(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));

        var other = _authority.Issue(GuardedHost.Audience, ["guarded.read"], clientId: "other");
        (await host.Client.ReadAsync(new Ping { Text = "x" }, GuardedHost.With(other))).Text.ShouldBe("read x");
        for (var i = 0; i < 10; i++)
            (await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest(), GuardedHost.With(null))).Status
                .ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving);
    }

    [Fact]
    public async Task A_request_over_one_megabyte_is_resource_exhausted()
    {
        await using var host = await GuardedHost.StartAsync(_authority);
        var token = _authority.Issue(GuardedHost.Audience, ["guarded.read"]);

        (await host.Client.ReadAsync(new Ping { Text = new string('a', 1000 * 1000) }, GuardedHost.With(token))).Text.Length.ShouldBe(1000 * 1000 + 5);
        var error = await Should.ThrowAsync<RpcException>(async () =>
            await host.Client.ReadAsync(new Ping { Text = new string('a', 1024 * 1024 + 1) }, GuardedHost.With(token)));

        error.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
    }

    /// <summary>
    /// Large requests at once on one HTTP/2 connection: each arrives in several reads, and the framing check looks at
    /// all of them before grpc-dotnet reads the message. Kestrel grants the client flow-control window as bytes are
    /// examined, so the check must never take an examination back: that shrank the window already granted, and a
    /// client sending within it had the whole connection closed (FLOW_CONTROL_ERROR), failing every call on it.
    /// </summary>
    [Fact]
    public async Task Large_requests_at_once_on_one_connection_are_all_answered()
    {
        await using var host = await GuardedHost.StartAsync(_authority);
        var token = _authority.Issue(GuardedHost.Audience, ["guarded.read"]);
        var text = new string('a', 1000 * 1000);

        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            try
            {
                var answer = await host.Client.ReadAsync(new Ping { Text = text }, GuardedHost.With(token));
                return $"{answer.Text.Length} characters";
            }
            catch (RpcException e)
            {
                return $"{e.StatusCode}: {e.Status.Detail}";
            }
        }));

        answers.Count(answer => answer == "1000005 characters").ShouldBe(answers.Length, string.Join("\n", answers.Distinct()));
    }
}
