-- Every rule that reads other rows holds at every isolation level (issue 14, breaches 2–4).
--
-- The rules of a case are checked by the BEFORE INSERT trigger of the event that changes it, under
-- the application's row lock (tilskot.lock_application, FOR UPDATE). That lock orders the writers of
-- one case, and at READ COMMITTED each statement of a trigger takes a fresh snapshot, so a checker
-- sees whatever the writer before it committed. At REPEATABLE READ and SERIALIZABLE it does not: the
-- checker reads with the transaction's snapshot, taken at its first statement, and a lock on the
-- application row raises a serialization failure (40001) only if that row was *changed* after the
-- snapshot. Most events leave the row alone (a second assessment, a disqualification, an instalment
-- planned while the case is in follow-up), so a transaction opened before them passed its check on
-- a stale picture and committed:
--
--   2. four-eyes: a manager opens a REPEATABLE READ transaction, assesses the case in another
--      session, and decides it in the first (also SERIALIZABLE against a READ COMMITTED assessment);
--   3. conflict of interest (fvl. §§ 6–10): a disqualification committed after the snapshot is not
--      seen by the disqualified person's decision or assessment;
--   4. settled closing: a closing at REPEATABLE READ does not see an instalment planned meanwhile,
--      and the grant is closed with money still to go out that can never be attested;
--   and by the same pattern: two instalments planned at once over the grant, two claw-backs over
--   what was paid, two repayments over what is owed, a report approved against a duty replaced.
--
-- The class is closed here, not the instances: one row per case, tilskot.case_guard, that every
-- writer of a case *updates* before its rule reads anything. A SECURITY DEFINER trigger,
-- a0_case_guard, is the first BEFORE trigger on every table whose rows a case rule reads or whose
-- rule reads other rows of the case (the list below). Because the guard row is updated — not just
-- locked — by every such writer:
--
--   * REPEATABLE READ / SERIALIZABLE: a transaction whose snapshot predates another writer's commit
--     finds the guard row changed after its snapshot and gets 40001 ("could not serialize access due
--     to concurrent update"; the service runs the transaction again, Connection.retrying), instead
--     of a stale pass. Two writers in flight at once queue on the row; the second gets 40001 when
--     the first commits.
--   * READ COMMITTED: the writer waits for the row, then its rule's statements read fresh snapshots
--     and see what the other committed: the rule's own sentence and SQLSTATE.
--
-- So at every level the writers of one case are totally ordered by commit, and each check sees every
-- change of the case committed before it. (A mere SELECT … FOR UPDATE would not do: PostgreSQL
-- raises 40001 for a REPEATABLE READ locker only when the row was updated after its snapshot.)
--
-- Why a guard row and not the application row: updating the application would fire its audit,
-- tally and state-machine triggers on every event; the guard row has no trigger, no index but its
-- key, and is written only here (no group role has any right on it), with fillfactor 50 so that its
-- updates stay HOT. It has no foreign key to the application on purpose: a key check would take a
-- KEY SHARE lock on the application row before the rule's own FOR UPDATE, and an event that names an
-- application that does not exist must still get its rule's sentence (23T12), not a key violation.
-- Applications are never deleted (23T09) and identities are not reused, so the row cannot dangle.
--
-- Lock order, everywhere: the case's guard row, then the application row, then the round's row.
--
-- Why "a0_": triggers of one timing fire in name order (byte order), and the rules are
-- `<table>_before_insert` and `aa_*`; "a0_case_guard" sorts before them all, so at READ COMMITTED
-- the wait happens before the rule reads. Other engineers' new BEFORE triggers on these tables
-- should sort after "a0_" (start them with a letter).
--
-- Rules that read rows of other cases. The round's frame (grants of a round ≤ its frame, 0044):
-- every writer of what it reads already *updates* the round's row — a grant or superseding decision
-- at COMMIT (decision_within_frame: FOR NO KEY UPDATE, then UPDATE granted_ore), a frame adjustment
-- (frame_adjustment_before_insert: FOR NO KEY UPDATE, then UPDATE frame_ore) — so the round row is
-- already the frame's guard: an old snapshot gets 40001 there. A round move changes no grant (only
-- undecided applications move, 0003's application_before_update) and updates the application row,
-- which a decision on the same case locks. IsolationMatrixTests proves both at all three levels;
-- nothing here redefines the frame's functions.
--
-- The participant register (0016) is left out: its writers are functions of another change (issue 14
-- breaches 5–7), and no participant rule is read back by a case rule.

CREATE TABLE tilskot.case_guard (
    application_id bigint PRIMARY KEY,
    -- How many guarded events the case has had; only its changing matters.
    touched        bigint NOT NULL
) WITH (fillfactor = 50);

COMMENT ON TABLE tilskot.case_guard IS
    'One row per case, updated by every writer of the case before its rule reads (0050): old snapshots get 40001 instead of a stale pass.';

REVOKE ALL ON tilskot.case_guard FROM PUBLIC;

-- The first BEFORE trigger of every guarded event. TG_ARGV[0] says how the event names its case:
-- its own application_id column, or the payment, report, claw-back or claw-back appeal it acts on
-- (whose application never changes). When the case cannot be found the event's own trigger refuses
-- it with its sentence, so this one steps aside.
CREATE FUNCTION tilskot.case_guard_touch() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app_id bigint;
BEGIN
    -- Separate statements, not one CASE: NEW has only the columns of the table that fired.
    IF TG_ARGV[0] = 'payment' THEN
        SELECT p.application_id INTO app_id FROM tilskot.payment p WHERE p.id = NEW.payment_id;
    ELSIF TG_ARGV[0] = 'report' THEN
        SELECT r.application_id INTO app_id FROM tilskot.recipient_report r WHERE r.id = NEW.report_id;
    ELSIF TG_ARGV[0] = 'clawback' THEN
        SELECT c.application_id INTO app_id FROM tilskot.clawback c WHERE c.id = NEW.clawback_id;
    ELSIF TG_ARGV[0] = 'clawback_appeal' THEN
        SELECT a.application_id INTO app_id FROM tilskot.clawback_appeal a WHERE a.id = NEW.appeal_id;
    ELSE
        app_id := NEW.application_id;
    END IF;
    IF app_id IS NOT NULL THEN
        -- An update, not a lock: see the top of this file.
        INSERT INTO tilskot.case_guard AS g (application_id, touched) VALUES (app_id, 1)
        ON CONFLICT (application_id) DO UPDATE SET touched = g.touched + 1;
    END IF;
    RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION tilskot.case_guard_touch() FROM PUBLIC;

-- Every table whose rows a case rule reads, or whose rule reads other rows of its case, and how its
-- rows name the case:
--   assignment        disqualification (23T04)
--   disqualification  read by assessment, decision, assignment, the tainted-assessment rule
--   assessment        disqualification (23T04), decisions by the assessor (23T03); read by decision
--   decision          disqualification, assessments (23T03/23T04), the current decision and pending
--                     appeal (23T06); read by assessment, appeal, payments, reports, claw-backs
--   appeal            the current decision, a pending appeal (23T07)
--   withdrawal, round_move  the status (on the application row, which they update)
--   report_duty       the grant; read by report review and reminders
--   payment           planned ≤ grant (23T20); read by closing (23T26) and claw-backs
--   payment_event     attested/paid ≤ grant (23T20), the attester did not decide (23T21)
--   recipient_report  one pending or approved report (23T24); read by closing and reminders
--   report_review     the duty's auditor-checked account (23T24)
--   reminder          a report already in (23T24)
--   clawback          claw-backs ≤ paid (23T20); read by closing
--   clawback_appeal   one pending (23T27); read by closing
--   clawback_resolution  repaid (23T20/23T27)
--   repayment         repaid ≤ demanded (23T20); read by closing and resolutions
--   closing           report approved, instalments settled, claw-backs settled (23T26)
--
-- INSERT always: every change of these tables by a group role is an INSERT of an event (no group
-- role holds UPDATE or DELETE on any of them). UPDATE only when it is not made by one of the rule
-- triggers (pg_trigger_depth() = 0, i.e. a direct UPDATE by the owner or a future grant): the
-- triggers' own UPDATEs (is_current, payment status, …) follow an INSERT on the same case that has
-- already touched the guard.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('assignment', 'application_id'), ('disqualification', 'application_id'),
        ('assessment', 'application_id'), ('decision', 'application_id'), ('appeal', 'application_id'),
        ('withdrawal', 'application_id'), ('round_move', 'application_id'),
        ('report_duty', 'application_id'), ('payment', 'application_id'), ('payment_event', 'payment'),
        ('recipient_report', 'application_id'), ('report_review', 'report'), ('reminder', 'application_id'),
        ('clawback', 'application_id'), ('clawback_appeal', 'clawback'),
        ('clawback_resolution', 'clawback_appeal'), ('repayment', 'clawback'), ('closing', 'application_id')
    ) AS v (tbl, via)
    LOOP
        EXECUTE format('CREATE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.%I
                        FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch(%L)', t.tbl, t.via);
        EXECUTE format('CREATE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.%I
                        FOR EACH ROW WHEN (pg_catalog.pg_trigger_depth() = 0)
                        EXECUTE FUNCTION tilskot.case_guard_touch(%L)', t.tbl, t.via);
    END LOOP;
END
$$;

