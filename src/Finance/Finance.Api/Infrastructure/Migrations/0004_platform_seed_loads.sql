-- The funding rates are loaded once by Platform.Data's SeedDataLoader, recorded in platform.seed_loads (its
-- migration 0001, which runs before this one). Before that, they were loaded into an empty funding_rates table and
-- nothing was recorded: a database whose table has rates has loaded them, so it gets the record without a
-- fingerprint (what the rates were loaded from is unknown), and the next start records the files' fingerprint.
-- The name is FundingRatesSeedData.Name.
INSERT INTO platform.seed_loads (name, fingerprint)
SELECT 'finance-funding-rates', NULL WHERE EXISTS (SELECT 1 FROM funding_rates);
