-- A PCN exists from its start date; before it no practice can belong to it.
-- Existing databases take the start from their first membership (the seed's contract start); new ones from pcns.csv.
ALTER TABLE pcns ADD COLUMN started_on date;
UPDATE pcns SET started_on = (SELECT min(effective_from) FROM memberships WHERE memberships.pcn_id = pcns.id);
UPDATE pcns SET started_on = DATE '2019-07-01' WHERE started_on IS NULL;
ALTER TABLE pcns ALTER COLUMN started_on SET NOT NULL;

-- Every write that changes what the registry reports for a PCN (on any date) takes the PCN's row lock and bumps its
-- version, in id order. Writes touching one PCN therefore commit one after another, each event describes the PCN
-- as the previous writes left it, and consumers keep, for each date, what the highest version says.
ALTER TABLE pcns ADD COLUMN version bigint NOT NULL DEFAULT 0;

-- No membership before its PCN began.
CREATE FUNCTION membership_within_pcn_life() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.effective_from < (SELECT started_on FROM pcns WHERE id = NEW.pcn_id) THEN
        RAISE EXCEPTION 'membership of % in % starts before the PCN began', NEW.practice_id, NEW.pcn_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER memberships_within_pcn_life BEFORE INSERT OR UPDATE ON memberships
    FOR EACH ROW EXECUTE FUNCTION membership_within_pcn_life();

-- Which CCG commissions a practice, effective-dated and the practice's own: moving PCN never changes it.
CREATE TABLE practice_commissioners (
    practice_id text NOT NULL REFERENCES practices (id),
    ccg text NOT NULL CHECK (ccg IN ('leicester-city', 'east-leicestershire-rutland', 'west-leicestershire')),
    effective_from date NOT NULL,
    effective_to date CHECK (effective_to IS NULL OR effective_to >= effective_from),
    source text,
    PRIMARY KEY (practice_id, effective_from),
    EXCLUDE USING gist (practice_id WITH =, daterange(effective_from, effective_to, '[]') WITH &&)
);
-- Existing databases: each practice's commissioner is the CCG of the PCN the documents put it in (its seed membership).
INSERT INTO practice_commissioners (practice_id, ccg, effective_from, source)
SELECT memberships.practice_id, pcns.ccg, DATE '2019-06-20', memberships.source
FROM memberships JOIN pcns ON pcns.id = memberships.pcn_id
WHERE memberships.reason = 'seed';
