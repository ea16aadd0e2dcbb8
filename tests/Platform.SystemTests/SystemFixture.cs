using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Platform.Testing;

namespace Platform.SystemTests;

/// <summary>
/// The whole platform as `dotnet run` starts it, the Aspire dashboard included, which receives every trace. Every
/// service is pointed at a proxy the fixture owns, and the sockets of everything the AppHost starts are watched from
/// before it starts (<see cref="Outbound"/>), so a test can tell whether anything tried to reach beyond the machine.
/// </summary>
public sealed class SystemFixture : PlatformFixture
{
    private DashboardTelemetry? _telemetry;
    private OutboundWatch? _outbound;

    protected override bool WithDashboard => true;

    /// <summary>The traces the dashboard has received, as a developer would look them up there.</summary>
    public DashboardTelemetry Telemetry => _telemetry ??= new DashboardTelemetry(DashboardUrl);

    /// <summary>What reached the proxy, and which connections left the machine, since the platform started.</summary>
    public OutboundWatch Outbound => _outbound ?? throw new InvalidOperationException("The platform has not been started.");

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        // The test process is the AppHost: what it starts is watched.
        _outbound = new OutboundWatch(Environment.ProcessId);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            var service = builder.CreateResourceBuilder(project);
            foreach (var (name, value) in _outbound.ProxyEnvironment) service.WithEnvironment(name, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _telemetry?.Dispose();
        await base.DisposeAsync();
        if (_outbound is not null) await _outbound.DisposeAsync();
    }
}
