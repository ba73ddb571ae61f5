-- The portal user (issue 19): machine clients — a grant portal calling `tilskot serve` with a
-- Maskinporten token that names the consumer's organisation number — register applications through
-- the same service as `tilskot application register` and read the status of those they registered.
-- Nothing else: not another's application (not even that it exists), not assessments, decisions'
-- reasons, the audit log, participants, reports, organisations' contact details or bank accounts,
-- rounds' frames. The database holds this for every client, psql included.
--
-- Which rows: row-level security on tilskot.application and tilskot.decision (ENABLEd in
-- SQL/migrations/0055, not FORCEd: the owner's SECURITY DEFINER functions and triggers see every
-- row, so a registration's rules, reference numbers and the case guard are unchanged). With RLS on,
-- a role with a privilege but no policy for it sees no row, so every staff group that holds a
-- privilege has a permissive `true` policy for that command (the planner drops it: staff queries
-- plan as before), and PortalRoleTests fails when a grant arrives without its policy.
--
-- Which columns: column SELECT grants, only what registration and the status read.

-- Staff: as before row-level security.
DROP POLICY IF EXISTS staff_read ON tilskot.application;
CREATE POLICY staff_read ON tilskot.application FOR SELECT
    TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager,
       tilskot_participant_owner, tilskot_participant_steward
    USING (true);
DROP POLICY IF EXISTS staff_register ON tilskot.application;
CREATE POLICY staff_register ON tilskot.application FOR INSERT
    TO tilskot_caseworker, tilskot_manager, tilskot_admin
    WITH CHECK (true);
DROP POLICY IF EXISTS staff_read ON tilskot.decision;
CREATE POLICY staff_read ON tilskot.decision FOR SELECT
    TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager,
       tilskot_participant_owner, tilskot_participant_steward
    USING (true);
DROP POLICY IF EXISTS staff_decide ON tilskot.decision;
CREATE POLICY staff_decide ON tilskot.decision FOR INSERT
    TO tilskot_manager, tilskot_admin
    WITH CHECK (true);

-- The portal: the applications it registered (registered_by is the acting user, set by
-- application_before_insert, never by the writer), and their current decisions. A login acting as
-- the group itself (SET ROLE tilskot_portal) registers as the login, so it sees nothing.
DROP POLICY IF EXISTS portal_read ON tilskot.application;
CREATE POLICY portal_read ON tilskot.application FOR SELECT TO tilskot_portal
    USING (registered_by = current_user);
DROP POLICY IF EXISTS portal_register ON tilskot.application;
CREATE POLICY portal_register ON tilskot.application FOR INSERT TO tilskot_portal
    WITH CHECK (registered_by = current_user);
-- The subquery is itself under the portal's policy on application.
DROP POLICY IF EXISTS portal_read ON tilskot.decision;
CREATE POLICY portal_read ON tilskot.decision FOR SELECT TO tilskot_portal
    USING (EXISTS (SELECT 1 FROM tilskot.application a WHERE a.id = decision.application_id));

GRANT USAGE ON SCHEMA tilskot TO tilskot_portal;

-- Registering (Applications.register, the service `POST /applications` and the CLI share): the
-- round and scheme it names, the organisation by number, the application's columns a caseworker
-- may give (the statement names `late` and `late_reason` always; registering late is a manager's,
-- and application_before_insert refuses it to anyone else).
GRANT SELECT (id, scheme_id, year, opens, closes) ON TABLE tilskot.round TO tilskot_portal;
GRANT SELECT (id, code, name, applicant_kinds) ON TABLE tilskot.scheme TO tilskot_portal;
GRANT SELECT (id, orgnr, name, kind, municipality) ON TABLE tilskot.organisation TO tilskot_portal;
GRANT INSERT (round_id, organisation_id, title, amount_applied_ore, received, external_ref, late, late_reason)
    ON TABLE tilskot.application TO tilskot_portal;
GRANT SELECT (id, reference, round_id, scheme_id, organisation_id, title, amount_applied_ore, received, status,
              external_ref, late, registered_by, created_at)
    ON TABLE tilskot.application TO tilskot_portal;
GRANT SELECT (id, application_id, is_current, amount_ore, decision_date) ON TABLE tilskot.decision TO tilskot_portal;
-- Who acts (the named_actor trigger and the CLI's check run as the caller).
GRANT EXECUTE ON FUNCTION tilskot.acting_user() TO tilskot_portal;
GRANT EXECUTE ON FUNCTION tilskot.is_tilskot_user(text) TO tilskot_portal;
-- `tilskot serve`'s Idempotency-Key on POST /applications (keyed by the acting user: a portal never
-- meets another's stored response).
GRANT EXECUTE ON FUNCTION tilskot.idempotency_begin(text, text), tilskot.idempotency_finish(text, text, integer, text)
    TO tilskot_portal;
-- The one-line rules of a title and an external reference (aa_one_line_* triggers, 01_reference.sql),
-- which run as the caller.
GRANT EXECUTE ON FUNCTION tilskot.one_line_text_problem(text), tilskot.application_title_problem(text), tilskot.has_words(text)
    TO tilskot_portal;

-- A portal may not learn another's reference number. An external reference is registered once per
-- scheme (application_before_insert), and that rule's sentence names the application that has it —
-- right for staff, who see every application, but to a portal it would give away another
-- registrant's case. So for a portal the same refusal (23T11) comes first, without the reference.
-- That the external reference is taken in the scheme is still said: it is what the rule is.
-- Fires before application_before_insert (triggers of one timing fire in name order); a definer,
-- to see the applications the portal cannot. Not for the bulk import (the owner's, and not a
-- portal's: import_applications is not granted to tilskot_portal).
CREATE OR REPLACE FUNCTION tilskot.portal_external_ref_unseen() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
BEGIN
    IF tilskot.is_member(actor, 'tilskot_portal')
       AND EXISTS (SELECT 1 FROM tilskot.application a JOIN tilskot.round r ON r.scheme_id = a.scheme_id
                    WHERE r.id = NEW.round_id AND a.external_ref = NEW.external_ref
                      AND a.registered_by IS DISTINCT FROM actor) THEN
        RAISE EXCEPTION 'application refused: external reference % is already registered in this scheme, by someone else; give the reference your system uses for this application',
            NEW.external_ref USING ERRCODE = '23T11';
    END IF;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION tilskot.portal_external_ref_unseen() FROM PUBLIC;
CREATE OR REPLACE TRIGGER ab_portal_external_ref BEFORE INSERT ON tilskot.application
    FOR EACH ROW WHEN (NEW.external_ref IS NOT NULL AND CURRENT_USER <> 'tilskot_owner')
    EXECUTE FUNCTION tilskot.portal_external_ref_unseen();
