-- Who acts, and whether they may, at the cost of a cached plan.
--
-- Measured (docs/performance.md, `tilskot dev race` with track_functions = 'all'): 0040's
-- acting_user() cost about 58 µs a call and is_member() about 62 µs. Both are SQL functions with a
-- SET clause, which PostgreSQL can neither inline nor cache: every call parses and plans its query
-- over the pg_roles view again. A decision calls acting_user() six times and is_member() four times
-- (the service layer's early check, the decision trigger, one audit row per changed row), so the
-- two were a third of the database's time per decision.
--
-- The same functions in PL/pgSQL keep their plans for the session. The semantics are 0040's and
-- 0002's exactly (DefenceAttackTests checks them):
--   acting_user(): without SET ROLE (the `role` setting is 'none') the login acts — the fast path,
--     no catalog lookup at all; after SET ROLE the chosen role acts only when it can log in (a
--     person), otherwise (a group role, the schema owner) the login still acts.
--   is_member(person, group): false for an unknown name (pg_has_role would raise), otherwise
--     pg_has_role(…, 'MEMBER'), which counts superusers as members of everything.
--   has_budget_authority(person): a member of tilskot_manager or tilskot_admin.
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

CREATE OR REPLACE FUNCTION tilskot.is_member(person text, group_role text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    person_oid oid;
BEGIN
    -- pg_has_role raises on an unknown role name, so look the person up first.
    SELECT r.oid INTO person_oid FROM pg_catalog.pg_roles r WHERE r.rolname = person;
    IF person_oid IS NULL THEN
        RETURN false;
    END IF;
    RETURN pg_catalog.pg_has_role(person_oid, group_role::name, 'MEMBER');
END
$$;

CREATE OR REPLACE FUNCTION tilskot.has_budget_authority(person text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    person_oid oid;
BEGIN
    SELECT r.oid INTO person_oid FROM pg_catalog.pg_roles r WHERE r.rolname = person;
    IF person_oid IS NULL THEN
        RETURN false;
    END IF;
    RETURN pg_catalog.pg_has_role(person_oid, 'tilskot_manager', 'MEMBER')
        OR pg_catalog.pg_has_role(person_oid, 'tilskot_admin', 'MEMBER');
END
$$;
