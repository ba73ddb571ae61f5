-- An appeal as its own case (fvl. §§ 32–34): when it was sent as well as received (§ 30: an appeal
-- posted before the deadline ran out is in time), what the first instance did with it — dismissed
-- it (avvist, § 33 second paragraph), changed its decision (omgjort, § 33 second paragraph, a new
-- decision row), or upheld it and sent it to the appeal body (§ 33 fourth paragraph) — and what the
-- appeal body decided: upheld, changed (a new decision row by the appeal body) or quashed and sent
-- back for a new decision (oppheva, § 34 fourth paragraph).
ALTER TABLE tilskot.appeal
    ADD COLUMN sent_on date,
    -- The application's status when the appeal came in, to go back to when the decision stands
    -- (a decided status, or in_follow_up for an appeal made after follow-up started).
    ADD COLUMN status_before text,
    ADD COLUMN forwarded_on date,
    ADD COLUMN forwarded_by text,
    -- The appeal body's name when it was forwarded (the scheme's rules at the decision date).
    ADD COLUMN appeal_body text,
    ADD CONSTRAINT appeal_sent_not_after_received CHECK (sent_on <= received),
    ADD CONSTRAINT appeal_sent_on_finite CHECK (isfinite(sent_on)),
    ADD CONSTRAINT appeal_forwarded_on_finite CHECK (isfinite(forwarded_on)),
    ADD CONSTRAINT appeal_forwarded_complete CHECK ((forwarded_on IS NULL) = (forwarded_by IS NULL)
                                                    AND (forwarded_on IS NULL) = (appeal_body IS NULL));

-- 'upheld' (stadfesta by the appeal body), 'changed' (a new decision, by either instance),
-- 'dismissed' (avvist) or 'quashed' (oppheva and sent back).
ALTER TABLE tilskot.appeal DROP CONSTRAINT appeal_outcome_known;
ALTER TABLE tilskot.appeal ADD CONSTRAINT appeal_outcome_known
    CHECK (outcome IN ('upheld', 'changed', 'dismissed', 'quashed'));

-- A resolved appeal has its date; only a change ('changed') is a new decision, and a quashed
-- appeal points at the new first-instance decision once it is made (NULL until then).
ALTER TABLE tilskot.appeal DROP CONSTRAINT appeal_resolution_complete;
ALTER TABLE tilskot.appeal ADD CONSTRAINT appeal_resolution_complete CHECK (
    (outcome IS NULL) = (resolved_at IS NULL)
    AND (outcome IS DISTINCT FROM 'changed' OR resolved_by_decision_id IS NOT NULL)
    AND (resolved_by_decision_id IS NULL OR coalesce(outcome IN ('changed', 'quashed'), false)));

-- A late appeal is registered with or without a reason to consider it anyway (fvl. § 31): without
-- one it is on record to be dismissed (§ 33 second paragraph) with a letter saying why.
ALTER TABLE tilskot.appeal DROP CONSTRAINT appeal_late_has_reason;
ALTER TABLE tilskot.appeal ADD CONSTRAINT appeal_late_reason_only_if_late
    CHECK (late_reason IS NULL OR (late AND tilskot.has_words(late_reason)));

ALTER TABLE tilskot.appeal ADD CONSTRAINT appeal_status_before_known
    CHECK (status_before IN ('granted', 'partially_granted', 'rejected', 'dismissed', 'in_follow_up'));

-- A step on an appeal that is not itself a new decision on the grant.
CREATE TABLE tilskot.appeal_step (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    appeal_id      bigint NOT NULL REFERENCES tilskot.appeal (id),
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    kind           text NOT NULL
        CONSTRAINT appeal_step_kind_known CHECK (kind IN ('dismiss', 'forward', 'body_upheld', 'body_quashed')),
    -- Why an appeal is dismissed (fvl. § 33 second paragraph): too late with no reason to consider
    -- it anyway (§ 31), no standing (§ 28: not a party or with no legal interest), withdrawn by the
    -- appellant, or other (e.g. the decision is not an individual decision).
    ground         text CONSTRAINT appeal_step_ground_known CHECK (ground IN ('late', 'no_standing', 'withdrawn', 'other')),
    step_date      date NOT NULL DEFAULT current_date,
    reasons        text,
    -- The appeal body's own case reference, for its decisions.
    body_reference text,
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT appeal_step_ground_for_dismissal CHECK ((kind = 'dismiss') = (ground IS NOT NULL)),
    CONSTRAINT appeal_step_reasons_present CHECK (kind = 'forward' OR tilskot.has_words(coalesce(reasons, ''))),
    CONSTRAINT appeal_step_date_finite CHECK (isfinite(step_date)),
    CONSTRAINT appeal_step_recorded_at_finite CHECK (isfinite(recorded_at))
);

CREATE INDEX appeal_step_appeal_idx ON tilskot.appeal_step (appeal_id);

CREATE INDEX appeal_step_application_idx ON tilskot.appeal_step (application_id);
