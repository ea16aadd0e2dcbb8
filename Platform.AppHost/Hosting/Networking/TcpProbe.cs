using System.Net;
using System.Net.Sockets;

namespace Platform.AppHost.Hosting;

/// <summary>
/// Asks a server on 127.0.0.1 one small question in its own protocol and checks the answer: proof that it is serving,
/// which a bare TCP connect is not (a port can accept before the server is ready). No answer within two seconds,
/// a refused connection or a closed one all mean "not ready yet".
/// </summary>
internal static class TcpProbe
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(2);

    public static async Task<bool> AskAsync(int port, byte[] question, int answerLength, Func<byte[], bool> isExpected, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AnswerTimeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(question, timeout.Token);
            var answer = new byte[answerLength];
            await stream.ReadExactlyAsync(answer, timeout.Token);
            return isExpected(answer);
        }
        catch (Exception e) when (e is SocketException or IOException
                                    || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
