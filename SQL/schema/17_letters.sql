-- What letters need beyond the case: the issuer (tilskot.issuer), the people who sign and can be
-- contacted (tilskot.staff), a scheme's regulations (tilskot.scheme_regulation) and its appeal
-- bodies by date (tilskot.scheme_appeal_body). fvl. § 25 first paragraph wants the rules a decision
-- rests on named; § 27 third paragraph wants the letter to say where and how to appeal; the appeal
-- body is the one above the directorate on the decision date (§ 28 first paragraph).
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes. The tables are in
-- SQL/migrations/0009_letter_issuer.sql … 0012_scheme_appeal_bodies.sql.
--
-- Who may write what, and why:
--   issuer: administrators only (an installation setting; it decides where appeals and repayments
--     go, so a caseworker must not be able to redirect either). 42T08.
--   staff: administrators write every row (the full name and title sign decisions); a person may
--     change their own e-mail and telephone (contact details they know best). 42T08.
--   scheme_regulation, scheme_appeal_body: managers and administrators, as for creating a scheme.
--     42T01.
--   The content rules (blank names, forms of e-mail, telephone, link, account) give one sentence each
--   with 23T30; the table's CHECKs back them up.

-- Who may change a letter setting, with its sentence: raised by the triggers below and asked for by
-- the CLI before it writes (a user without the right meets the table's privileges first, and
-- "permission denied" says less). Administrators set the issuer and the staff details; managers
-- (and administrators) a scheme's regulations and appeal bodies, as they create schemes.
CREATE OR REPLACE FUNCTION tilskot.require_letter_role(step text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
BEGIN
    IF step IN ('issuer settings', 'staff details') THEN
        IF NOT tilskot.is_member(actor, 'tilskot_admin') THEN
            RAISE EXCEPTION '% refused: % is not an administrator; only members of tilskot_admin %', step, actor,
                CASE step WHEN 'issuer settings' THEN 'set the name, addresses and accounts letters give (tilskot issuer set)'
                          ELSE 'record the names and titles letters are signed with; each person may change only their own e-mail and telephone' END
                USING ERRCODE = '42T08';
        END IF;
    ELSIF step IN ('scheme regulations', 'appeal body') THEN
        IF NOT tilskot.has_budget_authority(actor) THEN
            RAISE EXCEPTION '% refused: % is not a manager; only members of tilskot_manager or tilskot_admin %', step, actor,
                CASE step WHEN 'scheme regulations' THEN 'record a scheme''s regulations'
                          ELSE 'set who hears a scheme''s appeals' END
                USING ERRCODE = '42T01';
        END IF;
    ELSE
        -- A caller's mistake, never a user's.
        RAISE EXCEPTION 'tilskot.require_letter_role: "%" is not a step it knows', step USING ERRCODE = '22023';
    END IF;
END
$$;

-- The issuer: one row, written by an administrator.
CREATE OR REPLACE FUNCTION tilskot.issuer_before_write() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
BEGIN
    PERFORM tilskot.require_letter_role('issuer settings');
    IF btrim(coalesce(NEW.name_nn, '')) = '' OR btrim(coalesce(NEW.name_nb, '')) = '' OR btrim(coalesce(NEW.name_en, '')) = '' THEN
        RAISE EXCEPTION 'issuer settings refused: the issuer''s name is missing in nn, nb or en; give all three (--name-nn, --name-nb, --name-en)'
            USING ERRCODE = '23T30';
    END IF;
    IF btrim(coalesce(NEW.postal_address, '')) = '' THEN
        RAISE EXCEPTION 'issuer settings refused: the postal address is missing; letters must say where to send an appeal (fvl. § 27 third paragraph)'
            USING ERRCODE = '23T30';
    END IF;
    IF coalesce(NEW.email, '') !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN
        RAISE EXCEPTION 'issuer settings refused: e-mail address "%" is not of the form name@domain.no', coalesce(NEW.email, '')
            USING ERRCODE = '23T30';
    END IF;
    IF btrim(coalesce(NEW.website, '')) = '' OR btrim(coalesce(NEW.digital_channel, '')) = '' THEN
        RAISE EXCEPTION 'issuer settings refused: the website or the digital channel for appeals is missing; letters must say how to appeal digitally'
            USING ERRCODE = '23T30';
    END IF;
    IF NEW.orgnr IS NOT NULL AND NOT tilskot.orgnr_is_valid(NEW.orgnr) THEN
        RAISE EXCEPTION 'issuer settings refused: organisation number % is not valid (9 digits, mod 11)', NEW.orgnr
            USING ERRCODE = '23T30';
    END IF;
    IF NEW.repayment_account IS NOT NULL AND NOT tilskot.bank_account_is_valid(NEW.repayment_account) THEN
        RAISE EXCEPTION 'issuer settings refused: repayment account % is not a valid Norwegian account number (11 digits, mod 11)', NEW.repayment_account
            USING ERRCODE = '23T30';
    END IF;
    NEW.singleton := true;
    NEW.changed_by := actor;
    NEW.changed_at := now();
    RETURN NEW;
END
$$;

-- The people behind the logins, as letters name them.
CREATE OR REPLACE FUNCTION tilskot.staff_before_write() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    admin boolean := tilskot.is_member(actor, 'tilskot_admin');
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.login IS DISTINCT FROM OLD.login THEN
        RAISE EXCEPTION 'staff details refused: the login of a staff row cannot change; add the new user''s details instead'
            USING ERRCODE = '23T30';
    END IF;
    IF NOT admin THEN
        IF TG_OP = 'INSERT' OR NEW.login <> actor THEN
            PERFORM tilskot.require_letter_role('staff details');
        END IF;
        IF NEW.full_name IS DISTINCT FROM OLD.full_name OR NEW.job_title IS DISTINCT FROM OLD.job_title THEN
            RAISE EXCEPTION 'staff details refused: the name and title letters are signed with are set by an administrator (tilskot user set %); you may change your own e-mail and telephone', NEW.login
                USING ERRCODE = '42T08';
        END IF;
    END IF;
    IF TG_OP = 'INSERT' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = NEW.login AND r.rolcanlogin) THEN
        RAISE EXCEPTION 'staff details refused: there is no user %; add it with `tilskot user add % --role …`', NEW.login, NEW.login
            USING ERRCODE = '23T12';
    END IF;
    IF btrim(coalesce(NEW.full_name, '')) = '' THEN
        RAISE EXCEPTION 'staff details refused: the full name of % is missing; letters are signed with it (--name)', NEW.login
            USING ERRCODE = '23T30';
    END IF;
    IF NEW.job_title IS NOT NULL AND btrim(NEW.job_title) = '' THEN
        NEW.job_title := NULL;
    END IF;
    IF NEW.email IS NOT NULL AND NEW.email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' THEN
        RAISE EXCEPTION 'staff details refused: e-mail address "%" is not of the form name@domain.no', NEW.email
            USING ERRCODE = '23T30';
    END IF;
    IF NEW.phone IS NOT NULL AND NEW.phone !~ '^\+?[0-9 ]{8,20}$' THEN
        RAISE EXCEPTION 'staff details refused: telephone number "%" is not 8 to 20 digits (spaces and a leading + allowed)', NEW.phone
            USING ERRCODE = '23T30';
    END IF;
    NEW.changed_by := actor;
    NEW.changed_at := now();
    RETURN NEW;
END
$$;

-- A scheme's regulations, by title, adoption date and the day they came into force.
CREATE OR REPLACE FUNCTION tilskot.scheme_regulation_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    code text;
BEGIN
    PERFORM tilskot.require_letter_role('scheme regulations');
    SELECT s.code INTO code FROM tilskot.scheme s WHERE s.id = NEW.scheme_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'scheme regulations refused: there is no scheme with id %', NEW.scheme_id USING ERRCODE = '23T12';
    END IF;
    IF btrim(coalesce(NEW.title, '')) = '' THEN
        RAISE EXCEPTION 'scheme regulations refused: the title is missing; letters cite the regulations by title and date (fvl. § 25 first paragraph)'
            USING ERRCODE = '23T30';
    END IF;
    IF NEW.url IS NOT NULL AND NEW.url !~ '^https?://[^\s]+$' THEN
        RAISE EXCEPTION 'scheme regulations refused: link "%" is not an http(s) address', NEW.url USING ERRCODE = '23T30';
    END IF;
    IF NEW.adopted_on > NEW.in_force_from THEN
        RAISE EXCEPTION 'scheme regulations refused: adopted % but in force from %, before they were adopted; give the day they came into force (--in-force-from)',
            tilskot.iso_date(NEW.adopted_on), tilskot.iso_date(NEW.in_force_from) USING ERRCODE = '23T30';
    END IF;
    IF EXISTS (SELECT 1 FROM tilskot.scheme_regulation r WHERE r.scheme_id = NEW.scheme_id AND r.in_force_from = NEW.in_force_from) THEN
        RAISE EXCEPTION 'scheme regulations refused: % already has regulations in force from %; regulations are kept, so add the new ones from the day they come into force',
            code, tilskot.iso_date(NEW.in_force_from) USING ERRCODE = '23T11';
    END IF;
    NEW.created_by := actor;
    NEW.created_at := now();
    RETURN NEW;
END
$$;

-- Who hears appeals against a scheme's decisions, from a date.
CREATE OR REPLACE FUNCTION tilskot.scheme_appeal_body_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    code text;
BEGIN
    PERFORM tilskot.require_letter_role('appeal body');
    SELECT s.code INTO code FROM tilskot.scheme s WHERE s.id = NEW.scheme_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'appeal body refused: there is no scheme with id %', NEW.scheme_id USING ERRCODE = '23T12';
    END IF;
    IF btrim(coalesce(NEW.name_nn, '')) = '' OR btrim(coalesce(NEW.name_nb, '')) = '' OR btrim(coalesce(NEW.name_en, '')) = '' THEN
        RAISE EXCEPTION 'appeal body refused: its name is missing in nn, nb or en; give all three (--nn, --nb, --en)'
            USING ERRCODE = '23T30';
    END IF;
    IF EXISTS (SELECT 1 FROM tilskot.scheme_appeal_body b WHERE b.scheme_id = NEW.scheme_id AND b.from_date = NEW.from_date) THEN
        RAISE EXCEPTION 'appeal body refused: % already has an appeal body from %; the record is kept, so add the next one from the day it takes over',
            code, tilskot.iso_date(NEW.from_date) USING ERRCODE = '23T11';
    END IF;
    NEW.created_by := actor;
    NEW.created_at := now();
    RETURN NEW;
END
$$;

-- The appeal body of a scheme on a day (the newest from_date on or before it), NULL when none is
-- configured. H2's forwarding (fvl. § 33 fourth paragraph) records its name_nn; letters read the row.
CREATE OR REPLACE FUNCTION tilskot.scheme_appeal_body_on(scheme_id bigint, on_day date) RETURNS tilskot.scheme_appeal_body
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT b.* FROM tilskot.scheme_appeal_body b
     WHERE b.scheme_id = scheme_appeal_body_on.scheme_id AND b.from_date <= on_day
     ORDER BY b.from_date DESC LIMIT 1
$$;

-- The regulations of a scheme in force on a day (the newest in_force_from on or before it).
CREATE OR REPLACE FUNCTION tilskot.scheme_regulation_on(scheme_id bigint, on_day date) RETURNS tilskot.scheme_regulation
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT r.* FROM tilskot.scheme_regulation r
     WHERE r.scheme_id = scheme_regulation_on.scheme_id AND r.in_force_from <= on_day
     ORDER BY r.in_force_from DESC LIMIT 1
$$;

-- Triggers (within one timing PostgreSQL fires them in name order: a0_ and aa_ first, zz_ last).

-- on tilskot.issuer
CREATE OR REPLACE TRIGGER issuer_before_write BEFORE INSERT OR UPDATE ON tilskot.issuer FOR EACH ROW EXECUTE FUNCTION tilskot.issuer_before_write();

-- on tilskot.staff
CREATE OR REPLACE TRIGGER staff_before_write BEFORE INSERT OR UPDATE ON tilskot.staff FOR EACH ROW EXECUTE FUNCTION tilskot.staff_before_write();

-- on tilskot.scheme_regulation
CREATE OR REPLACE TRIGGER scheme_regulation_before_insert BEFORE INSERT ON tilskot.scheme_regulation FOR EACH ROW EXECUTE FUNCTION tilskot.scheme_regulation_before_insert();

-- on tilskot.scheme_appeal_body
CREATE OR REPLACE TRIGGER scheme_appeal_body_before_insert BEFORE INSERT ON tilskot.scheme_appeal_body FOR EACH ROW EXECUTE FUNCTION tilskot.scheme_appeal_body_before_insert();


-- Who may do what (everything not granted here is refused). Everyone who writes or reads letters
-- reads the settings; the sample's and the CLI's writers are named above.
GRANT SELECT ON TABLE tilskot.issuer, tilskot.staff, tilskot.scheme_regulation, tilskot.scheme_appeal_body
    TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT INSERT (name_nn, name_nb, name_en, orgnr, postal_address, email, website, phone, digital_channel, repayment_account)
    ON TABLE tilskot.issuer TO tilskot_admin;
GRANT UPDATE (name_nn, name_nb, name_en, orgnr, postal_address, email, website, phone, digital_channel, repayment_account)
    ON TABLE tilskot.issuer TO tilskot_admin;
GRANT INSERT (login, full_name, job_title, email, phone) ON TABLE tilskot.staff TO tilskot_admin;
GRANT UPDATE (full_name, job_title, email, phone) ON TABLE tilskot.staff TO tilskot_admin;
GRANT UPDATE (email, phone) ON TABLE tilskot.staff TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor;
GRANT INSERT (scheme_id, title, adopted_on, in_force_from, url) ON TABLE tilskot.scheme_regulation TO tilskot_manager, tilskot_admin;
GRANT INSERT (scheme_id, from_date, name_nn, name_nb, name_en) ON TABLE tilskot.scheme_appeal_body TO tilskot_manager, tilskot_admin;
REVOKE ALL ON FUNCTION tilskot.require_letter_role(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.require_letter_role(text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.issuer_before_write() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.staff_before_write() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.scheme_regulation_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.scheme_appeal_body_before_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.scheme_appeal_body_on(bigint, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.scheme_regulation_on(bigint, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.scheme_appeal_body_on(bigint, date), tilskot.scheme_regulation_on(bigint, date)
    TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
