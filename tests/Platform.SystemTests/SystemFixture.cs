using Platform.Testing;

namespace Platform.SystemTests;

/// <summary>The whole platform as `dotnet run` starts it, the Aspire dashboard included, which receives every trace.</summary>
public sealed class SystemFixture : PlatformFixture
{
    private DashboardTelemetry? _telemetry;

    protected override bool WithDashboard => true;

    /// <summary>The traces the dashboard has received, as a developer would look them up there.</summary>
    public DashboardTelemetry Telemetry => _telemetry ??= new DashboardTelemetry(DashboardUrl);

    public override async ValueTask DisposeAsync()
    {
        _telemetry?.Dispose();
        await base.DisposeAsync();
    }
}
