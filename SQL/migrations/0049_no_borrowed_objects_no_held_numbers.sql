-- No SECURITY DEFINER function meets an object its caller made, and no registration holds a lock
-- that one open transaction could keep from everyone else (issue 14, breaches 1 and 9).
--
-- 1. The bulk import's staging tables. import_applications runs as the owner and works on
--    pg_temp.application_import and pg_temp.application_import_error. It checked only that they
--    existed, so a caller who skipped import_begin and made look-alikes with a TRUNCATE trigger had
--    that trigger run as the owner — on the embedded cluster, before issue 14, a superuser. Now
--    (a) nobody but the owner may create temporary tables at all (deploy/create-roles.sql, run on the
--    embedded cluster too, revokes TEMP from PUBLIC), and (b) the import uses a staging table only
--    when it is the one a definer function made: in this session's own temporary schema, owned by
--    the function's owner (a caller can neither create such a table nor alter one), an ordinary
--    table with no trigger, rule or policy of its own.
--
-- 2. Reference numbers. A registration took the next number by updating its scheme-year's row of
--    reference_counter, and held that row until COMMIT, so one caseworker's open transaction stopped
--    every registration and import of the scheme-year. Each round now draws from a sequence of its
--    own, which is not transactional: nothing waits, and a registration that is rolled back leaves a
--    gap in the numbers (JS-2021-0007 may be followed by JS-2021-0009). The numbers stay unique
--    (application_reference_unique) and in order of registration within a round.

-- ---------------------------------------------------------------------------------------------
-- 1. The import's staging tables must be the import's own
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.import_require_own_staging() RETURNS void
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
REVOKE ALL ON FUNCTION tilskot.import_require_own_staging() FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- 2. A sequence per round for its reference numbers
-- ---------------------------------------------------------------------------------------------

-- The sequence of a round: tilskot.round_<id>_reference, owned by the owner; no group role may use it.
CREATE FUNCTION tilskot.round_reference_sequence(round_id bigint) RETURNS regclass
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$ SELECT pg_catalog.format('tilskot.round_%s_reference', round_id)::regclass $$;
REVOKE ALL ON FUNCTION tilskot.round_reference_sequence(bigint) FROM PUBLIC;

CREATE FUNCTION tilskot.round_reference_sequence_create() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    EXECUTE pg_catalog.format('CREATE SEQUENCE tilskot.round_%s_reference AS integer MINVALUE 1 NO CYCLE', NEW.id);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION tilskot.round_reference_sequence_create() FROM PUBLIC;
CREATE TRIGGER round_reference_sequence AFTER INSERT ON tilskot.round
    FOR EACH ROW EXECUTE FUNCTION tilskot.round_reference_sequence_create();

-- Every round there is: its sequence, continuing where its scheme-year's counter stopped.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT ro.id, coalesce(c.last_number, 0) AS last_number
               FROM tilskot.round ro
               LEFT JOIN tilskot.reference_counter c ON c.scheme_id = ro.scheme_id AND c.year = ro.year LOOP
        EXECUTE pg_catalog.format('CREATE SEQUENCE tilskot.round_%s_reference AS integer MINVALUE 1 NO CYCLE', r.id);
        IF r.last_number > 0 THEN
            PERFORM pg_catalog.setval(tilskot.round_reference_sequence(r.id), r.last_number);
        END IF;
    END LOOP;
END
$$;

-- Registration one by one (0003's rule, unchanged but for where the number comes from).
CREATE OR REPLACE FUNCTION tilskot.application_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    r record;
    org tilskot.organisation;
    existing text;
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
    IF NOT (org.kind = ANY (r.applicant_kinds)) THEN
        RAISE EXCEPTION 'application refused: % accepts applications from % only, and % (%) is registered as %',
            r.scheme_name, array_to_string(r.applicant_kinds, ', '), org.name, org.orgnr, org.kind
            USING ERRCODE = '23T08';
    END IF;
    IF NEW.amount_applied_ore < 0 THEN
        RAISE EXCEPTION 'application refused: the amount applied for cannot be negative (%)',
            tilskot.format_kr(NEW.amount_applied_ore) USING ERRCODE = '23T13';
    END IF;
    NEW.received := coalesce(NEW.received, current_date);
    IF NEW.received > current_date THEN
        RAISE EXCEPTION 'application refused: the received date % is in the future; give the date the application reached the directorate',
            tilskot.iso_date(NEW.received) USING ERRCODE = '23T08';
    END IF;
    IF NEW.received < r.opens OR NEW.received > r.closes THEN
        IF NOT NEW.late THEN
            RAISE EXCEPTION 'application refused: % % takes applications from % to %, and % is outside that window; a manager can register it as late with a reason',
                r.scheme_name, r.year, tilskot.iso_date(r.opens), tilskot.iso_date(r.closes),
                tilskot.iso_date(NEW.received) USING ERRCODE = '23T08';
        END IF;
        IF btrim(coalesce(NEW.late_reason, '')) = '' THEN
            RAISE EXCEPTION 'application refused: a late application to % % needs a reason', r.scheme_name, r.year
                USING ERRCODE = '23T08';
        END IF;
        IF NOT tilskot.has_budget_authority(actor) THEN
            RAISE EXCEPTION 'application refused: % is not a manager; only a manager can register an application received outside the window of % %',
                actor, r.scheme_name, r.year USING ERRCODE = '42T01';
        END IF;
    END IF;
    IF NEW.external_ref IS NOT NULL THEN
        SELECT reference INTO existing FROM tilskot.application
         WHERE scheme_id = r.scheme_id AND external_ref = NEW.external_ref;
        IF FOUND THEN
            RAISE EXCEPTION 'application refused: external reference % is already registered as %',
                NEW.external_ref, existing USING ERRCODE = '23T11';
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

-- The bulk import (0037's, unchanged but for the staging check and the numbers).
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
           CASE WHEN i.received_text = '' THEN current_date ELSE i.received_on END AS received,
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
                WHEN coalesce(o.kind, o.org_kind) IS NOT NULL AND rr.applicant_kinds IS NOT NULL
                     AND NOT (coalesce(o.kind, o.org_kind) = ANY (rr.applicant_kinds)) THEN
                    format('%s accepts applications from %s only, and %s (%s) is %s %s', rr.label,
                           array_to_string(rr.applicant_kinds, ', '), coalesce(o.name, o.org_name), c.orgnr,
                           CASE WHEN o.id IS NULL THEN 'given as' ELSE 'registered as' END, coalesce(o.kind, o.org_kind))
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
                WHEN o.org_municipality !~ '^[0-9]{4}$' OR NOT (o.org_municipality = ANY (coalesce(p_municipalities, ARRAY[o.org_municipality]))) THEN
                    format('"%s" is not a municipality number; give the 4-digit kommunenummer, e.g. 0301', o.org_municipality)
                WHEN c.org_municipality IS NOT NULL AND c.org_municipality <> o.org_municipality THEN
                    format('organisation %s is in municipality %s on line %s; give one municipality', c.orgnr, o.org_municipality, o.first_line)
            END AS m_org_municipality,
            CASE WHEN c.title IS NULL THEN 'missing; say what the application is for'
                 WHEN length(c.title) > 500 THEN format('is %s characters long; at most 500 are allowed', length(c.title))
                 WHEN c.title ~ unprintable THEN 'contains a line break, a control character or a character that reorders text; it must be one line of printable text'
            END AS m_title,
            CASE
                WHEN c.amount_text = '' THEN 'missing; give the amount applied for in kroner'
                WHEN c.amount_text ~ '^-' THEN format('the amount applied for cannot be negative (%s)', c.amount_given)
                WHEN c.amount_ore IS NULL THEN format('"%s" is not an amount in kroner; write it as 3400000, 3 400 000 or 3 400 000,50', c.amount_given)
            END AS m_amount,
            CASE
                WHEN c.received IS NULL THEN format('"%s" is not a date; write it as YYYY-MM-DD or DD.MM.YYYY', c.received_text)
                WHEN c.received > current_date THEN format('%s is in the future; give the date the application reached the directorate', tilskot.iso_date(c.received))
                WHEN rr.opens IS NOT NULL AND (c.received < rr.opens OR c.received > rr.closes) THEN
                    format('%s is outside the window of %s (%s to %s); a manager registers a late application one by one with `tilskot application register --late --reason …`',
                           tilskot.iso_date(c.received), rr.label, tilskot.iso_date(rr.opens), tilskot.iso_date(rr.closes))
            END AS m_received,
            CASE
                WHEN c.external_ref ~ unprintable THEN 'contains a line break, a control character or a character that reorders text; it must be one line of printable text'
                WHEN d.first_line IS NOT NULL AND d.first_line <> c.line THEN format('%s is also on line %s; each external reference once', c.external_ref, d.first_line)
                WHEN ex.reference IS NOT NULL AND ex.orgnr <> c.orgnr THEN
                    format('%s is already registered as %s for organisation %s; check the reference', c.external_ref, ex.reference, ex.orgnr)
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

DROP TABLE tilskot.reference_counter;
