using System.Net;
using System.Net.Sockets;
using Platform.AppHost.Hosting;
using Platform.Testing;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>Every failure to start stops what did start and says what to do about it.</summary>
public sealed class FailFastTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_taken_port_is_named_with_the_setting_that_moves_it()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var builder = TestAppHost.CreateBuilder($"--Ports:postgres={port}");
        var postgres = builder.AddPostgres("postgres");

        var failure = await StartExpectingFailureAsync(builder);

        failure.Message.ShouldBe($"port {port} for postgres is in use by another process: stop it or set Ports:postgres=<another port>.");
        postgres.Resource.State.ShouldBe(ResourceState.FailedToStart);
    }

    [Fact]
    public async Task Missing_PostgreSQL_names_the_install_script()
    {
        var builder = TestAppHost.CreateBuilder("--Postgres:BinDirectory=/nonexistent/postgresql/bin");
        var postgres = builder.AddPostgres("postgres");
        var database = postgres.AddDatabase("appdb");

        var failure = await StartExpectingFailureAsync(builder);

        failure.Message.ShouldStartWith("PostgreSQL 15 not found at /nonexistent/postgresql/bin/postgres: run scripts/install-prerequisites.sh (apt-get install postgresql-15)");
        database.Resource.State.ShouldBe(ResourceState.NotStarted); // its server never came up
        database.Resource.StateDetail.ShouldBe("a dependency failed to start");
    }

    [Fact]
    public async Task Missing_RabbitMQ_names_the_install_script()
    {
        var builder = TestAppHost.CreateBuilder("--RabbitMQ:ServerPath=/nonexistent/rabbitmq-server");
        builder.AddRabbitMQ("messaging");

        var failure = await StartExpectingFailureAsync(builder);

        failure.Message.ShouldStartWith("RabbitMQ not found at /nonexistent/rabbitmq-server: run scripts/install-prerequisites.sh (apt-get install rabbitmq-server)");
    }

    [Fact]
    public async Task An_unbuilt_project_names_dotnet_build()
    {
        var builder = TestAppHost.CreateBuilder();
        builder.AddProject("ghost", "src/Ghost/Ghost.Api");

        var failure = await StartExpectingFailureAsync(builder);

        failure.Message.ShouldContain("ghost is not built: ");
        failure.Message.ShouldContain("src/Ghost/Ghost.Api/bin/");
        failure.Message.ShouldContain("Run `dotnet build");
    }

    [Fact]
    public async Task A_server_that_exits_while_starting_shows_its_last_output()
    {
        // A data directory that is not a cluster (no configuration): the server refuses it and exits.
        var state = Directory.CreateTempSubdirectory("llr-apphost-test-");
        try
        {
            state.UnixFileMode |= UnixFileMode.OtherExecute | UnixFileMode.GroupExecute; // reachable by the postgres account
            var data = Directory.CreateDirectory(Path.Combine(state.FullName, "postgres", "data"));
            await File.WriteAllTextAsync(Path.Combine(data.FullName, "PG_VERSION"), "15\n", Cancellation);
            await File.WriteAllTextAsync(Path.Combine(state.FullName, "postgres", "password"), "irrelevant", Cancellation);
            var builder = TestAppHost.CreateBuilder($"--AppHost:StateDirectory={state.FullName}");
            builder.AddPostgres("postgres");

            var failure = await StartExpectingFailureAsync(builder);

            failure.Message.ShouldStartWith("postgres exited with code ");
            failure.Message.ShouldContain(" before it accepted connections on port ");
            failure.Message.ShouldContain("Last output:");
            failure.Message.ShouldContain("[postgres] postgres: could not access the server configuration file");
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_state_directory_the_service_account_cannot_reach_is_named()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "Servers run under service accounts only when the AppHost is root.");
        var state = Directory.CreateTempSubdirectory("llr-apphost-test-"); // private: rwx------
        try
        {
            var builder = TestAppHost.CreateBuilder($"--AppHost:StateDirectory={state.FullName}");
            builder.AddPostgres("postgres");

            var failure = await StartExpectingFailureAsync(builder);

            failure.Message.ShouldBe(
                $"the 'postgres' OS user cannot reach {state.FullName} because {state.FullName} is private: run chmod o+x {state.FullName}, or set AppHost:StateDirectory to a folder it can reach (e.g. under /var/tmp).");
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_resource_that_is_not_healthy_in_time_fails_with_a_timeout()
    {
        var builder = TestAppHost.CreateBuilder("--AppHost:StartupTimeout=00:00:00.5");
        builder.AddRabbitMQ("messaging"); // an Erlang VM needs seconds to boot

        var failure = await StartExpectingFailureAsync(builder);

        failure.Message.ShouldStartWith("timed out after ");
        failure.Message.ShouldContain("waiting until messaging ");
        failure.Message.ShouldContain("AppHost:StartupTimeout");
    }

    [Fact]
    public void A_dependency_cycle_is_rejected_when_building()
    {
        var builder = TestAppHost.CreateBuilder();
        var first = builder.AddProject("first", "src/First");
        var second = builder.AddProject("second", "src/Second").WaitFor(first);
        first.WaitFor(second);

        Should.Throw<AppHostException>(builder.Build).Message.ShouldContain("cycle");
    }

    private static async Task<AppHostException> StartExpectingFailureAsync(DistributedApplicationBuilder builder)
    {
        await using var app = builder.Build();
        return await Should.ThrowAsync<AppHostException>(() => app.StartAsync(Cancellation));
    }
}
