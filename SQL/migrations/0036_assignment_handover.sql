-- An assignment either hands the case over (its caseworkers are replaced by this one) or adds a
-- caseworker beside those it has. The case's current caseworkers are the one of its latest
-- handover and everyone added after it (tilskot.case_caseworkers, SQL/schema/06_assessment.sql);
-- earlier rows stay as its history. Rows made before this migration added a caseworker (that was
-- what `assign` did), so they are 'also'; a new row is a handover unless it says otherwise.
ALTER TABLE tilskot.assignment
    ADD COLUMN kind text NOT NULL DEFAULT 'also' CONSTRAINT assignment_kind_known CHECK (kind IN ('handover', 'also')),
    -- A handover's previous caseworkers, as they were when it was made (set by the trigger).
    ADD COLUMN handed_over_from text[];
ALTER TABLE tilskot.assignment ALTER COLUMN kind SET DEFAULT 'handover';

-- `application list --mine` / `--assigned USER`: a person's assignments, then whether a later
-- handover ended them.
CREATE INDEX assignment_caseworker_idx ON tilskot.assignment (caseworker, application_id);
CREATE INDEX assignment_handover_idx ON tilskot.assignment (application_id, id) WHERE kind = 'handover';
