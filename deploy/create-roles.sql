-- Prepares an existing PostgreSQL (15 or later) for tilskot: the group roles, the role that owns the
-- schema, the login that runs migrations and adds users, the database, and a first admin.
-- `tilskot migrate` then creates everything else. Run it once as a superuser (or a role with
-- CREATEROLE and CREATEDB); running it again changes nothing.
--
--   psql -X -v ON_ERROR_STOP=1 -d postgres -f deploy/create-roles.sql \
--        -v dbname=tilskot -v admin=ada -v deployer=tilskot_deploy
--
-- Variables (all optional): dbname (default tilskot), admin (the first admin's login; default
-- tilskot_first_admin), deployer (default tilskot_deploy).
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
    -- Owns the database, the schema and every table and function in it. CREATEROLE so that
    -- `tilskot user add`, run by the deployer, can create users and put them in a group.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tilskot_owner') THEN
        CREATE ROLE tilskot_owner NOLOGIN CREATEROLE;
    END IF;
END
$$;

-- The deployer: a login whose every session acts as tilskot_owner (what `tilskot migrate` and
-- `tilskot user add` need). Names are passed to format() as values, never spliced into SQL text.
SELECT format('CREATE ROLE %I LOGIN', :'deployer')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'deployer') \gexec
SELECT format('GRANT tilskot_owner TO %I', :'deployer') \gexec
SELECT format('ALTER ROLE %I SET role = tilskot_owner', :'deployer') \gexec

-- The database, owned by tilskot_owner, which therefore owns its public schema (PostgreSQL 15:
-- pg_database_owner) and may revoke CREATE on it from everyone (0001 does).
SELECT format('CREATE DATABASE %I OWNER tilskot_owner ENCODING ''UTF8'' TEMPLATE template0', :'dbname')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname') \gexec
-- Only tilskot's roles connect, and nobody makes temporary tables (nothing of ours needs them).
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'dbname') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO tilskot_caseworker, tilskot_manager, tilskot_finance, '
              'tilskot_auditor, tilskot_admin, tilskot_participant_reader, %I', :'dbname', :'deployer') \gexec

-- A session left idle inside a transaction holds its locks (a decision holds its round's row):
-- end it rather than let one forgotten psql stop every decider of the round.
SELECT format('ALTER DATABASE %I SET idle_in_transaction_session_timeout = ''15min''', :'dbname') \gexec
-- A client killed in the middle of a long statement (an import) is noticed within 10 seconds, not
-- only when the statement ends, so its transaction is rolled back and its locks freed sooner.
SELECT format('ALTER DATABASE %I SET client_connection_check_interval = ''10s''', :'dbname') \gexec

-- The first admin: a person in tilskot_admin (all a manager may do). Not the deployer, and not an
-- owner: an admin cannot disable a trigger or rewrite the audit log either.
SELECT format('CREATE ROLE %I LOGIN', :'admin')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'admin') \gexec
SELECT format('GRANT tilskot_admin TO %I', :'admin') \gexec

\echo 'tilskot: roles and database ready. Next: set passwords (\\password), then run `tilskot migrate` as the deployer.'
