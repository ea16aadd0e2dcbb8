using System.Net.Http.Json;
using System.Net.Sockets;
using Npgsql;
using Platform.AppHost.Hosting;
using Platform.AppHost.Tests.Support;
using Platform.Testing;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>PostgreSQL and RabbitMQ started through the library, as the service and messaging tests start them.</summary>
public sealed class InfrastructureTests(MessagingFixture servers) : IClassFixture<MessagingFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Postgres_accepts_the_connection_string_it_hands_out()
    {
        await using var connection = new NpgsqlConnection(servers.PostgresConnectionString);
        await connection.OpenAsync(Cancellation);

        await using var version = new NpgsqlCommand("SHOW server_version", connection);
        ((string)(await version.ExecuteScalarAsync(Cancellation))!).ShouldStartWith("15.");
        await using var listen = new NpgsqlCommand("SHOW listen_addresses", connection);
        (await listen.ExecuteScalarAsync(Cancellation)).ShouldBe("127.0.0.1");
        new NpgsqlConnectionStringBuilder(servers.PostgresConnectionString).Host.ShouldBe("127.0.0.1");
    }

    [Fact]
    public async Task CreateDatabaseAsync_gives_a_database_of_its_own_and_is_idempotent()
    {
        var name = PostgresFixture.UniqueDatabaseName("apphost");

        var connectionString = await servers.CreateDatabaseAsync(name, Cancellation);
        (await servers.CreateDatabaseAsync(name, Cancellation)).ShouldBe(connectionString);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var current = new NpgsqlCommand("SELECT current_database()", connection);
        (await current.ExecuteScalarAsync(Cancellation)).ShouldBe(name);
    }

    [Fact]
    public async Task RabbitMQ_answers_the_AMQP_handshake_on_the_uri_it_hands_out()
    {
        var uri = new Uri(servers.AmqpUri);
        uri.ToString().ShouldBe($"amqp://guest:guest@127.0.0.1:{uri.Port}/");

        var greeting = await AmqpHandshake.ReadGreetingAsync(uri, Cancellation);

        (greeting.FrameType, greeting.ClassId, greeting.MethodId).ShouldBe((1, 10, 10)); // a Connection.Start method frame
        greeting.Payload.ShouldContain("RabbitMQ");
    }

    [Fact]
    public async Task Broker_can_be_stopped_and_started_again_on_the_same_port()
    {
        var uri = new Uri(servers.AmqpUri);
        var firstProcess = servers.Broker.ProcessId;

        await servers.StopBrokerAsync();
        servers.Broker.State.ShouldBe(ResourceState.Stopped);
        servers.Broker.ProcessId.ShouldBeNull();
        await Should.ThrowAsync<SocketException>(() => AmqpHandshake.ReadGreetingAsync(uri, Cancellation));

        await servers.StartBrokerAsync(Cancellation);
        servers.Broker.State.ShouldBe(ResourceState.Running);
        servers.Broker.ProcessId.ShouldNotBe(firstProcess);
        new Uri(servers.AmqpUri).ShouldBe(uri);
        (await AmqpHandshake.ReadGreetingAsync(uri, Cancellation)).ClassId.ShouldBe(10);
    }

    [Fact]
    public async Task Postgres_data_survives_a_restart()
    {
        var connectionString = await servers.CreateDatabaseAsync(cancellationToken: Cancellation);
        await ExecuteAsync(connectionString, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");

        await servers.StopPostgresAsync();
        servers.Postgres.State.ShouldBe(ResourceState.Stopped);
        await servers.StartPostgresAsync(Cancellation);
        NpgsqlConnection.ClearAllPools(); // pooled connections died with the old server

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var read = new NpgsqlCommand("SELECT value FROM kept", connection);
        (await read.ExecuteScalarAsync(Cancellation)).ShouldBe("still here");
    }

    [Fact]
    public async Task Dashboard_lists_the_resources_with_their_processes()
    {
        using var http = new HttpClient { BaseAddress = servers.App.DashboardUrl };

        var resources = await http.GetFromJsonAsync<ResourceJson[]>("/api/resources", Cancellation);

        resources.ShouldNotBeNull();
        resources.Select(r => (r.Name, r.State)).ShouldBe([("postgres", "Running"), ("messaging", "Running")], ignoreOrder: true);
        resources.ShouldAllBe(r => r.ProcessId != null && r.ProcessIds.Contains(r.ProcessId.Value));
        resources.Single(r => r.Name == "messaging").ProcessIds.Count.ShouldBeGreaterThan(2); // wrapper script, beam.smp, epmd, ...
        servers.App.Spans.ShouldNotBeNull();
        (await http.GetAsync("/", Cancellation)).IsSuccessStatusCode.ShouldBeTrue();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancellation);
    }

    private sealed record ResourceJson(string Name, string State, int? ProcessId, IReadOnlyList<int> ProcessIds);
}
