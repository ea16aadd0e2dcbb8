using System.Diagnostics;
using MassTransit;
using Npgsql;
using Platform.Data;
using Platform.Messaging.Inbox;

namespace Platform.Messaging.Tests;

/// <summary>
/// Applies an event to the test's state table ("handled"), one row per application, with the trace it ran in.
/// A duplicate that slipped past the inbox would show as a second row.
/// </summary>
public abstract class RecordingConsumer<T>(NpgsqlDataSource dataSource) : InboxConsumer<T>(dataSource)
    where T : class, ITestEvent
{
    protected override async Task HandleAsync(T message, UnitOfWork work, ConsumeContext<T> context)
    {
        await using var command = work.Command("INSERT INTO handled (key, message_id, trace_id) VALUES (@key, @message_id, @trace_id)");
        command.Parameters.AddWithValue("key", message.Key);
        command.Parameters.AddWithValue("message_id", context.MessageId!.Value);
        command.Parameters.AddWithValue("trace_id", Activity.Current?.TraceId.ToHexString() ?? (object)DBNull.Value);
        await command.ExecuteNonQueryAsync(context.CancellationToken);
    }
}

public sealed class BrokerOutageConsumer(NpgsqlDataSource dataSource) : RecordingConsumer<BrokerOutageEvent>(dataSource);

public sealed class DuplicateDeliveryConsumer(NpgsqlDataSource dataSource) : RecordingConsumer<DuplicateDeliveryEvent>(dataSource);

/// <summary>
/// Counts its delivery attempts as they start: MassTransit builds a consumer for each attempt, retries included, and
/// with the database down an attempt fails before <see cref="RecordingConsumer{T}.HandleAsync"/> could count it.
/// </summary>
public sealed class DatabaseOutageConsumer : RecordingConsumer<DatabaseOutageEvent>
{
    public DatabaseOutageConsumer(NpgsqlDataSource dataSource, AttemptCounter attempts) : base(dataSource) => attempts.Increment();
}

public sealed class RollbackConsumer(NpgsqlDataSource dataSource) : RecordingConsumer<RollbackEvent>(dataSource);

public sealed class TracedConsumer(NpgsqlDataSource dataSource) : RecordingConsumer<TracedEvent>(dataSource);

/// <summary>Writes its state, then fails: every attempt must roll back, inbox row included.</summary>
public sealed class PoisonConsumer(NpgsqlDataSource dataSource, AttemptCounter attempts) : RecordingConsumer<PoisonEvent>(dataSource)
{
    protected override async Task HandleAsync(PoisonEvent message, UnitOfWork work, ConsumeContext<PoisonEvent> context)
    {
        await base.HandleAsync(message, work, context);
        attempts.Increment();
        throw new InvalidOperationException("Poison event: this consumer always fails.");
    }
}

public sealed class AttemptCounter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}

public sealed class OrderedConsumer(NpgsqlDataSource dataSource) : RecordingConsumer<OrderedEvent>(dataSource);
