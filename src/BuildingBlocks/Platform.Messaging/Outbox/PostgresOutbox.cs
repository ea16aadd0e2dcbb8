using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Messaging.Outbox;

/// <summary>
/// The outbox writer. Stateless, so a singleton; it is an interface rather than a static helper so that
/// application code can be tested without a database and the serialisation rules live in one place.
/// </summary>
internal sealed class PostgresOutbox : IOutbox
{
    private const string InsertSql = """
        INSERT INTO messaging.outbox (id, message_type, body, trace_parent, trace_state)
        VALUES (@id, @message_type, @body, @trace_parent, @trace_state)
        """;

    public async Task<Guid> EnqueueAsync<T>(NpgsqlTransaction transaction, T message, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(message);

        var connection = transaction.Connection
            ?? throw new InvalidOperationException("The transaction has already been committed or rolled back.");

        // The runtime type, not T: the dispatcher must rebuild the concrete record, and MassTransit then publishes
        // it under that type and every interface or base type it has, as it would for a direct Publish.
        var type = message.GetType();
        var id = NewId.NextGuid();
        var (traceParent, traceState) = MessagingDiagnostics.CaptureCurrent();

        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("message_type", OutboxMessageType.NameOf(type));
        // MassTransit's own serializer options, so the stored body is the JSON consumers will receive.
        command.Parameters.AddWithValue("body", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(message, type, SystemTextJsonMessageSerializer.Options));
        command.Parameters.AddWithValue("trace_parent", (object?)traceParent ?? DBNull.Value);
        command.Parameters.AddWithValue("trace_state", (object?)traceState ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);

        return id;
    }
}
