-- Reporting duties, recipient reports, reviews and reminders.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

CREATE OR REPLACE FUNCTION tilskot.report_duty_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'reporting duty');
    amount bigint := tilskot.require_grant(app, 'reporting duty');
    round_year integer;
    threshold bigint;
BEGIN
    SELECT r.year, s.report_account_threshold_ore INTO round_year, threshold
      FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id WHERE r.id = app.round_id;
    NEW.project_end := coalesce(NEW.project_end, make_date(round_year, 12, 31));
    NEW.due_date := coalesce(NEW.due_date, (NEW.project_end + interval '3 months')::date);
    IF NEW.due_date < NEW.project_end THEN
        RAISE EXCEPTION 'reporting duty refused: the report on % would be due %, before its project ends (%); give a due date on or after the project end',
            app.reference, tilskot.iso_date(NEW.due_date), tilskot.iso_date(NEW.project_end) USING ERRCODE = '23T24';
    END IF;
    IF amount >= threshold AND NEW.account_required IS false THEN
        RAISE EXCEPTION 'reporting duty refused: the grant of % to % is at or above the scheme''s threshold of %, so its report must include an auditor-checked account',
            tilskot.format_kr(amount), app.reference, tilskot.format_kr(threshold) USING ERRCODE = '23T24';
    END IF;
    NEW.account_required := coalesce(NEW.account_required, amount >= threshold);
    UPDATE tilskot.report_duty SET is_current = false
     WHERE application_id = app.id AND is_current
    RETURNING id INTO NEW.supersedes;
    IF app.status IN ('granted', 'partially_granted') THEN
        UPDATE tilskot.application SET status = 'in_follow_up' WHERE id = app.id;
    END IF;
    NEW.set_by := tilskot.acting_user();
    NEW.at := now();
    NEW.is_current := true;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.recipient_report_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app tilskot.application := tilskot.lock_application(NEW.application_id, 'report');
    grant_ore bigint := tilskot.require_grant(app, 'report');
    other tilskot.recipient_report;
BEGIN
    NEW.report_date := coalesce(NEW.report_date, tilskot.today());
    IF NEW.report_date > tilskot.today() THEN
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

CREATE OR REPLACE FUNCTION tilskot.report_review_before_insert() RETURNS trigger
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

CREATE OR REPLACE FUNCTION tilskot.reminder_before_insert() RETURNS trigger
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
    NEW.sent_on := coalesce(NEW.sent_on, tilskot.today());
    IF NEW.sent_on > tilskot.today() THEN
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


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- One trigger per table and timing here; each runs after a0_case_guard (05_case_guard.sql), so it
-- reads under the case's guard row.

-- on tilskot.recipient_report
CREATE OR REPLACE TRIGGER recipient_report_before_insert BEFORE INSERT ON tilskot.recipient_report FOR EACH ROW EXECUTE FUNCTION tilskot.recipient_report_before_insert();

-- on tilskot.reminder
CREATE OR REPLACE TRIGGER reminder_before_insert BEFORE INSERT ON tilskot.reminder FOR EACH ROW EXECUTE FUNCTION tilskot.reminder_before_insert();

-- on tilskot.report_duty
CREATE OR REPLACE TRIGGER report_duty_before_insert BEFORE INSERT ON tilskot.report_duty FOR EACH ROW EXECUTE FUNCTION tilskot.report_duty_before_insert();

-- on tilskot.report_review
CREATE OR REPLACE TRIGGER report_review_before_insert BEFORE INSERT ON tilskot.report_review FOR EACH ROW EXECUTE FUNCTION tilskot.report_review_before_insert();


DROP FUNCTION IF EXISTS tilskot.reports_outstanding(date, date, date, bigint, boolean);
-- Reports not in, as `followup due` and `followup overdue` list them and My work shows them: the
-- current duties of grants in follow-up due from p_from (NULL: also those overdue) to p_to, of one
-- round (p_round_id) or all. days_left counts from p_as_of; last_reminder is the latest sent.
-- One SELECT in SQL, STABLE and without settings or ORDER BY, so the planner inlines it into the
-- caller's query and folds the conditions not asked for. A caller that wants only her own cases
-- adds `WHERE application_id IN (SELECT application_id FROM tilskot.my_case_ids())` outside: a
-- plain IN there becomes a semi-join that starts from her assignments, where an `OR NOT p_mine`
-- inside would leave it a filter over every application in follow-up (the planner pulls sublinks
-- up before it folds constants; docs/performance.md).
CREATE OR REPLACE FUNCTION tilskot.reports_outstanding(p_from date, p_to date, p_as_of date, p_round_id bigint)
RETURNS TABLE (application_id bigint, reference text, orgnr text, organisation text, granted_ore bigint,
               project_end date, due_date date, account_required boolean, days_left integer, last_reminder date)
LANGUAGE sql STABLE AS $$
    SELECT a.id, a.reference::text, o.orgnr::text, o.name::text, tilskot.current_grant_ore(a.id)::bigint,
           d.project_end, d.due_date, d.account_required, d.due_date - p_as_of,
           (SELECT max(m.sent_on) FROM tilskot.reminder m WHERE m.application_id = a.id)
      FROM tilskot.report_duty d
      JOIN tilskot.application a ON a.id = d.application_id
      JOIN tilskot.organisation o ON o.id = a.organisation_id
     WHERE d.is_current AND a.status = 'in_follow_up'
       AND (p_from IS NULL OR d.due_date >= p_from) AND d.due_date <= p_to
       AND (p_round_id IS NULL OR a.round_id = p_round_id)
       AND NOT EXISTS (SELECT 1 FROM tilskot.recipient_report rr
                        WHERE rr.application_id = a.id AND rr.status IN ('received', 'approved'))
$$;

-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.recipient_report TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, report_date, account_approved, notes) ON TABLE tilskot.recipient_report TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.reminder TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, sent_on) ON TABLE tilskot.reminder TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.report_duty TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (application_id, project_end, due_date, account_required) ON TABLE tilskot.report_duty TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT SELECT ON TABLE tilskot.report_review TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (report_id, outcome, reasons) ON TABLE tilskot.report_review TO tilskot_caseworker, tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.recipient_report_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.reminder_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.report_duty_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.report_review_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.reports_outstanding(date, date, date, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.reports_outstanding(date, date, date, bigint) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
