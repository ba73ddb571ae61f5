-- Running tilskot for real (issue 18): the installation's day, the guard on reference numbers after a
-- restore, and the record of backups. The tables: SQL/migrations/0045_operations.sql.
--
-- Codes: 23T60 numbering stopped (restored or copied database), 23T61 installation settings,
-- 23T62 resuming numbering, 42T09 administrators only (SQL/schema/README.md lists every code).

-- The roles this file grants to are made by deploy/create-roles.sql as a superuser; a server prepared
-- before issue 18 lacks them, and must have that file run again before `tilskot migrate`.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tilskot_monitor')
       OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tilskot_user_keeper')
       OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tilskot_authenticator')
       OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tilskot_portal') THEN
        RAISE EXCEPTION 'migration refused: this server lacks the roles tilskot 0.2 needs (tilskot_user_keeper, tilskot_monitor, tilskot_authenticator, tilskot_portal); a superuser runs deploy/create-roles.sql again (it changes nothing else), then `tilskot migrate`'
            USING ERRCODE = '42T09';
    END IF;
END
$$;


-- tilskot.today() and tilskot.installation_time_zone() are in 00_foundation.sql: rules of every file
-- ask them, some in SQL-standard function bodies that are bound when they are made.

-- The dates a row may leave out default to the installation's day (the BEFORE INSERT triggers give
-- the same; the default serves a row written past them, e.g. in replica mode, with the same day).
ALTER TABLE tilskot.application ALTER COLUMN received SET DEFAULT tilskot.today();
ALTER TABLE tilskot.decision ALTER COLUMN decision_date SET DEFAULT tilskot.today();
ALTER TABLE tilskot.reminder ALTER COLUMN sent_on SET DEFAULT tilskot.today();
ALTER TABLE tilskot.clawback ALTER COLUMN decision_date SET DEFAULT tilskot.today();
ALTER TABLE tilskot.appeal_step ALTER COLUMN step_date SET DEFAULT tilskot.today();

-- Changing the time zone: administrators only, a zone PostgreSQL knows by name (Europe/Oslo, not
-- CET or +01), audited like every setting.
CREATE OR REPLACE FUNCTION tilskot.installation_before_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
BEGIN
    IF NOT tilskot.is_member(actor, 'tilskot_admin') THEN
        RAISE EXCEPTION 'installation settings refused: % is not an administrator; only members of tilskot_admin set the installation''s time zone (tilskot installation set --time-zone)', actor
            USING ERRCODE = '42T09';
    END IF;
    NEW.time_zone := btrim(NEW.time_zone);
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = NEW.time_zone) THEN
        RAISE EXCEPTION 'installation settings refused: "%" is not a time zone PostgreSQL knows by name; give a region name such as Europe/Oslo (SELECT name FROM pg_timezone_names lists them)', NEW.time_zone
            USING ERRCODE = '23T61';
    END IF;
    NEW.id := 1;
    NEW.changed_by := actor;
    NEW.changed_at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER installation_before_update BEFORE UPDATE ON tilskot.installation FOR EACH ROW EXECUTE FUNCTION tilskot.installation_before_update();
CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.installation FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('installation settings');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.installation FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('installation settings');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.installation FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();
-- The one row, with the default zone, the first time this file is applied (audited as made by the migration).
INSERT INTO tilskot.installation (id) VALUES (1) ON CONFLICT (id) DO NOTHING;


-- Reference numbers are never given twice (issue 18). A round's numbers come from a sequence
-- (04_applications.sql), and a database restored from a backup — a dump, a point-in-time recovery,
-- a promoted standby that had not received everything, a copy on another server — has the
-- sequences as they were at the backup: it would give the numbers production issued after it to
-- other applications, while letters and payments already name them. So the database that issues
-- numbers is recorded at its first registration (the cluster's system identifier, its WAL
-- timeline, the database's oid), and a registration in any other stops with a sentence until an
-- administrator resumes numbering beyond what the original may have issued.
CREATE OR REPLACE FUNCTION tilskot.numbering_lineage_here(OUT system_identifier bigint, OUT timeline integer, OUT database_oid oid)
    LANGUAGE sql VOLATILE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT (SELECT c.system_identifier FROM pg_catalog.pg_control_system() c),
           ('x' || substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()), 1, 8))::bit(32)::integer,
           (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
$$;

CREATE OR REPLACE FUNCTION tilskot.numbering_lineage_text(system_identifier bigint, timeline integer, database_oid oid) RETURNS text
    LANGUAGE sql IMMUTABLE
AS $$ SELECT format('system %s, timeline %s, database %s', system_identifier, timeline, database_oid) $$;

-- A statement trigger on tilskot.application: once per registration or import statement, after
-- named_actor (statement triggers fire in name order) and before any row takes a number.
CREATE OR REPLACE FUNCTION tilskot.numbering_lineage_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    here record;
    recorded tilskot.numbering_lineage;
BEGIN
    here := tilskot.numbering_lineage_here();
    SELECT * INTO recorded FROM tilskot.numbering_lineage;
    IF NOT FOUND THEN
        INSERT INTO tilskot.numbering_lineage (system_identifier, timeline, database_oid)
        VALUES (here.system_identifier, here.timeline, here.database_oid)
        ON CONFLICT (id) DO NOTHING;
        RETURN NULL;
    END IF;
    IF (recorded.system_identifier, recorded.timeline, recorded.database_oid)
       IS DISTINCT FROM (here.system_identifier, here.timeline, here.database_oid) THEN
        RAISE EXCEPTION '% refused: this database is not the one that gave its reference numbers and KIDs (it was restored, copied or promoted: it issued them as %, it is now %), so numbers it would give may already stand on letters and payments of the original; an administrator finds how many registrations the original may have made since the backup and runs `tilskot db resume-numbering --skip N --reason "…"` (docs/backup-and-recovery.md)',
            TG_ARGV[0], tilskot.numbering_lineage_text(recorded.system_identifier, recorded.timeline, recorded.database_oid),
            tilskot.numbering_lineage_text(here.system_identifier, here.timeline, here.database_oid)
            USING ERRCODE = '23T60';
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER numbering_lineage BEFORE INSERT ON tilskot.application FOR EACH STATEMENT EXECUTE FUNCTION tilskot.numbering_lineage_check('registration');
-- A claw-back's KID is made of the application's and the claw-back's ids (11_clawbacks.sql): the
-- bank would credit a repayment to whichever claw-back now bears it.
CREATE OR REPLACE TRIGGER numbering_lineage BEFORE INSERT ON tilskot.clawback FOR EACH STATEMENT EXECUTE FUNCTION tilskot.numbering_lineage_check('claw-back');

-- Resumes numbering on a restored or copied database: every round's numbers move on by `skip`
-- past the highest number in the data or its sequence, whichever is higher, and this database
-- becomes the one that issues them. Administrators only, with a reason; recorded and audited.
-- Returns the number of rounds moved on.
CREATE OR REPLACE FUNCTION tilskot.numbering_resume(skip bigint, reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    here record;
    recorded tilskot.numbering_lineage;
    r record;
    highest bigint;
    rounds integer := 0;
BEGIN
    IF NOT tilskot.is_member(actor, 'tilskot_admin') THEN
        RAISE EXCEPTION 'resuming numbering refused: % is not an administrator; only members of tilskot_admin resume reference numbers after a restore', actor
            USING ERRCODE = '42T09';
    END IF;
    IF btrim(coalesce(reason, '')) = '' THEN
        RAISE EXCEPTION 'resuming numbering refused: the reason is missing; say which backup was restored and how the skip was chosen (--reason)'
            USING ERRCODE = '23T62';
    END IF;
    IF skip IS NULL OR skip < 0 OR skip > 1000000 THEN
        RAISE EXCEPTION 'resuming numbering refused: the skip % is out of range; give 0 to 1 000 000 numbers per round (0 only when nothing can have been registered since the backup, e.g. after pg_upgrade)', skip
            USING ERRCODE = '23T62';
    END IF;
    here := tilskot.numbering_lineage_here();
    SELECT * INTO recorded FROM tilskot.numbering_lineage FOR UPDATE;
    IF FOUND AND (recorded.system_identifier, recorded.timeline, recorded.database_oid)
                 IS NOT DISTINCT FROM (here.system_identifier, here.timeline, here.database_oid) THEN
        RAISE EXCEPTION 'resuming numbering refused: this database is the one that gave its reference numbers (%); there is nothing to resume',
            tilskot.numbering_lineage_text(here.system_identifier, here.timeline, here.database_oid)
            USING ERRCODE = '23T62';
    END IF;
    FOR r IN SELECT id FROM tilskot.round ORDER BY id FOR UPDATE LOOP
        SELECT max(substring(a.reference FROM '[0-9]+$')::bigint) INTO highest FROM tilskot.application a WHERE a.round_id = r.id;
        EXECUTE format('SELECT greatest(last_value, %s) FROM %s', coalesce(highest, 0), tilskot.round_reference_sequence(r.id))
            INTO highest;
        PERFORM pg_catalog.setval(tilskot.round_reference_sequence(r.id), highest + skip, true);
        rounds := rounds + 1;
    END LOOP;
    -- Every id of the schema moves on as well: a claw-back's KID is made of ids, and no id the
    -- original may have given since the backup is given again.
    FOR r IN SELECT format('%I.%I', schemaname, sequencename) AS seq, coalesce(last_value, 0) AS at
               FROM pg_catalog.pg_sequences
              WHERE schemaname = 'tilskot' AND sequencename NOT LIKE 'round\_%\_reference' LOOP
        PERFORM pg_catalog.setval(r.seq::regclass, r.at + skip + 1, true);
    END LOOP;
    INSERT INTO tilskot.numbering_resumption (resumed_by, reason, skip, from_lineage, to_lineage)
    VALUES (actor, btrim(reason), skip,
            coalesce(tilskot.numbering_lineage_text(recorded.system_identifier, recorded.timeline, recorded.database_oid), 'none recorded'),
            tilskot.numbering_lineage_text(here.system_identifier, here.timeline, here.database_oid));
    INSERT INTO tilskot.numbering_lineage (system_identifier, timeline, database_oid)
    VALUES (here.system_identifier, here.timeline, here.database_oid)
    ON CONFLICT (id) DO UPDATE SET system_identifier = EXCLUDED.system_identifier, timeline = EXCLUDED.timeline,
                                          database_oid = EXCLUDED.database_oid, recorded_at = now();
    RETURN rounds;
END
$$;

CREATE OR REPLACE TRIGGER record_never_deleted BEFORE DELETE ON tilskot.numbering_resumption FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('numbering resumptions');
CREATE OR REPLACE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.numbering_resumption FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted('numbering resumptions');
CREATE OR REPLACE TRIGGER record_never_updated BEFORE UPDATE ON tilskot.numbering_resumption FOR EACH ROW EXECUTE FUNCTION tilskot.record_never_deleted('numbering resumptions');
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.numbering_resumption FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();
CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.numbering_lineage FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();


-- Who may do what. The time zone is no secret: every session asks for it (the CLI shows times in
-- it). Administrators change it; the backup record is for administrators, auditors and monitors.
REVOKE ALL ON TABLE tilskot.installation FROM PUBLIC;
GRANT SELECT ON TABLE tilskot.installation TO PUBLIC;
-- Every tilskot user may try, so that a non-administrator reads the trigger's sentence (42T09).
GRANT UPDATE (time_zone) ON TABLE tilskot.installation TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON TABLE tilskot.numbering_lineage, tilskot.numbering_resumption, tilskot.backup_run FROM PUBLIC;
GRANT SELECT ON TABLE tilskot.numbering_lineage, tilskot.numbering_resumption TO tilskot_admin, tilskot_auditor;
GRANT SELECT ON TABLE tilskot.backup_run TO tilskot_admin, tilskot_auditor, tilskot_monitor;
GRANT USAGE ON SCHEMA tilskot TO tilskot_monitor;
REVOKE ALL ON FUNCTION tilskot.installation_before_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.numbering_lineage_here() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.numbering_lineage_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.numbering_resume(bigint, text) FROM PUBLIC;
-- Every tilskot user may call it, so that a non-administrator reads its sentence (42T09) rather than
-- "permission denied".
GRANT EXECUTE ON FUNCTION tilskot.numbering_resume(bigint, text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;
