using Platform.AppHost.Hosting.Processes;

namespace Platform.AppHost.Hosting;

/// <summary>Anything the AppHost runs or provides: a server, a database on it, a service.</summary>
public interface IResource
{
    string Name { get; }
}

/// <summary>A resource that dependents reach through <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
public interface IResourceWithConnectionString : IResource
{
    string GetConnectionString();
}

/// <summary>
/// The base of every resource: its name, endpoints, state and relations. The orchestrator drives
/// <see cref="StartAsync"/> (which returns once the resource is healthy) and <see cref="StopAsync"/>.
/// </summary>
public abstract class Resource : IResource
{
    private readonly List<ResourceEndpoint> _endpoints = [];
    private ResourceLog? _log;
    private string? _stateDirectory;

    protected Resource(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Resource name '{name}' must be letters, digits, '-' or '_' (it becomes part of configuration keys and paths).", nameof(name));
        }

        Name = name;
    }

    public string Name { get; }

    /// <summary>A short kind name for the console and dashboard, e.g. "PostgreSQL".</summary>
    public abstract string Type { get; }

    public ResourceState State { get; private set; } = ResourceState.NotStarted;

    /// <summary>Why it is in its state, when that needs saying (an exit code, an error).</summary>
    public string? StateDetail { get; private set; }

    public IReadOnlyList<ResourceEndpoint> Endpoints => _endpoints;

    /// <summary>The addresses to show (console table, dashboard).</summary>
    public virtual IReadOnlyList<string> Urls => _endpoints.Select(e => e.Address).ToArray();

    /// <summary>The main process, while one runs.</summary>
    public virtual int? ProcessId => null;

    /// <summary>Its output so far (bounded), attached when the app is built.</summary>
    public ResourceLog Log => _log ?? throw new InvalidOperationException($"{Name} has no log before the app is built.");

    public ResourceEndpoint GetEndpoint(string name) =>
        _endpoints.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"{Name} has no endpoint '{name}'; it has: {string.Join(", ", _endpoints.Select(e => e.Name))}.", nameof(name));

    /// <summary>Resources that must be healthy before this one starts (<c>WaitFor</c>).</summary>
    internal List<Resource> WaitsFor { get; } = [];

    /// <summary>Resources whose address this one is given (<c>WithReference</c>).</summary>
    internal List<Resource> References { get; } = [];

    /// <summary>The resource this one lives on, e.g. a database's server: it starts after it and stops before it.</summary>
    internal virtual Resource? Parent => null;

    internal IEnumerable<Resource> StartDependencies => Parent is null ? WaitsFor : WaitsFor.Append(Parent);

    /// <summary>Everything this one needs while it runs; it is stopped before any of them.</summary>
    internal IEnumerable<Resource> Dependencies => StartDependencies.Concat(References).Distinct();

    internal event Action<Resource>? StateChanged;

    internal void AttachLog(ResourceLog log) => _log = log;

    internal void SetState(ResourceState state, string? detail = null)
    {
        (State, StateDetail) = (state, detail);
        StateChanged?.Invoke(this);
    }

    /// <summary>Every live process this resource started, with descendants (the dashboard API and orphan checks).</summary>
    internal virtual IReadOnlyList<ProcessIdentity> GetProcesses() => [];

    /// <summary>Starts the resource and returns once it is healthy; throws <see cref="AppHostException"/> naming the fix.</summary>
    internal abstract Task StartAsync(AppHostContext context, CancellationToken cancellationToken);

    /// <summary>Stops what <see cref="StartAsync"/> started; safe to call in any state.</summary>
    internal abstract Task StopAsync(AppHostContext context);

    /// <summary>The last resort when the AppHost itself is exiting: kill every process now, without waiting.</summary>
    internal virtual void Kill()
    {
    }

    protected ResourceEndpoint AddEndpoint(string name, string scheme, int? defaultPort, bool isMain = false)
    {
        var endpoint = new ResourceEndpoint(this, name, scheme, defaultPort, isMain);
        _endpoints.Add(endpoint);
        return endpoint;
    }

    /// <summary>
    /// The resource's own folder under the state directory, made ready for use; processes that a killed AppHost left
    /// running from it are stopped first, so they no longer hold its ports and data.
    /// </summary>
    internal string PrepareStateDirectory(AppHostContext context, string? serviceUser)
    {
        _stateDirectory = context.GetStateDirectory(Name, serviceUser);
        ProcessLedger.ReclaimLeftovers(_stateDirectory, Log);
        return _stateDirectory;
    }

    /// <summary>
    /// Starts a process of this resource: its output goes to the resource's log, its unexpected exit marks the resource
    /// Exited, and it is noted in the state folder's ledger in case this AppHost dies without stopping it.
    /// </summary>
    internal ChildProcess StartProcess(ProcessSpec spec)
    {
        var process = ChildProcess.Start(spec, Log);
        ProcessLedger.Record(_stateDirectory ?? throw new InvalidOperationException($"{Name} must prepare its state directory first."), process);
        WatchForExit(process);
        return process;
    }

    /// <summary>Called once every process of the resource has been stopped.</summary>
    internal void ForgetProcesses()
    {
        if (_stateDirectory is not null)
        {
            ProcessLedger.Clear(_stateDirectory);
        }
    }

    /// <summary>Marks the resource Exited when <paramref name="process"/> ends while the resource was running.</summary>
    private void WatchForExit(ChildProcess process) =>
        _ = process.Exited.ContinueWith(
            exited =>
            {
                if (State == ResourceState.Running)
                {
                    SetState(ResourceState.Exited, $"exit code {exited.Result}");
                }
            },
            TaskScheduler.Default);
}
