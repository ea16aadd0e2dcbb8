using System.Buffers.Binary;

namespace Platform.AppHost.Hosting;

/// <summary>
/// Readiness of epmd: it answers a NAMES request with its own port number. A bare TCP connect would do too, but epmd
/// logs every connection that closes without a request.
/// </summary>
internal static class EpmdProbe
{
    private static readonly byte[] NamesRequest = [0, 1, (byte)'n']; // 2-byte length, then NAMES_REQ

    public static Task<bool> IsReadyAsync(int port, CancellationToken cancellationToken) =>
        TcpProbe.AskAsync(port, NamesRequest, answerLength: 4, answer => BinaryPrimitives.ReadInt32BigEndian(answer) == port, cancellationToken);
}
