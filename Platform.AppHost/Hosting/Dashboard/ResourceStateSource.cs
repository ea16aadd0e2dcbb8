using Platform.Telemetry.Dashboard;

namespace Platform.AppHost.Hosting.Dashboard;

/// <summary>Feeds the dashboard's resource list from the live resource states.</summary>
internal sealed class ResourceStateSource(Func<IReadOnlyList<Resource>> resources) : IResourceStateSource
{
    public IReadOnlyList<ResourceSnapshot> GetResources() =>
        resources()
            .Select(r => new ResourceSnapshot(r.Name, r.Type, r.State.ToString(), r.Urls, r.ProcessId))
            .ToArray();
}
