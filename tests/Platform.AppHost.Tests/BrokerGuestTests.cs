using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Platform.AppHost;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>
/// A broker node made before the services had users of their own still has RabbitMQ's default <c>guest</c>; a fresh
/// node never gets one, and the first start on an older node deletes it.
/// </summary>
public sealed class BrokerGuestTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_older_nodes_guest_is_deleted_at_its_next_start()
    {
        var state = Directory.CreateTempSubdirectory("llr-broker-guest-");
        state.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        try
        {
            await using (var first = await StartBrokerAsync(state.FullName))
            {
                (await RabbitMqCtlAsync(first, state.FullName, "list_users")).ShouldNotContain("guest");
                // As an older node has it.
                await RabbitMqCtlAsync(first, state.FullName, "add_user", "guest", "guest");
                (await RabbitMqCtlAsync(first, state.FullName, "list_users")).ShouldContain("guest");
                await first.StopAsync(Cancellation);
            }

            await using var second = await StartBrokerAsync(state.FullName);
            var users = await RabbitMqCtlAsync(second, state.FullName, "list_users");
            users.ShouldNotContain("guest");
            users.ShouldContain("platform-admin");
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    private static async Task<DistributedApplication> StartBrokerAsync(string stateDirectory)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync(typeof(PlatformTopology),
            [$"--Platform:StateDirectory={stateDirectory}", "--Platform:Services=", "--Postgres:Durable=false"],
            (options, _) => options.DisableDashboard = true, Cancellation);
        var app = await builder.BuildAsync(Cancellation);
        await app.StartAsync(Cancellation);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("messaging", Cancellation);
        return app;
    }

    private static async Task<string> RabbitMqCtlAsync(DistributedApplication app, string stateDirectory, params string[] arguments)
    {
        var (command, prefix) = LocalServers.AsAccount("/usr/lib/rabbitmq/bin/rabbitmqctl", "rabbitmq");
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[.. prefix, "-n", "messaging@localhost", .. arguments]) start.ArgumentList.Add(argument);
        start.Environment["HOME"] = Path.Combine(stateDirectory, "messaging");
        start.Environment["ERL_EPMD_PORT"] = app.GetEndpoint("messaging-epmd", "tcp").Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var error = await process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation);
        process.ExitCode.ShouldBe(0, error);
        return await output;
    }
}
