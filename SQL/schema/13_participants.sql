-- The participant register (GDPR art. 9).
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

-- The register's owners need CREATE on the schema while functions are given to them; taken back
-- at the end of this file.
GRANT CREATE ON SCHEMA tilskot TO tilskot_participant_owner, tilskot_participant_steward;

CREATE OR REPLACE FUNCTION tilskot.may_handle_participants(person text, application_id bigint) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT tilskot.is_member(person, 'tilskot_participant_reader')
        OR tilskot.is_case_caseworker(person, application_id)
$$;

CREATE OR REPLACE FUNCTION tilskot.participant_access_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'the participant access log is append-only: its entries can never be changed or deleted (% refused)', TG_OP
        USING ERRCODE = '23T09';
END
$$;

-- The application a participant function is about, after checking that the acting user may handle
-- its participants.
CREATE OR REPLACE FUNCTION tilskot.participant_case(reference text, step text) RETURNS tilskot.application
    LANGUAGE plpgsql STABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application;
BEGIN
    SELECT * INTO app FROM tilskot.application a WHERE a.reference = participant_case.reference;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% refused: there is no application %', step, reference USING ERRCODE = '23T12';
    END IF;
    IF NOT tilskot.may_handle_participants(actor, app.id) THEN
        RAISE EXCEPTION '% refused: % is neither a participant reader nor a caseworker of %; participant data is for those who need it (members of tilskot_participant_reader and the case''s own caseworkers)',
            step, actor, app.reference USING ERRCODE = '42T03';
    END IF;
    RETURN app;
END
$$;

-- One project's participants. (Both list functions are dropped first: CREATE OR REPLACE cannot
-- change a function's result columns.)
DROP FUNCTION IF EXISTS tilskot.participant_list(text);
CREATE FUNCTION tilskot.participant_list(project_reference text)
    RETURNS TABLE (id bigint, reference text, code text, birth_year integer, municipality text, start_date date,
                   end_date date, outcome text, outcome_6m text, outcome_12m text, recorded_by text, recorded_at timestamptz,
                   gender text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    app tilskot.application := tilskot.participant_case(project_reference, 'participant list');
    ids bigint[];
BEGIN
    SELECT coalesce(array_agg(p.id ORDER BY p.code), '{}') INTO ids FROM tilskot.participant p WHERE p.application_id = app.id;
    PERFORM tilskot.log_participant_access('read', app.id, format('participant_list(%L)', app.reference), ids, cardinality(ids));
    RETURN QUERY
        SELECT p.id, app.reference, p.code, p.birth_year::integer, p.municipality::text, p.start_date, p.end_date,
               p.outcome, p.outcome_6m, p.outcome_12m, p.recorded_by, p.recorded_at, p.gender
          FROM tilskot.participant p WHERE p.id = ANY (ids) ORDER BY p.code;
END
$$;

ALTER FUNCTION tilskot.participant_list(text) OWNER TO tilskot_participant_owner;

-- A round's participants that the acting user may see (row-level security chooses them).
DROP FUNCTION IF EXISTS tilskot.participant_list_round(text, integer);
CREATE FUNCTION tilskot.participant_list_round(scheme_code text, round_year integer)
    RETURNS TABLE (id bigint, reference text, code text, birth_year integer, municipality text, start_date date,
                   end_date date, outcome text, outcome_6m text, outcome_12m text, recorded_by text, recorded_at timestamptz,
                   gender text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    rid bigint;
    ids bigint[];
BEGIN
    SELECT r.id INTO rid FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
     WHERE s.code = scheme_code AND r.year = round_year;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'participant list refused: round %/% does not exist', scheme_code, round_year USING ERRCODE = '23T12';
    END IF;
    SELECT coalesce(array_agg(p.id ORDER BY a.reference, p.code), '{}') INTO ids
      FROM tilskot.participant p JOIN tilskot.application a ON a.id = p.application_id
     WHERE a.round_id = rid;
    PERFORM tilskot.log_participant_access('read', NULL, format('participant_list_round(%L, %s)', scheme_code, round_year),
                                           ids, cardinality(ids));
    RETURN QUERY
        SELECT p.id, a.reference, p.code, p.birth_year::integer, p.municipality::text, p.start_date, p.end_date,
               p.outcome, p.outcome_6m, p.outcome_12m, p.recorded_by, p.recorded_at, p.gender
          FROM tilskot.participant p JOIN tilskot.application a ON a.id = p.application_id
         WHERE p.id = ANY (ids) ORDER BY a.reference, p.code;
END
$$;

ALTER FUNCTION tilskot.participant_list_round(text,integer) OWNER TO tilskot_participant_owner;

-- Retention: deletes the participants whose participation ended before `ended_before` (an admin's act).
CREATE OR REPLACE FUNCTION tilskot.participant_purge(ended_before date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    ids bigint[];
BEGIN
    IF NOT tilskot.is_member(actor, 'tilskot_admin') THEN
        RAISE EXCEPTION 'participant purge refused: % is not an admin; only members of tilskot_admin purge the register', actor
            USING ERRCODE = '42T03';
    END IF;
    IF ended_before IS NULL OR ended_before > tilskot.today() THEN
        RAISE EXCEPTION 'participant purge refused: give a date that is not in the future; rows whose participation ended before it are deleted'
            USING ERRCODE = '23T28';
    END IF;
    WITH gone AS (DELETE FROM tilskot.participant p WHERE p.end_date < ended_before RETURNING p.id)
    SELECT coalesce(array_agg(gone.id ORDER BY gone.id), '{}') INTO ids FROM gone;
    PERFORM tilskot.log_participant_access('purge', NULL, format('participant_purge(%L)', ended_before), ids, cardinality(ids));
    RETURN cardinality(ids);
END
$$;

ALTER FUNCTION tilskot.participant_purge(date) OWNER TO tilskot_participant_steward;

-- Personal data (GDPR art. 9): traces a rollback cannot remove, suppression that holds against
-- insiders, need-to-know given and not taken (issue 14, breaches 5, 6 and 7).
--
-- 5. Every participant function that reads or changes the register also writes one line to the
--    server log (RAISE LOG) before it returns a row or checks a stored value: who acted (the caller
--    the function records, not the definer), the login, the application name, the client address,
--    the backend, the case and the participant ids. A server log line is written when it is raised,
--    so BEGIN … ROLLBACK, a rolled-back savepoint, an error after the read or a multi-statement
--    string cannot take it back, as they take back the access-log row. log_min_messages is a
--    superuser setting, and LOG passes the cluster's `log_min_messages = warning`, so no user can
--    silence it. User-controlled text (application_name, references, codes) is JSON-encoded, so it
--    cannot forge a second log line. Error messages never name a stored personal value: a refused
--    update does not show the stored start date (or birth year, or municipality).
-- 6. participant_report's secondary suppression runs twice: once against an outsider,
--    then against what the caller may read. Cells of projects the caller may read count as known;
--    the total row is replaced by what remains once they are subtracted; and cells are hidden
--    until no line (row or column) of that remainder has exactly one hidden cell. The report hides
--    the union of both patterns, so what the caller sees plus what she may read gives no cell of a
--    project she may not read by subtraction (docs/security.md, "Suppression against insiders").
-- 7. Need to know is given, not taken: a caseworker cannot assign herself a case that has had a
--    grant (the only cases that hold or can come to hold participants); a manager assigns it to
--    her (`tilskot application assign REF --to USER`). is_case_caseworker counts an assignment
--    only when someone else gave it, or when it was taken before the case had a grant; and an
--    assessment only when it was made before the grant (an appeal's assessor gets participant data
--    from a manager's assignment, not by assessing). Every grant is in the audit log with the
--    manager as actor and assigned_by.
--
-- Codes: 42T05 need to know is given (self-assignment of a case with personal data); the others as
-- in SQL/schema/README.md (23T12, 23T22, 23T28, 42T03, 23T09).


-- One line in the server log for an access to the register. Not SECURITY DEFINER: RAISE needs no
-- right, and the caller identity comes from acting_user() (the person, also inside the definer
-- functions, where current_user is the register's owner).
CREATE OR REPLACE FUNCTION tilskot.trace_participant_access(action text, application_id bigint, query text, ids bigint[])
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RAISE LOG 'tilskot participant access: %', json_build_object(
        'action', action,
        'actor', tilskot.acting_user(),
        'session_user', session_user::text,
        'current_user', current_user::text,
        'application', current_setting('application_name', true),
        'client', inet_client_addr()::text,
        'pid', pg_backend_pid(),
        'application_id', application_id,
        'query', query,
        'participant_ids', coalesce(ids, '{}'::bigint[]),
        'row_count', cardinality(coalesce(ids, '{}'::bigint[])))::text;
END
$$;

-- The access-log entry, preceded by its line in the server log: the entry can be rolled back
-- with the caller's transaction, the line cannot.
CREATE OR REPLACE FUNCTION tilskot.log_participant_access(action text, application_id bigint, query text, ids bigint[], row_count integer)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    PERFORM tilskot.trace_participant_access(action, application_id, query, ids);
    INSERT INTO tilskot.participant_access_log (actor, action, application_id, query, participant_ids, row_count)
    VALUES (tilskot.acting_user(), action, application_id, query, coalesce(ids, '{}'), row_count);
END
$$;

ALTER FUNCTION tilskot.log_participant_access(text,bigint,text,bigint[],integer) OWNER TO tilskot_participant_owner;

-- Checks a participant's values, in sentences (the table's CHECKs are the last line). No message
-- names a value of the row but its pseudonymous code, which the caller gave: on an update the row
-- is the stored one, and a refusal (rolled back with its access-log entry) must not show it.
CREATE OR REPLACE FUNCTION tilskot.check_participant(p tilskot.participant, reference text) RETURNS void
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF replace(coalesce(p.code, ''), '-', '') ~ '^[0-9]{11}$' THEN
        -- Not repeated in the message: it may be a real person's number.
        RAISE EXCEPTION 'participant refused: the code given for % looks like a national identity number (11 digits); use the project''s pseudonymous code instead',
            reference USING ERRCODE = '23T28';
    END IF;
    IF coalesce(p.code, '') !~ '^[A-Za-z0-9-]{4,32}$' THEN
        RAISE EXCEPTION 'participant refused: the code given for % is not a participant code; use 4 to 32 of A–Z, a–z, 0–9 and -, e.g. JS-OSL-0042',
            reference USING ERRCODE = '23T28';
    END IF;
    IF p.birth_year IS NULL OR p.birth_year < 1900 OR p.birth_year > extract(year FROM coalesce(p.start_date, tilskot.today())) THEN
        RAISE EXCEPTION 'participant refused: the birth year of % is not plausible (from 1900 to the year of the start); give the year only, e.g. 1984', p.code
            USING ERRCODE = '23T28';
    END IF;
    IF coalesce(p.municipality, '') !~ '^[0-9]{4}$' THEN
        RAISE EXCEPTION 'participant refused: the municipality of % is not a municipality number (4 digits, e.g. 0301)', p.code
            USING ERRCODE = '23T28';
    END IF;
    IF p.start_date IS NULL OR p.start_date > tilskot.today() OR NOT isfinite(p.start_date) THEN
        RAISE EXCEPTION 'participant refused: % needs a start date that is not in the future', p.code USING ERRCODE = '23T28';
    END IF;
    IF p.end_date IS NOT NULL AND (p.end_date < p.start_date OR p.end_date > tilskot.today() OR NOT isfinite(p.end_date)) THEN
        RAISE EXCEPTION 'participant refused: the end date given for % is before its start date or in the future', p.code
            USING ERRCODE = '23T28';
    END IF;
    IF p.end_date IS NULL AND (p.outcome IS NOT NULL OR p.outcome_6m IS NOT NULL OR p.outcome_12m IS NOT NULL) THEN
        RAISE EXCEPTION 'participant refused: % has outcomes but no end date; give the end date with them', p.code USING ERRCODE = '23T28';
    END IF;
    IF p.outcome NOT IN ('employment', 'education', 'other', 'dropped_out')
       OR p.outcome_6m NOT IN ('employment', 'education', 'other', 'dropped_out')
       OR p.outcome_12m NOT IN ('employment', 'education', 'other', 'dropped_out') THEN
        RAISE EXCEPTION 'participant refused: an outcome of % is not one of employment, education, other, dropped_out', p.code
            USING ERRCODE = '23T28';
    END IF;
    -- Three codes only (GDPR art. 5(1)(c)): what the equality report counts, and no more.
    IF p.gender IS NULL OR p.gender NOT IN ('female', 'male', 'other_or_unknown') THEN
        RAISE EXCEPTION 'participant refused: the gender given for % is not one of female, male, other_or_unknown (kvinne, mann, anna/ikkje oppgitt)', p.code
            USING ERRCODE = '23T28';
    END IF;
END
$$;

-- The gender is the last argument, so calls that name none record other_or_unknown ("ikkje oppgitt").
-- The signature without it is dropped, so there is one participant_add.
DROP FUNCTION IF EXISTS tilskot.participant_add(text,text,integer,text,date,date,text,text,text);
CREATE OR REPLACE FUNCTION tilskot.participant_add(reference text, code text, birth_year integer, municipality text,
                                                   start_date date, end_date date DEFAULT NULL, outcome text DEFAULT NULL,
                                                   outcome_6m text DEFAULT NULL, outcome_12m text DEFAULT NULL,
                                                   gender text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.participant_case(reference, 'participant');
    p tilskot.participant;
    new_id bigint;
BEGIN
    -- Traced before the duplicate check, which tells whether a code exists.
    PERFORM tilskot.trace_participant_access('add (attempt)', app.id,
        format('participant_add(%L, %L)', app.reference, btrim(code)), NULL);
    IF tilskot.current_grant_ore(app.id) IS NULL THEN
        RAISE EXCEPTION 'participant refused: % has no grant; participants are recorded on granted projects', app.reference
            USING ERRCODE = '23T22';
    END IF;
    p.code := btrim(code);
    p.birth_year := birth_year;
    p.municipality := btrim(municipality);
    p.start_date := start_date;
    p.end_date := end_date;
    p.outcome := outcome;
    p.outcome_6m := outcome_6m;
    p.outcome_12m := outcome_12m;
    p.gender := coalesce(btrim(gender), 'other_or_unknown');
    PERFORM tilskot.check_participant(p, app.reference);
    IF EXISTS (SELECT 1 FROM tilskot.participant x WHERE x.application_id = app.id AND x.code = p.code) THEN
        RAISE EXCEPTION 'participant refused: % already has a participant %; update that one instead', app.reference, p.code
            USING ERRCODE = '23T28';
    END IF;
    BEGIN
        INSERT INTO tilskot.participant (application_id, code, birth_year, municipality, start_date, end_date,
                                         outcome, outcome_6m, outcome_12m, recorded_by, gender)
        VALUES (app.id, p.code, p.birth_year, p.municipality, p.start_date, p.end_date,
                p.outcome, p.outcome_6m, p.outcome_12m, tilskot.acting_user(), p.gender)
        RETURNING id INTO new_id;
    EXCEPTION WHEN check_violation OR not_null_violation OR string_data_right_truncation THEN
        -- PostgreSQL's own message carries the failing row; ours does not.
        RAISE EXCEPTION 'participant refused: the values given for % break a rule of the register; check the dates, birth year, municipality, outcomes and gender', p.code
            USING ERRCODE = '23T28';
    END;
    PERFORM tilskot.log_participant_access('add', app.id,
        format('participant_add(%L, %L)', app.reference, p.code), ARRAY[new_id], 1);
    RETURN new_id;
END
$$;

ALTER FUNCTION tilskot.participant_add(text,text,integer,text,date,date,text,text,text,text) OWNER TO tilskot_participant_owner;

-- The gender may be corrected later (a participant may state it after the start); the signature
-- without it is dropped, so there is one participant_update.
DROP FUNCTION IF EXISTS tilskot.participant_update(text,text,date,text,text,text);
CREATE OR REPLACE FUNCTION tilskot.participant_update(reference text, code text, end_date date DEFAULT NULL, outcome text DEFAULT NULL,
                                                      outcome_6m text DEFAULT NULL, outcome_12m text DEFAULT NULL,
                                                      gender text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.participant_case(reference, 'participant update');
    p tilskot.participant;
BEGIN
    SELECT * INTO p FROM tilskot.participant x WHERE x.application_id = app.id AND x.code = btrim(participant_update.code) FOR UPDATE;
    -- Traced before any check of the stored row: a refusal tells something of it (that the code
    -- exists, that its start is after a date), and the refusal rolls the access-log entry back.
    PERFORM tilskot.trace_participant_access('update (attempt)', app.id,
        format('participant_update(%L, %L)', app.reference, btrim(code)), CASE WHEN p.id IS NOT NULL THEN ARRAY[p.id] END);
    IF p.id IS NULL THEN
        RAISE EXCEPTION 'participant update refused: % has no participant %', app.reference, btrim(code) USING ERRCODE = '23T12';
    END IF;
    IF end_date IS NULL AND outcome IS NULL AND outcome_6m IS NULL AND outcome_12m IS NULL AND gender IS NULL THEN
        RAISE EXCEPTION 'participant update refused: nothing to update for %; give an end date, an outcome or a gender', p.code USING ERRCODE = '23T28';
    END IF;
    p.end_date := coalesce(end_date, p.end_date);
    p.outcome := coalesce(outcome, p.outcome);
    p.outcome_6m := coalesce(outcome_6m, p.outcome_6m);
    p.outcome_12m := coalesce(outcome_12m, p.outcome_12m);
    p.gender := coalesce(btrim(gender), p.gender);
    PERFORM tilskot.check_participant(p, app.reference);
    BEGIN
        UPDATE tilskot.participant x SET end_date = p.end_date, outcome = p.outcome, outcome_6m = p.outcome_6m, outcome_12m = p.outcome_12m,
                                         gender = p.gender
         WHERE x.id = p.id;
    EXCEPTION WHEN check_violation OR not_null_violation THEN
        -- PostgreSQL's own message carries the failing row, stored values included; ours does not.
        RAISE EXCEPTION 'participant update refused: the values given for % break a rule of the register; check the end date, outcomes and gender', p.code
            USING ERRCODE = '23T28';
    END;
    PERFORM tilskot.log_participant_access('update', app.id,
        format('participant_update(%L, %L)', app.reference, p.code), ARRAY[p.id], 1);
END
$$;

ALTER FUNCTION tilskot.participant_update(text,text,date,text,text,text,text) OWNER TO tilskot_participant_owner;

-- Secondary suppression of a report table: nrows rows (the projects or schemes, then the total row)
-- of ncols entries (the counts, then the row total), row-major in v. Entries marked known are what the
-- reader knows anyway: they neither count as hidden nor are chosen to be hidden. Starting from
-- `hidden`, every line (a row with its total, a column with the total row's entry) that has exactly
-- one hidden unknown entry gets a second one: its smallest non-zero unknown cell, else its total.
-- A line with exactly one hidden entry and nothing left to hide (every other entry known, hidden
-- or zero: a remainder of 0 in the total row) gives that entry away, so it counts as known from
-- then on and its other line is looked at again. Repeated until no line has exactly one. With
-- nothing known this is the rule against an outsider (there, an entry alone in its line always has
-- a candidate).
CREATE OR REPLACE FUNCTION tilskot.participant_suppression_lines(v integer[], nrows integer, ncols integer,
                                                                 known boolean[], hidden boolean[])
    RETURNS boolean[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    n integer := nrows - 1;
    i integer;
    j integer;
    k integer;
    best integer;
    single integer;
    hidden_count integer;
    changed boolean;
BEGIN
    LOOP
        changed := false;
        FOR i IN 1..nrows LOOP
            hidden_count := 0;
            FOR j IN 1..ncols LOOP
                k := (i - 1) * ncols + j;
                IF hidden[k] AND NOT known[k] THEN hidden_count := hidden_count + 1; single := k; END IF;
            END LOOP;
            IF hidden_count = 1 THEN
                best := NULL;
                FOR j IN 1..ncols - 1 LOOP
                    k := (i - 1) * ncols + j;
                    IF NOT hidden[k] AND NOT known[k] AND v[k] > 0 AND (best IS NULL OR v[k] < v[best]) THEN best := k; END IF;
                END LOOP;
                k := i * ncols;
                IF best IS NULL AND NOT hidden[k] AND NOT known[k] AND v[k] > 0 THEN best := k; END IF;
                IF best IS NOT NULL THEN hidden[best] := true; ELSE known[single] := true; END IF;
                changed := true;
            END IF;
        END LOOP;
        FOR j IN 1..ncols LOOP
            hidden_count := 0;
            FOR i IN 1..nrows LOOP
                k := (i - 1) * ncols + j;
                IF hidden[k] AND NOT known[k] THEN hidden_count := hidden_count + 1; single := k; END IF;
            END LOOP;
            IF hidden_count = 1 THEN
                best := NULL;
                FOR i IN 1..n LOOP
                    k := (i - 1) * ncols + j;
                    IF NOT hidden[k] AND NOT known[k] AND v[k] > 0 AND (best IS NULL OR v[k] < v[best]) THEN best := k; END IF;
                END LOOP;
                k := n * ncols + j;
                IF best IS NULL AND NOT hidden[k] AND NOT known[k] AND v[k] > 0 THEN best := k; END IF;
                IF best IS NOT NULL THEN hidden[best] := true; ELSE known[single] := true; END IF;
                changed := true;
            END IF;
        END LOOP;
        EXIT WHEN NOT changed;
    END LOOP;
    RETURN hidden;
END
$$;

-- participant_report's table: five outcomes and the row total.
CREATE OR REPLACE FUNCTION tilskot.participant_suppression(v integer[], nrows integer, known boolean[], hidden boolean[])
    RETURNS boolean[]
    LANGUAGE sql IMMUTABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT tilskot.participant_suppression_lines(v, nrows, 6, known, hidden)
$$;

-- The aggregate report of a round: per project, participants by outcome (at the end, or 6 or 12
-- months after), with row and column totals. Cells of 1–4 persons show as "<5". Then two passes
-- of secondary suppression ("x"), whose union is hidden:
--   * against an outsider: until no row or column has exactly one hidden entry;
--   * against the caller: the projects she may read (a participant reader, or a caseworker of the
--     case) are known to her, so they are taken out — their cells count neither as hidden nor as
--     candidates, and the total row becomes what is left once they are subtracted (a remainder of
--     1–4 is small too) — and cells are hidden until no line of that remainder has exactly one.
--     Hiding more never tells more, so the union keeps both promises.
CREATE OR REPLACE FUNCTION tilskot.participant_report(scheme_code text, round_year integer, at_point text DEFAULT 'end')
    RETURNS TABLE (reference text, project text, employment text, education text, other text, dropped_out text,
                   no_outcome text, total text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    actor text := tilskot.acting_user();
    rid bigint;
    refs text[] := '{}';
    names text[] := '{}';
    readable boolean[] := '{}';
    v integer[] := '{}';      -- (n + 1) rows × 6 columns, row-major; the last row and column are totals
    small boolean[];          -- 1–4 persons
    hidden boolean[];         -- small, or hidden so a small one cannot be derived
    known boolean[];          -- the caller's own projects' cells
    remainder integer[];      -- v with the total row less the caller's own projects
    start boolean[];
    mine hidden%TYPE;
    n integer := 0;
    nrows integer;
    i integer;
    j integer;
    k integer;
    rec record;
    cells text[];
BEGIN
    IF NOT (tilskot.is_member(actor, 'tilskot_participant_reader') OR tilskot.is_member(actor, 'tilskot_caseworker')
            OR tilskot.has_budget_authority(actor) OR tilskot.is_member(actor, 'tilskot_auditor')) THEN
        RAISE EXCEPTION 'participant report refused: % has no tilskot role that reads reports', actor USING ERRCODE = '42T03';
    END IF;
    IF at_point IS NULL OR at_point NOT IN ('end', '6m', '12m') THEN
        RAISE EXCEPTION 'participant report refused: "%" is not a point of follow-up; use end, 6m or 12m', at_point USING ERRCODE = '23T28';
    END IF;
    SELECT r.id INTO rid FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
     WHERE s.code = scheme_code AND r.year = round_year;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'participant report refused: round %/% does not exist', scheme_code, round_year USING ERRCODE = '23T12';
    END IF;

    FOR rec IN
        SELECT a.id AS app_id, a.reference AS ref, o.name AS org,
               count(*) FILTER (WHERE x.oc = 'employment')::integer AS c1,
               count(*) FILTER (WHERE x.oc = 'education')::integer AS c2,
               count(*) FILTER (WHERE x.oc = 'other')::integer AS c3,
               count(*) FILTER (WHERE x.oc = 'dropped_out')::integer AS c4,
               count(*) FILTER (WHERE x.oc IS NULL)::integer AS c5,
               count(*)::integer AS c6
          FROM tilskot.participant p
          JOIN tilskot.application a ON a.id = p.application_id
          JOIN tilskot.organisation o ON o.id = a.organisation_id
         CROSS JOIN LATERAL (SELECT CASE at_point WHEN 'end' THEN p.outcome WHEN '6m' THEN p.outcome_6m
                                                  ELSE p.outcome_12m END AS oc) x
         WHERE a.round_id = rid
         GROUP BY a.id, a.reference, o.name
         ORDER BY o.name, a.reference
    LOOP
        n := n + 1;
        refs := refs || rec.ref;
        names := names || rec.org;
        readable := readable || tilskot.may_handle_participants(actor, rec.app_id);
        v := v || ARRAY[rec.c1, rec.c2, rec.c3, rec.c4, rec.c5, rec.c6];
    END LOOP;
    nrows := n + 1;
    FOR j IN 1..6 LOOP
        k := 0;
        FOR i IN 1..n LOOP k := k + v[(i - 1) * 6 + j]; END LOOP;
        v := v || k;
    END LOOP;

    small := array_fill(false, ARRAY[nrows * 6]);
    FOR k IN 1..nrows * 6 LOOP small[k] := v[k] BETWEEN 1 AND 4; END LOOP;
    -- Against an outsider.
    hidden := tilskot.participant_suppression(v, nrows, array_fill(false, ARRAY[nrows * 6]), small);
    -- Against the caller, when she may read some of the projects.
    IF true = ANY (readable) THEN
        known := array_fill(false, ARRAY[nrows * 6]);
        remainder := v;
        FOR i IN 1..n LOOP
            IF readable[i] THEN
                FOR j IN 1..6 LOOP
                    known[(i - 1) * 6 + j] := true;
                    remainder[n * 6 + j] := remainder[n * 6 + j] - v[(i - 1) * 6 + j];
                END LOOP;
            END IF;
        END LOOP;
        start := array_fill(false, ARRAY[nrows * 6]);
        FOR k IN 1..nrows * 6 LOOP
            start[k] := NOT known[k] AND (hidden[k] OR remainder[k] BETWEEN 1 AND 4);
        END LOOP;
        mine := tilskot.participant_suppression(remainder, nrows, known, start);
        FOR k IN 1..nrows * 6 LOOP hidden[k] := hidden[k] OR mine[k]; END LOOP;
    END IF;

    PERFORM tilskot.log_participant_access('aggregate', NULL,
        format('participant_report(%L, %s, %L)', scheme_code, round_year, at_point), NULL, v[nrows * 6]);

    FOR i IN 1..nrows LOOP
        cells := '{}';
        FOR j IN 1..6 LOOP
            k := (i - 1) * 6 + j;
            cells := cells || CASE WHEN small[k] THEN '<5' WHEN hidden[k] THEN 'x' ELSE v[k]::text END;
        END LOOP;
        reference := CASE WHEN i <= n THEN refs[i] END;
        project := CASE WHEN i <= n THEN names[i] ELSE 'Total' END;
        employment := cells[1];
        education := cells[2];
        other := cells[3];
        dropped_out := cells[4];
        no_outcome := cells[5];
        total := cells[6];
        RETURN NEXT;
    END LOOP;
END
$$;

ALTER FUNCTION tilskot.participant_report(text,integer,text) OWNER TO tilskot_participant_steward;

-- The equality report's table (issue 17): participants by gender per scheme for the rounds of one
-- year — one row per scheme with participants, then the total row; four entries per row (female,
-- male, other_or_unknown, total). Who may read it, the "<5" cells and the secondary suppression are
-- participant_report's, with what else is published taken into account:
--   * a scheme row's total is its round's participant count, which participant_report publishes
--     (the total row's total there), so it counts as known when it is not small: a small gender
--     cell is then protected within its row by a second gender cell, never by hiding the total;
--   * against the caller: each scheme row is a sum of projects; the projects she may read are
--     subtracted (from the row and from the total row) and every remainder of 1–4 is hidden too,
--     with secondary suppression on the remainder. A cell whose remainder is 0 tells her nothing
--     unless it is shown, so it is still a candidate to hide, but only after every real remainder
--     (its value is taken as a large one), and it is known only when she may read the whole row.
-- The union of both patterns is hidden. The read is an aggregate in the access log; a refusal is
-- traced in the server log first, since the refusal rolls the access-log entry back.
CREATE OR REPLACE FUNCTION tilskot.participant_gender_report(report_year integer)
    RETURNS TABLE (scheme text, name text, female text, male text, other_or_unknown text, total text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
    actor text := tilskot.acting_user();
    codes text[] := '{}';
    names text[] := '{}';
    v integer[] := '{}';      -- (n + 1) rows × 4 columns, row-major; the last row and column are totals
    own integer[] := '{}';    -- the same shape: the caller's readable projects' counts
    whole boolean[] := '{}';  -- the caller may read every project of the row's scheme
    small boolean[];
    hidden boolean[];
    known boolean[];
    remainder integer[];
    weight integer[];
    start boolean[];
    mine boolean[];
    n integer := 0;
    nrows integer;
    i integer;
    j integer;
    k integer;
    rec record;
    cells text[];
BEGIN
    PERFORM tilskot.trace_participant_access('aggregate (attempt)', NULL,
        format('participant_gender_report(%s)', report_year), NULL);
    IF NOT (tilskot.is_member(actor, 'tilskot_participant_reader') OR tilskot.is_member(actor, 'tilskot_caseworker')
            OR tilskot.has_budget_authority(actor) OR tilskot.is_member(actor, 'tilskot_auditor')) THEN
        RAISE EXCEPTION 'participant gender report refused: % has no tilskot role that reads reports; participant figures are for caseworkers, managers, auditors and participant readers (GDPR art. 9)', actor
            USING ERRCODE = '42T03';
    END IF;
    IF report_year IS NULL THEN
        RAISE EXCEPTION 'participant gender report refused: give the year of the rounds, e.g. 2021' USING ERRCODE = '23T28';
    END IF;

    FOR rec IN
        SELECT s.code AS scheme_code, s.name AS scheme_name,
               sum(x.f)::integer AS f, sum(x.m)::integer AS m, sum(x.o)::integer AS o,
               sum(x.f) FILTER (WHERE x.readable)::integer AS rf, sum(x.m) FILTER (WHERE x.readable)::integer AS rm,
               sum(x.o) FILTER (WHERE x.readable)::integer AS ro,
               bool_and(x.readable) AS all_readable
          FROM (SELECT a.round_id, tilskot.may_handle_participants(actor, a.id) AS readable,
                       count(*) FILTER (WHERE p.gender = 'female') AS f,
                       count(*) FILTER (WHERE p.gender = 'male') AS m,
                       count(*) FILTER (WHERE p.gender = 'other_or_unknown') AS o
                  FROM tilskot.participant p
                  JOIN tilskot.application a ON a.id = p.application_id
                  JOIN tilskot.round r ON r.id = a.round_id
                 WHERE r.year = report_year
                 GROUP BY a.id, a.round_id) x
          JOIN tilskot.round r ON r.id = x.round_id
          JOIN tilskot.scheme s ON s.id = r.scheme_id
         GROUP BY s.id, s.code, s.name
         ORDER BY s.name, s.code
    LOOP
        n := n + 1;
        codes := codes || rec.scheme_code;
        names := names || rec.scheme_name;
        whole := whole || rec.all_readable;
        v := v || ARRAY[rec.f, rec.m, rec.o, rec.f + rec.m + rec.o];
        own := own || ARRAY[coalesce(rec.rf, 0), coalesce(rec.rm, 0), coalesce(rec.ro, 0),
                            coalesce(rec.rf, 0) + coalesce(rec.rm, 0) + coalesce(rec.ro, 0)];
    END LOOP;
    nrows := n + 1;
    FOR j IN 1..4 LOOP
        k := 0;
        FOR i IN 1..n LOOP k := k + v[(i - 1) * 4 + j]; END LOOP;
        v := v || k;
        k := 0;
        FOR i IN 1..n LOOP k := k + own[(i - 1) * 4 + j]; END LOOP;
        own := own || k;
    END LOOP;

    small := array_fill(false, ARRAY[nrows * 4]);
    FOR k IN 1..nrows * 4 LOOP small[k] := v[k] BETWEEN 1 AND 4; END LOOP;
    -- Against an outsider, who knows the schemes' totals from participant_report.
    known := array_fill(false, ARRAY[nrows * 4]);
    FOR i IN 1..n LOOP known[i * 4] := v[i * 4] >= 5; END LOOP;
    hidden := tilskot.participant_suppression_lines(v, nrows, 4, known, small);
    -- Against the caller, when she may read some of the projects.
    IF own[nrows * 4] > 0 THEN
        remainder := v;
        weight := v;
        start := array_fill(false, ARRAY[nrows * 4]);
        FOR k IN 1..nrows * 4 LOOP
            i := (k - 1) / 4 + 1;
            remainder[k] := v[k] - own[k];
            known[k] := (k % 4 = 0 AND i <= n AND v[k] >= 5) OR (i <= n AND whole[i]);
            weight[k] := CASE WHEN remainder[k] > 0 THEN remainder[k] WHEN v[k] > 0 THEN 1000000 + v[k] ELSE 0 END;
            start[k] := NOT known[k] AND (hidden[k] OR remainder[k] BETWEEN 1 AND 4);
        END LOOP;
        mine := tilskot.participant_suppression_lines(weight, nrows, 4, known, start);
        FOR k IN 1..nrows * 4 LOOP hidden[k] := hidden[k] OR mine[k]; END LOOP;
    END IF;

    PERFORM tilskot.log_participant_access('aggregate', NULL, format('participant_gender_report(%s)', report_year),
                                           NULL, v[nrows * 4]);
    IF n = 0 THEN
        RETURN;
    END IF;
    FOR i IN 1..nrows LOOP
        cells := '{}';
        FOR j IN 1..4 LOOP
            k := (i - 1) * 4 + j;
            cells := cells || CASE WHEN small[k] THEN '<5' WHEN hidden[k] THEN 'x' ELSE v[k]::text END;
        END LOOP;
        scheme := CASE WHEN i <= n THEN codes[i] END;
        name := CASE WHEN i <= n THEN names[i] ELSE 'Total' END;
        female := cells[1];
        male := cells[2];
        other_or_unknown := cells[3];
        total := cells[4];
        RETURN NEXT;
    END LOOP;
END
$$;

ALTER FUNCTION tilskot.participant_gender_report(integer) OWNER TO tilskot_participant_steward;

-- Whether the case had a grant (a granting decision, current or superseded) before `at`. Only a
-- case that has had a grant holds participants or can come to hold them (participant_add asks for
-- a current grant, and decisions are never deleted).
CREATE OR REPLACE FUNCTION tilskot.granted_before(application_id bigint, at timestamptz) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM tilskot.decision d
                    WHERE d.application_id = granted_before.application_id
                      AND d.outcome IN ('granted', 'partially_granted')
                      AND d.decided_at < granted_before.at)
$$;

-- The case's caseworkers, whose need to know was given, not taken: who registered the application;
-- who assessed it before it had a grant; who was assigned it by someone else (a manager), or took
-- it herself before it had a grant (the case's own caseworker, who then follows it up) — unless
-- disqualified. An appeal's assessor, or someone who took a granted case (assignment_before_insert,
-- 06_assessment.sql, refuses that; this rule does not rely on it), reads nothing by that alone.
CREATE OR REPLACE FUNCTION tilskot.is_case_caseworker(person text, application_id bigint) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT NOT EXISTS (SELECT 1 FROM tilskot.disqualification d
                        WHERE d.application_id = is_case_caseworker.application_id AND d.person = is_case_caseworker.person)
       AND CASE
           -- Once a case has been handed over (application assign --to, 06_assessment.sql), its
           -- caseworkers are those assigned at or after the last hand-over: the one who handed it
           -- on, and whoever registered or assessed it before, no longer see its participants.
           WHEN EXISTS (SELECT 1 FROM tilskot.assignment h
                         WHERE h.application_id = is_case_caseworker.application_id AND h.kind = 'handover') THEN
               EXISTS (SELECT 1 FROM tilskot.current_assignment g
                        WHERE g.application_id = is_case_caseworker.application_id AND g.caseworker = is_case_caseworker.person
                          AND (g.assigned_by <> g.caseworker OR NOT tilskot.granted_before(g.application_id, g.at)))
           ELSE
               EXISTS (SELECT 1 FROM tilskot.application a
                        WHERE a.id = is_case_caseworker.application_id AND a.registered_by = is_case_caseworker.person)
               OR EXISTS (SELECT 1 FROM tilskot.assessment s
                           WHERE s.application_id = is_case_caseworker.application_id AND s.assessor = is_case_caseworker.person
                             AND NOT tilskot.granted_before(s.application_id, s.at))
               OR EXISTS (SELECT 1 FROM tilskot.assignment g
                           WHERE g.application_id = is_case_caseworker.application_id AND g.caseworker = is_case_caseworker.person
                             AND (g.assigned_by <> g.caseworker OR NOT tilskot.granted_before(g.application_id, g.at)))
           END
$$;

DROP POLICY IF EXISTS participant_need_to_know ON tilskot.participant;
-- Need to know, for every role, the owner included: the acting user (the caller, also inside the
-- SECURITY DEFINER functions) must be a participant reader or a caseworker of the case.
CREATE POLICY participant_need_to_know ON tilskot.participant FOR ALL TO PUBLIC
    USING (tilskot.may_handle_participants(tilskot.acting_user(), application_id))
    WITH CHECK (tilskot.may_handle_participants(tilskot.acting_user(), application_id));

DROP POLICY IF EXISTS participant_steward_reads ON tilskot.participant;
-- The steward's functions see every row to count or purge it, and never return one.
CREATE POLICY participant_steward_reads ON tilskot.participant FOR SELECT TO tilskot_participant_steward USING (true);

DROP POLICY IF EXISTS participant_steward_purges ON tilskot.participant;
CREATE POLICY participant_steward_purges ON tilskot.participant FOR DELETE TO tilskot_participant_steward USING (true);


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- The two append-only triggers fire on different events (TRUNCATE; UPDATE or DELETE), so their
-- order does not matter.

-- on tilskot.participant_access_log
CREATE OR REPLACE TRIGGER participant_access_log_no_truncate BEFORE TRUNCATE ON tilskot.participant_access_log FOR EACH STATEMENT EXECUTE FUNCTION tilskot.participant_access_log_append_only();
CREATE OR REPLACE TRIGGER participant_access_log_no_update_delete BEFORE DELETE OR UPDATE ON tilskot.participant_access_log FOR EACH ROW EXECUTE FUNCTION tilskot.participant_access_log_append_only();


-- Who may do what (everything not granted here is refused).
GRANT DELETE, SELECT ON TABLE tilskot.participant TO tilskot_participant_steward;
GRANT SELECT ON TABLE tilskot.participant_access_log TO tilskot_admin, tilskot_auditor;
REVOKE ALL ON FUNCTION tilskot.check_participant(tilskot.participant,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.check_participant(tilskot.participant,text) TO tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.granted_before(bigint,timestamp with time zone) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.granted_before(bigint,timestamp with time zone) TO tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.is_case_caseworker(text,bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.is_case_caseworker(text,bigint) TO tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.log_participant_access(text,bigint,text,bigint[],integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.log_participant_access(text,bigint,text,bigint[],integer) TO tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.may_handle_participants(text,bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.may_handle_participants(text,bigint) TO tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.participant_access_log_append_only() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.participant_add(text,text,integer,text,date,date,text,text,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.participant_add(text,text,integer,text,date,date,text,text,text,text) TO tilskot_admin, tilskot_caseworker, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.participant_case(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.participant_case(text,text) TO tilskot_participant_owner, tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.participant_gender_report(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.participant_gender_report(integer) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_manager, tilskot_participant_reader, tilskot_finance;
REVOKE ALL ON FUNCTION tilskot.participant_list(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.participant_list(text) TO tilskot_admin, tilskot_caseworker, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.participant_list_round(text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.participant_list_round(text,integer) TO tilskot_admin, tilskot_caseworker, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.participant_purge(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.participant_purge(date) TO tilskot_admin, tilskot_caseworker, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.participant_report(text,integer,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.participant_report(text,integer,text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.participant_suppression(integer[],integer,boolean[],boolean[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.participant_suppression(integer[],integer,boolean[],boolean[]) TO tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.participant_suppression_lines(integer[],integer,integer,boolean[],boolean[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.participant_suppression_lines(integer[],integer,integer,boolean[],boolean[]) TO tilskot_participant_steward;
REVOKE ALL ON FUNCTION tilskot.participant_update(text,text,date,text,text,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.participant_update(text,text,date,text,text,text,text) TO tilskot_admin, tilskot_caseworker, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.trace_participant_access(text,bigint,text,bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.trace_participant_access(text,bigint,text,bigint[]) TO tilskot_participant_owner, tilskot_participant_steward;
REVOKE CREATE ON SCHEMA tilskot FROM tilskot_participant_owner, tilskot_participant_steward;
