-- The group roles of design.md and the schema every tilskot table lives in.
-- Roles are cluster-wide, so they are created only when missing: several databases on one cluster
-- (the test harness, a staging copy) share them.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['tilskot_caseworker', 'tilskot_manager', 'tilskot_finance',
                             'tilskot_auditor', 'tilskot_admin', 'tilskot_participant_reader']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$$;

CREATE SCHEMA IF NOT EXISTS tilskot;
-- Nobody but the owner creates objects in the schema; the group roles may only use what is granted.
REVOKE ALL ON SCHEMA tilskot FROM PUBLIC;
GRANT USAGE ON SCHEMA tilskot TO tilskot_caseworker, tilskot_manager, tilskot_finance,
    tilskot_auditor, tilskot_admin, tilskot_participant_reader;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
