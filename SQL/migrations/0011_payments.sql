-- Payments (utbetaling) of a grant: a plan of instalments, and the two controls before money goes
-- out (økonomiregelverket: budget authority, used by the decider, then attestation by another
-- person). An instalment is planned, then attested by a finance user who did not decide the grant,
-- then paid (date and voucher); a planned or attested instalment can be withheld with a reason and
-- released again. Codes: 23T20 money, 23T21 four-eyes, 23T22 no grant, 23T23 payment steps,
-- 42T02 finance only (listed in 0010).
--
-- The sum of payments never exceeds the current grant, whoever writes and however many at once:
-- every payment trigger first locks the application's row (tilskot.lock_application), so two finance
-- users attesting instalments of one grant queue there and the second sees the first's payment.

-- ---------------------------------------------------------------------------------------------
-- Norwegian bank account numbers (kontonummer): 11 digits, MOD11 with weights 5,4,3,2,7,6,5,4,3,2
-- on the first ten; remainder 0 gives check digit 0, remainder 1 is never issued, else 11 − r.
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.bank_account_is_valid(account text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT coalesce(account ~ '^[0-9]{11}$' AND (
        SELECT CASE r WHEN 0 THEN 0 WHEN 1 THEN NULL ELSE 11 - r END
        FROM (SELECT (  5 * substr(account, 1, 1)::int + 4 * substr(account, 2, 1)::int
                      + 3 * substr(account, 3, 1)::int + 2 * substr(account, 4, 1)::int
                      + 7 * substr(account, 5, 1)::int + 6 * substr(account, 6, 1)::int
                      + 5 * substr(account, 7, 1)::int + 4 * substr(account, 8, 1)::int
                      + 3 * substr(account, 9, 1)::int + 2 * substr(account, 10, 1)::int) % 11 AS r
              WHERE account ~ '^[0-9]{11}$') s
    ) = substr(account, 11, 1)::int, false)
$$;

-- ---------------------------------------------------------------------------------------------
-- Instalments (utbetalingar) and what happens to them
-- ---------------------------------------------------------------------------------------------

CREATE TABLE tilskot.payment (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES tilskot.application (id),
    -- 1, 2, … within the application, assigned by the trigger.
    instalment      integer NOT NULL,
    amount_ore      bigint NOT NULL CONSTRAINT payment_amount_positive CHECK (amount_ore > 0),
    due_date        date NOT NULL,
    -- The recipient's bank account, 11 digits.
    account_number  text NOT NULL
        CONSTRAINT payment_account_mod11 CHECK (tilskot.bank_account_is_valid(account_number)),
    status          text NOT NULL DEFAULT 'planned'
        CONSTRAINT payment_status_known CHECK (status IN ('planned', 'attested', 'paid', 'withheld')),
    planned_by      text NOT NULL,
    planned_at      timestamptz NOT NULL DEFAULT now(),
    attested_by     text,
    attested_at     timestamptz,
    paid_on         date,
    voucher         text,
    paid_by         text,
    paid_at         timestamptz,
    withheld_reason text,
    CONSTRAINT payment_instalment_unique UNIQUE (application_id, instalment),
    -- The last line behind the triggers: what each status implies is there.
    CONSTRAINT payment_status_complete CHECK (
        (status <> 'attested' OR attested_by IS NOT NULL)
        AND (status <> 'paid' OR (attested_by IS NOT NULL AND paid_on IS NOT NULL AND btrim(coalesce(voucher, '')) <> ''))
        AND (status <> 'withheld' OR btrim(coalesce(withheld_reason, '')) <> ''))
);
CREATE INDEX payment_application_idx ON tilskot.payment (application_id);
CREATE INDEX payment_status_due_idx ON tilskot.payment (status, due_date);

-- One step on an instalment: attest, pay, withhold or release.
CREATE TABLE tilskot.payment_event (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id     bigint NOT NULL REFERENCES tilskot.payment (id),
    -- Filled by the trigger, so that the audit log files the event under the application.
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    kind           text NOT NULL CONSTRAINT payment_event_kind_known CHECK (kind IN ('attest', 'pay', 'withhold', 'release')),
    paid_on        date,
    voucher        text,
    reason         text,
    actor          text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_event_payment_idx ON tilskot.payment_event (payment_id);

-- "instalment 2 of JS-2021-0007 (1 700 000 kr, due 2021-09-01)": a payment in a sentence.
CREATE FUNCTION tilskot.payment_label(p tilskot.payment, reference text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT 'instalment ' || p.instalment || ' of ' || reference || ' (' || tilskot.format_kr(p.amount_ore)
        || ', due ' || tilskot.iso_date(p.due_date) || ')'
$$;

CREATE FUNCTION tilskot.payment_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'payment plan');
    grant_ore bigint := tilskot.require_grant(app, 'payment plan');
    planned bigint;
BEGIN
    IF NEW.amount_ore IS NULL OR NEW.amount_ore <= 0 THEN
        RAISE EXCEPTION 'payment plan refused: an instalment of % must be more than 0 kr', app.reference
            USING ERRCODE = '23T23';
    END IF;
    IF NEW.due_date IS NULL THEN
        RAISE EXCEPTION 'payment plan refused: an instalment of % needs a due date', app.reference USING ERRCODE = '23T23';
    END IF;
    NEW.account_number := replace(replace(btrim(NEW.account_number), '.', ''), ' ', '');
    IF coalesce(NEW.account_number, '') = '' THEN
        RAISE EXCEPTION 'payment plan refused: an instalment of % needs the recipient''s bank account number', app.reference
            USING ERRCODE = '23T23';
    END IF;
    IF NOT tilskot.bank_account_is_valid(NEW.account_number) THEN
        RAISE EXCEPTION 'payment plan refused: % is not a valid Norwegian bank account number (11 digits with a MOD11 check digit)',
            NEW.account_number USING ERRCODE = '23T23';
    END IF;
    -- Withheld instalments do not count: they are not going out unless released (which checks again).
    SELECT coalesce(sum(amount_ore), 0) INTO planned FROM tilskot.payment
     WHERE application_id = app.id AND status <> 'withheld';
    IF planned + NEW.amount_ore > grant_ore THEN
        RAISE EXCEPTION 'payment plan refused: % has % planned, and % more would be % over its grant of %',
            app.reference, tilskot.format_kr(planned), tilskot.format_kr(NEW.amount_ore),
            tilskot.format_kr(planned + NEW.amount_ore - grant_ore), tilskot.format_kr(grant_ore)
            USING ERRCODE = '23T20';
    END IF;
    SELECT coalesce(max(instalment), 0) + 1 INTO NEW.instalment FROM tilskot.payment WHERE application_id = app.id;
    NEW.status := 'planned';
    NEW.planned_by := tilskot.acting_user();
    NEW.planned_at := now();
    PERFORM tilskot.start_follow_up(app);
    RETURN NEW;
END
$$;

CREATE FUNCTION tilskot.payment_event_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    step text := CASE NEW.kind WHEN 'attest' THEN 'attestation' WHEN 'pay' THEN 'payment'
                               WHEN 'withhold' THEN 'withholding' WHEN 'release' THEN 'release' ELSE 'payment step' END;
    app_id bigint;
    app tilskot.application;
    p tilskot.payment;
    grant_ore bigint;
    committed bigint;
    label text;
BEGIN
    SELECT application_id INTO app_id FROM tilskot.payment WHERE id = NEW.payment_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% refused: there is no payment with id %', step, NEW.payment_id USING ERRCODE = '23T12';
    END IF;
    -- The application first (the lock order everywhere), then the instalment as it now stands.
    app := tilskot.lock_application(app_id, step);
    SELECT * INTO p FROM tilskot.payment WHERE id = NEW.payment_id FOR UPDATE;
    label := tilskot.payment_label(p, app.reference);
    NEW.application_id := app.id;

    IF NEW.kind IN ('attest', 'pay') AND NOT tilskot.is_member(actor, 'tilskot_finance') THEN
        RAISE EXCEPTION '% refused: % is not in finance; only members of tilskot_finance attest and pay', step, actor
            USING ERRCODE = '42T02';
    END IF;
    IF NEW.kind IN ('withhold', 'release') AND NOT (tilskot.is_member(actor, 'tilskot_finance') OR tilskot.has_budget_authority(actor)) THEN
        RAISE EXCEPTION '% refused: % is neither in finance nor a manager; only they withhold or release payments', step, actor
            USING ERRCODE = '42T02';
    END IF;
    grant_ore := tilskot.require_grant(app, step);

    IF NEW.kind = 'attest' THEN
        -- To-personskontroll: the one who used the budget authority on this grant does not attest it.
        IF EXISTS (SELECT 1 FROM tilskot.decision WHERE application_id = app.id AND decided_by = actor) THEN
            RAISE EXCEPTION 'attestation refused: % decided % and cannot also attest its payments (to-personskontroll); another finance user must attest',
                actor, app.reference USING ERRCODE = '23T21';
        END IF;
        IF p.status <> 'planned' THEN
            RAISE EXCEPTION 'attestation refused: % is %; only a planned instalment can be attested', label, p.status
                USING ERRCODE = '23T23';
        END IF;
        SELECT coalesce(sum(amount_ore), 0) INTO committed FROM tilskot.payment
         WHERE application_id = app.id AND status IN ('attested', 'paid');
        IF committed + p.amount_ore > grant_ore THEN
            RAISE EXCEPTION 'attestation refused: % would bring the payments on % to %, % over its grant of %',
                label, app.reference, tilskot.format_kr(committed + p.amount_ore),
                tilskot.format_kr(committed + p.amount_ore - grant_ore), tilskot.format_kr(grant_ore)
                USING ERRCODE = '23T20';
        END IF;
        UPDATE tilskot.payment SET status = 'attested', attested_by = actor, attested_at = now() WHERE id = p.id;
        NEW.paid_on := NULL;
        NEW.voucher := NULL;

    ELSIF NEW.kind = 'pay' THEN
        IF p.status <> 'attested' THEN
            RAISE EXCEPTION 'payment refused: % is %; an instalment is paid only after it is attested', label, p.status
                USING ERRCODE = '23T23';
        END IF;
        NEW.voucher := btrim(NEW.voucher);
        IF coalesce(NEW.voucher, '') = '' THEN
            RAISE EXCEPTION 'payment refused: paying % needs the voucher number (bilagsnummer) of the payment', label
                USING ERRCODE = '23T23';
        END IF;
        NEW.paid_on := coalesce(NEW.paid_on, current_date);
        IF NEW.paid_on > current_date THEN
            RAISE EXCEPTION 'payment refused: the payment date % is in the future; record a payment when it has been made',
                tilskot.iso_date(NEW.paid_on) USING ERRCODE = '23T23';
        END IF;
        IF NEW.paid_on < (SELECT decision_date FROM tilskot.decision WHERE application_id = app.id AND is_current) THEN
            RAISE EXCEPTION 'payment refused: the payment date % is before % was decided', tilskot.iso_date(NEW.paid_on), app.reference
                USING ERRCODE = '23T23';
        END IF;
        -- Checked again here: the grant is the limit on money out, whatever happened since attestation.
        SELECT coalesce(sum(amount_ore), 0) INTO committed FROM tilskot.payment
         WHERE application_id = app.id AND status = 'paid';
        IF committed + p.amount_ore > grant_ore THEN
            RAISE EXCEPTION 'payment refused: % would bring the payments on % to %, % over its grant of %',
                label, app.reference, tilskot.format_kr(committed + p.amount_ore),
                tilskot.format_kr(committed + p.amount_ore - grant_ore), tilskot.format_kr(grant_ore)
                USING ERRCODE = '23T20';
        END IF;
        UPDATE tilskot.payment SET status = 'paid', paid_on = NEW.paid_on, voucher = NEW.voucher,
                                   paid_by = actor, paid_at = now()
         WHERE id = p.id;

    ELSIF NEW.kind = 'withhold' THEN
        IF p.status NOT IN ('planned', 'attested') THEN
            RAISE EXCEPTION 'withholding refused: % is %; only a planned or attested instalment can be withheld', label, p.status
                USING ERRCODE = '23T23';
        END IF;
        NEW.reason := btrim(NEW.reason);
        IF coalesce(NEW.reason, '') = '' THEN
            RAISE EXCEPTION 'withholding refused: withholding % needs a reason (e.g. a missing report or a broken condition)', label
                USING ERRCODE = '23T23';
        END IF;
        UPDATE tilskot.payment SET status = 'withheld', withheld_reason = NEW.reason WHERE id = p.id;
        NEW.paid_on := NULL;
        NEW.voucher := NULL;

    ELSIF NEW.kind = 'release' THEN
        IF p.status <> 'withheld' THEN
            RAISE EXCEPTION 'release refused: % is %; only a withheld instalment can be released', label, p.status
                USING ERRCODE = '23T23';
        END IF;
        NEW.reason := btrim(NEW.reason);
        IF coalesce(NEW.reason, '') = '' THEN
            RAISE EXCEPTION 'release refused: releasing % needs a reason', label USING ERRCODE = '23T23';
        END IF;
        SELECT coalesce(sum(amount_ore), 0) INTO committed FROM tilskot.payment
         WHERE application_id = app.id AND status <> 'withheld';
        IF committed + p.amount_ore > grant_ore THEN
            RAISE EXCEPTION 'release refused: % would bring what is planned on % to %, % over its grant of %',
                label, app.reference, tilskot.format_kr(committed + p.amount_ore),
                tilskot.format_kr(committed + p.amount_ore - grant_ore), tilskot.format_kr(grant_ore)
                USING ERRCODE = '23T20';
        END IF;
        -- Back to planned: a released instalment is attested anew before it is paid.
        UPDATE tilskot.payment SET status = 'planned', attested_by = NULL, attested_at = NULL, withheld_reason = NULL
         WHERE id = p.id;
        NEW.paid_on := NULL;
        NEW.voucher := NULL;
    END IF;
    NEW.actor := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;

-- Nothing about an instalment changes but through its events (the triggers above run as owner).
CREATE FUNCTION tilskot.payment_before_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF NEW.application_id IS DISTINCT FROM OLD.application_id OR NEW.instalment IS DISTINCT FROM OLD.instalment
       OR NEW.amount_ore IS DISTINCT FROM OLD.amount_ore OR NEW.account_number IS DISTINCT FROM OLD.account_number
       OR NEW.planned_by IS DISTINCT FROM OLD.planned_by THEN
        RAISE EXCEPTION 'payment % refused: an instalment''s application, number, amount and account are fixed once planned; withhold it and plan a new one instead',
            OLD.id USING ERRCODE = '23T09';
    END IF;
    IF OLD.status = 'paid' THEN
        RAISE EXCEPTION 'payment % refused: it was paid on % (voucher %) and is part of the accounts; a paid instalment never changes',
            OLD.id, tilskot.iso_date(OLD.paid_on), OLD.voucher USING ERRCODE = '23T09';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER payment_before_insert BEFORE INSERT ON tilskot.payment
    FOR EACH ROW EXECUTE FUNCTION tilskot.payment_before_insert();
CREATE TRIGGER payment_before_update BEFORE UPDATE ON tilskot.payment
    FOR EACH ROW EXECUTE FUNCTION tilskot.payment_before_update();
CREATE TRIGGER payment_event_before_insert BEFORE INSERT ON tilskot.payment_event
    FOR EACH ROW EXECUTE FUNCTION tilskot.payment_event_before_insert();

CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON tilskot.payment
    FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();
CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON tilskot.payment_event
    FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.payment
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('payments');
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.payment_event
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('payment events');
CREATE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.payment
    FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('payments');
CREATE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.payment_event
    FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('payment events');

-- Who may do what: everyone who works with grants reads payments; caseworkers, managers, finance
-- and admins plan instalments; finance (and, for withholding, managers) act on them through events,
-- whose trigger checks the role again. Statuses, actors and attestation are never written directly.
REVOKE ALL ON FUNCTION tilskot.bank_account_is_valid(text), tilskot.payment_label(tilskot.payment, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.bank_account_is_valid(text), tilskot.payment_label(tilskot.payment, text)
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;
GRANT SELECT ON tilskot.payment, tilskot.payment_event
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;
GRANT INSERT (application_id, amount_ore, due_date, account_number) ON tilskot.payment
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_admin;
GRANT INSERT (payment_id, kind, paid_on, voucher, reason) ON tilskot.payment_event
    TO tilskot_finance, tilskot_manager, tilskot_admin;
