-- Appeals, withdrawals and moves between rounds.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

CREATE OR REPLACE FUNCTION tilskot.withdrawal_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'withdrawal');
BEGIN
    IF app.status NOT IN ('received', 'in_review', 'assessed') THEN
        RAISE EXCEPTION 'withdrawal refused: % is %; only an application that has not been decided can be withdrawn',
            app.reference, tilskot.status_words(app.status) USING ERRCODE = '23T02';
    END IF;
    IF btrim(coalesce(NEW.reason, '')) = '' THEN
        RAISE EXCEPTION 'withdrawal refused: withdrawing % needs a reason', app.reference USING ERRCODE = '23T05';
    END IF;
    UPDATE tilskot.application SET status = 'withdrawn' WHERE id = app.id;
    NEW.withdrawn_by := tilskot.acting_user();
    NEW.at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.round_move_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'move');
    target tilskot.round;
BEGIN
    SELECT * INTO target FROM tilskot.round WHERE id = NEW.to_round_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'move refused: there is no round with id %', NEW.to_round_id USING ERRCODE = '23T12';
    END IF;
    IF target.id = app.round_id THEN
        RAISE EXCEPTION 'move refused: % is already in %', app.reference, tilskot.round_label(target.id)
            USING ERRCODE = '23T10';
    END IF;
    IF target.scheme_id <> app.scheme_id THEN
        RAISE EXCEPTION 'move refused: % belongs to %; it can only move to another round of that scheme, not to %',
            app.reference, (SELECT name FROM tilskot.scheme WHERE id = app.scheme_id), tilskot.round_label(target.id)
            USING ERRCODE = '23T10';
    END IF;
    IF app.status NOT IN ('received', 'in_review', 'assessed') THEN
        RAISE EXCEPTION 'move refused: % is %; only an application that has not been decided can change round',
            app.reference, tilskot.status_words(app.status) USING ERRCODE = '23T02';
    END IF;
    -- The sentence for round_move_reason_present.
    IF NOT tilskot.has_words(coalesce(NEW.reason, '')) THEN
        RAISE EXCEPTION 'move refused: moving % needs a reason in words', app.reference USING ERRCODE = '23T05';
    END IF;
    UPDATE tilskot.application SET round_id = target.id WHERE id = app.id;
    NEW.from_round_id := app.round_id;
    NEW.moved_by := tilskot.acting_user();
    NEW.at := now();
    RETURN NEW;
END
$$;

-- Registering an appeal (klage, fvl. §§ 28–32) against the application's current decision.
--
-- In time (fvl. §§ 29–30): the deadline is three weeks from the day the notice of the decision
-- reached the party (tilskot.decision_appeal_deadline, 16_notice.sql; NULL while no notice is
-- recorded: an open deadline, so every appeal is in time). An appeal is in time when it reached the
-- directorate on or before the deadline, or was sent (handed to the post, sent by e-mail or the
-- digital channel) on or before it (§ 30).
--
-- Late (§ 31): a late appeal is registered with `late` — with a reason when it is to be considered
-- anyway (the party cannot be blamed, or there are special reasons), without one when it is on
-- record only to be dismissed (§ 33 second paragraph) with a letter that says why and gives the
-- dismissal's own right of appeal. A late appeal without `late` is refused with a sentence saying
-- both ways; an appeal in time marked `late` is refused, so the record says what happened.
--
-- Follow-up (§ 42): an appeal does not stop a decision being carried out, so an appeal on a grant
-- already in follow-up (payments planned or made, a report due) is registered and the application
-- stays in_follow_up, payments going on; before follow-up the application becomes 'appealed'.
-- status_before keeps what to go back to when the decision stands.
CREATE OR REPLACE FUNCTION tilskot.appeal_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'appeal');
    cur tilskot.decision;
    pending tilskot.appeal;
    quashed tilskot.appeal;
    reached date;
    deadline date;
    in_time boolean;
BEGIN
    SELECT * INTO cur FROM tilskot.decision WHERE application_id = app.id AND is_current;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'appeal refused: % has not been decided; only a decision can be appealed', app.reference
            USING ERRCODE = '23T07';
    END IF;
    IF NEW.decision_id IS NULL THEN
        NEW.decision_id := cur.id;
    ELSIF NEW.decision_id <> cur.id THEN
        RAISE EXCEPTION 'appeal refused: decision % is not the current decision on %; appeal the current one (%)',
            NEW.decision_id, app.reference, cur.id USING ERRCODE = '23T07';
    END IF;
    SELECT * INTO pending FROM tilskot.appeal WHERE application_id = app.id AND outcome IS NULL;
    IF FOUND THEN
        RAISE EXCEPTION 'appeal refused: % already has an appeal pending, received %; decide that one first',
            app.reference, tilskot.iso_date(pending.received) USING ERRCODE = '23T07';
    END IF;
    SELECT * INTO quashed FROM tilskot.appeal
     WHERE application_id = app.id AND outcome = 'quashed' AND resolved_by_decision_id IS NULL;
    IF FOUND THEN
        RAISE EXCEPTION 'appeal refused: the appeal body quashed the decision on % and sent it back (%); make the new decision with `tilskot application decide %` first',
            app.reference,
            tilskot.iso_date((SELECT max(s.step_date) FROM tilskot.appeal_step s WHERE s.appeal_id = quashed.id AND s.kind = 'body_quashed')),
            app.reference USING ERRCODE = '23T02';
    END IF;
    -- The appeal body's decision is final (fvl. § 28 third paragraph): neither its own change nor a
    -- decision it upheld can be appealed again.
    IF cur.instance = 'appeal_body' OR EXISTS (SELECT 1 FROM tilskot.appeal u WHERE u.decision_id = cur.id AND u.outcome = 'upheld') THEN
        RAISE EXCEPTION 'appeal refused: the appeal body has decided on % (% of %), and its decision cannot be appealed (fvl. § 28 third paragraph)',
            app.reference, CASE WHEN cur.instance = 'appeal_body' THEN 'a new decision' ELSE 'the decision upheld' END,
            tilskot.iso_date(cur.decision_date) USING ERRCODE = '23T07';
    END IF;
    IF app.status NOT IN ('granted', 'partially_granted', 'rejected', 'dismissed', 'in_follow_up') THEN
        RAISE EXCEPTION 'appeal refused: % is %; a decision can be appealed until the grant is closed',
            app.reference, tilskot.status_words(app.status) USING ERRCODE = '23T02';
    END IF;
    IF NEW.received > tilskot.today() THEN
        RAISE EXCEPTION 'appeal refused: the received date % is in the future; give the date the appeal reached the directorate',
            tilskot.iso_date(NEW.received) USING ERRCODE = '23T07';
    END IF;
    IF NEW.received < cur.decision_date THEN
        RAISE EXCEPTION 'appeal refused: it is dated as received %, before the decision it appeals (%)',
            tilskot.iso_date(NEW.received), tilskot.iso_date(cur.decision_date) USING ERRCODE = '23T07';
    END IF;
    IF NEW.sent_on > NEW.received THEN
        RAISE EXCEPTION 'appeal refused: it is dated as sent %, after it was received (%); give the day it was sent and the day it arrived',
            tilskot.iso_date(NEW.sent_on), tilskot.iso_date(NEW.received) USING ERRCODE = '23T07';
    END IF;
    IF NEW.sent_on < cur.decision_date THEN
        RAISE EXCEPTION 'appeal refused: it is dated as sent %, before the decision it appeals (%)',
            tilskot.iso_date(NEW.sent_on), tilskot.iso_date(cur.decision_date) USING ERRCODE = '23T07';
    END IF;
    SELECT n.presumed_received INTO reached FROM tilskot.notice n WHERE n.decision_id = cur.id;
    deadline := tilskot.decision_appeal_deadline(cur.id);
    in_time := deadline IS NULL OR NEW.received <= deadline OR coalesce(NEW.sent_on <= deadline, false);
    IF NOT in_time AND NOT NEW.late THEN
        RAISE EXCEPTION 'appeal refused: it was %, after the deadline of % (three weeks from %, when the notice reached the party, fvl. § 29; in time only if sent by then, § 30); register it as late with `--late --reason …` if it is to be considered anyway (fvl. § 31), or with `--late` alone to dismiss it',
            CASE WHEN NEW.sent_on IS NULL THEN 'received ' || tilskot.iso_date(NEW.received) || ' and no sending date is given'
                 ELSE 'sent ' || tilskot.iso_date(NEW.sent_on) || ' and received ' || tilskot.iso_date(NEW.received) END,
            tilskot.iso_date(deadline), tilskot.iso_date(reached)
            USING ERRCODE = '23T07';
    END IF;
    IF in_time AND NEW.late THEN
        RAISE EXCEPTION 'appeal refused: the appeal on % is in time (%); register it without --late',
            app.reference,
            CASE WHEN deadline IS NULL THEN 'no notice of the decision is recorded, so the deadline has not started to run'
                 ELSE 'the deadline is ' || tilskot.iso_date(deadline) END
            USING ERRCODE = '23T07';
    END IF;
    -- The sentence for appeal_grounds_present.
    IF NOT tilskot.has_words(coalesce(NEW.grounds, '')) THEN
        RAISE EXCEPTION 'appeal refused: the appeal on % needs its grounds in words (what the appellant says)', app.reference
            USING ERRCODE = '23T07';
    END IF;
    IF NEW.late_reason IS NOT NULL AND NOT tilskot.has_words(NEW.late_reason) THEN
        NEW.late_reason := NULL;  -- blank: registered late to be dismissed (words-less text is refused by aa_reasons_have_words_late_reason)
    END IF;
    NEW.status_before := app.status;
    IF app.status <> 'in_follow_up' THEN
        UPDATE tilskot.application SET status = 'appealed' WHERE id = app.id;
    END IF;
    NEW.registered_by := tilskot.acting_user();
    NEW.registered_at := now();
    NEW.outcome := NULL;
    NEW.resolved_by_decision_id := NULL;
    NEW.resolved_at := NULL;
    NEW.forwarded_on := NULL;
    NEW.forwarded_by := NULL;
    NEW.appeal_body := NULL;
    RETURN NEW;
END
$$;

-- The four-eyes rule on appeals (23T03): the manager who registered an appeal does not decide it —
-- neither by a new decision (omgjering) nor by dismissing it or upholding it and sending it on. A
-- decision recorded for the appeal body (instance 'appeal_body') is the ministry's, not the
-- recorder's, and is not barred.
CREATE OR REPLACE FUNCTION tilskot.appeal_decided_by_another() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application;
    registrar text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tilskot.application WHERE id = NEW.application_id) THEN
        RETURN NEW;  -- decision_before_insert refuses it in its words (23T12)
    END IF;
    -- The application's lock first (as decision_before_insert takes it next): an appeal registered
    -- after this transaction's snapshot changed the row (status → appealed), so an old snapshot
    -- gets 40001 here rather than deciding past an appeal it cannot see.
    app := tilskot.lock_application(NEW.application_id, 'decision');
    IF NEW.instance IS DISTINCT FROM 'directorate' THEN
        RETURN NEW;
    END IF;
    SELECT registered_by INTO registrar FROM tilskot.appeal WHERE application_id = app.id AND outcome IS NULL;
    IF registrar = actor THEN
        RAISE EXCEPTION 'decision refused: % registered the appeal on % and cannot also decide it; another manager must decide the appeal',
            actor, app.reference USING ERRCODE = '23T03';
    END IF;
    RETURN NEW;
END
$$;

-- A step on a pending appeal that is not a new decision on the grant (fvl. §§ 33–34), by a manager:
--   dismiss      the first instance dismisses the appeal (avvisning, § 33 second paragraph: late with
--                no reason to consider it, § 31; no standing, § 28; withdrawn; other). The decision
--                in force stays as it is — amount, frame, payments — and the application goes back
--                to its status before the appeal. The dismissal is itself an individual decision
--                with its own right of appeal (§ 2 third paragraph; its notice and deadline:
--                tilskot.dismissal_appeal_deadline).
--   forward      the first instance keeps its decision and sends the case to the appeal body
--                (§ 33 fourth paragraph): the appeal records when, by whom and to which body — the
--                scheme's appeal body at the decision date (tilskot.scheme_appeal_body). From then
--                on the first instance neither decides nor dismisses it.
--   body_upheld  the appeal body upheld the decision (stadfesta, § 34): the decision stays, the
--                status goes back.
--   body_quashed the appeal body quashed the decision and sent the case back (oppheva, § 34 fourth
--                paragraph). The quashed decision stays the current row — the frame keeps its money
--                and the ledger its payments, nothing is rewritten — until the directorate's new
--                decision supersedes it (`application decide`, which points the appeal at it). Until
--                then the application stays 'appealed' (no payments: 09_payments.sql) or, in
--                follow-up, in_follow_up, and no new appeal can be registered.
-- A change by either instance is a new decision row (07_decisions.sql), not a step.
CREATE OR REPLACE FUNCTION tilskot.appeal_step_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'appeal');
    pending tilskot.appeal;
    appealed tilskot.decision;
    body text;
    what text := CASE NEW.kind WHEN 'dismiss' THEN 'dismissal' WHEN 'forward' THEN 'forwarding'
                               ELSE 'appeal body''s decision' END;
BEGIN
    PERFORM tilskot.require_role('appeal');  -- who may (00_foundation.sql)
    SELECT * INTO pending FROM tilskot.appeal WHERE application_id = app.id AND outcome IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% refused: % has no appeal pending; register one with `tilskot application appeal %`',
            what, app.reference, app.reference USING ERRCODE = '23T35';
    END IF;
    IF NEW.appeal_id IS NULL THEN
        NEW.appeal_id := pending.id;
    ELSIF NEW.appeal_id <> pending.id THEN
        RAISE EXCEPTION '% refused: appeal % is not the appeal pending on % (that is %)',
            what, NEW.appeal_id, app.reference, pending.id USING ERRCODE = '23T35';
    END IF;
    SELECT * INTO appealed FROM tilskot.decision WHERE id = pending.decision_id;
    NEW.step_date := coalesce(NEW.step_date, tilskot.today());
    IF NEW.step_date > tilskot.today() THEN
        RAISE EXCEPTION '% refused: the date % is in the future', what, tilskot.iso_date(NEW.step_date)
            USING ERRCODE = '23T05';
    END IF;
    IF NEW.step_date < pending.received THEN
        RAISE EXCEPTION '% refused: the date % is before the appeal on % was received (%)',
            what, tilskot.iso_date(NEW.step_date), app.reference, tilskot.iso_date(pending.received) USING ERRCODE = '23T05';
    END IF;
    IF NEW.kind IN ('dismiss', 'forward') THEN
        IF pending.forwarded_on IS NOT NULL THEN
            RAISE EXCEPTION '% refused: the appeal on % was sent to % on %; only the appeal body decides it now — record its decision with `tilskot appeal body-decision %`',
                what, app.reference, pending.appeal_body, tilskot.iso_date(pending.forwarded_on), app.reference
                USING ERRCODE = '23T35';
        END IF;
        IF pending.registered_by = actor THEN
            RAISE EXCEPTION '% refused: % registered the appeal on % and cannot also decide it; another manager must decide the appeal',
                what, actor, app.reference USING ERRCODE = '23T03';
        END IF;
        IF EXISTS (SELECT 1 FROM tilskot.disqualification q WHERE q.application_id = app.id AND q.person = actor) THEN
            RAISE EXCEPTION '% refused: % is disqualified on % (fvl. §§ 6–10) and cannot decide its appeal',
                what, actor, app.reference USING ERRCODE = '23T04';
        END IF;
    ELSIF pending.forwarded_on IS NULL THEN
        RAISE EXCEPTION '% refused: the appeal on % has not been sent to the appeal body; send it with `tilskot appeal forward %`, or decide it at first instance',
            what, app.reference, app.reference USING ERRCODE = '23T35';
    ELSIF NEW.step_date < pending.forwarded_on THEN
        RAISE EXCEPTION '% refused: the date % is before the appeal on % was sent to the appeal body (%)',
            what, tilskot.iso_date(NEW.step_date), app.reference, tilskot.iso_date(pending.forwarded_on) USING ERRCODE = '23T05';
    END IF;
    IF NEW.kind = 'forward' AND pending.late AND pending.late_reason IS NULL THEN
        RAISE EXCEPTION 'forwarding refused: the appeal on % was registered as late with no reason to consider it (fvl. § 31), so it can only be dismissed: `tilskot appeal dismiss % --ground late`',
            app.reference, app.reference USING ERRCODE = '23T35';
    END IF;
    IF NEW.kind = 'dismiss' AND NEW.ground = 'late' AND NOT pending.late THEN
        RAISE EXCEPTION 'dismissal refused: the appeal on % was registered as in time, so it cannot be dismissed as late; give the ground that applies',
            app.reference USING ERRCODE = '23T35';
    END IF;
    -- The sentences for appeal_step_ground_for_dismissal and appeal_step_reasons_present.
    IF NEW.kind = 'dismiss' AND NEW.ground IS NULL THEN
        RAISE EXCEPTION 'dismissal refused: give the ground (late, no standing, withdrawn or other; fvl. § 33 second paragraph)'
            USING ERRCODE = '23T05';
    ELSIF NEW.kind <> 'dismiss' AND NEW.ground IS NOT NULL THEN
        RAISE EXCEPTION '% refused: a ground belongs only to a dismissal', what USING ERRCODE = '23T05';
    END IF;
    IF NEW.kind <> 'forward' AND NOT tilskot.has_words(coalesce(NEW.reasons, '')) THEN
        RAISE EXCEPTION '% refused: the % of the appeal on % must state its reasons in words (fvl. §§ 24–25)',
            what, what, app.reference USING ERRCODE = '23T05';
    END IF;
    IF NEW.body_reference IS NOT NULL AND NEW.kind NOT IN ('body_upheld', 'body_quashed') THEN
        RAISE EXCEPTION '% refused: the appeal body''s reference belongs to its decision', what USING ERRCODE = '23T05';
    END IF;

    IF NEW.kind = 'dismiss' THEN
        UPDATE tilskot.appeal SET outcome = 'dismissed', resolved_at = now() WHERE id = pending.id;
        UPDATE tilskot.application SET status = pending.status_before WHERE id = app.id AND status <> pending.status_before;
    ELSIF NEW.kind = 'forward' THEN
        SELECT b.name_nn INTO body FROM tilskot.scheme_appeal_body b
         WHERE b.scheme_id = app.scheme_id AND b.from_date <= appealed.decision_date
         ORDER BY b.from_date DESC LIMIT 1;
        IF body IS NULL THEN
            RAISE EXCEPTION 'forwarding refused: % has no appeal body for decisions of % (fvl. § 28); a manager sets it with `tilskot scheme appeal-body % --from DATE --nn … --nb … --en …`',
                (SELECT s.code FROM tilskot.scheme s WHERE s.id = app.scheme_id), tilskot.iso_date(appealed.decision_date),
                (SELECT s.code FROM tilskot.scheme s WHERE s.id = app.scheme_id)
                USING ERRCODE = '23T35';
        END IF;
        UPDATE tilskot.appeal SET forwarded_on = NEW.step_date, forwarded_by = actor, appeal_body = body WHERE id = pending.id;
    ELSIF NEW.kind = 'body_upheld' THEN
        UPDATE tilskot.appeal SET outcome = 'upheld', resolved_at = now() WHERE id = pending.id;
        UPDATE tilskot.application SET status = pending.status_before WHERE id = app.id AND status <> pending.status_before;
    ELSE
        UPDATE tilskot.appeal SET outcome = 'quashed', resolved_at = now() WHERE id = pending.id;
    END IF;
    NEW.recorded_by := actor;
    NEW.recorded_at := now();
    RETURN NEW;
END
$$;

-- A grant in follow-up is not closed while an appeal on it is pending or quashed and not yet
-- decided anew: the decision may still change (fvl. §§ 33–34). Its own trigger on tilskot.closing,
-- named to fire after closing_before_insert (12_closing.sql), which locks the application and
-- checks the role first.
CREATE OR REPLACE FUNCTION tilskot.closing_no_appeal_open() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    open_appeal tilskot.appeal;
BEGIN
    SELECT * INTO open_appeal FROM tilskot.appeal
     WHERE application_id = NEW.application_id
       AND (outcome IS NULL OR (outcome = 'quashed' AND resolved_by_decision_id IS NULL))
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'closing refused: % has an appeal %; decide it first',
            (SELECT reference FROM tilskot.application WHERE id = NEW.application_id),
            CASE WHEN open_appeal.outcome IS NULL THEN 'pending, received ' || tilskot.iso_date(open_appeal.received)
                 ELSE 'quashed by the appeal body and awaiting the new decision' END
            USING ERRCODE = '23T26';
    END IF;
    RETURN NEW;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- aa_appeal_decided_by_another sorts after a0_case_guard (05_case_guard.sql), so the guard row is
-- taken first, and before decision_before_insert (07_decisions.sql), so its four-eyes sentence (23T03)
-- comes before the decision changes anything.

-- on tilskot.appeal
CREATE OR REPLACE TRIGGER appeal_before_insert BEFORE INSERT ON tilskot.appeal FOR EACH ROW EXECUTE FUNCTION tilskot.appeal_before_insert();

-- on tilskot.appeal_step
CREATE OR REPLACE TRIGGER appeal_step_before_insert BEFORE INSERT ON tilskot.appeal_step FOR EACH ROW EXECUTE FUNCTION tilskot.appeal_step_before_insert();

-- on tilskot.closing (closing_no_appeal_open sorts after closing_before_insert, 12_closing.sql)
CREATE OR REPLACE TRIGGER closing_no_appeal_open BEFORE INSERT ON tilskot.closing FOR EACH ROW EXECUTE FUNCTION tilskot.closing_no_appeal_open();

-- on tilskot.decision
CREATE OR REPLACE TRIGGER aa_appeal_decided_by_another BEFORE INSERT ON tilskot.decision FOR EACH ROW EXECUTE FUNCTION tilskot.appeal_decided_by_another();

-- on tilskot.round_move
CREATE OR REPLACE TRIGGER round_move_before_insert BEFORE INSERT ON tilskot.round_move FOR EACH ROW EXECUTE FUNCTION tilskot.round_move_before_insert();

-- on tilskot.withdrawal
CREATE OR REPLACE TRIGGER withdrawal_before_insert BEFORE INSERT ON tilskot.withdrawal FOR EACH ROW EXECUTE FUNCTION tilskot.withdrawal_before_insert();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.appeal TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, decision_id, received, sent_on, late, late_reason, grounds) ON TABLE tilskot.appeal TO tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.appeal_step TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, appeal_id, kind, ground, step_date, reasons, body_reference) ON TABLE tilskot.appeal_step TO tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.round_move TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, to_round_id, reason) ON TABLE tilskot.round_move TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.withdrawal TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, reason) ON TABLE tilskot.withdrawal TO tilskot_caseworker, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.appeal_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.appeal_decided_by_another() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.appeal_step_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.closing_no_appeal_open() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.round_move_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.withdrawal_before_insert() FROM PUBLIC;
