using System.Diagnostics;
using System.Net.Http.Json;
using Platform.AppHost.Hosting;
using Platform.AppHost.Tests.Support;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>The AppHost program, run as a developer runs it, leaves no process behind when it is told to stop.</summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_stops_the_AppHost_promptly_and_every_process_it_started()
    {
        // The whole topology (building these tests builds the AppHost, which builds the services it launches).
        await using var program = AppHostProgram.Start("--AppHost:Isolated=true", "--AppHost:ResourceLogs=true");
        try
        {
            var dashboard = await program.WaitUntilRunningAsync(TimeSpan.FromMinutes(3), Cancellation);
            using var http = new HttpClient { BaseAddress = dashboard };
            var resources = await http.GetFromJsonAsync<ResourceJson[]>("/api/resources", Cancellation);
            resources.ShouldNotBeNull();
            resources.ShouldAllBe(r => r.State == "Running");

            // What the AppHost says it started, and (independently) everything below it in the process tree.
            var reported = resources.SelectMany(r => r.ProcessIds).Select(LinuxProcesses.Read).OfType<LinuxProcesses.Identity>();
            var started = reported.Concat(LinuxProcesses.DescendantsOf(program.Id)).Distinct().ToList();
            output.WriteLine($"Processes: {string.Join(", ", started.Select(p => $"{p.Name}:{p.Pid}"))}");
            started.Select(p => p.Name).ShouldContain("postgres");
            started.Select(p => p.Name).ShouldContain("beam.smp");
            started.Select(p => p.Name).ShouldContain("epmd");

            var stopwatch = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-TERM", program.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(Cancellation);
            }

            var exitCode = await program.WaitForExitAsync(TimeSpan.FromSeconds(45), Cancellation);
            output.WriteLine($"The AppHost exited with {exitCode} after {stopwatch.Elapsed.TotalSeconds:0.0}s.");

            exitCode.ShouldBe(0);
            started.Where(LinuxProcesses.IsAlive).Select(p => $"{p.Name}:{p.Pid}").ShouldBeEmpty();
            program.Output.ShouldContain("[apphost] Stopped.");
        }
        finally
        {
            foreach (var line in program.Output.Where(l => l.StartsWith("[apphost]", StringComparison.Ordinal)))
            {
                output.WriteLine(line);
            }
        }
    }

    [Fact]
    public async Task Servers_left_running_by_a_killed_AppHost_are_stopped_by_the_next_one()
    {
        var state = Directory.CreateTempSubdirectory("llr-apphost-test-");
        state.UnixFileMode |= UnixFileMode.OtherExecute | UnixFileMode.GroupExecute; // reachable by the postgres account
        string[] settings = [$"--AppHost:StateDirectory={state.FullName}", "--AppHost:DynamicPorts=true", "--AppHost:Only=postgres"];
        try
        {
            LinuxProcesses.Identity leftover;
            await using (var killed = AppHostProgram.Start(settings))
            {
                using var http = new HttpClient { BaseAddress = await killed.WaitUntilRunningAsync(TimeSpan.FromMinutes(2), Cancellation) };
                var postgres = (await http.GetFromJsonAsync<ResourceJson[]>("/api/resources", Cancellation))!.Single();
                leftover = LinuxProcesses.Read(postgres.ProcessIds[0]) ?? throw new InvalidOperationException("postgres is not running");
                using var kill = Process.Start("kill", ["-KILL", killed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await killed.WaitForExitAsync(TimeSpan.FromSeconds(10), Cancellation);
            }

            LinuxProcesses.IsAlive(leftover).ShouldBeTrue(); // orphaned, still holding the data directory

            var builder = DistributedApplication.CreateBuilder(settings);
            builder.AddPostgres("postgres");
            await using var next = builder.Build();
            await next.StartAsync(Cancellation);

            LinuxProcesses.IsAlive(leftover).ShouldBeFalse();
            next.GetResource("postgres").Log.Lines.ShouldContain(l => l.Contains("left running by an AppHost that did not stop it", StringComparison.Ordinal));
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    private sealed record ResourceJson(string Name, string State, IReadOnlyList<int> ProcessIds);
}
