using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data;
using Platform.Data.Migrations;
using Platform.Messaging.Outbox;
using Platform.Testing;

namespace Platform.Messaging.Tests.Infrastructure;

/// <summary>
/// One "service" for one test: its own database and its own queue prefix, wired exactly as a service's
/// AddApplicationServices would (AddMessaging), with timings shortened so failures show up in seconds.
/// </summary>
public sealed class MessagingTestHost : IAsyncDisposable
{
    public const int RetryLimit = 2;

    private readonly MessagingFixture _servers;
    private readonly string _connectionString;

    private MessagingTestHost(MessagingFixture servers, IHost host, NpgsqlDataSource dataSource, string serviceName, string connectionString)
    {
        _servers = servers;
        Host = host;
        DataSource = dataSource;
        ServiceName = serviceName;
        _connectionString = connectionString;
    }

    public IHost Host { get; }

    public NpgsqlDataSource DataSource { get; }

    private string ServiceName { get; }

    public IOutbox Outbox => Host.Services.GetRequiredService<IOutbox>();

    public IBus Bus => Host.Services.GetRequiredService<IBus>();

    public string QueueNameOf<TConsumer>() where TConsumer : class, IConsumer =>
        Host.Services.GetRequiredService<IEndpointNameFormatter>().Consumer<TConsumer>();

    /// <param name="settings">Configuration on top of the test defaults (e.g. "Messaging:OutboxPublishesInFlight").</param>
    public static async Task<MessagingTestHost> StartAsync(MessagingFixture servers, Action<IBusRegistrationConfigurator> configureConsumers,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var serviceName = $"test-{Guid.NewGuid():N}"[..17];
        var connectionString = await servers.CreateDatabaseAsync(serviceName.Replace('-', '_'));

        // "orders" is the writing side's state, "handled" the consuming side's (seq records the order of handling).
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var command = dataSource.CreateCommand("""
            CREATE TABLE orders (key uuid PRIMARY KEY);
            CREATE TABLE handled (
                seq bigint GENERATED ALWAYS AS IDENTITY,
                key uuid NOT NULL,
                message_id uuid NOT NULL,
                trace_id text,
                handled_at timestamptz NOT NULL DEFAULT now());
            """))
        {
            await command.ExecuteNonQueryAsync();
        }

        return await StartAsync(servers, serviceName, connectionString, configureConsumers, settings);
    }

    /// <summary>A second instance of the same service: same database, same queues, its own dispatcher.</summary>
    public Task<MessagingTestHost> StartReplicaAsync() => StartAsync(_servers, ServiceName, _connectionString, configureConsumers: null, settings: null);

    private static async Task<MessagingTestHost> StartAsync(MessagingFixture servers, string serviceName, string connectionString,
        Action<IBusRegistrationConfigurator>? configureConsumers, IReadOnlyDictionary<string, string?>? settings)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "Platform.Messaging.Tests",
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = servers.AmqpUri,
            ["OTEL_SERVICE_NAME"] = serviceName,
            ["Messaging:RetryLimit"] = RetryLimit.ToString(),
            ["Messaging:RetryMinInterval"] = "00:00:00.050",
            ["Messaging:RetryMaxInterval"] = "00:00:00.200",
            ["Messaging:OutboxPollInterval"] = "00:00:01",
            ["Messaging:OutboxPublishTimeout"] = "00:00:03",
            ["Messaging:OutboxMaxBackoff"] = "00:00:01",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.AddProvider(new XunitLoggerProvider(TestContext.Current.TestOutputHelper!));

        // Platform.Data registers the service's data source in production.
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton<AttemptCounter>();
        builder.AddMessaging(configureConsumers: configureConsumers);

        // A test publishes right after start-up, so wait until the consumers' queues are bound.
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(30);
            options.StopTimeout = TimeSpan.FromSeconds(10);
        });

        var host = builder.Build();
        // As a service's Program does: the messaging tables (and the platform's) before anything starts.
        await host.PrepareDatabaseAsync(TestContext.Current.CancellationToken);
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new MessagingTestHost(servers, host, dataSource, serviceName, connectionString);
    }

    /// <summary>The state change and its event, committed (or not) together, as application code does it.</summary>
    public async Task<Guid> WriteAsync<T>(T message, bool commit = true) where T : class, ITestEvent
    {
        await using var work = await DataSource.BeginUnitOfWorkAsync(CancellationToken.None);

        await using (var state = work.Command("INSERT INTO orders (key) VALUES (@key)"))
        {
            state.Parameters.AddWithValue("key", message.Key);
            await state.ExecuteNonQueryAsync();
        }

        var id = Outbox.Enqueue(work, message);

        // Without a commit, ending the unit of work rolls back the state change and its event together.
        if (commit) await work.CommitAsync(CancellationToken.None);

        return id;
    }

    public Task<long> CountHandledAsync(Guid key) => ScalarAsync<long>("SELECT count(*) FROM handled WHERE key = @key", key);

    public Task<long> CountInboxAsync(Guid messageId) => ScalarAsync<long>("SELECT count(*) FROM messaging.inbox WHERE message_id = @key", messageId);

    public async Task<T> ScalarAsync<T>(string sql, Guid key)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("key", key);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? default! : (T)value!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            Host.Dispose();
            await DataSource.DisposeAsync();
        }
    }
}
