-- A frame adjustment says what it is: a change of the budget (kind 'budget', e.g. +25 mill. kr through
-- integreringspakke II, dated by the budget decision it carries out) or a correction of an adjustment
-- registered wrong (kind 'correction', naming the adjustment it corrects and taking its date). Reports
-- narrate budget changes with their net after corrections; the round's history shows both. The
-- trigger (SQL/schema/03_schemes_and_rounds.sql) holds the rules and their sentences; the CHECKs
-- below are the last line behind it. Adjustments made before this migration were budget changes
-- dated the day they were registered (in Norway's time zone).
ALTER TABLE tilskot.frame_adjustment
    ADD COLUMN kind text NOT NULL DEFAULT 'budget'
        CONSTRAINT frame_adjustment_kind_known CHECK (kind IN ('budget', 'correction')),
    ADD COLUMN decided date
        CONSTRAINT frame_adjustment_decided_finite CHECK (isfinite(decided)),
    ADD COLUMN corrects_id bigint REFERENCES tilskot.frame_adjustment (id),
    ADD CONSTRAINT frame_adjustment_correction_names_one
        CHECK ((kind = 'correction') = (corrects_id IS NOT NULL)),
    ADD CONSTRAINT frame_adjustment_not_itself CHECK (corrects_id <> id);

UPDATE tilskot.frame_adjustment SET decided = (at AT TIME ZONE 'Europe/Oslo')::date WHERE decided IS NULL;

ALTER TABLE tilskot.frame_adjustment ALTER COLUMN decided SET NOT NULL;

CREATE INDEX frame_adjustment_corrects_idx ON tilskot.frame_adjustment (corrects_id) WHERE corrects_id IS NOT NULL;
