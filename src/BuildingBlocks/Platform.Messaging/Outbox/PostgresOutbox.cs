using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Npgsql;
using NpgsqlTypes;
using Platform.Data;

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

    public async Task<Guid> EnqueueAsync<T>(UnitOfWork work, T message, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(message);

        // The runtime type, not T: the dispatcher must rebuild the concrete record, and MassTransit then publishes
        // it under that type and every interface or base type it has, as it would for a direct Publish.
        var type = message.GetType();
        var id = NewId.NextGuid();
        var (traceParent, traceState) = MessagingDiagnostics.CaptureCurrent();

        await using var command = work.Command(InsertSql);
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
