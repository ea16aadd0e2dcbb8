-- A service's own first script, for SchemaMigrationTests. Deliberately not idempotent: running it twice fails.
CREATE TABLE ledger (
    entry text PRIMARY KEY,
    amount numeric NOT NULL
);
