using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Platform.AppHost.Hosting.Dashboard;
using Platform.AppHost.Hosting.Orchestration;
using Platform.AppHost.Hosting.Processes;
using Platform.Telemetry.Spans;

namespace Platform.AppHost.Hosting;

/// <summary>
/// A running (or runnable) distributed application: the dashboard plus every resource. The program calls
/// <see cref="RunAsync"/>; tests call <see cref="StartAsync"/> and dispose it. Either way, everything it started is
/// stopped in reverse dependency order and no process outlives it.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly AppHostContext _context;
    private readonly Orchestrator _orchestrator;
    private readonly DashboardServer _dashboard;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private bool _started;
    private bool _dashboardStarted;
    private bool _stopped;
    private bool _disposed;
    private volatile bool _reportChanges;
    private int _tablePending;

    internal DistributedApplication(AppHostContext context, Orchestrator orchestrator, DashboardServer dashboard)
    {
        (_context, _orchestrator, _dashboard) = (context, orchestrator, dashboard);
        foreach (var resource in orchestrator.Resources)
        {
            resource.StateChanged += OnStateChanged;
        }
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    /// <summary>The dashboard's services, e.g. the <see cref="SpanStore"/> the OTLP receiver fills.</summary>
    public IServiceProvider Services => _dashboard.Services;

    public SpanStore Spans => Services.GetRequiredService<SpanStore>();

    public Uri DashboardUrl => _dashboard.Url;

    /// <summary>Where services export telemetry (OTLP over gRPC).</summary>
    public Uri OtlpEndpoint => _context.OtlpEndpoint;

    public string StateDirectory => _context.StateDirectory;

    /// <summary>The resources, in dependency order.</summary>
    public IReadOnlyList<Resource> Resources => _orchestrator.Resources;

    public Resource GetResource(string name) =>
        Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"There is no resource '{name}'; there are: {string.Join(", ", Resources.Select(r => r.Name))}.", nameof(name));

    public T GetResource<T>(string name)
        where T : Resource =>
        GetResource(name) as T ?? throw new ArgumentException($"{name} is not a {typeof(T).Name}.", nameof(name));

    public Uri GetEndpoint(string resourceName, string endpointName) => GetResource(resourceName).GetEndpoint(endpointName).Url;

    public string GetConnectionString(string resourceName) =>
        GetResource(resourceName) is IResourceWithConnectionString source
            ? source.GetConnectionString()
            : throw new ArgumentException($"{resourceName} has no connection string.", nameof(resourceName));

    /// <summary>Starts the dashboard, then every resource; returns when all are healthy. On failure stops what started and throws.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            if (_started)
            {
                throw new InvalidOperationException("The application can be started only once.");
            }

            _started = true;
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
            AppDomain.CurrentDomain.UnhandledException += OnProcessExit;
            var stopwatch = Stopwatch.StartNew();
            try
            {
                PrepareStateDirectory();
                await _dashboard.StartAsync(cancellationToken);
                _dashboardStarted = true;
                _context.Console.Info($"Dashboard: {DashboardUrl}   OTLP: {OtlpEndpoint}   State: {StateDirectory}");
                await _orchestrator.StartAllAsync(cancellationToken);
            }
            catch
            {
                await StopCoreAsync();
                throw;
            }

            _context.Console.Info($"All {Resources.Count} resources are running ({stopwatch.Elapsed.TotalSeconds:0.0}s).");
            _context.Console.WriteTable(Resources);
            _reportChanges = true;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Starts, then waits for Ctrl+C, SIGTERM or SIGHUP and stops everything. A second signal kills everything at once.
    /// A failure to start is printed (without a stack trace: the message names the fix) and sets exit code 1.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signals = 0;
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true; // we stop the resources ourselves, in order, then return from Main
            if (Interlocked.Increment(ref signals) == 1)
            {
                _context.Console.Info($"{signal.Signal} received: stopping all resources (signal again to kill them at once).");

                // Off the signal thread, so a second signal can still be handled while the stop runs.
                _ = Task.Run(shutdown.Cancel);
            }
            else
            {
                _context.Console.Info("Killing all resources.");
                _orchestrator.KillAll();
            }
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        try
        {
            await StartAsync(shutdown.Token);
            _context.Console.Info("Press Ctrl+C to stop.");
            await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // Stopped while starting.
        }
        catch (Exception e) when (e is AppHostException or AggregateException)
        {
            var failures = e is AggregateException many ? many.InnerExceptions : [e];
            foreach (var failure in failures)
            {
                _context.Console.Info($"error: {failure.Message}");
            }

            Environment.ExitCode = 1;
        }
        finally
        {
            await DisposeAsync();
            _context.Console.Info("Stopped.");
        }
    }

    /// <summary>Stops one resource (its dependents keep running, as they would if it crashed), e.g. to test retries.</summary>
    public Task StopResourceAsync(string name) => _orchestrator.StopAsync(GetResource(name));

    /// <summary>Starts a stopped resource again and returns once it is healthy.</summary>
    public Task StartResourceAsync(string name, CancellationToken cancellationToken = default) =>
        _orchestrator.StartAsync(GetResource(name), cancellationToken);

    /// <summary>Stops every resource (dependents first), then the dashboard. Safe to call more than once.</summary>
    public async Task StopAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            await StopCoreAsync();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _dashboard.DisposeAsync();
        _context.PortReservations.Dispose();
        if (_context.OwnsStateDirectory && Directory.Exists(StateDirectory))
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }

    private async Task StopCoreAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _reportChanges = false;
        await _orchestrator.StopAllAsync();
        if (_dashboardStarted)
        {
            await _dashboard.StopAsync();
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException -= OnProcessExit;
    }

    private void PrepareStateDirectory()
    {
        if (_context.Options.Fresh)
        {
            foreach (var resource in Resources.Select(r => Path.Combine(StateDirectory, r.Name)).Where(Directory.Exists))
            {
                _context.Console.Info($"--fresh: deleting {resource}");
                Directory.Delete(resource, recursive: true);
            }
        }

        // PostgreSQL and RabbitMQ run as their own accounts when we are root: they must be able to traverse it.
        Posix.CreateTraversableDirectory(StateDirectory);
    }

    private void OnStateChanged(Resource resource)
    {
        // Coalesce bursts (a stop touches several resources) into one table.
        if (_reportChanges && Interlocked.Exchange(ref _tablePending, 1) == 0)
        {
            _ = Task.Delay(TimeSpan.FromMilliseconds(300)).ContinueWith(
                _ =>
                {
                    Interlocked.Exchange(ref _tablePending, 0);
                    if (_reportChanges)
                    {
                        _context.Console.WriteTable(Resources);
                    }
                },
                TaskScheduler.Default);
        }
    }

    // The last line of defence when the process ends without a proper stop: no child may be orphaned.
    private void OnProcessExit(object? sender, EventArgs e) => _orchestrator.KillAll();
}
