-- The tables every service has, whatever its own: request idempotency and the record of loaded seed data.
-- IF NOT EXISTS throughout: databases made before versioned migrations (SqlMigrator created these on every start)
-- already have them, and this script must run cleanly on those too.
CREATE SCHEMA IF NOT EXISTS platform;

CREATE TABLE IF NOT EXISTS platform.idempotent_requests (
    request_id uuid PRIMARY KEY,
    operation text NOT NULL,
    fingerprint bytea NOT NULL,
    response bytea,
    created_at timestamptz NOT NULL DEFAULT now());

-- The retention cleanup's way to the oldest requests (IdempotencyRetention).
CREATE INDEX IF NOT EXISTS idempotent_requests_created_at_idx ON platform.idempotent_requests (created_at);

-- One row per seed (SeedDataLoader): the SHA-256 of its files when it was loaded. A null fingerprint is a seed
-- loaded before fingerprints were kept for it; the next start records the files' fingerprint as they are then.
CREATE TABLE IF NOT EXISTS platform.seed_loads (
    name text PRIMARY KEY,
    fingerprint text,
    loaded_at timestamptz NOT NULL DEFAULT now());
