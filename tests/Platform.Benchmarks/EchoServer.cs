using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Platform.Benchmarks.Echo;

namespace Platform.Benchmarks;

/// <summary>
/// The bare echo service: grpc-dotnet on Kestrel, cleartext HTTP/2 on loopback, as a template project has it. It runs
/// in a process of its own (this program started with <c>--serve-echo</c>), as each platform service does, so neither
/// shares a process with the load generator.
/// </summary>
public static class EchoServer
{
    public const string ServeArgument = "--serve-echo";

    /// <summary>Serves until standard input closes: when the benchmark ends, or dies, the server goes with it.</summary>
    public static async Task ServeAsync(int port)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        await using var app = builder.Build();
        app.MapGrpcService<EchoService>();
        await app.StartAsync();
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
    }

    private sealed class EchoService : Echo.EchoService.EchoServiceBase
    {
        public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) =>
            Task.FromResult(new EchoResponse { Message = request.Message });
    }
}

/// <summary>The echo server's process, started from this program's own executable; stopped when disposed.</summary>
public sealed class EchoServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EchoServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<EchoServerProcess> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, UseShellExecute = false };
        // Run as `dotnet Platform.Benchmarks.dll`, the host needs the assembly named; run as its own executable, not.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(typeof(EchoServer).Assembly.Location);
        start.ArgumentList.Add(EchoServer.ServeArgument);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var server = new EchoServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await server.WaitUntilAnsweringAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(Address);
        var client = new Echo.EchoService.EchoServiceClient(channel);
        var giveUpAt = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await client.EchoAsync(new EchoRequest { Message = "ready?" },
                    deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
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
