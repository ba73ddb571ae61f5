-- Casework sessions: the watchdog.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

CREATE OR REPLACE FUNCTION tilskot.watchdog_sweep(idle_limit interval, blocking_limit interval, dry_run boolean DEFAULT false)
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
                                                   'tilskot_admin', 'tilskot_participant_reader', 'tilskot_portal']) g
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


-- Who may do what (everything not granted here is refused).
REVOKE ALL ON FUNCTION tilskot.watchdog_sweep(interval,interval,boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.watchdog_sweep(interval,interval,boolean) TO tilskot_watchdog;
