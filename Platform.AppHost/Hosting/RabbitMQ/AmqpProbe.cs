using System.Net;
using System.Net.Sockets;

namespace Platform.AppHost.Hosting;

/// <summary>
/// Readiness of an AMQP 0-9-1 broker without a client library: a broker that answers the protocol header with a
/// method frame (Connection.Start) has finished booting far enough to accept clients, which a bare TCP connect does
/// not prove. Much cheaper than <c>rabbitmqctl await_startup</c>, which boots an Erlang VM per call.
/// </summary>
internal static class AmqpProbe
{
    private const byte MethodFrame = 1;
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\u0009\u0001"u8.ToArray();

    public static async Task<bool> IsReadyAsync(int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(ProtocolHeader, timeout.Token);
            var frameType = new byte[1];
            return await stream.ReadAsync(frameType, timeout.Token) == 1 && frameType[0] == MethodFrame;
        }
        catch (Exception e) when (e is SocketException or IOException
                                    || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
