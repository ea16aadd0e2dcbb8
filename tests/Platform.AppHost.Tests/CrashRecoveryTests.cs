using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Platform.AppHost.Tests;

/// <summary>The registry and its servers, for tests that kill a process as a crash would.</summary>
public sealed class RegistryPlatformFixture : PlatformFixture
{
    protected override string Services => "practices";
}

/// <summary>
/// A process that dies shows in the dashboard as having crashed, not as a clean exit, and the dashboard's Start
/// brings it back; after a broker crash the registry reconnects by itself and the events its writes left in the
/// outbox meanwhile reach the broker, without restarting anything else.
/// </summary>
public sealed class CrashRecoveryTests(RegistryPlatformFixture platform) : IClassFixture<RegistryPlatformFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_killed_broker_shows_as_crashed_and_once_restarted_the_outbox_flows_without_restarting_the_service()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var servicePid = await PidOfAsync("practices");

        // The dashboard shows it ended abnormally: the orchestrator reports -1 for a process a signal killed, where a
        // clean stop is 0 (before the broker was exec'd by its start script, a killed broker showed 0).
        var crashed = await KillAsync("messaging", "beam.smp");
        crashed.ExitCode.ShouldNotBe(0);
        crashed.ExitCode.ShouldNotBeNull();

        // A write while the broker is down is accepted; its event waits in the outbox.
        var registry = new PracticeRegistryService.PracticeRegistryServiceClient(platform.CallsTo("practices"));
        await registry.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR010",
            TargetPcn = "pcns/harborough",
            EffectiveDate = Date(2026, 4, 1),
            RequestId = NewRequestId(),
        });
        (await WaitingInOutboxAsync(cancellationToken)).ShouldBeGreaterThan(0);

        await platform.StartAsync("messaging", cancellationToken);

        await Eventually.Until(() => WaitingInOutboxAsync(cancellationToken), waiting => waiting == 0, "the outbox relayed to the restarted broker", Patience);
        (await PidOfAsync("practices")).ShouldBe(servicePid); // the service was not restarted
    }

    [Fact]
    public async Task A_killed_service_shows_as_crashed_and_the_dashboards_start_brings_it_back()
    {
        // The orchestrator labels any end "Finished"; the exit code beside it (which `dotnet run` passes on from the
        // service) says it was killed.
        var crashed = await KillAsync("practices", "Practices.Api");
        crashed.ExitCode.ShouldBe(137);

        await platform.StartAsync("practices", TestContext.Current.CancellationToken);

        var registry = new PracticeRegistryService.PracticeRegistryServiceClient(platform.CallsTo("practices"));
        (await registry.GetPcnAsync(new GetPcnRequest { Name = "pcns/salutem" })).Name.ShouldBe("pcns/salutem");
    }

    /// <summary>
    /// SIGKILL to the resource's server or service process, as the OOM killer would (a project runs under `dotnet run`,
    /// whose child is the service); returns the state the dashboard then shows.
    /// </summary>
    private async Task<CustomResourceSnapshot> KillAsync(string resource, string processName)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var launched = await PidOfAsync(resource);
        var target = LinuxProcesses.Read(launched)?.Name == processName
            ? launched
            : LinuxProcesses.DescendantsOf(launched).Single(p => p.Name == processName).Pid;
        LinuxProcesses.Signal("KILL", target);

        var stopped = await platform.App.ResourceNotifications.WaitForResourceAsync(resource,
            update => update.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state), cancellationToken);
        return stopped.Snapshot;
    }

    private async Task<int> PidOfAsync(string resource)
    {
        var running = await platform.App.ResourceNotifications.WaitForResourceAsync(resource,
            update => update.Snapshot.State?.Text == KnownResourceStates.Running && Pid(update.Snapshot) is not null, TestContext.Current.CancellationToken);
        return Pid(running.Snapshot)!.Value;
    }

    // The dashboard's "Process ID" property: the process the orchestrator launched.
    private static int? Pid(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    private async Task<long> WaitingInOutboxAsync(CancellationToken cancellationToken)
    {
        await using var command = platform.DatabaseOf("practicesdb").CreateCommand("SELECT count(*) FROM messaging.outbox WHERE dispatched_at IS NULL");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
