-- Prepares an existing PostgreSQL (15 or later) for tilskot: the group roles, the role that owns the
-- schema, the login that runs migrations and adds users, the database, and a first admin.
-- `tilskot migrate` then creates everything else. Run it once as a superuser (or a role with
-- CREATEROLE and CREATEDB); running it again changes nothing.
--
--   psql -X -v ON_ERROR_STOP=1 -d postgres -f deploy/create-roles.sql \
--        -v dbname=tilskot -v admin=ada -v deployer=tilskot_deploy
--
-- Variables (all optional): dbname (default tilskot), admin (the first admin's login; default
-- tilskot_first_admin), deployer (default tilskot_deploy), local (default off).
--
-- The embedded local database (`tilskot db start`) and the test harness run this same file (it is
-- built into the binary) with `-v local=on`: the same roles, owner and database rights, but no
-- deployer or admin login — there the cluster's bootstrap superuser migrates by SET ROLE
-- tilskot_owner and adds the users. So on both setups every table, trigger and SECURITY DEFINER
-- function belongs to tilskot_owner, which is not a superuser (issue 14), and nobody but the owner
-- may create temporary tables (a definer function must never meet a look-alike the caller made).
--
-- No password is set here, so none lands in a shell history, a process list or the server log.
-- Give each login one afterwards with psql's \password (it sends only a SCRAM verifier), or let them
-- log in with Kerberos (gss) as pg_hba.conf.example shows:
--
--   psql -X -d postgres -c '\password tilskot_deploy'
--
-- Why an owner nobody logs in as: the owner of a table may disable its triggers, drop its rules and
-- grant itself anything. tilskot_owner is NOLOGIN; the deployer reaches it only because its login
-- sets `role = tilskot_owner` (ALTER ROLE … SET role), and the deployer's credentials belong to the
-- DBA, not to caseworkers, managers or the tilskot admin. See docs/threat-model.md.

\if :{?dbname}
\else
    \set dbname tilskot
\endif
\if :{?admin}
\else
    \set admin tilskot_first_admin
\endif
\if :{?deployer}
\else
    \set deployer tilskot_deploy
\endif
\if :{?local}
\else
    \set local off
\endif

-- The group roles of design.md: the same list and the same logic as SQL/migrations/0001.
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
    -- Owns the database, the schema and every table and function in it. CREATEROLE so that the
    -- admin functions it owns (SQL/schema/18_users.sql: `tilskot user add | role | disable`) can
    -- create users and put them in a group, for an administrator or the deployer; no person's
    -- role has CREATEROLE.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tilskot_owner') THEN
        CREATE ROLE tilskot_owner NOLOGIN CREATEROLE;
    END IF;
END
$$;

-- The deployer: a login whose every session acts as tilskot_owner (what `tilskot migrate` and
-- `tilskot user add` need). Names are passed to format() as values, never spliced into SQL text.
\if :local
\else
SELECT format('CREATE ROLE %I LOGIN', :'deployer')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'deployer') \gexec
SELECT format('GRANT tilskot_owner TO %I', :'deployer') \gexec
SELECT format('ALTER ROLE %I SET role = tilskot_owner', :'deployer') \gexec
\endif

-- The database, owned by tilskot_owner, which therefore owns its public schema (PostgreSQL 15:
-- pg_database_owner) and may revoke CREATE on it from everyone (0001 does).
SELECT format('CREATE DATABASE %I OWNER tilskot_owner ENCODING ''UTF8'' TEMPLATE template0', :'dbname')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname') \gexec
-- A database made before (the embedded cluster's createdb, a copy of a template) passes to the owner.
SELECT format('ALTER DATABASE %I OWNER TO tilskot_owner', :'dbname') \gexec
-- Only tilskot's roles connect, and nobody makes temporary tables or schemas: the import's staging
-- tables are made by its SECURITY DEFINER functions, as the owner (who keeps TEMP as the owner).
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'dbname') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO tilskot_caseworker, tilskot_manager, tilskot_finance, '
              'tilskot_auditor, tilskot_admin, tilskot_participant_reader', :'dbname') \gexec
\if :local
\else
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'dbname', :'deployer') \gexec
\endif

-- A session left idle inside a transaction holds its locks (one open registration holds the
-- tally row every decision of that applicant group in the round must update): end it rather than
-- let one forgotten psql stop the deciders. This is the floor for every session of the database,
-- the owner's and a superuser's too; casework logins get tighter limits of their own from
-- `tilskot user add` (idle 60 s, lock wait 10 s, statement 5 min: ALTER ROLE … SET, since settings
-- of a group role do not reach its members), and since anyone may SET these back to 0 for their
-- own session, `tilskot db watchdog` ends what they no longer bound (deploy/README.md, section 7).
SELECT format('ALTER DATABASE %I SET idle_in_transaction_session_timeout = ''15min''', :'dbname') \gexec
-- A client killed in the middle of a long statement (an import) is noticed within 10 seconds, not
-- only when the statement ends, so its transaction is rolled back and its locks freed sooner.
SELECT format('ALTER DATABASE %I SET client_connection_check_interval = ''10s''', :'dbname') \gexec

-- The watchdog (`tilskot db watchdog`, deploy/tilskot-watchdog.service): a NOLOGIN role with the two
-- rights it needs and no more — see every session's state (pg_read_all_stats) and end sessions
-- that are not a superuser's (pg_signal_backend) — granted to the deployer, whose watchdog run takes
-- it with SET ROLE. Not a superuser, and not the owner: tilskot_owner never gets pg_signal_backend,
-- so no function it owns can end a session. Migration 0053 lets it call tilskot.watchdog_sweep.
-- Each grant only when missing: this file runs for every database the test harness makes, in
-- parallel, and concurrent GRANTs of one membership collide.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tilskot_watchdog') THEN
        CREATE ROLE tilskot_watchdog NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;   -- made at the same moment by another run of this file
END
$$;
SELECT format('GRANT %I TO tilskot_watchdog', r)
  FROM unnest(ARRAY['pg_signal_backend', 'pg_read_all_stats']) r
 WHERE NOT EXISTS (SELECT 1 FROM pg_auth_members m
                    WHERE m.roleid = r::regrole AND m.member = 'tilskot_watchdog'::regrole) \gexec
\if :local
\else
SELECT format('GRANT tilskot_watchdog TO %I', :'deployer')
 WHERE NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member
                    WHERE m.roleid = 'tilskot_watchdog'::regrole AND u.rolname = :'deployer') \gexec
\endif

-- The first admin: a person in tilskot_admin (all a manager may do, and managing users through
-- tilskot's admin functions). Not the deployer, and not an owner: an admin cannot disable a
-- trigger or rewrite the audit log either. Made here, before the schema exists, so the audit log
-- has no entry for this one membership; the deployer's `tilskot user add <login> --role admin`
-- after `tilskot migrate` records it (it changes nothing else), and every later user change is
-- recorded as it is made (README, "Nobody acts nameless").
\if :local
\else
SELECT format('CREATE ROLE %I LOGIN', :'admin')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'admin') \gexec
SELECT format('GRANT tilskot_admin TO %I', :'admin') \gexec

\echo 'tilskot: roles and database ready. Next: set passwords (\\password), then run `tilskot migrate` as the deployer.'
\endif
