namespace Platform.Telemetry.Dashboard;

/// <summary>What the orchestrator (the AppHost) knows about the resources it runs; the home page lists them.</summary>
public interface IResourceStateSource
{
    IReadOnlyList<ResourceSnapshot> GetResources();
}

/// <param name="Type">For example "Project", "Container" or "Executable".</param>
/// <param name="State">For example "Starting", "Running" or "Exited".</param>
public sealed record ResourceSnapshot(string Name, string Type, string State, IReadOnlyList<string> Urls, int? ProcessId);
