-- No one holds the deciders hostage (issue 14, breach 9): `tilskot db watchdog` ends casework
-- sessions that sit idle inside a transaction, or block others, for longer than it is told to allow.
--
-- Why a watchdog on top of the timeouts. `tilskot user add` gives every casework login
-- idle_in_transaction_session_timeout, lock_timeout and statement_timeout (ALTER ROLE <login> SET:
-- settings of the group roles are not inherited by their members, and SET ROLE applies none), and
-- deploy/create-roles.sql sets idle_in_transaction_session_timeout on the database. But these are
-- user settings: in PostgreSQL 15 anyone may `SET idle_in_transaction_session_timeout = 0` in their
-- own session, open a transaction, register one application and go to lunch. Measured on 8d3dbba:
-- that one open registration holds
--   * the row of tilskot.application_tally for (round, municipality, applicant kind, member-based,
--     external board) — every decision of an application of that group in the round updates it
--     (tally_application_row_update, through decision_before_insert's status change) and waits on
--     the registering transaction's xid ("while inserting index tuple … in relation
--     application_tally"), and
--   * the row of tilskot.reference_counter for (scheme, year) — every registration in the
--     scheme-year waits on it (application_before_insert's upsert; 0049 takes reference numbers
--     without holding that row, after which the tally row is what remains),
-- for as long as the session likes. Only ending the session frees them.
--
-- watchdog_sweep finds, in the current database only, client sessions of casework logins — login
-- roles that are members of a tilskot group role, and neither superusers nor members of
-- tilskot_owner (the deployer) nor of tilskot_watchdog — that are
--   * idle in a transaction for longer than idle_limit (since pg_stat_activity.state_change), or
--   * blocking (pg_blocking_pids) another session of the database now, in a transaction open for
--     longer than blocking_limit (a session-level lock outside a transaction: since the first of
--     those it blocks began to wait, pg_locks.waitstart), while not waiting for a lock themselves
--     (the first in a queue is the one holding it; the ones behind it are victims, not culprits).
--     Measured by the holder's transaction, not by the waiters' wait: a casework waiter gives up
--     after its own lock_timeout (10 s) and tries again, so no single wait grows long, while the
--     hostage-taker's transaction does. Deciders hold each other for milliseconds; the longest
--     legitimate holder is an import (55–80 s for a million rows, docs/performance.md), so the
--     watchdog's default is 2 minutes;
-- and, unless dry_run, ends each (pg_terminate_backend, waiting up to 5 s for it to be gone, so
-- its locks are free when the call returns), writing one LOG line per session to the server log
-- (RAISE LOG "tilskot watchdog: ending session …", then the ended session's own FATAL line). Just
-- before it ends one it reads that session again (pg_stat_clear_snapshot) and ends it only if the
-- same transaction is still open, so a session that committed in the meantime is left alone.
-- Measuring idleness from state_change, a session that sends a statement every minute is never
-- "idle" for long; if it holds what others need, its transaction's age catches it as blocking.
--
-- Rights: SECURITY INVOKER. The caller needs the rights of pg_signal_backend (end non-superuser
-- sessions) and pg_read_all_stats (see other users' state); deploy/create-roles.sql grants both
-- to the NOLOGIN role tilskot_watchdog and that to the deployer, and on the embedded cluster the
-- watchdog runs as the local superuser. No SECURITY DEFINER: the owner, tilskot_owner, is not
-- and must not become a member of pg_signal_backend. EXECUTE only for tilskot_watchdog.
--
-- The role is made here too when create-roles.sql has not been run again since it learnt of it
-- (an upgrade); it then lacks the two rights and the function says so (42TW1).
--
--   42TW1  the watchdog lacks the rights to see or end other sessions

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tilskot_watchdog') THEN
        BEGIN
            CREATE ROLE tilskot_watchdog NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;   -- made at the same moment by another migration of the same cluster (tests)
        END;
    END IF;
END
$$;

CREATE FUNCTION tilskot.watchdog_sweep(idle_limit interval, blocking_limit interval, dry_run boolean DEFAULT false)
RETURNS TABLE (pid integer, login text, groups text, reason text, idle_seconds integer,
               blocking_seconds integer, blocked integer[], transaction_started timestamptz, ended boolean)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    c record;
    this_database oid := (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database());
BEGIN
    IF NOT (pg_catalog.pg_has_role('pg_signal_backend', 'USAGE') AND pg_catalog.pg_has_role('pg_read_all_stats', 'USAGE')) THEN
        RAISE EXCEPTION 'the watchdog cannot see or end other sessions as %; run it as a member of tilskot_watchdog with pg_signal_backend and pg_read_all_stats (deploy/create-roles.sql grants them)', current_user
            USING ERRCODE = '42TW1';
    END IF;
    FOR c IN
        WITH casework AS (
            SELECT a.pid AS p, a.usename::text AS who, a.state AS st, a.state_change AS changed,
                   a.xact_start AS xs, a.backend_start AS bs, a.wait_event_type AS wet,
                   (SELECT pg_catalog.string_agg(g, ',' ORDER BY g)
                      FROM pg_catalog.unnest(ARRAY['tilskot_caseworker', 'tilskot_manager', 'tilskot_finance', 'tilskot_auditor',
                                                   'tilskot_admin', 'tilskot_participant_reader']) g
                     WHERE pg_catalog.pg_has_role(r.oid, g, 'MEMBER')) AS grp
              FROM pg_catalog.pg_stat_activity a
              JOIN pg_catalog.pg_roles r ON r.oid = a.usesysid
             WHERE a.datid = this_database
               AND a.backend_type = 'client backend'
               AND a.pid <> pg_catalog.pg_backend_pid()
               AND NOT r.rolsuper
               AND NOT pg_catalog.pg_has_role(r.oid, 'tilskot_owner', 'MEMBER')
               AND NOT pg_catalog.pg_has_role(r.oid, 'tilskot_watchdog', 'MEMBER')
        ),
        waiting AS (
            -- Sessions of this database waiting for a lock, and since when.
            SELECT l.pid AS w, min(l.waitstart) AS since
              FROM pg_catalog.pg_locks l
              JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid AND a.datid = this_database
             WHERE NOT l.granted AND l.waitstart IS NOT NULL
             GROUP BY l.pid
        ),
        blocking AS (
            SELECT b AS p, array_agg(DISTINCT wt.w ORDER BY wt.w) AS victims, min(wt.since) AS since
              FROM waiting wt
             CROSS JOIN LATERAL pg_catalog.unnest(pg_catalog.pg_blocking_pids(wt.w)) b
             GROUP BY b
        ),
        judged AS (
            SELECT cw.*, bl.victims, coalesce(cw.xs, bl.since) AS since,
                   coalesce(cw.st LIKE 'idle in transaction%' AND cw.changed < pg_catalog.clock_timestamp() - idle_limit, false) AS too_idle,
                   coalesce(bl.p IS NOT NULL AND cw.wet IS DISTINCT FROM 'Lock'
                            AND coalesce(cw.xs, bl.since) < pg_catalog.clock_timestamp() - blocking_limit, false) AS too_blocking
              FROM casework cw
              LEFT JOIN blocking bl ON bl.p = cw.p
             WHERE cw.grp IS NOT NULL
        )
        SELECT * FROM judged WHERE too_idle OR too_blocking ORDER BY p   -- sorted: read whole before any ends
    LOOP
        pid := c.p;
        login := c.who;
        groups := c.grp;
        reason := concat_ws(' and ',
                            CASE WHEN c.too_idle THEN 'idle in transaction' END,
                            CASE WHEN c.too_blocking THEN 'blocking ' || cardinality(c.victims) || ' session(s)' END);
        idle_seconds := CASE WHEN c.st LIKE 'idle in transaction%'
                             THEN floor(extract(epoch FROM pg_catalog.clock_timestamp() - c.changed))::integer END;
        blocking_seconds := CASE WHEN c.too_blocking
                                 THEN floor(extract(epoch FROM pg_catalog.clock_timestamp() - c.since))::integer END;
        blocked := CASE WHEN c.too_blocking THEN c.victims END;
        transaction_started := c.xs;
        ended := false;
        IF NOT dry_run THEN
            PERFORM pg_catalog.pg_stat_clear_snapshot();
            IF EXISTS (SELECT 1 FROM pg_catalog.pg_stat_get_activity(c.p) s
                        WHERE s.backend_start = c.bs AND s.xact_start IS NOT DISTINCT FROM c.xs) THEN
                RAISE LOG 'tilskot watchdog: ending session % of % (%): %; idle % s; blocking pids % with its transaction open % s (since %); limits: idle %, blocking %',
                    c.p, c.who, c.grp, reason, idle_seconds, blocked, blocking_seconds, c.xs, idle_limit, blocking_limit;
                ended := pg_catalog.pg_terminate_backend(c.p, 5000);
            END IF;
        END IF;
        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION tilskot.watchdog_sweep(interval, interval, boolean) IS
    'Ends casework sessions idle in a transaction longer than idle_limit or blocking others longer than blocking_limit (NULL: that test is off); `tilskot db watchdog`. Logs each to the server log.';

REVOKE ALL ON FUNCTION tilskot.watchdog_sweep(interval, interval, boolean) FROM PUBLIC;
GRANT USAGE ON SCHEMA tilskot TO tilskot_watchdog;
GRANT EXECUTE ON FUNCTION tilskot.watchdog_sweep(interval, interval, boolean) TO tilskot_watchdog;
