-- Claw-backs, their appeals and resolutions, repayments.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

-- "the claw-back of 200 000 kr from JS-2021-0007 decided 2022-05-02": a claw-back in a sentence.
CREATE OR REPLACE FUNCTION tilskot.clawback_label(c tilskot.clawback, reference text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT 'the claw-back of ' || tilskot.format_kr(c.amount_ore) || ' from ' || reference || ' decided '
        || tilskot.iso_date(c.decision_date)
$$;

CREATE OR REPLACE FUNCTION tilskot.clawback_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'claw-back');
    paid bigint;
    demanded bigint;
BEGIN
    PERFORM tilskot.require_role('claw-back');  -- who may (00_foundation.sql)
    PERFORM tilskot.require_grant(app, 'claw-back');
    IF btrim(coalesce(NEW.reasons, '')) = '' THEN
        RAISE EXCEPTION 'claw-back refused: a demand for repayment from % must state its reasons (fvl. §§ 24–25)', app.reference
            USING ERRCODE = '23T27';
    END IF;
    IF NEW.amount_ore IS NULL OR NEW.amount_ore <= 0 THEN
        RAISE EXCEPTION 'claw-back refused: the amount demanded from % must be more than 0 kr', app.reference USING ERRCODE = '23T27';
    END IF;
    NEW.decision_date := coalesce(NEW.decision_date, current_date);
    IF NEW.decision_date > current_date THEN
        RAISE EXCEPTION 'claw-back refused: the decision date % is in the future', tilskot.iso_date(NEW.decision_date)
            USING ERRCODE = '23T27';
    END IF;
    IF NEW.due_date IS NULL OR NEW.due_date < NEW.decision_date THEN
        RAISE EXCEPTION 'claw-back refused: the repayment from % needs a due date on or after the decision date %',
            app.reference, tilskot.iso_date(NEW.decision_date) USING ERRCODE = '23T27';
    END IF;
    SELECT coalesce(sum(amount_ore), 0) INTO paid FROM tilskot.payment WHERE application_id = app.id AND status = 'paid';
    SELECT coalesce(sum(amount_ore), 0) INTO demanded FROM tilskot.clawback WHERE application_id = app.id;
    IF demanded + NEW.amount_ore > paid THEN
        RAISE EXCEPTION 'claw-back refused: % has been paid %, % of it already demanded back, so % cannot be demanded; a claw-back cannot exceed what was paid',
            app.reference, tilskot.format_kr(paid), tilskot.format_kr(demanded), tilskot.format_kr(NEW.amount_ore)
            USING ERRCODE = '23T20';
    END IF;
    NEW.original_amount_ore := NEW.amount_ore;
    NEW.cancelled := false;
    NEW.demanded_by := actor;
    NEW.demanded_at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.clawback_appeal_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app_id bigint;
    app tilskot.application;
    c tilskot.clawback;
    pending tilskot.clawback_appeal;
    label text;
    deadline date;
BEGIN
    SELECT application_id INTO app_id FROM tilskot.clawback WHERE id = NEW.clawback_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'appeal refused: there is no claw-back with id %', NEW.clawback_id USING ERRCODE = '23T12';
    END IF;
    app := tilskot.lock_application(app_id, 'appeal');
    SELECT * INTO c FROM tilskot.clawback WHERE id = NEW.clawback_id FOR UPDATE;
    label := tilskot.clawback_label(c, app.reference);
    NEW.application_id := app.id;
    IF c.cancelled THEN
        RAISE EXCEPTION 'appeal refused: % was cancelled; there is nothing to appeal', label USING ERRCODE = '23T27';
    END IF;
    SELECT * INTO pending FROM tilskot.clawback_appeal WHERE clawback_id = c.id AND outcome IS NULL;
    IF FOUND THEN
        RAISE EXCEPTION 'appeal refused: % already has an appeal pending, received %; resolve that one first',
            label, tilskot.iso_date(pending.received) USING ERRCODE = '23T27';
    END IF;
    IF NEW.received IS NULL OR NEW.received > current_date THEN
        RAISE EXCEPTION 'appeal refused: give the date the appeal reached the directorate, not a date in the future'
            USING ERRCODE = '23T27';
    END IF;
    IF NEW.received < c.decision_date THEN
        RAISE EXCEPTION 'appeal refused: it is dated as received %, before % was decided', tilskot.iso_date(NEW.received), label
            USING ERRCODE = '23T27';
    END IF;
    deadline := c.decision_date + 21;
    IF NEW.received > deadline AND NOT (NEW.late AND btrim(coalesce(NEW.late_reason, '')) <> '') THEN
        RAISE EXCEPTION 'appeal refused: it reached the directorate on %, after the deadline of % (3 weeks from %); register it as late with a reason if it is to be considered (fvl. § 31)',
            tilskot.iso_date(NEW.received), tilskot.iso_date(deadline), label USING ERRCODE = '23T27';
    END IF;
    IF NEW.late AND btrim(coalesce(NEW.late_reason, '')) = '' THEN
        RAISE EXCEPTION 'appeal refused: a late appeal against % needs a reason', label USING ERRCODE = '23T27';
    END IF;
    -- The sentence for clawback_appeal_grounds_present.
    IF NOT tilskot.has_words(coalesce(NEW.grounds, '')) THEN
        RAISE EXCEPTION 'appeal refused: the appeal against % needs its grounds in words (what the appellant says)', label
            USING ERRCODE = '23T27';
    END IF;
    NEW.registered_by := tilskot.acting_user();
    NEW.registered_at := now();
    NEW.outcome := NULL;
    NEW.resolved_at := NULL;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.clawback_resolution_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    cb_id bigint;
    app tilskot.application;
    a tilskot.clawback_appeal;
    c tilskot.clawback;
    repaid bigint;
    label text;
BEGIN
    PERFORM tilskot.require_role('resolution');  -- who may (00_foundation.sql)
    SELECT ca.clawback_id INTO cb_id FROM tilskot.clawback_appeal ca WHERE ca.id = NEW.appeal_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'resolution refused: there is no claw-back appeal with id %', NEW.appeal_id USING ERRCODE = '23T12';
    END IF;
    SELECT * INTO c FROM tilskot.clawback WHERE id = cb_id;
    app := tilskot.lock_application(c.application_id, 'resolution');
    SELECT * INTO a FROM tilskot.clawback_appeal WHERE id = NEW.appeal_id FOR UPDATE;
    SELECT * INTO c FROM tilskot.clawback WHERE id = cb_id FOR UPDATE;
    label := tilskot.clawback_label(c, app.reference);
    NEW.application_id := app.id;
    IF a.outcome IS NOT NULL THEN
        RAISE EXCEPTION 'resolution refused: the appeal against % was already resolved (%)', label, a.outcome USING ERRCODE = '23T27';
    END IF;
    IF btrim(coalesce(NEW.reasons, '')) = '' THEN
        RAISE EXCEPTION 'resolution refused: the decision on the appeal against % must state its reasons', label USING ERRCODE = '23T27';
    END IF;
    SELECT coalesce(sum(amount_ore), 0) INTO repaid FROM tilskot.repayment WHERE repayment.clawback_id = c.id;
    IF NEW.outcome = 'upheld' THEN
        NEW.amount_ore := c.amount_ore;
    ELSIF NEW.outcome = 'cancelled' THEN
        NEW.amount_ore := 0;
        IF repaid > 0 THEN
            RAISE EXCEPTION 'resolution refused: % has already been repaid, so % cannot be cancelled; reduce it to at least that instead',
                tilskot.format_kr(repaid), label USING ERRCODE = '23T27';
        END IF;
    ELSIF NEW.outcome = 'reduced' THEN
        IF NEW.amount_ore IS NULL OR NEW.amount_ore <= 0 OR NEW.amount_ore >= c.amount_ore THEN
            RAISE EXCEPTION 'resolution refused: reducing % needs an amount above 0 kr and below %; cancel it to demand nothing',
                label, tilskot.format_kr(c.amount_ore) USING ERRCODE = '23T27';
        END IF;
        IF NEW.amount_ore < repaid THEN
            RAISE EXCEPTION 'resolution refused: % has already been repaid against %, so it cannot be reduced to %',
                tilskot.format_kr(repaid), label, tilskot.format_kr(NEW.amount_ore) USING ERRCODE = '23T20';
        END IF;
    END IF;
    UPDATE tilskot.clawback SET amount_ore = NEW.amount_ore, cancelled = (NEW.outcome = 'cancelled') WHERE id = c.id;
    UPDATE tilskot.clawback_appeal SET outcome = NEW.outcome, resolved_at = now() WHERE id = a.id;
    NEW.resolved_by := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.repayment_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app_id bigint;
    app tilskot.application;
    c tilskot.clawback;
    repaid bigint;
    label text;
BEGIN
    PERFORM tilskot.require_role('repayment');  -- who may (00_foundation.sql)
    SELECT application_id INTO app_id FROM tilskot.clawback WHERE id = NEW.clawback_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'repayment refused: there is no claw-back with id %', NEW.clawback_id USING ERRCODE = '23T12';
    END IF;
    app := tilskot.lock_application(app_id, 'repayment');
    SELECT * INTO c FROM tilskot.clawback WHERE id = NEW.clawback_id FOR UPDATE;
    label := tilskot.clawback_label(c, app.reference);
    NEW.application_id := app.id;
    IF c.cancelled THEN
        RAISE EXCEPTION 'repayment refused: % was cancelled on appeal; nothing is owed', label USING ERRCODE = '23T27';
    END IF;
    IF NEW.amount_ore IS NULL OR NEW.amount_ore <= 0 THEN
        RAISE EXCEPTION 'repayment refused: a repayment must be more than 0 kr' USING ERRCODE = '23T27';
    END IF;
    NEW.received_on := coalesce(NEW.received_on, current_date);
    IF NEW.received_on > current_date OR NEW.received_on < c.decision_date THEN
        RAISE EXCEPTION 'repayment refused: it is dated %, which is in the future or before % was decided',
            tilskot.iso_date(NEW.received_on), label USING ERRCODE = '23T27';
    END IF;
    SELECT coalesce(sum(amount_ore), 0) INTO repaid FROM tilskot.repayment WHERE clawback_id = c.id;
    IF repaid + NEW.amount_ore > c.amount_ore THEN
        RAISE EXCEPTION 'repayment refused: % is % more than is still owed on % (% repaid already)',
            tilskot.format_kr(NEW.amount_ore), tilskot.format_kr(repaid + NEW.amount_ore - c.amount_ore), label, tilskot.format_kr(repaid)
            USING ERRCODE = '23T20';
    END IF;
    NEW.voucher := nullif(btrim(NEW.voucher), '');
    NEW.recorded_by := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;

-- A claw-back's amount, application and dates change only through an appeal's resolution.
CREATE OR REPLACE FUNCTION tilskot.clawback_before_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF NEW.application_id IS DISTINCT FROM OLD.application_id OR NEW.original_amount_ore IS DISTINCT FROM OLD.original_amount_ore
       OR NEW.reasons IS DISTINCT FROM OLD.reasons OR NEW.decision_date IS DISTINCT FROM OLD.decision_date
       OR NEW.due_date IS DISTINCT FROM OLD.due_date OR NEW.demanded_by IS DISTINCT FROM OLD.demanded_by THEN
        RAISE EXCEPTION 'claw-back % refused: a claw-back decision is fixed once made; an appeal resolution changes its amount', OLD.id
            USING ERRCODE = '23T09';
    END IF;
    IF NEW.amount_ore > OLD.amount_ore THEN
        RAISE EXCEPTION 'claw-back % refused: an appeal can lower a claw-back, never raise it; demand more with a new claw-back', OLD.id
            USING ERRCODE = '23T27';
    END IF;
    RETURN NEW;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- One trigger per table and event here; each runs after a0_case_guard (05_case_guard.sql), so it
-- reads under the case's guard row.

-- on tilskot.clawback
CREATE OR REPLACE TRIGGER clawback_before_insert BEFORE INSERT ON tilskot.clawback FOR EACH ROW EXECUTE FUNCTION tilskot.clawback_before_insert();
CREATE OR REPLACE TRIGGER clawback_before_update BEFORE UPDATE ON tilskot.clawback FOR EACH ROW EXECUTE FUNCTION tilskot.clawback_before_update();

-- on tilskot.clawback_appeal
CREATE OR REPLACE TRIGGER clawback_appeal_before_insert BEFORE INSERT ON tilskot.clawback_appeal FOR EACH ROW EXECUTE FUNCTION tilskot.clawback_appeal_before_insert();

-- on tilskot.clawback_resolution
CREATE OR REPLACE TRIGGER clawback_resolution_before_insert BEFORE INSERT ON tilskot.clawback_resolution FOR EACH ROW EXECUTE FUNCTION tilskot.clawback_resolution_before_insert();

-- on tilskot.repayment
CREATE OR REPLACE TRIGGER repayment_before_insert BEFORE INSERT ON tilskot.repayment FOR EACH ROW EXECUTE FUNCTION tilskot.repayment_before_insert();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.clawback TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, amount_ore, reasons, decision_date, due_date) ON TABLE tilskot.clawback TO tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.clawback_appeal TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (clawback_id, received, late, late_reason, grounds) ON TABLE tilskot.clawback_appeal TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.clawback_resolution TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (appeal_id, outcome, amount_ore, reasons) ON TABLE tilskot.clawback_resolution TO tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.repayment TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (clawback_id, amount_ore, received_on, voucher) ON TABLE tilskot.repayment TO tilskot_finance, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.clawback_appeal_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_before_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_label(tilskot.clawback,text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_resolution_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.repayment_before_insert() FROM PUBLIC;
