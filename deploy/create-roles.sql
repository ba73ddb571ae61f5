-- Prepares an existing PostgreSQL (15 or later) for tilskot: the group roles, the role that owns the
-- schema, the login that runs migrations and adds users, the database, and a first admin.
-- `tilskot migrate` then creates everything else. Run it as a superuser: once when the server is
-- prepared, and again before `tilskot migrate` whenever an upgrade's notes say so (issue 18 added
-- the role keeper and the monitor role); running it again changes nothing else. The superuser's
-- credential is the setup credential: keep it with the DBA (docs/threat-model.md).
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
                             'tilskot_auditor', 'tilskot_admin', 'tilskot_participant_reader',
                             -- Machine clients (issue 19): register applications, read their own
                             -- (row-level security, SQL/schema/21_portal.sql).
                             'tilskot_portal']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
    -- Owns the database, the schema and every table and function in it. Not CREATEROLE (issue 18):
    -- on PostgreSQL 15 a role with CREATEROLE may grant itself any role but a superuser's —
    -- pg_execute_server_program included, which runs a shell as the server's OS user — and may set
    -- any user's password. The deployer's sessions act as the owner, so an owner with CREATEROLE
    -- made the deployer a superuser in all but name. Users are made by tilskot_user_keeper below.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tilskot_owner') THEN
        CREATE ROLE tilskot_owner NOLOGIN;
    END IF;
    -- The owners of the participant register's definer functions (SQL/migrations/0001_baseline.sql,
    -- issue 10), made here because making a role takes CREATEROLE, which the owner no longer has;
    -- the owner holds them to hand those functions over.
    FOREACH r IN ARRAY ARRAY['tilskot_participant_owner', 'tilskot_participant_steward']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
    -- The role keeper: the only tilskot role with CREATEROLE. Nobody is a member of it, nobody logs in
    -- as it; it owns one function (tilskot_keeper.apply_user_change, below), which makes exactly the
    -- changes `tilskot user add | role | disable` ask for and nothing else.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tilskot_user_keeper') THEN
        CREATE ROLE tilskot_user_keeper NOLOGIN CREATEROLE;
    END IF;
    -- For monitoring logins (`tilskot db check`, docs/operations.md): pg_monitor's statistics and the
    -- backup record, nothing of the cases.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tilskot_monitor') THEN
        CREATE ROLE tilskot_monitor NOLOGIN;
    END IF;
    -- The login of `tilskot serve` (issue 19; PostgREST's authenticator): owns nothing and can do
    -- nothing by itself (NOINHERIT, no group), is made a member of each tilskot user's login role by
    -- the role keeper, and per request becomes the user the request's token names, inside the
    -- request's transaction. Never a member of a group role, the owner's or the keeper's.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tilskot_authenticator') THEN
        CREATE ROLE tilskot_authenticator LOGIN NOINHERIT;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;   -- made at the same moment by another run of this file (the test harness runs it in parallel)
END
$$;

-- A server prepared before issue 18 gave the owner CREATEROLE: take it away (only if held, since two
-- runs at once would collide on the same catalog row).
SELECT 'ALTER ROLE tilskot_owner NOCREATEROLE' WHERE (SELECT rolcreaterole FROM pg_roles WHERE rolname = 'tilskot_owner') \gexec
SELECT format('GRANT %I TO tilskot_owner', r)
  FROM unnest(ARRAY['tilskot_participant_owner', 'tilskot_participant_steward']) r
 WHERE NOT pg_has_role('tilskot_owner', r, 'MEMBER') \gexec
SELECT 'GRANT pg_monitor TO tilskot_monitor' WHERE NOT pg_has_role('tilskot_monitor', 'pg_monitor', 'MEMBER') \gexec

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
              'tilskot_auditor, tilskot_admin, tilskot_participant_reader, tilskot_portal, tilskot_monitor, tilskot_authenticator', :'dbname') \gexec
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

-- The role keeper's one function, in the tilskot database, in a schema of its own that only the
-- keeper owns (a function in tilskot's schema could be dropped and replaced by its owner). It makes
-- the change a row of tilskot.user_change asks for — SQL/schema/18_users.sql's trigger checks who
-- asks and calls it, as the only caller (EXECUTE is granted to tilskot_owner alone) — and checks on
-- its own that the change is one a tilskot administrator may make: a login named like a person, one
-- of tilskot's seven groups, never a superuser, a role with rights of its own or a role that holds
-- anything but those groups. So the deployer, acting as the owner, can call it too, but cannot make
-- it do more than `tilskot user add | role | disable` does (docs/threat-model.md). A change of this
-- function needs this file run again by a superuser: the owner cannot replace it.
\connect :dbname
CREATE SCHEMA IF NOT EXISTS tilskot_keeper AUTHORIZATION tilskot_user_keeper;
REVOKE ALL ON SCHEMA tilskot_keeper FROM PUBLIC;
GRANT USAGE ON SCHEMA tilskot_keeper TO tilskot_owner;
SET ROLE tilskot_user_keeper;
CREATE OR REPLACE FUNCTION tilskot_keeper.apply_user_change(change text, login text, role text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $keeper$
DECLARE
    groups constant text[] := ARRAY['tilskot_caseworker', 'tilskot_manager', 'tilskot_finance',
                                    'tilskot_auditor', 'tilskot_admin', 'tilskot_participant_reader', 'tilskot_portal'];
    target pg_catalog.pg_roles;
    disabled_user boolean;
BEGIN
    IF login IS NULL OR login !~ '^[a-z_][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION 'user change refused: user name "%" is not allowed; use lower-case letters, digits, ''_'', ''.'' or ''-'', starting with a letter', login
            USING ERRCODE = '23T50';
    END IF;
    IF login LIKE 'tilskot\_%' OR login LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'user change refused: user name "%" is reserved; tilskot_ and pg_ names belong to the system', login
            USING ERRCODE = '23T50';
    END IF;
    IF change NOT IN ('add', 'role add', 'role remove', 'disable', 'password') THEN
        RAISE EXCEPTION 'user change refused: "%" is not a change the role keeper makes', change USING ERRCODE = '23T50';
    END IF;
    IF change NOT IN ('disable', 'password') AND (role IS NULL OR role <> ALL (groups)) THEN
        RAISE EXCEPTION 'user change refused: "%" is not a role; give caseworker, manager, finance, auditor, admin, participant_reader or portal',
            replace(coalesce(role, ''), 'tilskot_', '') USING ERRCODE = '23T50';
    END IF;
    SELECT * INTO target FROM pg_catalog.pg_roles r WHERE r.rolname = login;
    IF target.oid IS NOT NULL AND (target.rolsuper OR target.rolcreaterole OR target.rolcreatedb OR target.rolreplication
                                   OR target.rolbypassrls
                                   OR EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                                               WHERE m.member = target.oid AND g.rolname <> ALL (groups))) THEN
        RAISE EXCEPTION 'user change refused: % is a superuser, has rights of its own or holds roles outside tilskot''s groups (the schema owner''s, the watchdog''s, a monitor''s); casework is done by people''s own logins, never by the deployer''s or a service''s', login
            USING ERRCODE = '23T50';
    END IF;
    -- A disabled user: a role that cannot log in but holds one of the groups itself (a group role
    -- holds none). Users are roles of the whole cluster, so this is asked of the catalog.
    disabled_user := target.oid IS NOT NULL AND NOT target.rolcanlogin AND EXISTS (
        SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
         WHERE m.member = target.oid AND g.rolname = ANY (groups));
    IF change = 'add' THEN
        IF target.oid IS NULL THEN
            -- A transaction at REPEATABLE READ or SERIALIZABLE reads the catalog as of its snapshot,
            -- and may not see a user another administrator added since; and two adding the same user
            -- at once meet in pg_authid's unique index (23505, not 42710). Either way the role is
            -- there, which is what this change wanted.
            BEGIN
                EXECUTE format('CREATE ROLE %I LOGIN', login);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        ELSIF NOT target.rolcanlogin THEN
            IF NOT disabled_user THEN
                RAISE EXCEPTION 'user change refused: % is a group role, not a person', login USING ERRCODE = '23T50';
            END IF;
            -- Adding a disabled user again lets them log in again; their history was never gone.
            EXECUTE format('ALTER ROLE %I LOGIN', login);
        END IF;
        -- What every casework login may hold, set again on every add (a login made before, e.g. the
        -- first admin below, gets them too) (issue 14, breach 9: one caseworker's open transaction
        -- held the tally row every decision of an applicant group in the round must update). Set
        -- on the login itself, because settings of a group role are not inherited by its members,
        -- and SET ROLE (the CLI's --as on the local database) applies none of either: they take
        -- effect when the person logs in with their own credentials. A user may still SET them
        -- back to 0 in their own session (PostgreSQL 15 cannot forbid it for these three), which
        -- is what `tilskot db watchdog` is for. The values, against docs/performance.md's
        -- measurements at a million applications: nothing a caseworker does waits for a person
        -- inside a transaction, so 60 s idle is generous; a decision waits for another decider of
        -- its round for milliseconds, so 10 s of lock wait is a stuck holder, not a queue; the
        -- longest casework statements — the import's insert (the whole million-row import takes
        -- 55–160 s), the auditor's integrity check, the year reports, `export 360giving` — stay
        -- well inside 5 minutes. Written only when they differ, and a concurrent add of the same
        -- login (roles belong to the cluster, so two databases may add one at once) that wrote
        -- them first is what was wanted.
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_db_role_setting rs JOIN pg_catalog.pg_roles r ON r.oid = rs.setrole
                        WHERE r.rolname = login AND rs.setdatabase = 0
                          AND rs.setconfig @> ARRAY['idle_in_transaction_session_timeout=60s', 'lock_timeout=10s',
                                                    'statement_timeout=5min']) THEN
            BEGIN
                EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', login, '60s');
                EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', login, '10s');
                EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', login, '5min');
            EXCEPTION WHEN unique_violation THEN
                NULL;
            END;
        END IF;
    ELSIF target.oid IS NULL OR NOT (target.rolcanlogin OR disabled_user) THEN
        RAISE EXCEPTION 'user change refused: there is no user %; add them with `tilskot user add % --role ROLE`', login, login
            USING ERRCODE = '23T50';
    END IF;
    IF change IN ('add', 'role add') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                        WHERE m.member = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = login)
                          AND m.roleid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = role)) THEN
            BEGIN
                EXECUTE format('GRANT %I TO %I', role, login);
            EXCEPTION WHEN unique_violation THEN
                NULL;  -- granted by a concurrent add of the same login (see above)
            END;
        END IF;
        -- `tilskot serve` may act as the user (SET ROLE inside a request's transaction, issue 19).
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tilskot_authenticator')
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                            WHERE m.member = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'tilskot_authenticator')
                              AND m.roleid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = login)) THEN
            BEGIN
                EXECUTE format('GRANT %I TO tilskot_authenticator', login);
            EXCEPTION WHEN unique_violation THEN
                NULL;
            END;
        END IF;
    ELSIF change = 'role remove' THEN
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                        WHERE m.member = target.oid AND m.roleid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = role)) THEN
            RAISE EXCEPTION 'user change refused: % is not in %; `tilskot user list` shows who holds what', login, role
                USING ERRCODE = '23T50';
        END IF;
        EXECUTE format('REVOKE %I FROM %I', role, login);
    ELSIF change = 'password' THEN
        -- `tilskot user password USER` by an administrator (tilskot.user_password, 18_users.sql): the
        -- third argument is the new password's SCRAM-SHA-256 verifier, computed by the client
        -- (libpq's PQencryptPasswordConn). Never a plain password: it would reach the server's log
        -- and pg_stat_activity. Only for a person in one of tilskot's groups.
        IF role IS NULL OR role !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2}$' THEN
            RAISE EXCEPTION 'user change refused: a password is set only from its SCRAM-SHA-256 verifier, never as plain text; use `tilskot user password %`, which computes it', login
                USING ERRCODE = '23T50';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                        WHERE m.member = target.oid AND g.rolname = ANY (groups)) THEN
            RAISE EXCEPTION 'user change refused: % is not a tilskot user (in none of tilskot''s groups); add them first with `tilskot user add`', login
                USING ERRCODE = '23T50';
        END IF;
        EXECUTE format('ALTER ROLE %I PASSWORD %L', login, role);
    ELSIF change = 'disable' THEN
        -- NOLOGIN: no new session. Sessions already open act no more either: tilskot.is_member and
        -- is_tilskot_user count only people who can log in. Roles and history stay as they were.
        EXECUTE format('ALTER ROLE %I NOLOGIN', login);
    END IF;
END
$keeper$;
RESET ROLE;
REVOKE ALL ON FUNCTION tilskot_keeper.apply_user_change(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot_keeper.apply_user_change(text, text, text) TO tilskot_owner;
\connect postgres

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
