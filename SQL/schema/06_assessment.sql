-- Assignment, disqualification and assessment.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

CREATE OR REPLACE FUNCTION tilskot.disqualification_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'disqualification');
BEGIN
    NEW.person := coalesce(NEW.person, actor);
    -- fvl. § 8: a person declares their own disqualification; the superior decides on others'.
    IF NEW.person <> actor AND NOT tilskot.has_budget_authority(actor) THEN
        RAISE EXCEPTION 'disqualification refused: % is not a manager; only a manager can declare someone else disqualified', actor
            USING ERRCODE = '42T01';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = NEW.person) THEN
        RAISE EXCEPTION 'disqualification refused: there is no user named %', NEW.person USING ERRCODE = '23T12';
    END IF;
    IF EXISTS (SELECT 1 FROM tilskot.disqualification WHERE application_id = app.id AND person = NEW.person) THEN
        RAISE EXCEPTION 'disqualification refused: % is already disqualified on %', NEW.person, app.reference
            USING ERRCODE = '23T11';
    END IF;
    -- The sentence for disqualification_reason_present.
    IF NOT tilskot.has_words(coalesce(NEW.reason, '')) THEN
        RAISE EXCEPTION 'disqualification refused: declaring % disqualified on % needs a reason in words (fvl. § 6: what ties the person to the case)',
            NEW.person, app.reference USING ERRCODE = '23T05';
    END IF;
    NEW.declared_by := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.assessment_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'assessment');
BEGIN
    -- The sentence for assessment_score_range; checked before the case's state, since a score
    -- outside 1–5 is wrong whatever the case.
    IF NEW.score NOT BETWEEN 1 AND 5 THEN
        RAISE EXCEPTION 'assessment refused: score % is out of range; give a score from 1 (weak) to 5 (strong)', NEW.score
            USING ERRCODE = '23T13';
    END IF;
    IF EXISTS (SELECT 1 FROM tilskot.disqualification WHERE application_id = app.id AND person = actor) THEN
        RAISE EXCEPTION 'assessment refused: % is disqualified on % (fvl. §§ 6–10) and can neither assess nor decide it',
            actor, app.reference USING ERRCODE = '23T04';
    END IF;
    IF EXISTS (SELECT 1 FROM tilskot.decision WHERE application_id = app.id AND decided_by = actor) THEN
        RAISE EXCEPTION 'assessment refused: % decided % and cannot also assess it; the assessor and the decider must be different people',
            actor, app.reference USING ERRCODE = '23T03';
    END IF;
    IF app.status NOT IN ('received', 'in_review', 'assessed', 'appealed') THEN
        RAISE EXCEPTION 'assessment refused: % is %; only an application being handled or appealed can be assessed',
            app.reference, tilskot.status_words(app.status) USING ERRCODE = '23T02';
    END IF;
    IF NEW.recommended_amount_ore < 0 THEN
        RAISE EXCEPTION 'assessment refused: the recommended amount cannot be negative' USING ERRCODE = '23T05';
    END IF;
    IF NEW.recommendation = 'grant' THEN
        NEW.recommended_amount_ore := coalesce(NEW.recommended_amount_ore, app.amount_applied_ore);
        IF NEW.recommended_amount_ore <> app.amount_applied_ore THEN
            RAISE EXCEPTION 'assessment refused: recommending a full grant of % means the amount applied for, %; recommend a partial grant for %',
                app.reference, tilskot.format_kr(app.amount_applied_ore), tilskot.format_kr(NEW.recommended_amount_ore)
                USING ERRCODE = '23T05';
        END IF;
    ELSIF NEW.recommendation = 'partial' THEN
        IF NEW.recommended_amount_ore IS NULL OR NEW.recommended_amount_ore <= 0
           OR NEW.recommended_amount_ore >= app.amount_applied_ore THEN
            RAISE EXCEPTION 'assessment refused: a partial grant of % needs an amount above 0 kr and below the % applied for',
                app.reference, tilskot.format_kr(app.amount_applied_ore) USING ERRCODE = '23T05';
        END IF;
    ELSIF NEW.recommendation = 'reject' THEN
        IF coalesce(NEW.recommended_amount_ore, 0) <> 0 THEN
            RAISE EXCEPTION 'assessment refused: recommending rejection of % grants nothing, so it takes no amount',
                app.reference USING ERRCODE = '23T05';
        END IF;
        NEW.recommended_amount_ore := 0;
    END IF;
    -- The current assessment stays in the record, superseded by this one.
    UPDATE tilskot.assessment SET is_current = false
     WHERE application_id = app.id AND is_current
    RETURNING id INTO NEW.supersedes;
    IF app.status IN ('received', 'in_review') THEN
        UPDATE tilskot.application SET status = 'assessed' WHERE id = app.id;
    END IF;
    NEW.assessor := actor;
    NEW.at := now();
    NEW.is_current := true;
    RETURN NEW;
END
$$;

-- Who handles a case now, the one statement of that rule: an assignment is current when no
-- handover of its case came after it — the latest handover's (a handover row is itself an
-- assignment) and everyone added (kind 'also') since. Earlier assignments stay as the case's
-- history. Rows from before handovers existed are all 'also' (SQL/migrations/0036), so such a case
-- keeps everyone it had. Every reader of "the case's current caseworkers" or "my cases" reads this
-- view (case_caseworkers, my_case_ids, `application list --mine | --assigned`, the handover branch
-- of is_case_caseworker in 13_participants.sql); the planner writes it into each, by case
-- (assignment_application_idx) or by person (assignment_caseworker_idx), with one probe of
-- assignment_handover_idx a row.
CREATE OR REPLACE VIEW tilskot.current_assignment WITH (security_invoker = true) AS
SELECT g.id, g.application_id, g.caseworker, g.kind, g.assigned_by, g.at
  FROM tilskot.assignment g
 WHERE NOT EXISTS (SELECT 1 FROM tilskot.assignment h
                    WHERE h.application_id = g.application_id AND h.kind = 'handover' AND h.id > g.id);

-- The case's current caseworkers, in name order.
CREATE OR REPLACE FUNCTION tilskot.case_caseworkers(application_id bigint) RETURNS text[]
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT coalesce(array_agg(DISTINCT c.caseworker ORDER BY c.caseworker), '{}')
      FROM tilskot.current_assignment c
     WHERE c.application_id = case_caseworkers.application_id
$$;

DROP FUNCTION IF EXISTS tilskot.is_current_caseworker(text, bigint);

-- The cases the caller is a current caseworker of (`--mine`). Inlined by the planner (one SELECT,
-- no settings), so a caller's `IN (SELECT application_id FROM tilskot.my_case_ids())` is a
-- semi-join that starts from her own assignments.
CREATE OR REPLACE FUNCTION tilskot.my_case_ids()
RETURNS TABLE (application_id bigint) LANGUAGE sql STABLE AS $$
    SELECT c.application_id FROM tilskot.current_assignment c WHERE c.caseworker = tilskot.acting_user()
$$;

-- Who may be assigned a case (a manager assigns others; nobody disqualified; only a case being
-- handled), and: nobody assigns herself a case that has had a grant. Such a case holds, or can come
-- to hold, participants (GDPR art. 9), and an assignment gives access to them; that access is given
-- by a manager (who is recorded as assigned_by and as the audit row's actor), never taken. The
-- application row is locked first (the lock order of every case rule), and a granting decision
-- changes that row, so a grant committed by another session is seen here, or, under REPEATABLE READ and
-- SERIALIZABLE, ends this transaction with a serialization failure.
--
-- A handover (kind 'handover', `tilskot application assign REF --to USER`) replaces the case's
-- current caseworkers with USER and records whom it replaced (handed_over_from); a caseworker may
-- take a case nobody else holds, but handing over a colleague's case is a manager's step (it
-- decides who answers for the case, fvl. § 11's duty to guide included). An addition (kind 'also',
-- `--also USER`) puts USER beside them. Both are read under the application's lock, so two
-- handovers at once come one after the other and the second names the first's caseworker.
CREATE OR REPLACE FUNCTION tilskot.assignment_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'assignment');
    current_ones text[];
BEGIN
    NEW.caseworker := coalesce(NEW.caseworker, actor);
    NEW.kind := coalesce(NEW.kind, 'handover');
    IF NEW.caseworker <> actor AND NOT tilskot.has_budget_authority(actor) THEN
        RAISE EXCEPTION 'assignment refused: % is not a manager; only a manager can assign a case to someone else', actor
            USING ERRCODE = '42T01';
    END IF;
    IF NOT (tilskot.is_member(NEW.caseworker, 'tilskot_caseworker') OR tilskot.has_budget_authority(NEW.caseworker)) THEN
        RAISE EXCEPTION 'assignment refused: % is not a caseworker or manager', NEW.caseworker USING ERRCODE = '23T12';
    END IF;
    IF EXISTS (SELECT 1 FROM tilskot.disqualification WHERE application_id = app.id AND person = NEW.caseworker) THEN
        RAISE EXCEPTION 'assignment refused: % is disqualified on % (fvl. §§ 6–10) and cannot handle it',
            NEW.caseworker, app.reference USING ERRCODE = '23T04';
    END IF;
    IF app.status NOT IN ('received', 'in_review', 'assessed', 'appealed') THEN
        RAISE EXCEPTION 'assignment refused: % is %; only a case that is being handled can be assigned',
            app.reference, tilskot.status_words(app.status) USING ERRCODE = '23T02';
    END IF;
    IF NEW.caseworker = actor AND tilskot.granted_before(app.id, 'infinity') THEN
        RAISE EXCEPTION 'assignment refused: % has had a grant and may hold participant data (GDPR art. 9), which is given by a manager, not taken; ask a manager to assign it to you (tilskot application assign % --to %)',
            app.reference, app.reference, actor USING ERRCODE = '42T05';
    END IF;
    current_ones := tilskot.case_caseworkers(app.id);
    IF NEW.kind = 'also' THEN
        IF NEW.caseworker = ANY (current_ones) THEN
            RAISE EXCEPTION 'assignment refused: % is already a caseworker of %', NEW.caseworker, app.reference
                USING ERRCODE = '23T11';
        END IF;
        NEW.handed_over_from := NULL;
    ELSE
        IF current_ones = ARRAY[NEW.caseworker] THEN
            RAISE EXCEPTION 'assignment refused: % is already the caseworker of %', NEW.caseworker, app.reference
                USING ERRCODE = '23T11';
        END IF;
        IF NOT tilskot.has_budget_authority(actor) AND EXISTS (SELECT 1 FROM unnest(current_ones) c WHERE c <> actor) THEN
            RAISE EXCEPTION 'assignment refused: % is handled by %; only a manager hands over a colleague''s case; join it with `tilskot application assign % --also %`',
                app.reference, array_to_string(current_ones, ', '), app.reference, actor USING ERRCODE = '42T01';
        END IF;
        NEW.handed_over_from := CASE WHEN cardinality(current_ones) > 0 THEN current_ones END;
    END IF;
    IF app.status = 'received' THEN
        UPDATE tilskot.application SET status = 'in_review' WHERE id = app.id;
    END IF;
    NEW.assigned_by := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- One trigger per table and timing here; each runs after a0_case_guard (05_case_guard.sql) and
-- the aa_ shape checks (00_foundation.sql), so it reads under the case's guard row.

-- on tilskot.assessment
CREATE OR REPLACE TRIGGER assessment_before_insert BEFORE INSERT ON tilskot.assessment FOR EACH ROW EXECUTE FUNCTION tilskot.assessment_before_insert();

-- on tilskot.assignment
CREATE OR REPLACE TRIGGER assignment_before_insert BEFORE INSERT ON tilskot.assignment FOR EACH ROW EXECUTE FUNCTION tilskot.assignment_before_insert();

-- on tilskot.disqualification
CREATE OR REPLACE TRIGGER disqualification_before_insert BEFORE INSERT ON tilskot.disqualification FOR EACH ROW EXECUTE FUNCTION tilskot.disqualification_before_insert();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.assessment TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
GRANT INSERT (application_id, score, recommendation, recommended_amount_ore, notes) ON TABLE tilskot.assessment TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.assignment TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON TABLE tilskot.current_assignment FROM PUBLIC;
GRANT SELECT ON TABLE tilskot.current_assignment TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
GRANT INSERT (application_id, caseworker, kind) ON TABLE tilskot.assignment TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.disqualification TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
GRANT INSERT (application_id, person, reason) ON TABLE tilskot.disqualification TO tilskot_caseworker, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.assessment_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.assignment_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.case_caseworkers(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.case_caseworkers(bigint) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.my_case_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.my_case_ids() TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.disqualification_before_insert() FROM PUBLIC;
