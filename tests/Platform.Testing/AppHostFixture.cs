using Platform.AppHost.Hosting;

namespace Platform.Testing;

/// <summary>
/// Boots an isolated AppHost once for the tests that share the fixture (use it as an assembly, collection or class
/// fixture) and stops everything it started when they are done.
/// </summary>
public abstract class AppHostFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    /// <summary>The running app: endpoints, connection strings, spans, resource stop/start.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException($"{GetType().Name} has not been initialised.");

    public async ValueTask InitializeAsync()
    {
        var builder = TestAppHost.CreateBuilder(Arguments);
        AddResources(builder);
        var app = builder.Build();
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        _app = app;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Extra configuration, as command-line style <c>--Key=value</c> arguments.</summary>
    protected virtual string[] Arguments => [];

    protected abstract void AddResources(DistributedApplicationBuilder builder);
}
