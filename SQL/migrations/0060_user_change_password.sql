-- An administrator setting another user's password (`tilskot user password USER`, issue 20) is a
-- user change like the others: a row here names who set whose password and when. The password
-- itself is never stored here — not even its SCRAM verifier, which goes to the role keeper only.
-- (A person's change of their own password, ALTER ROLE CURRENT_USER, is theirs and PostgreSQL's:
-- no trigger can see it; docs/web.md says so.)
ALTER TABLE tilskot.user_change DROP CONSTRAINT user_change_known;
ALTER TABLE tilskot.user_change ADD CONSTRAINT user_change_known
    CHECK (change IN ('add', 'role add', 'role remove', 'disable', 'password'));
ALTER TABLE tilskot.user_change DROP CONSTRAINT user_change_role_given;
ALTER TABLE tilskot.user_change ADD CONSTRAINT user_change_role_given
    CHECK ((change IN ('disable', 'password')) = (role IS NULL));
