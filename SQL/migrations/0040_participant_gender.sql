-- A participant's gender, for the equality report's table of participants by gender (issue 17).
-- Kept minimal (GDPR art. 5(1)(c)): three codes only — female, male, other_or_unknown (kvinne,
-- mann, anna/ikkje oppgitt). The column sits in the participant register, a special-category
-- register (GDPR art. 9), so it has the register's protection: row-level security, reads only
-- through the logged functions of SQL/schema/13_participants.sql, aggregates with small cells
-- suppressed. Rows recorded before there was a gender read as other_or_unknown ("ikkje oppgitt"),
-- which is what they are.
ALTER TABLE tilskot.participant
    ADD COLUMN gender text NOT NULL DEFAULT 'other_or_unknown'
        CONSTRAINT participant_gender_known CHECK (gender IN ('female', 'male', 'other_or_unknown'));
