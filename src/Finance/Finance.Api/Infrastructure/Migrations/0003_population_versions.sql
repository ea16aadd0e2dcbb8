-- The registry's version of the PCN each row came from. On any date Finance keeps what the highest version says, so
-- events applied in any order (and the start-up copy read while events flow) converge on the registry's answer.
ALTER TABLE pcn_populations ADD COLUMN version bigint NOT NULL DEFAULT 0;

-- Whether the start-up copy of the registry was taken: events may arrive (and add rows) before it is.
CREATE TABLE registry_copy (
    id        integer     PRIMARY KEY CHECK (id = 1),
    copied_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO registry_copy (id) SELECT 1 WHERE EXISTS (SELECT 1 FROM pcn_populations);
