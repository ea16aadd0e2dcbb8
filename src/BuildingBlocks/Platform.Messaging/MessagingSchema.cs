using Npgsql;

namespace Platform.Messaging;

/// <summary>
/// The outbox and inbox tables, in their own <c>messaging</c> schema so they never collide with a service's tables.
/// Every statement is idempotent; a service may run <see cref="EnsureCreatedAsync"/> inside its own migration step,
/// and <see cref="MessagingExtensions.AddMessaging"/> also runs it at start-up, before the bus or the dispatcher.
/// </summary>
public static class MessagingSchema
{
    /// <summary>Channel the outbox trigger notifies on commit, so the dispatcher wakes without waiting for its poll.</summary>
    public const string OutboxChannel = "messaging_outbox";

    // Concurrent "CREATE ... IF NOT EXISTS" from two instances starting together can still fail on the catalog's
    // unique indexes, so creation is serialised on a transaction-scoped advisory lock. The key is arbitrary but fixed.
    private const long SchemaLockKey = 0x4D53_4753_4348_0001; // "MSGSCH" + 1

    // seq exists only to give a total insertion order; ids are random-ish (NewId) and created_at can tie.
    // last_error is kept after a later success, as the history of why delivery was late.
    private const string Ddl = $"""
        CREATE SCHEMA IF NOT EXISTS messaging;

        CREATE TABLE IF NOT EXISTS messaging.outbox (
            seq           bigint GENERATED ALWAYS AS IDENTITY,
            id            uuid PRIMARY KEY,
            message_type  text NOT NULL,
            body          jsonb NOT NULL,
            trace_parent  text,
            trace_state   text,
            created_at    timestamptz NOT NULL DEFAULT now(),
            dispatched_at timestamptz,
            attempts      integer NOT NULL DEFAULT 0,
            last_error    text
        );

        CREATE INDEX IF NOT EXISTS outbox_pending_idx ON messaging.outbox (seq) WHERE dispatched_at IS NULL;

        -- The retention cleanup's way to the oldest dispatched rows (MessagingRetention); pending rows are not in it.
        CREATE INDEX IF NOT EXISTS outbox_dispatched_at_idx ON messaging.outbox (dispatched_at)
            WHERE dispatched_at IS NOT NULL;

        CREATE TABLE IF NOT EXISTS messaging.inbox (
            consumer     text NOT NULL,
            message_id   uuid NOT NULL,
            processed_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer, message_id)
        );

        -- The retention cleanup's way to the oldest inbox rows (MessagingRetention).
        CREATE INDEX IF NOT EXISTS inbox_processed_at_idx ON messaging.inbox (processed_at);

        CREATE OR REPLACE FUNCTION messaging.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{OutboxChannel}', '');
            RETURN NULL;
        END
        $$;

        -- Per statement, not per row: one wake-up is enough however many rows a transaction writes,
        -- and NOTIFY is delivered only on commit, so a rolled-back write wakes nobody.
        CREATE OR REPLACE TRIGGER outbox_notify
            AFTER INSERT ON messaging.outbox
            FOR EACH STATEMENT EXECUTE FUNCTION messaging.notify_outbox();
        """;

    public static async Task EnsureCreatedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", SchemaLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var ddlCommand = new NpgsqlCommand(Ddl, connection, transaction))
        {
            await ddlCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
