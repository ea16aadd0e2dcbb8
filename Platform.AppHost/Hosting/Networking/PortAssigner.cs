using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Platform.AppHost.Hosting.Networking;

/// <summary>
/// Decides every port once, when the app is built: a <c>Ports:&lt;key&gt;</c> setting wins (0 = any free port);
/// otherwise the topology's fixed default, unless dynamic ports are on (tests) or there is no default.
/// </summary>
internal sealed class PortAssigner(IConfiguration ports, bool dynamic, PortReservations reservations)
{
    private readonly HashSet<int> _assigned = [];

    public int Assign(string key, int? defaultPort)
    {
        var configured = ports[key];
        int port;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            {
                throw new AppHostException($"Ports:{key} is '{configured}', which is not a port number: set it to 1-65535 (or 0 for any free port).");
            }
        }
        else
        {
            port = dynamic || defaultPort is null ? 0 : defaultPort.Value;
        }

        if (port == 0)
        {
            // A reserved port is this app's alone, so only another endpoint of this app could have it already.
            do
            {
                port = reservations.ReserveFreePort();
            }
            while (_assigned.Contains(port));
        }
        else if (_assigned.Contains(port))
        {
            throw new AppHostException($"port {port} is assigned twice (the second time to Ports:{key}): give each endpoint its own port.");
        }

        _assigned.Add(port);
        return port;
    }
}
