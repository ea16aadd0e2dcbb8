using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

/// <summary>
/// Watches for anything the platform sends beyond the machine: a proxy the services are pointed at
/// (<see cref="ProxyEnvironment"/>), which records every request that reaches it, and a scan of the TCP sockets of
/// every process the AppHost's orchestrator started (/proc/&lt;pid&gt;/fd against /proc/net/tcp and tcp6), a few
/// times a second, which records every connection to an address outside 127.0.0.0/8 and ::1, whatever a proxy
/// setting says. Processes a test starts itself are not the platform's and not watched (the README test fetches buf
/// with npx).
/// </summary>
public sealed class OutboundWatch : IAsyncDisposable
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromMilliseconds(200);

    private readonly TcpListener _proxy = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _proxyRequests = new();
    private readonly ConcurrentDictionary<string, byte> _outsideConnections = new();
    private readonly ConcurrentDictionary<string, byte> _loopbackConnections = new();
    private readonly Task _accepting;
    private readonly Task _scanning;

    public OutboundWatch(int appHostProcessId)
    {
        _proxy.Start();
        _accepting = AcceptAsync(_stop.Token);
        _scanning = ScanAsync(appHostProcessId, _stop.Token);
    }

    public string ProxyUrl => $"http://127.0.0.1:{((IPEndPoint)_proxy.LocalEndpoint).Port}";

    /// <summary>Every variable .NET's HttpClient (and most other clients) reads a proxy from, pointing at ours.</summary>
    public IReadOnlyDictionary<string, string> ProxyEnvironment => new Dictionary<string, string>
    {
        ["HTTP_PROXY"] = ProxyUrl, ["http_proxy"] = ProxyUrl,
        ["HTTPS_PROXY"] = ProxyUrl, ["https_proxy"] = ProxyUrl,
        ["ALL_PROXY"] = ProxyUrl, ["all_proxy"] = ProxyUrl,
        ["NO_PROXY"] = "127.0.0.1,localhost", ["no_proxy"] = "127.0.0.1,localhost",
    };

    /// <summary>The first line of every request that reached the proxy.</summary>
    public IReadOnlyCollection<string> ProxyRequests => [.. _proxyRequests];

    /// <summary>"process (pid): local -> remote" for every connection seen to an address beyond this machine.</summary>
    public IReadOnlyCollection<string> OutsideConnections => [.. _outsideConnections.Keys];

    /// <summary>The same for loopback connections: evidence that the scan sees the processes' sockets at all.</summary>
    public IReadOnlyCollection<string> LoopbackConnections => [.. _loopbackConnections.Keys];

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var client = await _proxy.AcceptTcpClientAsync(cancellationToken);
                _ = RecordAsync(client, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // stopped
        }
    }

    private async Task RecordAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            var what = $"from {client.Client.RemoteEndPoint}";
            try
            {
                using var reader = new StreamReader(client.GetStream());
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                what = $"{await reader.ReadLineAsync(timeout.Token)} ({what})";
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // the connection itself is what counts
            }

            _proxyRequests.Enqueue(what);
        }
    }

    private async Task ScanAsync(int appHost, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ScanOnce(appHost);
                await Task.Delay(ScanInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private void ScanOnce(int appHost)
    {
        var connections = Connections();
        foreach (var process in LinuxProcesses.StartedByOrchestratorOf(appHost))
        {
            foreach (var inode in SocketInodes(process.Pid))
            {
                if (!connections.TryGetValue(inode, out var connection)) continue;
                var (local, remote) = connection;
                if (remote.Address.Equals(IPAddress.Any) || remote.Address.Equals(IPAddress.IPv6Any)) continue; // listening
                var seen = $"{process.Name} ({process.Pid}): {local} -> {remote}";
                (IsLoopback(remote.Address) ? _loopbackConnections : _outsideConnections).TryAdd(seen, 0);
            }
        }
    }

    private static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static IEnumerable<string> SocketInodes(int pid)
    {
        string[] descriptors;
        try
        {
            descriptors = Directory.GetFiles($"/proc/{pid}/fd");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break; // gone
        }

        foreach (var descriptor in descriptors)
        {
            string? target;
            try
            {
                target = new FileInfo(descriptor).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)) yield return target[8..^1];
        }
    }

    /// <summary>Every TCP socket of this network namespace, by inode: its local and remote addresses.</summary>
    private static Dictionary<string, (IPEndPoint Local, IPEndPoint Remote)> Connections()
    {
        var connections = new Dictionary<string, (IPEndPoint, IPEndPoint)>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10) continue;
                connections[fields[9]] = (EndPoint(fields[1]), EndPoint(fields[2]));
            }
        }

        return connections;
    }

    /// <summary>"0100007F:1F90": the address in host order, 32 bits at a time, then the port.</summary>
    private static IPEndPoint EndPoint(string hex)
    {
        var (address, port) = (hex[..hex.IndexOf(':', StringComparison.Ordinal)], hex[(hex.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var bytes = Convert.FromHexString(address);
        for (var word = 0; word < bytes.Length; word += 4) Array.Reverse(bytes, word, 4);
        return new IPEndPoint(new IPAddress(bytes), int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _proxy.Stop();
        await Task.WhenAll(_accepting, _scanning);
        _stop.Dispose();
    }
}
