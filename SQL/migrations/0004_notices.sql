-- When and how a decision was sent to the party, and when it reached them (fvl. § 27: the party is
-- told of the decision "as soon as possible"; § 29: the appeal deadline runs from the day the
-- notice reached the party). What was notified: a decision (first instance or on appeal), a
-- claw-back decision, or the dismissal of an appeal (itself an individual decision, fvl. § 2
-- third paragraph, with its own right of appeal).
CREATE TABLE tilskot.notice (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id    bigint NOT NULL REFERENCES tilskot.application (id),
    decision_id       bigint REFERENCES tilskot.decision (id),
    clawback_id       bigint REFERENCES tilskot.clawback (id),
    appeal_id         bigint REFERENCES tilskot.appeal (id),
    sent_on           date NOT NULL,
    channel           text NOT NULL REFERENCES tilskot.notice_channel (channel),
    -- The day it reached the party, when known (a receipt, a read confirmation from the channel).
    received_on       date,
    -- received_on, else sent_on plus the channel's presumed days at registration (the trigger sets it).
    presumed_received date NOT NULL,
    registered_by     text NOT NULL,
    registered_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notice_one_subject CHECK (num_nonnulls(decision_id, clawback_id, appeal_id) = 1),
    CONSTRAINT notice_received_not_before_sent CHECK (received_on >= sent_on),
    CONSTRAINT notice_presumed_not_before_sent CHECK (presumed_received >= sent_on),
    CONSTRAINT notice_sent_on_finite CHECK (isfinite(sent_on)),
    CONSTRAINT notice_received_on_finite CHECK (isfinite(received_on)),
    CONSTRAINT notice_presumed_received_finite CHECK (isfinite(presumed_received)),
    CONSTRAINT notice_registered_at_finite CHECK (isfinite(registered_at))
);

CREATE INDEX notice_application_idx ON tilskot.notice (application_id);

-- One notice per thing notified: the deadline runs from one day.
CREATE UNIQUE INDEX notice_one_per_decision ON tilskot.notice (decision_id) WHERE decision_id IS NOT NULL;

CREATE UNIQUE INDEX notice_one_per_clawback ON tilskot.notice (clawback_id) WHERE clawback_id IS NOT NULL;

CREATE UNIQUE INDEX notice_one_per_appeal_dismissal ON tilskot.notice (appeal_id) WHERE appeal_id IS NOT NULL;
