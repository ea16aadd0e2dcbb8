namespace Platform.AppHost.Hosting;

/// <summary>
/// Readiness of an AMQP 0-9-1 broker without a client library: a broker that answers the protocol header with a
/// method frame (Connection.Start) has finished booting far enough to accept clients. Much cheaper than
/// <c>rabbitmqctl await_startup</c>, which boots an Erlang VM per call.
/// </summary>
internal static class AmqpProbe
{
    private const byte MethodFrame = 1;
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\u0009\u0001"u8.ToArray();

    public static Task<bool> IsReadyAsync(int port, CancellationToken cancellationToken) =>
        TcpProbe.AskAsync(port, ProtocolHeader, answerLength: 1, answer => answer[0] == MethodFrame, cancellationToken);
}
