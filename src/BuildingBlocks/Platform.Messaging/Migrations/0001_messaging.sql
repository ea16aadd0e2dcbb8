-- The outbox and inbox tables, in their own schema so they never collide with a service's tables.
-- IF NOT EXISTS / OR REPLACE throughout: databases made before versioned migrations (MessagingSchemaInitializer
-- created these on every start) already have some or all of them, and this script must run cleanly on those too.
CREATE SCHEMA IF NOT EXISTS messaging;

-- seq exists only to give a total insertion order; ids are random-ish (NewId) and created_at can tie.
-- last_error is kept after a later success, as the history of why delivery was late.
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

-- The channel is MessagingSchema.OutboxChannel, which the dispatcher listens on.
CREATE OR REPLACE FUNCTION messaging.notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('messaging_outbox', '');
    RETURN NULL;
END
$$;

-- Per statement, not per row: one wake-up is enough however many rows a transaction writes,
-- and NOTIFY is delivered only on commit, so a rolled-back write wakes nobody.
CREATE OR REPLACE TRIGGER outbox_notify
    AFTER INSERT ON messaging.outbox
    FOR EACH STATEMENT EXECUTE FUNCTION messaging.notify_outbox();
