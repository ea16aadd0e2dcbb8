using System.Net;
using System.Net.Sockets;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>
/// What a developer meets on a machine that lacks something: the start stops at once, before any resource runs,
/// with a message that names the fix, instead of a server that never comes up and services that wait for ever.
/// </summary>
public sealed class FailFastTests
{
    [Fact]
    public async Task Missing_PostgreSQL_names_the_install_script()
    {
        var failure = await StartExpectingFailureAsync("--Postgres:BinDirectory=/nonexistent/postgresql/bin");

        failure.ShouldContain("PostgreSQL 15 not found at /nonexistent/postgresql/bin/postgres: run scripts/install-prerequisites.sh (apt-get install postgresql-15), or set Postgres:BinDirectory.");
    }

    [Fact]
    public async Task Missing_RabbitMQ_names_the_install_script()
    {
        var failure = await StartExpectingFailureAsync("--RabbitMQ:ServerPath=/nonexistent/rabbitmq-server");

        failure.ShouldContain("RabbitMQ not found at /nonexistent/rabbitmq-server: run scripts/install-prerequisites.sh (apt-get install rabbitmq-server), or set RabbitMQ:ServerPath and RabbitMQ:EpmdPath.");
    }

    [Fact]
    public async Task A_taken_port_is_named_with_the_setting_that_moves_it()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        // The stable ports of `dotnet run`, not the test host's random ones, with PostgreSQL's moved onto the taken one.
        var failure = await StartExpectingFailureAsync("--DcpPublisher:RandomizePorts=false", $"--Ports:postgres-tcp={port}");

        failure.ShouldContain($"port {port} for postgres (tcp) is in use by another process: stop it or set Ports:postgres-tcp=<another port>.");
    }

    private static async Task<string> StartExpectingFailureAsync(params string[] settings)
    {
        var state = Directory.CreateTempSubdirectory("llr-apphost-test-");
        state.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute; // reachable by the servers' accounts
        try
        {
            await using var app = await AppHostRuns.BuildAsync([$"--Platform:StateDirectory={state.FullName}", "--Platform:Services=", .. settings]);
            var failure = await Should.ThrowAsync<Exception>(() => app.StartAsync(TestContext.Current.CancellationToken));
            return AppHostRuns.Messages(failure);
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }
}
