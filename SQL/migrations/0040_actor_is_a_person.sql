-- The actor of a change is always a person, never a group role.
--
-- Found by the defence suite (Tests/TilskotStoreTests/DefenceAttackTests.swift, "SET ROLE to a group
-- role"): a login is a member of its group role, so PostgreSQL lets it `SET ROLE tilskot_manager`.
-- 0002's acting_user() then returned 'tilskot_manager', and every rule that compares people saw a
-- different person: a manager assessed as 'tilskot_manager', reset the role and decided the same
-- application as herself — four-eyes passed — and a disqualified person could act under the
-- group's name. The audit log kept the login, but the actor columns did not name her.
--
-- Now a SET ROLE counts as acting as that role only when the role can log in (a person: the
-- embedded cluster's `--as kari`, or a DBA acting for a user); SET ROLE to a group role, or to the
-- schema owner, leaves the login as the actor. Permissions are unchanged: they still follow
-- current_user, which is how PostgreSQL checks grants.
CREATE OR REPLACE FUNCTION tilskot.acting_user() RETURNS text
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT CASE WHEN r.rolcanlogin THEN r.rolname::text ELSE session_user::text END
      FROM (SELECT nullif(pg_catalog.current_setting('role'), 'none') AS chosen) s
      LEFT JOIN pg_catalog.pg_roles r ON r.rolname = s.chosen
$$;
