-- A claw-back follows an advance notice (fvl. § 16) or names why none was given (§ 16 third
-- paragraph), and its letter tells the recipient how to pay: a KID (customer identification,
-- mod 10) on the directorate's account. The claw-back trigger (SQL/schema/11_clawbacks.sql)
-- checks the notice and assigns the KID; the CHECKs below are the last line behind it.
ALTER TABLE tilskot.clawback
    ADD COLUMN advance_notice_id bigint REFERENCES tilskot.advance_notice (id),
    ADD COLUMN notice_exception text,
    ADD COLUMN kid text CONSTRAINT clawback_kid_format CHECK (kid ~ '^[0-9]{2,25}$'),
    ADD CONSTRAINT clawback_notice_or_exception
        CHECK (advance_notice_id IS NOT NULL OR tilskot.has_words(coalesce(notice_exception, '')));

CREATE UNIQUE INDEX clawback_kid_unique ON tilskot.clawback (kid) WHERE kid IS NOT NULL;

-- A repayment may be recorded by the KID it was paid with (as the bank statement shows it); the
-- repayment trigger finds the claw-back by it.
ALTER TABLE tilskot.repayment
    ADD COLUMN kid text CONSTRAINT repayment_kid_format CHECK (kid ~ '^[0-9]{2,25}$');

-- An appeal against a claw-back is in time when it was sent before the deadline ran out (fvl. § 30),
-- so the day it was sent is recorded beside the day it arrived.
ALTER TABLE tilskot.clawback_appeal
    ADD COLUMN sent_on date CONSTRAINT clawback_appeal_sent_on_finite CHECK (isfinite(sent_on));
