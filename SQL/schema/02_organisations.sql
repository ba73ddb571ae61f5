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
    PERFORM tilskot.organisation_details_check(NEW);
    NEW.created_by := tilskot.acting_user();
    NEW.created_at := now();
    RETURN NEW;
END
$$;

-- What an organisation's row says beside its number and kind, checked when it is registered and
-- when it is corrected (`tilskot org add`, `tilskot org update`, psql): the name is there, the
-- municipality is one of the reference table's (2020–2023 and 2024 divisions; the foreign key
-- organisation_municipality_known, SQL/migrations/0002, backs this sentence up), the letter
-- language is one tilskot writes, the address and contact are one line each, the e-mail and
-- telephone have their shape (the CHECKs of SQL/migrations/0035 back these up), and an e-mail or
-- telephone says whose it is. Each refusal is one sentence; the name's line breaks are
-- aa_one_line_name's (01_reference.sql), which fires first.
CREATE OR REPLACE FUNCTION tilskot.organisation_details_check(o tilskot.organisation) RETURNS void
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    digits text := btrim(o.orgnr);
    problem text;
BEGIN
    -- The sentence for organisation_name_present.
    IF btrim(coalesce(o.name, '')) = '' THEN
        RAISE EXCEPTION 'organisation % refused: its name is missing', digits USING ERRCODE = '23T13';
    END IF;
    IF o.municipality ~ '^[0-9]{4}$'
       AND NOT EXISTS (SELECT 1 FROM tilskot.municipality_ref m WHERE m.code = o.municipality) THEN
        RAISE EXCEPTION 'organisation % refused: municipality number % does not exist in the 2020–2023 or 2024 division; give its 4-digit kommunenummer, e.g. 0301',
            digits, o.municipality USING ERRCODE = '23T12';
    END IF;
    IF o.preferred_language IS NOT NULL AND o.preferred_language NOT IN ('nn', 'nb', 'en') THEN
        RAISE EXCEPTION 'organisation % refused: letter language "%" is not one of nn, nb, en', digits, o.preferred_language
            USING ERRCODE = '23T13';
    END IF;
    problem := tilskot.one_line_text_problem(o.address);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'organisation % refused: the address %', digits, problem USING ERRCODE = '23T13';
    END IF;
    problem := tilskot.one_line_text_problem(o.contact_name);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'organisation % refused: the contact name %', digits, problem USING ERRCODE = '23T13';
    END IF;
    IF o.contact_email IS NOT NULL AND o.contact_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN
        RAISE EXCEPTION 'organisation % refused: "%" is not an e-mail address; write it as name@example.no', digits, o.contact_email
            USING ERRCODE = '23T13';
    END IF;
    IF o.contact_phone IS NOT NULL AND o.contact_phone !~ '^\+?[0-9 ]{5,20}$' THEN
        RAISE EXCEPTION 'organisation % refused: "%" is not a telephone number; write digits, spaces and a leading + only, e.g. +47 22 24 16 00', digits, o.contact_phone
            USING ERRCODE = '23T13';
    END IF;
    IF (o.contact_email IS NOT NULL OR o.contact_phone IS NOT NULL) AND btrim(coalesce(o.contact_name, '')) = '' THEN
        RAISE EXCEPTION 'organisation % refused: a contact e-mail or telephone needs the contact''s name; give --contact-name', digits
            USING ERRCODE = '23T13';
    END IF;
END
$$;

-- A correction of an organisation (`tilskot org update`): name, address, municipality, letter
-- language (NULL = Nynorsk, the directorate's own) and contact. The column grant below allows
-- nothing else (the number, kind and who registered it stay); the audit log (zz_audit) keeps the
-- row as it was and who changed it. The number and kind are compared too, for the owner, whom no
-- column grant binds.
CREATE OR REPLACE FUNCTION tilskot.organisation_before_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF NEW.orgnr IS DISTINCT FROM OLD.orgnr OR NEW.kind IS DISTINCT FROM OLD.kind
       OR NEW.created_by IS DISTINCT FROM OLD.created_by OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        RAISE EXCEPTION 'organisation % refused: its number, kind and registration are kept as registered; register another organisation instead',
            btrim(OLD.orgnr) USING ERRCODE = '23T13';
    END IF;
    PERFORM tilskot.organisation_details_check(NEW);
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS organisation_language_before_update ON tilskot.organisation;
DROP FUNCTION IF EXISTS tilskot.organisation_language_before_update();


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- organisation_before_insert runs after aa_one_line_name (01_reference.sql), so a name with a
-- line break is refused for its shape before registration reads it.

-- on tilskot.organisation
CREATE OR REPLACE TRIGGER organisation_before_insert BEFORE INSERT ON tilskot.organisation FOR EACH ROW WHEN (((CURRENT_USER <> 'tilskot_owner'::name) OR (current_setting('tilskot.bulk_import'::text, true) IS DISTINCT FROM 'on'::text))) EXECUTE FUNCTION tilskot.organisation_before_insert();
CREATE OR REPLACE TRIGGER organisation_before_update BEFORE UPDATE ON tilskot.organisation FOR EACH ROW EXECUTE FUNCTION tilskot.organisation_before_update();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.organisation TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
GRANT INSERT (orgnr, name, kind, municipality, member_based, external_board, preferred_language, address, contact_name, contact_email, contact_phone) ON TABLE tilskot.organisation TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT UPDATE (name, address, municipality, preferred_language, contact_name, contact_email, contact_phone) ON TABLE tilskot.organisation TO tilskot_caseworker, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.organisation_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.organisation_before_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.organisation_details_check(tilskot.organisation) FROM PUBLIC;
