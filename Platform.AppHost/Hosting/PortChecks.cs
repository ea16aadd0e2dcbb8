using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// A taken port stops the start before anything runs, naming the setting that moves it. Left to the orchestrator,
/// a server would start, fail to bind and sit in "Exited" while what waits for it waits for ever.
/// </summary>
public static class PortChecks
{
    public const string SettingPrefix = "Ports:";

    public static IDistributedApplicationBuilder AddPortChecks(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            // Aspire's test host moves proxied ports itself; a server's own port is chosen by LocalServers.Port.
            var randomized = LocalServers.PortsRandomized(builder);
            builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
            {
                foreach (var resource in @event.Model.Resources)
                foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
                {
                    if (endpoint.Port is int port && !(randomized && endpoint.IsProxied) && !IsFree(port))
                    {
                        throw new DistributedApplicationException(
                            $"port {port} for {resource.Name} ({endpoint.Name}) is in use by another process: stop it or set {SettingPrefix}{resource.Name}-{endpoint.Name}=<another port>.");
                    }
                }

                return Task.CompletedTask;
            });
        }

        return builder;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
