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
        VALUES ($1, $2, $3, $4, $5)
        """;

    public Guid Enqueue<T>(UnitOfWork work, T message)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(message);

        // The runtime type, not T: the dispatcher must rebuild the concrete record, and MassTransit then publishes
        // it under that type and every interface or base type it has, as it would for a direct Publish.
        var type = message.GetType();
        var id = NewId.NextGuid();
        var (traceParent, traceState) = MessagingDiagnostics.CaptureCurrent();

        var command = new NpgsqlBatchCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = OutboxMessageType.NameOf(type) });
        // MassTransit's own serializer options, so the stored body is the JSON consumers will receive.
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(message, type, SystemTextJsonMessageSerializer.Options),
        });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)traceParent ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)traceState ?? DBNull.Value });
        work.AddToCommit(command);
        return id;
    }
}
