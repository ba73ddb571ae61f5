-- Claw-backs, their appeals and resolutions, repayments.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

-- The check digit of a KID (kundeidentifikasjon) by MOD10 (the Luhn algorithm, as Nets/Mastercard
-- Payment Services define KID with MOD10): from the rightmost digit leftwards, every other digit
-- doubled (the rightmost first), digits of the products added, and the digit that brings the sum to
-- a multiple of 10. NULL for anything but digits.
CREATE OR REPLACE FUNCTION tilskot.kid_mod10(digits text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    total integer := 0;
    d integer;
    i integer;
    n integer := length(digits);
BEGIN
    IF digits !~ '^[0-9]+$' THEN
        RETURN NULL;
    END IF;
    FOR i IN 0 .. n - 1 LOOP
        d := substr(digits, n - i, 1)::integer;
        IF i % 2 = 0 THEN
            d := d * 2;
            IF d > 9 THEN
                d := d - 9;
            END IF;
        END IF;
        total := total + d;
    END LOOP;
    RETURN ((10 - total % 10) % 10)::text;
END
$$;

-- The KID of a claw-back: the application id and the claw-back id, each padded to 7 digits (never
-- cut), and the MOD10 check digit: unique per claw-back, and the bank refuses a KID mistyped by one
-- digit. "0000012" "0000003" "0" for claw-back 3 of application 12: 000001200000030.
CREATE OR REPLACE FUNCTION tilskot.clawback_kid(application_id bigint, clawback_id bigint) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
    SELECT base || tilskot.kid_mod10(base)
      FROM (SELECT lpad(application_id::text, greatest(7, length(application_id::text)), '0')
                   || lpad(clawback_id::text, greatest(7, length(clawback_id::text)), '0') AS base) k
$$;

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
    notice_problem text;
    warned bigint;
    open_one tilskot.clawback;
BEGIN
    PERFORM tilskot.require_role('claw-back');  -- who may (00_foundation.sql)
    SELECT coalesce(sum(amount_ore), 0) INTO paid FROM tilskot.payment WHERE application_id = app.id AND status = 'paid';
    -- A grant lowered on appeal below what was paid, even to nothing, is clawed back from what was
    -- paid (tilskot.overpaid_grant); without money paid out there must be a grant to follow up.
    IF paid = 0 OR app.status = 'closed' THEN
        PERFORM tilskot.require_grant(app, 'claw-back');
    END IF;
    IF btrim(coalesce(NEW.reasons, '')) = '' THEN
        RAISE EXCEPTION 'claw-back refused: a demand for repayment from % must state its reasons (fvl. §§ 24–25)', app.reference
            USING ERRCODE = '23T27';
    END IF;
    IF NEW.amount_ore IS NULL OR NEW.amount_ore <= 0 THEN
        RAISE EXCEPTION 'claw-back refused: the amount demanded from % must be more than 0 kr', app.reference USING ERRCODE = '23T27';
    END IF;
    NEW.decision_date := coalesce(NEW.decision_date, tilskot.today());
    IF NEW.decision_date > tilskot.today() THEN
        RAISE EXCEPTION 'claw-back refused: the decision date % is in the future', tilskot.iso_date(NEW.decision_date)
            USING ERRCODE = '23T27';
    END IF;
    IF NEW.due_date IS NULL OR NEW.due_date < NEW.decision_date THEN
        RAISE EXCEPTION 'claw-back refused: the repayment from % needs a due date on or after the decision date %',
            app.reference, tilskot.iso_date(NEW.decision_date) USING ERRCODE = '23T27';
    END IF;
    -- Advance notice (førehandsvarsel, fvl. § 16): the party is told of the claw-back and given time
    -- to answer before it is decided, unless § 16 third paragraph lets the directorate go without,
    -- and then the claw-back says which exception and why. The sentence for
    -- clawback_notice_or_exception (0008_clawback_notice_and_payment.sql).
    IF NEW.advance_notice_id IS NULL AND NOT tilskot.has_words(coalesce(NEW.notice_exception, '')) THEN
        RAISE EXCEPTION 'claw-back refused: the party must be told of a claw-back from % and given time to answer before it is decided (fvl. § 16); name the advance notice it follows, or the exception in fvl. § 16 third paragraph that lets it go without one and why',
            app.reference USING ERRCODE = '23T27';
    END IF;
    IF NEW.advance_notice_id IS NOT NULL AND btrim(coalesce(NEW.notice_exception, '')) <> '' THEN
        RAISE EXCEPTION 'claw-back refused: the claw-back from % names advance notice % and also an exception from giving notice; give one of them',
            app.reference, NEW.advance_notice_id USING ERRCODE = '23T27';
    END IF;
    IF NEW.advance_notice_id IS NOT NULL THEN
        notice_problem := tilskot.advance_notice_problem(NEW.advance_notice_id, app.id, 'clawback', NEW.decision_date);
        IF notice_problem IS NOT NULL THEN
            RAISE EXCEPTION 'claw-back refused: %', notice_problem USING ERRCODE = '23T27';
        END IF;
        SELECT amount_ore INTO warned FROM tilskot.advance_notice WHERE id = NEW.advance_notice_id;
        IF warned IS NOT NULL AND NEW.amount_ore > warned THEN
            RAISE EXCEPTION 'claw-back refused: the advance notice % warned of a claw-back of %, and % is more than the party was told of and could answer to (fvl. § 16); demand at most that, or send a new advance notice',
                NEW.advance_notice_id, tilskot.format_kr(warned), tilskot.format_kr(NEW.amount_ore) USING ERRCODE = '23T27';
        END IF;
        NEW.notice_exception := NULL;
    ELSE
        NEW.notice_exception := btrim(NEW.notice_exception);
    END IF;
    -- A claw-back typed twice is refused: while another on the same grant is open (not cancelled, not
    -- fully repaid) a new one is registered only as another demand (`clawback demand --another`).
    SELECT * INTO open_one FROM tilskot.clawback o
     WHERE o.application_id = app.id AND NOT o.cancelled
       AND o.amount_ore > (SELECT coalesce(sum(rp.amount_ore), 0) FROM tilskot.repayment rp WHERE rp.clawback_id = o.id)
     ORDER BY o.id LIMIT 1;
    IF FOUND AND NOT coalesce(NEW.another, false) THEN
        RAISE EXCEPTION 'claw-back refused: % already has an open claw-back, claw-back % (%); if this is a further demand, register it as another (--another); if that one was registered in error, cancel it (`tilskot clawback cancel %`)',
            app.reference, open_one.id, tilskot.clawback_label(open_one, app.reference), open_one.id USING ERRCODE = '23T27';
    END IF;
    NEW.another := coalesce(NEW.another, false);
    SELECT coalesce(sum(amount_ore), 0) INTO demanded FROM tilskot.clawback WHERE application_id = app.id;
    IF demanded + NEW.amount_ore > paid THEN
        RAISE EXCEPTION 'claw-back refused: % has been paid %, % of it already demanded back, so % cannot be demanded; a claw-back cannot exceed what was paid',
            app.reference, tilskot.format_kr(paid), tilskot.format_kr(demanded), tilskot.format_kr(NEW.amount_ore)
            USING ERRCODE = '23T20';
    END IF;
    NEW.original_amount_ore := NEW.amount_ore;
    -- The KID is the database's: the id is assigned before BEFORE triggers run.
    NEW.kid := tilskot.clawback_kid(app.id, NEW.id);
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
    reached date;
    deadline date;
    in_time boolean;
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
    IF NEW.received IS NULL OR NEW.received > tilskot.today() THEN
        RAISE EXCEPTION 'appeal refused: give the date the appeal reached the directorate, not a date in the future'
            USING ERRCODE = '23T27';
    END IF;
    IF NEW.received < c.decision_date THEN
        RAISE EXCEPTION 'appeal refused: it is dated as received %, before % was decided', tilskot.iso_date(NEW.received), label
            USING ERRCODE = '23T27';
    END IF;
    IF NEW.sent_on > NEW.received THEN
        RAISE EXCEPTION 'appeal refused: it is dated as sent %, after it was received (%); give the day it was sent and the day it arrived',
            tilskot.iso_date(NEW.sent_on), tilskot.iso_date(NEW.received) USING ERRCODE = '23T27';
    END IF;
    IF NEW.sent_on < c.decision_date THEN
        RAISE EXCEPTION 'appeal refused: it is dated as sent %, before % was decided', tilskot.iso_date(NEW.sent_on), label
            USING ERRCODE = '23T27';
    END IF;
    -- In time (fvl. §§ 29–30): three weeks from the day the notice of the claw-back reached the
    -- party (tilskot.clawback_appeal_deadline, 16_notice.sql; NULL while no notice is recorded: an
    -- open deadline), and in time when it arrived or was sent by then.
    SELECT n.presumed_received INTO reached FROM tilskot.notice n WHERE n.clawback_id = c.id;
    deadline := tilskot.clawback_appeal_deadline(c.id);
    in_time := deadline IS NULL OR NEW.received <= deadline OR coalesce(NEW.sent_on <= deadline, false);
    IF NOT in_time AND NOT (NEW.late AND btrim(coalesce(NEW.late_reason, '')) <> '') THEN
        RAISE EXCEPTION 'appeal refused: it was %, after the deadline of % (three weeks from %, when the notice of % reached the party, fvl. § 29; in time only if sent by then, § 30); register it as late with a reason if it is to be considered anyway (fvl. § 31)',
            CASE WHEN NEW.sent_on IS NULL THEN 'received ' || tilskot.iso_date(NEW.received) || ' and no sending date is given'
                 ELSE 'sent ' || tilskot.iso_date(NEW.sent_on) || ' and received ' || tilskot.iso_date(NEW.received) END,
            tilskot.iso_date(deadline), tilskot.iso_date(reached), label USING ERRCODE = '23T27';
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
    by_kid bigint;
BEGIN
    PERFORM tilskot.require_role('repayment');  -- who may (00_foundation.sql)
    -- Recorded by the KID it was paid with, as the bank statement shows it, or by the claw-back's id.
    IF NEW.kid IS NOT NULL THEN
        NEW.kid := replace(btrim(NEW.kid), ' ', '');
        IF NEW.kid !~ '^[0-9]{2,25}$' OR right(NEW.kid, 1) <> tilskot.kid_mod10(left(NEW.kid, -1)) THEN
            RAISE EXCEPTION 'repayment refused: % is not a KID: a KID has 2 to 25 digits and its last is the MOD10 check digit of the others; check it against the bank statement',
                NEW.kid USING ERRCODE = '23T27';
        END IF;
        SELECT id INTO by_kid FROM tilskot.clawback WHERE kid = NEW.kid;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'repayment refused: no claw-back has the KID %; check it against the bank statement, or record the repayment by the claw-back''s id',
                NEW.kid USING ERRCODE = '23T12';
        END IF;
        IF NEW.clawback_id IS NOT NULL AND NEW.clawback_id <> by_kid THEN
            RAISE EXCEPTION 'repayment refused: the KID % is that of claw-back %, not of claw-back %; give one of them, or the two that belong together',
                NEW.kid, by_kid, NEW.clawback_id USING ERRCODE = '23T27';
        END IF;
        NEW.clawback_id := by_kid;
    END IF;
    SELECT application_id INTO app_id FROM tilskot.clawback WHERE id = NEW.clawback_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'repayment refused: there is no claw-back with id %', NEW.clawback_id USING ERRCODE = '23T12';
    END IF;
    app := tilskot.lock_application(app_id, 'repayment');
    SELECT * INTO c FROM tilskot.clawback WHERE id = NEW.clawback_id FOR UPDATE;
    label := tilskot.clawback_label(c, app.reference);
    NEW.application_id := app.id;
    IF c.cancelled THEN
        RAISE EXCEPTION 'repayment refused: % was cancelled; nothing is owed', label USING ERRCODE = '23T27';
    END IF;
    IF NEW.amount_ore IS NULL OR NEW.amount_ore <= 0 THEN
        RAISE EXCEPTION 'repayment refused: a repayment must be more than 0 kr' USING ERRCODE = '23T27';
    END IF;
    NEW.received_on := coalesce(NEW.received_on, tilskot.today());
    IF NEW.received_on > tilskot.today() OR NEW.received_on < c.decision_date THEN
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

-- A claw-back registered in error (typed twice, the wrong case, the wrong amount) is cancelled by a
-- manager with a reason: it then demands 0 kr and is marked cancelled, as one cancelled on appeal is,
-- and the cancellation stands in the record beside it. Refused once anything was repaid (then the
-- claw-back is resolved by appeal or reduced), while an appeal against it is pending or was decided
-- (the appeal's decision answers for it, fvl. §§ 33–34), and a second time.
CREATE OR REPLACE FUNCTION tilskot.clawback_cancellation_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app_id bigint;
    app tilskot.application;
    c tilskot.clawback;
    ap tilskot.clawback_appeal;
    repaid bigint;
    label text;
BEGIN
    IF NOT tilskot.has_budget_authority(actor) THEN
        RAISE EXCEPTION 'claw-back cancellation refused: % is not a manager; only members of tilskot_manager can cancel a claw-back', actor
            USING ERRCODE = '42T01';
    END IF;
    SELECT application_id INTO app_id FROM tilskot.clawback WHERE id = NEW.clawback_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'claw-back cancellation refused: there is no claw-back with id %', NEW.clawback_id USING ERRCODE = '23T12';
    END IF;
    app := tilskot.lock_application(app_id, 'claw-back cancellation');
    SELECT * INTO c FROM tilskot.clawback WHERE id = NEW.clawback_id FOR UPDATE;
    label := tilskot.clawback_label(c, app.reference);
    NEW.application_id := app.id;
    IF c.cancelled THEN
        RAISE EXCEPTION 'claw-back cancellation refused: % is already cancelled; nothing is owed', label USING ERRCODE = '23T27';
    END IF;
    SELECT coalesce(sum(amount_ore), 0) INTO repaid FROM tilskot.repayment WHERE clawback_id = c.id;
    IF repaid > 0 THEN
        RAISE EXCEPTION 'claw-back cancellation refused: % has already been repaid against %, so it cannot be cancelled as registered in error; resolve it by appeal, or reduce it there to what was repaid',
            tilskot.format_kr(repaid), label USING ERRCODE = '23T27';
    END IF;
    SELECT * INTO ap FROM tilskot.clawback_appeal WHERE clawback_id = c.id ORDER BY id DESC LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'claw-back cancellation refused: % has an appeal, received % (%); the appeal''s decision answers for it: % (fvl. §§ 33–34)',
            label, tilskot.iso_date(ap.received), coalesce(ap.outcome, 'pending'),
            CASE WHEN ap.outcome IS NULL THEN 'resolve the appeal, cancelling the claw-back there' ELSE 'it was decided on appeal and stands' END
            USING ERRCODE = '23T27';
    END IF;
    IF NOT tilskot.has_words(coalesce(NEW.reason, '')) THEN
        RAISE EXCEPTION 'claw-back cancellation refused: cancelling % needs the reason in words (what was registered in error)', label
            USING ERRCODE = '23T05';
    END IF;
    UPDATE tilskot.clawback SET amount_ore = 0, cancelled = true WHERE id = c.id;
    NEW.cancelled_by := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;

-- A claw-back's amount, application and dates change only through an appeal's resolution or a
-- cancellation (clawback_cancellation_before_insert).
CREATE OR REPLACE FUNCTION tilskot.clawback_before_update() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF NEW.application_id IS DISTINCT FROM OLD.application_id OR NEW.original_amount_ore IS DISTINCT FROM OLD.original_amount_ore
       OR NEW.reasons IS DISTINCT FROM OLD.reasons OR NEW.decision_date IS DISTINCT FROM OLD.decision_date
       OR NEW.due_date IS DISTINCT FROM OLD.due_date OR NEW.demanded_by IS DISTINCT FROM OLD.demanded_by
       OR NEW.kid IS DISTINCT FROM OLD.kid OR NEW.advance_notice_id IS DISTINCT FROM OLD.advance_notice_id
       OR NEW.notice_exception IS DISTINCT FROM OLD.notice_exception THEN
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

-- Grants paid beyond what is granted now: a decision on appeal (fvl. §§ 33–35) lowered the grant
-- below what had already been paid. The ledger is never rewritten; the overpayment is a claw-back
-- case, demanded as any claw-back is (advance notice first, fvl. § 16). One row per application
-- whose paid sum exceeds its current grant (0 kr when the current decision grants nothing) plus its
-- claw-backs in force: to_claw_back_ore is what no claw-back covers yet. Closing refuses while one
-- is listed (12_closing.sql); `tilskot clawback overpaid` lists them.
CREATE OR REPLACE VIEW tilskot.overpaid_grant WITH (security_invoker = true) AS
SELECT a.id AS application_id,
       a.reference,
       a.round_id,
       p.paid_ore,
       c.clawed_back_ore,
       coalesce(d.amount_ore, 0)::bigint AS grant_ore,
       (p.paid_ore - coalesce(d.amount_ore, 0) - c.clawed_back_ore)::bigint AS to_claw_back_ore
  FROM (SELECT application_id, sum(amount_ore)::bigint AS paid_ore
          FROM tilskot.payment WHERE status = 'paid' GROUP BY application_id) p
  JOIN tilskot.application a ON a.id = p.application_id
  LEFT JOIN tilskot.decision d
    ON d.application_id = a.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted')
  CROSS JOIN LATERAL (
        SELECT coalesce(sum(amount_ore), 0)::bigint AS clawed_back_ore
          FROM tilskot.clawback WHERE application_id = a.id) c
 WHERE p.paid_ore > coalesce(d.amount_ore, 0) + c.clawed_back_ore;

COMMENT ON VIEW tilskot.overpaid_grant IS
    'Applications paid more than their current grant and the claw-backs in force cover (a grant lowered on appeal after payment), in øre: to_claw_back_ore is still to be demanded.';


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- One trigger per table and event here; each runs after a0_case_guard (05_case_guard.sql), so it
-- reads under the case's guard row.

-- on tilskot.clawback
CREATE OR REPLACE TRIGGER clawback_before_insert BEFORE INSERT ON tilskot.clawback FOR EACH ROW EXECUTE FUNCTION tilskot.clawback_before_insert();
CREATE OR REPLACE TRIGGER clawback_before_update BEFORE UPDATE ON tilskot.clawback FOR EACH ROW EXECUTE FUNCTION tilskot.clawback_before_update();

-- on tilskot.clawback_cancellation (audited, kept, and under the case's guard row like every event
-- of a case; beside the table rather than in 00_foundation.sql / 05_case_guard.sql)
CREATE OR REPLACE TRIGGER a0_case_guard BEFORE INSERT ON tilskot.clawback_cancellation FOR EACH ROW EXECUTE FUNCTION tilskot.case_guard_touch('clawback');
CREATE OR REPLACE TRIGGER clawback_cancellation_before_insert BEFORE INSERT ON tilskot.clawback_cancellation FOR EACH ROW EXECUTE FUNCTION tilskot.clawback_cancellation_before_insert();
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.clawback_cancellation FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('claw-back cancellations');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.clawback_cancellation FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('claw-back cancellations');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.clawback_cancellation FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

-- on tilskot.clawback_appeal
CREATE OR REPLACE TRIGGER clawback_appeal_before_insert BEFORE INSERT ON tilskot.clawback_appeal FOR EACH ROW EXECUTE FUNCTION tilskot.clawback_appeal_before_insert();

-- on tilskot.clawback_resolution
CREATE OR REPLACE TRIGGER clawback_resolution_before_insert BEFORE INSERT ON tilskot.clawback_resolution FOR EACH ROW EXECUTE FUNCTION tilskot.clawback_resolution_before_insert();

-- on tilskot.repayment
CREATE OR REPLACE TRIGGER repayment_before_insert BEFORE INSERT ON tilskot.repayment FOR EACH ROW EXECUTE FUNCTION tilskot.repayment_before_insert();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.clawback TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, amount_ore, reasons, decision_date, due_date, advance_notice_id, notice_exception, another) ON TABLE tilskot.clawback TO tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.clawback_cancellation TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
-- To every work group: the trigger judges who may cancel (managers), so psql and the CLI read its sentence.
GRANT INSERT (clawback_id, reason) ON TABLE tilskot.clawback_cancellation TO tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.clawback_cancellation_before_insert() FROM PUBLIC;
GRANT SELECT ON TABLE tilskot.clawback_appeal TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (clawback_id, received, sent_on, late, late_reason, grounds) ON TABLE tilskot.clawback_appeal TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.clawback_resolution TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (appeal_id, outcome, amount_ore, reasons) ON TABLE tilskot.clawback_resolution TO tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.repayment TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (clawback_id, kid, amount_ore, received_on, voucher) ON TABLE tilskot.repayment TO tilskot_finance, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.clawback_appeal_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_before_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_label(tilskot.clawback,text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_resolution_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.repayment_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.kid_mod10(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.clawback_kid(bigint,bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.kid_mod10(text), tilskot.clawback_kid(bigint,bigint) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT SELECT ON TABLE tilskot.overpaid_grant TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
