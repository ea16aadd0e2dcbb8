using System.Runtime.ExceptionServices;

namespace Platform.AppHost.Hosting.Orchestration;

/// <summary>
/// Starts resources as soon as everything they wait for is healthy (independent ones in parallel) and stops them in
/// reverse: a resource stops only after everything that depends on it has stopped. One resource at a time is ever
/// being started or stopped, whichever of the app, a test or a signal asks.
/// </summary>
internal sealed class Orchestrator(IReadOnlyList<Resource> resources, AppHostContext context)
{
    private readonly Dictionary<Resource, SemaphoreSlim> _locks = resources.ToDictionary(r => r, _ => new SemaphoreSlim(1, 1));

    /// <summary>The resources in dependency order: each after everything it depends on.</summary>
    public IReadOnlyList<Resource> Resources { get; } = resources;

    /// <summary>Starts everything; on the first failure cancels the rest and throws it (the caller stops what started).</summary>
    public async Task StartAllAsync(CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = new Dictionary<Resource, Task>();
        foreach (var resource in Resources)
        {
            started[resource] = StartAfterDependenciesAsync(resource, resource.StartDependencies.Select(d => started[d]).ToArray(), failed);
        }

        try
        {
            await Task.WhenAll(started.Values);
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            var rootCauses = started.Values
                .Where(t => t.IsFaulted)
                .SelectMany(t => t.Exception!.InnerExceptions)
                .Where(e => e is not OperationCanceledException)
                .ToList();
            if (rootCauses.Count > 1)
            {
                throw new AggregateException(rootCauses);
            }

            ExceptionDispatchInfo.Throw(rootCauses.Count == 1 ? rootCauses[0] : new OperationCanceledException());
        }
    }

    /// <summary>Stops everything, dependents first; never throws (a stop failure is reported and the rest carry on).</summary>
    public async Task StopAllAsync()
    {
        var stopped = new Dictionary<Resource, Task>();
        foreach (var resource in Resources.Reverse())
        {
            var dependents = Resources.Where(r => r.Dependencies.Contains(resource)).Select(r => stopped[r]).ToArray();
            stopped[resource] = StopAfterDependentsAsync(resource, dependents);
        }

        await Task.WhenAll(stopped.Values);
    }

    public async Task StartAsync(Resource resource, CancellationToken cancellationToken)
    {
        var gate = _locks[resource];
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (resource.State is ResourceState.Running or ResourceState.Starting)
            {
                return;
            }

            if (resource.State is ResourceState.Exited or ResourceState.FailedToStart)
            {
                await resource.StopAsync(context); // sweep up what it left (epmd outliving a crashed broker, say)
            }

            resource.SetState(ResourceState.Starting);
            await resource.StartAsync(context, cancellationToken);
            resource.SetState(ResourceState.Running);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            resource.SetState(ResourceState.NotStarted, "start cancelled");
            throw;
        }
        catch (Exception e)
        {
            resource.SetState(ResourceState.FailedToStart, e.Message.Split(Environment.NewLine)[0]);
            throw e is AppHostException ? e : new AppHostException($"{resource.Name} failed to start: {e.Message}", e);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task StopAsync(Resource resource)
    {
        var gate = _locks[resource];
        await gate.WaitAsync();
        try
        {
            // A resource that failed or exited keeps saying so; stopping it only sweeps up what it left behind.
            var wasActive = resource.State is ResourceState.Waiting or ResourceState.Starting or ResourceState.Running;
            if (wasActive)
            {
                resource.SetState(ResourceState.Stopping);
            }

            // Called even when it never got going: a failed start may have left a process behind.
            await resource.StopAsync(context);
            if (wasActive)
            {
                resource.SetState(ResourceState.Stopped);
            }
        }
        catch (Exception e)
        {
            context.Console.Info($"stopping {resource.Name} failed: {e.Message}");
            resource.Kill();
            resource.SetState(ResourceState.Stopped, "killed after a failed stop");
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Kills every process at once: for when the AppHost is exiting and cannot wait.</summary>
    public void KillAll()
    {
        foreach (var resource in Resources)
        {
            resource.Kill();
        }
    }

    private async Task StartAfterDependenciesAsync(Resource resource, Task[] dependencies, CancellationTokenSource failed)
    {
        try
        {
            if (dependencies.Length > 0)
            {
                resource.SetState(ResourceState.Waiting);
                try
                {
                    await Task.WhenAll(dependencies);
                }
                catch
                {
                    // The dependency reports its own failure; this one merely never started.
                    resource.SetState(ResourceState.NotStarted, "a dependency failed to start");
                    throw new OperationCanceledException();
                }
            }

            await StartAsync(resource, failed.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await failed.CancelAsync(); // one failure is enough: stop waiting for the others
            throw;
        }
    }

    private async Task StopAfterDependentsAsync(Resource resource, Task[] dependents)
    {
        await Task.WhenAll(dependents);
        await StopAsync(resource);
    }
}
