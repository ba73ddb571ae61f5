-- A claw-back registered in error is cancelled by a manager with a reason, as an event of its own
-- (not an invented appeal): the claw-back then demands 0 kr and is marked cancelled, as one cancelled
-- on appeal is. The trigger (SQL/schema/11_clawbacks.sql) refuses it once anything was repaid.
CREATE TABLE tilskot.clawback_cancellation (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clawback_id    bigint NOT NULL REFERENCES tilskot.clawback (id),
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    reason         text NOT NULL CONSTRAINT clawback_cancellation_reason_present CHECK (tilskot.has_words(reason)),
    cancelled_by   text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT clawback_cancellation_at_finite CHECK (isfinite(at))
);

CREATE UNIQUE INDEX clawback_cancellation_once ON tilskot.clawback_cancellation (clawback_id);
CREATE INDEX clawback_cancellation_application_idx ON tilskot.clawback_cancellation (application_id);

-- A second claw-back on a grant while one is still open is registered only when the manager says it
-- is another demand, not the same one typed twice.
ALTER TABLE tilskot.clawback
    ADD COLUMN another boolean NOT NULL DEFAULT false;
