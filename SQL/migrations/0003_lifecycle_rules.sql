-- The lifecycle rules that hold whatever client writes: the frame, the state machine, four-eyes,
-- conflicts of interest, decision content, appeal deadlines, the registration window, and the
-- append-only audit log. Each refusal is one sentence a caseworker understands (the CLI shows it as
-- it is) with an SQLSTATE that says which rule:
--
--   23T01  the round's frame: a decision or a frame adjustment would put grants over the frame
--   23T02  the state machine: the application's status does not allow this step
--   23T03  four-eyes: the decider assessed the application, or the assessor decided it
--   23T04  conflict of interest (fvl. §§ 6–10): a disqualified person assessing or deciding
--   23T05  decision or assessment content: reasons missing, amount not fitting the outcome or the
--          amount applied for, dates out of order
--   23T06  deciding twice: a current decision exists and no appeal is pending
--   23T07  appeals: nothing to appeal, one already pending, dates, a late appeal without a reason
--   23T08  registration: outside the round's window without a manager's late registration, applicant
--          kind not accepted by the scheme, a received date in the future
--   23T09  the record: audit-log rows are never changed or deleted; case records are never deleted
--   23T10  moving an application: to the same round or to another scheme's round
--   23T11  a duplicate (external reference, organisation number, round, scheme code or prefix)
--   23T12  a referenced round, organisation, application or user does not exist
--   23T13  a value's own shape (an organisation number's check digit, a negative amount)
--   42T01  a step that needs a manager (deciding, opening rounds, adjusting frames, late
--          registrations, assigning or disqualifying someone else)
--
-- Every code of ours has "T" as its third character (class 23 = integrity, class 42 = access), so a
-- client tells our sentences from PostgreSQL's own errors by that alone and shows them as they are.
-- PostgreSQL's own errors still back the rules up (CHECKs, unique indexes, "permission denied").
--
-- Every trigger function is SECURITY DEFINER with a pinned search_path: it runs as the schema owner,
-- so the group roles need only INSERT on the event tables (0004), never UPDATE on the rows a rule
-- maintains (application.status, round.frame_ore/granted_ore, decision.is_current, audit_log).
-- Trigger functions cannot be called directly, so their elevated rights cannot be borrowed.
-- Lock order, everywhere: application row, then round row (deciders queue on the round).

-- ---------------------------------------------------------------------------------------------
-- Words for messages
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.round_label(round_id bigint) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT s.name || ' ' || r.year FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
    WHERE r.id = round_id
$$;

CREATE FUNCTION tilskot.iso_date(d date) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$;

-- "a rejection", "a partial grant": the outcome as a noun in a sentence.
CREATE FUNCTION tilskot.outcome_noun(outcome text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
    SELECT CASE outcome WHEN 'granted' THEN 'a full grant' WHEN 'partially_granted' THEN 'a partial grant'
                        WHEN 'rejected' THEN 'a rejection' WHEN 'dismissed' THEN 'a dismissal'
                        ELSE outcome END
$$;

-- "in review", "partially granted": a status in a sentence.
CREATE FUNCTION tilskot.status_words(status text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$ SELECT replace(status, '_', ' ') $$;

-- ---------------------------------------------------------------------------------------------
-- Audit log: written by this one function for every lifecycle table, append-only by triggers.
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.audit_row() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    row_data jsonb;
    why text;
BEGIN
    IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
    row_data := coalesce(new_row, old_row);
    IF TG_OP = 'UPDATE' THEN
        -- Keep only what changed, so the history reads "status: assessed → granted".
        SELECT coalesce(jsonb_object_agg(key, old_row -> key), '{}'::jsonb),
               coalesce(jsonb_object_agg(key, new_row -> key), '{}'::jsonb)
          INTO old_row, new_row
          FROM jsonb_object_keys(row_data) AS key
         WHERE old_row -> key IS DISTINCT FROM new_row -> key;
        IF old_row = '{}'::jsonb THEN
            RETURN NULL;
        END IF;
    END IF;
    why := coalesce(nullif(btrim(current_setting('tilskot.reason', true)), ''), row_data ->> 'reason');
    INSERT INTO tilskot.audit_log (actor, table_name, row_id, application_id, action, old, new, reason)
    VALUES (tilskot.acting_user(), TG_TABLE_NAME, (row_data ->> 'id')::bigint,
            CASE WHEN TG_TABLE_NAME = 'application' THEN (row_data ->> 'id')::bigint
                 ELSE (row_data ->> 'application_id')::bigint END,
            TG_OP, old_row, new_row, why);
    RETURN NULL;
END
$$;

CREATE FUNCTION tilskot.audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: its entries can never be changed or deleted (% refused)', TG_OP
        USING ERRCODE = '23T09';
END
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON tilskot.audit_log
    FOR EACH ROW EXECUTE FUNCTION tilskot.audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON tilskot.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION tilskot.audit_log_append_only();

-- Case records are kept: a decision is superseded, an application withdrawn, never deleted.
CREATE FUNCTION tilskot.record_never_deleted() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION '% are part of the case record and are never deleted; withdraw, supersede or correct with a new entry instead', TG_ARGV[0]
        USING ERRCODE = '23T09';
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Schemes, rounds, frames
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.scheme_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    other text;
BEGIN
    SELECT name INTO other FROM tilskot.scheme WHERE code = NEW.code;
    IF FOUND THEN
        RAISE EXCEPTION 'scheme refused: the code % is already used by %; choose another code', NEW.code, other
            USING ERRCODE = '23T11';
    END IF;
    SELECT name INTO other FROM tilskot.scheme WHERE reference_prefix = NEW.reference_prefix;
    IF FOUND THEN
        RAISE EXCEPTION 'scheme refused: the reference prefix % is already used by %; choose another prefix',
            NEW.reference_prefix, other USING ERRCODE = '23T11';
    END IF;
    NEW.created_by := tilskot.acting_user();
    NEW.created_at := now();
    RETURN NEW;
END
$$;

CREATE FUNCTION tilskot.round_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    scheme_name text;
BEGIN
    IF NOT tilskot.has_budget_authority(actor) THEN
        RAISE EXCEPTION 'round refused: % is not a manager; only members of tilskot_manager can open rounds', actor
            USING ERRCODE = '42T01';
    END IF;
    SELECT name INTO scheme_name FROM tilskot.scheme WHERE id = NEW.scheme_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'round refused: there is no scheme with id %', NEW.scheme_id USING ERRCODE = '23T12';
    END IF;
    IF EXISTS (SELECT 1 FROM tilskot.round WHERE scheme_id = NEW.scheme_id AND year = NEW.year) THEN
        RAISE EXCEPTION 'round refused: % % is already open; adjust its frame instead of opening it again',
            scheme_name, NEW.year USING ERRCODE = '23T11';
    END IF;
    IF NEW.closes < NEW.opens THEN
        RAISE EXCEPTION 'round refused: % % would close on % before it opens on %; give a closing date on or after the opening date',
            scheme_name, NEW.year, tilskot.iso_date(NEW.closes), tilskot.iso_date(NEW.opens) USING ERRCODE = '23T13';
    END IF;
    IF NEW.initial_frame_ore < 0 THEN
        RAISE EXCEPTION 'round refused: the frame of % % cannot be negative', scheme_name, NEW.year
            USING ERRCODE = '23T13';
    END IF;
    NEW.frame_ore := NEW.initial_frame_ore;
    NEW.granted_ore := 0;
    NEW.opened_by := actor;
    NEW.opened_at := now();
    RETURN NEW;
END
$$;

CREATE FUNCTION tilskot.frame_adjustment_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    r tilskot.round;
    new_frame bigint;
BEGIN
    IF NOT tilskot.has_budget_authority(actor) THEN
        RAISE EXCEPTION 'frame adjustment refused: % is not a manager; only members of tilskot_manager can adjust a frame', actor
            USING ERRCODE = '42T01';
    END IF;
    -- NO KEY UPDATE rather than UPDATE: it queues deciders and adjusters on the round but does not
    -- block new applications, whose foreign key to the round only takes KEY SHARE.
    SELECT * INTO r FROM tilskot.round WHERE id = NEW.round_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'frame adjustment refused: there is no round with id %', NEW.round_id USING ERRCODE = '23T12';
    END IF;
    new_frame := r.frame_ore + NEW.amount_ore;
    IF new_frame < r.granted_ore THEN
        RAISE EXCEPTION 'frame adjustment refused: % has % granted, so its frame of % cannot be lowered by % to %',
            tilskot.round_label(r.id), tilskot.format_kr(r.granted_ore), tilskot.format_kr(r.frame_ore),
            tilskot.format_kr(-NEW.amount_ore), tilskot.format_kr(new_frame)
            USING ERRCODE = '23T01';
    END IF;
    UPDATE tilskot.round SET frame_ore = new_frame WHERE id = r.id;
    NEW.actor := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER scheme_before_insert BEFORE INSERT ON tilskot.scheme
    FOR EACH ROW EXECUTE FUNCTION tilskot.scheme_before_insert();
CREATE TRIGGER round_before_insert BEFORE INSERT ON tilskot.round
    FOR EACH ROW EXECUTE FUNCTION tilskot.round_before_insert();
CREATE TRIGGER frame_adjustment_before_insert BEFORE INSERT ON tilskot.frame_adjustment
    FOR EACH ROW EXECUTE FUNCTION tilskot.frame_adjustment_before_insert();

-- ---------------------------------------------------------------------------------------------
-- Organisations
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.organisation_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    digits text := btrim(NEW.orgnr);
    expected integer;
    other text;
BEGIN
    IF digits !~ '^[0-9]{9}$' THEN
        RAISE EXCEPTION 'organisation number % is not valid: it must be 9 digits', digits USING ERRCODE = '23T13';
    END IF;
    expected := tilskot.orgnr_check_digit(digits);
    IF expected IS NULL THEN
        RAISE EXCEPTION 'organisation number % is not valid: no check digit fits its first eight digits', digits
            USING ERRCODE = '23T13';
    ELSIF expected <> substr(digits, 9, 1)::int THEN
        RAISE EXCEPTION 'organisation number % is not valid: its check digit should be %', digits, expected
            USING ERRCODE = '23T13';
    END IF;
    SELECT name INTO other FROM tilskot.organisation WHERE orgnr = digits;
    IF FOUND THEN
        RAISE EXCEPTION 'organisation % is already registered as %', digits, other USING ERRCODE = '23T11';
    END IF;
    NEW.created_by := tilskot.acting_user();
    NEW.created_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER organisation_before_insert BEFORE INSERT ON tilskot.organisation
    FOR EACH ROW EXECUTE FUNCTION tilskot.organisation_before_insert();

-- ---------------------------------------------------------------------------------------------
-- Applications: registration and the state machine
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.application_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    r record;
    org tilskot.organisation;
    existing text;
    n integer;
BEGIN
    SELECT ro.id, ro.scheme_id, ro.year, ro.opens, ro.closes, s.name AS scheme_name,
           s.reference_prefix, s.applicant_kinds
      INTO r
      FROM tilskot.round ro JOIN tilskot.scheme s ON s.id = ro.scheme_id
     WHERE ro.id = NEW.round_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'application refused: there is no round with id %', NEW.round_id USING ERRCODE = '23T12';
    END IF;
    SELECT * INTO org FROM tilskot.organisation WHERE id = NEW.organisation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'application refused: there is no organisation with id %', NEW.organisation_id
            USING ERRCODE = '23T12';
    END IF;
    IF NOT (org.kind = ANY (r.applicant_kinds)) THEN
        RAISE EXCEPTION 'application refused: % accepts applications from % only, and % (%) is registered as %',
            r.scheme_name, array_to_string(r.applicant_kinds, ', '), org.name, org.orgnr, org.kind
            USING ERRCODE = '23T08';
    END IF;
    IF NEW.amount_applied_ore < 0 THEN
        RAISE EXCEPTION 'application refused: the amount applied for cannot be negative (%)',
            tilskot.format_kr(NEW.amount_applied_ore) USING ERRCODE = '23T13';
    END IF;
    NEW.received := coalesce(NEW.received, current_date);
    IF NEW.received > current_date THEN
        RAISE EXCEPTION 'application refused: the received date % is in the future; give the date the application reached the directorate',
            tilskot.iso_date(NEW.received) USING ERRCODE = '23T08';
    END IF;
    IF NEW.received < r.opens OR NEW.received > r.closes THEN
        IF NOT NEW.late THEN
            RAISE EXCEPTION 'application refused: % % takes applications from % to %, and % is outside that window; a manager can register it as late with a reason',
                r.scheme_name, r.year, tilskot.iso_date(r.opens), tilskot.iso_date(r.closes),
                tilskot.iso_date(NEW.received) USING ERRCODE = '23T08';
        END IF;
        IF btrim(coalesce(NEW.late_reason, '')) = '' THEN
            RAISE EXCEPTION 'application refused: a late application to % % needs a reason', r.scheme_name, r.year
                USING ERRCODE = '23T08';
        END IF;
        IF NOT tilskot.has_budget_authority(actor) THEN
            RAISE EXCEPTION 'application refused: % is not a manager; only a manager can register an application received outside the window of % %',
                actor, r.scheme_name, r.year USING ERRCODE = '42T01';
        END IF;
    END IF;
    IF NEW.external_ref IS NOT NULL THEN
        SELECT reference INTO existing FROM tilskot.application
         WHERE scheme_id = r.scheme_id AND external_ref = NEW.external_ref;
        IF FOUND THEN
            RAISE EXCEPTION 'application refused: external reference % is already registered as %',
                NEW.external_ref, existing USING ERRCODE = '23T11';
        END IF;
    END IF;
    -- The counter row stays locked until commit, so references of one scheme-year are gap-free.
    INSERT INTO tilskot.reference_counter AS c (scheme_id, year, last_number)
    VALUES (r.scheme_id, r.year, 1)
    ON CONFLICT (scheme_id, year) DO UPDATE SET last_number = c.last_number + 1
    RETURNING last_number INTO n;
    NEW.reference := r.reference_prefix || '-' || r.year || '-'
        || CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END;
    NEW.scheme_id := r.scheme_id;
    NEW.status := 'received';
    NEW.registered_by := actor;
    NEW.created_at := now();
    RETURN NEW;
END
$$;

-- The state machine, and what never changes once registered.
CREATE FUNCTION tilskot.application_before_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    allowed text;
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status
       AND NOT EXISTS (SELECT 1 FROM tilskot.status_transition
                        WHERE from_status = OLD.status AND to_status = NEW.status) THEN
        SELECT string_agg(tilskot.status_words(to_status), ', ' ORDER BY to_status) INTO allowed
          FROM tilskot.status_transition WHERE from_status = OLD.status AND to_status <> from_status;
        RAISE EXCEPTION '% cannot go from % to %; from % it can only go to %', OLD.reference,
            tilskot.status_words(OLD.status), tilskot.status_words(NEW.status),
            tilskot.status_words(OLD.status), coalesce(allowed, 'nowhere: it is final')
            USING ERRCODE = '23T02';
    END IF;
    IF NEW.reference IS DISTINCT FROM OLD.reference OR NEW.scheme_id IS DISTINCT FROM OLD.scheme_id
       OR NEW.registered_by IS DISTINCT FROM OLD.registered_by OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        RAISE EXCEPTION 'application % refused: its reference, scheme and registration are fixed once registered',
            OLD.reference USING ERRCODE = '23T09';
    END IF;
    -- A decided application's money is counted in its round; moving it would break the frame.
    IF NEW.round_id IS DISTINCT FROM OLD.round_id AND OLD.status NOT IN ('received', 'in_review', 'assessed') THEN
        RAISE EXCEPTION 'move refused: % is %; only an application that has not been decided can change round',
            OLD.reference, tilskot.status_words(OLD.status) USING ERRCODE = '23T02';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER application_before_insert BEFORE INSERT ON tilskot.application
    FOR EACH ROW EXECUTE FUNCTION tilskot.application_before_insert();
CREATE TRIGGER application_before_update BEFORE UPDATE ON tilskot.application
    FOR EACH ROW EXECUTE FUNCTION tilskot.application_before_update();

-- Lock an application for a step on it, or say that it does not exist.
CREATE FUNCTION tilskot.lock_application(application_id bigint, step text) RETURNS tilskot.application
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application;
BEGIN
    SELECT * INTO app FROM tilskot.application WHERE id = application_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% refused: there is no application with id %', step, application_id USING ERRCODE = '23T12';
    END IF;
    RETURN app;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Handling: assignment, disqualification, assessment, withdrawal, move
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.assignment_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'assignment');
BEGIN
    NEW.caseworker := coalesce(NEW.caseworker, actor);
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
    IF app.status = 'received' THEN
        UPDATE tilskot.application SET status = 'in_review' WHERE id = app.id;
    END IF;
    NEW.assigned_by := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;

CREATE FUNCTION tilskot.disqualification_before_insert() RETURNS trigger
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
    NEW.declared_by := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;

CREATE FUNCTION tilskot.assessment_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'assessment');
BEGIN
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

CREATE FUNCTION tilskot.withdrawal_before_insert() RETURNS trigger
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

CREATE FUNCTION tilskot.round_move_before_insert() RETURNS trigger
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
    UPDATE tilskot.application SET round_id = target.id WHERE id = app.id;
    NEW.from_round_id := app.round_id;
    NEW.moved_by := tilskot.acting_user();
    NEW.at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER assignment_before_insert BEFORE INSERT ON tilskot.assignment
    FOR EACH ROW EXECUTE FUNCTION tilskot.assignment_before_insert();
CREATE TRIGGER disqualification_before_insert BEFORE INSERT ON tilskot.disqualification
    FOR EACH ROW EXECUTE FUNCTION tilskot.disqualification_before_insert();
CREATE TRIGGER assessment_before_insert BEFORE INSERT ON tilskot.assessment
    FOR EACH ROW EXECUTE FUNCTION tilskot.assessment_before_insert();
CREATE TRIGGER withdrawal_before_insert BEFORE INSERT ON tilskot.withdrawal
    FOR EACH ROW EXECUTE FUNCTION tilskot.withdrawal_before_insert();
CREATE TRIGGER round_move_before_insert BEFORE INSERT ON tilskot.round_move
    FOR EACH ROW EXECUTE FUNCTION tilskot.round_move_before_insert();

-- ---------------------------------------------------------------------------------------------
-- Decisions: budget authority, four-eyes, content, the frame under concurrency, supersession
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.decision_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'decision');
    cur tilskot.decision;
    pending tilskot.appeal;
    tainted text;
    r tilskot.round;
    counted_before bigint := 0;
    counted_after bigint;
    total bigint;
BEGIN
    IF NOT tilskot.has_budget_authority(actor) THEN
        RAISE EXCEPTION 'decision refused: % is not a manager; only members of tilskot_manager can decide applications', actor
            USING ERRCODE = '42T01';
    END IF;
    IF EXISTS (SELECT 1 FROM tilskot.disqualification WHERE application_id = app.id AND person = actor) THEN
        RAISE EXCEPTION 'decision refused: % is disqualified on % (fvl. §§ 6–10) and can neither assess nor decide it',
            actor, app.reference USING ERRCODE = '23T04';
    END IF;
    IF EXISTS (SELECT 1 FROM tilskot.assessment WHERE application_id = app.id AND assessor = actor) THEN
        RAISE EXCEPTION 'decision refused: % assessed % and cannot also decide it; another manager must decide',
            actor, app.reference USING ERRCODE = '23T03';
    END IF;

    SELECT * INTO cur FROM tilskot.decision WHERE application_id = app.id AND is_current;
    SELECT * INTO pending FROM tilskot.appeal WHERE application_id = app.id AND outcome IS NULL;
    IF app.status = 'withdrawn' THEN
        RAISE EXCEPTION 'decision refused: % was withdrawn and cannot be decided', app.reference
            USING ERRCODE = '23T02';
    END IF;
    IF cur.id IS NOT NULL AND pending.id IS NULL THEN
        RAISE EXCEPTION 'decision refused: % is already decided (% on %); only an appeal reopens a decided application',
            app.reference, tilskot.status_words(cur.outcome), tilskot.iso_date(cur.decision_date)
            USING ERRCODE = '23T06';
    END IF;
    IF app.status IN ('received', 'in_review') AND NEW.outcome <> 'dismissed' THEN
        RAISE EXCEPTION 'decision refused: % has not been assessed; assess it before deciding (only a dismissal needs no assessment)',
            app.reference USING ERRCODE = '23T02';
    END IF;
    SELECT a.assessor INTO tainted FROM tilskot.assessment a
      JOIN tilskot.disqualification d ON d.application_id = a.application_id AND d.person = a.assessor
     WHERE a.application_id = app.id AND a.is_current;
    IF FOUND THEN
        RAISE EXCEPTION 'decision refused: the current assessment of % was made by %, who is disqualified on it; a new assessment is needed',
            app.reference, tainted USING ERRCODE = '23T04';
    END IF;

    -- Content (fvl. §§ 24–25; a grant is never more than was applied for).
    IF NEW.outcome <> 'granted' AND btrim(coalesce(NEW.reasons, '')) = '' THEN
        RAISE EXCEPTION 'decision refused: % of % must state its reasons (fvl. §§ 24–25); only a full grant may go without',
            tilskot.outcome_noun(NEW.outcome), app.reference USING ERRCODE = '23T05';
    END IF;
    NEW.amount_ore := coalesce(NEW.amount_ore, CASE WHEN NEW.outcome = 'granted' THEN app.amount_applied_ore ELSE 0 END);
    IF NEW.amount_ore < 0 THEN
        RAISE EXCEPTION 'decision refused: the amount cannot be negative (%)', tilskot.format_kr(NEW.amount_ore)
            USING ERRCODE = '23T05';
    END IF;
    IF NEW.outcome IN ('granted', 'partially_granted') AND NEW.amount_ore > app.amount_applied_ore THEN
        RAISE EXCEPTION 'decision refused: % applied for %, and a grant cannot exceed the amount applied for (% given)',
            app.reference, tilskot.format_kr(app.amount_applied_ore), tilskot.format_kr(NEW.amount_ore)
            USING ERRCODE = '23T05';
    ELSIF NEW.outcome = 'granted' AND NEW.amount_ore <> app.amount_applied_ore THEN
        RAISE EXCEPTION 'decision refused: a full grant of % is the % applied for; % is a partial grant and needs reasons',
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
    NEW.decision_date := coalesce(NEW.decision_date, current_date);
    IF NEW.decision_date > current_date THEN
        RAISE EXCEPTION 'decision refused: the decision date % is in the future', tilskot.iso_date(NEW.decision_date)
            USING ERRCODE = '23T05';
    END IF;
    IF NEW.decision_date < app.received THEN
        RAISE EXCEPTION 'decision refused: the decision date % is before % was received (%)',
            tilskot.iso_date(NEW.decision_date), app.reference, tilskot.iso_date(app.received) USING ERRCODE = '23T05';
    END IF;
    IF pending.id IS NOT NULL AND NEW.decision_date < pending.received THEN
        RAISE EXCEPTION 'decision refused: the decision date % is before the appeal on % was received (%)',
            tilskot.iso_date(NEW.decision_date), app.reference, tilskot.iso_date(pending.received) USING ERRCODE = '23T05';
    END IF;

    -- The frame. Deciders of one round queue on its row here, so each sees the grants committed
    -- before it: two sessions cannot both find the last million free.
    IF cur.id IS NOT NULL AND cur.outcome IN ('granted', 'partially_granted') THEN
        counted_before := cur.amount_ore;
    END IF;
    counted_after := CASE WHEN NEW.outcome IN ('granted', 'partially_granted') THEN NEW.amount_ore ELSE 0 END;
    SELECT * INTO r FROM tilskot.round WHERE id = app.round_id FOR NO KEY UPDATE;
    total := r.granted_ore - counted_before + counted_after;
    IF total > r.frame_ore THEN
        RAISE EXCEPTION 'decision refused: % would bring % to %, % over its frame of %',
            app.reference, tilskot.round_label(r.id), tilskot.format_kr(total),
            tilskot.format_kr(total - r.frame_ore), tilskot.format_kr(r.frame_ore)
            USING ERRCODE = '23T01';
    END IF;
    IF total <> r.granted_ore THEN
        UPDATE tilskot.round SET granted_ore = total WHERE id = r.id;
    END IF;

    IF cur.id IS NOT NULL THEN
        UPDATE tilskot.decision SET is_current = false WHERE id = cur.id;
        NEW.supersedes := cur.id;
    ELSE
        NEW.supersedes := NULL;
    END IF;
    NEW.appeal_id := pending.id;
    UPDATE tilskot.application SET status = NEW.outcome WHERE id = app.id;
    NEW.decided_by := actor;
    NEW.decided_at := now();
    NEW.is_current := true;
    RETURN NEW;
END
$$;

-- Resolving the appeal points at the new decision, so it runs once the decision row exists.
CREATE FUNCTION tilskot.decision_after_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    before_appeal tilskot.decision;
BEGIN
    IF NEW.appeal_id IS NOT NULL THEN
        SELECT * INTO before_appeal FROM tilskot.decision WHERE id = NEW.supersedes;
        UPDATE tilskot.appeal
           SET outcome = CASE WHEN before_appeal.outcome = NEW.outcome AND before_appeal.amount_ore = NEW.amount_ore
                              THEN 'upheld' ELSE 'changed' END,
               resolved_by_decision_id = NEW.id,
               resolved_at = now()
         WHERE id = NEW.appeal_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER decision_before_insert BEFORE INSERT ON tilskot.decision
    FOR EACH ROW EXECUTE FUNCTION tilskot.decision_before_insert();
CREATE TRIGGER decision_after_insert AFTER INSERT ON tilskot.decision
    FOR EACH ROW EXECUTE FUNCTION tilskot.decision_after_insert();

-- ---------------------------------------------------------------------------------------------
-- Appeals (klage): only against a current decision, deadline 3 weeks (fvl. § 29), late ones with a
-- reason (fvl. § 31). The deadline is counted simply as decision date + 21 days: the day the notice
-- reached the party is not recorded, and a caseworker can always register a borderline one as late.
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.appeal_before_insert() RETURNS trigger
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
    UPDATE tilskot.application SET status = 'appealed' WHERE id = app.id;
    NEW.registered_by := tilskot.acting_user();
    NEW.registered_at := now();
    NEW.outcome := NULL;
    NEW.resolved_by_decision_id := NULL;
    NEW.resolved_at := NULL;
    RETURN NEW;
END
$$;

CREATE TRIGGER appeal_before_insert BEFORE INSERT ON tilskot.appeal
    FOR EACH ROW EXECUTE FUNCTION tilskot.appeal_before_insert();

-- ---------------------------------------------------------------------------------------------
-- Every lifecycle table writes its changes to the audit log; case records are never deleted.
-- ---------------------------------------------------------------------------------------------

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['scheme', 'round', 'frame_adjustment', 'organisation', 'application',
                             'assignment', 'disqualification', 'assessment', 'decision', 'appeal',
                             'withdrawal', 'round_move']
    LOOP
        EXECUTE format('CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON tilskot.%I
                        FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row()', t);
    END LOOP;
END
$$;

CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.application
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('applications');
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.assessment
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('assessments');
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.decision
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('decisions');
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.appeal
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('appeals');
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.frame_adjustment
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('frame adjustments');
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.disqualification
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('disqualifications');
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.withdrawal
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('withdrawals');
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.round_move
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('moves');
