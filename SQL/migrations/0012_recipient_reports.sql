-- Recipient reports (rapportering) and reminders. A granted application owes a report by its
-- reporting duty's due date (0010); the report is received, then approved or rejected with reasons
-- (a rejected report is answered by a new one). A grant at or above the scheme's threshold needs an
-- auditor-checked account before its report can be approved. Reminders are recorded, and nobody is
-- reminded twice in the same ISO week: a unique index holds that even for two reminder runs at once.
-- Codes: 23T22 no grant, 23T24 reporting, 23T25 reminders (listed in 0010).

CREATE TABLE tilskot.recipient_report (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id   bigint NOT NULL REFERENCES tilskot.application (id),
    -- The day the report reached the directorate.
    report_date      date NOT NULL,
    -- An auditor-checked account (revisorattestert rekneskap) came with the report.
    account_approved boolean NOT NULL DEFAULT false,
    notes            text,
    status           text NOT NULL DEFAULT 'received'
        CONSTRAINT recipient_report_status_known CHECK (status IN ('received', 'approved', 'rejected')),
    received_by      text NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    reviewed_by      text,
    reviewed_at      timestamptz,
    review_reasons   text,
    CONSTRAINT recipient_report_review_complete CHECK (
        (status = 'received') = (reviewed_by IS NULL)
        AND (status <> 'rejected' OR btrim(coalesce(review_reasons, '')) <> ''))
);
CREATE INDEX recipient_report_application_idx ON tilskot.recipient_report (application_id);
-- At most one report waiting for review per application.
CREATE UNIQUE INDEX recipient_report_one_pending ON tilskot.recipient_report (application_id) WHERE status = 'received';

-- A caseworker's review of a received report: approved, or rejected with reasons.
CREATE TABLE tilskot.report_review (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id      bigint NOT NULL REFERENCES tilskot.recipient_report (id),
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    outcome        text NOT NULL CONSTRAINT report_review_outcome_known CHECK (outcome IN ('approved', 'rejected')),
    reasons        text,
    reviewer       text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_review_rejection_has_reasons CHECK (outcome = 'approved' OR btrim(coalesce(reasons, '')) <> '')
);
CREATE INDEX report_review_report_idx ON tilskot.report_review (report_id);

-- A reminder sent to a recipient whose report is due or overdue.
CREATE TABLE tilskot.reminder (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    sent_on        date NOT NULL DEFAULT current_date,
    -- ISO year and week of sent_on as one number, 202214 = week 14 of ISO year 2022.
    iso_week       integer GENERATED ALWAYS AS
                       ((extract(isoyear FROM sent_on) * 100 + extract(week FROM sent_on))::integer) STORED,
    -- The due date it reminds of, and whether it had passed.
    due_date       date NOT NULL,
    kind           text NOT NULL CONSTRAINT reminder_kind_known CHECK (kind IN ('before_due', 'overdue')),
    sent_by        text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);
-- Nobody reminded twice in the same ISO week: the last line behind the trigger's own check, which
-- two reminder runs at the same moment could both pass.
CREATE UNIQUE INDEX reminder_once_a_week ON tilskot.reminder (application_id, iso_week);

CREATE FUNCTION tilskot.recipient_report_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'report');
    grant_ore bigint := tilskot.require_grant(app, 'report');
    other tilskot.recipient_report;
BEGIN
    NEW.report_date := coalesce(NEW.report_date, current_date);
    IF NEW.report_date > current_date THEN
        RAISE EXCEPTION 'report refused: the report date % is in the future; give the date the report reached the directorate',
            tilskot.iso_date(NEW.report_date) USING ERRCODE = '23T24';
    END IF;
    IF NEW.report_date < (SELECT decision_date FROM tilskot.decision WHERE application_id = app.id AND is_current) THEN
        RAISE EXCEPTION 'report refused: the report date % is before % was decided', tilskot.iso_date(NEW.report_date), app.reference
            USING ERRCODE = '23T24';
    END IF;
    SELECT * INTO other FROM tilskot.recipient_report WHERE application_id = app.id AND status IN ('received', 'approved')
     ORDER BY id DESC LIMIT 1;
    IF other.status = 'received' THEN
        RAISE EXCEPTION 'report refused: % already has a report received % that waits for review; approve or reject it first',
            app.reference, tilskot.iso_date(other.report_date) USING ERRCODE = '23T24';
    ELSIF other.status = 'approved' THEN
        RAISE EXCEPTION 'report refused: the report of % received % is already approved', app.reference, tilskot.iso_date(other.report_date)
            USING ERRCODE = '23T24';
    END IF;
    NEW.status := 'received';
    NEW.received_by := tilskot.acting_user();
    NEW.received_at := now();
    NEW.reviewed_by := NULL;
    NEW.reviewed_at := NULL;
    NEW.review_reasons := NULL;
    PERFORM tilskot.start_follow_up(app);
    RETURN NEW;
END
$$;

CREATE FUNCTION tilskot.report_review_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app_id bigint;
    app tilskot.application;
    r tilskot.recipient_report;
    duty tilskot.report_duty;
    grant_ore bigint;
    actor text := tilskot.acting_user();
BEGIN
    SELECT application_id INTO app_id FROM tilskot.recipient_report WHERE id = NEW.report_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'review refused: there is no report with id %', NEW.report_id USING ERRCODE = '23T12';
    END IF;
    app := tilskot.lock_application(app_id, 'review');
    SELECT * INTO r FROM tilskot.recipient_report WHERE id = NEW.report_id FOR UPDATE;
    NEW.application_id := app.id;
    IF r.status <> 'received' THEN
        RAISE EXCEPTION 'review refused: the report of % received % is already %', app.reference,
            tilskot.iso_date(r.report_date), r.status USING ERRCODE = '23T24';
    END IF;
    NEW.reasons := nullif(btrim(NEW.reasons), '');
    IF NEW.outcome = 'rejected' AND NEW.reasons IS NULL THEN
        RAISE EXCEPTION 'review refused: rejecting the report of % needs reasons, so the recipient knows what to send again', app.reference
            USING ERRCODE = '23T24';
    END IF;
    IF NEW.outcome = 'approved' THEN
        SELECT * INTO duty FROM tilskot.report_duty WHERE application_id = app.id AND is_current;
        grant_ore := tilskot.current_grant_ore(app.id);
        IF duty.account_required AND NOT r.account_approved THEN
            RAISE EXCEPTION 'approval refused: the report of % needs an auditor-checked account (the grant of % is at or above the scheme''s threshold, or one was required), and none came with it; reject it with reasons or receive one with the account',
                app.reference, tilskot.format_kr(grant_ore) USING ERRCODE = '23T24';
        END IF;
    END IF;
    UPDATE tilskot.recipient_report
       SET status = NEW.outcome, reviewed_by = actor, reviewed_at = now(), review_reasons = NEW.reasons
     WHERE id = r.id;
    NEW.reviewer := actor;
    NEW.at := now();
    RETURN NEW;
END
$$;

CREATE FUNCTION tilskot.reminder_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'reminder');
    duty tilskot.report_duty;
    earlier tilskot.reminder;
    report_status text;
BEGIN
    IF app.status <> 'in_follow_up' THEN
        RAISE EXCEPTION 'reminder refused: % is %; only an application in follow-up owes a report', app.reference,
            tilskot.status_words(app.status) USING ERRCODE = '23T24';
    END IF;
    SELECT * INTO duty FROM tilskot.report_duty WHERE application_id = app.id AND is_current;
    SELECT status INTO report_status FROM tilskot.recipient_report
     WHERE application_id = app.id AND status IN ('received', 'approved') LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'reminder refused: the report of % is already in (%); there is nothing to remind of', app.reference, report_status
            USING ERRCODE = '23T24';
    END IF;
    NEW.sent_on := coalesce(NEW.sent_on, current_date);
    IF NEW.sent_on > current_date THEN
        RAISE EXCEPTION 'reminder refused: % is in the future; record a reminder when it is sent', tilskot.iso_date(NEW.sent_on)
            USING ERRCODE = '23T25';
    END IF;
    SELECT * INTO earlier FROM tilskot.reminder
     WHERE application_id = app.id
       AND extract(isoyear FROM sent_on) = extract(isoyear FROM NEW.sent_on)
       AND extract(week FROM sent_on) = extract(week FROM NEW.sent_on);
    IF FOUND THEN
        RAISE EXCEPTION 'reminder refused: % was already reminded on % (ISO week %); nobody is reminded twice in the same week',
            app.reference, tilskot.iso_date(earlier.sent_on), to_char(earlier.sent_on, 'IYYY-"W"IW') USING ERRCODE = '23T25';
    END IF;
    NEW.due_date := duty.due_date;
    NEW.kind := CASE WHEN NEW.sent_on > duty.due_date THEN 'overdue' ELSE 'before_due' END;
    NEW.sent_by := tilskot.acting_user();
    NEW.at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER recipient_report_before_insert BEFORE INSERT ON tilskot.recipient_report
    FOR EACH ROW EXECUTE FUNCTION tilskot.recipient_report_before_insert();
CREATE TRIGGER report_review_before_insert BEFORE INSERT ON tilskot.report_review
    FOR EACH ROW EXECUTE FUNCTION tilskot.report_review_before_insert();
CREATE TRIGGER reminder_before_insert BEFORE INSERT ON tilskot.reminder
    FOR EACH ROW EXECUTE FUNCTION tilskot.reminder_before_insert();

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['recipient_report', 'report_review', 'reminder']
    LOOP
        EXECUTE format('CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON tilskot.%I
                        FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row()', t);
    END LOOP;
END
$$;
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.recipient_report
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('reports');
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.report_review
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('report reviews');
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.reminder
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('reminders');
CREATE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.recipient_report
    FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('reports');
CREATE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.report_review
    FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('report reviews');
CREATE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.reminder
    FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('reminders');

GRANT SELECT ON tilskot.recipient_report, tilskot.report_review, tilskot.reminder
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;
GRANT INSERT (application_id, report_date, account_approved, notes) ON tilskot.recipient_report
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT INSERT (report_id, outcome, reasons) ON tilskot.report_review
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT INSERT (application_id, sent_on) ON tilskot.reminder
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
