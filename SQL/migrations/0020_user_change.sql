-- Users and their roles as a record (issue 17): every user added, role given or taken away and user
-- disabled is a row here, written by tilskot.user_add / role_add / role_remove / user_disable
-- (SQL/schema/18_users.sql), whose trigger makes the change to the PostgreSQL roles and whose
-- audit entry names who made it. Users are roles of the cluster, which no table can hold; this is
-- what the database itself remembers of each change.
CREATE TABLE tilskot.user_change (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT clock_timestamp() CONSTRAINT user_change_at_finite CHECK (isfinite(at)),
    -- The login the change is about.
    login      text NOT NULL,
    change     text NOT NULL CONSTRAINT user_change_known CHECK (change IN ('add', 'role add', 'role remove', 'disable')),
    -- The group role given or taken away (tilskot_caseworker, …); for 'add' the first role.
    role       text CONSTRAINT user_change_role_known CHECK (role IN ('tilskot_caseworker', 'tilskot_manager', 'tilskot_finance',
                                                                     'tilskot_auditor', 'tilskot_admin', 'tilskot_participant_reader')),
    CONSTRAINT user_change_role_given CHECK ((change = 'disable') = (role IS NULL)),
    -- Who made it: the acting user, set by the trigger (never by the writer).
    changed_by text NOT NULL,
    reason     text
);

CREATE INDEX user_change_login_idx ON tilskot.user_change (login, id);
