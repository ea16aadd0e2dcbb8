using System.Reflection;
using Microsoft.Extensions.Configuration;
using Platform.AppHost.Hosting.Networking;
using Platform.AppHost.Hosting.Output;
using Platform.AppHost.Hosting.Processes;

namespace Platform.AppHost.Hosting;

/// <summary>What every resource needs to start: resolved options, paths, the OTLP endpoint and the console.</summary>
internal sealed class AppHostContext
{
    public required AppHostOptions Options { get; init; }

    public required IConfiguration Configuration { get; init; }

    public required string RepositoryRoot { get; init; }

    public required string StateDirectory { get; init; }

    /// <summary>True when the state directory is a temporary one this app created and deletes on dispose.</summary>
    public required bool OwnsStateDirectory { get; init; }

    public required string ProjectConfiguration { get; init; }

    public required Uri OtlpEndpoint { get; init; }

    /// <summary>The free ports this app chose, held until it is disposed so no other AppHost takes them.</summary>
    public required PortReservations PortReservations { get; init; }

    public required ResourceConsole Console { get; init; }

    /// <summary>Isolated state is thrown away, so servers may skip durability work (fsync) that only slows tests.</summary>
    public bool IsEphemeral => OwnsStateDirectory;

    /// <summary>The build configuration the AppHost itself was built with; services are launched from the same one.</summary>
    public static string OwnBuildConfiguration =>
        typeof(AppHostContext).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public T GetOptions<T>(string section)
        where T : new() => Configuration.GetSection(section).Get<T>() ?? new T();

    /// <summary>
    /// The resource's own folder under the state directory. PostgreSQL refuses to run as root, so when we are root
    /// servers run as their service account (<paramref name="serviceUser"/>), which must own the folder.
    /// </summary>
    public string GetStateDirectory(string resourceName, string? serviceUser)
    {
        var directory = Path.Combine(StateDirectory, resourceName);
        Directory.CreateDirectory(directory);
        if (serviceUser is not null)
        {
            Posix.EnsureTraversableByOthers(StateDirectory, serviceUser);
            Posix.ChangeOwner(directory, serviceUser);
        }

        return directory;
    }

    /// <summary>The OS account a server runs as: <paramref name="configuredUser"/> when we are root, else ourselves.</summary>
    public static string? ServiceUser(string configuredUser, string serverName, string installHint)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return null;
        }

        return Posix.FindUser(configuredUser) is null
            ? throw new AppHostException($"{serverName} must not run as root and the OS user '{configuredUser}' does not exist: {installHint} (it creates the user).")
            : configuredUser;
    }
}
