-- A service's later script, for SchemaMigrationTests: one a database made by the earlier runner has not had yet.
ALTER TABLE ledger ADD COLUMN note text;
