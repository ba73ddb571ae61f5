-- Advance notice (førehandsvarsel, fvl. § 16): before a decision to the party's disadvantage is
-- made, the party is told what is proposed and given a deadline to answer. tilskot asks for one
-- before a claw-back and before a decision on appeal that changes a grant to the appellant's
-- disadvantage (fvl. § 34 third paragraph, § 35).
CREATE TABLE tilskot.advance_notice (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    purpose        text NOT NULL CONSTRAINT advance_notice_purpose_known CHECK (purpose IN ('clawback', 'change')),
    -- What is proposed, in the words the letter uses ("krav om tilbakebetaling av 100 000 kr …").
    proposal       text NOT NULL CONSTRAINT advance_notice_proposal_present CHECK (tilskot.has_words(proposal)),
    -- The amount proposed: the claw-back demanded, or the new grant.
    amount_ore     bigint CONSTRAINT advance_notice_amount_not_negative CHECK (amount_ore >= 0),
    sent_on        date NOT NULL,
    channel        text NOT NULL REFERENCES tilskot.notice_channel (channel),
    answer_by      date NOT NULL,
    registered_by  text NOT NULL,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT advance_notice_answer_after_sent CHECK (answer_by > sent_on),
    CONSTRAINT advance_notice_sent_on_finite CHECK (isfinite(sent_on)),
    CONSTRAINT advance_notice_answer_by_finite CHECK (isfinite(answer_by)),
    CONSTRAINT advance_notice_registered_at_finite CHECK (isfinite(registered_at))
);

CREATE INDEX advance_notice_application_idx ON tilskot.advance_notice (application_id);

-- The party's answer to an advance notice (fvl. § 16: their statement, which the decision must
-- consider). A decision may follow once the answer is in or the deadline has passed.
CREATE TABLE tilskot.advance_notice_answer (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    advance_notice_id bigint NOT NULL CONSTRAINT advance_notice_answer_once UNIQUE REFERENCES tilskot.advance_notice (id),
    application_id    bigint NOT NULL REFERENCES tilskot.application (id),
    received_on       date NOT NULL,
    summary           text NOT NULL CONSTRAINT advance_notice_answer_summary_present CHECK (tilskot.has_words(summary)),
    registered_by     text NOT NULL,
    registered_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT advance_notice_answer_received_on_finite CHECK (isfinite(received_on)),
    CONSTRAINT advance_notice_answer_registered_at_finite CHECK (isfinite(registered_at))
);

CREATE INDEX advance_notice_answer_application_idx ON tilskot.advance_notice_answer (application_id);
