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
-- attested or paid without its events; a report summary that is not what its rows add up to (the
-- reports read the summaries, so a summary written past its triggers would move every figure built
-- on it); a decision by an assessor of its case, an assessment or decision by someone disqualified
-- on the case, a closed grant that is not settled, reasons without words, an instalment attested
-- by its decider or planner or paid by its attester, an appeal decided by its registrar, an
-- infinite date (issue 14); an object owned by a person (who could disable its triggers); a
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
SELECT 'reports: the application summary (summary, trend, geography) is what its applications and decisions add up to',
       count(*) = 0, coalesce(string_agg(DISTINCT 'round ' || x.round_id, ', '), '')
  FROM (WITH plain AS (
            SELECT a.round_id, coalesce(o.municipality, '') AS municipality, o.kind, o.member_based, o.external_board,
                   count(*) AS applications, sum(a.amount_applied_ore) AS requested_ore,
                   count(*) FILTER (WHERE a.status = 'withdrawn') AS withdrawn,
                   count(*) FILTER (WHERE a.status IN ('received', 'in_review', 'assessed')) AS pending,
                   count(*) FILTER (WHERE a.status = 'appealed') AS appealed,
                   count(*) FILTER (WHERE d.outcome = 'granted') AS granted,
                   count(*) FILTER (WHERE d.outcome = 'partially_granted') AS partially_granted,
                   count(*) FILTER (WHERE d.outcome = 'rejected') AS rejected,
                   count(*) FILTER (WHERE d.outcome = 'dismissed') AS dismissed,
                   coalesce(sum(d.amount_ore) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')), 0) AS granted_ore
              FROM tilskot.application a JOIN tilskot.organisation o ON o.id = a.organisation_id
              LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
             GROUP BY 1, 2, 3, 4, 5),
        kept AS (
            SELECT round_id, municipality, kind, member_based, external_board, applications, requested_ore, withdrawn,
                   pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore
              FROM tilskot.application_tally
             WHERE (applications, requested_ore, withdrawn, pending, appealed, granted, partially_granted, rejected,
                    dismissed, granted_ore) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        SELECT round_id FROM kept k FULL JOIN plain p USING (round_id, municipality, kind, member_based, external_board)
         WHERE to_jsonb(k) IS DISTINCT FROM to_jsonb(p)) x
UNION ALL
SELECT 'reports: the applicant summary (applicants) is the distinct organisations that applied in each round',
       count(*) = 0, coalesce(string_agg(DISTINCT 'round ' || x.round_id, ', '), '')
  FROM (WITH plain AS (
            SELECT a.round_id, o.kind, o.member_based, o.external_board, count(DISTINCT o.id) AS organisations
              FROM tilskot.application a JOIN tilskot.organisation o ON o.id = a.organisation_id
             GROUP BY 1, 2, 3, 4),
        kept AS (
            SELECT round_id, kind, member_based, external_board, organisations
              FROM tilskot.applicant_tally WHERE organisations <> 0)
        SELECT round_id FROM kept k FULL JOIN plain p USING (round_id, kind, member_based, external_board)
         WHERE to_jsonb(k) IS DISTINCT FROM to_jsonb(p)) x
UNION ALL
SELECT 'reports: the caseload histogram (caseload) is what the cases add up to', count(*) = 0,
       coalesce(string_agg(DISTINCT 'round ' || x.round_id, ', '), '')
  FROM (WITH cases AS (
            SELECT a.round_id, coalesce(g.caseworker, asm.assessor, '(unassigned)') AS caseworker, a.status,
                   fd.decision_date IS NOT NULL AS decided, coalesce(fd.decision_date - a.received, 0) AS days_to_decision,
                   coalesce(ap.appeals, 0) AS appeals, coalesce(ap.upheld, 0) AS upheld,
                   coalesce(ap.changed, 0) AS changed, coalesce(ap.pending, 0) AS pending
              FROM tilskot.application a
              LEFT JOIN LATERAL (SELECT caseworker FROM tilskot.assignment g
                                  WHERE g.application_id = a.id ORDER BY g.id DESC LIMIT 1) g ON true
              LEFT JOIN tilskot.assessment asm ON asm.application_id = a.id AND asm.is_current
              LEFT JOIN LATERAL (SELECT decision_date FROM tilskot.decision d
                                  WHERE d.application_id = a.id ORDER BY d.id LIMIT 1) fd ON true
              LEFT JOIN LATERAL (SELECT count(*) AS appeals, count(*) FILTER (WHERE p.outcome = 'upheld') AS upheld,
                                        count(*) FILTER (WHERE p.outcome = 'changed') AS changed,
                                        count(*) FILTER (WHERE p.outcome IS NULL) AS pending
                                   FROM tilskot.appeal p WHERE p.application_id = a.id) ap ON true),
        plain AS (
            SELECT round_id, caseworker, status, decided, days_to_decision, count(*) AS applications,
                   sum(appeals) AS appeals, sum(upheld) AS appeals_upheld, sum(changed) AS appeals_changed,
                   sum(pending) AS appeals_pending
              FROM cases GROUP BY 1, 2, 3, 4, 5),
        kept AS (
            SELECT round_id, caseworker, status, decided, days_to_decision, applications, appeals, appeals_upheld,
                   appeals_changed, appeals_pending
              FROM tilskot.caseload_tally
             WHERE (applications, appeals, appeals_upheld, appeals_changed, appeals_pending) <> (0, 0, 0, 0, 0))
        SELECT round_id FROM kept k FULL JOIN plain p USING (round_id, caseworker, status, decided, days_to_decision)
         WHERE to_jsonb(k) IS DISTINCT FROM to_jsonb(p)) x
UNION ALL
SELECT 'reports: the follow-up summary (followup) is what the payments, claw-backs and reports add up to',
       count(*) = 0, coalesce(string_agg(DISTINCT 'round ' || x.round_id, ', '), '')
  FROM (WITH plain AS (
            SELECT g.round_id, coalesce(rd.due_date, 'infinity'::date) AS due_date,
                   sum(g.planned_ore) AS planned_ore, sum(g.paid_ore) AS paid_ore,
                   sum(g.clawed_back_ore) AS clawed_back_ore, sum(g.repaid_ore) AS repaid_ore,
                   count(*) FILTER (WHERE g.clawed_back_ore > 0) AS clawbacks,
                   count(rd.id) AS reports_required,
                   count(rd.id) FILTER (WHERE rep.status = 'approved') AS reports_approved,
                   count(rd.id) FILTER (WHERE rep.status = 'received') AS reports_awaiting_review,
                   count(rd.id) FILTER (WHERE rep.status IS NULL) AS reports_open
              FROM tilskot.grant_money g
              LEFT JOIN tilskot.report_duty rd ON rd.application_id = g.application_id AND rd.is_current
              LEFT JOIN LATERAL (SELECT rr.status FROM tilskot.recipient_report rr
                                  WHERE rr.application_id = g.application_id AND rr.status IN ('received', 'approved')
                                  ORDER BY rr.status = 'approved' DESC LIMIT 1) rep ON true
             GROUP BY 1, 2
            HAVING (sum(g.planned_ore), sum(g.paid_ore), sum(g.clawed_back_ore), sum(g.repaid_ore), count(rd.id))
                   <> (0, 0, 0, 0, 0)),
        kept AS (
            SELECT round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks, reports_required,
                   reports_approved, reports_awaiting_review, reports_open
              FROM tilskot.followup_tally
             WHERE (planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks, reports_required, reports_approved,
                    reports_awaiting_review, reports_open) <> (0, 0, 0, 0, 0, 0, 0, 0, 0))
        SELECT round_id FROM kept k FULL JOIN plain p USING (round_id, due_date)
         WHERE to_jsonb(k) IS DISTINCT FROM to_jsonb(p)) x
UNION ALL
SELECT 'four-eyes: no decision is made by someone who assessed the case', count(*) = 0,
       coalesce(string_agg(DISTINCT a.reference || ' decided by its assessor ' || d.decided_by, ', '), '')
  FROM tilskot.decision d
  JOIN tilskot.application a ON a.id = d.application_id
 WHERE EXISTS (SELECT 1 FROM tilskot.assessment s WHERE s.application_id = d.application_id AND s.assessor = d.decided_by)
UNION ALL
-- Disqualified before the act: by the order of the audit log's INSERT entries (the order the rows
-- were written in, whatever the snapshots), else by the rows' own times when an entry is missing.
SELECT 'disqualification: no assessment or decision is made by someone disqualified on the case', count(*) = 0,
       coalesce(string_agg(DISTINCT x.reference || ' ' || x.act || ' by disqualified ' || x.person, ', '), '')
  FROM (SELECT a.reference, 'assessed' AS act, s.assessor AS person, q.id AS disqualification_id, q.at AS disqualified_at,
               'assessment' AS tbl, s.id AS row_id, s.at
          FROM tilskot.assessment s
          JOIN tilskot.application a ON a.id = s.application_id
          JOIN tilskot.disqualification q ON q.application_id = s.application_id AND q.person = s.assessor
        UNION ALL
        SELECT a.reference, 'decided', d.decided_by, q.id, q.at, 'decision', d.id, d.decided_at
          FROM tilskot.decision d
          JOIN tilskot.application a ON a.id = d.application_id
          JOIN tilskot.disqualification q ON q.application_id = d.application_id AND q.person = d.decided_by) x
  LEFT JOIN tilskot.audit_log lq ON lq.table_name = 'disqualification' AND lq.row_id = x.disqualification_id AND lq.action = 'INSERT'
  LEFT JOIN tilskot.audit_log la ON la.table_name = x.tbl AND la.row_id = x.row_id AND la.action = 'INSERT'
 WHERE CASE WHEN lq.id IS NOT NULL AND la.id IS NOT NULL THEN lq.id < la.id ELSE x.disqualified_at <= x.at END
UNION ALL
SELECT 'closing: every closed grant is settled (report approved, money paid, withheld or repaid)',
       count(*) = 0, coalesce(string_agg(a.reference || ': ' || concat_ws('; ',
           CASE WHEN NOT EXISTS (SELECT 1 FROM tilskot.recipient_report r WHERE r.application_id = a.id AND r.status = 'approved')
                THEN 'no approved report' END,
           (SELECT string_agg('instalment ' || p.instalment || ' ' || p.status, ', ' ORDER BY p.instalment)
              FROM tilskot.payment p WHERE p.application_id = a.id AND p.status IN ('planned', 'attested')),
           (SELECT string_agg('claw-back ' || c.id || ' not settled', ', ' ORDER BY c.id)
              FROM tilskot.clawback c
             WHERE c.application_id = a.id
               AND (c.amount_ore > (SELECT coalesce(sum(r.amount_ore), 0) FROM tilskot.repayment r WHERE r.clawback_id = c.id)
                    OR EXISTS (SELECT 1 FROM tilskot.clawback_appeal ca WHERE ca.clawback_id = c.id AND ca.outcome IS NULL)))),
           ', ' ORDER BY a.id), '')
  FROM tilskot.application a
 WHERE (a.status = 'closed' OR EXISTS (SELECT 1 FROM tilskot.closing cl WHERE cl.application_id = a.id))
   AND (NOT EXISTS (SELECT 1 FROM tilskot.recipient_report r WHERE r.application_id = a.id AND r.status = 'approved')
        OR EXISTS (SELECT 1 FROM tilskot.payment p WHERE p.application_id = a.id AND p.status IN ('planned', 'attested'))
        OR EXISTS (SELECT 1 FROM tilskot.clawback c
                    WHERE c.application_id = a.id
                      AND (c.amount_ore > (SELECT coalesce(sum(r.amount_ore), 0) FROM tilskot.repayment r WHERE r.clawback_id = c.id)
                           OR EXISTS (SELECT 1 FROM tilskot.clawback_appeal ca WHERE ca.clawback_id = c.id AND ca.outcome IS NULL))))
UNION ALL
-- Reasons have words (SQL/migrations/0052): at least one letter wherever a rule requires reasons.
SELECT 'reasons: every text that must give reasons has words', count(*) = 0,
       coalesce(string_agg(x.what, ', ' ORDER BY x.what), '')
  FROM (SELECT 'decision ' || id AS what FROM tilskot.decision
         WHERE outcome <> 'granted' AND NOT tilskot.has_words(coalesce(reasons, ''))
        UNION ALL SELECT 'withdrawal ' || id FROM tilskot.withdrawal WHERE NOT tilskot.has_words(reason)
        UNION ALL SELECT 'move ' || id FROM tilskot.round_move WHERE NOT tilskot.has_words(reason)
        UNION ALL SELECT 'disqualification ' || id FROM tilskot.disqualification WHERE NOT tilskot.has_words(reason)
        UNION ALL SELECT 'frame adjustment ' || id FROM tilskot.frame_adjustment WHERE NOT tilskot.has_words(reason)
        UNION ALL SELECT 'application ' || reference || ' (late)' FROM tilskot.application
         WHERE late AND NOT tilskot.has_words(coalesce(late_reason, ''))
        -- A late appeal may come without a reason for its lateness (fvl. § 31: it is then dismissed,
        -- 08_appeals_withdrawals_moves.sql); a reason that is given has words.
        UNION ALL SELECT 'appeal ' || id FROM tilskot.appeal
         WHERE NOT tilskot.has_words(grounds) OR (late AND late_reason IS NOT NULL AND NOT tilskot.has_words(late_reason))
        UNION ALL SELECT 'payment ' || id || ' (withheld)' FROM tilskot.payment
         WHERE status = 'withheld' AND NOT tilskot.has_words(coalesce(withheld_reason, ''))
        UNION ALL SELECT 'payment event ' || id FROM tilskot.payment_event
         WHERE kind IN ('withhold', 'release') AND NOT tilskot.has_words(coalesce(reason, ''))
        UNION ALL SELECT 'report review ' || id FROM tilskot.report_review
         WHERE outcome = 'rejected' AND NOT tilskot.has_words(coalesce(reasons, ''))
        UNION ALL SELECT 'claw-back ' || id FROM tilskot.clawback WHERE NOT tilskot.has_words(reasons)
        UNION ALL SELECT 'claw-back appeal ' || id FROM tilskot.clawback_appeal
         WHERE NOT tilskot.has_words(grounds) OR (late AND NOT tilskot.has_words(coalesce(late_reason, '')))
        UNION ALL SELECT 'claw-back resolution ' || id FROM tilskot.clawback_resolution WHERE NOT tilskot.has_words(reasons)) x
UNION ALL
-- Bestemmelser om økonomistyring i staten: budget authority, attestation and payment by different
-- people (0011: the decider does not attest; 0052: the planner does not attest, the attester does not pay).
SELECT 'payments: no instalment is attested by its decider or planner, or paid by its attester', count(*) = 0,
       coalesce(string_agg('payment ' || p.id || ' of ' || a.reference || ': ' || concat_ws(', ',
           CASE WHEN EXISTS (SELECT 1 FROM tilskot.decision d WHERE d.application_id = p.application_id AND d.decided_by = p.attested_by)
                THEN 'attested by its decider ' || p.attested_by END,
           CASE WHEN p.attested_by = p.planned_by THEN 'attested by its planner ' || p.attested_by END,
           CASE WHEN p.paid_by = p.attested_by THEN 'paid by its attester ' || p.paid_by END), '; ' ORDER BY p.id), '')
  FROM tilskot.payment p
  JOIN tilskot.application a ON a.id = p.application_id
 WHERE EXISTS (SELECT 1 FROM tilskot.decision d WHERE d.application_id = p.application_id AND d.decided_by = p.attested_by)
    OR p.attested_by = p.planned_by OR p.paid_by = p.attested_by
UNION ALL
-- The directorate's own acts on an appeal (a change, a dismissal, forwarding it); recording the
-- appeal body's decision is not one (08_appeals_withdrawals_moves.sql).
SELECT 'appeals: no appeal is decided by the manager who registered it', count(*) = 0,
       coalesce(string_agg(a.reference || ' appeal ' || x.id || ' registered and ' || x.act || ' by ' || x.registered_by, ', ' ORDER BY x.id), '')
  FROM (SELECT ap.id, ap.application_id, ap.registered_by, 'decided' AS act
          FROM tilskot.appeal ap JOIN tilskot.decision d ON d.id = ap.resolved_by_decision_id
         WHERE d.decided_by = ap.registered_by AND d.instance = 'directorate'
        UNION ALL
        SELECT ap.id, ap.application_id, ap.registered_by, CASE s.kind WHEN 'dismiss' THEN 'dismissed' ELSE 'forwarded' END
          FROM tilskot.appeal ap JOIN tilskot.appeal_step s ON s.appeal_id = ap.id
         WHERE s.kind IN ('dismiss', 'forward') AND s.recorded_by = ap.registered_by) x
  JOIN tilskot.application a ON a.id = x.application_id
UNION ALL
-- Dates are calendar dates (0052), in every table the checker may read; 0036's summaries key "no
-- reporting due date" as 'infinity' on purpose. query_to_xml runs the count for each column.
SELECT 'dates: no stored date or time is infinite', count(*) = 0,
       coalesce(string_agg(x.relname || '.' || x.attname || ': ' || x.n || ' row(s)', ', ' ORDER BY x.relname, x.attname), '')
  FROM (SELECT c.relname, a.attname,
               (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM tilskot.%I WHERE NOT isfinite(%I)',
                                                           c.relname, a.attname), false, true, '')))[1]::text::bigint AS n
          FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE c.relnamespace = 'tilskot'::regnamespace AND c.relkind IN ('r', 'p')
           AND a.atttypid IN ('date'::regtype, 'timestamptz'::regtype, 'timestamp'::regtype)
           AND c.relname NOT IN ('followup_tally', 'followup_delta', 'grant_followup')
           AND has_table_privilege(c.oid, 'SELECT')) x
 WHERE x.n > 0
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

-- Evaluated once (the summary checks read every application): the table as text, and whether all hold.
SELECT 'check' || repeat(' ', greatest(0, max(length(name)) - 5)) || ' | ok | detail' || E'\n'
       || repeat('-', max(length(name))) || '-+----+-------' || E'\n'
       || string_agg(rpad(name, max_name) || ' | ' || CASE WHEN ok THEN 't ' ELSE 'f ' END || ' | ' || coalesce(detail, ''), E'\n'
                     ORDER BY ok, name) AS report,
       bool_and(ok) AS all_ok
  FROM (SELECT c.*, max(length(c.name)) OVER () AS max_name FROM (:checks) c) c \gset
\echo :report
\if :all_ok
    \echo 'tilskot integrity: every check holds'
\else
    DO $$ BEGIN RAISE EXCEPTION 'tilskot integrity: a check failed (ok = f above); see docs/threat-model.md'; END $$;
\endif
