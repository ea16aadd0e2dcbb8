using Grpc.Core;
using Grpc.Net.Client;

namespace Platform.Benchmarks;

/// <summary>
/// A few HTTP/2 connections to one service, shared by the callers: one per <see cref="CallersPerChannel"/> callers,
/// the same for the echo and the platform, so both are measured over the same transport. The platform's calls carry a
/// bearer token, as its users' do (the echo's carry none: it checks nothing).
/// </summary>
public sealed class Channels : IDisposable
{
    public const int CallersPerChannel = 8;

    /// <summary>Every call's deadline: a call that takes longer counts as failed (DEADLINE_EXCEEDED).</summary>
    public static DateTime Deadline() => DateTime.UtcNow.AddSeconds(10);

    private readonly GrpcChannel[] _channels;

    public Channels(Uri address, int callers, Func<Task<string>>? token = null)
    {
        Callers = callers;
        _channels = [.. Enumerable.Range(0, (callers + CallersPerChannel - 1) / CallersPerChannel)
            .Select(_ => GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                // Each channel its own connection; one channel may open more when a connection's streams run out.
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
                Credentials = token is null ? null : ChannelCredentials.Create(ChannelCredentials.Insecure,
                    CallCredentials.FromInterceptor(async (_, metadata) => metadata.Add("Authorization", $"Bearer {await token()}"))),
                UnsafeUseInsecureChannelCallCredentials = token is not null,
            }))];
    }

    public int Callers { get; }

    public CallInvoker For(int caller) => _channels[caller % _channels.Length].CreateCallInvoker();

    public void Dispose()
    {
        foreach (var channel in _channels) channel.Dispose();
    }
}
