-- How long a notice (underretning, fvl. § 27) sent by each channel is presumed to take to reach the
-- party when the day it arrived is not known. The appeal deadline runs from the day the notice
-- reached the party (fvl. § 29 first paragraph), so these days move deadlines: an installation
-- setting, changed by an administrator, recorded in the audit log. A notice keeps the day it was
-- presumed to arrive when it was registered, so a later change moves no deadline already running.
-- The defaults and why: docs/casework.md (digital and e-mail 1 day, post 7 days).
CREATE TABLE tilskot.notice_channel (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel       text NOT NULL CONSTRAINT notice_channel_unique UNIQUE
        CONSTRAINT notice_channel_known CHECK (channel IN ('digital', 'post', 'email')),
    presumed_days integer NOT NULL CONSTRAINT notice_channel_days_range CHECK (presumed_days BETWEEN 0 AND 14)
);

INSERT INTO tilskot.notice_channel (channel, presumed_days) VALUES ('digital', 1), ('email', 1), ('post', 7);

-- The defaults enter the audit log as this migration's (the audit trigger on the table comes with
-- the schema files, which run after the numbered steps), so every row has its INSERT entry. The
-- actor is the person who ran the migration (the login, as tilskot.acting_user() names it when the
-- schema owner acts), not the owner role: the audit log names people.
INSERT INTO tilskot.audit_log (actor, table_name, row_id, action, new, reason)
SELECT session_user, 'notice_channel', c.id, 'INSERT', to_jsonb(c), 'the defaults of migration 0003_notice_channels'
  FROM tilskot.notice_channel c ORDER BY c.id;
