-- A claw-back follows an advance notice (fvl. § 16) or names why none was given (§ 16 third
-- paragraph), and its letter tells the recipient how to pay: a KID (customer identification,
-- mod 10) on the directorate's account.
ALTER TABLE tilskot.clawback
    ADD COLUMN advance_notice_id bigint REFERENCES tilskot.advance_notice (id),
    ADD COLUMN notice_exception text,
    ADD COLUMN kid text CONSTRAINT clawback_kid_format CHECK (kid ~ '^[0-9]{2,25}$');

CREATE UNIQUE INDEX clawback_kid_unique ON tilskot.clawback (kid) WHERE kid IS NOT NULL;
