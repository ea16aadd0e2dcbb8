-- The Practices & PCN registry. Constraints carry the invariants the domain also checks, so that no code path —
-- a bug, a hand-written fix, a race — can store what the rules forbid.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE pcns (
    id text PRIMARY KEY,
    name text NOT NULL,
    ccg text NOT NULL CHECK (ccg IN ('leicester-city', 'east-leicestershire-rutland', 'west-leicestershire')),
    clinical_director text NOT NULL
);

-- Populations the documents state. `statement` says which table printed it (Appendix 3, a City registration form);
-- `part` is empty for a single total, or names the sub-group where a PCN's population is printed in parts.
CREATE TABLE pcn_stated_populations (
    pcn_id text NOT NULL REFERENCES pcns (id),
    statement text NOT NULL,
    part text NOT NULL DEFAULT '',
    population bigint NOT NULL CHECK (population >= 0),
    as_at date NOT NULL,
    source text NOT NULL,
    PRIMARY KEY (pcn_id, statement, part)
);

CREATE TABLE practices (
    id text PRIMARY KEY,
    ods_code text UNIQUE CHECK (ods_code ~ '^[A-Z][0-9]{5}$'),
    name text NOT NULL,
    closed_on date,
    successor_id text REFERENCES practices (id),
    version bigint NOT NULL DEFAULT 1,
    source text,
    CHECK (successor_id IS NULL OR closed_on IS NOT NULL)
);

CREATE TABLE branch_sites (
    practice_id text NOT NULL REFERENCES practices (id),
    name text NOT NULL,
    source text,
    PRIMARY KEY (practice_id, name)
);

-- Effective-dated membership, inclusive ranges; effective_to NULL while it continues.
CREATE TABLE memberships (
    practice_id text NOT NULL REFERENCES practices (id),
    pcn_id text NOT NULL REFERENCES pcns (id),
    effective_from date NOT NULL,
    effective_to date CHECK (effective_to IS NULL OR effective_to >= effective_from),
    reason text NOT NULL CHECK (reason IN ('seed', 'transfer')),
    source text,
    PRIMARY KEY (practice_id, effective_from),
    -- One PCN per practice on any date.
    EXCLUDE USING gist (practice_id WITH =, daterange(effective_from, effective_to, '[]') WITH &&)
);
CREATE INDEX memberships_by_pcn ON memberships (pcn_id, effective_from);

CREATE TABLE list_sizes (
    practice_id text NOT NULL REFERENCES practices (id),
    as_at date NOT NULL,
    registered_patients bigint NOT NULL CHECK (registered_patients >= 0),
    weighted_patients bigint CHECK (weighted_patients >= 0),
    source text,
    PRIMARY KEY (practice_id, as_at)
);

CREATE TABLE mergers (
    successor_id text NOT NULL REFERENCES practices (id),
    predecessor_id text NOT NULL REFERENCES practices (id) UNIQUE,
    effective_from date NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (successor_id, predecessor_id)
);

-- Which seed data sets have been loaded, so a restart never loads them twice.
CREATE TABLE seed_loads (
    name text PRIMARY KEY,
    fingerprint text NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);
