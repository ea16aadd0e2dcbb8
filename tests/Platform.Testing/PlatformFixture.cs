using Platform.AppHost;
using Platform.AppHost.Hosting;

namespace Platform.Testing;

/// <summary>
/// The whole platform, booted from the same topology as <c>dotnet run</c> (<see cref="PlatformTopology.AddPlatform"/>)
/// but isolated: for system tests that call services over gRPC and read their traces from <c>App.Spans</c>.
/// </summary>
public sealed class PlatformFixture : AppHostFixture
{
    protected override void AddResources(DistributedApplicationBuilder builder) => builder.AddPlatform();
}
