-- Reference data: municipalities and counties, organisation numbers, bank accounts, one-line text.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

-- Names, titles and references are one line of printable text, at most 500 characters.
--
-- The bad-input corpus (Tests/Fixtures/bad-input/names.tsv) tries names with a line break, a bell,
-- a tab or a right-to-left override (U+202E), none of which a name may hold. A line break
-- splits the one-line outputs (tables, the audit list, a letter's address line); a bidi override
-- makes a name display as something else than it is ("Trojan Source" spoofing) in letters and
-- reports; a 10 MB name is no name. Any Unicode letter stays welcome: Sámi and Kven names such as
-- "Porsanki/Porsáŋgu/Porsanger" round-trip unchanged.
--
-- Held here for every client (psql, the import, the CLI) by a BEFORE INSERT trigger that fires
-- before each table's own (triggers of one timing fire in name order), so the refusal is one
-- sentence with SQLSTATE 23T13 (a value's own shape) rather than a constraint name.

-- What is wrong with `value` as one line of text, or NULL when nothing is.
CREATE OR REPLACE FUNCTION tilskot.one_line_text_problem(value text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT CASE
        WHEN value IS NULL THEN NULL
        WHEN length(value) > 500 THEN 'is ' || length(value) || ' characters long; at most 500 are allowed'
        WHEN value ~ '[\u0001-\u001f\u007f-\u009f]' THEN
            'contains a control character (U+' || upper(lpad(to_hex(ascii(substring(value FROM '[\u0001-\u001f\u007f-\u009f]'))), 4, '0'))
            || CASE substring(value FROM '[\u0001-\u001f\u007f-\u009f]') WHEN E'\n' THEN ', a line break' WHEN E'\r' THEN ', a line break'
                                                                          WHEN E'\t' THEN ', a tab' ELSE '' END
            || '); it must be one line of printable text'
        WHEN value ~ '[\u202a-\u202e\u2066-\u2069]' THEN
            'contains a character that reorders text on screen (U+' || upper(to_hex(ascii(substring(value FROM '[\u202a-\u202e\u2066-\u2069]'))))
            || '), which can make it display as something it is not; type it without'
    END
$$;

-- Trigger: TG_ARGV[0] is the column, TG_ARGV[1] how a person calls it ("the organisation name").
CREATE OR REPLACE FUNCTION tilskot.one_line_text_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    problem text := tilskot.one_line_text_problem(to_jsonb(NEW) ->> TG_ARGV[0]);
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '% %', TG_ARGV[1], problem USING ERRCODE = '23T13';
    END IF;
    RETURN NEW;
END
$$;

-- The one-line rule on application titles and external references, without the JSON, and out of
-- the bulk import's way.
--
-- Each has its own small function that reads its column directly rather than building
-- to_jsonb(NEW) to find it by name, which would cost a million-row import seconds
-- (docs/performance.md); the rule is still tilskot.one_line_text_problem, so the sentences are
-- the same as for names. Each fires on UPDATE only when its column actually changes.
--
-- The import (tilskot.import_applications, 04_applications.sql) checks titles set-based before it inserts —
-- control characters, line breaks, reordering characters and more than 500 characters, reported as
-- `line N: title: …` — so the title trigger steps aside for it exactly as the registration trigger
-- does: only when the statement runs as the schema owner (current_user inside that SECURITY DEFINER
-- function) *and* the transaction-local tilskot.bulk_import is 'on'. A caseworker with psql can set
-- the setting but never be the owner. The import checks external references for the characters but
-- not for length, so inside the import the external-reference trigger still fires for a value
-- over 500 characters (and only then).

-- What is wrong with an application title, if anything: missing, or not one line of printable text
-- of at most 500 characters. The one sentence for the rule: the row triggers below raise it, and the
-- bulk import (tilskot.import_applications, 04_applications.sql) reports it as `line N: title: …`.
CREATE OR REPLACE FUNCTION tilskot.application_title_problem(title text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT CASE WHEN btrim(coalesce(title, '')) = '' THEN 'the title is missing; say what the application is for'
                ELSE 'the title ' || tilskot.one_line_text_problem(title) END
$$;

CREATE OR REPLACE FUNCTION tilskot.one_line_title_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    problem text := tilskot.application_title_problem(NEW.title);
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '% refused: %', CASE TG_OP WHEN 'INSERT' THEN 'application' ELSE 'change' END, problem
            USING ERRCODE = '23T13';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.one_line_external_ref_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    problem text := tilskot.one_line_text_problem(NEW.external_ref);
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'the external reference %', problem USING ERRCODE = '23T13';
    END IF;
    RETURN NEW;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- The order matters: aa_one_line_* refuse a name, title or reference with a line break (23T13)
-- before the table's own trigger (02_organisations.sql, 04_applications.sql) uses the value.

-- on tilskot.application
CREATE OR REPLACE TRIGGER aa_one_line_external_ref BEFORE INSERT ON tilskot.application FOR EACH ROW WHEN (((new.external_ref IS NOT NULL) AND ((CURRENT_USER <> 'tilskot_owner'::name) OR (current_setting('tilskot.bulk_import'::text, true) IS DISTINCT FROM 'on'::text) OR (length(new.external_ref) > 500)))) EXECUTE FUNCTION tilskot.one_line_external_ref_check();
CREATE OR REPLACE TRIGGER aa_one_line_external_ref_changed BEFORE UPDATE OF external_ref ON tilskot.application FOR EACH ROW WHEN ((new.external_ref IS DISTINCT FROM old.external_ref)) EXECUTE FUNCTION tilskot.one_line_external_ref_check();
CREATE OR REPLACE TRIGGER aa_one_line_title BEFORE INSERT ON tilskot.application FOR EACH ROW WHEN (((CURRENT_USER <> 'tilskot_owner'::name) OR (current_setting('tilskot.bulk_import'::text, true) IS DISTINCT FROM 'on'::text))) EXECUTE FUNCTION tilskot.one_line_title_check();
CREATE OR REPLACE TRIGGER aa_one_line_title_changed BEFORE UPDATE OF title ON tilskot.application FOR EACH ROW WHEN ((new.title IS DISTINCT FROM old.title)) EXECUTE FUNCTION tilskot.one_line_title_check();

-- on tilskot.organisation
CREATE OR REPLACE TRIGGER aa_one_line_name BEFORE INSERT OR UPDATE OF name ON tilskot.organisation FOR EACH ROW EXECUTE FUNCTION tilskot.one_line_text_check('name', 'the organisation name');

-- on tilskot.scheme
CREATE OR REPLACE TRIGGER aa_one_line_name BEFORE INSERT OR UPDATE OF name ON tilskot.scheme FOR EACH ROW EXECUTE FUNCTION tilskot.one_line_text_check('name', 'the scheme name');


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.municipality_ref TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.application_title_problem(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.application_title_problem(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.bank_account_is_valid(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.bank_account_is_valid(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.one_line_external_ref_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.one_line_text_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.one_line_text_problem(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.one_line_text_problem(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.one_line_title_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.orgnr_check_digit(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.orgnr_check_digit(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.orgnr_is_valid(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.orgnr_is_valid(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
