-- The token service's RSA signing keys. The newest key not retired signs; every key not retired is published in the
-- JWKS, so a token signed before a rotation verifies until it expires. A retired key is kept (when, which kid) but
-- never published again.
CREATE SCHEMA IF NOT EXISTS identity;

CREATE TABLE identity.signing_keys (
    key_id      text PRIMARY KEY,
    -- PKCS#8, as RSA.ExportPkcs8PrivateKey writes it.
    private_key bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    retired_at  timestamptz NULL,
    CHECK (retired_at IS NULL OR retired_at >= created_at)
);
