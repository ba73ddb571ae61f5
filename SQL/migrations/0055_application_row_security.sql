-- The portal user (issue 19): machine clients (a grant portal with a Maskinporten token) register
-- applications and read the status of those they registered, and nothing else. Which rows a role
-- sees of tilskot.application is row-level security's: ENABLEd here, not FORCEd, so the owner — and
-- so every SECURITY DEFINER function and trigger, which run as tilskot_owner — keeps seeing every
-- row (a registration's rules, the reference number, the case guard, the reports). The policies are
-- in SQL/schema/21_portal.sql (and those of tilskot.decision, below): `true` for each staff group, `registered_by = current_user` for
-- tilskot_portal. With RLS on, a role that has a privilege and no policy sees no row at all, which
-- PortalRoleTests guards against for every grant.
ALTER TABLE tilskot.application ENABLE ROW LEVEL SECURITY;
-- An application's summary (the answer to a registration, its status) shows what its current
-- decision grants: the portal reads the decisions of its own applications, and no other.
ALTER TABLE tilskot.decision ENABLE ROW LEVEL SECURITY;

-- A portal login is a user like any other: `tilskot user add portal-x --role portal` writes its
-- user_change row.
ALTER TABLE tilskot.user_change DROP CONSTRAINT user_change_role_known;
ALTER TABLE tilskot.user_change ADD CONSTRAINT user_change_role_known
    CHECK (role IN ('tilskot_caseworker', 'tilskot_manager', 'tilskot_finance', 'tilskot_auditor', 'tilskot_admin',
                    'tilskot_participant_reader', 'tilskot_portal'));
