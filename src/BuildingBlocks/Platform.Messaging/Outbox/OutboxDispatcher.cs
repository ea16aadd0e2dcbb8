using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Messaging.Outbox;

/// <summary>
/// Relays committed outbox rows to RabbitMQ, marking each dispatched only after the broker has confirmed it
/// (MassTransit's publisher confirms). Delivery is at-least-once: a crash between the confirm and the commit re-sends
/// rows, which the consumers' inbox absorbs because the MessageId is the row id.
/// </summary>
/// <remarks>
/// <para>
/// A batch is claimed in insertion order and every row's publish is started in that order before any confirm is
/// awaited: MassTransit writes them to the channel in call order and the broker confirms them asynchronously, so a
/// batch costs one broker round trip rather than one per row. Consumers do not depend on the order (events carry
/// versions), but the calls keep it anyway. The batch is then marked in two statements: the confirmed rows
/// dispatched, the failed ones with their error. A failure backs off and the failed rows are tried again, for as long
/// as it takes; confirmed rows stay dispatched whatever failed beside them.
/// </para>
/// <para>
/// One instance per database relays at a time (a transaction-scoped advisory lock), and the claim locks its rows
/// (<c>FOR UPDATE SKIP LOCKED</c>), so no row is claimed twice. Both locks live in the claiming transaction, and it
/// stays open while the batch is published: committing after the claim would release them, and another replica would
/// claim the same rows (not yet dispatched) and send them again, concurrently and out of order. A lease column would
/// avoid the open transaction, but would need a schema change and a lease to expire after a crash. What the open
/// transaction costs is small: it waits for one round of confirms (bounded by the publish timeout), its row locks
/// block no one (writers only insert, retention deletes only dispatched rows), and it holds back vacuum for as long.
/// </para>
/// </remarks>
internal sealed partial class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IBus bus,
    IOptions<MessagingOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    // Arbitrary but fixed, and different from the schema lock.
    private const long DispatchLockKey = 0x4D53_474F_5554_0001; // "MSGOUT" + 1

    // waited: the row's age by the database's own clock, so the lag needs no agreement between two clocks.
    private const string ClaimSql = """
        SELECT id, message_type, body::text, trace_parent, trace_state, clock_timestamp() - created_at AS waited
        FROM messaging.outbox
        WHERE dispatched_at IS NULL
        ORDER BY seq
        LIMIT @batch_size
        FOR UPDATE SKIP LOCKED
        """;

    // statement_timestamp(), not now(): the statement runs after the batch's confirms, now() is the claim's start.
    private const string MarkDispatchedSql = """
        UPDATE messaging.outbox SET dispatched_at = statement_timestamp(), attempts = attempts + 1
        WHERE id = ANY($1)
        """;

    private const string MarkFailedSql = """
        UPDATE messaging.outbox AS outbox SET attempts = outbox.attempts + 1, last_error = failed.error
        FROM unnest($1::uuid[], $2::text[]) AS failed (id, error)
        WHERE outbox.id = failed.id
        """;

    private readonly MessagingOptions _options = options.Value;

    // Capacity one: any number of NOTIFYs while a batch runs collapse into a single "look again".
    private readonly Channel<bool> _wakeUp = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private enum BatchOutcome { Idle, MoreWaiting, Failed }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();

        // The host may have been started inside some span (a test's, say); rows without a stored trace context
        // must start their own trace instead of inheriting that one.
        Activity.Current = null;

        var listening = ListenForCommitsAsync(stoppingToken);
        var consecutiveFailures = 0;

        while (!stoppingToken.IsCancellationRequested)
        {
            BatchOutcome outcome;
            try
            {
                outcome = await DispatchBatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The database itself is unreachable; same treatment as a broker outage.
                LogBatchFailed(exception);
                outcome = BatchOutcome.Failed;
            }

            try
            {
                switch (outcome)
                {
                    case BatchOutcome.Failed:
                        consecutiveFailures++;
                        await Task.Delay(Backoff(consecutiveFailures), stoppingToken);
                        break;
                    case BatchOutcome.MoreWaiting:
                        consecutiveFailures = 0;
                        break;
                    default:
                        consecutiveFailures = 0;
                        await WaitForWorkAsync(stoppingToken);
                        break;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        await listening;
    }

    private async Task<BatchOutcome> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        if (!await TryTakeDispatchLockAsync(connection, transaction, cancellationToken))
        {
            // Another instance is relaying; its NOTIFY-driven loop will see our rows too.
            return BatchOutcome.Idle;
        }

        var claimStarted = Stopwatch.GetTimestamp();
        var rows = await ClaimAsync(connection, transaction, cancellationToken);

        // Started one after another, in claim order, then awaited together. Cancellation (the host stopping) throws
        // out of here and rolls back: rows confirmed meanwhile are sent again on the next start, which the inbox absorbs.
        var publishes = new Task<PublishOutcome>[rows.Count];
        for (var index = 0; index < rows.Count; index++)
        {
            publishes[index] = PublishAsync(rows[index], claimStarted, cancellationToken);
        }

        var outcomes = await Task.WhenAll(publishes);

        await MarkAsync(connection, transaction, rows, outcomes, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // Recorded once the marks are committed, so a row re-sent after a lost mark is not counted twice.
        var failures = 0;
        for (var index = 0; index < rows.Count; index++)
        {
            if (outcomes[index].Error is not null)
            {
                failures++;
                continue;
            }

            MessagingDiagnostics.RelayLag.Record(outcomes[index].Lag.TotalSeconds,
                new KeyValuePair<string, object?>(MessagingDiagnostics.MessageTypeTag, DisplayName(rows[index].MessageType)));
        }

        if (failures > 0) return BatchOutcome.Failed;
        return rows.Count == _options.OutboxBatchSize ? BatchOutcome.MoreWaiting : BatchOutcome.Idle;
    }

    /// <summary>
    /// Publishes one row and waits for the broker's confirm. Returns the error text, or on success the row's lag: its
    /// age when the claim started plus the time since, up to this confirm.
    /// </summary>
    private async Task<PublishOutcome> PublishAsync(OutboxRow row, long claimStarted, CancellationToken cancellationToken)
    {
        var typeName = row.MessageType;
        // Each call runs in its own async flow, so this span is current only for this row's publish.
        using var activity = MessagingDiagnostics.StartRelay(DisplayName(typeName), row.Id, row.TraceParent, row.TraceState);

        // While the broker is down MassTransit waits for a connection rather than failing, so bound each attempt.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.OutboxPublishTimeout);

        try
        {
            var messageType = OutboxMessageType.Resolve(typeName);
            var message = JsonSerializer.Deserialize(row.Body, messageType, SystemTextJsonMessageSerializer.Options)
                ?? throw new InvalidOperationException("The outbox body deserialised to null.");

            var withRowId = Pipe.Execute<PublishContext>(context => context.MessageId = row.Id);
            // After its channel failed (the broker refusing another message on it, say), MassTransit can keep a publish
            // waiting past its token; the batch must not wait with it. A confirm that still comes is a duplicate later.
            var publish = bus.Publish(message, messageType, withRowId, timeout.Token);
            _ = publish.ContinueWith(static left => _ = left.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await publish.WaitAsync(_options.OutboxPublishTimeout, cancellationToken);
            return new PublishOutcome(null, row.WaitedBeforeClaim + Stopwatch.GetElapsedTime(claimStarted));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            var error = timeout.IsCancellationRequested || exception is TimeoutException
                ? $"No broker confirm within {_options.OutboxPublishTimeout} (broker unreachable, overloaded or its channel failed)."
                : $"{exception.GetType().Name}: {exception.Message}";

            activity?.SetStatus(ActivityStatusCode.Error, error);
            activity?.AddException(exception);
            LogPublishFailed(exception, row.Id, typeName, error);
            return new PublishOutcome(error, TimeSpan.Zero);
        }
    }

    /// <summary>Marks the confirmed rows dispatched and the failed ones attempted, in one round trip.</summary>
    private static async Task MarkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        List<OutboxRow> rows, PublishOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var confirmed = new List<Guid>(rows.Count);
        var failed = new List<Guid>();
        var errors = new List<string>();
        for (var index = 0; index < rows.Count; index++)
        {
            if (outcomes[index].Error is { } error)
            {
                failed.Add(rows[index].Id);
                errors.Add(error);
            }
            else
            {
                confirmed.Add(rows[index].Id);
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        if (confirmed.Count > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(MarkDispatchedSql)
            {
                Parameters = { new NpgsqlParameter<Guid[]> { TypedValue = [.. confirmed] } },
            });
        }

        if (failed.Count > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(MarkFailedSql)
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid[]> { TypedValue = [.. failed] },
                    new NpgsqlParameter<string[]> { TypedValue = [.. errors] },
                },
            });
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<bool> TryTakeDispatchLockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@key)", connection, transaction);
        command.Parameters.AddWithValue("key", DispatchLockKey);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<List<OutboxRow>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ClaimSql, connection, transaction);
        command.Parameters.AddWithValue("batch_size", _options.OutboxBatchSize);

        var rows = new List<OutboxRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OutboxRow(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetFieldValue<TimeSpan>(5)));
        }

        return rows;
    }

    /// <summary>
    /// Holds a LISTEN connection for the outbox trigger's NOTIFY, reconnecting after failures. The poll in
    /// <see cref="WaitForWorkAsync"/> covers the gaps, so a lost listener only delays delivery.
    /// </summary>
    private async Task ListenForCommitsAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, _) => _wakeUp.Writer.TryWrite(true);

                await using (var listen = new NpgsqlCommand($"LISTEN {MessagingSchema.OutboxChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                // Rows committed while nobody was listening.
                _wakeUp.Writer.TryWrite(true);

                while (true)
                {
                    // A timed wait, then a round trip, so a silently dropped connection is noticed and replaced.
                    if (!await connection.WaitAsync(_options.OutboxPollInterval * 6, cancellationToken))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogListenerFailed(exception);
                try
                {
                    await Task.Delay(_options.OutboxPollInterval, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task WaitForWorkAsync(CancellationToken cancellationToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        poll.CancelAfter(_options.OutboxPollInterval);
        try
        {
            await _wakeUp.Reader.ReadAsync(poll.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Poll interval elapsed without a notification: sweep anyway.
        }
    }

    private TimeSpan Backoff(int consecutiveFailures)
    {
        var exponent = Math.Min(consecutiveFailures - 1, 16);
        var delay = TimeSpan.FromMilliseconds(250 * Math.Pow(2, exponent));
        return delay < _options.OutboxMaxBackoff ? delay : _options.OutboxMaxBackoff;
    }

    // "Namespace.Type, Assembly" -> "Type", for span names (a generic keeps its arity, "Type`1", not its arguments).
    private static string DisplayName(string messageType)
    {
        var end = messageType.IndexOfAny([',', '[']);
        var fullName = end < 0 ? messageType : messageType[..end];
        return fullName[(fullName.LastIndexOfAny(['.', '+']) + 1)..];
    }

    private sealed record OutboxRow(
        Guid Id, string MessageType, string Body, string? TraceParent, string? TraceState, TimeSpan WaitedBeforeClaim);

    /// <summary>Error is null when the broker confirmed; Lag is then commit (transaction start) to confirm.</summary>
    private readonly record struct PublishOutcome(string? Error, TimeSpan Lag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {MessageId} ({MessageType}) not relayed: {Error}")]
    private partial void LogPublishFailed(Exception exception, Guid messageId, string messageType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox batch failed; backing off")]
    private partial void LogBatchFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox LISTEN connection lost; relying on polling until it is back")]
    private partial void LogListenerFailed(Exception exception);
}
