using System.Diagnostics;
using Platform.Testing;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>
/// The AppHost program, run as a developer or a service manager runs it, stops everything it started when its
/// process group gets SIGTERM (as systemd and CI runners send it), and PostgreSQL shuts down cleanly rather than
/// being killed, so the next start needs no crash recovery.
/// </summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private static readonly string[] Expected = ["postgres", "beam.smp", "epmd", "dcp", "Identity.Api", "Practices.Api", "Finance.Api"];

    [Fact]
    public async Task Sigterm_to_the_process_group_stops_every_process_and_PostgreSQL_cleanly()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var state = Directory.CreateTempSubdirectory("llr-apphost-test-");
        state.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute; // reachable by the servers' accounts
        Process? appHost = null;
        try
        {
            // setsid: the AppHost leads a process group of its own, as under a service manager. Its output goes to a
            // file: a pipe would stay open in the orchestrator it starts, which outlives it by design.
            var log = Path.Combine(state.FullName, "apphost.log");
            string[] command =
            [
                "dotnet", Path.Combine(AppContext.BaseDirectory, "Platform.AppHost.dll"),
                $"--Platform:StateDirectory={state.FullName}", "--DcpPublisher:RandomizePorts=true",
                "--ASPNETCORE_URLS=http://127.0.0.1:0", "--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:0",
                "--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:0", "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            ];
            appHost = Process.Start("/bin/sh", ["-c", $"exec setsid \"$@\" >'{log}' 2>&1", "sh", .. command]);

            // Running: every kind of process it starts is there (Finance starts last, after the registry is healthy).
            var started = await Eventually.Until(() => Task.FromResult(LinuxProcesses.StartedByAppHost(appHost.Id)),
                processes => Expected.All(name => processes.Any(p => p.Name.StartsWith(name, StringComparison.Ordinal))),
                "every resource's process", TimeSpan.FromMinutes(2));
            output.WriteLine($"Started: {string.Join(", ", started.Select(p => $"{p.Name}:{p.Pid}"))}");
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // let Finance finish starting, as a developer would

            LinuxProcesses.Signal("TERM", appHost.Id, group: true).ShouldBe(0);

            var stopwatch = Stopwatch.StartNew();
            await appHost.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
            await Eventually.Until(() => Task.FromResult(started.Where(LinuxProcesses.IsAlive).ToList()),
                alive => alive.Count == 0, "every process the AppHost started has stopped", TimeSpan.FromSeconds(60));
            output.WriteLine($"Everything stopped {stopwatch.Elapsed.TotalSeconds:0.0} s after the AppHost exited with {appHost.ExitCode}.");

            appHost.ExitCode.ShouldBe(0, File.ReadAllText(log));
            ClusterState(Path.Combine(state.FullName, "postgres", "data")).ShouldBe("shut down");
        }
        finally
        {
            // A failed run must not leave a platform behind: the orchestrator stops what it started once its AppHost dies.
            if (appHost is { HasExited: false }) LinuxProcesses.Signal("KILL", appHost.Id, group: true);
            appHost?.Dispose();
            state.Delete(recursive: true);
        }
    }

    private static string ClusterState(string data)
    {
        var start = new ProcessStartInfo("/usr/lib/postgresql/15/bin/pg_controldata", [data]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadToEnd().Split('\n').Single(l => l.StartsWith("Database cluster state:", StringComparison.Ordinal));
        process.WaitForExit();
        return line["Database cluster state:".Length..].Trim();
    }
}
