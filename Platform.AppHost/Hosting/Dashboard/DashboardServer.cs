using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.AppHost.Hosting.Networking;
using Platform.Telemetry;
using Platform.Telemetry.Dashboard;

namespace Platform.AppHost.Hosting.Dashboard;

/// <summary>
/// The AppHost's own web server, on 127.0.0.1 only: the OTLP/gRPC receiver services export to (HTTP/2 port), and the
/// trace pages plus <c>/api/resources</c> (HTTP/1 port). It starts before any resource, so no early span is lost.
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int _httpPort;
    private readonly int _otlpPort;

    public DashboardServer(int httpPort, int otlpPort, Func<IReadOnlyList<Resource>> resources)
    {
        (_httpPort, _otlpPort) = (httpPort, otlpPort);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DashboardServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Only problems are worth a line: the console belongs to the resources' output.
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);

        // Signals are the AppHost's to handle (it stops the resources first), not the web host's.
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, httpPort, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, otlpPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddTelemetryCollector();
        builder.Services.AddSingleton<IResourceStateSource>(new ResourceStateSource(resources));

        _app = builder.Build();
        _app.MapOtlpReceiver();
        _app.MapTraceDashboard();
        _app.MapResourcesApi(resources);
    }

    public IServiceProvider Services => _app.Services;

    public Uri Url => new($"http://127.0.0.1:{_httpPort}");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            var (port, key) = e.Message.Contains($":{_otlpPort}", StringComparison.Ordinal) ? (_otlpPort, "Ports:otlp") : (_httpPort, "Ports:dashboard");
            throw Ports.PortInUse(port, "the dashboard", key);
        }
    }

    public Task StopAsync() => _app.StopAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private sealed class NoSignalsLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
