-- The audit trail (Platform.Data/Audit): one row per accepted or refused write, in its own schema so a service's
-- runtime role can be given INSERT and SELECT on it and nothing more.
CREATE SCHEMA IF NOT EXISTS audit;

-- outcome is the gRPC status code's name: OK, or why the write was refused (FAILED_PRECONDITION, ...).
-- resource and request_id are as the caller sent them (cut to a bound), so a refused request keeps what it asked.
-- id gives the order of insertion, which ListAuditRecords pages by, newest first.
CREATE TABLE audit.records (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    client_id   text NOT NULL,
    method      text NOT NULL,
    resource    text NOT NULL,
    request_id  text NOT NULL,
    outcome     text NOT NULL,
    replay      boolean NOT NULL DEFAULT false);

-- The filters of ListAuditRecords, each with the page order.
CREATE INDEX records_client_idx ON audit.records (client_id, id);
CREATE INDEX records_resource_idx ON audit.records (resource, id);
CREATE INDEX records_recorded_at_idx ON audit.records (recorded_at);

-- Append-only, for every role including the table's owner and superusers: a row once written is never changed or
-- removed. No retention rule deletes from this table either.
CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.records is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Statement-level, so even a statement that matches no row is refused. ALWAYS: it fires in a session a superuser
-- set to session_replication_role = replica too, which skips ordinary triggers. The owner could still drop it (DDL):
-- that is why a service's runtime role is neither the owner nor a superuser.
CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit.records
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
ALTER TABLE audit.records ENABLE ALWAYS TRIGGER records_append_only;
