-- Closing a grant.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

CREATE OR REPLACE FUNCTION tilskot.closing_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'closing');
    open_payment tilskot.payment;
    open_clawback record;
    overpaid record;
BEGIN
    PERFORM tilskot.require_role('closing');  -- who may (00_foundation.sql)
    IF app.status <> 'in_follow_up' THEN
        RAISE EXCEPTION 'closing refused: % is %; only an application in follow-up can be closed', app.reference,
            tilskot.status_words(app.status) USING ERRCODE = '23T02';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM tilskot.recipient_report WHERE application_id = app.id AND status = 'approved') THEN
        RAISE EXCEPTION 'closing refused: % has no approved report; receive and approve the recipient''s report first', app.reference
            USING ERRCODE = '23T26';
    END IF;
    SELECT * INTO open_payment FROM tilskot.payment
     WHERE application_id = app.id AND status IN ('planned', 'attested') ORDER BY instalment LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'closing refused: % is still %; pay it or withhold it with a reason first',
            tilskot.payment_label(open_payment, app.reference), open_payment.status USING ERRCODE = '23T26';
    END IF;
    -- A grant lowered on appeal below what was paid: the overpayment is clawed back before the case
    -- is closed (tilskot.overpaid_grant, 11_clawbacks.sql).
    SELECT * INTO overpaid FROM tilskot.overpaid_grant o WHERE o.application_id = app.id;
    IF FOUND THEN
        RAISE EXCEPTION 'closing refused: % has been paid % against its grant of %, and claw-backs in force cover % of that; demand the other % back (after advance notice, fvl. § 16) before it is closed',
            app.reference, tilskot.format_kr(overpaid.paid_ore), tilskot.format_kr(overpaid.grant_ore),
            tilskot.format_kr(overpaid.clawed_back_ore), tilskot.format_kr(overpaid.to_claw_back_ore) USING ERRCODE = '23T26';
    END IF;
    SELECT c.*, coalesce((SELECT sum(r.amount_ore) FROM tilskot.repayment r WHERE r.clawback_id = c.id), 0)::bigint AS repaid,
           EXISTS (SELECT 1 FROM tilskot.clawback_appeal a WHERE a.clawback_id = c.id AND a.outcome IS NULL) AS appeal_pending
      INTO open_clawback
      FROM tilskot.clawback c
     WHERE c.application_id = app.id
       AND (c.amount_ore > coalesce((SELECT sum(r.amount_ore) FROM tilskot.repayment r WHERE r.clawback_id = c.id), 0)
            OR EXISTS (SELECT 1 FROM tilskot.clawback_appeal a WHERE a.clawback_id = c.id AND a.outcome IS NULL))
     ORDER BY c.id LIMIT 1;
    IF FOUND THEN
        IF open_clawback.appeal_pending THEN
            RAISE EXCEPTION 'closing refused: the claw-back from % decided % has an appeal pending; resolve it first',
                app.reference, tilskot.iso_date(open_clawback.decision_date) USING ERRCODE = '23T26';
        END IF;
        RAISE EXCEPTION 'closing refused: the claw-back of % from % decided % has % still to be repaid',
            tilskot.format_kr(open_clawback.amount_ore), app.reference, tilskot.iso_date(open_clawback.decision_date),
            tilskot.format_kr(open_clawback.amount_ore - open_clawback.repaid) USING ERRCODE = '23T26';
    END IF;
    UPDATE tilskot.application SET status = 'closed' WHERE id = app.id;
    NEW.notes := nullif(btrim(NEW.notes), '');
    NEW.closed_by := actor;
    NEW.closed_at := now();
    RETURN NEW;
END
$$;


-- The grant's final settlement, written once the closing has passed every check (an AFTER trigger,
-- so that it runs after closing_before_insert and closing_no_appeal_open, under the application's
-- lock they took). Read from the rows as they stand: nothing on a closed grant can change after this
-- (payment steps, claw-backs and repayments refuse a closed grant, 23T22), so the row is final.
-- Clients have no INSERT right on tilskot.grant_settlement: this SECURITY DEFINER trigger is its only
-- writer. Reports count a closed grant at its net used (paid − repaid), not at its grant
-- (tilskot.grant_money, 14_report_summaries.sql).
CREATE OR REPLACE FUNCTION tilskot.closing_settle() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    INSERT INTO tilskot.grant_settlement
        (application_id, closing_id, round_id, granted_ore, paid_ore, withheld_ore, released_ore,
         clawed_back_ore, repaid_ore, settled_by, settled_at)
    SELECT a.id, NEW.id, a.round_id, coalesce(d.amount_ore, 0), p.paid_ore, p.withheld_ore, p.released_ore,
           c.clawed_back_ore, r.repaid_ore, NEW.closed_by, NEW.closed_at
      FROM tilskot.application a
      LEFT JOIN tilskot.decision d
        ON d.application_id = a.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted')
      CROSS JOIN LATERAL (
            SELECT coalesce(sum(amount_ore) FILTER (WHERE status = 'paid'), 0)::bigint AS paid_ore,
                   coalesce(sum(amount_ore) FILTER (WHERE status = 'withheld'), 0)::bigint AS withheld_ore,
                   coalesce(sum(amount_ore) FILTER (WHERE EXISTS (
                       SELECT 1 FROM tilskot.payment_event e WHERE e.payment_id = payment.id AND e.kind = 'release')), 0)::bigint
                       AS released_ore
              FROM tilskot.payment WHERE payment.application_id = a.id) p
      CROSS JOIN LATERAL (
            SELECT coalesce(sum(amount_ore), 0)::bigint AS clawed_back_ore
              FROM tilskot.clawback WHERE clawback.application_id = a.id) c
      CROSS JOIN LATERAL (
            SELECT coalesce(sum(amount_ore), 0)::bigint AS repaid_ore
              FROM tilskot.repayment WHERE repayment.application_id = a.id) r
     WHERE a.id = NEW.application_id;
    RETURN NULL;
END
$$;

-- A settlement is the record of a closed grant: never changed (nor deleted, record_never_deleted).
CREATE OR REPLACE FUNCTION tilskot.grant_settlement_never_changed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'settlement refused: the settlement of a closed grant is written by closing it and never changed; a closed grant''s money is final'
        USING ERRCODE = '23T09';
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- closing_before_insert runs after a0_case_guard (05_case_guard.sql), so it reads under the case's
-- guard row.

-- on tilskot.closing
CREATE OR REPLACE TRIGGER closing_before_insert BEFORE INSERT ON tilskot.closing FOR EACH ROW EXECUTE FUNCTION tilskot.closing_before_insert();
-- closing_settle sorts before zz_audit: the closing's audit entry follows its settlement's.
CREATE OR REPLACE TRIGGER closing_settle AFTER INSERT ON tilskot.closing FOR EACH ROW EXECUTE FUNCTION tilskot.closing_settle();

-- on tilskot.grant_settlement (audited, kept, filed under its application by the case guard)
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.grant_settlement FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER grant_settlement_never_changed BEFORE UPDATE ON tilskot.grant_settlement FOR EACH ROW EXECUTE FUNCTION tilskot.grant_settlement_never_changed();
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.grant_settlement FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('grant settlements');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.grant_settlement FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('grant settlements');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.grant_settlement FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.closing TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, notes) ON TABLE tilskot.closing TO tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.closing_before_insert() FROM PUBLIC;
-- The settlement is read by everyone who reads the follow-up, the auditor included; nobody writes it
-- but the closing trigger.
GRANT SELECT ON TABLE tilskot.grant_settlement TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.closing_settle() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.grant_settlement_never_changed() FROM PUBLIC;
