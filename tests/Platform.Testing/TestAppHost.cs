using Platform.AppHost.Hosting;

namespace Platform.Testing;

/// <summary>Builders for AppHosts that tests run side by side with each other and with a developer's own AppHost.</summary>
public static class TestAppHost
{
    /// <summary>
    /// An isolated builder: free ports, a fresh temporary state directory deleted on dispose, non-durable PostgreSQL,
    /// resource output kept in memory rather than echoed (set AppHost__ResourceLogs=true to see it).
    /// </summary>
    public static DistributedApplicationBuilder CreateBuilder(params string[] args) =>
        DistributedApplication.CreateBuilder(["--AppHost:Isolated=true", .. args]);
}
