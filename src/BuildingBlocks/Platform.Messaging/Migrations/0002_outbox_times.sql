-- created_at: when the row was written, a few statements before its transaction commits, rather than when that
-- transaction began, which can be much earlier (a write waiting for locks). The relay's lag is counted from it, and
-- dispatched_at is set when the broker has confirmed the row (the relay's UPDATE uses clock_timestamp() too).
ALTER TABLE messaging.outbox ALTER COLUMN created_at SET DEFAULT clock_timestamp();
