using System.Net;
using System.Net.Sockets;

namespace Platform.AppHost.Hosting.Networking;

/// <summary>Loopback port helpers: everything the AppHost starts listens on 127.0.0.1 only.</summary>
internal static class Ports
{
    /// <summary>A port that is free right now (the kernel picks it), for tests and for endpoints with no fixed port.</summary>
    public static int GetFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Fails fast, naming the fix, when another process already listens on an endpoint's port.</summary>
    public static void EnsureAvailable(ResourceEndpoint endpoint) =>
        EnsureAvailable(endpoint.Port, endpoint.Description, endpoint.ConfigurationKey);

    private static void EnsureAvailable(int port, string owner, string configurationKey)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw PortInUse(port, owner, configurationKey);
        }
    }

    public static AppHostException PortInUse(int port, string owner, string configurationKey) =>
        new($"port {port} for {owner} is in use by another process: stop it or set {configurationKey}=<another port>.");
}
