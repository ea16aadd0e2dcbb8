using System.Net;
using System.Net.Sockets;

namespace Platform.AppHost.Hosting.Networking;

/// <summary>Loopback port helpers: everything the AppHost starts listens on 127.0.0.1 only.</summary>
internal static class Ports
{
    /// <summary>Whether nothing listens on the port right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
    }

    /// <summary>Fails fast, naming the fix, when another process already listens on an endpoint's port.</summary>
    public static void EnsureAvailable(ResourceEndpoint endpoint) =>
        EnsureAvailable(endpoint.Port, endpoint.Description, endpoint.ConfigurationKey);

    private static void EnsureAvailable(int port, string owner, string configurationKey)
    {
        if (!IsFree(port)) throw PortInUse(port, owner, configurationKey);
    }

    public static AppHostException PortInUse(int port, string owner, string configurationKey) =>
        new($"port {port} for {owner} is in use by another process: stop it or set {configurationKey}=<another port>.");
}
