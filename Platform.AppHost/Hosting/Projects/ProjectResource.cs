using System.Net;
using Platform.AppHost.Hosting.Networking;
using Platform.AppHost.Hosting.Processes;

namespace Platform.AppHost.Hosting;

/// <summary>
/// One of our .NET services, launched from its build output with <c>dotnet &lt;Name&gt;.dll</c> (building is the
/// build's job, not the AppHost's: building the AppHost builds the services it launches). Every service has an HTTP/1
/// endpoint "http" (health, metrics) and an HTTP/2 endpoint "grpc", and is healthy when <c>/health</c> answers 200.
/// </summary>
public sealed class ProjectResource : Resource
{
    private static readonly HttpClient HealthClient = new() { Timeout = TimeSpan.FromSeconds(2) };
    private ChildProcess? _process;

    public ProjectResource(string name, string projectDirectory)
        : base(name)
    {
        ProjectDirectory = projectDirectory;
        Http = AddEndpoint("http", "http", defaultPort: null);
        Grpc = AddEndpoint("grpc", "http", defaultPort: null);
    }

    public override string Type => "Project";

    /// <summary>The project folder, relative to the repository root (or absolute).</summary>
    public string ProjectDirectory { get; }

    public ResourceEndpoint Http { get; }

    public ResourceEndpoint Grpc { get; }

    public override int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    public string GetProjectPath(string repositoryRoot) => Path.GetFullPath(Path.Combine(repositoryRoot, ProjectDirectory));

    /// <summary>The built assembly we launch: <c>&lt;project&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;Name&gt;.dll</c>.</summary>
    public string GetAssemblyPath(string repositoryRoot, string configuration)
    {
        var directory = GetProjectPath(repositoryRoot);
        var targetFramework = $"net{System.Environment.Version.Major}.{System.Environment.Version.Minor}";
        return Path.Combine(directory, "bin", configuration, targetFramework, Path.GetFileName(directory) + ".dll");
    }

    internal override IReadOnlyList<ProcessIdentity> GetProcesses() => _process?.Tree() ?? [];

    internal override async Task StartAsync(AppHostContext context, CancellationToken cancellationToken)
    {
        var assembly = GetAssemblyPath(context.RepositoryRoot, context.ProjectConfiguration);
        if (!File.Exists(assembly))
        {
            throw new AppHostException(
                $"{Name} is not built: {assembly} does not exist. Run `dotnet build -c {context.ProjectConfiguration}` (building Platform.AppHost builds the services it launches).");
        }

        PrepareStateDirectory(context, serviceUser: null); // only for the ledger of its process
        Ports.EnsureAvailable(Http);
        Ports.EnsureAvailable(Grpc);
        var spec = new ProcessSpec(DotnetHost.Path, [assembly], GetProjectPath(context.RepositoryRoot))
        {
            Environment = BuildEnvironment(context),
        };
        _process = StartProcess(spec);
        await _process.WaitUntilReadyAsync(IsHealthyAsync, $"answered 200 on {Http.Url}health", context.Options.StartupTimeout, cancellationToken);
    }

    internal override async Task StopAsync(AppHostContext context)
    {
        if (_process is { } process)
        {
            // SIGTERM starts ASP.NET Core's graceful shutdown: in-flight requests finish, hosted services stop.
            await process.StopAsync(context.Options.ShutdownTimeout);
        }

        ForgetProcesses();
    }

    internal override void Kill() => _process?.Kill();

    private Dictionary<string, string> BuildEnvironment(AppHostContext context)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Kestrel__Endpoints__http__Url"] = Http.Address,
            ["Kestrel__Endpoints__grpc__Url"] = Grpc.Address,
            ["Kestrel__Endpoints__grpc__Protocols"] = "Http2",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = context.OtlpEndpoint.GetLeftPart(UriPartial.Authority),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_SERVICE_NAME"] = Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Guid.NewGuid()}",

            // Export every second rather than every five, as Aspire does in development: traces show up while you look.
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        };

        foreach (var reference in References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString source:
                    environment[$"ConnectionStrings__{source.Name}"] = source.GetConnectionString();
                    break;
                case ProjectResource service:
                    foreach (var endpoint in service.Endpoints)
                    {
                        environment[$"services__{service.Name}__{endpoint.Name}__0"] = endpoint.Address;
                    }

                    break;
            }
        }

        return environment;
    }

    private async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await HealthClient.GetAsync(new Uri(Http.Url, "/health"), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException
                                    || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
