using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.AppHost.Tests.Support;

/// <summary>
/// Opens an AMQP 0-9-1 conversation and reads the broker's first frame: a real RabbitMQ answers the protocol header
/// with Connection.Start (class 10, method 10) whose server properties name the product.
/// </summary>
internal static class AmqpHandshake
{
    public sealed record Greeting(int FrameType, int ClassId, int MethodId, string Payload);

    public static async Task<Greeting> ReadGreetingAsync(Uri amqpUri, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, amqpUri.Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray(), cancellationToken);

        // Frame: type (1 byte), channel (2), payload size (4), payload, frame-end (0xCE).
        var header = new byte[7];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var size = (header[3] << 24) | (header[4] << 16) | (header[5] << 8) | header[6];
        var payload = new byte[size];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return new Greeting(header[0], (payload[0] << 8) | payload[1], (payload[2] << 8) | payload[3], Encoding.Latin1.GetString(payload));
    }
}
