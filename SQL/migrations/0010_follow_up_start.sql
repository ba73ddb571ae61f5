-- Follow-up (issue 5): what happens to a grant after the decision. This file holds what every
-- follow-up step shares: the error codes, the check that there is a grant to follow up, the
-- reporting duty (rapporteringsplikt) and the step granted → in_follow_up.
--
-- When does an application go from granted to in_follow_up? At the first follow-up act on it:
-- normally the payment plan (0011), else a reporting duty set by hand or a report received (0012).
-- That act also gives the grant its default reporting duty. Until then a decided application can
-- still be appealed (0003 refuses appeals once follow-up has started).
--
-- The refusals of follow-up, one sentence each, with an SQLSTATE that says which rule (the "T" as
-- third character marks our own codes, as in 0003):
--
--   23T20  money: payments over the grant, a claw-back over what was paid, a repayment over the
--          claw-back
--   23T21  four-eyes (to-personskontroll): the attester decided the grant
--   23T22  no grant: the application is rejected, dismissed, withdrawn, undecided, under appeal or
--          closed, so there is nothing to pay or follow up
--   23T23  payments: the step does not fit the payment's status, or a voucher, reason, date or
--          bank account is missing or wrong
--   23T24  reporting: duty dates, an auditor-checked account, a report already in or reviewed
--   23T25  reminders: the application was already reminded this ISO week
--   23T26  closing: reports not approved, payments or claw-backs not settled
--   23T27  claw-backs: content, appeals (deadline, one pending), resolutions
--   23T28  participant register: a code that looks like an identity number, bad dates or values
--   42T02  a step for finance (attesting, paying) or for finance and managers (withholding)
--   42T03  participant data: the user is neither a participant reader nor a caseworker of the case
--
-- As in the lifecycle, every change is an INSERT of an event row whose SECURITY DEFINER trigger
-- checks the rule under the application's row lock and changes what the event implies; no group
-- role is granted UPDATE or DELETE on a follow-up table.

-- ---------------------------------------------------------------------------------------------
-- The grant being followed up
-- ---------------------------------------------------------------------------------------------

-- The amount of the application's current grant, or NULL when its current decision grants nothing.
CREATE FUNCTION tilskot.current_grant_ore(application_id bigint) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT d.amount_ore FROM tilskot.decision d
     WHERE d.application_id = current_grant_ore.application_id AND d.is_current
       AND d.outcome IN ('granted', 'partially_granted')
$$;

-- Refuses a follow-up step on an application that has no grant to follow up, in words that say why,
-- and returns the grant. `step` starts the sentence ("payment plan", "report").
CREATE FUNCTION tilskot.require_grant(app tilskot.application, step text) RETURNS bigint
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

-- ---------------------------------------------------------------------------------------------
-- Reporting duty (rapporteringsplikt): when the recipient's report is due and whether it needs an
-- auditor-checked account. A new duty supersedes the current one; both kept.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE tilskot.report_duty (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id   bigint NOT NULL REFERENCES tilskot.application (id),
    -- The last day of the project the grant funds; default 31 December of the round's year.
    project_end      date NOT NULL,
    -- Default three months after the project ends (the scheme rules' usual deadline).
    due_date         date NOT NULL,
    -- Revisorattestert rekneskap: required for grants at or above the scheme's threshold
    -- (scheme.report_account_threshold_ore, 400 000 kr by default); may also be asked of smaller ones.
    account_required boolean NOT NULL,
    set_by           text NOT NULL,
    at               timestamptz NOT NULL DEFAULT now(),
    is_current       boolean NOT NULL DEFAULT true,
    supersedes       bigint REFERENCES tilskot.report_duty (id),
    CONSTRAINT report_duty_due_after_project CHECK (due_date >= project_end)
);
CREATE UNIQUE INDEX report_duty_one_current ON tilskot.report_duty (application_id) WHERE is_current;
CREATE INDEX report_duty_due_idx ON tilskot.report_duty (due_date) WHERE is_current;

CREATE FUNCTION tilskot.report_duty_before_insert() RETURNS trigger
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

CREATE TRIGGER report_duty_before_insert BEFORE INSERT ON tilskot.report_duty
    FOR EACH ROW EXECUTE FUNCTION tilskot.report_duty_before_insert();

-- The first follow-up act on a grant: granted → in_follow_up, and the default reporting duty when
-- it has none. Called by the triggers of payments and reports with the application already locked.
CREATE FUNCTION tilskot.start_follow_up(app tilskot.application) RETURNS void
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

CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE OR DELETE ON tilskot.report_duty
    FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();
CREATE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.report_duty
    FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('reporting duties');
CREATE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.report_duty
    FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('reporting duties');

REVOKE ALL ON FUNCTION tilskot.current_grant_ore(bigint), tilskot.require_grant(tilskot.application, text),
    tilskot.start_follow_up(tilskot.application) FROM PUBLIC;
-- require_grant only reads and raises: the service layer asks it for the sentence before planning.
GRANT EXECUTE ON FUNCTION tilskot.current_grant_ore(bigint), tilskot.require_grant(tilskot.application, text)
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;

GRANT SELECT ON tilskot.report_duty
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;
GRANT INSERT (application_id, project_end, due_date, account_required) ON tilskot.report_duty
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
