using System.Globalization;
using Platform.AppHost.Hosting.Networking;
using Platform.AppHost.Hosting.Processes;

namespace Platform.AppHost.Hosting;

/// <summary>The <c>RabbitMQ</c> configuration section.</summary>
public sealed class RabbitMQOptions
{
    public string ServerPath { get; set; } = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    public string EpmdPath { get; set; } = "/usr/bin/epmd";

    /// <summary>The OS account the broker runs as when the AppHost is root.</summary>
    public string User { get; set; } = "rabbitmq";
}

/// <summary>
/// A RabbitMQ broker run as a child process on 127.0.0.1, with its node data under the state directory. Erlang needs
/// an epmd (port mapper) daemon; left to itself it would spawn one detached from us on the shared default port, which
/// would outlive the AppHost. So we start epmd ourselves, on our own port, as a second child process, and tell the VM
/// never to start one. The broker can be stopped and started again while the app runs.
/// </summary>
public sealed class RabbitMQServerResource : Resource, IResourceWithConnectionString
{
    private const string InstallHint = "run scripts/install-prerequisites.sh (apt-get install rabbitmq-server)";
    private ChildProcess? _epmd;
    private ChildProcess? _server;

    public RabbitMQServerResource(string name, int? port = null, int? distributionPort = null, int? epmdPort = null)
        : base(name)
    {
        Amqp = AddEndpoint("amqp", "amqp", port, isMain: true);
        Distribution = AddEndpoint("dist", "tcp", distributionPort);
        Epmd = AddEndpoint("epmd", "tcp", epmdPort);
    }

    public override string Type => "RabbitMQ";

    public ResourceEndpoint Amqp { get; }

    /// <summary>Erlang distribution, used by rabbitmqctl.</summary>
    public ResourceEndpoint Distribution { get; }

    public ResourceEndpoint Epmd { get; }

    /// <summary>The Erlang node name, for rabbitmqctl: <c>HOME=.state/&lt;name&gt; ERL_EPMD_PORT=... rabbitmqctl -n &lt;node&gt; status</c>.</summary>
    public string NodeName => $"{Name}@localhost";

    public override IReadOnlyList<string> Urls => [Amqp.Address];

    public override int? ProcessId => _server is { HasExited: false } server ? server.Id : null;

    // guest is allowed because RabbitMQ accepts it on loopback connections only, which is all we listen on.
    public string GetConnectionString() => $"amqp://guest:guest@127.0.0.1:{Amqp.Port}/";

    internal override IReadOnlyList<ProcessIdentity> GetProcesses() =>
        [.. _server?.Tree() ?? [], .. _epmd?.Tree() ?? []];

    internal override async Task StartAsync(AppHostContext context, CancellationToken cancellationToken)
    {
        var options = context.GetOptions<RabbitMQOptions>("RabbitMQ");
        RequireBinary(options.ServerPath, "RabbitMQ:ServerPath");
        RequireBinary(options.EpmdPath, "RabbitMQ:EpmdPath");
        var user = AppHostContext.ServiceUser(options.User, "RabbitMQ", InstallHint);
        var home = PrepareStateDirectory(context, user);
        foreach (var endpoint in Endpoints)
        {
            Ports.EnsureAvailable(endpoint);
        }

        var environment = BuildEnvironment(home);
        _epmd = StartProcess(
            new ProcessSpec(options.EpmdPath, ["-address", "127.0.0.1", "-port", Format(Epmd.Port)], home) { Environment = environment, UserName = user });
        await _epmd.WaitUntilReadyAsync(
            token => EpmdProbe.IsReadyAsync(Epmd.Port, token), $"answered on epmd port {Epmd.Port}", context.Options.StartupTimeout, cancellationToken);

        _server = StartProcess(new ProcessSpec(options.ServerPath, [], home) { Environment = environment, UserName = user });
        await _server.WaitUntilReadyAsync(
            token => AmqpProbe.IsReadyAsync(Amqp.Port, token), $"accepted AMQP connections on port {Amqp.Port}", context.Options.StartupTimeout, cancellationToken);
    }

    internal override async Task StopAsync(AppHostContext context)
    {
        // The broker's start script turns SIGTERM into a graceful stop of the VM; epmd goes last, once nothing is registered.
        if (_server is { } server)
        {
            await server.StopAsync(context.Options.ShutdownTimeout);
        }

        if (_epmd is { } epmd)
        {
            await epmd.StopAsync(context.Options.ShutdownTimeout);
        }

        ForgetProcesses();
    }

    internal override void Kill()
    {
        _server?.Kill();
        _epmd?.Kill();
    }

    private static void RequireBinary(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw new AppHostException($"RabbitMQ not found at {path}: {InstallHint}, or set {setting}.");
        }
    }

    private static string Format(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Everything RabbitMQ would otherwise read from /etc/rabbitmq or /var/lib/rabbitmq points into our state folder,
    /// so the system's broker configuration (and any system broker) never mixes with ours.
    /// </summary>
    private Dictionary<string, string> BuildEnvironment(string home) => new()
    {
        ["HOME"] = home, // the Erlang cookie is created here; rabbitmqctl needs the same HOME to talk to the node
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = Format(Amqp.Port),
        ["RABBITMQ_DIST_PORT"] = Format(Distribution.Port),
        ["ERL_EPMD_PORT"] = Format(Epmd.Port),
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}",
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(home, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(home, "log"),
        ["RABBITMQ_LOGS"] = "-", // to stdout, so into our console with a [messaging] prefix
        // Its ~120 info lines at every boot bury the other resources' output; warnings and errors still show.
        ["RABBITMQ_LOG"] = "warning",
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(home, "rabbitmq-env.conf"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(home, "rabbitmq.conf"),
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(home, "advanced.config"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(home, "enabled_plugins"),
        ["RABBITMQ_PID_FILE"] = Path.Combine(home, "rabbitmq.pid"),
        ["ERL_CRASH_DUMP"] = Path.Combine(home, "erl_crash.dump"),
    };
}
