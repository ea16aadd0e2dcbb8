using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Platform.Benchmarks.Echo;

namespace Platform.Benchmarks;

/// <summary>
/// The two yardsticks, each in a process of its own (this program started with <see cref="ServeArgument"/> or
/// <see cref="ServeThroughThePlatformArgument"/>), as each platform service runs in its own, so neither shares a
/// process with the load generator:
/// <list type="bullet">
/// <item>the bare echo: grpc-dotnet on Kestrel, cleartext HTTP/2 on loopback, as a template project has it;</item>
/// <item>the platform's echo: the same answer behind everything a platform service puts in front of its own code
/// (<c>AddServiceDefaults</c>, <c>MapDefaultEndpoints</c>), run with the registry's own settings: what no read of
/// the platform can cost less than, whatever its own work.</item>
/// </list>
/// </summary>
public static class EchoServer
{
    public const string ServeArgument = "--serve-echo";
    public const string ServeThroughThePlatformArgument = "--serve-platform-echo";

    /// <summary>Serves until standard input closes: when the benchmark ends, or dies, the server goes with it.</summary>
    public static async Task ServeAsync(string serveArgument, int port)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        var throughThePlatform = serveArgument == ServeThroughThePlatformArgument;
        if (throughThePlatform)
        {
            // Logs as the services' appsettings.json have them, exported with their telemetry; none on the console,
            // which is the benchmark's report.
            builder.Logging.ClearProviders().AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.AddServiceDefaults();
        }
        else
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddGrpc();
        }
        await using var app = builder.Build();
        if (throughThePlatform)
        {
            app.MapDefaultEndpoints();
            app.MapGrpcService<PlatformEchoService>();
        }
        else
        {
            app.MapGrpcService<EchoService>();
        }
        await app.StartAsync();
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
    }

    private sealed class EchoService : Echo.EchoService.EchoServiceBase
    {
        public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) =>
            Task.FromResult(new EchoResponse { Message = request.Message });
    }

    private sealed class PlatformEchoService : Echo.PlatformEchoService.PlatformEchoServiceBase
    {
        public override Task<PlatformEchoResponse> PlatformEcho(PlatformEchoRequest request, ServerCallContext context) =>
            Task.FromResult(new PlatformEchoResponse { Message = request.Message });
    }
}

/// <summary>An echo server's process, started from this program's own executable; stopped when disposed.</summary>
public sealed class EchoServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EchoServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The bare echo, in this program's environment.</summary>
    public static Task<EchoServerProcess> StartAsync(CancellationToken cancellationToken) =>
        StartAsync(EchoServer.ServeArgument, environment: null, token: null, cancellationToken);

    /// <summary>
    /// The platform's echo, in <paramref name="environment"/> (a service's, <see cref="ServiceEnvironment"/>), which
    /// replaces this program's; it is ready once it answers a call carrying <paramref name="token"/>.
    /// </summary>
    public static Task<EchoServerProcess> StartThroughThePlatformAsync(
        IReadOnlyDictionary<string, string> environment, Func<Task<string>> token, CancellationToken cancellationToken) =>
        StartAsync(EchoServer.ServeThroughThePlatformArgument, environment, token, cancellationToken);

    private static async Task<EchoServerProcess> StartAsync(string serveArgument,
        IReadOnlyDictionary<string, string>? environment, Func<Task<string>>? token, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, UseShellExecute = false };
        // Run as `dotnet Platform.Benchmarks.dll`, the host needs the assembly named; run as its own executable, not.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(typeof(EchoServer).Assembly.Location);
        start.ArgumentList.Add(serveArgument);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (environment is not null)
        {
            start.Environment.Clear();
            foreach (var (name, value) in environment) start.Environment[name] = value;
        }
        var server = new EchoServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await server.WaitUntilAnsweringAsync(serveArgument, token, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilAnsweringAsync(string serveArgument, Func<Task<string>>? token, CancellationToken cancellationToken)
    {
        using var channels = new Channels(Address, callers: 1, token);
        var echo = Reads.EchoOf(serveArgument, channels, caller: 0);
        var giveUpAt = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await echo(0);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < giveUpAt && !_process.HasExited)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }
}

internal static class FreePort
{
    /// <summary>A loopback port free now: the system's choice for a listener, released at once.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
