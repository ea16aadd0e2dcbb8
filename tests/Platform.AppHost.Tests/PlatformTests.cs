using System.Net;
using Platform.AppHost.Hosting;
using Platform.Telemetry.Spans;
using Platform.Testing;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>
/// The whole topology of <c>dotnet run</c>, isolated: a service is launched only once its database and broker are
/// healthy, gets their addresses, and exports its traces to the AppHost.
/// </summary>
public sealed class PlatformTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_resource_is_running_and_the_service_is_ready()
    {
        platform.App.Resources.ShouldAllBe(r => r.State == ResourceState.Running);
        using var http = new HttpClient { BaseAddress = platform.App.GetEndpoint("practices", "http") };

        // /health checks the database and the broker too: it proves the connection strings reached the service.
        (await http.GetAsync("/health", Cancellation)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync("/alive", Cancellation)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_service_exports_its_traces_to_the_AppHost_under_its_resource_name()
    {
        // Any request to the HTTP/2 endpoint is traced (an unknown gRPC method included), whatever the service's API.
        using var http = new HttpClient { BaseAddress = platform.App.GetEndpoint("practices", "grpc") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/apphost.tests.Probe/Ping")
        {
            Version = HttpVersion.Version20, // cleartext HTTP/2 with prior knowledge, as gRPC clients speak it
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]), // an empty gRPC message
        };
        request.Content.Headers.ContentType = new("application/grpc");
        using var response = await http.SendAsync(request, Cancellation);

        var span = await platform.App.Spans.WaitForSpanAsync(
            s => s.ServiceName == "practices" && s.Kind == SpanKind.Server && s.Attributes.GetValueOrDefault("url.path") == "/apphost.tests.Probe/Ping",
            TimeSpan.FromSeconds(30),
            Cancellation);

        span.TraceId.Length.ShouldBe(32);
    }
}
