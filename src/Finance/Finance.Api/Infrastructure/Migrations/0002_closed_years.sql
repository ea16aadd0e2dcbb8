-- Closed financial years. A year is open until it has a row here; closing writes the row, the rates and the lines as
-- they stood, in one transaction, and nothing changes them afterwards.
CREATE TABLE closed_years (
    year             text        PRIMARY KEY,
    closed_at        timestamptz NOT NULL DEFAULT now(),
    -- LLR's total and population as published: the sum over the lines below, kept as the system answered it.
    llr_total        numeric     NOT NULL,
    llr_population   bigint      NOT NULL CHECK (llr_population >= 0)
);

-- The year's funding rates as they stood when it closed: what its published lines were computed with.
CREATE TABLE closed_year_rates (
    year                      text    NOT NULL REFERENCES closed_years (year),
    stream_id                 text    NOT NULL,
    rate_per_head             numeric NOT NULL,
    rate_source               text    NOT NULL CHECK (rate_source IN ('printed', 'derived', 'set')),
    part_year_factor          numeric NOT NULL,
    reference_date            date    NOT NULL,
    published_amount          numeric,
    source                    text    NOT NULL,
    document_rate_per_head    numeric NOT NULL,
    document_rate_source      text    NOT NULL CHECK (document_rate_source IN ('printed', 'derived')),
    document_part_year_factor numeric NOT NULL,
    PRIMARY KEY (year, stream_id)
);

-- Each PCN of the closed year: its CCG and its registered population on the year's first reference date.
CREATE TABLE closed_year_pcns (
    year              text   NOT NULL REFERENCES closed_years (year),
    pcn_id            text   NOT NULL,
    ccg_id            text   NOT NULL,
    population        bigint NOT NULL,
    population_source text   NOT NULL CHECK (population_source IN ('computed', 'stated')),
    PRIMARY KEY (year, pcn_id)
);

-- Each PCN's line of each stream as published: population x rate x factor, exactly and to the penny.
CREATE TABLE closed_year_lines (
    year              text    NOT NULL,
    pcn_id            text    NOT NULL,
    stream_id         text    NOT NULL,
    basis_used        text    NOT NULL CHECK (basis_used IN ('registered', 'weighted')),
    population        bigint  NOT NULL,
    population_source text    NOT NULL CHECK (population_source IN ('computed', 'stated')),
    rate_per_head     numeric NOT NULL,
    part_year_factor  numeric NOT NULL,
    exact_amount      numeric NOT NULL,
    amount            numeric NOT NULL CHECK (amount = round(exact_amount, 2)),
    PRIMARY KEY (year, pcn_id, stream_id),
    FOREIGN KEY (year, pcn_id) REFERENCES closed_year_pcns (year, pcn_id),
    FOREIGN KEY (year, stream_id) REFERENCES closed_year_rates (year, stream_id)
);

-- A change that would have altered a closed year's line, recorded instead of made. Cumulative: paid is the published
-- amount, should_have_been the line with this change and every earlier one, previous_should_have_been what the line's
-- previous adjustment left owed (paid for its first), so the latest adjustment of a line is what is outstanding.
CREATE TABLE prior_year_adjustments (
    id                        uuid        PRIMARY KEY,
    sequence                  bigserial   NOT NULL UNIQUE,
    year                      text        NOT NULL REFERENCES closed_years (year),
    pcn_id                    text        NOT NULL,
    stream_id                 text        NOT NULL,
    paid                      numeric     NOT NULL,
    paid_population           bigint      NOT NULL,
    paid_rate_per_head        numeric     NOT NULL,
    paid_part_year_factor     numeric     NOT NULL,
    previous_should_have_been numeric     NOT NULL,
    should_have_been          numeric     NOT NULL CHECK (should_have_been <> previous_should_have_been),
    population                bigint      NOT NULL,
    rate_per_head             numeric     NOT NULL,
    part_year_factor          numeric     NOT NULL,
    reason                    text        NOT NULL
        CHECK (reason IN ('practice-transferred', 'list-size-recorded', 'practices-merged', 'funding-rate-changed')),
    message_id                uuid,
    request_id                uuid,
    rate_stream_id            text,
    created_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX prior_year_adjustments_line ON prior_year_adjustments (year, pcn_id, stream_id, sequence);
