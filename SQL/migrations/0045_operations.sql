-- Running tilskot for real (issue 18): the installation's time zone, the lineage that guards
-- reference numbers after a restore, and the record of backups. Their functions, triggers and
-- grants: SQL/schema/19_operations.sql.

-- The installation: one row. Its time zone decides the date of a decision, a notice, a payment or a
-- deadline (tilskot.today()), whatever time zone a client's session has; timestamps stay timestamptz.
CREATE TABLE tilskot.installation (
    id         integer PRIMARY KEY DEFAULT 1 CONSTRAINT installation_one_row CHECK (id = 1),
    time_zone  text NOT NULL DEFAULT 'Europe/Oslo',
    changed_by text NOT NULL DEFAULT session_user,
    changed_at timestamptz NOT NULL DEFAULT now() CONSTRAINT installation_changed_at_finite CHECK (isfinite(changed_at))
);
-- Its row is inserted by SQL/schema/19_operations.sql, after its audit trigger exists.

-- Dates were defaulted by current_date, the date in the session's time zone; they default to the
-- installation's date now (tilskot.today(), SQL/schema/00_foundation.sql), set by
-- SQL/schema/19_operations.sql once that function exists — the topic files load after the migrations,
-- in the same transaction.
ALTER TABLE tilskot.application ALTER COLUMN received DROP DEFAULT;
ALTER TABLE tilskot.decision ALTER COLUMN decision_date DROP DEFAULT;
ALTER TABLE tilskot.reminder ALTER COLUMN sent_on DROP DEFAULT;
ALTER TABLE tilskot.clawback ALTER COLUMN decision_date DROP DEFAULT;
ALTER TABLE tilskot.appeal_step ALTER COLUMN step_date DROP DEFAULT;

-- Which database issues reference numbers: the cluster (its system identifier), the WAL timeline
-- and the database's oid at the first registration. A restore from a dump (a new database), a
-- point-in-time recovery or a promoted standby (a new timeline) or a copy on another server (another
-- system identifier) is another database, which may lack registrations the original made after the
-- backup — and would give their numbers to other applications. One row.
CREATE TABLE tilskot.numbering_lineage (
    id                integer PRIMARY KEY DEFAULT 1 CONSTRAINT numbering_lineage_one_row CHECK (id = 1),
    system_identifier bigint NOT NULL,
    timeline          integer NOT NULL,
    database_oid      oid NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT now() CONSTRAINT numbering_lineage_recorded_at_finite CHECK (isfinite(recorded_at))
);

-- Each time numbering was resumed on a database found to be restored or copied: by whom, why, and
-- how far every round's numbers were moved on.
CREATE TABLE tilskot.numbering_resumption (
    id                bigserial PRIMARY KEY,
    at                timestamptz NOT NULL DEFAULT now() CONSTRAINT numbering_resumption_at_finite CHECK (isfinite(at)),
    resumed_by        text NOT NULL,
    reason            text NOT NULL,
    skip              bigint NOT NULL CONSTRAINT numbering_resumption_skip_range CHECK (skip BETWEEN 0 AND 1000000),
    from_lineage      text NOT NULL,
    to_lineage        text NOT NULL
);

-- Backups that proved themselves (deploy/backup-restore, deploy/pitr/base-backup), written by the
-- DBA's tools after their check passed; `tilskot db check` reports the age of the last one.
CREATE TABLE tilskot.backup_run (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL CONSTRAINT backup_run_kind_known CHECK (kind IN ('dump', 'base', 'wal')),
    file        text NOT NULL,
    started_at  timestamptz CONSTRAINT backup_run_started_at_finite CHECK (isfinite(started_at)),
    finished_at timestamptz NOT NULL DEFAULT now() CONSTRAINT backup_run_finished_at_finite CHECK (isfinite(finished_at)),
    verified    boolean NOT NULL DEFAULT false,
    bytes       bigint,
    recorded_by text NOT NULL DEFAULT session_user
);
CREATE INDEX backup_run_kind_finished_idx ON tilskot.backup_run (kind, finished_at DESC);
