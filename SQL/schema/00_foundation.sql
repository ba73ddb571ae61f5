-- Who acts, membership and budget authority, shared wording helpers, the audit log and the record that is never deleted.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

-- The installation's time zone (tilskot.installation, SQL/migrations/0045; set in 19_operations.sql),
-- and today's date in it. Every rule that dates an event ("no
-- decision dated after today", "received defaults to today", the appeal deadline's first day) asks
-- tilskot.today(), never current_date: current_date is the date in the session's own TimeZone,
-- which any client may set (a psql session at UTC+14 lives in tomorrow), and a decision made at
-- 00:30 in Oslo belongs to that day, not to the day before in UTC. Forvaltningsloven counts
-- deadlines in days of the directorate's calendar (fvl. § 29, § 30).
CREATE OR REPLACE FUNCTION tilskot.installation_time_zone() RETURNS text
    LANGUAGE sql STABLE
AS $$ SELECT coalesce((SELECT time_zone FROM tilskot.installation), 'Europe/Oslo') $$;

CREATE OR REPLACE FUNCTION tilskot.today() RETURNS date
    LANGUAGE sql STABLE
AS $$ SELECT (pg_catalog.now() AT TIME ZONE tilskot.installation_time_zone())::date $$;

-- Every session may ask both (the CLI shows times in the installation's zone).
GRANT EXECUTE ON FUNCTION tilskot.installation_time_zone() TO PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.today() TO PUBLIC;

CREATE OR REPLACE FUNCTION tilskot.iso_date(d date) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$;

-- "a rejection", "a partial grant": the outcome as a noun in a sentence.
CREATE OR REPLACE FUNCTION tilskot.outcome_noun(outcome text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
    SELECT CASE outcome WHEN 'granted' THEN 'a full grant' WHEN 'partially_granted' THEN 'a partial grant'
                        WHEN 'rejected' THEN 'a rejection' WHEN 'dismissed' THEN 'a dismissal'
                        ELSE outcome END
$$;

-- "in review", "partially granted": a status in a sentence.
CREATE OR REPLACE FUNCTION tilskot.status_words(status text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$ SELECT replace(status, '_', ' ') $$;

CREATE OR REPLACE FUNCTION tilskot.audit_row() RETURNS trigger
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

CREATE OR REPLACE FUNCTION tilskot.audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: its entries can never be changed or deleted (% refused)', TG_OP
        USING ERRCODE = '23T09';
END
$$;

-- Case records are kept: a decision is superseded, an application withdrawn, never deleted.
CREATE OR REPLACE FUNCTION tilskot.record_never_deleted() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION '% are part of the case record and are never deleted; withdraw, supersede or correct with a new entry instead', TG_ARGV[0]
        USING ERRCODE = '23T09';
END
$$;

-- Lock an application for a step on it, or say that it does not exist.
CREATE OR REPLACE FUNCTION tilskot.lock_application(application_id bigint, step text) RETURNS tilskot.application
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

-- Who acts, and whether they may, at the cost of a cached plan.
--
-- PL/pgSQL, not SQL: a SQL function with a SET clause can be neither inlined nor cached, so every
-- call would parse and plan its query over the pg_roles view again, and a decision calls
-- acting_user() six times and is_member() four times (the service layer's early check, the decision
-- trigger, one audit row per changed row). PL/pgSQL keeps the plans for the session
-- (docs/performance.md). What they answer (DefenceAttackTests and IdentityAttackTests check it):
--   acting_user(): without SET ROLE (the `role` setting is 'none') the login acts — the fast path,
--     no catalog lookup at all; after SET ROLE the chosen role acts only when it can log in (a
--     person), otherwise (a group role, the schema owner) the login still acts.
--   is_member(person, group): true only when the person can log in (a disabled user cannot act,
--     not even in a session opened before `user disable`) and really holds the group, directly or
--     through other roles (pg_auth_members, followed recursively). Not pg_has_role, which says yes
--     for every superuser: the deployer and the cluster's superuser are for the schema and the
--     users, not for casework (issue 17: `payment attest` without --as was "attested by tilskot").
--     False for an unknown name.
--   has_budget_authority(person): a member of tilskot_manager or tilskot_admin, as is_member counts.
--   is_tilskot_user(person): a member of one of tilskot's groups (caseworker, manager, finance,
--     auditor, admin, participant reader), as is_member counts.
-- The search_path stays pinned (a hostile path or a temporary look-alike changes nothing).

CREATE OR REPLACE FUNCTION tilskot.acting_user() RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    chosen text := current_setting('role');
    can_log_in boolean;
BEGIN
    IF chosen = 'none' THEN
        RETURN session_user::text;
    END IF;
    SELECT r.rolcanlogin INTO can_log_in FROM pg_catalog.pg_roles r WHERE r.rolname = chosen;
    IF can_log_in THEN
        RETURN chosen;
    END IF;
    RETURN session_user::text;
END
$$;

-- The group roles `person` really holds (directly or through other roles), by name; none when the
-- person is unknown or cannot log in.
CREATE OR REPLACE FUNCTION tilskot.groups_held(person text) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    person_oid oid;
    can_log_in boolean;
    held text[];
BEGIN
    SELECT r.oid, r.rolcanlogin INTO person_oid, can_log_in FROM pg_catalog.pg_roles r WHERE r.rolname = person;
    IF person_oid IS NULL OR NOT can_log_in THEN
        RETURN ARRAY[]::text[];
    END IF;
    WITH RECURSIVE up(roleid) AS (
        SELECT m.roleid FROM pg_catalog.pg_auth_members m WHERE m.member = person_oid
        UNION
        SELECT m.roleid FROM pg_catalog.pg_auth_members m JOIN up ON m.member = up.roleid
    )
    SELECT coalesce(array_agg(g.rolname::text ORDER BY g.rolname), ARRAY[]::text[]) INTO held
      FROM up JOIN pg_catalog.pg_roles g ON g.oid = up.roleid;
    RETURN held;
END
$$;

-- Whether `person` really holds `group_role`: pg_has_role is real membership for everyone but a
-- superuser (and cached by the server: about 100 times faster than walking pg_auth_members, which
-- matters at four calls a decision); a superuser's memberships are walked.
CREATE OR REPLACE FUNCTION tilskot.is_member(person text, group_role text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    person_oid oid;
    can_log_in boolean;
    super boolean;
BEGIN
    SELECT r.oid, r.rolcanlogin, r.rolsuper INTO person_oid, can_log_in, super FROM pg_catalog.pg_roles r WHERE r.rolname = person;
    IF person_oid IS NULL OR NOT can_log_in THEN
        RETURN false;
    END IF;
    IF NOT super THEN
        RETURN pg_catalog.pg_has_role(person_oid, group_role::name, 'MEMBER');
    END IF;
    RETURN group_role = ANY (tilskot.groups_held(person));
END
$$;

CREATE OR REPLACE FUNCTION tilskot.has_budget_authority(person text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN tilskot.is_member(person, 'tilskot_manager') OR tilskot.is_member(person, 'tilskot_admin');
END
$$;

CREATE OR REPLACE FUNCTION tilskot.is_tilskot_user(person text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    person_oid oid;
    can_log_in boolean;
    super boolean;
BEGIN
    SELECT r.oid, r.rolcanlogin, r.rolsuper INTO person_oid, can_log_in, super FROM pg_catalog.pg_roles r WHERE r.rolname = person;
    IF person_oid IS NULL OR NOT can_log_in THEN
        RETURN false;
    END IF;
    IF NOT super THEN
        RETURN pg_catalog.pg_has_role(person_oid, 'tilskot_caseworker', 'MEMBER') OR pg_catalog.pg_has_role(person_oid, 'tilskot_manager', 'MEMBER')
            OR pg_catalog.pg_has_role(person_oid, 'tilskot_finance', 'MEMBER') OR pg_catalog.pg_has_role(person_oid, 'tilskot_auditor', 'MEMBER')
            OR pg_catalog.pg_has_role(person_oid, 'tilskot_admin', 'MEMBER') OR pg_catalog.pg_has_role(person_oid, 'tilskot_participant_reader', 'MEMBER')
            OR pg_catalog.pg_has_role(person_oid, 'tilskot_portal', 'MEMBER');
    END IF;
    RETURN tilskot.groups_held(person) && ARRAY['tilskot_caseworker', 'tilskot_manager', 'tilskot_finance',
                                                'tilskot_auditor', 'tilskot_admin', 'tilskot_participant_reader', 'tilskot_portal'];
END
$$;

-- Nobody acts nameless (issue 17): a BEFORE INSERT trigger on every casework event table
-- (named_actor, SQL/schema/18_users.sql; a statement trigger, so before any row trigger and the
-- case guard's lock) refuses a row written by someone in none of tilskot's groups — the cluster's superuser, the
-- deployer, the schema owner, a disabled user — whatever the table's privileges let them do.
-- TG_ARGV[0] names the step in the sentence. Reads the catalog only.
CREATE OR REPLACE FUNCTION tilskot.named_actor_required() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
BEGIN
    IF NOT tilskot.is_tilskot_user(actor) THEN
        RAISE EXCEPTION '% refused: % is not a tilskot user (in none of tilskot''s groups, or disabled), and casework is done by named people; act as yourself with --as USER or TILSKOT_USER, or log in as your own user', TG_ARGV[0], actor
            USING ERRCODE = '42T20';
    END IF;
    RETURN NEW;
END
$$;

-- The steps only managers (budget authority) or finance may take, each with its one sentence:
-- raised by the step's own trigger, and asked for by the CLI before it writes (a non-manager's
-- INSERT meets the table's privileges first, and "permission denied" says less). 42T01 for a
-- manager's step, 42T02 for finance's.
CREATE OR REPLACE FUNCTION tilskot.require_role(step text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
BEGIN
    IF step IN ('decision', 'round', 'frame adjustment', 'scheme', 'appeal', 'claw-back', 'resolution', 'closing') THEN
        IF NOT tilskot.has_budget_authority(actor) THEN
            RAISE EXCEPTION '% refused: % is not a manager; only members of tilskot_manager %', step, actor,
                CASE step WHEN 'decision' THEN 'can decide applications' WHEN 'round' THEN 'can open rounds'
                          WHEN 'frame adjustment' THEN 'can adjust a frame' WHEN 'scheme' THEN 'can create schemes'
                          WHEN 'appeal' THEN 'can register appeals' WHEN 'claw-back' THEN 'can demand repayment'
                          WHEN 'resolution' THEN 'decide claw-back appeals' ELSE 'close a grant' END
                USING ERRCODE = '42T01';
        END IF;
    ELSIF step IN ('attestation', 'payment') THEN
        IF NOT tilskot.is_member(actor, 'tilskot_finance') THEN
            RAISE EXCEPTION '% refused: % is not in finance; only members of tilskot_finance attest and pay', step, actor
                USING ERRCODE = '42T02';
        END IF;
    ELSIF step IN ('withholding', 'release', 'repayment') THEN
        IF NOT (tilskot.is_member(actor, 'tilskot_finance') OR tilskot.has_budget_authority(actor)) THEN
            RAISE EXCEPTION '% refused: % is neither in finance nor a manager; only they %', step, actor,
                CASE step WHEN 'repayment' THEN 'record money received' ELSE 'withhold or release payments' END
                USING ERRCODE = '42T02';
        END IF;
    ELSE
        -- A caller's mistake, never a user's: every step above is spelled as its trigger spells it.
        RAISE EXCEPTION 'tilskot.require_role: "%" is not a step it knows', step USING ERRCODE = '22023';
    END IF;
END
$$;

-- The frame's sentence at the cost of cached plans. Once a round's frame is used up, most grants in
-- a busy round are refused, and each refusal names the round and three amounts. round_label()
-- (03_schemes_and_rounds.sql) and format_kr() are PL/pgSQL because PostgreSQL plans a SQL
-- function with a SET clause again on every call; PL/pgSQL keeps the plans (docs/performance.md).
CREATE OR REPLACE FUNCTION tilskot.format_kr(ore bigint) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RETURN CASE WHEN ore < 0 THEN '-' ELSE '' END
        || regexp_replace(div(abs(ore::numeric), 100)::text, '(\d)(?=(\d{3})+$)', '\1 ', 'g')
        || CASE WHEN abs(ore::numeric) % 100 = 0 THEN ''
                ELSE ',' || lpad((abs(ore::numeric) % 100)::text, 2, '0') END
        || ' kr';
END
$$;

-- The refusal. TG_ARGV[0] is the SQLSTATE of the table's rule, TG_ARGV[1] the sentence. The trigger's
-- WHEN clause has already found a text that is there (not blank: a blank one meets the table's own
-- "needs a reason") but has no letter.
CREATE OR REPLACE FUNCTION tilskot.reasons_have_words_refusal() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[1] USING ERRCODE = TG_ARGV[0];
END
$$;

-- The refusal: TG_ARGV holds the table's date and time columns; the trigger's WHEN clause has found
-- one of them infinite. Runs with the caller's rights and reads no table.
CREATE OR REPLACE FUNCTION tilskot.finite_dates_refusal() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    row_data jsonb := to_jsonb(NEW);
    col text;
BEGIN
    FOREACH col IN ARRAY TG_ARGV LOOP
        IF row_data ->> col IN ('infinity', '-infinity') THEN
            RAISE EXCEPTION '% refused: % is %, which is not a calendar date; give a real date (YYYY-MM-DD)',
                replace(TG_TABLE_NAME, '_', ' '), replace(col, '_', ' '), row_data ->> col USING ERRCODE = '23T13';
        END IF;
    END LOOP;
    RETURN NEW;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- The order matters: a0_case_guard (05_case_guard.sql) takes the case's guard row before any rule
-- reads; the aa_ checks here refuse a value's own shape (an infinite date, reasons without words)
-- with their sentence before the table's own trigger compares or copies it. zz_audit sorts after
-- the table's own AFTER triggers; a refusal anywhere rolls its line back with the step, so that
-- order is for reading, not for correctness.

-- on tilskot.appeal
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.appeal FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.received), true) AND COALESCE(isfinite(new.registered_at), true) AND COALESCE(isfinite(new.resolved_at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('received', 'registered_at', 'resolved_at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_grounds BEFORE INSERT ON tilskot.appeal FOR EACH ROW WHEN (((new.grounds IS NOT NULL) AND (btrim(new.grounds) <> ''::text) AND (NOT tilskot.has_words(new.grounds)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T07', 'appeal refused: the grounds have no words (only spaces, line breaks or invisible characters); give what the appellant says in words');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_late_reason BEFORE INSERT ON tilskot.appeal FOR EACH ROW WHEN (((new.late_reason IS NOT NULL) AND (btrim(new.late_reason) <> ''::text) AND (NOT tilskot.has_words(new.late_reason)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T07', 'appeal refused: the reason for considering a late appeal has no words (only spaces, line breaks or invisible characters); give it in words (fvl. § 31)');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.appeal FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('appeals');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.appeal FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('appeals');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.appeal FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.application
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.application FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.received), true) AND COALESCE(isfinite(new.created_at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('received', 'created_at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_late_reason BEFORE INSERT ON tilskot.application FOR EACH ROW WHEN (((new.late_reason IS NOT NULL) AND (btrim(new.late_reason) <> ''::text) AND (NOT tilskot.has_words(new.late_reason)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T08', 'application refused: the reason for registering it late has no words (only spaces, line breaks or invisible characters); give the reason in words');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.application FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('applications');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.application FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('applications');
CREATE OR REPLACE TRIGGER zz_audit AFTER DELETE OR UPDATE ON tilskot.application FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();
CREATE OR REPLACE TRIGGER zz_audit_insert AFTER INSERT ON tilskot.application FOR EACH ROW WHEN (((CURRENT_USER <> 'tilskot_owner'::name) OR (current_setting('tilskot.bulk_import'::text, true) IS DISTINCT FROM 'on'::text))) EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.assessment
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.assessment FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('at');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.assessment FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('assessments');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.assessment FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('assessments');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.assessment FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.assignment
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.assignment FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('at');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.assignment FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('assignments');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.assignment FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.audit_log
CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON tilskot.audit_log FOR EACH STATEMENT EXECUTE FUNCTION tilskot.audit_log_append_only();
CREATE OR REPLACE TRIGGER audit_log_no_update_delete BEFORE DELETE OR UPDATE ON tilskot.audit_log FOR EACH ROW EXECUTE FUNCTION tilskot.audit_log_append_only();

-- on tilskot.clawback
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.clawback FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.decision_date), true) AND COALESCE(isfinite(new.due_date), true) AND COALESCE(isfinite(new.demanded_at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('decision_date', 'due_date', 'demanded_at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_reasons BEFORE INSERT ON tilskot.clawback FOR EACH ROW WHEN (((new.reasons IS NOT NULL) AND (btrim(new.reasons) <> ''::text) AND (NOT tilskot.has_words(new.reasons)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T27', 'claw-back refused: the reasons have no words (only spaces, line breaks or invisible characters); state the reasons for demanding repayment in words (fvl. §§ 24–25)');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.clawback FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('claw-backs');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.clawback FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('claw-backs');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.clawback FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.clawback_appeal
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.clawback_appeal FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.received), true) AND COALESCE(isfinite(new.registered_at), true) AND COALESCE(isfinite(new.resolved_at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('received', 'registered_at', 'resolved_at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_grounds BEFORE INSERT ON tilskot.clawback_appeal FOR EACH ROW WHEN (((new.grounds IS NOT NULL) AND (btrim(new.grounds) <> ''::text) AND (NOT tilskot.has_words(new.grounds)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T27', 'appeal refused: the grounds have no words (only spaces, line breaks or invisible characters); give what the appellant says in words');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_late_reason BEFORE INSERT ON tilskot.clawback_appeal FOR EACH ROW WHEN (((new.late_reason IS NOT NULL) AND (btrim(new.late_reason) <> ''::text) AND (NOT tilskot.has_words(new.late_reason)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T27', 'appeal refused: the reason for considering a late appeal has no words (only spaces, line breaks or invisible characters); give it in words (fvl. § 31)');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.clawback_appeal FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('claw-back appeals');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.clawback_appeal FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('claw-back appeals');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.clawback_appeal FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.clawback_resolution
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.clawback_resolution FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_reasons BEFORE INSERT ON tilskot.clawback_resolution FOR EACH ROW WHEN (((new.reasons IS NOT NULL) AND (btrim(new.reasons) <> ''::text) AND (NOT tilskot.has_words(new.reasons)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T27', 'resolution refused: the reasons have no words (only spaces, line breaks or invisible characters); state the reasons for the decision on the appeal in words');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.clawback_resolution FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('claw-back resolutions');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.clawback_resolution FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('claw-back resolutions');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.clawback_resolution FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.closing
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.closing FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.closed_at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('closed_at');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.closing FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('closings');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.closing FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('closings');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.closing FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.decision
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.decision FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.decision_date), true) AND COALESCE(isfinite(new.decided_at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('decision_date', 'decided_at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_reasons BEFORE INSERT ON tilskot.decision FOR EACH ROW WHEN (((new.reasons IS NOT NULL) AND (btrim(new.reasons) <> ''::text) AND (NOT tilskot.has_words(new.reasons)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T05', 'decision refused: the reasons have no words (only spaces, line breaks or invisible characters); state the reasons in words (fvl. §§ 24–25)');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.decision FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('decisions');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.decision FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('decisions');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.decision FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.disqualification
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.disqualification FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_reason BEFORE INSERT ON tilskot.disqualification FOR EACH ROW WHEN (((new.reason IS NOT NULL) AND (btrim(new.reason) <> ''::text) AND (NOT tilskot.has_words(new.reason)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T05', 'disqualification refused: the reason has no words (only spaces, line breaks or invisible characters); say in words what ties the person to the case (fvl. § 6)');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.disqualification FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('disqualifications');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.disqualification FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('disqualifications');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.disqualification FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.frame_adjustment
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.frame_adjustment FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_reason BEFORE INSERT ON tilskot.frame_adjustment FOR EACH ROW WHEN (((new.reason IS NOT NULL) AND (btrim(new.reason) <> ''::text) AND (NOT tilskot.has_words(new.reason)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T05', 'frame adjustment refused: the reason has no words (only spaces, line breaks or invisible characters); give the reason in words');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.frame_adjustment FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('frame adjustments');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.frame_adjustment FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('frame adjustments');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.frame_adjustment FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.organisation
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.organisation FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.created_at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('created_at');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.organisation FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('organisations');
CREATE OR REPLACE TRIGGER zz_audit AFTER DELETE OR UPDATE ON tilskot.organisation FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();
CREATE OR REPLACE TRIGGER zz_audit_insert AFTER INSERT ON tilskot.organisation FOR EACH ROW WHEN (((CURRENT_USER <> 'tilskot_owner'::name) OR (current_setting('tilskot.bulk_import'::text, true) IS DISTINCT FROM 'on'::text))) EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.participant
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.participant FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.start_date), true) AND COALESCE(isfinite(new.end_date), true) AND COALESCE(isfinite(new.recorded_at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('start_date', 'end_date', 'recorded_at');

-- on tilskot.participant_access_log
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.participant_access_log FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('at');

-- on tilskot.payment
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.payment FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.due_date), true) AND COALESCE(isfinite(new.planned_at), true) AND COALESCE(isfinite(new.attested_at), true) AND COALESCE(isfinite(new.paid_on), true) AND COALESCE(isfinite(new.paid_at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('due_date', 'planned_at', 'attested_at', 'paid_on', 'paid_at');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.payment FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('payments');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.payment FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('payments');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.payment FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.payment_event
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.payment_event FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.paid_on), true) AND COALESCE(isfinite(new.at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('paid_on', 'at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_reason BEFORE INSERT ON tilskot.payment_event FOR EACH ROW WHEN (((new.reason IS NOT NULL) AND (btrim(new.reason) <> ''::text) AND (NOT tilskot.has_words(new.reason)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T23', 'payment step refused: the reason has no words (only spaces, line breaks or invisible characters); give the reason for withholding or releasing in words');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.payment_event FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('payment events');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.payment_event FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('payment events');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.payment_event FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.recipient_report
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.recipient_report FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.report_date), true) AND COALESCE(isfinite(new.received_at), true) AND COALESCE(isfinite(new.reviewed_at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('report_date', 'received_at', 'reviewed_at');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.recipient_report FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('reports');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.recipient_report FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('reports');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.recipient_report FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.reminder
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.reminder FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.sent_on), true) AND COALESCE(isfinite(new.due_date), true) AND COALESCE(isfinite(new.at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('sent_on', 'due_date', 'at');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.reminder FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('reminders');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.reminder FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('reminders');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.reminder FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.repayment
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.repayment FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.received_on), true) AND COALESCE(isfinite(new.at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('received_on', 'at');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.repayment FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('repayments');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.repayment FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('repayments');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.repayment FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.report_duty
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.report_duty FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.project_end), true) AND COALESCE(isfinite(new.due_date), true) AND COALESCE(isfinite(new.at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('project_end', 'due_date', 'at');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.report_duty FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('reporting duties');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.report_duty FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('reporting duties');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.report_duty FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.report_review
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.report_review FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_reasons BEFORE INSERT ON tilskot.report_review FOR EACH ROW WHEN (((new.reasons IS NOT NULL) AND (btrim(new.reasons) <> ''::text) AND (NOT tilskot.has_words(new.reasons)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T24', 'review refused: the reasons have no words (only spaces, line breaks or invisible characters); say in words what the recipient must send again');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.report_review FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('report reviews');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.report_review FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('report reviews');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.report_review FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.round
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.round FOR EACH ROW WHEN ((NOT (COALESCE(isfinite(new.opens), true) AND COALESCE(isfinite(new.closes), true) AND COALESCE(isfinite(new.opened_at), true)))) EXECUTE FUNCTION tilskot.finite_dates_refusal('opens', 'closes', 'opened_at');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.round FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('rounds');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.round FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.round_move
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.round_move FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_reason BEFORE INSERT ON tilskot.round_move FOR EACH ROW WHEN (((new.reason IS NOT NULL) AND (btrim(new.reason) <> ''::text) AND (NOT tilskot.has_words(new.reason)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T05', 'move refused: the reason has no words (only spaces, line breaks or invisible characters); give the reason in words');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.round_move FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('moves');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.round_move FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('moves');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.round_move FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.scheme
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.scheme FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.created_at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('created_at');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.scheme FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('schemes');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.scheme FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.withdrawal
CREATE OR REPLACE TRIGGER aa_finite_dates BEFORE INSERT ON tilskot.withdrawal FOR EACH ROW WHEN ((NOT COALESCE(isfinite(new.at), true))) EXECUTE FUNCTION tilskot.finite_dates_refusal('at');
CREATE OR REPLACE TRIGGER aa_reasons_have_words_reason BEFORE INSERT ON tilskot.withdrawal FOR EACH ROW WHEN (((new.reason IS NOT NULL) AND (btrim(new.reason) <> ''::text) AND (NOT tilskot.has_words(new.reason)))) EXECUTE FUNCTION tilskot.reasons_have_words_refusal('23T05', 'withdrawal refused: the reason has no words (only spaces, line breaks or invisible characters); give the reason in words');
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.withdrawal FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('withdrawals');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.withdrawal FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('withdrawals');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.withdrawal FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();


-- Notice, appeal paths and letters (issue 16): kept and audited like the rest of the record.

-- on tilskot.advance_notice
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.advance_notice FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('advance notices');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.advance_notice FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('advance notices');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.advance_notice FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.advance_notice_answer
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.advance_notice_answer FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('answers to advance notices');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.advance_notice_answer FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('answers to advance notices');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.advance_notice_answer FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.appeal_step
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.appeal_step FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('appeal steps');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.appeal_step FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('appeal steps');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.appeal_step FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.issuer
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.issuer FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('issuer details');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.issuer FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.notice
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.notice FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('notices');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.notice FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('notices');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.notice FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.notice_channel
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.notice_channel FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('notice channels');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.notice_channel FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.scheme_appeal_body
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.scheme_appeal_body FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('appeal bodies');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.scheme_appeal_body FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('appeal bodies');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.scheme_appeal_body FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.scheme_regulation
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.scheme_regulation FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('scheme regulations');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.scheme_regulation FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('scheme regulations');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.scheme_regulation FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.staff
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.staff FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('staff details');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.staff FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.audit_log TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.acting_user() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.acting_user() TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.audit_log_append_only() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.audit_row() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.finite_dates_refusal() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.format_kr(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.format_kr(bigint) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.require_role(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.require_role(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.has_budget_authority(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.has_budget_authority(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.has_words(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.has_words(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_reader, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.is_member(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.is_member(text,text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.iso_date(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.iso_date(date) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.lock_application(bigint,text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.outcome_noun(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.outcome_noun(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.reasons_have_words_refusal() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.record_never_deleted() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.status_words(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.status_words(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.groups_held(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.groups_held(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_reader, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.is_tilskot_user(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.is_tilskot_user(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_reader, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.named_actor_required() FROM PUBLIC;
