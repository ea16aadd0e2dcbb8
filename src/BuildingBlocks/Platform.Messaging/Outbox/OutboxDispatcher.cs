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
/// Relays committed outbox rows to RabbitMQ in insertion order, marking each dispatched only after the broker has
/// confirmed it (MassTransit's publisher confirms). Delivery is at-least-once: a crash between the confirm and the
/// commit re-sends rows, which the consumers' inbox absorbs because the MessageId is the row id. A service whose
/// consumers do not need the order may publish several rows at once (<see cref="MessagingOptions.OutboxPublishesInFlight"/>).
/// </summary>
/// <remarks>
/// One instance per database relays at a time (a transaction-scoped advisory lock), which is what keeps the order
/// across several replicas of a service; <c>FOR UPDATE SKIP LOCKED</c> additionally guarantees that no row is ever
/// claimed twice. A failed publish ends the batch rather than skipping the row, since later events may depend on it:
/// the dispatcher backs off exponentially and tries the same row again, for as long as it takes.
/// </remarks>
internal sealed partial class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IBus bus,
    IOptions<MessagingOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    // Arbitrary but fixed, and different from the schema lock.
    private const long DispatchLockKey = 0x4D53_474F_5554_0001; // "MSGOUT" + 1

    // The relay lock is taken once, by the uncorrelated subquery, before any row is read: no rows when another
    // instance holds it. One round trip for the lock and the claim.
    private const string ClaimSql = """
        SELECT id, message_type, body::text, trace_parent, trace_state
        FROM messaging.outbox
        WHERE dispatched_at IS NULL AND (SELECT pg_try_advisory_xact_lock(@lock_key))
        ORDER BY seq
        LIMIT @batch_size
        FOR UPDATE SKIP LOCKED
        """;

    // What the relay commits (marks, attempts, errors) may be lost in a crash at no cost: an unmarked row is sent
    // again and the consumers' inbox absorbs it. So its commit does not wait for PostgreSQL's flush to disk.
    private const string AsynchronousCommitSql = "SET LOCAL synchronous_commit TO off";

    private const string MarkDispatchedSql = """
        UPDATE messaging.outbox SET dispatched_at = clock_timestamp(), attempts = attempts + 1 WHERE id = ANY(@ids)
        """;

    private const string MarkFailedSql = """
        UPDATE messaging.outbox SET attempts = attempts + 1, last_error = @error WHERE id = @id
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

        // No rows either when none is waiting or when another instance is relaying: its NOTIFY-driven loop sees ours.
        var rows = await ClaimAsync(connection, transaction, cancellationToken);
        if (rows.Count == 0) return BatchOutcome.Idle;

        // Confirmed rows are marked together, in one round trip, when the batch ends or a publish fails: the lock and
        // the open transaction keep them claimed meanwhile, and a crash before the commit only re-sends them.
        var confirmed = new List<Guid>(rows.Count);
        foreach (var window in rows.Chunk(Math.Max(1, _options.OutboxPublishesInFlight)))
        {
            var errors = await Task.WhenAll(window.Select(row => PublishAsync(row, cancellationToken)));
            confirmed.AddRange(window.Where((_, index) => errors[index] is null).Select(row => row.Id));
            if (errors.All(error => error is null)) continue;

            // Keep what was sent, and each failure; leave the rest for the retry.
            await MarkDispatchedAsync(confirmed, connection, transaction, cancellationToken);
            foreach (var (row, error) in window.Zip(errors).Where(sent => sent.Second is not null))
            {
                await using var failed = new NpgsqlCommand(MarkFailedSql, connection, transaction);
                failed.Parameters.AddWithValue("id", row.Id);
                failed.Parameters.AddWithValue("error", error!);
                await failed.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return BatchOutcome.Failed;
        }

        await MarkDispatchedAsync(confirmed, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows.Count == _options.OutboxBatchSize ? BatchOutcome.MoreWaiting : BatchOutcome.Idle;
    }

    private static async Task MarkDispatchedAsync(List<Guid> ids, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return;
        await using var mark = new NpgsqlCommand(MarkDispatchedSql, connection, transaction);
        mark.Parameters.AddWithValue("ids", ids.ToArray());
        await mark.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Publishes one row and waits for the broker's confirm; returns the error text, or null on success.</summary>
    private async Task<string?> PublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var typeName = row.MessageType;
        using var activity = MessagingDiagnostics.StartRelay(DisplayName(typeName), row.Id, row.TraceParent, row.TraceState);

        // While the broker is down MassTransit waits for a connection rather than failing, so bound each attempt.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.OutboxPublishTimeout);

        try
        {
            var messageType = OutboxMessageType.Resolve(typeName);
            var message = JsonSerializer.Deserialize(row.Body, messageType, SystemTextJsonMessageSerializer.Options)
                ?? throw new InvalidOperationException("The outbox body deserialised to null.");

            await bus.Publish(message, messageType, Pipe.Execute<PublishContext>(context => context.MessageId = row.Id), timeout.Token);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            var error = timeout.IsCancellationRequested
                ? $"No broker confirm within {_options.OutboxPublishTimeout} (broker unreachable or overloaded)."
                : $"{exception.GetType().Name}: {exception.Message}";

            activity?.SetStatus(ActivityStatusCode.Error, error);
            activity?.AddException(exception);
            LogPublishFailed(exception, row.Id, typeName, error);
            return error;
        }
    }

    private async Task<List<OutboxRow>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(AsynchronousCommitSql));
        var claim = new NpgsqlBatchCommand(ClaimSql);
        claim.Parameters.AddWithValue("lock_key", DispatchLockKey);
        claim.Parameters.AddWithValue("batch_size", _options.OutboxBatchSize);
        batch.BatchCommands.Add(claim);

        var rows = new List<OutboxRow>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OutboxRow(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
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

    private sealed record OutboxRow(Guid Id, string MessageType, string Body, string? TraceParent, string? TraceState);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {MessageId} ({MessageType}) not relayed: {Error}")]
    private partial void LogPublishFailed(Exception exception, Guid messageId, string messageType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox batch failed; backing off")]
    private partial void LogBatchFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox LISTEN connection lost; relying on polling until it is back")]
    private partial void LogListenerFailed(Exception exception);
}
