using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace Aspire.Hosting;

/// <summary>
/// RabbitMQ 3.10 from the machine's packages, as Aspire's RabbitMQ integration is from a container:
/// <c>AddLocalRabbitMQ("messaging")</c>. Erlang needs its port mapper (epmd); left to itself the VM would spawn one
/// detached on the machine-wide default port, outliving the AppHost. So epmd is a resource of its own,
/// <c>&lt;name&gt;-epmd</c>, on a port of ours, and the VM is told never to start one.
/// </summary>
public static class LocalRabbitMQBuilderExtensions
{
    private const string InstallHint = "run scripts/install-prerequisites.sh (apt-get install rabbitmq-server), or set RabbitMQ:ServerPath and RabbitMQ:EpmdPath";

    public static IResourceBuilder<LocalRabbitMQServerResource> AddLocalRabbitMQ(
        this IDistributedApplicationBuilder builder, [ResourceName] string name,
        int defaultPort = 5672, int defaultDistributionPort = 25672, int defaultEpmdPort = 4369)
    {
        var settings = builder.Configuration.GetSection("RabbitMQ");
        var serverPath = settings["ServerPath"] ?? "/usr/lib/rabbitmq/bin/rabbitmq-server";
        var epmdPath = settings["EpmdPath"] ?? "/usr/bin/epmd";
        var account = settings["Account"] ?? "rabbitmq";
        var home = LocalServers.StateDirectory(builder, name, account);
        var administratorPassword = BrokerDefinitions.KeptPassword(Path.Combine(home, "admin-password"));
        var password = builder.AddParameter($"{name}-password", administratorPassword, secret: true);

        var (epmdCommand, epmdPrefix) = LocalServers.AsAccount(epmdPath, account);
        var epmd = builder.AddResource(new ExecutableResource($"{name}-epmd", epmdCommand, home))
            .WithArgs([.. epmdPrefix, "-address", "127.0.0.1"])
            .WithEndpoint(port: LocalServers.Port(builder, $"{name}-epmd", "tcp", defaultEpmdPort),
                name: "tcp", scheme: "tcp", env: "ERL_EPMD_PORT", isProxied: false)
            .WithIconName("PlugConnected");
        var epmdPort = epmd.GetEndpoint("tcp").Property(EndpointProperty.Port);

        var (command, prefix) = LocalServers.AsAccount(serverPath, account);
        var server = new LocalRabbitMQServerResource(name, command, home, password.Resource);

        // The users are known once the model is built; the node loads them when it boots.
        var existingNode = false;
        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            LocalServers.RequireFile(serverPath, "RabbitMQ", InstallHint);
            LocalServers.RequireFile(epmdPath, "RabbitMQ (epmd)", InstallHint);
            existingNode = Directory.Exists(Path.Combine(home, "mnesia"));
            WriteConfiguration(home, account, BrokerDefinitions.Json(administratorPassword, server.Users));
            return Task.CompletedTask;
        });
        // A node made before the users were (or by an older AppHost) still has guest, which a fresh node never gets.
        builder.Eventing.Subscribe<ResourceReadyEvent>(server, (_, _) =>
        {
            if (existingNode) DeleteGuest(serverPath, account, home, server.NodeName, epmd.Resource);
            existingNode = false;
            return Task.CompletedTask;
        });
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheck, _ => new AmqpCheck(server), null, null));

        return builder.AddResource(server)
            .WithArgs([.. prefix])
            .WithEndpoint(port: LocalServers.Port(builder, name, LocalRabbitMQServerResource.AmqpEndpointName, defaultPort),
                name: LocalRabbitMQServerResource.AmqpEndpointName, scheme: "amqp", env: "RABBITMQ_NODE_PORT", isProxied: false)
            .WithEndpoint(port: LocalServers.Port(builder, name, LocalRabbitMQServerResource.DistributionEndpointName, defaultDistributionPort),
                name: LocalRabbitMQServerResource.DistributionEndpointName, scheme: "tcp", env: "RABBITMQ_DIST_PORT", isProxied: false)
            .WithEnvironment(context =>
            {
                // Everything RabbitMQ would read from /etc/rabbitmq or /var/lib/rabbitmq points into the state folder,
                // so a system broker's configuration never mixes with ours.
                var environment = context.EnvironmentVariables;
                // The start script otherwise runs the VM in the background and waits for it, then exits 0 however
                // the VM ended, so a crashed broker would look like a clean stop. As under systemd, it execs the VM.
                environment["RUNNING_UNDER_SYSTEMD"] = "true";
                environment["HOME"] = home; // the Erlang cookie lives here; rabbitmqctl needs the same HOME
                environment["RABBITMQ_NODENAME"] = server.NodeName;
                environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                environment["ERL_EPMD_PORT"] = epmdPort;
                environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
                environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}";
                environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(home, "mnesia");
                environment["RABBITMQ_LOG_BASE"] = Path.Combine(home, "log");
                environment["RABBITMQ_LOGS"] = "-"; // to stdout, so to the dashboard's console view
                // Its ~120 info lines at every boot bury everything else; warnings and errors still show.
                environment["RABBITMQ_LOG"] = "warning";
                environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(home, "rabbitmq-env.conf");
                environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(home, "rabbitmq.conf");
                environment["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(home, "advanced.config");
                environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(home, "enabled_plugins");
                environment["RABBITMQ_PID_FILE"] = Path.Combine(home, "rabbitmq.pid");
                environment["ERL_CRASH_DUMP"] = Path.Combine(home, "erl_crash.dump");
            })
            .WaitFor(epmd)
            .WithIconName("Mailbox")
            .WithHealthCheck(healthCheck);
    }

    /// <summary>
    /// A service's own user (<see cref="BrokerUser"/>), its password kept in <c>.state/&lt;service&gt;/messaging-password</c>.
    /// </summary>
    public static BrokerUser AddServiceUser(this IResourceBuilder<LocalRabbitMQServerResource> builder, string service, params string[] publishes)
    {
        var passwordFile = Path.Combine(LocalServers.StateDirectory(builder.ApplicationBuilder, service, account: null), "messaging-password");
        BrokerDefinitions.KeptPassword(passwordFile);
        var user = new BrokerUser(service, service, publishes, passwordFile);
        builder.Resource.AddUser(user);
        return user;
    }

    /// <summary>rabbitmq.conf and the definitions it loads, readable by the broker's account only.</summary>
    private static void WriteConfiguration(string home, string account, string definitions)
    {
        var definitionsFile = Path.Combine(home, "definitions.json");
        var configurationFile = Path.Combine(home, "rabbitmq.conf");
        File.WriteAllText(definitionsFile, definitions);
        File.WriteAllText(configurationFile, $"load_definitions = {definitionsFile}\n");
        foreach (var file in new[] { definitionsFile, configurationFile })
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (LocalServers.IsRoot) LocalServers.Run("chown", $"{account}:", file);
        }
    }

    private static void DeleteGuest(string serverPath, string account, string home, string node, ExecutableResource epmd)
    {
        var (command, prefix) = LocalServers.AsAccount(Path.Combine(Path.GetDirectoryName(serverPath)!, "rabbitmqctl"), account);
        var epmdPort = epmd.Annotations.OfType<EndpointAnnotation>().Single().AllocatedEndpoint!.Port;
        var start = new System.Diagnostics.ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[.. prefix, "-n", node, "delete_user", "guest"]) start.ArgumentList.Add(argument);
        start.Environment["HOME"] = home;
        start.Environment["ERL_EPMD_PORT"] = epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit(); // "no such user" is as good
    }

    /// <summary>Healthy when the broker completes an AMQP handshake and opens a connection for the administrator.</summary>
    private sealed class AmqpCheck(LocalRabbitMQServerResource server) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var uri = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
                var factory = new ConnectionFactory { Uri = new Uri(uri!), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
                await using var connection = await factory.CreateConnectionAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(e.Message, e);
            }
        }
    }
}
