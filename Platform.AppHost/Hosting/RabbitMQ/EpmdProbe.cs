using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Platform.AppHost.Hosting;

/// <summary>
/// Readiness of epmd: it answers a NAMES request with its own port number. A bare TCP connect would do too, but epmd
/// logs every connection that closes without a request.
/// </summary>
internal static class EpmdProbe
{
    private static readonly byte[] NamesRequest = [0, 1, (byte)'n']; // 2-byte length, then NAMES_REQ

    public static async Task<bool> IsReadyAsync(int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(NamesRequest, timeout.Token);
            var answer = new byte[4];
            await stream.ReadExactlyAsync(answer, timeout.Token);
            return BinaryPrimitives.ReadInt32BigEndian(answer) == port;
        }
        catch (Exception e) when (e is SocketException or IOException
                                    || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
