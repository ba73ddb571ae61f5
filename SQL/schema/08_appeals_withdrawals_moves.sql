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

CREATE OR REPLACE FUNCTION tilskot.appeal_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'appeal');
    cur tilskot.decision;
    pending tilskot.appeal;
    deadline date;
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
    IF app.status NOT IN ('granted', 'partially_granted', 'rejected', 'dismissed') THEN
        RAISE EXCEPTION 'appeal refused: % is %; a decision can be appealed only before follow-up starts',
            app.reference, tilskot.status_words(app.status) USING ERRCODE = '23T02';
    END IF;
    IF NEW.received > current_date THEN
        RAISE EXCEPTION 'appeal refused: the received date % is in the future; give the date the appeal reached the directorate',
            tilskot.iso_date(NEW.received) USING ERRCODE = '23T07';
    END IF;
    IF NEW.received < cur.decision_date THEN
        RAISE EXCEPTION 'appeal refused: it is dated as received %, before the decision it appeals (%)',
            tilskot.iso_date(NEW.received), tilskot.iso_date(cur.decision_date) USING ERRCODE = '23T07';
    END IF;
    deadline := cur.decision_date + 21;
    IF NEW.received > deadline AND NOT (NEW.late AND btrim(coalesce(NEW.late_reason, '')) <> '') THEN
        RAISE EXCEPTION 'appeal refused: it reached the directorate on %, after the deadline of % (3 weeks from the decision of %); register it as late with a reason if it is to be considered (fvl. § 31)',
            tilskot.iso_date(NEW.received), tilskot.iso_date(deadline), tilskot.iso_date(cur.decision_date)
            USING ERRCODE = '23T07';
    END IF;
    IF NEW.late AND btrim(coalesce(NEW.late_reason, '')) = '' THEN
        RAISE EXCEPTION 'appeal refused: a late appeal on % needs a reason', app.reference USING ERRCODE = '23T07';
    END IF;
    -- The sentence for appeal_grounds_present.
    IF NOT tilskot.has_words(coalesce(NEW.grounds, '')) THEN
        RAISE EXCEPTION 'appeal refused: the appeal on % needs its grounds in words (what the appellant says)', app.reference
            USING ERRCODE = '23T07';
    END IF;
    UPDATE tilskot.application SET status = 'appealed' WHERE id = app.id;
    NEW.registered_by := tilskot.acting_user();
    NEW.registered_at := now();
    NEW.outcome := NULL;
    NEW.resolved_by_decision_id := NULL;
    NEW.resolved_at := NULL;
    RETURN NEW;
END
$$;

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
    SELECT registered_by INTO registrar FROM tilskot.appeal WHERE application_id = app.id AND outcome IS NULL;
    IF registrar = actor THEN
        RAISE EXCEPTION 'decision refused: % registered the appeal on % and cannot also decide it; another manager must decide the appeal',
            actor, app.reference USING ERRCODE = '23T03';
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

-- on tilskot.decision
CREATE OR REPLACE TRIGGER aa_appeal_decided_by_another BEFORE INSERT ON tilskot.decision FOR EACH ROW EXECUTE FUNCTION tilskot.appeal_decided_by_another();

-- on tilskot.round_move
CREATE OR REPLACE TRIGGER round_move_before_insert BEFORE INSERT ON tilskot.round_move FOR EACH ROW EXECUTE FUNCTION tilskot.round_move_before_insert();

-- on tilskot.withdrawal
CREATE OR REPLACE TRIGGER withdrawal_before_insert BEFORE INSERT ON tilskot.withdrawal FOR EACH ROW EXECUTE FUNCTION tilskot.withdrawal_before_insert();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.appeal TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, decision_id, received, late, late_reason, grounds) ON TABLE tilskot.appeal TO tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.round_move TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, to_round_id, reason) ON TABLE tilskot.round_move TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.withdrawal TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, reason) ON TABLE tilskot.withdrawal TO tilskot_caseworker, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.appeal_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.appeal_decided_by_another() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.round_move_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.withdrawal_before_insert() FROM PUBLIC;
