-- The web pages' reads (issue 20, "Speed"): each page reads what it shows in one statement, as one
-- JSON document (money in øre, dates YYYY-MM-DD), instead of one round trip per Store call and
-- per row. One place per rule: the figures the CLI prints come from the row functions and views
-- below, which the CLI's Store calls read too (Rounds.summary: round_figures / round_adjustments;
-- GrantMoney.rounds: rounds_money; ClawBacks.record: clawback_row), and from the views of
-- 14_report_summaries.sql (grant_money).
--
-- Every function here is SECURITY INVOKER and STABLE: it reads as the caller, with the caller's
-- grants and row-level security, exactly what the Store calls it replaces read.

-- A round's figures, as `round show` prints them: the maintained frame and grant sums, what the
-- follow-up tally says is clawed back and left unused, the amount applied for (the application
-- tally's) and the counts by status ("status=n,…", the caseload tally's). Every figure comes from a
-- summary kept with each change (14_report_summaries.sql), so the round page costs the same at a
-- million applications as at ten thousand: summing a round's rows instead cost twice as much there
-- (docs/performance.md). ReportSummaryTallyTests holds these figures equal to the plain aggregate.
CREATE OR REPLACE FUNCTION tilskot.round_figures(p_round_id bigint)
RETURNS TABLE (initial_frame_ore bigint, frame_ore bigint, granted_ore bigint, opened_by text,
               clawed_back_ore bigint, unused_ore bigint, requested_ore bigint, counts text,
               remaining_ore bigint, used_ore bigint)
LANGUAGE sql STABLE AS $$
    SELECT x.initial_frame_ore, x.frame_ore, x.granted_ore, x.opened_by, x.clawed_back_ore, x.unused_ore,
           x.requested_ore, x.counts,
           -- remaining = frame − granted; used = granted − clawed back − unused (RoundSummary's
           -- remaining and used, which the CLI prints).
           x.frame_ore - x.granted_ore, x.granted_ore - x.clawed_back_ore - x.unused_ore
      FROM (SELECT r.initial_frame_ore, r.frame_ore, r.granted_ore, r.opened_by,
                   coalesce((SELECT sum(f.clawed_back_ore) FROM tilskot.followup_tally f WHERE f.round_id = r.id), 0)::bigint AS clawed_back_ore,
                   coalesce((SELECT sum(f.unused_ore) FROM tilskot.followup_tally f WHERE f.round_id = r.id), 0)::bigint AS unused_ore,
                   coalesce((SELECT sum(t.requested_ore) FROM tilskot.application_tally t WHERE t.round_id = r.id), 0)::bigint AS requested_ore,
                   coalesce((SELECT string_agg(c.status || '=' || c.n, ',' ORDER BY c.status)
                               FROM (SELECT k.status, sum(k.applications) AS n FROM tilskot.caseload_tally k
                                      WHERE k.round_id = r.id GROUP BY k.status HAVING sum(k.applications) <> 0) c), '') AS counts
              FROM tilskot.round r
             WHERE r.id = p_round_id) x
$$;

-- A round's frame adjustments, oldest first; net_ore = a budget change with its corrections.
CREATE OR REPLACE FUNCTION tilskot.round_adjustments(p_round_id bigint)
RETURNS TABLE (id bigint, amount_ore bigint, reason text, actor text, at timestamptz, kind text, decided date,
               corrects_id bigint, net_ore bigint)
LANGUAGE sql STABLE AS $$
    SELECT f.id, f.amount_ore, f.reason, f.actor, f.at, f.kind, f.decided, f.corrects_id,
           (f.amount_ore + coalesce((SELECT sum(k.amount_ore) FROM tilskot.frame_adjustment k
                                      WHERE k.corrects_id = f.id), 0))::bigint
      FROM tilskot.frame_adjustment f
     WHERE f.round_id = p_round_id
     ORDER BY f.id
$$;

-- The rounds' money, as `followup summary` prints it (p_round_id: one round, or NULL for all): the
-- round's own sum of current grants (the frame check's), the application tally's count of them,
-- the follow-up tally's money. The view tilskot.round_money adds up every grant instead (slow at a
-- million applications); ReportSummaryTallyTests holds the two equal.
CREATE OR REPLACE FUNCTION tilskot.rounds_money(p_round_id bigint)
RETURNS TABLE (round_id bigint, key text, frame_ore bigint, grants integer, granted_ore bigint, planned_ore bigint,
               paid_ore bigint, clawed_back_ore bigint, repaid_ore bigint, net_ore bigint, unused_ore bigint)
LANGUAGE sql STABLE AS $$
    SELECT ro.id, s.code || '/' || ro.year, ro.frame_ore, coalesce(t.grants, 0)::integer,
           ro.granted_ore, coalesce(f.planned_ore, 0)::bigint, coalesce(f.paid_ore, 0)::bigint,
           coalesce(f.clawed_back_ore, 0)::bigint, coalesce(f.repaid_ore, 0)::bigint,
           (ro.granted_ore - coalesce(f.clawed_back_ore, 0) - coalesce(f.unused_ore, 0))::bigint,
           coalesce(f.unused_ore, 0)::bigint
      FROM tilskot.round ro
      JOIN tilskot.scheme s ON s.id = ro.scheme_id
      -- Each summary read once and grouped (one pass for every round; an index probe for one).
      LEFT JOIN (SELECT x.round_id, sum(x.granted + x.partially_granted) AS grants
                   FROM tilskot.application_tally x WHERE (p_round_id IS NULL OR x.round_id = p_round_id)
                  GROUP BY x.round_id) t ON t.round_id = ro.id
      LEFT JOIN (SELECT x.round_id, sum(x.planned_ore) AS planned_ore, sum(x.paid_ore) AS paid_ore,
                        sum(x.clawed_back_ore) AS clawed_back_ore, sum(x.repaid_ore) AS repaid_ore,
                        sum(x.unused_ore) AS unused_ore
                   FROM tilskot.followup_tally x WHERE (p_round_id IS NULL OR x.round_id = p_round_id)
                  GROUP BY x.round_id) f ON f.round_id = ro.id
     WHERE (p_round_id IS NULL OR ro.id = p_round_id)
     ORDER BY s.code, ro.year
$$;

-- A claw-back as `clawback show` / `clawback list` read it: what is demanded now, what is repaid,
-- its cancellation, whether its notice was recorded, and whether an appeal against it is pending.
CREATE OR REPLACE VIEW tilskot.clawback_row WITH (security_invoker = true) AS
SELECT cb.id, cb.application_id, a.reference, cb.amount_ore, cb.original_amount_ore, cb.reasons, cb.decision_date,
       cb.due_date, cb.cancelled, cb.demanded_by, cb.advance_notice_id, cb.notice_exception, cb.kid, cb.another,
       x.reason AS cancellation_reason, x.cancelled_by, x.at AS cancelled_at,
       EXISTS (SELECT 1 FROM tilskot.notice n WHERE n.clawback_id = cb.id) AS notice_recorded,
       coalesce((SELECT sum(r.amount_ore) FROM tilskot.repayment r WHERE r.clawback_id = cb.id), 0)::bigint AS repaid_ore,
       EXISTS (SELECT 1 FROM tilskot.clawback_appeal ca WHERE ca.clawback_id = cb.id AND ca.outcome IS NULL) AS appeal_pending
  FROM tilskot.clawback cb
  JOIN tilskot.application a ON a.id = cb.application_id
  LEFT JOIN tilskot.clawback_cancellation x ON x.clawback_id = cb.id;

COMMENT ON VIEW tilskot.clawback_row IS
    'A claw-back as the CLI and the pages show it: amounts in øre (amount_ore is what is demanded now), repaid_ore, and whether an appeal is pending.';

-- A payment as the pages show it (the columns of Payments.selectSQL).
CREATE OR REPLACE FUNCTION tilskot.payment_json(p tilskot.payment)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', p.id, 'reference', a.reference, 'round', s.code || '/' || r.year, 'orgnr', o.orgnr,
        'organisation', o.name, 'instalment', p.instalment, 'amount_ore', p.amount_ore,
        'due_date', to_char(p.due_date, 'YYYY-MM-DD'), 'account_number', p.account_number, 'status', p.status,
        'planned_by', p.planned_by, 'attested_by', p.attested_by, 'paid_on', to_char(p.paid_on, 'YYYY-MM-DD'),
        'voucher', p.voucher, 'withheld_reason', p.withheld_reason)
      FROM tilskot.application a
      JOIN tilskot.round r ON r.id = a.round_id
      JOIN tilskot.scheme s ON s.id = r.scheme_id
      JOIN tilskot.organisation o ON o.id = a.organisation_id
     WHERE a.id = p.application_id
$$;

-- A claw-back row as JSON.
CREATE OR REPLACE FUNCTION tilskot.clawback_json(c tilskot.clawback_row)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', c.id, 'reference', c.reference, 'amount_ore', c.amount_ore, 'original_amount_ore', c.original_amount_ore,
        'repaid_ore', c.repaid_ore, 'outstanding_ore', c.amount_ore - c.repaid_ore, 'reasons', c.reasons,
        'decision_date', to_char(c.decision_date, 'YYYY-MM-DD'), 'due_date', to_char(c.due_date, 'YYYY-MM-DD'),
        'cancelled', c.cancelled, 'appeal_pending', c.appeal_pending, 'kid', c.kid)
$$;

-- A round's page (/web/rounds/{scheme}/{year}, and a line of /web/rounds): `round show` and the
-- round's line of `followup summary` (p_money: its row of tilskot.rounds_money, read by the caller
-- so that the list reads every round's money in one pass), from the same functions the CLI reads.
CREATE OR REPLACE FUNCTION tilskot.round_json(p_round_id bigint, p_money json)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'scheme', s.code, 'year', r.year, 'scheme_name', s.name,
        'opens', to_char(r.opens, 'YYYY-MM-DD'), 'closes', to_char(r.closes, 'YYYY-MM-DD'),
        'figures', (SELECT row_to_json(f) FROM tilskot.round_figures(r.id) f),
        'money', p_money,
        'adjustments', coalesce((SELECT json_agg(json_build_object(
                'id', j.id, 'amount_ore', j.amount_ore, 'reason', j.reason, 'actor', j.actor,
                -- The day it was registered, in the installation's time zone (shown when no
                -- budget decision's date is given).
                'registered', to_char((j.at AT TIME ZONE tilskot.installation_time_zone())::date, 'YYYY-MM-DD'),
                'kind', j.kind, 'decided', to_char(j.decided, 'YYYY-MM-DD'), 'corrects_id', j.corrects_id,
                'net_ore', j.net_ore) ORDER BY j.id)
              FROM tilskot.round_adjustments(r.id) j), '[]'::json))
      FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
     WHERE r.id = p_round_id
$$;

-- /web/rounds/{scheme}/{year}: the round, or NULL when there is none (the page then asks
-- `round show`, whose refusal names what is wrong). PL/pgSQL with custom plans: rounds_money's
-- "one round or all" condition folds to an index probe for the round's id.
CREATE OR REPLACE FUNCTION tilskot.round_page(p_scheme text, p_year integer)
RETURNS json LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT r.id INTO v_id FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
     WHERE s.code = p_scheme AND r.year = p_year;
    IF v_id IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN tilskot.round_json(v_id, (SELECT row_to_json(m) FROM tilskot.rounds_money(v_id) m));
END;
$$;

-- /web/rounds: every round, newest year first (as `round list`), their money read in one pass.
CREATE OR REPLACE FUNCTION tilskot.rounds_page()
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(tilskot.round_json(m.round_id, row_to_json(m)) ORDER BY r.year DESC, s.code), '[]'::json)
      FROM tilskot.rounds_money(NULL) m
      JOIN tilskot.round r ON r.id = m.round_id
      JOIN tilskot.scheme s ON s.id = r.scheme_id
$$;

-- The case page's follow-up part (/web/cases/{reference}), as `followup show` reads it: the
-- current reporting duty and the reports, the payments, the claw-backs, the grant's money
-- (tilskot.grant_money) and its settlement. NULL when there is no such application.
CREATE OR REPLACE FUNCTION tilskot.case_followup(p_reference text)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT a.id INTO v_id FROM tilskot.application a WHERE a.reference = p_reference;
    IF v_id IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN json_build_object(
        'reference', p_reference,
        'duty', (SELECT json_build_object('project_end', to_char(d.project_end, 'YYYY-MM-DD'),
                                          'due_date', to_char(d.due_date, 'YYYY-MM-DD'),
                                          'account_required', d.account_required, 'set_by', d.set_by)
                   FROM tilskot.report_duty d WHERE d.application_id = v_id AND d.is_current),
        'reports', coalesce((SELECT json_agg(json_build_object(
                       'id', rr.id, 'report_date', to_char(rr.report_date, 'YYYY-MM-DD'),
                       'account_approved', rr.account_approved, 'notes', rr.notes, 'status', rr.status,
                       'received_by', rr.received_by, 'reviewed_by', rr.reviewed_by,
                       'review_reasons', rr.review_reasons) ORDER BY rr.id)
                   FROM tilskot.recipient_report rr WHERE rr.application_id = v_id), '[]'::json),
        'payments', coalesce((SELECT json_agg(tilskot.payment_json(p) ORDER BY p.due_date, p.instalment)
                   FROM tilskot.payment p WHERE p.application_id = v_id), '[]'::json),
        'clawbacks', coalesce((SELECT json_agg(tilskot.clawback_json(c) ORDER BY c.id)
                   FROM tilskot.clawback_row c WHERE c.application_id = v_id), '[]'::json),
        'money', (SELECT json_build_object('granted_ore', g.granted_ore, 'planned_ore', g.planned_ore,
                                           'paid_ore', g.paid_ore, 'clawed_back_ore', g.clawed_back_ore,
                                           'repaid_ore', g.repaid_ore, 'net_ore', g.net_ore, 'unused_ore', g.unused_ore)
                   FROM tilskot.grant_money g WHERE g.application_id = v_id),
        'settlement', (SELECT json_build_object('granted_ore', st.granted_ore, 'paid_ore', st.paid_ore,
                                                'withheld_ore', st.withheld_ore, 'released_ore', st.released_ore,
                                                'clawed_back_ore', st.clawed_back_ore, 'repaid_ore', st.repaid_ore,
                                                'net_used_ore', st.net_used_ore, 'unused_ore', st.unused_ore,
                                                'settled_by', st.settled_by)
                   FROM tilskot.grant_settlement st WHERE st.application_id = v_id));
END;
$$;

-- /web/finance: payments waiting for attestation and attested ones (`payment list --status
-- planned|attested`, at most p_limit of each, by due date), and every claw-back (`clawback list`).
CREATE OR REPLACE FUNCTION tilskot.finance_page(p_limit integer)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'planned', coalesce((SELECT json_agg(tilskot.payment_json(q.p) ORDER BY q.n)
                               FROM (SELECT p, row_number() OVER (ORDER BY p.due_date, a.reference, p.instalment) AS n
                                       FROM tilskot.payment p JOIN tilskot.application a ON a.id = p.application_id
                                      WHERE p.status = 'planned'
                                      ORDER BY p.due_date, a.reference, p.instalment LIMIT p_limit) q), '[]'::json),
        'attested', coalesce((SELECT json_agg(tilskot.payment_json(q.p) ORDER BY q.n)
                               FROM (SELECT p, row_number() OVER (ORDER BY p.due_date, a.reference, p.instalment) AS n
                                       FROM tilskot.payment p JOIN tilskot.application a ON a.id = p.application_id
                                      WHERE p.status = 'attested'
                                      ORDER BY p.due_date, a.reference, p.instalment LIMIT p_limit) q), '[]'::json),
        'clawbacks', coalesce((SELECT json_agg(tilskot.clawback_json(c) ORDER BY c.id) FROM tilskot.clawback_row c), '[]'::json))
$$;

-- My work, for a manager: the assessed cases the acting user may decide, i.e. without those whose
-- current assessment is their own (the assessor does not decide: 06_assessment.sql), oldest
-- received first, at most p_limit. NULL for a user who is not a manager.
CREATE OR REPLACE FUNCTION tilskot.ready_for_decision(p_limit integer)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN pg_has_role(current_user, 'tilskot_manager', 'MEMBER') THEN
        coalesce((SELECT json_agg(json_build_object(
                    'reference', x.reference, 'round', x.round, 'orgnr', x.orgnr, 'organisation', x.organisation,
                    'title', x.title, 'status', x.status, 'received', to_char(x.received, 'YYYY-MM-DD'),
                    'amount_applied_ore', x.amount_applied_ore, 'granted_ore', x.granted_ore) ORDER BY x.received, x.id)
                    FROM (SELECT a.id, a.reference, s.code || '/' || r.year AS round, o.orgnr, o.name AS organisation,
                                 a.title, a.status, a.received, a.amount_applied_ore, d.amount_ore AS granted_ore
                            FROM tilskot.application a
                            JOIN tilskot.round r ON r.id = a.round_id
                            JOIN tilskot.scheme s ON s.id = r.scheme_id
                            JOIN tilskot.organisation o ON o.id = a.organisation_id
                            LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
                           WHERE a.status = 'assessed'
                             AND NOT EXISTS (SELECT 1 FROM tilskot.assessment m
                                              WHERE m.application_id = a.id AND m.is_current
                                                AND m.assessor = tilskot.acting_user())
                           ORDER BY a.received, a.id
                           LIMIT p_limit) x), '[]'::json)
    END
$$;

-- My work (/web/work) after the caller's own cases (`application list --mine`, its first
-- statement), as one JSON document:
--   reports           her reports due within 30 days of p_today or overdue (`followup due --mine
--                     --include-overdue`, tilskot.reports_outstanding);
--   appeals           the appeals pending on her cases, and for a manager (who takes the appeal's
--                     steps) every pending appeal, oldest first: received, in time or late, how long
--                     it has waited, and whether and when it went to the appeal body. An appeal not
--                     answered within a month needs a preliminary answer (fvl. § 11 a third
--                     paragraph), so `days` is shown against 30;
--   appeal_deadlines  her decided cases whose appeal deadline (fvl. § 29: three weeks from the day
--                     the notice reached the party, tilskot.decision_appeal_deadline) has not run out,
--                     with no appeal pending: the deadline and the days left;
--   ready             for a manager, the cases ready for decision (tilskot.ready_for_decision).
-- At most p_limit rows in each list.
CREATE OR REPLACE FUNCTION tilskot.work_page(p_today date, p_limit integer)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'reports', coalesce((SELECT json_agg(json_build_object(
                'reference', o.reference, 'orgnr', o.orgnr, 'organisation', o.organisation, 'granted_ore', o.granted_ore,
                'due_date', to_char(o.due_date, 'YYYY-MM-DD'), 'days_left', o.days_left,
                'account_required', o.account_required))
              FROM (SELECT * FROM tilskot.reports_outstanding(NULL, p_today + 30, p_today, NULL) r
                     WHERE r.application_id IN (SELECT m.application_id FROM tilskot.my_case_ids() m)
                     ORDER BY r.due_date, r.reference LIMIT p_limit) o), '[]'::json),
        'appeals', coalesce((SELECT json_agg(json_build_object(
                'reference', x.reference, 'organisation', x.organisation, 'received', to_char(x.received, 'YYYY-MM-DD'),
                'days', p_today - x.received, 'late', x.late,
                'forwarded_on', to_char(x.forwarded_on, 'YYYY-MM-DD'), 'appeal_body', x.appeal_body)
                ORDER BY x.received, x.id)
              FROM (SELECT p.id, a.reference, o.name AS organisation, p.received, p.late, p.forwarded_on, p.appeal_body
                      FROM tilskot.appeal p
                      JOIN tilskot.application a ON a.id = p.application_id
                      JOIN tilskot.organisation o ON o.id = a.organisation_id
                     WHERE p.outcome IS NULL
                       AND (pg_has_role(current_user, 'tilskot_manager', 'MEMBER')
                            OR p.application_id IN (SELECT m.application_id FROM tilskot.my_case_ids() m))
                     ORDER BY p.received, p.id
                     LIMIT p_limit) x), '[]'::json),
        'appeal_deadlines', coalesce((SELECT json_agg(json_build_object(
                'reference', x.reference, 'organisation', x.organisation, 'outcome', x.outcome,
                'deadline', to_char(x.deadline, 'YYYY-MM-DD'), 'days_left', x.deadline - p_today)
                ORDER BY x.deadline, x.reference)
              FROM (SELECT a.reference, o.name AS organisation, d.outcome, dl.deadline
                      FROM tilskot.my_case_ids() m
                      JOIN tilskot.application a ON a.id = m.application_id
                      JOIN tilskot.organisation o ON o.id = a.organisation_id
                      JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
                      -- OFFSET 0: computed once a row (a pulled-up subquery would put the call in
                      -- both the filter and the list).
                      CROSS JOIN LATERAL (SELECT tilskot.decision_appeal_deadline(d.id) AS deadline OFFSET 0) dl
                     WHERE dl.deadline >= p_today
                       AND NOT EXISTS (SELECT 1 FROM tilskot.appeal p WHERE p.application_id = a.id AND p.outcome IS NULL)
                     ORDER BY 4, 1
                     LIMIT p_limit) x), '[]'::json),
        'ready', tilskot.ready_for_decision(p_limit))
$$;

REVOKE ALL ON FUNCTION tilskot.round_figures(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.round_adjustments(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.rounds_money(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.payment_json(tilskot.payment) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_json(tilskot.clawback_row) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.round_json(bigint, json) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.round_page(text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.rounds_page() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.case_followup(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.finance_page(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.ready_for_decision(integer) FROM PUBLIC;
GRANT SELECT ON TABLE tilskot.clawback_row TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.round_figures(bigint) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.round_adjustments(bigint) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.rounds_money(bigint) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.payment_json(tilskot.payment) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.clawback_json(tilskot.clawback_row) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.round_json(bigint, json) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.round_page(text, integer) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.rounds_page() TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.case_followup(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.finance_page(integer) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.ready_for_decision(integer) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.work_page(date, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.work_page(date, integer) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
