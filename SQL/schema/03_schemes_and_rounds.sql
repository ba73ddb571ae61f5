-- Schemes, rounds, their frames and frame adjustments, reference-number sequences.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

CREATE OR REPLACE FUNCTION tilskot.scheme_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    other text;
BEGIN
    -- The sentences for what the table's CHECKs (scheme_name_present, scheme_applicant_kinds_known,
    -- scheme_threshold_not_negative) also hold, so psql and the CLI read the same words.
    IF btrim(coalesce(NEW.name, '')) = '' THEN
        RAISE EXCEPTION 'scheme refused: the name of scheme % is missing', NEW.code USING ERRCODE = '23T13';
    END IF;
    IF cardinality(NEW.applicant_kinds) = 0 THEN
        RAISE EXCEPTION 'scheme refused: scheme % needs at least one applicant kind (municipality, county, voluntary, business or other)',
            NEW.code USING ERRCODE = '23T13';
    END IF;
    IF NEW.report_account_threshold_ore < 0 THEN
        RAISE EXCEPTION 'scheme refused: the report account threshold of scheme % cannot be negative', NEW.code
            USING ERRCODE = '23T13';
    END IF;
    SELECT name INTO other FROM tilskot.scheme WHERE code = NEW.code;
    IF FOUND THEN
        RAISE EXCEPTION 'scheme refused: the code % is already used by %; choose another code', NEW.code, other
            USING ERRCODE = '23T11';
    END IF;
    SELECT name INTO other FROM tilskot.scheme WHERE reference_prefix = NEW.reference_prefix;
    IF FOUND THEN
        RAISE EXCEPTION 'scheme refused: the reference prefix % is already used by %; choose another prefix',
            NEW.reference_prefix, other USING ERRCODE = '23T11';
    END IF;
    NEW.created_by := tilskot.acting_user();
    NEW.created_at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.round_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    scheme_name text;
BEGIN
    PERFORM tilskot.require_role('round');  -- who may (00_foundation.sql)
    SELECT name INTO scheme_name FROM tilskot.scheme WHERE id = NEW.scheme_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'round refused: there is no scheme with id %', NEW.scheme_id USING ERRCODE = '23T12';
    END IF;
    IF EXISTS (SELECT 1 FROM tilskot.round WHERE scheme_id = NEW.scheme_id AND year = NEW.year) THEN
        RAISE EXCEPTION 'round refused: % % is already open; adjust its frame instead of opening it again',
            scheme_name, NEW.year USING ERRCODE = '23T11';
    END IF;
    IF NEW.closes < NEW.opens THEN
        RAISE EXCEPTION 'round refused: % % would close on % before it opens on %; give a closing date on or after the opening date',
            scheme_name, NEW.year, tilskot.iso_date(NEW.closes), tilskot.iso_date(NEW.opens) USING ERRCODE = '23T13';
    END IF;
    IF NEW.initial_frame_ore < 0 THEN
        RAISE EXCEPTION 'round refused: the frame of % % cannot be negative', scheme_name, NEW.year
            USING ERRCODE = '23T13';
    END IF;
    NEW.frame_ore := NEW.initial_frame_ore;
    NEW.granted_ore := 0;
    NEW.opened_by := actor;
    NEW.opened_at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.frame_adjustment_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    r tilskot.round;
    new_frame bigint;
BEGIN
    PERFORM tilskot.require_role('frame adjustment');  -- who may (00_foundation.sql)
    -- NO KEY UPDATE rather than UPDATE: it queues deciders and adjusters on the round but does not
    -- block new applications, whose foreign key to the round only takes KEY SHARE.
    SELECT * INTO r FROM tilskot.round WHERE id = NEW.round_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'frame adjustment refused: there is no round with id %', NEW.round_id USING ERRCODE = '23T12';
    END IF;
    -- The sentences for frame_adjustment_not_zero and frame_adjustment_reason_present.
    IF NEW.amount_ore = 0 THEN
        RAISE EXCEPTION 'frame adjustment refused: an adjustment of 0 kr to % changes nothing; raise or lower the frame by an amount other than 0 kr',
            tilskot.round_label(r.id) USING ERRCODE = '23T13';
    END IF;
    IF NOT tilskot.has_words(coalesce(NEW.reason, '')) THEN
        RAISE EXCEPTION 'frame adjustment refused: adjusting the frame of % needs a reason in words', tilskot.round_label(r.id)
            USING ERRCODE = '23T05';
    END IF;
    new_frame := r.frame_ore + NEW.amount_ore;
    IF new_frame < r.granted_ore THEN
        RAISE EXCEPTION 'frame adjustment refused: % has % granted, so its frame of % cannot be lowered by % to %',
            tilskot.round_label(r.id), tilskot.format_kr(r.granted_ore), tilskot.format_kr(r.frame_ore),
            tilskot.format_kr(-NEW.amount_ore), tilskot.format_kr(new_frame)
            USING ERRCODE = '23T01';
    END IF;
    UPDATE tilskot.round SET frame_ore = new_frame WHERE id = r.id;
    NEW.actor := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.round_label(round_id bigint) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    label text;
BEGIN
    SELECT s.name || ' ' || r.year INTO label
      FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
     WHERE r.id = round_label.round_id;
    RETURN label;
END
$$;

-- The sequence of a round: tilskot.round_<id>_reference, owned by the owner; no group role may use it.
CREATE OR REPLACE FUNCTION tilskot.round_reference_sequence(round_id bigint) RETURNS regclass
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$ SELECT pg_catalog.format('tilskot.round_%s_reference', round_id)::regclass $$;

CREATE OR REPLACE FUNCTION tilskot.round_reference_sequence_create() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    EXECUTE pg_catalog.format('CREATE SEQUENCE tilskot.round_%s_reference AS integer MINVALUE 1 NO CYCLE', NEW.id);
    RETURN NULL;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- One trigger per table and timing here, so their order among themselves does not matter; each
-- runs after the aa_ shape checks on its table (00_foundation.sql, 01_reference.sql).

-- on tilskot.frame_adjustment
CREATE OR REPLACE TRIGGER frame_adjustment_before_insert BEFORE INSERT ON tilskot.frame_adjustment FOR EACH ROW EXECUTE FUNCTION tilskot.frame_adjustment_before_insert();

-- on tilskot.round
CREATE OR REPLACE TRIGGER round_before_insert BEFORE INSERT ON tilskot.round FOR EACH ROW EXECUTE FUNCTION tilskot.round_before_insert();
CREATE OR REPLACE TRIGGER round_reference_sequence AFTER INSERT ON tilskot.round FOR EACH ROW EXECUTE FUNCTION tilskot.round_reference_sequence_create();

-- on tilskot.scheme
CREATE OR REPLACE TRIGGER scheme_before_insert BEFORE INSERT ON tilskot.scheme FOR EACH ROW EXECUTE FUNCTION tilskot.scheme_before_insert();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.frame_adjustment TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (round_id, amount_ore, reason) ON TABLE tilskot.frame_adjustment TO tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.round TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
GRANT INSERT (scheme_id, year, opens, closes, initial_frame_ore) ON TABLE tilskot.round TO tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.scheme TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_owner, tilskot_participant_steward;
GRANT INSERT (code, name, goal, target_group, applicant_kinds, reference_prefix, report_account_threshold_ore) ON TABLE tilskot.scheme TO tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.frame_adjustment_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.round_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.round_label(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.round_reference_sequence(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.round_reference_sequence_create() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.scheme_before_insert() FROM PUBLIC;
