using System.Diagnostics;
using Microsoft.Extensions.Configuration;

// The local servers run from Debian packages under POSIX accounts and file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Aspire.Hosting;

/// <summary>
/// What the local-server integrations (PostgreSQL, RabbitMQ from the machine's own packages) share: where their data
/// lives, which account they run as, and how their ports are chosen.
/// </summary>
public static class LocalServers
{
    /// <summary>The configuration key of the folder holding every server's data; default <c>&lt;repo&gt;/.state</c>.</summary>
    public const string StateDirectoryKey = "Platform:StateDirectory";

    /// <summary>
    /// The data folder of one server, created if missing. With the AppHost run as root, it belongs to the server's
    /// own account (PostgreSQL refuses to run as root, and RabbitMQ should not).
    /// </summary>
    public static string StateDirectory(IDistributedApplicationBuilder builder, string resourceName, string? account)
    {
        var root = builder.Configuration[StateDirectoryKey]
            ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".state"));
        var directory = Path.Combine(root, resourceName);
        Directory.CreateDirectory(directory);
        if (account is not null && IsRoot)
        {
            Run("chown", "-R", $"{account}:", directory);
        }

        return directory;
    }

    /// <summary>
    /// The port a server's endpoint listens on: the stable default, or <c>Ports:&lt;resource&gt;-&lt;endpoint&gt;</c>,
    /// or none (the orchestrator picks a free one) when Aspire randomises ports, as its test host does.
    /// </summary>
    public static int? Port(IDistributedApplicationBuilder builder, string resourceName, string endpointName, int defaultPort) =>
        PortsRandomized(builder)
            ? null
            : builder.Configuration.GetValue($"{PortChecks.SettingPrefix}{resourceName}-{endpointName}", defaultPort);

    /// <summary>Aspire's own switch (on in its test host): proxied ports are moved by the orchestrator.</summary>
    public static bool PortsRandomized(IDistributedApplicationBuilder builder) =>
        builder.Configuration.GetValue("DcpPublisher:RandomizePorts", false);

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>
    /// The command line that runs <paramref name="program"/> as <paramref name="account"/> when the AppHost is root.
    /// setpriv replaces itself with the program (unlike runuser or su), so the orchestrator's stop signal reaches the
    /// server itself.
    /// </summary>
    public static (string Command, string[] Prefix) AsAccount(string program, string account) =>
        IsRoot
            ? ("/usr/bin/setpriv", [$"--reuid={account}", $"--regid={account}", "--init-groups", "--", program])
            : (program, []);

    public static void RequireFile(string path, string what, string fix)
    {
        if (!File.Exists(path))
        {
            throw new DistributedApplicationException($"{what} not found at {path}: {fix}.");
        }
    }

    /// <summary>Runs a short command to completion; its output is returned, a failure thrown with that output.</summary>
    public static string Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output.Result
            : throw new DistributedApplicationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Trim()} {output.Result.Trim()}");
    }
}
