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


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- closing_before_insert runs after a0_case_guard (05_case_guard.sql), so it reads under the case's
-- guard row.

-- on tilskot.closing
CREATE OR REPLACE TRIGGER closing_before_insert BEFORE INSERT ON tilskot.closing FOR EACH ROW EXECUTE FUNCTION tilskot.closing_before_insert();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.closing TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, notes) ON TABLE tilskot.closing TO tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.closing_before_insert() FROM PUBLIC;
