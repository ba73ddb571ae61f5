-- Organisations (applicants).
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

CREATE OR REPLACE FUNCTION tilskot.organisation_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    digits text := btrim(NEW.orgnr);
    expected integer;
    other text;
BEGIN
    IF digits !~ '^[0-9]{9}$' THEN
        RAISE EXCEPTION 'organisation number % is not valid: it must be 9 digits', digits USING ERRCODE = '23T13';
    END IF;
    expected := tilskot.orgnr_check_digit(digits);
    IF expected IS NULL THEN
        RAISE EXCEPTION 'organisation number % is not valid: no check digit fits its first eight digits', digits
            USING ERRCODE = '23T13';
    ELSIF expected <> substr(digits, 9, 1)::int THEN
        RAISE EXCEPTION 'organisation number % is not valid: its check digit should be %', digits, expected
            USING ERRCODE = '23T13';
    END IF;
    SELECT name INTO other FROM tilskot.organisation WHERE orgnr = digits;
    IF FOUND THEN
        RAISE EXCEPTION 'organisation % is already registered as %', digits, other USING ERRCODE = '23T11';
    END IF;
    -- The sentence for organisation_name_present.
    IF btrim(coalesce(NEW.name, '')) = '' THEN
        RAISE EXCEPTION 'organisation % refused: its name is missing', digits USING ERRCODE = '23T13';
    END IF;
    -- The municipality is one of the reference table's (2020–2023 and 2024 divisions); the foreign
    -- key organisation_municipality_known (SQL/migrations/0002) backs this sentence up.
    IF NEW.municipality ~ '^[0-9]{4}$'
       AND NOT EXISTS (SELECT 1 FROM tilskot.municipality_ref m WHERE m.code = NEW.municipality) THEN
        RAISE EXCEPTION 'organisation % refused: municipality number % does not exist in the 2020–2023 or 2024 division; give its 4-digit kommunenummer, e.g. 0301',
            digits, NEW.municipality USING ERRCODE = '23T12';
    END IF;
    IF NEW.preferred_language IS NOT NULL AND NEW.preferred_language NOT IN ('nn', 'nb', 'en') THEN
        RAISE EXCEPTION 'organisation % refused: letter language "%" is not one of nn, nb, en', digits, NEW.preferred_language
            USING ERRCODE = '23T13';
    END IF;
    NEW.created_by := tilskot.acting_user();
    NEW.created_at := now();
    RETURN NEW;
END
$$;

-- The one change an organisation's row takes: the language its letters are written in (nn, nb,
-- en; NULL = Nynorsk, the directorate's own). The column grant below allows nothing else; this
-- gives the sentence for an unknown language before the CHECK organisation_preferred_language_known.
CREATE OR REPLACE FUNCTION tilskot.organisation_language_before_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF NEW.preferred_language IS NOT NULL AND NEW.preferred_language NOT IN ('nn', 'nb', 'en') THEN
        RAISE EXCEPTION 'organisation % refused: letter language "%" is not one of nn, nb, en', btrim(NEW.orgnr), NEW.preferred_language
            USING ERRCODE = '23T13';
    END IF;
    RETURN NEW;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- organisation_before_insert runs after aa_one_line_name (01_reference.sql), so a name with a
-- line break is refused for its shape before registration reads it.

-- on tilskot.organisation
CREATE OR REPLACE TRIGGER organisation_before_insert BEFORE INSERT ON tilskot.organisation FOR EACH ROW WHEN (((CURRENT_USER <> 'tilskot_owner'::name) OR (current_setting('tilskot.bulk_import'::text, true) IS DISTINCT FROM 'on'::text))) EXECUTE FUNCTION tilskot.organisation_before_insert();
CREATE OR REPLACE TRIGGER organisation_language_before_update BEFORE UPDATE OF preferred_language ON tilskot.organisation FOR EACH ROW EXECUTE FUNCTION tilskot.organisation_language_before_update();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.organisation TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
GRANT INSERT (orgnr, name, kind, municipality, member_based, external_board, preferred_language) ON TABLE tilskot.organisation TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT UPDATE (preferred_language) ON TABLE tilskot.organisation TO tilskot_caseworker, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.organisation_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.organisation_language_before_update() FROM PUBLIC;
