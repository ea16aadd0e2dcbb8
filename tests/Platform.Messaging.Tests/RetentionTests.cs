using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Data.Idempotency;
using Platform.Data.Retention;
using Platform.Messaging.Tests.Infrastructure;
using Platform.Testing;
using Shouldly;

namespace Platform.Messaging.Tests;

/// <summary>
/// The retention cleanup over real PostgreSQL: what it deletes, what it must keep, in batches, and its background
/// service. Rows are written already old (their timestamps set back) rather than waited for.
/// </summary>
public sealed class RetentionTests(MessagingFixture servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Old_dispatched_outbox_rows_go_while_pending_and_recent_ones_stay()
    {
        await using var database = await RetentionTestDatabase.CreateAsync(servers);
        await database.AddDispatchedOutboxRowsAsync(3, "8 days");
        await database.AddDispatchedOutboxRowsAsync(2, "6 days");
        // Older than any window, and still not delivered: the one row that must survive whatever its age.
        await database.AddPendingOutboxRowsAsync(2, "90 days");

        var outcomes = await database.Cleanup.RunOnceAsync(TestContext.Current.CancellationToken);

        Outcome(outcomes, "messaging.outbox").RowsDeleted.ShouldBe(3);
        (await database.CountAsync("SELECT count(*) FROM messaging.outbox WHERE dispatched_at IS NULL")).ShouldBe(2);
        (await database.CountAsync("SELECT count(*) FROM messaging.outbox WHERE dispatched_at IS NOT NULL")).ShouldBe(2);
        (await database.CountAsync("SELECT count(*) FROM messaging.outbox WHERE dispatched_at < now() - interval '7 days'"))
            .ShouldBe(0);
    }

    [Fact]
    public async Task Old_inbox_rows_go_and_recent_ones_stay()
    {
        await using var database = await RetentionTestDatabase.CreateAsync(servers);
        await database.AddInboxRowsAsync(4, "31 days");
        await database.AddInboxRowsAsync(3, "29 days");

        var outcomes = await database.Cleanup.RunOnceAsync(TestContext.Current.CancellationToken);

        Outcome(outcomes, "messaging.inbox").RowsDeleted.ShouldBe(4);
        (await database.CountAsync("SELECT count(*) FROM messaging.inbox")).ShouldBe(3);
        (await database.CountAsync("SELECT count(*) FROM messaging.inbox WHERE processed_at < now() - interval '30 days'"))
            .ShouldBe(0);
    }

    [Fact]
    public async Task Old_request_ids_go_and_a_retry_within_the_window_still_replays_its_answer()
    {
        await using var database = await RetentionTestDatabase.CreateAsync(servers);
        var executed = 0;
        Task<string> RunAsync(Guid requestId) => database.Writes.RunAsync(
            new WriteRequest("retention.Test", requestId, [1, 2, 3]),
            (_, _) => Task.FromResult($"answer {Interlocked.Increment(ref executed)}"),
            Encoding.UTF8.GetBytes,
            Encoding.UTF8.GetString,
            TestContext.Current.CancellationToken);

        var expired = Guid.NewGuid();
        var kept = Guid.NewGuid();
        (await RunAsync(expired)).ShouldBe("answer 1");
        (await RunAsync(kept)).ShouldBe("answer 2");
        await database.ExecuteAsync($"""
            UPDATE platform.idempotent_requests SET created_at = now() - interval '31 days' WHERE request_id = '{expired}';
            UPDATE platform.idempotent_requests SET created_at = now() - interval '29 days' WHERE request_id = '{kept}';
            """);

        var outcomes = await database.Cleanup.RunOnceAsync(TestContext.Current.CancellationToken);

        Outcome(outcomes, "platform.idempotent_requests").RowsDeleted.ShouldBe(1);
        // Within the window: the stored answer, and the write does not run again.
        (await RunAsync(kept)).ShouldBe("answer 2");
        executed.ShouldBe(2);
        // Past it the id is forgotten, as documented: the same request is a new write.
        (await RunAsync(expired)).ShouldBe("answer 3");
    }

    [Fact]
    public async Task A_backlog_larger_than_a_batch_goes_in_several_statements_and_is_counted()
    {
        await using var database = await RetentionTestDatabase.CreateAsync(servers, new Dictionary<string, string?>
        {
            ["Retention:BatchSize"] = "1000",
            ["Retention:BatchPause"] = "00:00:00.010",
        });
        await database.AddInboxRowsAsync(2500, "40 days");
        await database.AddInboxRowsAsync(5, "1 day");
        using var metric = new RowsDeletedListener("messaging.inbox");

        var outcomes = await database.Cleanup.RunOnceAsync(TestContext.Current.CancellationToken);

        var inbox = Outcome(outcomes, "messaging.inbox");
        inbox.RowsDeleted.ShouldBe(2500);
        inbox.Statements.ShouldBe(3); // 1,000 + 1,000 + 500: a short batch says the backlog is done.
        metric.Total.ShouldBe(2500);
        (await database.CountAsync("SELECT count(*) FROM messaging.inbox")).ShouldBe(5);
    }

    [Fact]
    public async Task Each_batch_finds_its_rows_through_an_index()
    {
        await using var database = await RetentionTestDatabase.CreateAsync(servers);
        var expectedIndex = new Dictionary<string, string>
        {
            ["messaging.outbox"] = "outbox_dispatched_at_idx",
            ["messaging.inbox"] = "inbox_processed_at_idx",
            ["platform.idempotent_requests"] = "idempotent_requests_created_at_idx",
        };

        foreach (var (rule, window) in database.Cleanup.Windows)
        {
            // The tables are nearly empty, where a sequential scan is cheapest; forbidding it shows whether an index
            // can serve the statement at all (for the outbox, whether the partial index's predicate is implied).
            await using var connection = await database.DataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await using (var noSeqScan = new Npgsql.NpgsqlCommand("SET enable_seqscan = off", connection))
            {
                await noSeqScan.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            await using var explain = new Npgsql.NpgsqlCommand("EXPLAIN " + rule.DeleteBatchSql, connection);
            explain.Parameters.AddWithValue("window", window);
            explain.Parameters.AddWithValue("batch_size", 1000);
            var plan = new StringBuilder();
            await using (var reader = await explain.ExecuteReaderAsync(TestContext.Current.CancellationToken))
            {
                while (await reader.ReadAsync(TestContext.Current.CancellationToken)) plan.AppendLine(reader.GetString(0));
            }

            plan.ToString().ShouldContain(expectedIndex[rule.Table], customMessage: $"{rule.Table}:\n{plan}");
        }
    }

    [Fact]
    public async Task The_background_service_trims_every_table_soon_after_start()
    {
        await using var database = await RetentionTestDatabase.CreateAsync(servers, new Dictionary<string, string?>
        {
            ["Retention:StartDelay"] = "00:00:00",
        });
        await database.AddDispatchedOutboxRowsAsync(2, "8 days");
        await database.AddInboxRowsAsync(2, "31 days");
        await database.AddIdempotentRequestsAsync(2, "31 days");

        await database.StartAsync();

        await Eventually.Until(() => database.CountAsync("""
            SELECT (SELECT count(*) FROM messaging.outbox) + (SELECT count(*) FROM messaging.inbox)
                 + (SELECT count(*) FROM platform.idempotent_requests)
            """), rows => rows == 0, "every old row deleted by the background service", Patience);
    }

    [Fact]
    public async Task Stopping_the_host_in_the_middle_of_a_backlog_is_prompt()
    {
        // Batches of 10 with an hour's pause between them: after the first batch the service is waiting, and only
        // the stopping token can end that wait.
        await using var database = await RetentionTestDatabase.CreateAsync(servers, new Dictionary<string, string?>
        {
            ["Retention:StartDelay"] = "00:00:00",
            ["Retention:BatchSize"] = "10",
            ["Retention:BatchPause"] = "01:00:00",
        }, withMessaging: false);
        await database.AddIdempotentRequestsAsync(25, "31 days");
        await database.StartAsync();
        await Eventually.Until(() => database.CountAsync("SELECT count(*) FROM platform.idempotent_requests"),
            rows => rows == 15, "the first batch deleted", Patience);

        var stopping = Stopwatch.StartNew();
        await database.Host.StopAsync(TestContext.Current.CancellationToken);

        stopping.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        (await database.CountAsync("SELECT count(*) FROM platform.idempotent_requests")).ShouldBe(15);
    }

    [Fact]
    public async Task A_database_that_is_down_is_retried_each_interval_without_stopping_the_host()
    {
        await using var database = await RetentionTestDatabase.CreateAsync(servers, new Dictionary<string, string?>
        {
            ["Retention:StartDelay"] = "00:00:00",
            ["Retention:Interval"] = "00:00:00.500",
        }, withMessaging: false);
        await database.AddIdempotentRequestsAsync(3, "31 days");
        using var failures = new FailuresListener("platform.idempotent_requests");
        var lifetime = database.Host.Services.GetRequiredService<IHostApplicationLifetime>();

        try
        {
            await servers.StopAsync("postgres", TestContext.Current.CancellationToken);
            await database.StartAsync();

            // Two failed passes: the first failure was logged and the loop carried on to the next interval.
            await Eventually.Until(() => Task.FromResult(failures.Total), count => count >= 2,
                "two failed passes while the database is down", Patience);
            lifetime.ApplicationStopping.IsCancellationRequested.ShouldBeFalse();
        }
        finally
        {
            await servers.StartAsync("postgres", TestContext.Current.CancellationToken);
        }

        // Connections pooled before the restart are dead.
        database.DataSource.Clear();
        await Eventually.Until(() => database.CountAsync("SELECT count(*) FROM platform.idempotent_requests"),
            rows => rows == 0, "the old request ids deleted once the database is back", Patience);
        lifetime.ApplicationStopping.IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public async Task Windows_default_to_a_week_and_a_month_and_follow_configuration()
    {
        await using var defaults = await RetentionTestDatabase.CreateAsync(servers);
        WindowOf(defaults.Cleanup, "messaging.outbox").ShouldBe(TimeSpan.FromDays(7));
        WindowOf(defaults.Cleanup, "messaging.inbox").ShouldBe(TimeSpan.FromDays(30));
        WindowOf(defaults.Cleanup, "platform.idempotent_requests").ShouldBe(TimeSpan.FromDays(30));
        // AddMessaging and AddIdempotentWrites each bring tables; there is still one background service.
        defaults.Host.Services.GetServices<IHostedService>().Count(s => s.GetType().Name == "RetentionBackgroundService")
            .ShouldBe(1);

        await using var configured = await RetentionTestDatabase.CreateAsync(servers, new Dictionary<string, string?>
        {
            ["Retention:Outbox"] = "2.00:00:00",
            ["Retention:Inbox"] = "60.00:00:00",
            ["Retention:IdempotentRequests"] = "90.00:00:00",
        });
        WindowOf(configured.Cleanup, "messaging.outbox").ShouldBe(TimeSpan.FromDays(2));
        WindowOf(configured.Cleanup, "messaging.inbox").ShouldBe(TimeSpan.FromDays(60));
        WindowOf(configured.Cleanup, "platform.idempotent_requests").ShouldBe(TimeSpan.FromDays(90));

        await using var zero = await RetentionTestDatabase.CreateAsync(servers, new Dictionary<string, string?>
        {
            ["Retention:Inbox"] = "00:00:00",
        });
        Should.Throw<InvalidOperationException>(() => zero.Cleanup).Message.ShouldContain("Retention:Inbox");
    }

    private static RetentionOutcome Outcome(IReadOnlyList<RetentionOutcome> outcomes, string table)
    {
        var outcome = outcomes.Single(o => o.Table == table);
        outcome.Error.ShouldBeNull();
        return outcome;
    }

    private static TimeSpan WindowOf(RetentionCleanup cleanup, string table) =>
        cleanup.Windows.Single(w => w.Rule.Table == table).Window;

    /// <summary>Sums one of the retention meter's counters for one table while it is alive.</summary>
    private class CounterListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        protected CounterListener(string instrument, string table)
        {
            _listener.InstrumentPublished = (published, listener) =>
            {
                if (published.Meter.Name == RetentionDiagnostics.MeterName && published.Name == instrument)
                    listener.EnableMeasurementEvents(published);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == RetentionDiagnostics.TableTag && Equals(tag.Value, table))
                        Interlocked.Add(ref _total, value);
                }
            });
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }

    private sealed class RowsDeletedListener(string table) : CounterListener(RetentionDiagnostics.RowsDeletedName, table);

    private sealed class FailuresListener(string table) : CounterListener(RetentionDiagnostics.FailuresName, table);
}
