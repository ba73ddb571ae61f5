-- The import's staging tables for a session that acts through SET ROLE to a group role.
--
-- Since 0040, acting_user() is the login when the chosen role cannot log in (SET ROLE
-- tilskot_caseworker from kari's login acts as kari). import_begin granted the staging tables to the
-- acting user only, but COPY and SELECT check the current role — the group role then — and were
-- refused. Grant them to the current role as well; the import still records and checks the acting
-- user, as every registration does.
CREATE OR REPLACE FUNCTION tilskot.import_begin() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET client_min_messages = warning
AS $$
DECLARE
    actor text := tilskot.acting_user();
    -- The role the caller chose with SET ROLE (inside this function current_user is the owner).
    chosen text := nullif(current_setting('role'), 'none');
    grantee text;
BEGIN
    PERFORM tilskot.import_require_registrar(actor);
    DROP TABLE IF EXISTS pg_temp.application_import, pg_temp.application_import_error;
    -- Every value as text: the checks in import_applications say what is wrong with it, line by line.
    CREATE TEMPORARY TABLE application_import (
        line             integer NOT NULL,
        round            text,
        orgnr            text,
        title            text,
        amount           text,
        received         text,
        external_ref     text,
        org_name         text,
        org_kind         text,
        org_municipality text
    ) ON COMMIT DROP;
    CREATE TEMPORARY TABLE application_import_error (
        line        integer NOT NULL,
        ord         integer NOT NULL,
        column_name text NOT NULL,
        message     text NOT NULL
    ) ON COMMIT DROP;
    FOREACH grantee IN ARRAY array_remove(ARRAY[actor, CASE WHEN chosen IS DISTINCT FROM actor THEN chosen END], NULL)
    LOOP
        EXECUTE format('GRANT INSERT ON pg_temp.application_import TO %I', grantee);
        EXECUTE format('GRANT SELECT ON pg_temp.application_import_error TO %I', grantee);
    END LOOP;
END
$$;
