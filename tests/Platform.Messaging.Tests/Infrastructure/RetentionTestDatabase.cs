using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data.Migrations;
using Platform.Data.Idempotency;
using Platform.Data.Retention;
using Platform.Testing;

namespace Platform.Messaging.Tests.Infrastructure;

/// <summary>
/// A service's database of its own with the outbox, inbox and idempotent-request tables, and a host wired as the
/// services wire theirs (AddMessaging, AddIdempotentWrites), so its retention cleanup trims all three. The host is
/// built, not started, until a test starts it: the one-pass tests call the cleanup themselves.
/// </summary>
public sealed class RetentionTestDatabase : IAsyncDisposable
{
    private bool _started;

    private RetentionTestDatabase(NpgsqlDataSource dataSource, IHost host)
    {
        DataSource = dataSource;
        Host = host;
    }

    public NpgsqlDataSource DataSource { get; }

    public IHost Host { get; }

    public RetentionCleanup Cleanup => Host.Services.GetRequiredService<RetentionCleanup>();

    public IdempotentWrites Writes => Host.Services.GetRequiredService<IdempotentWrites>();

    /// <param name="withMessaging">False for a host with the idempotent-request table only, and so no bus.</param>
    public static async Task<RetentionTestDatabase> CreateAsync(
        MessagingFixture servers, IReadOnlyDictionary<string, string?>? settings = null, bool withMessaging = true)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var dataSource = NpgsqlDataSource.Create(await servers.CreateDatabaseAsync(cancellationToken: cancellationToken));

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "Platform.Messaging.Tests",
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = servers.AmqpUri,
            ["OTEL_SERVICE_NAME"] = $"retention-{Guid.NewGuid():N}"[..18],
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.AddProvider(new XunitLoggerProvider(TestContext.Current.TestOutputHelper!));
        builder.Services.AddSingleton(dataSource);
        if (withMessaging)
        {
            builder.AddMessaging();
        }

        builder.AddIdempotentWrites();

        // No migrations of a service's own: the platform tables (with the idempotent-request table) are always made,
        // and the messaging tables even for a host without a bus, as the tests write rows into them directly.
        builder.Services.AddMigrationScripts(typeof(MessagingSchema).Assembly, MigrationScripts.BuildingBlockOrder);
        var host = builder.Build();
        await host.PrepareDatabaseAsync(cancellationToken);
        return new RetentionTestDatabase(dataSource, host);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Dispatched outbox rows, dispatched <paramref name="age"/> ago (a PostgreSQL interval).</summary>
    public Task AddDispatchedOutboxRowsAsync(int count, string age) => ExecuteAsync($$"""
        INSERT INTO messaging.outbox (id, message_type, body, created_at, dispatched_at, attempts)
        SELECT gen_random_uuid(), 'Retention.Test', '{}', now() - interval '{{age}}' - interval '1 second',
               now() - interval '{{age}}', 1
        FROM generate_series(1, {{count}})
        """);

    /// <summary>Outbox rows written <paramref name="age"/> ago and never relayed (the broker refused them all along).</summary>
    public Task AddPendingOutboxRowsAsync(int count, string age) => ExecuteAsync($$"""
        INSERT INTO messaging.outbox (id, message_type, body, created_at, attempts, last_error)
        SELECT gen_random_uuid(), 'Retention.Test', '{}', now() - interval '{{age}}', 40, 'broker unreachable'
        FROM generate_series(1, {{count}})
        """);

    /// <summary>Inbox rows of messages handled <paramref name="age"/> ago.</summary>
    public Task AddInboxRowsAsync(int count, string age) => ExecuteAsync($$"""
        INSERT INTO messaging.inbox (consumer, message_id, processed_at)
        SELECT 'Retention.TestConsumer', gen_random_uuid(), now() - interval '{{age}}'
        FROM generate_series(1, {{count}})
        """);

    /// <summary>Answered requests first seen <paramref name="age"/> ago.</summary>
    public Task AddIdempotentRequestsAsync(int count, string age) => ExecuteAsync($$"""
        INSERT INTO platform.idempotent_requests (request_id, operation, fingerprint, response, created_at)
        SELECT gen_random_uuid(), 'retention.Test', '\x01', '\x02', now() - interval '{{age}}'
        FROM generate_series(1, {{count}})
        """);

    /// <summary>Starts the host, and with it the retention background service (and the bus, if there is one).</summary>
    public async Task StartAsync()
    {
        await Host.StartAsync(TestContext.Current.CancellationToken);
        _started = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_started)
            {
                await Host.StopAsync(TimeSpan.FromSeconds(15));
            }
        }
        finally
        {
            Host.Dispose();
            await DataSource.DisposeAsync();
        }
    }
}
