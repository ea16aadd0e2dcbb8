namespace Platform.AppHost.Hosting;

/// <summary>
/// The <c>AppHost</c> configuration section (appsettings.json, <c>AppHost__Key</c> environment variables,
/// <c>--AppHost:Key=value</c> arguments). Ports live in the <c>Ports</c> section; server binaries in
/// <c>Postgres</c> and <c>RabbitMQ</c>.
/// </summary>
public sealed class AppHostOptions
{
    public const string SectionName = "AppHost";

    /// <summary>Where resources keep their data. Default: <c>&lt;repo&gt;/.state</c> (git-ignored).</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Delete the resources' state before starting (<c>--fresh</c>).</summary>
    public bool Fresh { get; set; }

    /// <summary>
    /// The mode for tests: dynamic ports, a fresh temporary state directory deleted on dispose (unless
    /// <see cref="StateDirectory"/> is set), non-durable PostgreSQL and no resource output on the console.
    /// </summary>
    public bool Isolated { get; set; }

    /// <summary>Give every endpoint without a <c>Ports:</c> setting a free port instead of its fixed default.</summary>
    public bool DynamicPorts { get; set; }

    /// <summary>Echo resource output to the console, prefixed by name. Default: on, except when isolated.</summary>
    public bool? ResourceLogs { get; set; }

    /// <summary>Start only these resources (comma-separated) and what they wait for, e.g. <c>--AppHost:Only=postgres,messaging</c>.</summary>
    public string? Only { get; set; }

    /// <summary>The folder holding Platform.sln. Default: found by walking up from the AppHost's base directory.</summary>
    public string? RepositoryRoot { get; set; }

    /// <summary>The build configuration of the services to launch. Default: the one the AppHost was built with.</summary>
    public string? ProjectConfiguration { get; set; }

    /// <summary>How long one resource may take to become healthy.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long a process gets to exit after its stop signal before its tree is killed.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
