using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Telemetry.Dashboard;

namespace Platform.Telemetry.Tests;

/// <summary>
/// The receiver and pages on real Kestrel, as the AppHost hosts them: OTLP/gRPC on an HTTP/2-only
/// loopback port (exporters speak gRPC without TLS) and the pages on a separate HTTP/1 port.
/// </summary>
internal sealed class TelemetryHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TelemetryHost(WebApplication app, Uri otlpEndpoint, Uri pagesEndpoint)
    {
        _app = app;
        OtlpEndpoint = otlpEndpoint;
        Pages = new HttpClient { BaseAddress = pagesEndpoint };
    }

    public Uri OtlpEndpoint { get; }

    public HttpClient Pages { get; }

    public T GetRequiredService<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<TelemetryHost> StartAsync(CancellationToken cancellationToken)
    {
        var (otlpPort, pagesPort) = (FreePort(), FreePort());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, otlpPort, o => o.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, pagesPort, o => o.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddTelemetryCollector();

        var app = builder.Build();
        app.MapOtlpReceiver();
        app.MapTraceDashboard();
        await app.StartAsync(cancellationToken);

        return new TelemetryHost(app, new Uri($"http://127.0.0.1:{otlpPort}"), new Uri($"http://127.0.0.1:{pagesPort}"));
    }

    public async ValueTask DisposeAsync()
    {
        Pages.Dispose();
        await _app.DisposeAsync();
    }

    // The OS picks a free port; released at once for Kestrel. The tiny race is acceptable on a test machine.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
