-- One guard row per case: every rule that reads other rows holds at every isolation level.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

-- The first BEFORE trigger of every guarded event. TG_ARGV[0] says how the event names its case:
-- its own application_id column, or the payment, report, claw-back or claw-back appeal it acts on
-- (whose application never changes). When the case cannot be found the event's own trigger refuses
-- it with its sentence, so this one steps aside.
CREATE OR REPLACE FUNCTION tilskot.case_guard_touch() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app_id bigint;
BEGIN
    -- Separate statements, not one CASE: NEW has only the columns of the table that fired.
    IF TG_ARGV[0] = 'payment' THEN
        SELECT p.application_id INTO app_id FROM tilskot.payment p WHERE p.id = NEW.payment_id;
    ELSIF TG_ARGV[0] = 'report' THEN
        SELECT r.application_id INTO app_id FROM tilskot.recipient_report r WHERE r.id = NEW.report_id;
    ELSIF TG_ARGV[0] = 'clawback' THEN
        SELECT c.application_id INTO app_id FROM tilskot.clawback c WHERE c.id = NEW.clawback_id;
    ELSIF TG_ARGV[0] = 'clawback_appeal' THEN
        SELECT a.application_id INTO app_id FROM tilskot.clawback_appeal a WHERE a.id = NEW.appeal_id;
    ELSE
        app_id := NEW.application_id;
    END IF;
    IF app_id IS NOT NULL THEN
        -- An update, not a lock: see the top of this file.
        INSERT INTO tilskot.case_guard AS g (application_id, touched) VALUES (app_id, 1)
        ON CONFLICT (application_id) DO UPDATE SET touched = g.touched + 1;
    END IF;
    RETURN NEW;
END
$$;


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- The order matters: a0_case_guard sorts before every other trigger of its timing, so the case's
-- guard row is taken before any rule reads other rows (see the top of this file).

-- on tilskot.appeal
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.appeal FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.appeal FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.assessment
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.assessment FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.assessment FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.assignment
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.assignment FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.assignment FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.clawback
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.clawback FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.clawback FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.clawback_appeal
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.clawback_appeal FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('clawback');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.clawback_appeal FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('clawback');

-- on tilskot.clawback_resolution
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.clawback_resolution FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('clawback_appeal');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.clawback_resolution FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('clawback_appeal');

-- on tilskot.closing
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.closing FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.closing FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.decision
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.decision FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.decision FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.disqualification
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.disqualification FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.disqualification FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.payment
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.payment FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.payment FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.payment_event
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.payment_event FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('payment');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.payment_event FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('payment');

-- on tilskot.recipient_report
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.recipient_report FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.recipient_report FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.reminder
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.reminder FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.reminder FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.repayment
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.repayment FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('clawback');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.repayment FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('clawback');

-- on tilskot.report_duty
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.report_duty FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.report_duty FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.report_review
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.report_review FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('report');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.report_review FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('report');

-- on tilskot.round_move
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.round_move FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.round_move FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.withdrawal
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.withdrawal FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.withdrawal FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');


-- Notice and appeal paths (issue 16).

-- on tilskot.advance_notice
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.advance_notice FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.advance_notice FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.advance_notice_answer
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.advance_notice_answer FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.advance_notice_answer FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.appeal_step
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.appeal_step FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.appeal_step FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- on tilskot.notice
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.notice FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('application_id');
CREATE OR REPLACE TRIGGER a0_case_guard_update BEFORE UPDATE ON tilskot.notice FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION tilskot.case_guard_touch('application_id');

-- Who may do what (everything not granted here is refused).
REVOKE ALL ON TABLE tilskot.case_guard FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.case_guard_touch() FROM PUBLIC;
