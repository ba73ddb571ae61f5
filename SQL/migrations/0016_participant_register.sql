-- The participant register (deltakarregister) of Jobbsjansen projects: special-category data under
-- GDPR art. 9, since it can reveal ethnic origin and health. What holds here, whatever client asks:
--
--   * minimum data: a pseudonymous participant code (never a national identity number: an 11-digit
--     code is refused), birth year, home municipality, start and end, outcome at the end and at
--     6 and 12 months;
--   * need to know: only members of tilskot_participant_reader and the case's own caseworkers (who
--     registered, assessed or were assigned the application, unless disqualified) read or record a
--     project's participants — row-level security, forced on the table's owner as well;
--   * no direct access: nobody is granted anything on the table; reads and writes go through the
--     SECURITY DEFINER functions below (search_path pinned), because SELECT fires no trigger and
--     every read must be logged;
--   * every read and every change writes an entry in tilskot.participant_access_log (who, login,
--     when, which rows, which query), which nobody can change or delete; auditors read that log,
--     not the data;
--   * retention: an admin purges rows whose participation ended before a date, and that is logged;
--   * reports: aggregates only, with cells under 5 persons shown as "<5" and the cells and totals
--     from which one could be worked out hidden as "x".
--
-- Two roles nobody logs in as carry the functions' rights, so that a function can do no more than
-- its job: tilskot_participant_owner owns the table, the log and the case functions, and row-level
-- security applies to it (FORCE), so a function reading as the owner still sees only the rows the
-- calling user may see; tilskot_participant_steward owns the whole-register functions (aggregate
-- report, purge), which must see every row and return none of them.
-- Codes: 23T12 not found, 23T22 no grant, 23T28 content, 42T03 access (listed in 0010), 23T09 log.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['tilskot_participant_owner', 'tilskot_participant_steward']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
        -- Handing a table or function to a role takes membership in it. A superuser has that; the
        -- schema owner of a deployment (deploy/create-roles.sql: tilskot_owner, CREATEROLE) gets it,
        -- which gives it nothing it did not have: it owns the schema these objects live in.
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
           AND NOT pg_has_role(current_user, r, 'MEMBER') THEN
            EXECUTE format('GRANT %I TO %I', r, current_user);
        END IF;
    END LOOP;
END
$$;

GRANT USAGE ON SCHEMA tilskot TO tilskot_participant_owner, tilskot_participant_steward;
-- PostgreSQL hands an object only to a role that may create in its schema; that right is taken back
-- at the end of this file, once the register and its functions have their owners.
GRANT CREATE ON SCHEMA tilskot TO tilskot_participant_owner, tilskot_participant_steward;
GRANT EXECUTE ON FUNCTION tilskot.acting_user(), tilskot.is_member(text, text), tilskot.has_budget_authority(text),
    tilskot.iso_date(date), tilskot.current_grant_ore(bigint)
    TO tilskot_participant_owner, tilskot_participant_steward;
-- What the functions need to know about the case (who handles it, which round); never participant rows.
GRANT SELECT ON tilskot.application, tilskot.assessment, tilskot.assignment, tilskot.disqualification,
    tilskot.decision, tilskot.round, tilskot.scheme, tilskot.organisation
    TO tilskot_participant_owner, tilskot_participant_steward;

-- ---------------------------------------------------------------------------------------------
-- Who may see a project's participants
-- ---------------------------------------------------------------------------------------------

-- The case's caseworkers: who registered the application, assessed it or was assigned it, and is not
-- disqualified on it.
CREATE FUNCTION tilskot.is_case_caseworker(person text, application_id bigint) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT NOT EXISTS (SELECT 1 FROM tilskot.disqualification d
                        WHERE d.application_id = is_case_caseworker.application_id AND d.person = is_case_caseworker.person)
       AND (EXISTS (SELECT 1 FROM tilskot.application a
                     WHERE a.id = is_case_caseworker.application_id AND a.registered_by = is_case_caseworker.person)
            OR EXISTS (SELECT 1 FROM tilskot.assessment s
                        WHERE s.application_id = is_case_caseworker.application_id AND s.assessor = is_case_caseworker.person)
            OR EXISTS (SELECT 1 FROM tilskot.assignment g
                        WHERE g.application_id = is_case_caseworker.application_id AND g.caseworker = is_case_caseworker.person))
$$;

CREATE FUNCTION tilskot.may_handle_participants(person text, application_id bigint) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT tilskot.is_member(person, 'tilskot_participant_reader')
        OR tilskot.is_case_caseworker(person, application_id)
$$;

-- ---------------------------------------------------------------------------------------------
-- The register and its access log
-- ---------------------------------------------------------------------------------------------

CREATE TABLE tilskot.participant (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    -- The project's pseudonymous code, as TilskotCore's ParticipantCode.
    code           text NOT NULL
        CONSTRAINT participant_code_format CHECK (code ~ '^[A-Za-z0-9-]{4,32}$')
        CONSTRAINT participant_code_not_identity_number CHECK (replace(code, '-', '') !~ '^[0-9]{11}$'),
    birth_year     smallint NOT NULL CONSTRAINT participant_birth_year_range CHECK (birth_year BETWEEN 1900 AND 2100),
    municipality   char(4) NOT NULL CONSTRAINT participant_municipality_format CHECK (municipality ~ '^[0-9]{4}$'),
    start_date     date NOT NULL,
    end_date       date,
    outcome        text CONSTRAINT participant_outcome_known CHECK (outcome IN ('employment', 'education', 'other', 'dropped_out')),
    outcome_6m     text CONSTRAINT participant_outcome_6m_known CHECK (outcome_6m IN ('employment', 'education', 'other', 'dropped_out')),
    outcome_12m    text CONSTRAINT participant_outcome_12m_known CHECK (outcome_12m IN ('employment', 'education', 'other', 'dropped_out')),
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT participant_code_unique UNIQUE (application_id, code),
    CONSTRAINT participant_dates_order CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT participant_outcome_after_end CHECK (
        end_date IS NOT NULL OR (outcome IS NULL AND outcome_6m IS NULL AND outcome_12m IS NULL))
);
CREATE INDEX participant_end_idx ON tilskot.participant (end_date);

CREATE TABLE tilskot.participant_access_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The role acting (after SET ROLE) and the login behind it.
    actor           text NOT NULL,
    login           text NOT NULL DEFAULT session_user,
    action          text NOT NULL
        CONSTRAINT participant_access_log_action_known CHECK (action IN ('read', 'add', 'update', 'purge', 'aggregate')),
    application_id  bigint,
    -- The function called and its arguments, e.g. participant_list('JS-2022-0001').
    query           text NOT NULL,
    participant_ids bigint[] NOT NULL DEFAULT '{}',
    row_count       integer NOT NULL
);
CREATE INDEX participant_access_log_at_idx ON tilskot.participant_access_log (at);
CREATE INDEX participant_access_log_actor_idx ON tilskot.participant_access_log (actor, at);

CREATE FUNCTION tilskot.participant_access_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'the participant access log is append-only: its entries can never be changed or deleted (% refused)', TG_OP
        USING ERRCODE = '23T09';
END
$$;

CREATE TRIGGER participant_access_log_no_update_delete BEFORE UPDATE OR DELETE ON tilskot.participant_access_log
    FOR EACH ROW EXECUTE FUNCTION tilskot.participant_access_log_append_only();
CREATE TRIGGER participant_access_log_no_truncate BEFORE TRUNCATE ON tilskot.participant_access_log
    FOR EACH STATEMENT EXECUTE FUNCTION tilskot.participant_access_log_append_only();

-- Participant rows never reach the general audit log (every grants role reads that): the access log
-- is their record. So the register has no audit trigger, and no case-record rule against deletion,
-- because retention demands deletion.

ALTER TABLE tilskot.participant OWNER TO tilskot_participant_owner;
ALTER TABLE tilskot.participant_access_log OWNER TO tilskot_participant_owner;
REVOKE ALL ON tilskot.participant, tilskot.participant_access_log FROM PUBLIC;

ALTER TABLE tilskot.participant ENABLE ROW LEVEL SECURITY;
ALTER TABLE tilskot.participant FORCE ROW LEVEL SECURITY;
-- Need to know, for every role, the owner included: the acting user (the caller, also inside the
-- SECURITY DEFINER functions) must be a participant reader or a caseworker of the case.
CREATE POLICY participant_need_to_know ON tilskot.participant FOR ALL TO PUBLIC
    USING (tilskot.may_handle_participants(tilskot.acting_user(), application_id))
    WITH CHECK (tilskot.may_handle_participants(tilskot.acting_user(), application_id));
-- The steward's functions see every row to count or purge it, and never return one.
CREATE POLICY participant_steward_reads ON tilskot.participant FOR SELECT TO tilskot_participant_steward USING (true);
CREATE POLICY participant_steward_purges ON tilskot.participant FOR DELETE TO tilskot_participant_steward USING (true);
GRANT SELECT, DELETE ON tilskot.participant TO tilskot_participant_steward;

-- Auditors (and admins) read the access log; nobody reads the register directly.
GRANT SELECT ON tilskot.participant_access_log TO tilskot_auditor, tilskot_admin;

-- ---------------------------------------------------------------------------------------------
-- The functions: the only way in
-- ---------------------------------------------------------------------------------------------

-- Writes one access-log entry. Called only by the functions below.
CREATE FUNCTION tilskot.log_participant_access(action text, application_id bigint, query text, ids bigint[], row_count integer)
    RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
    INSERT INTO tilskot.participant_access_log (actor, action, application_id, query, participant_ids, row_count)
    VALUES (tilskot.acting_user(), action, application_id, query, coalesce(ids, '{}'), row_count)
$$;

-- The application a participant function is about, after checking that the acting user may handle
-- its participants.
CREATE FUNCTION tilskot.participant_case(reference text, step text) RETURNS tilskot.application
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

-- Checks a participant's values, in sentences (the table's CHECKs are the last line).
CREATE FUNCTION tilskot.check_participant(p tilskot.participant, reference text) RETURNS void
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
        RAISE EXCEPTION 'participant refused: the code "%" is not a participant code; use 4 to 32 of A–Z, a–z, 0–9 and -, e.g. JS-OSL-0042',
            left(p.code, 40) USING ERRCODE = '23T28';
    END IF;
    IF p.birth_year IS NULL OR p.birth_year < 1900 OR p.birth_year > extract(year FROM coalesce(p.start_date, current_date)) THEN
        RAISE EXCEPTION 'participant refused: birth year % of % is not plausible; give the year only, e.g. 1984', p.birth_year, p.code
            USING ERRCODE = '23T28';
    END IF;
    IF coalesce(p.municipality, '') !~ '^[0-9]{4}$' THEN
        RAISE EXCEPTION 'participant refused: municipality "%" of % is not a municipality number (4 digits, e.g. 0301)', p.municipality, p.code
            USING ERRCODE = '23T28';
    END IF;
    IF p.start_date IS NULL OR p.start_date > current_date THEN
        RAISE EXCEPTION 'participant refused: % needs a start date that is not in the future', p.code USING ERRCODE = '23T28';
    END IF;
    IF p.end_date IS NOT NULL AND (p.end_date < p.start_date OR p.end_date > current_date) THEN
        RAISE EXCEPTION 'participant refused: the end date % of % is before the start date % or in the future',
            tilskot.iso_date(p.end_date), p.code, tilskot.iso_date(p.start_date) USING ERRCODE = '23T28';
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
END
$$;

CREATE FUNCTION tilskot.participant_add(reference text, code text, birth_year integer, municipality text,
                                        start_date date, end_date date DEFAULT NULL, outcome text DEFAULT NULL,
                                        outcome_6m text DEFAULT NULL, outcome_12m text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.participant_case(reference, 'participant');
    p tilskot.participant;
    new_id bigint;
BEGIN
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
    PERFORM tilskot.check_participant(p, app.reference);
    IF EXISTS (SELECT 1 FROM tilskot.participant x WHERE x.application_id = app.id AND x.code = p.code) THEN
        RAISE EXCEPTION 'participant refused: % already has a participant %; update that one instead', app.reference, p.code
            USING ERRCODE = '23T28';
    END IF;
    INSERT INTO tilskot.participant (application_id, code, birth_year, municipality, start_date, end_date,
                                     outcome, outcome_6m, outcome_12m, recorded_by)
    VALUES (app.id, p.code, p.birth_year, p.municipality, p.start_date, p.end_date,
            p.outcome, p.outcome_6m, p.outcome_12m, tilskot.acting_user())
    RETURNING id INTO new_id;
    PERFORM tilskot.log_participant_access('add', app.id,
        format('participant_add(%L, %L)', app.reference, p.code), ARRAY[new_id], 1);
    RETURN new_id;
END
$$;

-- Records what happened later: the end date and the outcomes; values not given stay as they are.
CREATE FUNCTION tilskot.participant_update(reference text, code text, end_date date DEFAULT NULL, outcome text DEFAULT NULL,
                                           outcome_6m text DEFAULT NULL, outcome_12m text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.participant_case(reference, 'participant update');
    p tilskot.participant;
BEGIN
    SELECT * INTO p FROM tilskot.participant x WHERE x.application_id = app.id AND x.code = btrim(participant_update.code) FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'participant update refused: % has no participant %', app.reference, btrim(code) USING ERRCODE = '23T12';
    END IF;
    IF end_date IS NULL AND outcome IS NULL AND outcome_6m IS NULL AND outcome_12m IS NULL THEN
        RAISE EXCEPTION 'participant update refused: nothing to update for %; give an end date or an outcome', p.code USING ERRCODE = '23T28';
    END IF;
    p.end_date := coalesce(end_date, p.end_date);
    p.outcome := coalesce(outcome, p.outcome);
    p.outcome_6m := coalesce(outcome_6m, p.outcome_6m);
    p.outcome_12m := coalesce(outcome_12m, p.outcome_12m);
    PERFORM tilskot.check_participant(p, app.reference);
    UPDATE tilskot.participant x SET end_date = p.end_date, outcome = p.outcome, outcome_6m = p.outcome_6m, outcome_12m = p.outcome_12m
     WHERE x.id = p.id;
    PERFORM tilskot.log_participant_access('update', app.id,
        format('participant_update(%L, %L)', app.reference, p.code), ARRAY[p.id], 1);
END
$$;

-- One project's participants.
CREATE FUNCTION tilskot.participant_list(project_reference text)
    RETURNS TABLE (id bigint, reference text, code text, birth_year integer, municipality text, start_date date,
                   end_date date, outcome text, outcome_6m text, outcome_12m text, recorded_by text, recorded_at timestamptz)
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
               p.outcome, p.outcome_6m, p.outcome_12m, p.recorded_by, p.recorded_at
          FROM tilskot.participant p WHERE p.id = ANY (ids) ORDER BY p.code;
END
$$;

-- A round's participants that the acting user may see (row-level security chooses them).
CREATE FUNCTION tilskot.participant_list_round(scheme_code text, round_year integer)
    RETURNS TABLE (id bigint, reference text, code text, birth_year integer, municipality text, start_date date,
                   end_date date, outcome text, outcome_6m text, outcome_12m text, recorded_by text, recorded_at timestamptz)
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
               p.outcome, p.outcome_6m, p.outcome_12m, p.recorded_by, p.recorded_at
          FROM tilskot.participant p JOIN tilskot.application a ON a.id = p.application_id
         WHERE p.id = ANY (ids) ORDER BY a.reference, p.code;
END
$$;

-- Retention: deletes the participants whose participation ended before `ended_before` (an admin's act).
CREATE FUNCTION tilskot.participant_purge(ended_before date) RETURNS integer
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
    IF ended_before IS NULL OR ended_before > current_date THEN
        RAISE EXCEPTION 'participant purge refused: give a date that is not in the future; rows whose participation ended before it are deleted'
            USING ERRCODE = '23T28';
    END IF;
    WITH gone AS (DELETE FROM tilskot.participant p WHERE p.end_date < ended_before RETURNING p.id)
    SELECT coalesce(array_agg(gone.id ORDER BY gone.id), '{}') INTO ids FROM gone;
    PERFORM tilskot.log_participant_access('purge', NULL, format('participant_purge(%L)', ended_before), ids, cardinality(ids));
    RETURN cardinality(ids);
END
$$;

-- The aggregate report of a round: per project, participants by outcome (at the end, or 6 or 12
-- months after), with row and column totals. Cells of 1–4 persons show as "<5". Then, so that no
-- such cell can be worked out by subtraction, every row and column (each with its total) that has
-- exactly one hidden entry gets a second one hidden, "x": its smallest non-zero cell, else its total;
-- repeated until no line has exactly one. Zeros show as they are.
CREATE FUNCTION tilskot.participant_report(scheme_code text, round_year integer, at_point text DEFAULT 'end')
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
    v integer[] := '{}';      -- (n + 1) rows × 6 columns, row-major; the last row and column are totals
    small boolean[];          -- 1–4 persons
    hidden boolean[];         -- small, or hidden so a small one cannot be derived
    n integer := 0;
    nrows integer;
    i integer;
    j integer;
    k integer;
    best integer;
    hidden_count integer;
    changed boolean;
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
        SELECT a.reference AS ref, o.name AS org,
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
         GROUP BY a.reference, o.name
         ORDER BY o.name, a.reference
    LOOP
        n := n + 1;
        refs := refs || rec.ref;
        names := names || rec.org;
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
    hidden := small;
    LOOP
        changed := false;
        -- Rows: five cells and their total.
        FOR i IN 1..nrows LOOP
            hidden_count := 0;
            FOR j IN 1..6 LOOP IF hidden[(i - 1) * 6 + j] THEN hidden_count := hidden_count + 1; END IF; END LOOP;
            IF hidden_count = 1 THEN
                best := NULL;
                FOR j IN 1..5 LOOP
                    k := (i - 1) * 6 + j;
                    IF NOT hidden[k] AND v[k] > 0 AND (best IS NULL OR v[k] < v[best]) THEN best := k; END IF;
                END LOOP;
                IF best IS NULL AND NOT hidden[i * 6] AND v[i * 6] > 0 THEN best := i * 6; END IF;
                IF best IS NOT NULL THEN hidden[best] := true; changed := true; END IF;
            END IF;
        END LOOP;
        -- Columns: the projects' cells and the total row's.
        FOR j IN 1..6 LOOP
            hidden_count := 0;
            FOR i IN 1..nrows LOOP IF hidden[(i - 1) * 6 + j] THEN hidden_count := hidden_count + 1; END IF; END LOOP;
            IF hidden_count = 1 THEN
                best := NULL;
                FOR i IN 1..n LOOP
                    k := (i - 1) * 6 + j;
                    IF NOT hidden[k] AND v[k] > 0 AND (best IS NULL OR v[k] < v[best]) THEN best := k; END IF;
                END LOOP;
                k := n * 6 + j;
                IF best IS NULL AND NOT hidden[k] AND v[k] > 0 THEN best := k; END IF;
                IF best IS NOT NULL THEN hidden[best] := true; changed := true; END IF;
            END IF;
        END LOOP;
        EXIT WHEN NOT changed;
    END LOOP;

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

-- Owners and rights of the functions. Nobody else executes them; within them, the acting user
-- still decides what row-level security shows.
ALTER FUNCTION tilskot.log_participant_access(text, bigint, text, bigint[], integer) OWNER TO tilskot_participant_owner;
ALTER FUNCTION tilskot.participant_add(text, text, integer, text, date, date, text, text, text) OWNER TO tilskot_participant_owner;
ALTER FUNCTION tilskot.participant_update(text, text, date, text, text, text) OWNER TO tilskot_participant_owner;
ALTER FUNCTION tilskot.participant_list(text) OWNER TO tilskot_participant_owner;
ALTER FUNCTION tilskot.participant_list_round(text, integer) OWNER TO tilskot_participant_owner;
ALTER FUNCTION tilskot.participant_purge(date) OWNER TO tilskot_participant_steward;
ALTER FUNCTION tilskot.participant_report(text, integer, text) OWNER TO tilskot_participant_steward;
REVOKE CREATE ON SCHEMA tilskot FROM tilskot_participant_owner, tilskot_participant_steward;

REVOKE ALL ON FUNCTION tilskot.is_case_caseworker(text, bigint), tilskot.may_handle_participants(text, bigint),
    tilskot.log_participant_access(text, bigint, text, bigint[], integer), tilskot.participant_case(text, text),
    tilskot.check_participant(tilskot.participant, text),
    tilskot.participant_add(text, text, integer, text, date, date, text, text, text),
    tilskot.participant_update(text, text, date, text, text, text), tilskot.participant_list(text),
    tilskot.participant_list_round(text, integer), tilskot.participant_purge(date),
    tilskot.participant_report(text, integer, text), tilskot.participant_access_log_append_only()
    FROM PUBLIC;
-- The policy's helpers run as whoever is reading: the two function owners.
GRANT EXECUTE ON FUNCTION tilskot.is_case_caseworker(text, bigint), tilskot.may_handle_participants(text, bigint),
    tilskot.participant_case(text, text), tilskot.check_participant(tilskot.participant, text)
    TO tilskot_participant_owner, tilskot_participant_steward;
GRANT EXECUTE ON FUNCTION tilskot.log_participant_access(text, bigint, text, bigint[], integer)
    TO tilskot_participant_steward;
-- Recording and reading a project's participants: the groups whose members can be a case's
-- caseworkers, and the participant readers. The functions decide per case.
GRANT EXECUTE ON FUNCTION tilskot.participant_add(text, text, integer, text, date, date, text, text, text),
    tilskot.participant_update(text, text, date, text, text, text), tilskot.participant_list(text),
    tilskot.participant_list_round(text, integer)
    TO tilskot_caseworker, tilskot_manager, tilskot_admin, tilskot_participant_reader;
-- Purging is an admin's act; the others may call it and be told so by the function.
GRANT EXECUTE ON FUNCTION tilskot.participant_purge(date)
    TO tilskot_caseworker, tilskot_manager, tilskot_admin, tilskot_participant_reader;
GRANT EXECUTE ON FUNCTION tilskot.participant_report(text, integer, text)
    TO tilskot_caseworker, tilskot_manager, tilskot_auditor, tilskot_admin, tilskot_participant_reader;

-- Functions made from here on are executable by PUBLIC unless revoked (PostgreSQL's default), as
-- 0004 did for the lifecycle's: no follow-up function is callable by anyone not granted it above.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA tilskot FROM PUBLIC;
