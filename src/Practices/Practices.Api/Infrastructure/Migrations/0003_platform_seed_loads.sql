-- Seed loads are recorded by Platform.Data's SeedDataLoader in platform.seed_loads (its migration 0001, which runs
-- before this one), for every service alike. A database that loaded the documents keeps its record, fingerprint
-- and all, so the registry is not loaded over again; a fresh database has nothing to move.
INSERT INTO platform.seed_loads (name, fingerprint, loaded_at)
SELECT name, fingerprint, loaded_at FROM seed_loads;

DROP TABLE seed_loads;
