-- Notice of decisions, the day it reached the party, and appeal deadlines (fvl. §§ 27, 29–31).
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0003_notice_channels.sql, 0004_notices.sql and 0005_advance_notices.sql.
--
-- The deadline (fvl. § 29 first paragraph): three weeks from the day the notice of the decision
-- reached the party. Counted as the courts count (domstolloven §§ 148–149, which fvl. § 30 and
-- practice follow): a deadline in weeks ends on the same weekday three weeks on, and a deadline
-- that ends on a Saturday, Sunday, public holiday, Christmas Eve or New Year's Eve runs to the next
-- working day. Whether an appeal is in time (§ 30: it was handed to the post or reached the
-- directorate before the deadline ran out) is judged by the appeal trigger
-- (08_appeals_withdrawals_moves.sql) against these functions.

-- Easter Sunday of a year in the Gregorian calendar (the anonymous Gregorian computus).
CREATE OR REPLACE FUNCTION tilskot.easter_sunday(year integer) RETURNS date
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    a integer := year % 19;
    b integer := year / 100;
    c integer := year % 100;
    d integer := b / 4;
    e integer := b % 4;
    f integer := (b + 8) / 25;
    g integer := (b - f + 1) / 3;
    h integer := (19 * a + b - d - g + 15) % 30;
    i integer := c / 4;
    k integer := c % 4;
    l integer := (32 + 2 * e + 2 * i - h - k) % 7;
    m integer := (a + 11 * h + 22 * l) / 451;
BEGIN
    RETURN make_date(year, (h + l - 7 * m + 114) / 31, (h + l - 7 * m + 114) % 31 + 1);
END
$$;

-- Whether a deadline can end on `day`: not a Saturday or Sunday, not a public holiday (lov om
-- helligdager og helligdagsfred § 1: New Year's Day, Maundy Thursday, Good Friday, Easter Monday,
-- Ascension Day, Whit Monday, Christmas Day, Boxing Day; lov om 1. og 17. mai: 1 and 17 May), and
-- not Christmas Eve or New Year's Eve (domstolloven § 149 second paragraph).
CREATE OR REPLACE FUNCTION tilskot.is_deadline_day(day date) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
    SELECT extract(isodow FROM day) < 6
       AND to_char(day, 'MM-DD') NOT IN ('01-01', '05-01', '05-17', '12-24', '12-25', '12-26', '12-31')
       AND (day - tilskot.easter_sunday(extract(year FROM day)::integer)) NOT IN (-3, -2, 1, 39, 50)
$$;

-- The day a deadline that would end on `day` ends: `day`, or the next working day.
CREATE OR REPLACE FUNCTION tilskot.deadline_day(day date) RETURNS date
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    d date := day;
BEGIN
    WHILE NOT tilskot.is_deadline_day(d) LOOP
        d := d + 1;
    END LOOP;
    RETURN d;
END
$$;

-- The appeal deadline for a notice that reached the party on `reached` (fvl. § 29).
CREATE OR REPLACE FUNCTION tilskot.appeal_deadline_from(reached date) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$ SELECT tilskot.deadline_day(reached + 21) $$;

-- The appeal deadline of a decision: three weeks from the day its notice reached the party (as
-- recorded, or as presumed by its channel), or NULL while no notice is recorded — an open deadline:
-- the party cannot be late for a decision nobody has told them of.
CREATE OR REPLACE FUNCTION tilskot.decision_appeal_deadline(decision_id bigint) RETURNS date
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT tilskot.appeal_deadline_from(n.presumed_received) FROM tilskot.notice n
     WHERE n.decision_id = decision_appeal_deadline.decision_id
$$;

-- The same for a claw-back decision.
CREATE OR REPLACE FUNCTION tilskot.clawback_appeal_deadline(clawback_id bigint) RETURNS date
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT tilskot.appeal_deadline_from(n.presumed_received) FROM tilskot.notice n
     WHERE n.clawback_id = clawback_appeal_deadline.clawback_id
$$;

-- The same for the dismissal of an appeal (an individual decision of its own, fvl. § 2 third paragraph).
CREATE OR REPLACE FUNCTION tilskot.dismissal_appeal_deadline(appeal_id bigint) RETURNS date
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT tilskot.appeal_deadline_from(n.presumed_received) FROM tilskot.notice n
     WHERE n.appeal_id = dismissal_appeal_deadline.appeal_id
$$;


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.notice_channel, tilskot.notice, tilskot.advance_notice, tilskot.advance_notice_answer
    TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.easter_sunday(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.is_deadline_day(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.deadline_day(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.appeal_deadline_from(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.decision_appeal_deadline(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_appeal_deadline(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.dismissal_appeal_deadline(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.easter_sunday(integer), tilskot.is_deadline_day(date), tilskot.deadline_day(date),
    tilskot.appeal_deadline_from(date), tilskot.decision_appeal_deadline(bigint), tilskot.clawback_appeal_deadline(bigint),
    tilskot.dismissal_appeal_deadline(bigint)
    TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
