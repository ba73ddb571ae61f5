-- Names, titles and references are one line of printable text, at most 500 characters.
--
-- Found by the bad-input corpus (Tests/Fixtures/bad-input/names.tsv): an organisation name with a
-- line break, a bell, a tab or a right-to-left override (U+202E) was stored as given. A line break
-- splits the one-line outputs (tables, the audit list, a letter's address line); a bidi override
-- makes a name display as something else than it is ("Trojan Source" spoofing) in letters and
-- reports; a 10 MB name is no name. Any Unicode letter stays welcome: Sámi and Kven names such as
-- "Porsanki/Porsáŋgu/Porsanger" round-trip unchanged.
--
-- Held here for every client (psql, the import, the CLI) by a BEFORE INSERT trigger that fires
-- before each table's own (triggers of one timing fire in name order), so the refusal is one
-- sentence with SQLSTATE 23T13 (a value's own shape) rather than a constraint name.

-- What is wrong with `value` as one line of text, or NULL when nothing is.
CREATE FUNCTION tilskot.one_line_text_problem(value text) RETURNS text
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
CREATE FUNCTION tilskot.one_line_text_check() RETURNS trigger
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

CREATE TRIGGER aa_one_line_name BEFORE INSERT OR UPDATE OF name ON tilskot.organisation
    FOR EACH ROW EXECUTE FUNCTION tilskot.one_line_text_check('name', 'the organisation name');
CREATE TRIGGER aa_one_line_name BEFORE INSERT OR UPDATE OF name ON tilskot.scheme
    FOR EACH ROW EXECUTE FUNCTION tilskot.one_line_text_check('name', 'the scheme name');
CREATE TRIGGER aa_one_line_title BEFORE INSERT OR UPDATE OF title ON tilskot.application
    FOR EACH ROW EXECUTE FUNCTION tilskot.one_line_text_check('title', 'the application title');
CREATE TRIGGER aa_one_line_external_ref BEFORE INSERT OR UPDATE OF external_ref ON tilskot.application
    FOR EACH ROW EXECUTE FUNCTION tilskot.one_line_text_check('external_ref', 'the external reference');

-- The trigger runs with the caller's rights, so the caller needs the (pure) helper.
REVOKE ALL ON FUNCTION tilskot.one_line_text_problem(text), tilskot.one_line_text_check() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.one_line_text_problem(text)
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;
