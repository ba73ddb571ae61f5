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


-- Whether a decision made on `decision_date` to the party's disadvantage may rest on advance notice
-- `advance_notice_id` (fvl. § 16: the party is told what is proposed and given a time to answer
-- before the decision is made). NULL when it may: the notice exists, belongs to the application,
-- warns of this kind of decision (`purpose` 'change' or 'clawback'), was sent on or before the
-- decision date, and either the party's answer was received by the decision date or the time to
-- answer ran out before it. Otherwise the reason in words, for the caller's sentence
-- ("… refused: <reason>"). Called by the decision trigger (a change to the appellant's
-- disadvantage, fvl. §§ 34–35) and the claw-back trigger, under the application's lock.
CREATE OR REPLACE FUNCTION tilskot.advance_notice_problem(advance_notice_id bigint, application_id bigint,
                                                          purpose text, decision_date date) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    n tilskot.advance_notice;
    answered date;
    kind text := CASE purpose WHEN 'clawback' THEN 'a claw-back' ELSE 'a change of the grant' END;
BEGIN
    IF advance_notice_id IS NULL THEN
        RETURN format('no advance notice is named; the party must be told of %s and given time to answer '
                      'before it is decided (fvl. § 16): register the advance notice and name it', kind);
    END IF;
    SELECT * INTO n FROM tilskot.advance_notice a WHERE a.id = advance_notice_problem.advance_notice_id;
    IF NOT FOUND THEN
        RETURN format('there is no advance notice with id %s', advance_notice_id);
    END IF;
    IF n.application_id IS DISTINCT FROM advance_notice_problem.application_id THEN
        RETURN format('the advance notice %s belongs to application %s, not to %s; name this application''s advance notice',
                      n.id, (SELECT a.reference FROM tilskot.application a WHERE a.id = n.application_id),
                      coalesce((SELECT a.reference FROM tilskot.application a
                                 WHERE a.id = advance_notice_problem.application_id), 'this one'));
    END IF;
    IF n.purpose IS DISTINCT FROM advance_notice_problem.purpose THEN
        RETURN format('the advance notice %s warns of %s, not of %s; send an advance notice of %s first (fvl. § 16)',
                      n.id, CASE n.purpose WHEN 'clawback' THEN 'a claw-back' ELSE 'a change of the grant' END,
                      kind, kind);
    END IF;
    IF decision_date IS NULL OR n.sent_on > decision_date THEN
        RETURN format('the advance notice %s was sent on %s, after the decision date %s; the party is warned '
                      'before the decision is made (fvl. § 16)', n.id, tilskot.iso_date(n.sent_on),
                      coalesce(tilskot.iso_date(decision_date), '(none)'));
    END IF;
    SELECT r.received_on INTO answered FROM tilskot.advance_notice_answer r WHERE r.advance_notice_id = n.id;
    IF answered IS NOT NULL AND answered <= decision_date THEN
        RETURN NULL;
    END IF;
    IF n.answer_by < decision_date THEN
        RETURN NULL;
    END IF;
    IF answered IS NOT NULL THEN
        RETURN format('the answer to the advance notice %s was received on %s, after the decision date %s; '
                      'decide on or after the day the answer came, so the decision can consider it (fvl. § 16)',
                      n.id, tilskot.iso_date(answered), tilskot.iso_date(decision_date));
    END IF;
    RETURN format('the advance notice %s gives the party until %s to answer, and no answer is recorded; '
                  'record the answer, or decide after that day (fvl. § 16)', n.id, tilskot.iso_date(n.answer_by));
END
$$;

-- Who may take a step of notice, with its one sentence: raised by the step's trigger and asked for by
-- the CLI before it writes (a user without the column grant meets "permission denied" first, which
-- says less). 'notice' and 'answer': caseworkers and managers (they send decision letters and read
-- the party's answers; finance pays what was decided and sends no decision letter), 42T06;
-- 'advance notice': managers, who decide what it announces, 42T01; 'channel': administrators (an
-- installation setting that moves deadlines), 42T07.
CREATE OR REPLACE FUNCTION tilskot.require_notice_step(step text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
BEGIN
    IF step IN ('notice', 'answer') THEN
        IF NOT (tilskot.is_member(actor, 'tilskot_caseworker') OR tilskot.has_budget_authority(actor)) THEN
            RAISE EXCEPTION '% refused: % is neither a caseworker nor a manager; only they record %', step, actor,
                CASE step WHEN 'notice' THEN 'when a decision was sent to the party'
                          ELSE 'the party''s answer to an advance notice' END
                USING ERRCODE = '42T06';
        END IF;
    ELSIF step = 'advance notice' THEN
        IF NOT tilskot.has_budget_authority(actor) THEN
            RAISE EXCEPTION 'advance notice refused: % is not a manager; only members of tilskot_manager warn of a change of a grant or a claw-back, as they decide it',
                actor USING ERRCODE = '42T01';
        END IF;
    ELSIF step = 'channel' THEN
        IF NOT tilskot.is_member(actor, 'tilskot_admin') THEN
            RAISE EXCEPTION 'channel refused: % is not an administrator; only members of tilskot_admin set how long a notice is presumed to take to reach the party',
                actor USING ERRCODE = '42T07';
        END IF;
    ELSE
        -- A caller's mistake, never a user's.
        RAISE EXCEPTION 'tilskot.require_notice_step: "%" is not a step it knows', step USING ERRCODE = '22023';
    END IF;
END
$$;

-- Recording a notice (underretning, fvl. § 27): caseworkers, managers and administrators send
-- decision letters, so they record when and how a letter went out. Finance does not: it pays
-- what was decided and sends no decision letter. Each rule has its sentence (23T40; who: 42T06).
-- The day the notice is presumed to have reached the party is the database's to set (the column is
-- not granted): the day it was received when known, else the day it was sent plus the channel's
-- presumed days as they stand now — kept on the row, so a later change of a channel's days moves
-- no deadline already running.
CREATE OR REPLACE FUNCTION tilskot.notice_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application;
    subject_app bigint;
    subject_date date;
    what text;
    days integer;
    earlier tilskot.notice;
BEGIN
    PERFORM tilskot.require_notice_step('notice');
    app := tilskot.lock_application(NEW.application_id, 'notice');
    -- Naming nothing means the application's current decision (as an appeal does).
    IF num_nonnulls(NEW.decision_id, NEW.clawback_id, NEW.appeal_id) = 0 THEN
        NEW.decision_id := (SELECT d.id FROM tilskot.decision d WHERE d.application_id = app.id AND d.is_current);
        IF NEW.decision_id IS NULL THEN
            RAISE EXCEPTION 'notice refused: % has not been decided; there is no decision to give notice of', app.reference
                USING ERRCODE = '23T40';
        END IF;
    END IF;
    IF num_nonnulls(NEW.decision_id, NEW.clawback_id, NEW.appeal_id) <> 1 THEN
        RAISE EXCEPTION 'notice refused: a notice is of exactly one thing (a decision, a claw-back or the dismissal of an appeal); name one'
            USING ERRCODE = '23T40';
    END IF;
    IF NEW.decision_id IS NOT NULL THEN
        SELECT d.application_id, d.decision_date INTO subject_app, subject_date FROM tilskot.decision d WHERE d.id = NEW.decision_id;
        what := format('decision %s', NEW.decision_id);
        SELECT * INTO earlier FROM tilskot.notice n WHERE n.decision_id = NEW.decision_id;
    ELSIF NEW.clawback_id IS NOT NULL THEN
        SELECT c.application_id, c.decision_date INTO subject_app, subject_date FROM tilskot.clawback c WHERE c.id = NEW.clawback_id;
        what := format('claw-back %s', NEW.clawback_id);
        SELECT * INTO earlier FROM tilskot.notice n WHERE n.clawback_id = NEW.clawback_id;
    ELSE
        -- The dismissal of an appeal (fvl. § 33 second paragraph) is an individual decision of its
        -- own (§ 2 third paragraph): its notice runs the deadline to appeal the dismissal.
        SELECT a.application_id, s.step_date INTO subject_app, subject_date
          FROM tilskot.appeal a
          LEFT JOIN LATERAL (SELECT st.step_date FROM tilskot.appeal_step st
                              WHERE st.appeal_id = a.id AND st.kind = 'dismiss'
                              ORDER BY st.id DESC LIMIT 1) s ON true
         WHERE a.id = NEW.appeal_id;
        what := format('the dismissal of appeal %s', NEW.appeal_id);
        SELECT * INTO earlier FROM tilskot.notice n WHERE n.appeal_id = NEW.appeal_id;
    END IF;
    IF subject_app IS NULL THEN
        RAISE EXCEPTION 'notice refused: there is no %', replace(what, 'the dismissal of ', '') USING ERRCODE = '23T12';
    END IF;
    IF subject_app <> app.id THEN
        RAISE EXCEPTION 'notice refused: % belongs to application %, not to %; record the notice on its own application',
            replace(what, 'the dismissal of ', ''), (SELECT a.reference FROM tilskot.application a WHERE a.id = subject_app), app.reference
            USING ERRCODE = '23T40';
    END IF;
    IF NEW.appeal_id IS NOT NULL AND subject_date IS NULL THEN
        RAISE EXCEPTION 'notice refused: appeal % has not been dismissed; a notice of an appeal is of its dismissal', NEW.appeal_id
            USING ERRCODE = '23T40';
    END IF;
    IF earlier.id IS NOT NULL THEN
        RAISE EXCEPTION 'notice refused: the notice of % on % is already recorded (sent % by %); the appeal deadline runs from one day',
            what, app.reference, tilskot.iso_date(earlier.sent_on), earlier.channel USING ERRCODE = '23T40';
    END IF;
    SELECT c.presumed_days INTO days FROM tilskot.notice_channel c WHERE c.channel = NEW.channel;
    IF days IS NULL THEN
        RAISE EXCEPTION 'notice refused: "%" is not a channel; use digital, post or email (see tilskot notice channels)',
            coalesce(NEW.channel, '') USING ERRCODE = '23T40';
    END IF;
    IF NEW.sent_on IS NULL THEN
        RAISE EXCEPTION 'notice refused: give the day the notice of % was sent', what USING ERRCODE = '23T40';
    END IF;
    IF NEW.sent_on > tilskot.today() THEN
        RAISE EXCEPTION 'notice refused: the sent date % is in the future; record a notice once it has been sent',
            tilskot.iso_date(NEW.sent_on) USING ERRCODE = '23T40';
    END IF;
    IF NEW.sent_on < subject_date THEN
        RAISE EXCEPTION 'notice refused: it is dated as sent %, before % was made (%); give the day the letter was sent',
            tilskot.iso_date(NEW.sent_on), what, tilskot.iso_date(subject_date) USING ERRCODE = '23T40';
    END IF;
    IF NEW.received_on > tilskot.today() THEN
        RAISE EXCEPTION 'notice refused: the received date % is in the future; give the day the notice reached the party, or leave it out to use the presumed day',
            tilskot.iso_date(NEW.received_on) USING ERRCODE = '23T40';
    END IF;
    IF NEW.received_on < NEW.sent_on THEN
        RAISE EXCEPTION 'notice refused: it is dated as received %, before it was sent (%)',
            tilskot.iso_date(NEW.received_on), tilskot.iso_date(NEW.sent_on) USING ERRCODE = '23T40';
    END IF;
    NEW.presumed_received := coalesce(NEW.received_on, NEW.sent_on + days);
    NEW.registered_by := actor;
    NEW.registered_at := now();
    RETURN NEW;
END
$$;

-- Changing a channel's presumed days moves every deadline counted from a notice registered after
-- it: an installation setting for administrators (42T07), and only the days may change (the names
-- are what notices refer to). Audited by zz_audit like every change.
CREATE OR REPLACE FUNCTION tilskot.notice_channel_before_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    PERFORM tilskot.require_notice_step('channel');
    IF NEW.channel IS DISTINCT FROM OLD.channel OR NEW.id IS DISTINCT FROM OLD.id THEN
        RAISE EXCEPTION 'channel refused: a channel keeps its name (notices refer to it); change only its presumed days'
            USING ERRCODE = '23T40';
    END IF;
    IF NEW.presumed_days IS NULL OR NEW.presumed_days NOT BETWEEN 0 AND 14 THEN
        RAISE EXCEPTION 'channel refused: % days is not a presumed time for % to reach the party; give 0 to 14 days',
            coalesce(NEW.presumed_days::text, '(no)'), OLD.channel USING ERRCODE = '23T40';
    END IF;
    RETURN NEW;
END
$$;

-- Advance notice (førehandsvarsel, fvl. § 16) of a decision to the party's disadvantage: a change of
-- a grant (on appeal or by the directorate's own motion, §§ 34–35) or a claw-back. Managers only, as
-- the decisions they announce are managers' (42T01). The rules (23T41):
--   * for a change, the application has a grant in force and a new amount, when given, is below it
--     (a change to the party's advantage needs no advance notice); for a claw-back, something was
--     paid that is not already clawed back, and the amount proposed is no more than that;
--   * sent on a day that has come, not before the application was received;
--   * the time to answer: § 16 asks for "a time limit" and sets no length. tilskot asks for at least
--     14 days from the day it was sent (§ 16: the time runs from the day the notice is sent unless
--     the notice says otherwise; 14 days leave a week to answer after a letter by post, presumed to
--     take 7 days) and no more than 92 days (a longer one is a typing error that would hold the
--     decision back for months). docs/casework.md explains.
CREATE OR REPLACE FUNCTION tilskot.advance_notice_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application;
    cur tilskot.decision;
    paid bigint;
    clawed bigint;
BEGIN
    PERFORM tilskot.require_notice_step('advance notice');
    app := tilskot.lock_application(NEW.application_id, 'advance notice');
    IF NEW.purpose IS NULL OR NEW.purpose NOT IN ('change', 'clawback') THEN
        RAISE EXCEPTION 'advance notice refused: "%" is not a purpose; warn of a change (of the grant) or a clawback',
            coalesce(NEW.purpose, '') USING ERRCODE = '23T41';
    END IF;
    SELECT * INTO cur FROM tilskot.decision d WHERE d.application_id = app.id AND d.is_current;
    IF NEW.purpose = 'change' AND (cur.id IS NULL OR cur.outcome NOT IN ('granted', 'partially_granted')
                                   OR app.status IN ('withdrawn', 'closed')) THEN
        RAISE EXCEPTION 'advance notice refused: % has no grant in force (it is %); only a grant can be changed to the party''s disadvantage',
            app.reference, tilskot.status_words(app.status) USING ERRCODE = '23T41';
    END IF;
    -- A claw-back needs money paid, not a grant in force: a grant revoked on appeal after payment is
    -- clawed back too.
    IF NEW.purpose = 'clawback' THEN
        SELECT coalesce(sum(p.amount_ore), 0) INTO paid FROM tilskot.payment p WHERE p.application_id = app.id AND p.status = 'paid';
        SELECT coalesce(sum(c.amount_ore), 0) INTO clawed FROM tilskot.clawback c WHERE c.application_id = app.id;
        IF paid - clawed <= 0 THEN
            RAISE EXCEPTION 'advance notice refused: nothing has been paid on % that is not already clawed back (paid %, clawed back %); there is nothing to claw back',
                app.reference, tilskot.format_kr(paid), tilskot.format_kr(clawed) USING ERRCODE = '23T41';
        END IF;
        IF NEW.amount_ore IS NULL OR NEW.amount_ore <= 0 THEN
            RAISE EXCEPTION 'advance notice refused: a claw-back''s advance notice names the amount to be repaid; give it'
                USING ERRCODE = '23T41';
        END IF;
        IF NEW.amount_ore > paid - clawed THEN
            RAISE EXCEPTION 'advance notice refused: % is more than was paid on % and not yet clawed back (%)',
                tilskot.format_kr(NEW.amount_ore), app.reference, tilskot.format_kr(paid - clawed) USING ERRCODE = '23T41';
        END IF;
    ELSIF NEW.amount_ore >= cur.amount_ore THEN
        RAISE EXCEPTION 'advance notice refused: % is not less than the grant in force (%); a change to the party''s advantage needs no advance notice (fvl. § 16)',
            tilskot.format_kr(NEW.amount_ore), tilskot.format_kr(cur.amount_ore) USING ERRCODE = '23T41';
    END IF;
    IF NOT tilskot.has_words(coalesce(NEW.proposal, '')) THEN
        RAISE EXCEPTION 'advance notice refused: say in words what is proposed (fvl. § 16: what the case is about)'
            USING ERRCODE = '23T41';
    END IF;
    IF NEW.sent_on IS NULL OR NEW.sent_on > tilskot.today() THEN
        RAISE EXCEPTION 'advance notice refused: the sent date % is in the future; record an advance notice once it has been sent',
            coalesce(tilskot.iso_date(NEW.sent_on), '(none)') USING ERRCODE = '23T41';
    END IF;
    IF NEW.sent_on < app.received THEN
        RAISE EXCEPTION 'advance notice refused: it is dated as sent %, before % was received (%)',
            tilskot.iso_date(NEW.sent_on), app.reference, tilskot.iso_date(app.received) USING ERRCODE = '23T41';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM tilskot.notice_channel c WHERE c.channel = NEW.channel) THEN
        RAISE EXCEPTION 'advance notice refused: "%" is not a channel; use digital, post or email', coalesce(NEW.channel, '')
            USING ERRCODE = '23T41';
    END IF;
    IF NEW.answer_by IS NULL OR NEW.answer_by < NEW.sent_on + 14 THEN
        RAISE EXCEPTION 'advance notice refused: answering by % gives the party less than 14 days from % to state their view; give at least until % (fvl. § 16)',
            coalesce(tilskot.iso_date(NEW.answer_by), '(no date)'), tilskot.iso_date(NEW.sent_on), tilskot.iso_date(NEW.sent_on + 14)
            USING ERRCODE = '23T41';
    END IF;
    IF NEW.answer_by > NEW.sent_on + 92 THEN
        RAISE EXCEPTION 'advance notice refused: answering by % is more than three months after it was sent (%); give a date within 92 days',
            tilskot.iso_date(NEW.answer_by), tilskot.iso_date(NEW.sent_on) USING ERRCODE = '23T41';
    END IF;
    NEW.registered_by := actor;
    NEW.registered_at := now();
    RETURN NEW;
END
$$;

-- The party's answer to an advance notice (fvl. § 16, § 17: their statement is part of the case).
-- Caseworkers and managers record it (42T06). The rules (23T41): the notice exists and is on this
-- application, one answer per notice, received on a day that has come and not before the notice was
-- sent, and a summary in words. An answer after the time to answer is recorded all the same: the
-- decision must still consider what it says if it comes before the decision.
CREATE OR REPLACE FUNCTION tilskot.advance_notice_answer_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application;
    n tilskot.advance_notice;
    earlier tilskot.advance_notice_answer;
BEGIN
    PERFORM tilskot.require_notice_step('answer');
    SELECT * INTO n FROM tilskot.advance_notice a WHERE a.id = NEW.advance_notice_id;
    IF n.id IS NULL THEN
        RAISE EXCEPTION 'answer refused: there is no advance notice with id %', coalesce(NEW.advance_notice_id::text, '(none)')
            USING ERRCODE = '23T12';
    END IF;
    -- The application is named by the client (the case guard, which fires first, needs it).
    IF NEW.application_id IS NULL THEN
        RAISE EXCEPTION 'answer refused: name the application of the advance notice % (application_id %)', n.id, n.application_id
            USING ERRCODE = '23T41';
    END IF;
    app := tilskot.lock_application(NEW.application_id, 'answer');
    IF n.application_id <> app.id THEN
        RAISE EXCEPTION 'answer refused: the advance notice % belongs to application %, not to %',
            n.id, (SELECT a.reference FROM tilskot.application a WHERE a.id = n.application_id), app.reference
            USING ERRCODE = '23T41';
    END IF;
    SELECT * INTO earlier FROM tilskot.advance_notice_answer r WHERE r.advance_notice_id = n.id;
    IF earlier.id IS NOT NULL THEN
        RAISE EXCEPTION 'answer refused: the answer to the advance notice % is already recorded (received %); one answer per notice',
            n.id, tilskot.iso_date(earlier.received_on) USING ERRCODE = '23T41';
    END IF;
    IF NEW.received_on IS NULL OR NEW.received_on > tilskot.today() THEN
        RAISE EXCEPTION 'answer refused: the received date % is in the future; give the day the answer reached the directorate',
            coalesce(tilskot.iso_date(NEW.received_on), '(none)') USING ERRCODE = '23T41';
    END IF;
    IF NEW.received_on < n.sent_on THEN
        RAISE EXCEPTION 'answer refused: it is dated as received %, before the advance notice % was sent (%)',
            tilskot.iso_date(NEW.received_on), n.id, tilskot.iso_date(n.sent_on) USING ERRCODE = '23T41';
    END IF;
    IF NOT tilskot.has_words(coalesce(NEW.summary, '')) THEN
        RAISE EXCEPTION 'answer refused: summarise in words what the party says (fvl. § 17)' USING ERRCODE = '23T41';
    END IF;
    NEW.registered_by := actor;
    NEW.registered_at := now();
    RETURN NEW;
END
$$;

-- Triggers (within one timing PostgreSQL fires them in name order: a0_case_guard first, zz_ last).
CREATE OR REPLACE TRIGGER notice_before_insert BEFORE INSERT ON tilskot.notice
    FOR EACH ROW EXECUTE FUNCTION tilskot.notice_before_insert();
CREATE OR REPLACE TRIGGER notice_channel_before_update BEFORE UPDATE ON tilskot.notice_channel
    FOR EACH ROW EXECUTE FUNCTION tilskot.notice_channel_before_update();
CREATE OR REPLACE TRIGGER advance_notice_before_insert BEFORE INSERT ON tilskot.advance_notice
    FOR EACH ROW EXECUTE FUNCTION tilskot.advance_notice_before_insert();
CREATE OR REPLACE TRIGGER advance_notice_answer_before_insert BEFORE INSERT ON tilskot.advance_notice_answer
    FOR EACH ROW EXECUTE FUNCTION tilskot.advance_notice_answer_before_insert();

-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.notice_channel, tilskot.notice, tilskot.advance_notice, tilskot.advance_notice_answer
    TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
-- Column grants: what the client states. presumed_received, registered_by and registered_at are the
-- triggers' to set and are not granted.
GRANT INSERT (application_id, decision_id, clawback_id, appeal_id, sent_on, channel, received_on) ON TABLE tilskot.notice
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT UPDATE (presumed_days) ON TABLE tilskot.notice_channel TO tilskot_admin;
GRANT INSERT (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by) ON TABLE tilskot.advance_notice
    TO tilskot_manager, tilskot_admin;
GRANT INSERT (advance_notice_id, application_id, received_on, summary) ON TABLE tilskot.advance_notice_answer
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.notice_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.notice_channel_before_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.advance_notice_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.advance_notice_answer_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.require_notice_step(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.require_notice_step(text)
    TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.easter_sunday(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.is_deadline_day(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.deadline_day(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.appeal_deadline_from(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.decision_appeal_deadline(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_appeal_deadline(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.dismissal_appeal_deadline(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.advance_notice_problem(bigint, bigint, text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.easter_sunday(integer), tilskot.is_deadline_day(date), tilskot.deadline_day(date),
    tilskot.appeal_deadline_from(date), tilskot.decision_appeal_deadline(bigint), tilskot.clawback_appeal_deadline(bigint),
    tilskot.dismissal_appeal_deadline(bigint), tilskot.advance_notice_problem(bigint, bigint, text, date)
    TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
