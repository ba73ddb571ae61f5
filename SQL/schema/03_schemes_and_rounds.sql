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
    corrected tilskot.frame_adjustment;
    corrected_net bigint;
    net bigint;
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
    -- Budget change or correction (0025_frame_adjustment_kind_and_date.sql). A budget change carries
    -- the date of the budget decision it carries out; a correction names the budget change it corrects,
    -- in the same round, and takes its date. A correction may bring the corrected change's net to 0 (it
    -- was registered in error) or to the amount decided, never past 0 to the other sign (a raise
    -- corrected into a cut is a new budget change, not a correction). Corrections of one round queue
    -- on the round's row locked above, so the net read here holds at every isolation level.
    NEW.kind := coalesce(NEW.kind, 'budget');
    IF NEW.kind NOT IN ('budget', 'correction') THEN
        RAISE EXCEPTION 'frame adjustment refused: "%" is not a kind of adjustment; give budget (a change of the budget) or correction (of an adjustment registered wrong)',
            NEW.kind USING ERRCODE = '23T13';
    END IF;
    IF NEW.kind = 'budget' THEN
        IF NEW.corrects_id IS NOT NULL THEN
            RAISE EXCEPTION 'frame adjustment refused: a budget change of % corrects no other adjustment; register it as a correction to correct adjustment %',
                tilskot.round_label(r.id), NEW.corrects_id USING ERRCODE = '23T13';
        END IF;
        NEW.decided := coalesce(NEW.decided, tilskot.today());
        IF NEW.decided > tilskot.today() THEN
            RAISE EXCEPTION 'frame adjustment refused: the budget decision behind the change of % is dated %, in the future; give the day it was made',
                tilskot.round_label(r.id), tilskot.iso_date(NEW.decided) USING ERRCODE = '23T13';
        END IF;
    ELSE
        IF NEW.corrects_id IS NULL THEN
            RAISE EXCEPTION 'frame adjustment refused: a correction of % must name the adjustment it corrects (its id in `tilskot round show`)',
                tilskot.round_label(r.id) USING ERRCODE = '23T13';
        END IF;
        SELECT * INTO corrected FROM tilskot.frame_adjustment WHERE id = NEW.corrects_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'frame adjustment refused: there is no frame adjustment with id % to correct', NEW.corrects_id
                USING ERRCODE = '23T12';
        END IF;
        IF corrected.round_id <> r.id THEN
            RAISE EXCEPTION 'frame adjustment refused: adjustment % belongs to %, not to %; correct it in its own round',
                corrected.id, tilskot.round_label(corrected.round_id), tilskot.round_label(r.id) USING ERRCODE = '23T13';
        END IF;
        IF corrected.kind <> 'budget' THEN
            RAISE EXCEPTION 'frame adjustment refused: adjustment % is itself a correction (of adjustment %); correct budget change % instead',
                corrected.id, corrected.corrects_id, corrected.corrects_id USING ERRCODE = '23T13';
        END IF;
        IF NEW.decided IS NOT NULL AND NEW.decided <> corrected.decided THEN
            RAISE EXCEPTION 'frame adjustment refused: a correction takes the date of the budget decision it corrects (adjustment %, %); leave the date out, or correct adjustment % to 0 and register the budget change anew with its right date',
                corrected.id, tilskot.iso_date(corrected.decided), corrected.id USING ERRCODE = '23T13';
        END IF;
        NEW.decided := corrected.decided;
        SELECT corrected.amount_ore + coalesce(sum(f.amount_ore), 0) INTO corrected_net
          FROM tilskot.frame_adjustment f WHERE f.corrects_id = corrected.id;
        net := corrected_net + NEW.amount_ore;
        IF sign(net) = -sign(corrected.amount_ore) THEN
            RAISE EXCEPTION 'frame adjustment refused: adjustment % (%: %) stands at % after its corrections, and correcting it by % would turn it into % — a % of the frame it never was; correct it at most to 0 kr, and register a budget change for the rest',
                corrected.id, tilskot.format_kr(corrected.amount_ore), corrected.reason, tilskot.format_kr(corrected_net),
                tilskot.format_kr(NEW.amount_ore), tilskot.format_kr(net),
                CASE WHEN corrected.amount_ore > 0 THEN 'cut' ELSE 'raise' END
                USING ERRCODE = '23T13';
        END IF;
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
GRANT INSERT (round_id, amount_ore, reason, kind, decided, corrects_id) ON TABLE tilskot.frame_adjustment TO tilskot_manager, tilskot_admin;
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
