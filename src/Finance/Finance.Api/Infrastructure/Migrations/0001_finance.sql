-- Funding rates: seeded from the documents, then owned here (UpdateFundingRate sets them).
CREATE TABLE funding_rates (
    stream_id              text    NOT NULL,
    year                   text    NOT NULL,
    rate_per_head          numeric NOT NULL CHECK (rate_per_head >= 0),
    rate_source            text    NOT NULL CHECK (rate_source IN ('printed', 'derived', 'set')),
    part_year_factor       numeric NOT NULL CHECK (part_year_factor > 0 AND part_year_factor <= 1),
    reference_date         date    NOT NULL,
    published_amount       numeric,
    source                 text    NOT NULL,
    document_rate_per_head numeric NOT NULL,
    document_rate_source   text    NOT NULL CHECK (document_rate_source IN ('printed', 'derived')),
    document_part_year_factor numeric NOT NULL,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, year)
);

-- Every change to a rate, for audit: who asked (request id) and what it was before.
CREATE TABLE funding_rate_changes (
    id                   bigserial   PRIMARY KEY,
    stream_id            text        NOT NULL,
    year                 text        NOT NULL,
    old_rate_per_head    numeric     NOT NULL,
    new_rate_per_head    numeric     NOT NULL,
    old_part_year_factor numeric     NOT NULL,
    new_part_year_factor numeric     NOT NULL,
    changed_at           timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (stream_id, year) REFERENCES funding_rates (stream_id, year)
);

-- Finance's copy of what the registry reports for each PCN from a date: built from the registry's events, and from
-- its gRPC API when Finance starts empty. A PCN's population on a date is its latest row on or before that date.
CREATE TABLE pcn_populations (
    pcn_id      text        NOT NULL,
    as_at       date        NOT NULL,
    ccg_id      text        NOT NULL,
    registered  bigint      NOT NULL CHECK (registered >= 0),
    weighted    bigint      CHECK (weighted >= 0),
    source      text        NOT NULL CHECK (source IN ('computed', 'stated')),
    origin      text        NOT NULL CHECK (origin IN ('bootstrap', 'event')),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pcn_id, as_at)
);

CREATE TABLE arrs_claims (
    id                 uuid        PRIMARY KEY,
    sequence           bigserial   NOT NULL UNIQUE,
    pcn_id             text        NOT NULL,
    year               text        NOT NULL,
    role               text        NOT NULL,
    fte                numeric     NOT NULL CHECK (fte > 0),
    months             integer     NOT NULL CHECK (months BETWEEN 1 AND 12),
    annual_salary_cost numeric     NOT NULL CHECK (annual_salary_cost > 0),
    reimbursed_share   numeric     NOT NULL,
    reimbursed         numeric     NOT NULL,
    created_on         date        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX arrs_claims_pcn_year ON arrs_claims (pcn_id, year, sequence);
