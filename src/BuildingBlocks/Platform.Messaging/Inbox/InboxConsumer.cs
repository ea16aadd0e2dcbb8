using MassTransit;
using Npgsql;
using Platform.Data;

namespace Platform.Messaging.Inbox;

/// <summary>
/// Base for idempotent consumers. The inbox row (consumer, message id) and the handler's state change commit in one
/// unit of work, so a redelivered message finds its row and changes nothing, and a failed handler leaves no row and
/// is retried. Handlers that publish in turn pass the same unit of work to <see cref="Outbox.IOutbox"/>.
/// </summary>
/// <remarks>
/// Two copies of one message handled at once (two replicas, or a redelivery racing the original) serialise on the
/// inbox primary key: the second insert waits for the first transaction and then finds the row, or, if the first
/// rolled back, takes its place.
/// </remarks>
public abstract class InboxConsumer<TMessage>(NpgsqlDataSource dataSource) : IConsumer<TMessage>
    where TMessage : class
{
    private const string RecordSql = """
        INSERT INTO messaging.inbox (consumer, message_id) VALUES (@consumer, @message_id)
        ON CONFLICT (consumer, message_id) DO NOTHING
        """;

    /// <summary>
    /// The inbox key for this consumer. Defaults to the class's full name; override to keep deduplication across a
    /// rename, or when one class is registered on several endpoints that must each handle the message.
    /// </summary>
    protected virtual string ConsumerName => GetType().FullName ?? GetType().Name;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        // MassTransit always stamps one; a message without it cannot be deduplicated and must not be guessed at.
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId.");
        var cancellationToken = context.CancellationToken;

        await using var work = await dataSource.BeginUnitOfWorkAsync(cancellationToken);

        await using (var record = work.Command(RecordSql))
        {
            record.Parameters.AddWithValue("consumer", ConsumerName);
            record.Parameters.AddWithValue("message_id", messageId);
            if (await record.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return; // Already handled: acknowledge and do nothing.
            }
        }

        await HandleAsync(context.Message, work, context);
        await work.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Applies the message. Do all database work in <paramref name="work"/> and do not commit it; throw to
    /// have the message retried and, once retries are spent, moved to the endpoint's error queue.
    /// </summary>
    protected abstract Task HandleAsync(TMessage message, UnitOfWork work, ConsumeContext<TMessage> context);
}
