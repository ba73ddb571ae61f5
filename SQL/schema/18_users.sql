-- Who may act, and users and their roles as a record (issue 17).
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes. The table it guards,
-- tilskot.user_change, is in SQL/migrations/0020_user_change.sql.
--
-- Users are PostgreSQL login roles in tilskot's group roles. Roles are objects of the whole
-- cluster: a database event trigger never sees CREATE ROLE, ALTER ROLE or GRANT of a role
-- (PostgreSQL fires event triggers for objects of one database only), so no trigger can audit a
-- change made with CREATEROLE in psql. The changes tilskot makes go through the admin functions
-- below instead, which check who asks, have the role keeper make the change (tilskot_user_keeper,
-- the only tilskot role with CREATEROLE, which nobody can become: deploy/create-roles.sql) and
-- write a user_change row, whose audit entry names who made it. The schema owner has no CREATEROLE
-- (issue 18: on PostgreSQL 15 it would let the deployer grant itself pg_execute_server_program).
-- What a superuser can still do outside them: docs/threat-model.md.


-- Nobody acts nameless: before any row of a casework event table is written, the acting user must
-- be one of tilskot's people (tilskot.named_actor_required, 00_foundation.sql). A statement
-- trigger, so a million-row import asks once; PostgreSQL fires a statement's BEFORE triggers before
-- any row's, so it runs before the case guard's a0_ lock whatever its name: a nameless write takes
-- no lock at all.
-- Configuration tables (issuer, notice channels, regulations, staff details) have their own
-- administrator rules; UPDATEs by the schema owner (a migration's backfill) are not casework.
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.advance_notice FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('advance notice');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.advance_notice_answer FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('answer to an advance notice');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.appeal FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('appeal');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.appeal_step FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('appeal step');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.application FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('application');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.assessment FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('assessment');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.assignment FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('assignment');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.clawback FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('claw-back');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.clawback_appeal FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('appeal');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.clawback_resolution FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('resolution');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.closing FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('closing');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.decision FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('decision');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.disqualification FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('disqualification');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.frame_adjustment FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('frame adjustment');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.notice FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('notice');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.organisation FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('organisation');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.payment FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('payment');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.payment_event FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('payment step');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.recipient_report FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('report');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.reminder FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('reminder');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.repayment FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('repayment');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.report_duty FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('reporting duty');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.report_review FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('review');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.round FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('round');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.round_move FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('move');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.scheme FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('scheme');
CREATE OR REPLACE TRIGGER named_actor BEFORE INSERT ON tilskot.withdrawal FOR EACH STATEMENT EXECUTE FUNCTION tilskot.named_actor_required('withdrawal');


-- Users and roles.

-- 'caseworker' or 'tilskot_caseworker' → 'tilskot_caseworker'; anything else as given (the
-- table's CHECK names the known ones).
CREATE OR REPLACE FUNCTION tilskot.group_role_name(role text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$ SELECT CASE WHEN role LIKE 'tilskot\_%' THEN role ELSE 'tilskot_' || role END $$;

-- The warning for a person who would hold `role` besides the groups they hold: the two-person rules
-- (a manager decides, finance attests and pays; a caseworker assesses, finance pays) mean little
-- when one person holds both sides. NULL when nothing conflicts. A warning, not a refusal: a small
-- office may need it, and the audit log shows who gave it.
CREATE OR REPLACE FUNCTION tilskot.role_conflict(login text, role text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    held text[] := tilskot.groups_held(login) || tilskot.group_role_name(role);
    other text;
BEGIN
    IF NOT 'tilskot_finance' = ANY (held) THEN
        RETURN NULL;
    END IF;
    FOREACH other IN ARRAY ARRAY['tilskot_manager', 'tilskot_admin', 'tilskot_caseworker'] LOOP
        IF other = ANY (held) THEN
            RETURN format('%s is now in tilskot_finance and %s: one person could %s and then attest and pay the money, which the two-person rules keep apart; if that was a slip, take one away with `tilskot user role remove %s ROLE`',
                          login, other,
                          CASE other WHEN 'tilskot_caseworker' THEN 'assess an application' ELSE 'decide a grant' END,
                          login);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

-- The change a user_change row asks for, made under one lock (two changes at once would collide on
-- the catalog), after checking who asks: an administrator (tilskot_admin), or the deployer for the
-- bootstrap — a superuser or a member of tilskot_owner acting as themselves, who may add the first
-- administrator and manage users, but is never a tilskot user and so does no casework.
CREATE OR REPLACE FUNCTION tilskot.user_change_apply() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    deployer boolean;
    warning text;
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('tilskot.user_change'));
    SELECT (actor = session_user::text)
       AND (r.rolsuper OR 'tilskot_owner' = ANY (tilskot.groups_held(r.rolname)))
      INTO deployer
      FROM pg_catalog.pg_roles r WHERE r.rolname = session_user;
    IF NOT (tilskot.is_member(actor, 'tilskot_admin') OR coalesce(deployer, false)) THEN
        RAISE EXCEPTION 'user change refused: % is not an administrator; only members of tilskot_admin add users, change their roles, set their passwords and disable them (the deployer adds the first administrator; everyone sets their own password with `tilskot user password`)', actor
            USING ERRCODE = '42T21';
    END IF;
    NEW.changed_by := actor;
    NEW.at := clock_timestamp();
    NEW.role := tilskot.group_role_name(NEW.role);
    IF NEW.change = 'password' THEN
        -- Checked and recorded here; the verifier goes to the role keeper from tilskot.user_password,
        -- in the same transaction, so the row and the new password stand or fall together.
        RETURN NEW;
    END IF;
    IF NEW.change = 'role remove' AND NEW.login = actor AND NEW.role = 'tilskot_admin' THEN
        RAISE EXCEPTION 'user change refused: an administrator does not take away their own administration; ask another administrator'
            USING ERRCODE = '23T50';
    END IF;
    IF NEW.change = 'disable' AND NEW.login = actor THEN
        RAISE EXCEPTION 'user change refused: % cannot disable themselves; ask another administrator', actor
            USING ERRCODE = '23T50';
    END IF;
    IF NEW.change IN ('add', 'role add') THEN
        warning := tilskot.role_conflict(NEW.login, NEW.role);
    END IF;
    -- The change itself is made by the role keeper (deploy/create-roles.sql): the only tilskot role
    -- with CREATEROLE, which checks the user name, the role and the target on its own.
    IF pg_catalog.to_regprocedure('tilskot_keeper.apply_user_change(text,text,text)') IS NULL THEN
        RAISE EXCEPTION 'user change refused: this database has no role keeper (tilskot_keeper.apply_user_change); a superuser runs deploy/create-roles.sql on it again (`tilskot db start` does so for the local database)'
            USING ERRCODE = '42T21';
    END IF;
    PERFORM tilskot_keeper.apply_user_change(NEW.change, NEW.login, NEW.role);
    IF warning IS NOT NULL THEN
        RAISE WARNING '%', warning;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER user_change_apply BEFORE INSERT ON tilskot.user_change FOR EACH ROW EXECUTE FUNCTION tilskot.user_change_apply();
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.user_change FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('user changes');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.user_change FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('user changes');
CREATE OR REPLACE TRIGGER record_never_updated BEFORE UPDATE ON tilskot.user_change FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('user changes');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.user_change FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- The admin functions: each writes one user_change row (whose trigger above checks and applies
-- it) and returns a warning for a conflicting role, or NULL. SECURITY DEFINER so that an
-- administrator needs no right to the table; who acts is still the caller (acting_user).
CREATE OR REPLACE FUNCTION tilskot.user_add(login text, role text, reason text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    warning text := tilskot.role_conflict(login, role);
BEGIN
    INSERT INTO tilskot.user_change (login, change, role, changed_by, reason) VALUES (login, 'add', role, '', reason);
    RETURN warning;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.role_add(login text, role text, reason text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    warning text := tilskot.role_conflict(login, role);
BEGIN
    INSERT INTO tilskot.user_change (login, change, role, changed_by, reason) VALUES (login, 'role add', role, '', reason);
    RETURN warning;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.role_remove(login text, role text, reason text DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    INSERT INTO tilskot.user_change (login, change, role, changed_by, reason) VALUES (login, 'role remove', role, '', reason);
END
$$;

CREATE OR REPLACE FUNCTION tilskot.user_disable(login text, reason text DEFAULT NULL) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    INSERT INTO tilskot.user_change (login, change, role, changed_by, reason) VALUES (login, 'disable', NULL, '', reason);
END
$$;

-- `tilskot user password USER` by an administrator: sets another user's password from its
-- SCRAM-SHA-256 verifier (computed by the client; the role keeper refuses anything else), under the
-- user changes' lock. One's own password needs no administrator: ALTER ROLE CURRENT_USER.
CREATE OR REPLACE FUNCTION tilskot.user_password(login text, verifier text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    -- The row first: its trigger (user_change_apply) checks who asks, under the user changes' lock.
    INSERT INTO tilskot.user_change (login, change, role, changed_by) VALUES (login, 'password', NULL, '');
    IF pg_catalog.to_regprocedure('tilskot_keeper.apply_user_change(text,text,text)') IS NULL THEN
        RAISE EXCEPTION 'password change refused: this database has no role keeper (tilskot_keeper.apply_user_change); a superuser runs deploy/create-roles.sql on it again (`tilskot db start` does so for the local database)'
            USING ERRCODE = '42T21';
    END IF;
    PERFORM tilskot_keeper.apply_user_change('password', login, verifier);
END
$$;
REVOKE ALL ON FUNCTION tilskot.user_password(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.user_password(text,text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;

-- Who the users are (`tilskot user list`, GET /users): each person in a tilskot group, the groups
-- held directly (without the tilskot_ prefix, comma-separated) and whether they are disabled. Staff
-- only: a portal (a machine client that registers applications and reads their status, issue 19)
-- is not granted it, so it cannot learn the directorate's logins or who holds admin or finance.
-- (PostgreSQL's catalogs stay readable to any login, as they must for its clients; a portal's role
-- is used through the server, which calls this.)
CREATE OR REPLACE FUNCTION tilskot.user_list(groups text[])
    RETURNS TABLE (name text, roles text, disabled boolean)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT u.rolname::text, string_agg(replace(g.rolname, 'tilskot_', ''), ',' ORDER BY g.rolname), NOT u.rolcanlogin
      FROM pg_catalog.pg_roles u
      JOIN pg_catalog.pg_auth_members m ON m.member = u.oid
      JOIN pg_catalog.pg_roles g ON g.oid = m.roleid AND g.rolname = ANY (groups)
     WHERE u.rolname NOT LIKE 'tilskot\_%'
     GROUP BY u.rolname, u.rolcanlogin
     ORDER BY u.rolname
$$;
REVOKE ALL ON FUNCTION tilskot.user_list(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.user_list(text[]) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;

-- Who may do what: every tilskot user may call the functions, so that a non-administrator meets
-- the trigger's sentence (42T21) rather than "permission denied"; nobody writes the table directly
-- (the owner aside). Administrators and auditors read it; the integrity check reads every audited table.
REVOKE ALL ON TABLE tilskot.user_change FROM PUBLIC;
GRANT SELECT ON TABLE tilskot.user_change TO tilskot_admin, tilskot_auditor;
REVOKE ALL ON FUNCTION tilskot.user_change_apply() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.group_role_name(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.role_conflict(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.role_conflict(text,text) TO tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.user_add(text,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.user_add(text,text,text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.role_add(text,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.role_add(text,text,text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.role_remove(text,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.role_remove(text,text,text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.user_disable(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.user_disable(text,text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;
