namespace Platform.AppHost.Hosting;

/// <summary>Where a resource is in its life; the names are what the console table and the dashboard show.</summary>
public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Stopping,
    Stopped,

    /// <summary>Its process ended on its own after it was running.</summary>
    Exited,
    FailedToStart,
}
