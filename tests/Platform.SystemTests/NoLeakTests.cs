using System.Text;
using Aspire.Hosting.ApplicationModel;
using Grpc.Core;
using Llr.Finance.V1;
using Llr.Practices.V1;
using Microsoft.Extensions.DependencyInjection;
using Platform.Testing;
using Shouldly;

namespace Platform.SystemTests;

/// <summary>
/// Nothing leaves the machine and no secret shows where people look: the platform runs with every service pointed at a
/// proxy the fixture owns and its processes' sockets watched from the start (<see cref="SystemFixture.Outbound"/>);
/// and every secret the AppHost keeps (<see cref="StateSecrets"/>) is looked for in the resources' console logs, in
/// the logs and traces the dashboard received, in the environment the AppHost publishes for each resource (the
/// dashboard's environment view) and in the environment of every process it started.
/// </summary>
public sealed class NoLeakTests(SystemFixture platform)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Nothing_reaches_beyond_the_machine()
    {
        await CallEveryServiceAsync();
        // Reports of usage and checks for updates tend to go out a little after a start; the platform has run since
        // the fixture started it, and runs a few seconds more here.
        await Task.Delay(TimeSpan.FromSeconds(5), Cancellation);

        platform.Outbound.ProxyRequests.ShouldBeEmpty();
        platform.Outbound.OutsideConnections.ShouldBeEmpty();
        // The scan does see the processes' sockets: the services' own connections to their database and broker.
        platform.Outbound.LoopbackConnections.ShouldContain(connection => connection.StartsWith("Practices.Api", StringComparison.Ordinal));
        platform.Outbound.LoopbackConnections.ShouldContain(connection => connection.StartsWith("Finance.Api", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_secret_shows_in_logs_traces_or_environments()
    {
        var secrets = StateSecrets.In(platform.StateDirectory);
        // The superuser's and the administrator's passwords, each role's, each service's broker password and page-token key.
        secrets.Count.ShouldBeGreaterThanOrEqualTo(10, string.Join(", ", secrets.Select(secret => secret.File)));
        await CallEveryServiceAsync();
        // Let the services' exporters send what they have.
        await Task.Delay(TimeSpan.FromSeconds(6), Cancellation);

        var places = new Dictionary<string, string>
        {
            ["console logs"] = await ConsoleLogsAsync(),
            ["dashboard logs"] = await DashboardAsync("/api/telemetry/logs"),
            ["dashboard traces"] = await DashboardAsync("/api/telemetry/traces"),
            ["resource environments"] = PublishedEnvironments(),
            ["process environments"] = ProcessEnvironments(),
        };

        // The bearer token every call above carried (the test client's, every scope) is a secret too.
        secrets = [.. secrets, new StateSecrets.Secret("the test client's bearer token", await platform.TokenAsync())];
        foreach (var (place, text) in places)
        {
            text.ShouldContain("practices", Case.Insensitive, $"the {place} hold the registry's own");
            foreach (var secret in secrets)
            {
                text.Contains(secret.Value, StringComparison.Ordinal).ShouldBeFalse($"{secret.File} appears in the {place}");
            }
        }
    }

    private async Task CallEveryServiceAsync()
    {
        var registry = new PracticeRegistryService.PracticeRegistryServiceClient(platform.CallsTo("practices"));
        var pcns = await registry.ListPcnsAsync(new ListPcnsRequest { PageSize = 2 });
        await registry.ListPcnsAsync(new ListPcnsRequest { PageSize = 2, PageToken = pcns.NextPageToken });
        var finance = new FinanceService.FinanceServiceClient(platform.CallsTo("finance"));
        try
        {
            await finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/unknown/allocations/2020-21" });
        }
        catch (RpcException)
        {
            // an answer is all that is wanted
        }
    }

    /// <summary>
    /// Every resource's console log since it started, as the dashboard's console view streams it: the orchestrator
    /// streams a resource's log (from its beginning) only while someone watches, so each is watched for a few seconds.
    /// </summary>
    private async Task<string> ConsoleLogsAsync()
    {
        var loggers = platform.App.Services.GetRequiredService<ResourceLoggerService>();
        // The orchestrator's logs are kept under each resource's instance id (e.g. practices-xkqzbd), not its name.
        var resources = platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Select(resource => platform.App.ResourceNotifications.TryGetCurrentState(resource.Name, out var state) ? state.ResourceId : resource.Name)
            .ToList();
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        watching.CancelAfter(TimeSpan.FromSeconds(8));
        var logs = await Task.WhenAll(resources.Select(async id =>
        {
            var text = new StringBuilder();
            try
            {
                await foreach (var lines in loggers.WatchAsync(id).WithCancellation(watching.Token))
                {
                    foreach (var line in lines) text.AppendLine($"{id}: {line.Content}");
                }
            }
            catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
            {
                // watched long enough
            }

            return text.ToString();
        }));
        return string.Concat(logs);
    }

    private async Task<string> DashboardAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = platform.DashboardUrl, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(path, Cancellation);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(Cancellation);
    }

    /// <summary>What the dashboard shows of each resource: its environment and its properties (sensitive ones are masked there).</summary>
    private string PublishedEnvironments()
    {
        var text = new StringBuilder();
        foreach (var resource in platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            if (!platform.App.ResourceNotifications.TryGetCurrentState(resource.Name, out var state)) continue;
            foreach (var variable in state.Snapshot.EnvironmentVariables) text.AppendLine($"{resource.Name}: {variable.Name}={variable.Value}");
            foreach (var property in state.Snapshot.Properties.Where(property => !property.IsSensitive))
            {
                text.AppendLine($"{resource.Name}: {property.Name}={property.Value}");
            }
        }

        return text.ToString();
    }

    private static string ProcessEnvironments()
    {
        var text = new StringBuilder();
        foreach (var process in LinuxProcesses.StartedByOrchestratorOf(Environment.ProcessId))
        {
            try
            {
                text.AppendLine($"{process.Name}: {File.ReadAllText($"/proc/{process.Pid}/environ").Replace('\0', '\n')}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone
            }
        }

        return text.ToString();
    }
}
