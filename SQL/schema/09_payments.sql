-- Payments: instalments, attestation, payment, withholding.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

-- Refuses a follow-up step on an application that has no grant to follow up, in words that say why,
-- and returns the grant. `step` starts the sentence ("payment plan", "report").
CREATE OR REPLACE FUNCTION tilskot.require_grant(app tilskot.application, step text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    amount bigint := tilskot.current_grant_ore(app.id);
BEGIN
    IF app.status IN ('granted', 'partially_granted', 'in_follow_up') AND amount IS NOT NULL THEN
        RETURN amount;
    END IF;
    RAISE EXCEPTION '% refused: %; only a granted application is paid and followed up', step,
        CASE app.status
            WHEN 'rejected' THEN app.reference || ' was rejected, so it has no grant'
            WHEN 'dismissed' THEN app.reference || ' was dismissed, so it has no grant'
            WHEN 'withdrawn' THEN app.reference || ' was withdrawn, so it has no grant'
            WHEN 'appealed' THEN app.reference || ' has an appeal pending; wait for the decision on appeal'
            WHEN 'closed' THEN app.reference || ' is closed'
            ELSE app.reference || ' has not been decided (it is ' || tilskot.status_words(app.status) || ')'
        END
        USING ERRCODE = '23T22';
END
$$;

-- The first follow-up act on a grant: granted → in_follow_up, and the default reporting duty when
-- it has none. Called by the triggers of payments and reports with the application already locked.
CREATE OR REPLACE FUNCTION tilskot.start_follow_up(app tilskot.application) RETURNS void
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tilskot.report_duty WHERE application_id = app.id AND is_current) THEN
        -- The duty's own trigger fills the defaults and moves the status.
        INSERT INTO tilskot.report_duty (application_id) VALUES (app.id);
    ELSIF app.status IN ('granted', 'partially_granted') THEN
        UPDATE tilskot.application SET status = 'in_follow_up' WHERE id = app.id;
    END IF;
END
$$;

-- "instalment 2 of JS-2021-0007 (1 700 000 kr, due 2021-09-01)": a payment in a sentence.
CREATE OR REPLACE FUNCTION tilskot.payment_label(p tilskot.payment, reference text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT 'instalment ' || p.instalment || ' of ' || reference || ' (' || tilskot.format_kr(p.amount_ore)
        || ', due ' || tilskot.iso_date(p.due_date) || ')'
$$;

CREATE OR REPLACE FUNCTION tilskot.payment_before_insert() RETURNS trigger
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

CREATE OR REPLACE FUNCTION tilskot.payment_event_before_insert() RETURNS trigger
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

    IF NEW.kind IN ('attest', 'pay', 'withhold', 'release') THEN
        PERFORM tilskot.require_role(step);  -- who may (00_foundation.sql)
    END IF;
    -- Withholding keeps money in; it needs no grant (a grant lowered to nothing on appeal withholds
    -- every unpaid instalment, tilskot.payments_follow_grant below).
    IF NEW.kind <> 'withhold' THEN
        grant_ore := tilskot.require_grant(app, step);
    END IF;

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
        NEW.paid_on := coalesce(NEW.paid_on, tilskot.today());
        IF NEW.paid_on > tilskot.today() THEN
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
CREATE OR REPLACE FUNCTION tilskot.payment_before_update() RETURNS trigger
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

CREATE OR REPLACE FUNCTION tilskot.payment_duties_apart() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app_id bigint;
    app tilskot.application;
    p tilskot.payment;
BEGIN
    IF NEW.kind NOT IN ('attest', 'pay') THEN
        RETURN NEW;
    END IF;
    SELECT application_id INTO app_id FROM tilskot.payment WHERE id = NEW.payment_id;
    IF NOT FOUND THEN
        RETURN NEW;  -- payment_event_before_insert refuses it in its words (23T12)
    END IF;
    -- The lock order of every payment rule: the application, then the instalment.
    app := tilskot.lock_application(app_id, CASE NEW.kind WHEN 'attest' THEN 'attestation' ELSE 'payment' END);
    SELECT * INTO p FROM tilskot.payment WHERE id = NEW.payment_id FOR UPDATE;
    IF NEW.kind = 'attest' AND p.status = 'planned' AND p.planned_by = actor THEN
        RAISE EXCEPTION 'attestation refused: % planned %, and attestation is the control of what the planner entered (amount, date, bank account); another finance user must attest it (to-personskontroll)',
            actor, tilskot.payment_label(p, app.reference) USING ERRCODE = '23T21';
    END IF;
    IF NEW.kind = 'pay' AND p.status = 'attested' AND p.attested_by = actor THEN
        RAISE EXCEPTION 'payment refused: % attested % and cannot also approve its payment; another finance user must pay it (to-personskontroll)',
            actor, tilskot.payment_label(p, app.reference) USING ERRCODE = '23T21';
    END IF;
    RETURN NEW;
END
$$;

-- A decision that supersedes another (on appeal, fvl. §§ 33–35; also in follow-up, when
-- instalments are planned or paid) may change the grant. What is planned follows it here; the
-- ledger (what was paid) is never rewritten.
--   Grant raised: nothing is planned automatically; `payment plan` plans the difference (planned
--     total ≤ grant, payment_before_insert).
--   Grant lowered below what is planned (not withheld): unpaid instalments are withheld, from the
--     last one backwards, with the reason "grant lowered to X by the decision of DATE", until what
--     is planned fits. An instalment of which only part must go is withheld whole and what still
--     fits is planned again as a new instalment of that amount, with the same due date and account:
--     an instalment's amount never changes (payment_before_update), so no amount is ever paid that
--     nobody attested at that amount; the new one is attested by another finance user as any is.
--   Grant lowered below what was paid: every unpaid instalment is withheld, and the overpayment is
--     a claw-back case (tilskot.overpaid_grant, 11_clawbacks.sql; closing refuses until it is
--     demanded back).
-- Runs as an AFTER trigger named to fire after decision_after_insert (07_decisions.sql), under the
-- application's row lock the decision trigger took; the withholdings and the new instalment are
-- event rows of their own (payment_event, payment), audited, with the decider as actor (a manager,
-- who may withhold). A payment made concurrently queues on the same lock (lock_application): it is
-- either in the ledger before this reads it, or meets an instalment already withheld (at
-- REPEATABLE READ and SERIALIZABLE the later of the two may instead be refused with 40001, to be
-- retried; GrantChangeInFollowUpTests).
CREATE OR REPLACE FUNCTION tilskot.payments_follow_grant() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'decision');
    new_grant bigint := CASE WHEN NEW.outcome IN ('granted', 'partially_granted') THEN NEW.amount_ore ELSE 0 END;
    planned bigint;
    excess bigint;
    p tilskot.payment;
    reason text;
BEGIN
    SELECT coalesce(sum(amount_ore), 0) INTO planned FROM tilskot.payment
     WHERE application_id = app.id AND status <> 'withheld';
    excess := planned - new_grant;
    IF excess <= 0 THEN
        RETURN NULL;
    END IF;
    reason := 'grant lowered to ' || tilskot.format_kr(new_grant) || ' by the decision of ' || tilskot.iso_date(NEW.decision_date);
    FOR p IN SELECT * FROM tilskot.payment WHERE application_id = app.id AND status IN ('planned', 'attested')
              ORDER BY instalment DESC FOR UPDATE LOOP
        EXIT WHEN excess <= 0;
        INSERT INTO tilskot.payment_event (payment_id, kind, reason)
        VALUES (p.id, 'withhold',
                reason || CASE WHEN p.amount_ore > excess
                               THEN '; ' || tilskot.format_kr(p.amount_ore - excess) || ' of it still fits and is planned again as a new instalment'
                               ELSE '' END);
        IF p.amount_ore > excess THEN
            INSERT INTO tilskot.payment (application_id, amount_ore, due_date, account_number)
            VALUES (app.id, p.amount_ore - excess, p.due_date, p.account_number);
        END IF;
        excess := excess - p.amount_ore;
    END LOOP;
    RETURN NULL;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- decision_after_insert_payments (on tilskot.decision) sorts after decision_after_insert
-- (07_decisions.sql), so the appeal is resolved before the payments follow the new grant.
-- aa_payment_duties sorts after a0_case_guard (05_case_guard.sql), so the guard row is taken first,
-- and before payment_event_before_insert, so the separate-duties refusal (23T21) comes before the
-- event changes the instalment.

-- on tilskot.payment
CREATE OR REPLACE TRIGGER payment_before_insert BEFORE INSERT ON tilskot.payment FOR EACH ROW EXECUTE FUNCTION tilskot.payment_before_insert();
CREATE OR REPLACE TRIGGER payment_before_update BEFORE UPDATE ON tilskot.payment FOR EACH ROW EXECUTE FUNCTION tilskot.payment_before_update();

-- on tilskot.decision
CREATE OR REPLACE TRIGGER decision_after_insert_payments AFTER INSERT ON tilskot.decision FOR EACH ROW WHEN ((new.supersedes IS NOT NULL)) EXECUTE FUNCTION tilskot.payments_follow_grant();

-- on tilskot.payment_event
CREATE OR REPLACE TRIGGER aa_payment_duties BEFORE INSERT ON tilskot.payment_event FOR EACH ROW EXECUTE FUNCTION tilskot.payment_duties_apart();
CREATE OR REPLACE TRIGGER payment_event_before_insert BEFORE INSERT ON tilskot.payment_event FOR EACH ROW EXECUTE FUNCTION tilskot.payment_event_before_insert();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.payment TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, amount_ore, due_date, account_number) ON TABLE tilskot.payment TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_admin;
GRANT SELECT ON TABLE tilskot.payment_event TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (payment_id, kind, paid_on, voucher, reason) ON TABLE tilskot.payment_event TO tilskot_finance, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.payment_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.payment_before_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.payment_duties_apart() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.payment_event_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.payment_label(tilskot.payment,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.payment_label(tilskot.payment,text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.require_grant(tilskot.application,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.require_grant(tilskot.application,text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.start_follow_up(tilskot.application) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.payments_follow_grant() FROM PUBLIC;
