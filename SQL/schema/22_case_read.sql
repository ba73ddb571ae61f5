-- 22_case_read.sql — one case, read as one JSON document.
--
-- `application show --format json`, `GET /applications/{reference}` and the web's case page all read a
-- case through tilskot.application_case: one statement instead of a query per part (the application,
-- its disqualifications, assessments, decisions, appeals and their steps, notices, advance notices and
-- the audit history). The document's keys are the CLI's JSON contract (docs in design.md: snake_case;
-- money in øre, dates YYYY-MM-DD, times ISO 8601 in UTC to the second); the API sends these bytes as they
-- are, and the CLI and the case page decode them. Nothing here decides anything: it reads, as the caller
-- (SECURITY INVOKER: the caller's grants and row-level security apply, so a portal sees only its own).
--
-- tilskot.audit_what words an audit event in a few words ("status assessed → granted", "decided: granted
-- 418 000 kr on 2020-04-25") for the history of a case and `audit list`.

-- "2021-03-01T12:00:05Z": a moment in UTC to the second, as the CLI's JSON writes times. A plain SQL
-- function, so the planner inlines it.
CREATE OR REPLACE FUNCTION tilskot.iso_time(at timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- The names of the columns of a change, in byte order: "changed name, title".
CREATE OR REPLACE FUNCTION tilskot.changed_columns(columns jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
AS $$ SELECT string_agg(k, ', ' ORDER BY k COLLATE "C") FROM jsonb_object_keys(columns) AS k $$;

-- What an audit event did, in a few words. `old` and `new` are the audit row's (on UPDATE only the
-- columns that changed). Unknown tables read "insert table" etc.
--
-- Written so that the planner inlines it into the query that reads the history: one expression, no
-- sub-SELECT, no SET clause (names qualified instead), STABLE. Called as a function of its own it cost
-- about 100 µs an event, most of a case's read.
CREATE OR REPLACE FUNCTION tilskot.audit_what(table_name text, action text, old jsonb, new jsonb) RETURNS text
    LANGUAGE sql STABLE
AS $$
SELECT CASE
    WHEN table_name = 'application' AND action = 'INSERT' THEN
        'registered: ' || coalesce(new->>'title', '') || ', '
        || coalesce(tilskot.format_kr((new->>'amount_applied_ore')::bigint), '') || ' applied for'
    WHEN table_name = 'application' AND action = 'UPDATE' THEN
        concat_ws('; ',
            CASE WHEN jsonb_typeof(old->'status') = 'string' AND jsonb_typeof(new->'status') = 'string'
                 THEN 'status ' || (old->>'status') || ' → ' || (new->>'status') END,
            CASE WHEN old ? 'round_id' THEN 'moved to another round' END,
            CASE WHEN coalesce(new, '{}') - 'status' - 'round_id' <> '{}'
                 THEN 'changed ' || tilskot.changed_columns(new - 'status' - 'round_id') END)
    WHEN table_name = 'assessment' AND action = 'INSERT' THEN
        btrim('assessed: score ' || coalesce(new->>'score', '?') || ', recommends '
              || coalesce(new->>'recommendation', '?') || ' '
              || coalesce(tilskot.format_kr((new->>'recommended_amount_ore')::bigint), ''), ' ')
    WHEN table_name = 'decision' AND action = 'INSERT' THEN
        'decided: ' || coalesce(new->>'outcome', '?')
        || CASE WHEN new->>'outcome' IN ('granted', 'partially_granted')
                THEN ' ' || coalesce(tilskot.format_kr((new->>'amount_ore')::bigint), '') ELSE '' END
        || ' on ' || coalesce(new->>'decision_date', '?')
    WHEN table_name = 'decision' AND action = 'UPDATE' THEN
        CASE WHEN new->'is_current' = 'false'::jsonb THEN 'decision superseded' ELSE 'decision changed' END
    WHEN table_name = 'appeal' AND action = 'INSERT' THEN
        'appeal registered, received ' || coalesce(new->>'received', '?')
        || CASE WHEN new->'late' = 'true'::jsonb THEN ' (late)' ELSE '' END
    WHEN table_name = 'appeal' AND action = 'UPDATE' THEN
        CASE WHEN new->>'outcome' IS NOT NULL THEN 'appeal resolved: ' || (new->>'outcome')
             WHEN new->>'appeal_body' IS NOT NULL THEN 'appeal sent to ' || (new->>'appeal_body')
             ELSE 'appeal changed' END
    WHEN table_name = 'appeal_step' AND action = 'INSERT' THEN
        CASE new->>'kind'
            WHEN 'dismiss' THEN 'appeal dismissed (' || coalesce(new->>'ground', '?') || ') on '
            WHEN 'forward' THEN 'appeal forwarded to the appeal body on '
            WHEN 'body_upheld' THEN 'the appeal body upheld the decision on '
            WHEN 'body_quashed' THEN 'the appeal body quashed the decision on '
            ELSE 'appeal step on ' END
        || coalesce(new->>'step_date', '?')
    WHEN table_name = 'notice' AND action = 'INSERT' THEN
        'notice sent ' || coalesce(new->>'sent_on', '?') || ' by ' || coalesce(new->>'channel', '?')
        || ', presumed received ' || coalesce(new->>'presumed_received', '?')
    WHEN table_name = 'advance_notice' AND action = 'INSERT' THEN
        'advance notice (fvl. § 16) sent ' || coalesce(new->>'sent_on', '?')
        || ', answer by ' || coalesce(new->>'answer_by', '?')
    WHEN table_name = 'advance_notice_answer' AND action = 'INSERT' THEN
        'answer to the advance notice received ' || coalesce(new->>'received_on', '?')
    WHEN table_name = 'withdrawal' AND action = 'INSERT' THEN 'withdrawn'
    WHEN table_name = 'disqualification' AND action = 'INSERT' THEN
        coalesce(new->>'person', '?') || ' disqualified (fvl. §§ 6–10)'
    WHEN table_name = 'assignment' AND action = 'INSERT' THEN 'assigned to ' || coalesce(new->>'caseworker', '?')
    WHEN table_name = 'round_move' AND action = 'INSERT' THEN 'moved between rounds'
    WHEN table_name = 'frame_adjustment' AND action = 'INSERT' THEN
        'frame adjusted by ' || coalesce(tilskot.format_kr((new->>'amount_ore')::bigint), '?')
    WHEN table_name = 'round' AND action = 'INSERT' THEN
        'round opened, frame ' || coalesce(tilskot.format_kr((new->>'frame_ore')::bigint), '?')
    WHEN table_name = 'round' AND action = 'UPDATE' THEN
        CASE WHEN new->>'granted_ore' IS NOT NULL THEN 'granted in round now ' || tilskot.format_kr((new->>'granted_ore')::bigint)
             WHEN new->>'frame_ore' IS NOT NULL THEN 'frame now ' || tilskot.format_kr((new->>'frame_ore')::bigint)
             ELSE 'round changed' END
    WHEN table_name = 'scheme' AND action = 'INSERT' THEN 'scheme created: ' || coalesce(new->>'name', '')
    WHEN table_name = 'organisation' AND action = 'INSERT' THEN 'organisation registered: ' || coalesce(new->>'name', '')
    ELSE lower(action) || ' ' || table_name
END
$$;

-- The case of one application as one JSON object, or NULL when the caller sees no application with
-- that reference. Every key is always there (an absent value is null; a list with nothing is []).
-- Keys are written in sorted order, as the CLI writes them. PL/pgSQL, so the statement's plan is kept
-- for the session (a SQL function would plan it on every call).
CREATE OR REPLACE FUNCTION tilskot.application_case(reference text) RETURNS json
    LANGUAGE plpgsql STABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    a tilskot.application;
BEGIN
    SELECT * INTO a FROM tilskot.application x WHERE x.reference = application_case.reference;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    RETURN (
        WITH current_decision AS (
            SELECT d.id, d.amount_ore FROM tilskot.decision d WHERE d.application_id = a.id AND d.is_current
        ), current_notice AS (
            -- The notice of the current decision (fvl. § 27): the appeal deadline runs from it.
            SELECT n.sent_on, n.channel, n.received_on, n.presumed_received,
                   tilskot.appeal_deadline_from(n.presumed_received) AS appeal_deadline
              FROM tilskot.notice n JOIN current_decision c ON n.decision_id = c.id
             ORDER BY n.id LIMIT 1
        )
        SELECT json_build_object(
            'advance_notices', coalesce((
                SELECT json_agg(json_build_object(
                           'amount_ore', v.amount_ore, 'answer_by', v.answer_by, 'answer_id', r.id,
                           'answer_received', r.received_on, 'answer_registered_at', tilskot.iso_time(r.registered_at),
                           'answer_registered_by', r.registered_by, 'answer_summary', r.summary, 'channel', v.channel,
                           'id', v.id, 'proposal', v.proposal, 'purpose', v.purpose,
                           'registered_at', tilskot.iso_time(v.registered_at), 'registered_by', v.registered_by,
                           'sent', v.sent_on) ORDER BY v.id)
                  FROM tilskot.advance_notice v
                  LEFT JOIN tilskot.advance_notice_answer r ON r.advance_notice_id = v.id
                 WHERE v.application_id = a.id), '[]'),
            'amount_applied_ore', a.amount_applied_ore,
            'appeal_deadline', (SELECT appeal_deadline FROM current_notice),
            'appeals', coalesce((
                SELECT json_agg(json_build_object(
                           'appeal_body', p.appeal_body, 'decision_id', p.decision_id, 'forwarded_by', p.forwarded_by,
                           'forwarded_on', p.forwarded_on, 'grounds', p.grounds, 'id', p.id, 'late', p.late,
                           'late_reason', p.late_reason, 'outcome', p.outcome, 'received', p.received,
                           'registered_at', tilskot.iso_time(p.registered_at), 'registered_by', p.registered_by,
                           'resolved_at', tilskot.iso_time(p.resolved_at),
                           'resolved_by_decision_id', p.resolved_by_decision_id, 'sent', p.sent_on,
                           'status_before', p.status_before,
                           'steps', coalesce((
                               SELECT json_agg(json_build_object(
                                          'body_reference', s.body_reference, 'date', s.step_date, 'ground', s.ground,
                                          'id', s.id, 'kind', s.kind, 'reasons', s.reasons,
                                          'recorded_at', tilskot.iso_time(s.recorded_at), 'recorded_by', s.recorded_by)
                                      ORDER BY s.id)
                                 FROM tilskot.appeal_step s WHERE s.application_id = a.id AND s.appeal_id = p.id), '[]'))
                       ORDER BY p.id)
                  FROM tilskot.appeal p WHERE p.application_id = a.id), '[]'),
            'assessments', coalesce((
                SELECT json_agg(json_build_object(
                           'assessor', s.assessor, 'at', tilskot.iso_time(s.at), 'is_current', s.is_current,
                           'notes', s.notes, 'recommendation', s.recommendation,
                           'recommended_amount_ore', s.recommended_amount_ore, 'score', s.score) ORDER BY s.id)
                  FROM tilskot.assessment s WHERE s.application_id = a.id), '[]'),
            'caseworkers', coalesce(to_json(tilskot.case_caseworkers(a.id)), '[]'),
            'decisions', coalesce((
                SELECT json_agg(json_build_object(
                           'advance_notice_id', d.advance_notice_id, 'amount_ore', d.amount_ore, 'appeal_id', d.appeal_id,
                           'body_reference', d.body_reference, 'conditions', d.conditions,
                           'decided_at', tilskot.iso_time(d.decided_at), 'decided_by', d.decided_by,
                           'decision_date', d.decision_date, 'disadvantage_basis', d.disadvantage_basis, 'id', d.id,
                           'instance', d.instance, 'is_current', d.is_current, 'outcome', d.outcome,
                           'reasons', d.reasons, 'supersedes', d.supersedes) ORDER BY d.id)
                  FROM tilskot.decision d WHERE d.application_id = a.id), '[]'),
            'disqualifications', coalesce((
                SELECT json_agg(json_build_object(
                           'at', tilskot.iso_time(q.at), 'declared_by', q.declared_by, 'person', q.person,
                           'reason', q.reason) ORDER BY q.id)
                  FROM tilskot.disqualification q WHERE q.application_id = a.id), '[]'),
            'external_ref', a.external_ref,
            'granted_ore', (SELECT amount_ore FROM current_decision),
            'history', coalesce((
                SELECT json_agg(json_build_object(
                           'action', l.action, 'actor', l.actor, 'at', tilskot.iso_time(l.at), 'id', l.id,
                           'login', l.login, 'reason', l.reason, 'table', l.table_name,
                           'what', tilskot.audit_what(l.table_name, l.action, l.old, l.new)) ORDER BY l.id)
                  FROM tilskot.audit_log l WHERE l.application_id = a.id), '[]'),
            'late', a.late,
            'late_reason', a.late_reason,
            'municipality', o.municipality,
            'notice_channel', (SELECT channel FROM current_notice),
            'notice_presumed_received', (SELECT presumed_received FROM current_notice),
            'notice_received', (SELECT received_on FROM current_notice),
            'notice_sent', (SELECT sent_on FROM current_notice),
            'notices', coalesce((
                SELECT json_agg(json_build_object(
                           'appeal_deadline', tilskot.appeal_deadline_from(n.presumed_received),
                           'appeal_id', n.appeal_id, 'channel', n.channel, 'clawback_id', n.clawback_id,
                           'decision_id', n.decision_id, 'id', n.id, 'presumed_received', n.presumed_received,
                           'received', n.received_on, 'registered_at', tilskot.iso_time(n.registered_at),
                           'registered_by', n.registered_by, 'sent', n.sent_on) ORDER BY n.id)
                  FROM tilskot.notice n WHERE n.application_id = a.id), '[]'),
            'organisation', o.name,
            'orgnr', o.orgnr,
            'received', a.received,
            'reference', a.reference,
            'registered_at', tilskot.iso_time(a.created_at),
            'registered_by', a.registered_by,
            'round', s.code || '/' || r.year,
            'scheme', ss.name,
            'status', a.status,
            'title', a.title,
            'withdrawal_reason', (SELECT w.reason FROM tilskot.withdrawal w WHERE w.application_id = a.id))
          FROM tilskot.round r
          JOIN tilskot.scheme s ON s.id = r.scheme_id
          JOIN tilskot.scheme ss ON ss.id = a.scheme_id
          JOIN tilskot.organisation o ON o.id = a.organisation_id
         WHERE r.id = a.round_id);
END
$$;

REVOKE ALL ON FUNCTION tilskot.iso_time(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.iso_time(timestamptz) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.changed_columns(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.changed_columns(jsonb) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.audit_what(text, text, jsonb, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.audit_what(text, text, jsonb, jsonb) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.application_case(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.application_case(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
