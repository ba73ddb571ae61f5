-- Applications: registration, the state machine, the bulk import.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

-- The state machine, and what never changes once registered.
CREATE OR REPLACE FUNCTION tilskot.application_before_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    allowed text;
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status
       AND NOT EXISTS (SELECT 1 FROM tilskot.status_transition
                        WHERE from_status = OLD.status AND to_status = NEW.status) THEN
        SELECT string_agg(tilskot.status_words(to_status), ', ' ORDER BY to_status) INTO allowed
          FROM tilskot.status_transition WHERE from_status = OLD.status AND to_status <> from_status;
        RAISE EXCEPTION '% cannot go from % to %; from % it can only go to %', OLD.reference,
            tilskot.status_words(OLD.status), tilskot.status_words(NEW.status),
            tilskot.status_words(OLD.status), coalesce(allowed, 'nowhere: it is final')
            USING ERRCODE = '23T02';
    END IF;
    IF NEW.reference IS DISTINCT FROM OLD.reference OR NEW.scheme_id IS DISTINCT FROM OLD.scheme_id
       OR NEW.registered_by IS DISTINCT FROM OLD.registered_by OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        RAISE EXCEPTION 'application % refused: its reference, scheme and registration are fixed once registered',
            OLD.reference USING ERRCODE = '23T09';
    END IF;
    -- A decided application's money is counted in its round; moving it would break the frame.
    IF NEW.round_id IS DISTINCT FROM OLD.round_id AND OLD.status NOT IN ('received', 'in_review', 'assessed') THEN
        RAISE EXCEPTION 'move refused: % is %; only an application that has not been decided can change round',
            OLD.reference, tilskot.status_words(OLD.status) USING ERRCODE = '23T02';
    END IF;
    RETURN NEW;
END
$$;

-- Refuses, in the trigger's words, anyone who may not register applications.
CREATE OR REPLACE FUNCTION tilskot.import_require_registrar(actor text) RETURNS void
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF NOT (tilskot.is_member(actor, 'tilskot_caseworker') OR tilskot.has_budget_authority(actor))
       OR NOT pg_catalog.has_any_column_privilege(actor, 'tilskot.application', 'INSERT') THEN
        RAISE EXCEPTION 'import refused: % may not register applications; only caseworkers, managers and admins can', actor
            USING ERRCODE = '42T01';
    END IF;
END
$$;

-- Bulk import, third step: the rows are parsed while they stream in.
--
-- One parser for amounts and dates, the CLI's and the import's alike (issue 17): Money.parse and
-- CalendarDate (Sources/TilskotCore) read "3 400 000,50", "1,5 mill", "kr 900 000", "1 500 000,-",
-- 2021-02-01 and 01.02.2021 for every option of every command, and `tilskot application import`
-- reads each row's amount and received date with the same two calls while it streams the file
-- (Sources/TilskotStore/Import/ApplicationImport.swift): both accept the same forms and refuse with
-- the same sentence. The import writes the value in the staging form below, or, when the parser
-- refuses it, the parser's sentence in amount_problem / received_problem, which
-- import_applications lists under the row's line. Why there and not here: the CLI reads its options
-- before it has a connection, and a second grammar in SQL would drift from the first.
--
-- The staging form (what a psql caller COPYs, too): an amount as kroner with a full stop before at
-- most two decimals (3400000, 3400000.50), a date as YYYY-MM-DD. The functions below read that
-- form only, as stored generated columns, so the server converts each row while the client
-- parses the next (docs/performance.md); anything else is refused by import_applications with a
-- sentence that names the form. The rules (negative or 0 kr, the round's window, …) are
-- import_applications' and registration's, below, whoever filled the staging table.

-- "3400000.50" → 340000050 øre; NULL when it is not in the staging form (empty, signed, spaces, a
-- comma, more than two decimals, beyond bigint øre: import_applications says which).
CREATE OR REPLACE FUNCTION tilskot.import_amount_ore(amount text) RETURNS bigint
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ore numeric;
BEGIN
    IF amount ~ '^[0-9]{1,17}(\.[0-9]{1,2})?$' THEN
        ore := amount::numeric * 100;
        IF ore <= 9223372036854775807 THEN
            RETURN ore::bigint;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- "2021-02-01" → that date; NULL when it is not a real date in the staging form YYYY-MM-DD with a
-- year from 2000 to 2100 (CalendarDate.acceptedYears: the CLI's parser refuses other years too).
CREATE OR REPLACE FUNCTION tilskot.import_date(value text) RETURNS date
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    y int;
    m int;
    d int;
BEGIN
    IF value ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
        y := substr(value, 1, 4)::int; m := substr(value, 6, 2)::int; d := substr(value, 9, 2)::int;
        IF y BETWEEN 2000 AND 2100 AND m BETWEEN 1 AND 12
           AND d BETWEEN 1 AND extract(day FROM make_date(y, m, 1) + interval '1 month - 1 day') THEN
            RETURN make_date(y, m, d);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.import_begin() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET client_min_messages = warning
AS $$
DECLARE
    actor text := tilskot.acting_user();
    -- The role the caller chose with SET ROLE (inside this function current_user is the owner).
    chosen text := nullif(current_setting('role'), 'none');
    grantee text;
BEGIN
    PERFORM tilskot.import_require_registrar(actor);
    DROP TABLE IF EXISTS pg_temp.application_import, pg_temp.application_import_error;
    -- Every value as text: the checks in import_applications say what is wrong with it, line by line.
    CREATE TEMPORARY TABLE application_import (
        line             integer NOT NULL,
        round            text,
        orgnr            text,
        title            text,
        amount           text,
        received         text,
        external_ref     text,
        org_name         text,
        org_kind         text,
        org_municipality text,
        -- The one parser's refusal of the file's amount or received date, written by
        -- `tilskot application import` instead of a value (see import_amount_ore above).
        amount_problem   text,
        received_problem text,
        -- Parsed by the server while COPY streams the file in: the client's CSV parsing is the slow
        -- side of COPY, so these cost the import no time of their own. NULL where a value
        -- does not parse; import_applications says why, line by line.
        round_key        text GENERATED ALWAYS AS (nullif(upper(btrim(round)), '')) STORED,
        orgnr_digits     text GENERATED ALWAYS AS (translate(coalesce(orgnr, ''), E' \t\u00a0\u202f', '')) STORED,
        amount_digits    text GENERATED ALWAYS AS (translate(coalesce(amount, ''), E' \t\u00a0\u202f', '')) STORED,
        amount_ore       bigint GENERATED ALWAYS AS (tilskot.import_amount_ore(amount)) STORED,
        received_text    text GENERATED ALWAYS AS (btrim(coalesce(received, ''))) STORED,
        received_on      date GENERATED ALWAYS AS (tilskot.import_date(received)) STORED
    ) ON COMMIT DROP;
    CREATE TEMPORARY TABLE application_import_error (
        line        integer NOT NULL,
        ord         integer NOT NULL,
        column_name text NOT NULL,
        message     text NOT NULL
    ) ON COMMIT DROP;
    FOREACH grantee IN ARRAY array_remove(ARRAY[actor, CASE WHEN chosen IS DISTINCT FROM actor THEN chosen END], NULL)
    LOOP
        EXECUTE format('GRANT INSERT ON pg_temp.application_import TO %I', grantee);
        EXECUTE format('GRANT SELECT ON pg_temp.application_import_error TO %I', grantee);
    END LOOP;
END
$$;

-- No SECURITY DEFINER function meets an object its caller made, and no registration holds a lock
-- that one open transaction could keep from everyone else (issue 14, breaches 1 and 9).
--
-- 1. The bulk import's staging tables. import_applications runs as the owner and works on
--    pg_temp.application_import and pg_temp.application_import_error. Were it only to check that
--    they exist, a caller who skipped import_begin and made look-alikes with a TRUNCATE trigger would
--    have that trigger run as the owner. So (a) nobody but the owner may create temporary tables at
--    all (deploy/create-roles.sql, run on the embedded cluster too, revokes TEMP from PUBLIC), and
--    (b) the import uses a staging table only
--    when it is the one a definer function made: in this session's own temporary schema, owned by
--    the function's owner (a caller can neither create such a table nor alter one), an ordinary
--    table with no trigger, rule or policy of its own.
--
-- 2. Reference numbers. Each round draws from a sequence of its own, not from a counter row that a
--    registration would hold until COMMIT (one caseworker's open transaction would then stop every
--    registration and import of the scheme-year). A sequence is not transactional: nothing waits,
--    and a registration that is rolled back leaves a gap in the numbers (JS-2021-0007 may be
--    followed by JS-2021-0009). The numbers stay unique
--    (application_reference_unique) and in order of registration within a round.


CREATE OR REPLACE FUNCTION tilskot.import_require_own_staging() RETURNS void
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    t text;
    c record;
BEGIN
    FOREACH t IN ARRAY ARRAY['application_import', 'application_import_error'] LOOP
        SELECT k.oid, k.relkind, k.relowner, k.relhastriggers, k.relhasrules, k.relrowsecurity,
               k.relnamespace = pg_catalog.pg_my_temp_schema() AS in_my_temp_schema
          INTO c
          FROM pg_catalog.pg_class k
         WHERE k.oid = pg_catalog.to_regclass('pg_temp.' || t);
        IF NOT FOUND THEN
            RAISE EXCEPTION 'import refused: nothing to import; call tilskot.import_begin() and COPY the rows into application_import first'
                USING ERRCODE = '23T12';
        END IF;
        -- Called from the definer functions only (EXECUTE is revoked from PUBLIC), so current_user
        -- is their owner here.
        IF NOT c.in_my_temp_schema OR c.relkind <> 'r'
           OR c.relowner <> (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
           OR c.relhastriggers OR c.relhasrules OR c.relrowsecurity THEN
            RAISE EXCEPTION 'import refused: pg_temp.% was not made by tilskot.import_begin(); call it first, then COPY the rows into application_import', t
                USING ERRCODE = '42T01';
        END IF;
    END LOOP;
END
$$;

-- Registration's rules, each one sentence, shared by the row trigger (one application: `tilskot
-- application register`, psql) and the bulk import (every row in one pass): each returns the
-- sentence when the rule is broken, NULL when it holds. The trigger raises the sentence with
-- "application refused: " before it; the import lists it under the row's line and column. They are
-- SQL-standard bodies (RETURN …) without SET clauses, bound when created, so the planner inlines
-- them into the import's one statement (no function call per row).

-- The scheme takes applications from some kinds of organisation only. `registered` says whether the
-- organisation is registered (the row trigger) or only given in the import's file.
CREATE OR REPLACE FUNCTION tilskot.registration_kind_problem(round_label text, kinds text[], org_name text, orgnr text,
                                                             org_kind text, registered boolean) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN org_kind IS NOT NULL AND kinds IS NOT NULL AND NOT (org_kind = ANY (kinds)) THEN
    format('%s accepts applications from %s only, and %s (%s) is %s %s', round_label, array_to_string(kinds, ', '),
           org_name, orgnr, CASE WHEN registered THEN 'registered as' ELSE 'given as' END, org_kind)
END;

-- The amount applied for is more than 0 kr: an application for nothing asks for no decision, yet
-- would count among a round's applications and applicants. `amount_ore` is the amount (the import
-- passes -1 for a negative one, which it does not parse: only the sign is read); `shown` is the
-- amount as the writer gave it. The 0 kr sentence names no written form, so the CLI, psql and the
-- import say it in the same words.
DROP FUNCTION IF EXISTS tilskot.registration_amount_problem(boolean, text);
CREATE OR REPLACE FUNCTION tilskot.registration_amount_problem(amount_ore bigint, shown text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN amount_ore < 0 THEN format('the amount applied for cannot be negative (%s)', shown)
    WHEN amount_ore = 0 THEN 'the amount applied for is 0 kr; an application asks for an amount above 0 kr'
END;

-- The received date is not in the future (the server's clock) and falls in the round's window; one
-- outside it is registered only as late, with a reason (a manager's step: the row trigger checks
-- who; the import registers none late).
CREATE OR REPLACE FUNCTION tilskot.registration_received_problem(received date, opens date, closes date, round_label text,
                                                                 late boolean, late_reason text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE
    WHEN received > tilskot.today() THEN
        format('the received date %s is in the future; give the date the application reached the directorate',
               tilskot.iso_date(received))
    WHEN received IS NULL OR opens IS NULL OR received BETWEEN opens AND closes THEN NULL
    WHEN NOT coalesce(late, false) THEN
        format('%s takes applications from %s to %s, and %s is outside that window; a manager can register it as late with a reason',
               round_label, tilskot.iso_date(opens), tilskot.iso_date(closes), tilskot.iso_date(received))
    WHEN btrim(coalesce(late_reason, '')) = '' THEN format('a late application to %s needs a reason', round_label)
END;

-- An external reference is registered once per scheme.
CREATE OR REPLACE FUNCTION tilskot.registration_external_ref_problem(external_ref text, registered_as text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN registered_as IS NOT NULL THEN
    format('external reference %s is already registered as %s', external_ref, registered_as)
END;

REVOKE ALL ON FUNCTION tilskot.registration_kind_problem(text, text[], text, text, text, boolean),
    tilskot.registration_amount_problem(bigint, text),
    tilskot.registration_received_problem(date, date, date, text, boolean, text),
    tilskot.registration_external_ref_problem(text, text) FROM PUBLIC;

-- Registration one by one: the rules shared with the bulk import (the functions above), who may
-- register outside the round's window, and the reference number.
CREATE OR REPLACE FUNCTION tilskot.application_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    r record;
    org tilskot.organisation;
    existing text;
    problem text;
    n integer;
BEGIN
    SELECT ro.id, ro.scheme_id, ro.year, ro.opens, ro.closes, s.name AS scheme_name,
           s.reference_prefix, s.applicant_kinds
      INTO r
      FROM tilskot.round ro JOIN tilskot.scheme s ON s.id = ro.scheme_id
     WHERE ro.id = NEW.round_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'application refused: there is no round with id %', NEW.round_id USING ERRCODE = '23T12';
    END IF;
    SELECT * INTO org FROM tilskot.organisation WHERE id = NEW.organisation_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'application refused: there is no organisation with id %', NEW.organisation_id
            USING ERRCODE = '23T12';
    END IF;
    -- The title was judged by aa_one_line_title (tilskot.application_title_problem, 01_reference.sql).
    -- The rules the bulk import shares, in its words (the functions above).
    problem := tilskot.registration_kind_problem(r.scheme_name || ' ' || r.year, r.applicant_kinds, org.name, org.orgnr,
                                                 org.kind, true);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'application refused: %', problem USING ERRCODE = '23T08';
    END IF;
    problem := tilskot.registration_amount_problem(NEW.amount_applied_ore, tilskot.format_kr(NEW.amount_applied_ore));
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'application refused: %', problem USING ERRCODE = '23T13';
    END IF;
    NEW.received := coalesce(NEW.received, tilskot.today());
    problem := tilskot.registration_received_problem(NEW.received, r.opens, r.closes, r.scheme_name || ' ' || r.year,
                                                     NEW.late, NEW.late_reason);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'application refused: %', problem USING ERRCODE = '23T08';
    END IF;
    IF (NEW.received < r.opens OR NEW.received > r.closes) AND NOT tilskot.has_budget_authority(actor) THEN
        RAISE EXCEPTION 'application refused: % is not a manager; only a manager can register an application received outside the window of % %',
            actor, r.scheme_name, r.year USING ERRCODE = '42T01';
    END IF;
    IF NEW.external_ref IS NOT NULL THEN
        SELECT reference INTO existing FROM tilskot.application
         WHERE scheme_id = r.scheme_id AND external_ref = NEW.external_ref;
        problem := tilskot.registration_external_ref_problem(NEW.external_ref, existing);
        IF problem IS NOT NULL THEN
            RAISE EXCEPTION 'application refused: %', problem USING ERRCODE = '23T11';
        END IF;
    END IF;
    -- The round's own sequence: no lock is held until commit, so one open transaction cannot stop
    -- every registration of the scheme-year (issue 14). A registration rolled back leaves a gap.
    n := nextval(tilskot.round_reference_sequence(r.id));
    NEW.reference := r.reference_prefix || '-' || r.year || '-'
        || CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END;
    NEW.scheme_id := r.scheme_id;
    NEW.status := 'received';
    NEW.registered_by := actor;
    NEW.created_at := now();
    RETURN NEW;
END
$$;

-- The bulk import: the same rules as registration one by one, checked set-based, line by line.
CREATE OR REPLACE FUNCTION tilskot.import_applications(p_round text, p_municipalities text[], p_dry_run boolean)
    RETURNS TABLE (rows_read bigint, imported bigint, already_registered bigint,
                   organisations_created bigint, rounds bigint, invalid_rows bigint, errors bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    -- Sorts and hashes over a million rows stay in memory.
    SET work_mem = '256MB'
    -- Compiling these plans costs seconds and saves nothing: every expression runs once per row.
    SET jit = off
    SET client_min_messages = warning
AS $$
DECLARE
    actor text := tilskot.acting_user();
    why text := nullif(btrim(current_setting('tilskot.reason', true)), '');
    given_round text := nullif(upper(btrim(p_round)), '');
    -- What a one-line name or title may not hold (the same as 0041's rule for every writer).
    unprintable constant text := '[\u0001-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]';
    n_read bigint;
    n_new bigint;
    n_orgs bigint := 0;
    n_rounds bigint;
    n_invalid bigint;
    n_errors bigint;
BEGIN
    PERFORM tilskot.import_require_registrar(actor);
    -- Only the staging tables import_begin made, as the owner, in this session (see above).
    PERFORM tilskot.import_require_own_staging();
    IF given_round IS NOT NULL AND given_round !~ '^[A-Z0-9-]{2,16}/[0-9]{4}$' THEN
        RAISE EXCEPTION 'import refused: % is not a round; write it as SCHEME/YEAR, e.g. JS/2021', p_round
            USING ERRCODE = '23T12';
    END IF;
    IF given_round IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
         WHERE s.code || '/' || r.year = given_round) THEN
        RAISE EXCEPTION 'import refused: round % does not exist; open it with `tilskot round open % --frame … --opens … --closes …`',
            given_round, given_round USING ERRCODE = '23T12';
    END IF;
    DROP TABLE IF EXISTS pg_temp.application_import_row, pg_temp.application_import_org,
        pg_temp.application_import_dup, pg_temp.application_import_counter;
    TRUNCATE pg_temp.application_import_error;

    -- Each row's values (parsed while the rows streamed in, see import_begin), with its round.
    CREATE TEMPORARY TABLE application_import_row ON COMMIT DROP AS
    SELECT i.line, coalesce(i.round_key, given_round) AS round_text, rr.round_id, rr.scheme_id, rr.year,
           i.orgnr_digits AS orgnr,
           nullif(btrim(i.title), '') AS title,
           i.amount_digits AS amount_text,
           btrim(coalesce(i.amount, '')) AS amount_given,
           i.amount_ore,
           i.received_text,
           i.amount_problem,
           i.received_problem,
           CASE WHEN i.received_text = '' THEN tilskot.today() ELSE i.received_on END AS received,
           nullif(btrim(i.external_ref), '') AS external_ref,
           nullif(btrim(i.org_name), '') AS org_name,
           nullif(lower(btrim(i.org_kind)), '') AS org_kind,
           nullif(btrim(i.org_municipality), '') AS org_municipality
      FROM pg_temp.application_import i
      LEFT JOIN (SELECT r.id AS round_id, r.scheme_id, r.year, s.code || '/' || r.year AS round_key
                   FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id) rr
        ON rr.round_key = coalesce(i.round_key, given_round);
    ANALYZE pg_temp.application_import_row;
    SELECT count(*), count(DISTINCT round_id) INTO n_read, n_rounds FROM pg_temp.application_import_row;

    -- No lock is taken on the scheme-years (issue 14: one open transaction must not stop every
    -- registration): an external reference registered by someone else between this check and the
    -- insert below is refused by application_external_ref_unique, and the import is rolled back.

    -- Each organisation once: the registered one, or the details its first line gives for a new one.
    CREATE TEMPORARY TABLE application_import_org ON COMMIT DROP AS
    SELECT f.orgnr, f.first_line, f.org_name, f.org_kind, f.org_municipality, cd.check_digit,
           CASE WHEN cd.check_digit IS NULL THEN false ELSE cd.check_digit = substr(f.orgnr, 9, 1)::int END AS orgnr_ok,
           o.id, o.name, o.kind
      FROM (SELECT DISTINCT ON (orgnr) orgnr, line AS first_line, org_name, org_kind, org_municipality
              FROM pg_temp.application_import_row ORDER BY orgnr, line) f
     CROSS JOIN LATERAL (SELECT CASE WHEN f.orgnr ~ '^[0-9]{9}$' THEN tilskot.orgnr_check_digit(f.orgnr) END AS check_digit) cd
      LEFT JOIN tilskot.organisation o ON o.orgnr = f.orgnr;
    ANALYZE pg_temp.application_import_org;

    -- External references given more than once in the file (per scheme), with their first line.
    CREATE TEMPORARY TABLE application_import_dup ON COMMIT DROP AS
    SELECT scheme_id, external_ref, min(line) AS first_line
      FROM pg_temp.application_import_row
     WHERE external_ref IS NOT NULL AND scheme_id IS NOT NULL
     GROUP BY scheme_id, external_ref HAVING count(*) > 1;
    ANALYZE pg_temp.application_import_dup;

    -- Every problem of every row, as (line, column, sentence): one pass computing a message per
    -- column, then one row per message for the lines that have any.
    INSERT INTO pg_temp.application_import_error (line, ord, column_name, message)
    SELECT m.line, e.ord, e.column_name, e.message
      FROM (
        SELECT c.line,
            CASE
                WHEN c.round_text IS NULL THEN 'missing; give --round SCHEME/YEAR or a round column'
                WHEN c.round_text !~ '^[A-Z0-9-]{2,16}/[0-9]{4}$' THEN format('"%s" is not a round; write it as SCHEME/YEAR, e.g. JS/2021', c.round_text)
                WHEN c.round_id IS NULL THEN format('%s does not exist; open it with `tilskot round open %s …`', c.round_text, c.round_text)
                WHEN given_round IS NOT NULL AND c.round_text <> given_round THEN format('%s is not the round being imported (%s)', c.round_text, given_round)
            END AS m_round,
            CASE
                WHEN c.orgnr = '' THEN 'missing; give the applicant''s 9-digit organisation number'
                WHEN c.orgnr !~ '^[0-9]{9}$' THEN format('organisation number %s is not valid: it must be 9 digits', c.orgnr)
                WHEN o.check_digit IS NULL THEN format('organisation number %s is not valid: no check digit fits its first eight digits', c.orgnr)
                WHEN NOT o.orgnr_ok THEN format('organisation number %s is not valid: its check digit should be %s', c.orgnr, o.check_digit)
                ELSE tilskot.registration_kind_problem(rr.label, rr.applicant_kinds, coalesce(o.name, o.org_name), c.orgnr,
                                                       coalesce(o.kind, o.org_kind), o.id IS NOT NULL)
            END AS m_orgnr,
            CASE
                WHEN o.id IS NOT NULL OR NOT o.orgnr_ok THEN NULL
                WHEN o.org_name IS NULL THEN format('organisation %s is not registered; give its name in org_name (and its kind in org_kind) to register it', c.orgnr)
                WHEN o.org_name ~ unprintable OR length(o.org_name) > 500 THEN 'must be one line of printable text of at most 500 characters'
                WHEN c.org_name IS NOT NULL AND c.org_name <> o.org_name THEN format('organisation %s is named "%s" on line %s; give one name', c.orgnr, o.org_name, o.first_line)
            END AS m_org_name,
            CASE
                WHEN o.id IS NOT NULL OR NOT o.orgnr_ok THEN NULL
                WHEN o.org_kind IS NULL THEN format('organisation %s is not registered; give its kind (municipality, county, voluntary, business or other)', c.orgnr)
                WHEN o.org_kind NOT IN ('municipality', 'county', 'voluntary', 'business', 'other') THEN
                    format('"%s" is not a kind of organisation; use municipality, county, voluntary, business or other', o.org_kind)
                WHEN c.org_kind IS NOT NULL AND c.org_kind <> o.org_kind THEN format('organisation %s is given as %s on line %s; give one kind', c.orgnr, o.org_kind, o.first_line)
            END AS m_org_kind,
            CASE
                WHEN o.id IS NOT NULL OR o.org_municipality IS NULL THEN NULL
                -- The reference table is the judge (as for one organisation, 02_organisations.sql);
                -- p_municipalities, the client's list, is no longer read.
                WHEN o.org_municipality !~ '^[0-9]{4}$'
                     OR NOT EXISTS (SELECT 1 FROM tilskot.municipality_ref mr WHERE mr.code = o.org_municipality) THEN
                    format('"%s" is not a municipality number; give the 4-digit kommunenummer, e.g. 0301', o.org_municipality)
                WHEN c.org_municipality IS NOT NULL AND c.org_municipality <> o.org_municipality THEN
                    format('organisation %s is in municipality %s on line %s; give one municipality', c.orgnr, o.org_municipality, o.first_line)
            END AS m_org_municipality,
            -- The row trigger's sentence, asked for only when a cheap test finds a problem.
            CASE WHEN c.title IS NULL OR length(c.title) > 500 OR c.title ~ unprintable
                 THEN tilskot.application_title_problem(c.title)
            END AS m_title,
            CASE
                WHEN c.amount_problem IS NOT NULL THEN c.amount_problem
                WHEN c.amount_text = '' THEN 'missing; give the amount applied for in kroner'
                WHEN c.amount_text ~ '^-' THEN tilskot.registration_amount_problem(-1, c.amount_given)
                WHEN c.amount_ore IS NULL THEN format('"%s" is not an amount in the staging table''s form; write kroner with a full stop before at most two decimals, e.g. 3400000.50 (`tilskot application import` also reads 3 400 000,50 and 1,5 mill)', c.amount_given)
                ELSE tilskot.registration_amount_problem(c.amount_ore, c.amount_given)
            END AS m_amount,
            CASE
                WHEN c.received_problem IS NOT NULL THEN c.received_problem
                WHEN c.received IS NULL THEN format('"%s" is not a date in the staging table''s form; write it as YYYY-MM-DD with a year from 2000 to 2100 (`tilskot application import` also reads DD.MM.YYYY)', c.received_text)
                -- A file registers none late: a late one is a manager's, one by one.
                ELSE tilskot.registration_received_problem(c.received, rr.opens, rr.closes, rr.label, false, NULL)
            END AS m_received,
            CASE
                WHEN c.external_ref ~ unprintable THEN 'contains a line break, a control character or a character that reorders text; it must be one line of printable text'
                WHEN d.first_line IS NOT NULL AND d.first_line <> c.line THEN format('%s is also on line %s; each external reference once', c.external_ref, d.first_line)
                -- The same reference for the same organisation is skipped below (a file imported twice).
                WHEN ex.orgnr <> c.orgnr THEN tilskot.registration_external_ref_problem(c.external_ref, ex.reference)
            END AS m_external_ref
          FROM pg_temp.application_import_row c
          JOIN pg_temp.application_import_org o ON o.orgnr = c.orgnr
          LEFT JOIN (SELECT r.id, r.opens, r.closes, s.applicant_kinds, s.name || ' ' || r.year AS label
                       FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id) rr ON rr.id = c.round_id
          LEFT JOIN pg_temp.application_import_dup d ON d.scheme_id = c.scheme_id AND d.external_ref = c.external_ref
          LEFT JOIN (SELECT a.scheme_id, a.external_ref, a.reference, og.orgnr
                       FROM tilskot.application a JOIN tilskot.organisation og ON og.id = a.organisation_id
                      WHERE a.external_ref IS NOT NULL) ex
            ON ex.scheme_id = c.scheme_id AND ex.external_ref = c.external_ref
      ) m
     CROSS JOIN LATERAL (VALUES (1, 'round', m.m_round), (2, 'orgnr', m.m_orgnr), (3, 'org_name', m.m_org_name),
                                (4, 'org_kind', m.m_org_kind), (5, 'org_municipality', m.m_org_municipality),
                                (6, 'title', m.m_title), (7, 'amount', m.m_amount), (8, 'received', m.m_received),
                                (9, 'external_ref', m.m_external_ref)) AS e (ord, column_name, message)
     WHERE num_nonnulls(m.m_round, m.m_orgnr, m.m_org_name, m.m_org_kind, m.m_org_municipality, m.m_title,
                        m.m_amount, m.m_received, m.m_external_ref) > 0
       AND e.message IS NOT NULL;

    SELECT count(DISTINCT line), count(*) INTO n_invalid, n_errors FROM pg_temp.application_import_error;

    -- Lines whose external reference is registered in the scheme already (for the same
    -- organisation, or the check above refused them) are skipped: importing a file twice
    -- registers it once.
    ALTER TABLE pg_temp.application_import_row ADD COLUMN registered boolean NOT NULL DEFAULT false;
    UPDATE pg_temp.application_import_row r SET registered = true
      FROM tilskot.application a
     WHERE a.scheme_id = r.scheme_id AND a.external_ref = r.external_ref;

    CREATE TEMPORARY TABLE application_import_counter ON COMMIT DROP AS
    SELECT scheme_id, year, round_id, count(*) AS n, tilskot.round_reference_sequence(round_id) AS sequence
      FROM pg_temp.application_import_row WHERE NOT registered
     GROUP BY scheme_id, year, round_id;
    SELECT coalesce(sum(n), 0) INTO n_new FROM pg_temp.application_import_counter;
    SELECT count(*) INTO n_orgs FROM pg_temp.application_import_org WHERE id IS NULL;

    IF n_errors > 0 OR p_dry_run THEN
        RETURN QUERY SELECT n_read, CASE WHEN n_errors > 0 THEN 0::bigint ELSE n_new END, n_read - n_new,
                            CASE WHEN n_errors > 0 THEN 0::bigint ELSE n_orgs END, n_rounds, n_invalid, n_errors;
        RETURN;
    END IF;

    -- New organisations, set-based like the applications below: their check digits, kinds and
    -- municipalities were checked above and nobody else can register these numbers while the
    -- unique index holds; the actor, the time and one audit event each are written here.
    PERFORM set_config('tilskot.bulk_import', 'on', true);
    WITH created AS (
        INSERT INTO tilskot.organisation (orgnr, name, kind, municipality, member_based, external_board,
                                          created_by, created_at)
        SELECT orgnr, org_name, org_kind, org_municipality, false, false, actor, now()
          FROM pg_temp.application_import_org WHERE id IS NULL ORDER BY orgnr
        RETURNING *
    ), audited AS (
        INSERT INTO tilskot.audit_log (actor, table_name, row_id, application_id, action, old, new, reason)
        SELECT actor, 'organisation', created.id, NULL, 'INSERT', NULL, to_jsonb(created), why FROM created
    )
    UPDATE pg_temp.application_import_org io SET id = created.id, kind = created.kind
      FROM created WHERE created.orgnr::text = io.orgnr;
    PERFORM set_config('tilskot.bulk_import', 'off', true);

    -- The applications and their audit events, in one statement, with the row triggers stepping
    -- aside (see the top of this file) for this statement only.
    PERFORM set_config('tilskot.bulk_import', 'on', true);
    -- Reference numbers from each round's sequence, in line order (the sorted subquery feeds nextval
    -- row by row); another registration at the same time may take numbers in between.
    WITH ordered AS (
        SELECT r.line, r.scheme_id, r.round_id, r.year, r.title, r.amount_ore, r.received, r.external_ref,
               s.reference_prefix AS prefix, o.id AS organisation_id,
               c.sequence
          FROM pg_temp.application_import_row r
          JOIN pg_temp.application_import_org o ON o.orgnr = r.orgnr
          JOIN pg_temp.application_import_counter c ON c.round_id = r.round_id
          JOIN tilskot.scheme s ON s.id = r.scheme_id
         WHERE NOT r.registered
         ORDER BY r.line
         OFFSET 0
    ), numbered AS (
        SELECT ordered.*, nextval(ordered.sequence) AS n FROM ordered
    ), inserted AS (
        INSERT INTO tilskot.application (reference, scheme_id, round_id, organisation_id, title, amount_applied_ore,
                                         received, external_ref, status, late, late_reason, registered_by, created_at)
        SELECT prefix || '-' || year || '-' || CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END,
               scheme_id, round_id, organisation_id, title, amount_ore, received, external_ref, 'received', false, NULL,
               actor, now()
          FROM numbered ORDER BY line
        RETURNING *
    )
    INSERT INTO tilskot.audit_log (actor, table_name, row_id, application_id, action, old, new, reason)
    SELECT actor, 'application', inserted.id, inserted.id, 'INSERT', NULL, to_jsonb(inserted), why
      FROM inserted;
    PERFORM set_config('tilskot.bulk_import', 'off', true);

    RETURN QUERY SELECT n_read, n_new, n_read - n_new, n_orgs, n_rounds, 0::bigint, 0::bigint;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- application_before_insert runs after the aa_ shape checks (00_foundation.sql, 01_reference.sql),
-- so a value's own shape is refused with its sentence before registration reads it.

-- on tilskot.application
CREATE OR REPLACE TRIGGER application_before_insert BEFORE INSERT ON tilskot.application FOR EACH ROW WHEN (((CURRENT_USER <> 'tilskot_owner'::name) OR (current_setting('tilskot.bulk_import'::text, true) IS DISTINCT FROM 'on'::text))) EXECUTE FUNCTION tilskot.application_before_insert();
CREATE OR REPLACE TRIGGER application_before_update BEFORE UPDATE ON tilskot.application FOR EACH ROW EXECUTE FUNCTION tilskot.application_before_update();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.application TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
GRANT INSERT (round_id, organisation_id, title, amount_applied_ore, received, external_ref, late, late_reason) ON TABLE tilskot.application TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.status_transition TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.application_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.application_before_update() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.import_amount_ore(text) TO tilskot_admin, tilskot_caseworker, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.import_applications(text,text[],boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.import_applications(text,text[],boolean) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.import_begin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.import_begin() TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT EXECUTE ON FUNCTION tilskot.import_date(text) TO tilskot_admin, tilskot_caseworker, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.import_require_own_staging() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.import_require_registrar(text) FROM PUBLIC;
