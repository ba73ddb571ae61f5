-- Decisions and the frame.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

-- Resolving the appeal points at the new decision, so it runs once the decision row exists: a
-- pending appeal is 'changed' (omgjort by the first instance, § 33 second paragraph, or changed by
-- the appeal body, § 34); an appeal the appeal body quashed keeps 'quashed' and now points at the
-- directorate's new decision on the case sent back.
CREATE OR REPLACE FUNCTION tilskot.decision_after_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF NEW.appeal_id IS NOT NULL THEN
        UPDATE tilskot.appeal
           SET outcome = CASE WHEN outcome = 'quashed' THEN 'quashed' ELSE 'changed' END,
               resolved_by_decision_id = NEW.id,
               resolved_at = coalesce(resolved_at, now())
         WHERE id = NEW.appeal_id;
    END IF;
    RETURN NULL;
END
$$;

-- Follow-up (issue 5): what happens to a grant after the decision. This file holds what every
-- follow-up step shares: the error codes, the check that there is a grant to follow up, the
-- reporting duty (rapporteringsplikt) and the step granted → in_follow_up.
--
-- When does an application go from granted to in_follow_up? At the first follow-up act on it:
-- normally the payment plan (09_payments.sql), else a reporting duty set by hand or a report
-- received (10_reporting.sql). That act also gives the grant its default reporting duty. Until then
-- a decided application can still be appealed (08_appeals_withdrawals_moves.sql refuses appeals
-- once follow-up has started).
--
-- The refusals of follow-up, one sentence each, with an SQLSTATE that says which rule (the "T" as
-- third character marks our own codes; SQL/schema/README.md lists them all):
--
--   23T20  money: payments over the grant, a claw-back over what was paid, a repayment over the
--          claw-back
--   23T21  separate duties (to-personskontroll): the attester decided the grant or planned the
--          instalment, the payer attested it
--   23T22  no grant: the application is rejected, dismissed, withdrawn, undecided, under appeal or
--          closed, so there is nothing to pay or follow up
--   23T23  payments: the step does not fit the payment's status, or a voucher, reason, date or
--          bank account is missing or wrong
--   23T24  reporting: duty dates, an auditor-checked account, a report already in or reviewed
--   23T25  reminders: the application was already reminded this ISO week
--   23T26  closing: reports not approved, payments or claw-backs not settled
--   23T27  claw-backs: content, appeals (deadline, one pending), resolutions
--   23T28  participant register: a code that looks like an identity number, bad dates or values
--   42T02  a step for finance (attesting, paying) or for finance and managers (withholding)
--   42T03  participant data: the user is neither a participant reader nor a caseworker of the case
--
-- As in the lifecycle, every change is an INSERT of an event row whose SECURITY DEFINER trigger
-- checks the rule under the application's row lock and changes what the event implies; no group
-- role is granted UPDATE or DELETE on a follow-up table.


-- The amount of the application's current grant, or NULL when its current decision grants nothing.
CREATE OR REPLACE FUNCTION tilskot.current_grant_ore(application_id bigint) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT d.amount_ore FROM tilskot.decision d
     WHERE d.application_id = current_grant_ore.application_id AND d.is_current
       AND d.outcome IN ('granted', 'partially_granted')
$$;

-- The frame's row lock held for the commit only, not for the whole decision.
--
-- Deciders of one round queue on the round's row. Taken in the middle of the decision trigger, that
-- lock would be held to COMMIT: through the status change, three audit rows, the tally, the decision
-- row's own indexes, foreign keys and AFTER triggers, the round trip back to the client and the
-- client's COMMIT, and all managers of one round would be one queue of all that
-- (docs/performance.md). pgbench's tpcb-like holds its hot branch row only for its last two
-- statements and the commit, and so does this.
--
-- So the decision trigger checks everything else, and checks the frame against the round as last
-- committed, without a lock: a grant that already does not fit is refused at once, with the frame's
-- sentence. The check that counts is a constraint trigger deferred to COMMIT
-- (decision_within_frame): it locks the round's row (FOR NO KEY UPDATE), adds the
-- decision's change to the round's granted sum, refuses with the same sentence and SQLSTATE 23T01
-- if that goes over the frame, and writes the new sum. So deciders of one round still queue, and
-- each still sees every grant committed before it (two sessions can never both take the last
-- million), but they queue only for that one row update and the commit itself. Decisions that do
-- not change the granted sum (a rejection or dismissal of an undecided application) do not touch
-- the round at all.
--
-- What a client sees: in autocommit the INSERT fails; in an explicit transaction a grant
-- that lost the race is refused by the COMMIT (same sentence, same SQLSTATE, nothing written), which
-- Session.transaction turns into the same refusal for the service layer. Within the transaction
-- that made it, round.granted_ore counts a decision only from COMMIT on. The CHECK that granted_ore
-- never exceeds frame_ore (round_granted_within_frame, 0001_baseline.sql) is the last line. Lock
-- order: the application's row (taken by the decision trigger), then the round's.

CREATE OR REPLACE FUNCTION tilskot.decision_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application;
    -- What the rules read, fetched in one statement (each statement a trigger runs has a fixed cost).
    disqualified boolean;
    assessed_it boolean;
    cur_id bigint;
    cur_outcome text;
    cur_amount bigint;
    cur_date date;
    cur_conditions text;
    pending_id bigint;
    pending_received date;
    pending_forwarded date;
    pending_body text;
    pending_late_unreasoned boolean;
    quashed_id bigint;
    appeal_id bigint;
    notice_problem text;
    tainted text;
    frame bigint;
    granted bigint;
    counted_before bigint := 0;
    counted_after bigint;
    total bigint;
BEGIN
    -- The application's row first (lock order: application, then round), as lock_application does.
    SELECT * INTO app FROM tilskot.application WHERE id = NEW.application_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'decision refused: there is no application with id %', NEW.application_id USING ERRCODE = '23T12';
    END IF;
    PERFORM tilskot.require_role('decision');  -- who may (00_foundation.sql)
    -- A new statement, so a new snapshot: it sees whatever was committed while we waited for the row.
    SELECT EXISTS (SELECT 1 FROM tilskot.disqualification q WHERE q.application_id = app.id AND q.person = actor),
           EXISTS (SELECT 1 FROM tilskot.assessment s WHERE s.application_id = app.id AND s.assessor = actor),
           d.id, d.outcome, d.amount_ore, d.decision_date, d.conditions, p.id, p.received, p.forwarded_on,
           p.appeal_body, p.late AND p.late_reason IS NULL,
           (SELECT q.id FROM tilskot.appeal q
             WHERE q.application_id = app.id AND q.outcome = 'quashed' AND q.resolved_by_decision_id IS NULL),
           (SELECT s.assessor FROM tilskot.assessment s
              JOIN tilskot.disqualification q ON q.application_id = s.application_id AND q.person = s.assessor
             WHERE s.application_id = app.id AND s.is_current),
           r.frame_ore, r.granted_ore
      INTO disqualified, assessed_it, cur_id, cur_outcome, cur_amount, cur_date, cur_conditions, pending_id,
           pending_received, pending_forwarded, pending_body, pending_late_unreasoned, quashed_id,
           tainted, frame, granted
      FROM tilskot.round r
      LEFT JOIN tilskot.decision d ON d.application_id = app.id AND d.is_current
      LEFT JOIN tilskot.appeal p ON p.application_id = app.id AND p.outcome IS NULL
     WHERE r.id = app.round_id;
    IF disqualified THEN
        RAISE EXCEPTION 'decision refused: % is disqualified on % (fvl. §§ 6–10) and can neither assess nor decide it',
            actor, app.reference USING ERRCODE = '23T04';
    END IF;
    -- A decision recorded for the appeal body is the ministry's, not the recorder's.
    IF assessed_it AND NEW.instance = 'directorate' THEN
        RAISE EXCEPTION 'decision refused: % assessed % and cannot also decide it; another manager must decide',
            actor, app.reference USING ERRCODE = '23T03';
    END IF;

    IF app.status = 'withdrawn' THEN
        RAISE EXCEPTION 'decision refused: % was withdrawn and cannot be decided', app.reference
            USING ERRCODE = '23T02';
    END IF;
    -- Who decides an appeal (fvl. §§ 33–34): the first instance until it sends the appeal on, then
    -- only the appeal body, whose decision a manager records (instance 'appeal_body').
    IF NEW.instance = 'appeal_body' AND pending_forwarded IS NULL THEN
        RAISE EXCEPTION 'decision refused: % has no appeal sent to the appeal body; a decision by the appeal body is recorded only on an appeal forwarded with `tilskot appeal forward %`',
            app.reference, app.reference USING ERRCODE = '23T35';
    END IF;
    IF NEW.instance = 'directorate' AND pending_forwarded IS NOT NULL THEN
        RAISE EXCEPTION 'decision refused: the appeal on % was sent to % on %, so the first instance can no longer decide it; record the appeal body''s decision with `tilskot application decide % --by-appeal-body …` or `tilskot appeal body-decision %`',
            app.reference, pending_body, tilskot.iso_date(pending_forwarded), app.reference, app.reference
            USING ERRCODE = '23T35';
    END IF;
    IF NEW.body_reference IS NOT NULL AND NEW.instance <> 'appeal_body' THEN
        RAISE EXCEPTION 'decision refused: a body reference belongs only to a decision of the appeal body' USING ERRCODE = '23T05';
    END IF;
    IF cur_id IS NOT NULL AND pending_id IS NULL AND quashed_id IS NULL THEN
        RAISE EXCEPTION 'decision refused: % is already decided (% on %); only an appeal reopens a decided application',
            app.reference, tilskot.status_words(cur_outcome), tilskot.iso_date(cur_date)
            USING ERRCODE = '23T06';
    END IF;
    IF pending_id IS NOT NULL AND NEW.outcome = 'dismissed' THEN
        RAISE EXCEPTION 'decision refused: --dismiss dismisses the application, not the appeal; to dismiss the appeal on % and keep the decision in force, use `tilskot appeal dismiss % --ground …` (fvl. § 33 second paragraph)',
            app.reference, app.reference USING ERRCODE = '23T35';
    END IF;
    IF pending_late_unreasoned THEN
        RAISE EXCEPTION 'decision refused: the appeal on % was registered as late with no reason to consider it (fvl. § 31), so it can only be dismissed: `tilskot appeal dismiss % --ground late`',
            app.reference, app.reference USING ERRCODE = '23T35';
    END IF;
    IF app.status IN ('received', 'in_review') AND NEW.outcome <> 'dismissed' THEN
        RAISE EXCEPTION 'decision refused: % has not been assessed; assess it before deciding (only a dismissal needs no assessment)',
            app.reference USING ERRCODE = '23T02';
    END IF;
    IF tainted IS NOT NULL THEN
        RAISE EXCEPTION 'decision refused: the current assessment of % was made by %, who is disqualified on it; a new assessment is needed',
            app.reference, tainted USING ERRCODE = '23T04';
    END IF;

    -- Full or partial is the database's to say, not the client's: a grant ('granted') of less than
    -- the amount applied for is a partial grant, and needs reasons below; without an amount it is
    -- of the whole amount. A client that calls the whole amount partial is refused below. A
    -- rejection or dismissal without an amount is of 0 kr.
    NEW.amount_ore := coalesce(NEW.amount_ore, CASE WHEN NEW.outcome = 'granted' THEN app.amount_applied_ore ELSE 0 END);
    IF NEW.outcome = 'granted' AND NEW.amount_ore < app.amount_applied_ore THEN
        NEW.outcome := 'partially_granted';
    END IF;

    -- Content (fvl. §§ 24–25; a grant is never more than was applied for).
    IF NEW.outcome <> 'granted' AND btrim(coalesce(NEW.reasons, '')) = '' THEN
        RAISE EXCEPTION 'decision refused: % of % must state its reasons (fvl. §§ 24–25); only a full grant may go without',
            tilskot.outcome_noun(NEW.outcome), app.reference USING ERRCODE = '23T05';
    END IF;
    IF NEW.amount_ore < 0 THEN
        RAISE EXCEPTION 'decision refused: the amount cannot be negative (%)', tilskot.format_kr(NEW.amount_ore)
            USING ERRCODE = '23T05';
    END IF;
    IF NEW.outcome IN ('granted', 'partially_granted') AND NEW.amount_ore > app.amount_applied_ore THEN
        RAISE EXCEPTION 'decision refused: % applied for %, and a grant cannot exceed the amount applied for (% given)',
            app.reference, tilskot.format_kr(app.amount_applied_ore), tilskot.format_kr(NEW.amount_ore)
            USING ERRCODE = '23T05';
    ELSIF NEW.outcome = 'partially_granted' AND NEW.amount_ore = app.amount_applied_ore THEN
        RAISE EXCEPTION 'decision refused: % is the whole amount applied for by %, which makes it a full grant, not a partial one',
            tilskot.format_kr(NEW.amount_ore), app.reference USING ERRCODE = '23T05';
    ELSIF NEW.outcome = 'partially_granted' AND NEW.amount_ore = 0 THEN
        RAISE EXCEPTION 'decision refused: a partial grant of 0 kr to % is a rejection; reject it instead', app.reference
            USING ERRCODE = '23T05';
    ELSIF NEW.outcome IN ('rejected', 'dismissed') AND NEW.amount_ore <> 0 THEN
        RAISE EXCEPTION 'decision refused: % of % grants nothing, so its amount must be 0 kr',
            tilskot.outcome_noun(NEW.outcome), app.reference USING ERRCODE = '23T05';
    END IF;
    NEW.decision_date := coalesce(NEW.decision_date, tilskot.today());
    IF NEW.decision_date > tilskot.today() THEN
        RAISE EXCEPTION 'decision refused: the decision date % is in the future', tilskot.iso_date(NEW.decision_date)
            USING ERRCODE = '23T05';
    END IF;
    IF NEW.decision_date < app.received THEN
        RAISE EXCEPTION 'decision refused: the decision date % is before % was received (%)',
            tilskot.iso_date(NEW.decision_date), app.reference, tilskot.iso_date(app.received) USING ERRCODE = '23T05';
    END IF;
    IF pending_id IS NOT NULL AND NEW.decision_date < pending_received THEN
        RAISE EXCEPTION 'decision refused: the decision date % is before the appeal on % was received (%)',
            tilskot.iso_date(NEW.decision_date), app.reference, tilskot.iso_date(pending_received) USING ERRCODE = '23T05';
    END IF;
    IF pending_forwarded IS NOT NULL AND NEW.decision_date < pending_forwarded THEN
        RAISE EXCEPTION 'decision refused: the decision date % is before the appeal on % was sent to the appeal body (%)',
            tilskot.iso_date(NEW.decision_date), app.reference, tilskot.iso_date(pending_forwarded) USING ERRCODE = '23T05';
    END IF;

    -- A decision on appeal (or on a case the appeal body sent back).
    appeal_id := coalesce(pending_id, quashed_id);
    IF appeal_id IS NOT NULL THEN
        -- The same decision again keeps it: that is no change (omgjering) but upholding, which the
        -- first instance does by sending the appeal on (§ 33 fourth paragraph) and the appeal body
        -- records as upheld. A case sent back may be decided the same again.
        IF pending_id IS NOT NULL AND NEW.outcome = cur_outcome AND NEW.amount_ore = cur_amount THEN
            IF NEW.instance = 'appeal_body' THEN
                RAISE EXCEPTION 'decision refused: it is the same as the decision appealed (% %); record the appeal body''s decision as upheld with `tilskot appeal body-decision % --upheld`',
                    tilskot.status_words(cur_outcome), tilskot.format_kr(cur_amount), app.reference USING ERRCODE = '23T35';
            END IF;
            RAISE EXCEPTION 'decision refused: it is the same as the decision appealed (% %); to keep the decision, send the appeal to the appeal body with `tilskot appeal forward %`',
                tilskot.status_words(cur_outcome), tilskot.format_kr(cur_amount), app.reference USING ERRCODE = '23T35';
        END IF;
        -- The conditions of the decision appealed carry over to a new grant unless new ones are
        -- given; an empty text states that the new grant has none.
        IF NEW.outcome IN ('granted', 'partially_granted') AND cur_outcome IN ('granted', 'partially_granted')
           AND NEW.conditions IS NULL THEN
            NEW.conditions := cur_conditions;
        END IF;
        -- A change to the appellant's disadvantage (less money, or none): only with its legal basis
        -- (fvl. § 34 third paragraph for the appeal body, § 35 for the first instance) and after an
        -- advance notice (§ 16) that gave the party the chance to answer (advance_notice_problem,
        -- 16_notice.sql).
        IF (CASE WHEN NEW.outcome IN ('granted', 'partially_granted') THEN NEW.amount_ore ELSE 0 END)
           < (CASE WHEN cur_outcome IN ('granted', 'partially_granted') THEN cur_amount ELSE 0 END) THEN
            IF NOT tilskot.has_words(coalesce(NEW.disadvantage_basis, '')) OR NEW.advance_notice_id IS NULL THEN
                RAISE EXCEPTION 'decision refused: it changes the decision on % to the appellant''s disadvantage (% → %); that needs its legal basis (fvl. § 34 third paragraph for the appeal body, § 35 for the directorate: --disadvantage-basis) and the advance notice given first (fvl. § 16: --advance-notice ID)',
                    app.reference, tilskot.format_kr(CASE WHEN cur_outcome IN ('granted', 'partially_granted') THEN cur_amount ELSE 0 END),
                    tilskot.format_kr(CASE WHEN NEW.outcome IN ('granted', 'partially_granted') THEN NEW.amount_ore ELSE 0 END)
                    USING ERRCODE = '23T36';
            END IF;
            notice_problem := tilskot.advance_notice_problem(NEW.advance_notice_id, app.id, 'change', NEW.decision_date);
            IF notice_problem IS NOT NULL THEN
                RAISE EXCEPTION 'decision refused: %', notice_problem USING ERRCODE = '23T36';
            END IF;
        ELSIF NEW.disadvantage_basis IS NOT NULL OR NEW.advance_notice_id IS NOT NULL THEN
            RAISE EXCEPTION 'decision refused: it does not change the decision on % to the appellant''s disadvantage; leave out the disadvantage basis and advance notice',
                app.reference USING ERRCODE = '23T36';
        END IF;
    ELSIF NEW.disadvantage_basis IS NOT NULL OR NEW.advance_notice_id IS NOT NULL THEN
        RAISE EXCEPTION 'decision refused: % is not a decision on appeal, so it changes nothing to anyone''s disadvantage; leave out the disadvantage basis and advance notice',
            app.reference USING ERRCODE = '23T36';
    END IF;
    IF NEW.conditions IS NOT NULL AND btrim(NEW.conditions) = '' THEN
        NEW.conditions := NULL;
    END IF;

    -- The frame, as last committed and without a lock: what already does not fit is refused now.
    -- Whatever fits here is checked again, under the round's row lock, at COMMIT
    -- (decision_within_frame below), which is the check that holds under concurrency.
    IF cur_id IS NOT NULL AND cur_outcome IN ('granted', 'partially_granted') THEN
        counted_before := cur_amount;
    END IF;
    counted_after := CASE WHEN NEW.outcome IN ('granted', 'partially_granted') THEN NEW.amount_ore ELSE 0 END;
    total := granted - counted_before + counted_after;
    IF counted_after > counted_before AND total > frame THEN
        RAISE EXCEPTION 'decision refused: % would bring % to %, % over its frame of %',
            app.reference, tilskot.round_label(app.round_id), tilskot.format_kr(total),
            tilskot.format_kr(total - frame), tilskot.format_kr(frame)
            USING ERRCODE = '23T01';
    END IF;

    IF cur_id IS NOT NULL THEN
        UPDATE tilskot.decision SET is_current = false WHERE id = cur_id;
        NEW.supersedes := cur_id;
    ELSE
        NEW.supersedes := NULL;
    END IF;
    NEW.appeal_id := appeal_id;
    -- In follow-up the status stays in_follow_up (fvl. § 42: the decision is carried out while it
    -- is appealed; what a changed grant means for payments is 09_payments.sql's).
    IF app.status <> 'in_follow_up' THEN
        UPDATE tilskot.application SET status = NEW.outcome WHERE id = app.id;
    END IF;
    NEW.decided_by := actor;
    NEW.decided_at := now();
    NEW.is_current := true;
    RETURN NEW;
END
$$;

-- At COMMIT: the decision's change to its round's granted sum, under the round's row lock. Deciders
-- of one round queue here, so each sees the grants committed before it.
CREATE OR REPLACE FUNCTION tilskot.decision_within_frame() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    counted_before bigint := 0;
    counted_after bigint := CASE WHEN NEW.outcome IN ('granted', 'partially_granted') THEN NEW.amount_ore ELSE 0 END;
    app_round bigint;
    app_reference text;
    r tilskot.round;
    total bigint;
BEGIN
    IF NEW.supersedes IS NOT NULL THEN
        SELECT CASE WHEN d.outcome IN ('granted', 'partially_granted') THEN d.amount_ore ELSE 0 END
          INTO counted_before FROM tilskot.decision d WHERE d.id = NEW.supersedes;
    END IF;
    IF counted_after = counted_before THEN
        RETURN NULL;
    END IF;
    SELECT a.round_id, a.reference INTO app_round, app_reference FROM tilskot.application a WHERE a.id = NEW.application_id;
    -- NO KEY UPDATE rather than UPDATE: it queues deciders and adjusters on the round but does not
    -- block new applications, whose foreign key to the round only takes KEY SHARE.
    SELECT * INTO r FROM tilskot.round WHERE id = app_round FOR NO KEY UPDATE;
    total := r.granted_ore - counted_before + counted_after;
    IF total > r.frame_ore THEN
        RAISE EXCEPTION 'decision refused: % would bring % to %, % over its frame of %',
            app_reference, tilskot.round_label(r.id), tilskot.format_kr(total),
            tilskot.format_kr(total - r.frame_ore), tilskot.format_kr(r.frame_ore)
            USING ERRCODE = '23T01';
    END IF;
    UPDATE tilskot.round SET granted_ore = total WHERE id = r.id;
    RETURN NULL;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- decision_before_insert runs after a0_case_guard (05_case_guard.sql) and aa_appeal_decided_by_another
-- (08_appeals_withdrawals_moves.sql). decision_within_frame is deferred: its event is queued after the
-- caseload fold's (14_report_summaries.sql), so the fold runs first at COMMIT, never under the round's
-- row lock (FrameAtCommitTests checks the order).

-- on tilskot.decision
CREATE OR REPLACE TRIGGER decision_after_insert AFTER INSERT ON tilskot.decision FOR EACH ROW EXECUTE FUNCTION tilskot.decision_after_insert();
CREATE OR REPLACE TRIGGER decision_before_insert BEFORE INSERT ON tilskot.decision FOR EACH ROW EXECUTE FUNCTION tilskot.decision_before_insert();
DROP TRIGGER IF EXISTS decision_within_frame ON tilskot.decision;
CREATE CONSTRAINT TRIGGER decision_within_frame AFTER INSERT ON tilskot.decision DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (((new.outcome = ANY (ARRAY['granted'::text, 'partially_granted'::text])) OR (new.supersedes IS NOT NULL))) EXECUTE FUNCTION tilskot.decision_within_frame();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.decision TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
GRANT INSERT (application_id, outcome, amount_ore, reasons, conditions, decision_date, instance, body_reference, disadvantage_basis, advance_notice_id) ON TABLE tilskot.decision TO tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.current_grant_ore(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.current_grant_ore(bigint) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.decision_after_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.decision_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.decision_within_frame() FROM PUBLIC;
