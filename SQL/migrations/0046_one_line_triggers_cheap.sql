-- 0041's one-line rule on application titles and external references, without the JSON, and out of
-- the bulk import's way.
--
-- Measured (docs/performance.md): aa_one_line_title and aa_one_line_external_ref each built
-- to_jsonb(NEW) to find their column by name, about 6 µs a row each plus two PL/pgSQL trigger calls:
-- some 20 s of a million-row import. Each now has its own small function that reads its column
-- directly (the rule itself is still tilskot.one_line_text_problem, so the sentences are 0041's),
-- and fires on UPDATE only when its column actually changes.
--
-- The import (tilskot.import_applications, 0030/0031) checks titles set-based before it inserts —
-- control characters, line breaks, reordering characters and more than 500 characters, reported as
-- `line N: title: …` — so the title trigger steps aside for it exactly as the registration trigger
-- does: only when the statement runs as the schema owner (current_user inside that SECURITY DEFINER
-- function) *and* the transaction-local tilskot.bulk_import is 'on'. A caseworker with psql can set
-- the setting but never be the owner. The import checks external references for the characters but
-- not for length, so inside the import the external-reference trigger still fires for a value
-- over 500 characters (and only then).

CREATE FUNCTION tilskot.one_line_title_check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    problem text := tilskot.one_line_text_problem(NEW.title);
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'the application title %', problem USING ERRCODE = '23T13';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION tilskot.one_line_external_ref_check() RETURNS trigger
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

DO $$
DECLARE
    owner_name text := (SELECT r.rolname FROM pg_catalog.pg_class c
                          JOIN pg_catalog.pg_roles r ON r.oid = c.relowner
                         WHERE c.oid = 'tilskot.application'::regclass);
    bulk_off text;
BEGIN
    bulk_off := format('current_user <> %L::name OR current_setting(''tilskot.bulk_import'', true) IS DISTINCT FROM ''on''',
                       owner_name);
    DROP TRIGGER aa_one_line_title ON tilskot.application;
    DROP TRIGGER aa_one_line_external_ref ON tilskot.application;
    -- Triggers of one timing fire in name order: these still come before the table's own.
    EXECUTE format('CREATE TRIGGER aa_one_line_title BEFORE INSERT ON tilskot.application
                    FOR EACH ROW WHEN (%s) EXECUTE FUNCTION tilskot.one_line_title_check()', bulk_off);
    CREATE TRIGGER aa_one_line_title_changed BEFORE UPDATE OF title ON tilskot.application
        FOR EACH ROW WHEN (NEW.title IS DISTINCT FROM OLD.title) EXECUTE FUNCTION tilskot.one_line_title_check();
    EXECUTE format('CREATE TRIGGER aa_one_line_external_ref BEFORE INSERT ON tilskot.application
                    FOR EACH ROW WHEN (NEW.external_ref IS NOT NULL AND (%s OR length(NEW.external_ref) > 500))
                    EXECUTE FUNCTION tilskot.one_line_external_ref_check()', bulk_off);
    CREATE TRIGGER aa_one_line_external_ref_changed BEFORE UPDATE OF external_ref ON tilskot.application
        FOR EACH ROW WHEN (NEW.external_ref IS DISTINCT FROM OLD.external_ref) EXECUTE FUNCTION tilskot.one_line_external_ref_check();
END
$$;

REVOKE ALL ON FUNCTION tilskot.one_line_title_check(), tilskot.one_line_external_ref_check() FROM PUBLIC;
