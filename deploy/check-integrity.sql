-- An independent check that the database's defences are in place and were not bypassed, for an
-- auditor (tilskot_auditor may run it: it only reads) or the DBA. It answers what triggers cannot:
-- whether someone with more rights than tilskot gives anyone (a superuser, the schema owner)
-- switched a rule off, wrote past it, and switched it on again. Exit 0 when every check holds,
-- 3 (psql's error exit) when one fails; the table says which.
--
--   psql -X -v ON_ERROR_STOP=1 -d tilskot -f deploy/check-integrity.sql
--
-- What it sees: a trigger still disabled; rows with no INSERT entry in the audit log (written while
-- the audit trigger was off, or with session_replication_role = replica); an application whose
-- status is not the one its audit history ends with; a round whose maintained sums do not match its
-- decisions and adjustments; a grant with more attested and paid than granted, or an instalment
-- attested or paid without its events; an object owned by a person (who could disable its triggers); a
-- group role with rights it must not have; a SECURITY DEFINER function without a pinned
-- search_path. What it cannot see: a superuser who also forged the audit log to match. For that,
-- the server's own log (log_statement = 'ddl', pgaudit), shipped to a host the DBA does not
-- control, is the record: see docs/threat-model.md.

\pset footer off
SET search_path = pg_catalog;

-- The checks, as one query built here: the fixed ones, then one per table that has the audit
-- trigger (every row has its INSERT entry).
SELECT $checks$
SELECT 'triggers: every trigger on a tilskot table is enabled' AS name, count(*) = 0 AS ok,
       coalesce(string_agg(c.relname || '.' || g.tgname || ' is '
                || CASE g.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica-only' ELSE 'always on' END, ', '), '') AS detail
  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
 WHERE c.relnamespace = 'tilskot'::regnamespace AND NOT g.tgisinternal AND g.tgenabled <> 'O'
UNION ALL
SELECT 'audit: the audit trigger is on the lifecycle tables', count(*) > 0, count(*) || ' tables audited'
  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
 WHERE g.tgname = 'zz_audit' AND c.relnamespace = 'tilskot'::regnamespace
UNION ALL
SELECT 'history: every application''s status is where its audit history ends', count(*) = 0,
       coalesce(string_agg(ap.reference || ' is ' || ap.status, ', ' ORDER BY ap.id), '')
  FROM tilskot.application ap
 WHERE ap.status IS DISTINCT FROM (SELECT a.new ->> 'status' FROM tilskot.audit_log a
                                    WHERE a.application_id = ap.id AND a.table_name = 'application' AND a.new ? 'status'
                                    ORDER BY a.id DESC LIMIT 1)
UNION ALL
SELECT 'money: every round''s granted sum equals its current grants', count(*) = 0,
       coalesce(string_agg('round ' || r.id || ' records ' || r.granted_ore || ' øre', ', '), '')
  FROM tilskot.round r
 WHERE r.granted_ore <> (SELECT coalesce(sum(d.amount_ore), 0)
                           FROM tilskot.decision d JOIN tilskot.application a ON a.id = d.application_id
                          WHERE a.round_id = r.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted'))
UNION ALL
SELECT 'money: every round''s frame is its initial frame plus its adjustments, and holds its grants', count(*) = 0,
       coalesce(string_agg('round ' || r.id, ', '), '')
  FROM tilskot.round r
 WHERE r.frame_ore <> r.initial_frame_ore + (SELECT coalesce(sum(f.amount_ore), 0) FROM tilskot.frame_adjustment f WHERE f.round_id = r.id)
    OR r.granted_ore > r.frame_ore
UNION ALL
SELECT 'money: no grant has more attested and paid than it grants', count(*) = 0,
       coalesce(string_agg(a.reference || ': ' || o.out_ore || ' øre out of ' || coalesce(d.amount_ore, 0), ', ' ORDER BY a.id), '')
  FROM (SELECT application_id, sum(amount_ore) AS out_ore FROM tilskot.payment
         WHERE status IN ('attested', 'paid') GROUP BY application_id) o
  JOIN tilskot.application a ON a.id = o.application_id
  LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted')
 WHERE o.out_ore > coalesce(d.amount_ore, 0)
UNION ALL
SELECT 'history: every attested or paid instalment has its attestation and payment events', count(*) = 0,
       coalesce(string_agg('payment ' || p.id || ' is ' || p.status, ', ' ORDER BY p.id), '')
  FROM tilskot.payment p
 WHERE (p.status IN ('attested', 'paid')
        AND NOT EXISTS (SELECT 1 FROM tilskot.payment_event e WHERE e.payment_id = p.id AND e.kind = 'attest'))
    OR (p.status = 'paid'
        AND NOT EXISTS (SELECT 1 FROM tilskot.payment_event e WHERE e.payment_id = p.id AND e.kind = 'pay'))
UNION ALL
SELECT 'owners: no person (a login that is not a superuser) owns a tilskot table, function or the schema', count(*) = 0,
       coalesce(string_agg(DISTINCT r.rolname, ', '), '')
  FROM (SELECT relowner AS owner FROM pg_class WHERE relnamespace = 'tilskot'::regnamespace
        UNION ALL SELECT proowner FROM pg_proc WHERE pronamespace = 'tilskot'::regnamespace
        UNION ALL SELECT nspowner FROM pg_namespace WHERE nspname = 'tilskot') o
  JOIN pg_roles r ON r.oid = o.owner
 WHERE r.rolcanlogin AND NOT r.rolsuper
UNION ALL
SELECT 'grants: no group role may TRUNCATE a tilskot table, or write the logs directly', count(*) = 0,
       coalesce(string_agg(g.rolname || ' ' || p.privilege || ' ' || c.relname, ', '), '')
  FROM pg_class c
 CROSS JOIN pg_roles g
 CROSS JOIN (VALUES ('TRUNCATE'), ('UPDATE'), ('DELETE'), ('INSERT')) p(privilege)
 WHERE c.relnamespace = 'tilskot'::regnamespace AND c.relkind IN ('r', 'p')
   AND g.rolname IN ('tilskot_caseworker', 'tilskot_manager', 'tilskot_finance', 'tilskot_auditor',
                     'tilskot_admin', 'tilskot_participant_reader')
   AND (p.privilege = 'TRUNCATE' OR c.relname LIKE '%log')
   AND has_table_privilege(g.oid, c.oid, p.privilege)
UNION ALL
SELECT 'functions: every SECURITY DEFINER function pins its search_path', count(*) = 0,
       coalesce(string_agg(p.oid::regprocedure::text, ', '), '')
  FROM pg_proc p
 WHERE p.pronamespace = 'tilskot'::regnamespace AND p.prosecdef
   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) s WHERE s LIKE 'search\_path=%')
UNION ALL
SELECT 'note: superusers (can bypass every rule) / logins acting as the owner', true,
       coalesce((SELECT string_agg(rolname, ', ' ORDER BY rolname) FROM pg_roles WHERE rolsuper), 'none') || ' / ' ||
       coalesce((SELECT string_agg(m.rolname, ', ' ORDER BY m.rolname) FROM pg_roles m, pg_roles o
                  WHERE o.rolname = 'tilskot_owner' AND m.rolcanlogin AND NOT m.rolsuper
                    AND pg_has_role(m.oid, o.oid, 'MEMBER')), 'none')
$checks$ || coalesce(E'\nUNION ALL\n' || string_agg(format(
    $f$SELECT %L, count(*) = 0, count(*) || ' row(s) with no INSERT entry in the audit log'
         FROM tilskot.%I t
        WHERE NOT EXISTS (SELECT 1 FROM tilskot.audit_log a
                           WHERE a.table_name = %L AND a.row_id = t.id AND a.action = 'INSERT')$f$,
    'audit: every ' || c.relname || ' row was logged', c.relname, c.relname), E'\nUNION ALL\n' ORDER BY c.relname), '') AS checks
  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
 WHERE g.tgname = 'zz_audit' AND c.relnamespace = 'tilskot'::regnamespace \gset

SELECT * FROM (:checks) c ORDER BY ok, name;

SELECT bool_and(ok) AS all_ok FROM (:checks) c \gset
\if :all_ok
    \echo 'tilskot integrity: every check holds'
\else
    DO $$ BEGIN RAISE EXCEPTION 'tilskot integrity: a check failed (ok = f above); see docs/threat-model.md'; END $$;
\endif
