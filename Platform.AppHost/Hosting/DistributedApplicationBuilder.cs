using Microsoft.Extensions.Configuration;
using Platform.AppHost.Hosting.Dashboard;
using Platform.AppHost.Hosting.Networking;
using Platform.AppHost.Hosting.Orchestration;
using Platform.AppHost.Hosting.Output;

namespace Platform.AppHost.Hosting;

/// <summary>
/// Declares the resources of a distributed application, Aspire style, then <see cref="Build"/>s it. Configuration
/// comes from appsettings.json beside the AppHost, environment variables and <c>--Key=value</c> arguments (later wins).
/// </summary>
public sealed class DistributedApplicationBuilder
{
    public const int DefaultDashboardPort = 18888;
    public const int DefaultOtlpPort = 18889;
    private readonly List<Resource> _resources = [];
    private bool _built;

    internal DistributedApplicationBuilder(string[] args)
    {
        Configuration = new ConfigurationManager();
        Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        Configuration.AddEnvironmentVariables();
        Configuration.AddCommandLine(ExpandSwitches(args));
    }

    public ConfigurationManager Configuration { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource)
        where T : Resource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"A resource named '{resource.Name}' already exists.", nameof(resource));
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public DistributedApplication Build()
    {
        if (_built)
        {
            throw new InvalidOperationException("The application has already been built.");
        }

        _built = true;
        var options = Configuration.GetSection(AppHostOptions.SectionName).Get<AppHostOptions>() ?? new AppHostOptions();
        var repositoryRoot = options.RepositoryRoot ?? RepositoryRoot.Find();
        var ownsStateDirectory = options.Isolated && options.StateDirectory is null;
        var stateDirectory = Path.GetFullPath(
            options.StateDirectory
            ?? (ownsStateDirectory ? Path.Combine(Path.GetTempPath(), $"llr-apphost-{Guid.NewGuid():N}") : Path.Combine(repositoryRoot, ".state")));

        var resources = ResourceGraph.Order(ResourceGraph.Select(_resources, options.Only));
        var reservations = new PortReservations();
        var ports = new PortAssigner(Configuration.GetSection("Ports"), dynamic: options.DynamicPorts || options.Isolated, reservations);
        foreach (var endpoint in resources.SelectMany(r => r.Endpoints))
        {
            endpoint.AssignPort(ports.Assign(endpoint.PortKey, endpoint.DefaultPort));
        }

        var dashboardPort = ports.Assign("dashboard", DefaultDashboardPort);
        var otlpPort = ports.Assign("otlp", DefaultOtlpPort);

        var console = new ResourceConsole(Console.Out);
        var echoResourceOutput = options.ResourceLogs ?? !options.Isolated;
        foreach (var resource in resources)
        {
            resource.AttachLog(new ResourceLog(resource.Name, console, echoResourceOutput));
        }

        var context = new AppHostContext
        {
            Options = options,
            Configuration = Configuration,
            RepositoryRoot = repositoryRoot,
            StateDirectory = stateDirectory,
            OwnsStateDirectory = ownsStateDirectory,
            ProjectConfiguration = options.ProjectConfiguration ?? AppHostContext.OwnBuildConfiguration,
            OtlpEndpoint = new Uri($"http://127.0.0.1:{otlpPort}"),
            PortReservations = reservations,
            Console = console,
        };
        var dashboard = new DashboardServer(dashboardPort, otlpPort, () => resources);
        return new DistributedApplication(context, new Orchestrator(resources, context), dashboard);
    }

    /// <summary>Bare switches become settings: <c>--fresh</c> means <c>--AppHost:Fresh=true</c>.</summary>
    private static string[] ExpandSwitches(string[] args) =>
        args.Select(a => a is "--fresh" ? "--AppHost:Fresh=true" : a).ToArray();
}
