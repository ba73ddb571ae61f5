-- tilskot 0.1.0: the baseline. Every table, column, constraint, index and piece of reference data
-- of the schema, by topic (in the order of SQL/schema/, whose files hold the functions, triggers,
-- views, policies and grants). SQL/catalog.txt is the schema this file and SQL/schema build
-- (SchemaCatalogTests compares); docs/migrations.md tells how the baseline was made.
-- Versioned: applied once, recorded in public.tilskot_migrations; later changes to tables go in new
-- numbered files after this one (docs/migrations.md).

-- ---------------------------------------------------------------------------------------------
-- Roles and the schema
-- ---------------------------------------------------------------------------------------------

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

-- The participant register (deltakarregister) of Jobbsjansen projects: special-category data under
-- GDPR art. 9, since it can reveal ethnic origin and health. What holds here, whatever client asks:
--
--   * minimum data: a pseudonymous participant code (never a national identity number: an 11-digit
--     code is refused), birth year, home municipality, start and end, outcome at the end and at
--     6 and 12 months;
--   * need to know: only members of tilskot_participant_reader and the case's own caseworkers (who
--     registered, assessed or were assigned the application, unless disqualified) read or record a
--     project's participants — row-level security, forced on the table's owner as well;
--   * no direct access: nobody is granted anything on the table; reads and writes go through the
--     SECURITY DEFINER functions below (search_path pinned), because SELECT fires no trigger and
--     every read must be logged;
--   * every read and every change writes an entry in tilskot.participant_access_log (who, login,
--     when, which rows, which query), which nobody can change or delete; auditors read that log,
--     not the data;
--   * retention: an admin purges rows whose participation ended before a date, and that is logged;
--   * reports: aggregates only, with cells under 5 persons shown as "<5" and the cells and totals
--     from which one could be worked out hidden as "x".
--
-- Two roles nobody logs in as carry the functions' rights, so that a function can do no more than
-- its job: tilskot_participant_owner owns the table, the log and the case functions, and row-level
-- security applies to it (FORCE), so a function reading as the owner still sees only the rows the
-- calling user may see; tilskot_participant_steward owns the whole-register functions (aggregate
-- report, purge), which must see every row and return none of them.
-- Codes: 23T12 not found, 23T22 no grant, 23T28 content, 42T03 access, 23T09 log
-- (SQL/schema/README.md lists every code).

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['tilskot_participant_owner', 'tilskot_participant_steward']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
        -- Handing a table or function to a role takes membership in it. A superuser has that; the
        -- schema owner of a deployment (deploy/create-roles.sql: tilskot_owner, CREATEROLE) gets it,
        -- which gives it nothing it did not have: it owns the schema these objects live in.
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
           AND NOT pg_has_role(current_user, r, 'MEMBER') THEN
            EXECUTE format('GRANT %I TO %I', r, current_user);
        END IF;
    END LOOP;
END
$$;

-- No one holds the deciders hostage (issue 14, breach 9): `tilskot db watchdog` ends casework
-- sessions that sit idle inside a transaction, or block others, for longer than it is told to allow.
--
-- Why a watchdog on top of the timeouts. `tilskot user add` gives every casework login
-- idle_in_transaction_session_timeout, lock_timeout and statement_timeout (ALTER ROLE <login> SET:
-- settings of the group roles are not inherited by their members, and SET ROLE applies none), and
-- deploy/create-roles.sql sets idle_in_transaction_session_timeout on the database. But these are
-- user settings: in PostgreSQL 15 anyone may `SET idle_in_transaction_session_timeout = 0` in their
-- own session, open a transaction, register one application and go to lunch. That one open
-- registration holds the row of tilskot.application_tally for (round, municipality, applicant
-- kind, member-based, external board) — every decision of an application of that group in the
-- round updates it (tally_application_row_update, through decision_before_insert's status change)
-- and waits on the registering transaction's xid ("while inserting index tuple … in relation
-- application_tally") — for as long as the session likes (reference numbers come from each round's sequence, which
-- nobody waits on: 04_applications.sql). Only ending the session frees it.
--
-- watchdog_sweep finds, in the current database only, client sessions of casework logins — login
-- roles that are members of a tilskot group role, and neither superusers nor members of
-- tilskot_owner (the deployer) nor of tilskot_watchdog — that are
--   * idle in a transaction for longer than idle_limit (since pg_stat_activity.state_change), or
--   * blocking (pg_blocking_pids) another session of the database now, in a transaction open for
--     longer than blocking_limit (a session-level lock outside a transaction: since the first of
--     those it blocks began to wait, pg_locks.waitstart), while not waiting for a lock themselves
--     (the first in a queue is the one holding it; the ones behind it are victims, not culprits).
--     Measured by the holder's transaction, not by the waiters' wait: a casework waiter gives up
--     after its own lock_timeout (10 s) and tries again, so no single wait grows long, while the
--     hostage-taker's transaction does. Deciders hold each other for milliseconds; the longest
--     legitimate holder is an import (55–80 s for a million rows, docs/performance.md), so the
--     watchdog's default is 2 minutes;
-- and, unless dry_run, ends each (pg_terminate_backend, waiting up to 5 s for it to be gone, so
-- its locks are free when the call returns), writing one LOG line per session to the server log
-- (RAISE LOG "tilskot watchdog: ending session …", then the ended session's own FATAL line). Just
-- before it ends one it reads that session again (pg_stat_clear_snapshot) and ends it only if the
-- same transaction is still open, so a session that committed in the meantime is left alone.
-- Measuring idleness from state_change, a session that sends a statement every minute is never
-- "idle" for long; if it holds what others need, its transaction's age catches it as blocking.
--
-- Rights: SECURITY INVOKER. The caller needs the rights of pg_signal_backend (end non-superuser
-- sessions) and pg_read_all_stats (see other users' state); deploy/create-roles.sql grants both
-- to the NOLOGIN role tilskot_watchdog and that to the deployer, and on the embedded cluster the
-- watchdog runs as the local superuser. No SECURITY DEFINER: the owner, tilskot_owner, is not
-- and must not become a member of pg_signal_backend. EXECUTE only for tilskot_watchdog.
--
-- The role is made here too when the cluster's roles were made without it (an older
-- create-roles.sql); it then lacks the two rights and the function says so (42TW1).
--
--   42TW1  the watchdog lacks the rights to see or end other sessions

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tilskot_watchdog') THEN
        BEGIN
            CREATE ROLE tilskot_watchdog NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;   -- made at the same moment by another migration of the same cluster (tests)
        END;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA tilskot TO tilskot_watchdog;


-- ---------------------------------------------------------------------------------------------
-- Functions the tables' CHECK constraints call (defined here, once: a table needs them first)
-- ---------------------------------------------------------------------------------------------

-- Reasons have words, dates are calendar dates, and two more pairs of duties are kept apart
-- (issue 14: breach 8 and three of the "also seen").
--
-- 1. Reasons have words (breach 8). Reasons made of E'\t\n', a zero-width space (U+200B) or a
--    no-break space (U+00A0) are no reasons, though btrim (ASCII spaces only) leaves them. A text
--    the law or a rule requires as reasons — a decision's grunngiving (fvl. §§ 24–25),
--    a withdrawal, disqualification (fvl. § 6), move or frame adjustment, an appeal's grounds and a
--    late appeal's or late application's reason (fvl. § 31), withholding or releasing a payment, a
--    report's rejection, a claw-back, its appeal and the decision on it — has at least one
--    letter (Unicode general category L: Lu, Ll, Lt, Lm, Lo). Removing every space, control and
--    format character first changes nothing about whether a letter is there, so the rule is simply
--    "contains a letter": tilskot.has_words(text).
--
--    Why explicit ranges and not [[:alpha:]]: PostgreSQL's regex classes follow the database's
--    LC_CTYPE, and the embedded cluster is initialised --no-locale (C), where [[:alpha:]] and \w
--    know only ASCII letters — "Søknad" would pass by its S, but "å" or "ŋ" alone would not, and a
--    server with another ctype would answer differently. The class below is every code point of
--    category L, as 684 ranges, generated from Swift's Unicode tables (Unicode.Scalar.Properties
--    .generalCategory, the same tables TilskotCore's ReasonText uses, so the CLI and the database
--    agree on every character):
--
--        for v in 0...0x10FFFF where the scalar's generalCategory is a letter: collect ranges
--
--    It does not depend on a collation, a locale or ICU, so it is truly IMMUTABLE. The function
--    has a SQL-standard body (RETURN …), bound when it is created: no search_path can redirect its
--    operator, and PostgreSQL inlines it into the CHECKs and the triggers' WHEN clauses.
--
--    Held twice, as everywhere in tilskot: a BEFORE INSERT trigger per table, aa_reasons_have_words,
--    that refuses a text that is there but has no words with one sentence and the SQLSTATE of the
--    table's rule (a blank text still meets the table's own sentence, "needs a reason"); and the
--    tables' CHECKs, with has_words, as the last line. The trigger function reads no table and is not SECURITY DEFINER; its WHEN clause keeps
--    it from being called at all for a text with words.
--
-- 2. Dates are calendar dates. A late registration with received = '-infinity' would make every
--    later step on the case fail with PostgreSQL's "cannot subtract infinite dates" (the caseload
--    summary counts days to decision). Every date and timestamp column of every tilskot table has
--    CHECK (isfinite(col)), named <table>_<column>_finite, except the follow-up summaries
--    (followup_tally, followup_delta, grant_followup; 14_report_summaries.sql), which use 'infinity' on purpose as the key of
--    "no reporting due date". Every table a user may insert into also gets a BEFORE INSERT trigger,
--    aa_finite_dates, that refuses an infinite date with one sentence (23T13, a value's own shape)
--    before the table's own trigger compares it with anything; its WHEN clause makes it free for
--    finite dates (the bulk import of a million applications calls no function for it).
--
-- 3. Payments: planner, attester and payer (also seen). One finance user must not plan, attest and
--    pay one instalment. Bestemmelser om økonomistyring i staten keep the duties apart (punkt 2.5:
--    budget authority and attestation by different people; 5.3.5: no one person alone takes a
--    payment from claim to money out), and payment_event_before_insert (09_payments.sql) refuses
--    the decider as attester. Also:
--      - the attester did not plan the instalment: attestation is the control of what the planner
--        entered — the amount, the due date and above all the bank account number — and a control of
--        one's own entry is none (the planner could type her own account and attest it);
--      - the payer did not attest it: paying is approving the payment (betalingsgodkjenning) of what
--        another person attested.
--    The planner may pay: between her plan and her payment stands another person's attestation.
--    So one instalment takes two people at least (planner/payer and attester). SQLSTATE 23T21
--    (separate duties, to-personskontroll), held by the trigger aa_payment_duties
--    (payment_duties_apart, 09_payments.sql).
--
-- 4. Appeals (also seen): a manager who registers an appeal herself does not decide the case
--    again. The manager who decides an appeal is not the one who registered it: registering the appeal (and
--    judging that it came in time, or why a late one is considered, fvl. §§ 29–31) and deciding it
--    are two pairs of eyes. SQLSTATE 23T03 (four-eyes), held by the trigger
--    aa_appeal_decided_by_another on tilskot.decision (08_appeals_withdrawals_moves.sql). The
--    manager who made the appealed decision may still decide the appeal: fvl. § 33 has the body that
--    decided review it first.
--
-- Concurrency: the two four-eyes triggers are SECURITY DEFINER (they take row locks the caller has no
-- right to take) and lock the application row (then the instalment's) before they read, in the lock
-- order of every case rule (the case's guard row, taken by a0_case_guard before them,
-- 05_case_guard.sql; then the
-- application; then the instalment). The facts they read — who registered the pending appeal, who
-- planned and attested an instalment — are written by events that update the same rows (the appeal
-- moves the application to "appealed"; attesting and releasing update the instalment), so an old
-- snapshot at REPEATABLE READ or SERIALIZABLE gets 40001 on the lock, and READ COMMITTED waits and
-- reads what was committed.
--
-- Trigger names: triggers of one timing fire in name (byte) order. "aa_…" sorts after
-- "a0_case_guard" (so the guard row is taken first) and before the tables' own
-- "<table>_before_insert" (so these sentences come before anything compares an infinite date or
-- copies a reason).


-- True when `value` has at least one letter (Unicode general category L); NULL for NULL.
CREATE FUNCTION tilskot.has_words(value text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN value ~ ('['
    '\u0041-\u005a\u0061-\u007a\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02c1\u02c6-\u02d1'
    '\u02e0-\u02e4\u02ec\u02ee\u0370-\u0374\u0376-\u0377\u037a-\u037d\u037f\u0386\u0388-\u038a\u038c'
    '\u038e-\u03a1\u03a3-\u03f5\u03f7-\u0481\u048a-\u052f\u0531-\u0556\u0559\u0560-\u0588'
    '\u05d0-\u05ea\u05ef-\u05f2\u0620-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06e5-\u06e6'
    '\u06ee-\u06ef\u06fa-\u06fc\u06ff\u0710\u0712-\u072f\u074d-\u07a5\u07b1\u07ca-\u07ea\u07f4-\u07f5'
    '\u07fa\u0800-\u0815\u081a\u0824\u0828\u0840-\u0858\u0860-\u086a\u0870-\u0887\u0889-\u088f'
    '\u08a0-\u08c9\u0904-\u0939\u093d\u0950\u0958-\u0961\u0971-\u0980\u0985-\u098c\u098f-\u0990'
    '\u0993-\u09a8\u09aa-\u09b0\u09b2\u09b6-\u09b9\u09bd\u09ce\u09dc-\u09dd\u09df-\u09e1\u09f0-\u09f1'
    '\u09fc\u0a05-\u0a0a\u0a0f-\u0a10\u0a13-\u0a28\u0a2a-\u0a30\u0a32-\u0a33\u0a35-\u0a36'
    '\u0a38-\u0a39\u0a59-\u0a5c\u0a5e\u0a72-\u0a74\u0a85-\u0a8d\u0a8f-\u0a91\u0a93-\u0aa8'
    '\u0aaa-\u0ab0\u0ab2-\u0ab3\u0ab5-\u0ab9\u0abd\u0ad0\u0ae0-\u0ae1\u0af9\u0b05-\u0b0c\u0b0f-\u0b10'
    '\u0b13-\u0b28\u0b2a-\u0b30\u0b32-\u0b33\u0b35-\u0b39\u0b3d\u0b5c-\u0b5d\u0b5f-\u0b61\u0b71\u0b83'
    '\u0b85-\u0b8a\u0b8e-\u0b90\u0b92-\u0b95\u0b99-\u0b9a\u0b9c\u0b9e-\u0b9f\u0ba3-\u0ba4'
    '\u0ba8-\u0baa\u0bae-\u0bb9\u0bd0\u0c05-\u0c0c\u0c0e-\u0c10\u0c12-\u0c28\u0c2a-\u0c39\u0c3d'
    '\u0c58-\u0c5a\u0c5c-\u0c5d\u0c60-\u0c61\u0c80\u0c85-\u0c8c\u0c8e-\u0c90\u0c92-\u0ca8'
    '\u0caa-\u0cb3\u0cb5-\u0cb9\u0cbd\u0cdc-\u0cde\u0ce0-\u0ce1\u0cf1-\u0cf2\u0d04-\u0d0c'
    '\u0d0e-\u0d10\u0d12-\u0d3a\u0d3d\u0d4e\u0d54-\u0d56\u0d5f-\u0d61\u0d7a-\u0d7f\u0d85-\u0d96'
    '\u0d9a-\u0db1\u0db3-\u0dbb\u0dbd\u0dc0-\u0dc6\u0e01-\u0e30\u0e32-\u0e33\u0e40-\u0e46'
    '\u0e81-\u0e82\u0e84\u0e86-\u0e8a\u0e8c-\u0ea3\u0ea5\u0ea7-\u0eb0\u0eb2-\u0eb3\u0ebd\u0ec0-\u0ec4'
    '\u0ec6\u0edc-\u0edf\u0f00\u0f40-\u0f47\u0f49-\u0f6c\u0f88-\u0f8c\u1000-\u102a\u103f\u1050-\u1055'
    '\u105a-\u105d\u1061\u1065-\u1066\u106e-\u1070\u1075-\u1081\u108e\u10a0-\u10c5\u10c7\u10cd'
    '\u10d0-\u10fa\u10fc-\u1248\u124a-\u124d\u1250-\u1256\u1258\u125a-\u125d\u1260-\u1288'
    '\u128a-\u128d\u1290-\u12b0\u12b2-\u12b5\u12b8-\u12be\u12c0\u12c2-\u12c5\u12c8-\u12d6'
    '\u12d8-\u1310\u1312-\u1315\u1318-\u135a\u1380-\u138f\u13a0-\u13f5\u13f8-\u13fd\u1401-\u166c'
    '\u166f-\u167f\u1681-\u169a\u16a0-\u16ea\u16f1-\u16f8\u1700-\u1711\u171f-\u1731\u1740-\u1751'
    '\u1760-\u176c\u176e-\u1770\u1780-\u17b3\u17d7\u17dc\u1820-\u1878\u1880-\u1884\u1887-\u18a8\u18aa'
    '\u18b0-\u18f5\u1900-\u191e\u1950-\u196d\u1970-\u1974\u1980-\u19ab\u19b0-\u19c9\u1a00-\u1a16'
    '\u1a20-\u1a54\u1aa7\u1b05-\u1b33\u1b45-\u1b4c\u1b83-\u1ba0\u1bae-\u1baf\u1bba-\u1be5'
    '\u1c00-\u1c23\u1c4d-\u1c4f\u1c5a-\u1c7d\u1c80-\u1c8a\u1c90-\u1cba\u1cbd-\u1cbf\u1ce9-\u1cec'
    '\u1cee-\u1cf3\u1cf5-\u1cf6\u1cfa\u1d00-\u1dbf\u1e00-\u1f15\u1f18-\u1f1d\u1f20-\u1f45'
    '\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d\u1f80-\u1fb4\u1fb6-\u1fbc\u1fbe'
    '\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4\u1ff6-\u1ffc'
    '\u2071\u207f\u2090-\u209c\u2102\u2107\u210a-\u2113\u2115\u2119-\u211d\u2124\u2126\u2128'
    '\u212a-\u212d\u212f-\u2139\u213c-\u213f\u2145-\u2149\u214e\u2183-\u2184\u2c00-\u2ce4'
    '\u2ceb-\u2cee\u2cf2-\u2cf3\u2d00-\u2d25\u2d27\u2d2d\u2d30-\u2d67\u2d6f\u2d80-\u2d96\u2da0-\u2da6'
    '\u2da8-\u2dae\u2db0-\u2db6\u2db8-\u2dbe\u2dc0-\u2dc6\u2dc8-\u2dce\u2dd0-\u2dd6\u2dd8-\u2dde'
    '\u2e2f\u3005-\u3006\u3031-\u3035\u303b-\u303c\u3041-\u3096\u309d-\u309f\u30a1-\u30fa'
    '\u30fc-\u30ff\u3105-\u312f\u3131-\u318e\u31a0-\u31bf\u31f0-\u31ff\u3400-\u4dbf\u4e00-\ua48c'
    '\ua4d0-\ua4fd\ua500-\ua60c\ua610-\ua61f\ua62a-\ua62b\ua640-\ua66e\ua67f-\ua69d\ua6a0-\ua6e5'
    '\ua717-\ua71f\ua722-\ua788\ua78b-\ua7dc\ua7f1-\ua801\ua803-\ua805\ua807-\ua80a\ua80c-\ua822'
    '\ua840-\ua873\ua882-\ua8b3\ua8f2-\ua8f7\ua8fb\ua8fd-\ua8fe\ua90a-\ua925\ua930-\ua946'
    '\ua960-\ua97c\ua984-\ua9b2\ua9cf\ua9e0-\ua9e4\ua9e6-\ua9ef\ua9fa-\ua9fe\uaa00-\uaa28'
    '\uaa40-\uaa42\uaa44-\uaa4b\uaa60-\uaa76\uaa7a\uaa7e-\uaaaf\uaab1\uaab5-\uaab6\uaab9-\uaabd\uaac0'
    '\uaac2\uaadb-\uaadd\uaae0-\uaaea\uaaf2-\uaaf4\uab01-\uab06\uab09-\uab0e\uab11-\uab16'
    '\uab20-\uab26\uab28-\uab2e\uab30-\uab5a\uab5c-\uab69\uab70-\uabe2\uac00-\ud7a3\ud7b0-\ud7c6'
    '\ud7cb-\ud7fb\uf900-\ufa6d\ufa70-\ufad9\ufb00-\ufb06\ufb13-\ufb17\ufb1d\ufb1f-\ufb28'
    '\ufb2a-\ufb36\ufb38-\ufb3c\ufb3e\ufb40-\ufb41\ufb43-\ufb44\ufb46-\ufbb1\ufbd3-\ufd3d'
    '\ufd50-\ufd8f\ufd92-\ufdc7\ufdf0-\ufdfb\ufe70-\ufe74\ufe76-\ufefc\uff21-\uff3a\uff41-\uff5a'
    '\uff66-\uffbe\uffc2-\uffc7\uffca-\uffcf\uffd2-\uffd7\uffda-\uffdc\U00010000-\U0001000b'
    '\U0001000d-\U00010026\U00010028-\U0001003a\U0001003c-\U0001003d\U0001003f-\U0001004d'
    '\U00010050-\U0001005d\U00010080-\U000100fa\U00010280-\U0001029c\U000102a0-\U000102d0'
    '\U00010300-\U0001031f\U0001032d-\U00010340\U00010342-\U00010349\U00010350-\U00010375'
    '\U00010380-\U0001039d\U000103a0-\U000103c3\U000103c8-\U000103cf\U00010400-\U0001049d'
    '\U000104b0-\U000104d3\U000104d8-\U000104fb\U00010500-\U00010527\U00010530-\U00010563'
    '\U00010570-\U0001057a\U0001057c-\U0001058a\U0001058c-\U00010592\U00010594-\U00010595'
    '\U00010597-\U000105a1\U000105a3-\U000105b1\U000105b3-\U000105b9\U000105bb-\U000105bc'
    '\U000105c0-\U000105f3\U00010600-\U00010736\U00010740-\U00010755\U00010760-\U00010767'
    '\U00010780-\U00010785\U00010787-\U000107b0\U000107b2-\U000107ba\U00010800-\U00010805\U00010808'
    '\U0001080a-\U00010835\U00010837-\U00010838\U0001083c\U0001083f-\U00010855\U00010860-\U00010876'
    '\U00010880-\U0001089e\U000108e0-\U000108f2\U000108f4-\U000108f5\U00010900-\U00010915'
    '\U00010920-\U00010939\U00010940-\U00010959\U00010980-\U000109b7\U000109be-\U000109bf\U00010a00'
    '\U00010a10-\U00010a13\U00010a15-\U00010a17\U00010a19-\U00010a35\U00010a60-\U00010a7c'
    '\U00010a80-\U00010a9c\U00010ac0-\U00010ac7\U00010ac9-\U00010ae4\U00010b00-\U00010b35'
    '\U00010b40-\U00010b55\U00010b60-\U00010b72\U00010b80-\U00010b91\U00010c00-\U00010c48'
    '\U00010c80-\U00010cb2\U00010cc0-\U00010cf2\U00010d00-\U00010d23\U00010d4a-\U00010d65'
    '\U00010d6f-\U00010d85\U00010e80-\U00010ea9\U00010eb0-\U00010eb1\U00010ec2-\U00010ec7'
    '\U00010f00-\U00010f1c\U00010f27\U00010f30-\U00010f45\U00010f70-\U00010f81\U00010fb0-\U00010fc4'
    '\U00010fe0-\U00010ff6\U00011003-\U00011037\U00011071-\U00011072\U00011075\U00011083-\U000110af'
    '\U000110d0-\U000110e8\U00011103-\U00011126\U00011144\U00011147\U00011150-\U00011172\U00011176'
    '\U00011183-\U000111b2\U000111c1-\U000111c4\U000111da\U000111dc\U00011200-\U00011211'
    '\U00011213-\U0001122b\U0001123f-\U00011240\U00011280-\U00011286\U00011288\U0001128a-\U0001128d'
    '\U0001128f-\U0001129d\U0001129f-\U000112a8\U000112b0-\U000112de\U00011305-\U0001130c'
    '\U0001130f-\U00011310\U00011313-\U00011328\U0001132a-\U00011330\U00011332-\U00011333'
    '\U00011335-\U00011339\U0001133d\U00011350\U0001135d-\U00011361\U00011380-\U00011389\U0001138b'
    '\U0001138e\U00011390-\U000113b5\U000113b7\U000113d1\U000113d3\U00011400-\U00011434'
    '\U00011447-\U0001144a\U0001145f-\U00011461\U00011480-\U000114af\U000114c4-\U000114c5\U000114c7'
    '\U00011580-\U000115ae\U000115d8-\U000115db\U00011600-\U0001162f\U00011644\U00011680-\U000116aa'
    '\U000116b8\U00011700-\U0001171a\U00011740-\U00011746\U00011800-\U0001182b\U000118a0-\U000118df'
    '\U000118ff-\U00011906\U00011909\U0001190c-\U00011913\U00011915-\U00011916\U00011918-\U0001192f'
    '\U0001193f\U00011941\U000119a0-\U000119a7\U000119aa-\U000119d0\U000119e1\U000119e3\U00011a00'
    '\U00011a0b-\U00011a32\U00011a3a\U00011a50\U00011a5c-\U00011a89\U00011a9d\U00011ab0-\U00011af8'
    '\U00011bc0-\U00011be0\U00011c00-\U00011c08\U00011c0a-\U00011c2e\U00011c40\U00011c72-\U00011c8f'
    '\U00011d00-\U00011d06\U00011d08-\U00011d09\U00011d0b-\U00011d30\U00011d46\U00011d60-\U00011d65'
    '\U00011d67-\U00011d68\U00011d6a-\U00011d89\U00011d98\U00011db0-\U00011ddb\U00011ee0-\U00011ef2'
    '\U00011f02\U00011f04-\U00011f10\U00011f12-\U00011f33\U00011fb0\U00012000-\U00012399'
    '\U00012480-\U00012543\U00012f90-\U00012ff0\U00013000-\U0001342f\U00013441-\U00013446'
    '\U00013460-\U000143fa\U00014400-\U00014646\U00016100-\U0001611d\U00016800-\U00016a38'
    '\U00016a40-\U00016a5e\U00016a70-\U00016abe\U00016ad0-\U00016aed\U00016b00-\U00016b2f'
    '\U00016b40-\U00016b43\U00016b63-\U00016b77\U00016b7d-\U00016b8f\U00016d40-\U00016d6c'
    '\U00016e40-\U00016e7f\U00016ea0-\U00016eb8\U00016ebb-\U00016ed3\U00016f00-\U00016f4a\U00016f50'
    '\U00016f93-\U00016f9f\U00016fe0-\U00016fe1\U00016fe3\U00016ff2-\U00016ff3\U00017000-\U00018cd5'
    '\U00018cff-\U00018d1e\U00018d80-\U00018df2\U0001aff0-\U0001aff3\U0001aff5-\U0001affb'
    '\U0001affd-\U0001affe\U0001b000-\U0001b122\U0001b132\U0001b150-\U0001b152\U0001b155'
    '\U0001b164-\U0001b167\U0001b170-\U0001b2fb\U0001bc00-\U0001bc6a\U0001bc70-\U0001bc7c'
    '\U0001bc80-\U0001bc88\U0001bc90-\U0001bc99\U0001d400-\U0001d454\U0001d456-\U0001d49c'
    '\U0001d49e-\U0001d49f\U0001d4a2\U0001d4a5-\U0001d4a6\U0001d4a9-\U0001d4ac\U0001d4ae-\U0001d4b9'
    '\U0001d4bb\U0001d4bd-\U0001d4c3\U0001d4c5-\U0001d505\U0001d507-\U0001d50a\U0001d50d-\U0001d514'
    '\U0001d516-\U0001d51c\U0001d51e-\U0001d539\U0001d53b-\U0001d53e\U0001d540-\U0001d544\U0001d546'
    '\U0001d54a-\U0001d550\U0001d552-\U0001d6a5\U0001d6a8-\U0001d6c0\U0001d6c2-\U0001d6da'
    '\U0001d6dc-\U0001d6fa\U0001d6fc-\U0001d714\U0001d716-\U0001d734\U0001d736-\U0001d74e'
    '\U0001d750-\U0001d76e\U0001d770-\U0001d788\U0001d78a-\U0001d7a8\U0001d7aa-\U0001d7c2'
    '\U0001d7c4-\U0001d7cb\U0001df00-\U0001df1e\U0001df25-\U0001df2a\U0001e030-\U0001e06d'
    '\U0001e100-\U0001e12c\U0001e137-\U0001e13d\U0001e14e\U0001e290-\U0001e2ad\U0001e2c0-\U0001e2eb'
    '\U0001e4d0-\U0001e4eb\U0001e5d0-\U0001e5ed\U0001e5f0\U0001e6c0-\U0001e6de\U0001e6e0-\U0001e6e2'
    '\U0001e6e4-\U0001e6e5\U0001e6e7-\U0001e6ed\U0001e6f0-\U0001e6f4\U0001e6fe-\U0001e6ff'
    '\U0001e7e0-\U0001e7e6\U0001e7e8-\U0001e7eb\U0001e7ed-\U0001e7ee\U0001e7f0-\U0001e7fe'
    '\U0001e800-\U0001e8c4\U0001e900-\U0001e943\U0001e94b\U0001ee00-\U0001ee03\U0001ee05-\U0001ee1f'
    '\U0001ee21-\U0001ee22\U0001ee24\U0001ee27\U0001ee29-\U0001ee32\U0001ee34-\U0001ee37\U0001ee39'
    '\U0001ee3b\U0001ee42\U0001ee47\U0001ee49\U0001ee4b\U0001ee4d-\U0001ee4f\U0001ee51-\U0001ee52'
    '\U0001ee54\U0001ee57\U0001ee59\U0001ee5b\U0001ee5d\U0001ee5f\U0001ee61-\U0001ee62\U0001ee64'
    '\U0001ee67-\U0001ee6a\U0001ee6c-\U0001ee72\U0001ee74-\U0001ee77\U0001ee79-\U0001ee7c\U0001ee7e'
    '\U0001ee80-\U0001ee89\U0001ee8b-\U0001ee9b\U0001eea1-\U0001eea3\U0001eea5-\U0001eea9'
    '\U0001eeab-\U0001eebb\U00020000-\U0002a6df\U0002a700-\U0002b81d\U0002b820-\U0002cead'
    '\U0002ceb0-\U0002ebe0\U0002ebf0-\U0002ee5d\U0002f800-\U0002fa1d\U00030000-\U0003134a'
    '\U00031350-\U00033479'
    ']');

-- Organisation number (organisasjonsnummer, Enhetsregisteret): 9 digits, MOD11 with weights
-- 3,2,7,6,5,4,3,2 on digits 1–8; remainder r = 0 gives check digit 0, r = 1 is never issued,
-- otherwise the check digit is 11 − r. Returns NULL when the number cannot be valid.
CREATE FUNCTION tilskot.orgnr_check_digit(orgnr text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
    SELECT CASE r WHEN 0 THEN 0 WHEN 1 THEN NULL ELSE 11 - r END
    FROM (
        SELECT (  3 * substr(orgnr, 1, 1)::int + 2 * substr(orgnr, 2, 1)::int
                + 7 * substr(orgnr, 3, 1)::int + 6 * substr(orgnr, 4, 1)::int
                + 5 * substr(orgnr, 5, 1)::int + 4 * substr(orgnr, 6, 1)::int
                + 3 * substr(orgnr, 7, 1)::int + 2 * substr(orgnr, 8, 1)::int) % 11 AS r
        WHERE orgnr ~ '^[0-9]{9}$'
    ) s
$$;

CREATE FUNCTION tilskot.orgnr_is_valid(orgnr text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT coalesce(orgnr ~ '^[0-9]{9}$'
                    AND tilskot.orgnr_check_digit(orgnr) = substr(orgnr, 9, 1)::int, false)
$$;

-- Payments (utbetaling) of a grant: a plan of instalments, and the two controls before money goes
-- out (økonomiregelverket: budget authority, used by the decider, then attestation by another
-- person). An instalment is planned, then attested by a finance user who did not decide the grant,
-- then paid (date and voucher); a planned or attested instalment can be withheld with a reason and
-- released again. Codes: 23T20 money, 23T21 four-eyes, 23T22 no grant, 23T23 payment steps,
-- 42T02 finance only.
--
-- The sum of payments never exceeds the current grant, whoever writes and however many at once:
-- every payment trigger first locks the application's row (tilskot.lock_application), so two finance
-- users attesting instalments of one grant queue there and the second sees the first's payment.


CREATE FUNCTION tilskot.bank_account_is_valid(account text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT coalesce(account ~ '^[0-9]{11}$' AND (
        SELECT CASE r WHEN 0 THEN 0 WHEN 1 THEN NULL ELSE 11 - r END
        FROM (SELECT (  5 * substr(account, 1, 1)::int + 4 * substr(account, 2, 1)::int
                      + 3 * substr(account, 3, 1)::int + 2 * substr(account, 4, 1)::int
                      + 7 * substr(account, 5, 1)::int + 6 * substr(account, 6, 1)::int
                      + 5 * substr(account, 7, 1)::int + 4 * substr(account, 8, 1)::int
                      + 3 * substr(account, 9, 1)::int + 2 * substr(account, 10, 1)::int) % 11 AS r
              WHERE account ~ '^[0-9]{11}$') s
    ) = substr(account, 11, 1)::int, false)
$$;


-- ---------------------------------------------------------------------------------------------
-- Who acts, membership and budget authority, shared wording helpers, the audit log and the record that is never deleted (SQL/schema/00_foundation.sql)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE tilskot.audit_log (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Groups the events of one transaction (a decision, its status change and the frame update).
    tx             bigint NOT NULL DEFAULT txid_current(),
    actor          text NOT NULL,
    login          text NOT NULL DEFAULT session_user,
    table_name     text NOT NULL,
    row_id         bigint,
    application_id bigint,
    action         text NOT NULL CONSTRAINT audit_log_action_known CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
    old            jsonb,
    new            jsonb,
    -- Why: the session's tilskot.reason setting (SET LOCAL by the service layer), else the row's own
    -- reason column where it has one (withdrawal, move, frame adjustment, disqualification).
    reason         text
);

CREATE INDEX audit_log_application_idx ON tilskot.audit_log (application_id, id) WHERE application_id IS NOT NULL;

CREATE INDEX audit_log_at_idx ON tilskot.audit_log (at);

CREATE INDEX audit_log_actor_idx ON tilskot.audit_log (actor, at);

ALTER TABLE tilskot.audit_log ADD CONSTRAINT audit_log_at_finite CHECK (isfinite(at));  -- no date is infinite


-- ---------------------------------------------------------------------------------------------
-- Reference data: municipalities and counties, organisation numbers, bank accounts, one-line text (SQL/schema/01_reference.sql)
-- ---------------------------------------------------------------------------------------------

-- GENERATED by Scripts/generate-municipality-reference-sql from shared/reference/municipalities.csv
-- (the source of TilskotCore's MunicipalityTable.swift; MunicipalityReferenceTests checks they agree).
--
-- Municipalities (kommunar) in both county divisions, for reports that show data of one year in the
-- division of another: 2021 data carries 2020–2023 codes (30 Viken, 38 Vestfold og Telemark,
-- 54 Troms og Finnmark), and a manager may want it in today's 15 counties (31/32/33, 39/40, 55/56).
-- One row per code that exists in either division (471 codes); each row says what the code is in
-- the 2020–2023 division (itself, or the predecessor of a 2024-only code) and in the 2024 division
-- (itself, or its successor). Codes present in both divisions mean the same municipality in both.
-- 1507 Ålesund became 1508 Ålesund and 1580 Haram: its 2024 columns name 1508, the first successor,
-- and successors_2024 lists both, so a report never counts one application twice.
-- Source: Statistisk sentralbyrå (SSB), classification 131 and 104, NLOD; organisation numbers from
-- Enhetsregisteret (2024 rows).

CREATE TABLE tilskot.municipality_ref (
    code              char(4) PRIMARY KEY,
    code_2020         char(4) NOT NULL,
    name_2020         text NOT NULL,
    county_code_2020  char(2) NOT NULL,
    county_name_2020  text NOT NULL,
    code_2024         char(4) NOT NULL,
    name_2024         text NOT NULL,
    county_code_2024  char(2) NOT NULL,
    county_name_2024  text NOT NULL,
    successors_2024   char(4)[] NOT NULL,
    orgnr_2024        char(9)
);

INSERT INTO tilskot.municipality_ref (code, code_2020, name_2020, county_code_2020, county_name_2020,
    code_2024, name_2024, county_code_2024, county_name_2024, successors_2024, orgnr_2024) VALUES
    ('0301', '0301', 'Oslo', '03', 'Oslo', '0301', 'Oslo - Oslove', '03', 'Oslo', ARRAY['0301'], '958935420'),
    ('1101', '1101', 'Eigersund', '11', 'Rogaland', '1101', 'Eigersund', '11', 'Rogaland', ARRAY['1101'], '944496394'),
    ('1103', '1103', 'Stavanger', '11', 'Rogaland', '1103', 'Stavanger', '11', 'Rogaland', ARRAY['1103'], '964965226'),
    ('1106', '1106', 'Haugesund', '11', 'Rogaland', '1106', 'Haugesund', '11', 'Rogaland', ARRAY['1106'], '944073787'),
    ('1108', '1108', 'Sandnes', '11', 'Rogaland', '1108', 'Sandnes', '11', 'Rogaland', ARRAY['1108'], '964965137'),
    ('1111', '1111', 'Sokndal', '11', 'Rogaland', '1111', 'Sokndal', '11', 'Rogaland', ARRAY['1111'], '964965692'),
    ('1112', '1112', 'Lund', '11', 'Rogaland', '1112', 'Lund', '11', 'Rogaland', ARRAY['1112'], '964966486'),
    ('1114', '1114', 'Bjerkreim', '11', 'Rogaland', '1114', 'Bjerkreim', '11', 'Rogaland', ARRAY['1114'], '970490361'),
    ('1119', '1119', 'Hå', '11', 'Rogaland', '1119', 'Hå', '11', 'Rogaland', ARRAY['1119'], '964969590'),
    ('1120', '1120', 'Klepp', '11', 'Rogaland', '1120', 'Klepp', '11', 'Rogaland', ARRAY['1120'], '864969682'),
    ('1121', '1121', 'Time', '11', 'Rogaland', '1121', 'Time', '11', 'Rogaland', ARRAY['1121'], '859223672'),
    ('1122', '1122', 'Gjesdal', '11', 'Rogaland', '1122', 'Gjesdal', '11', 'Rogaland', ARRAY['1122'], '964978573'),
    ('1124', '1124', 'Sola', '11', 'Rogaland', '1124', 'Sola', '11', 'Rogaland', ARRAY['1124'], '948243113'),
    ('1127', '1127', 'Randaberg', '11', 'Rogaland', '1127', 'Randaberg', '11', 'Rogaland', ARRAY['1127'], '934945514'),
    ('1130', '1130', 'Strand', '11', 'Rogaland', '1130', 'Strand', '11', 'Rogaland', ARRAY['1130'], '964978751'),
    ('1133', '1133', 'Hjelmeland', '11', 'Rogaland', '1133', 'Hjelmeland', '11', 'Rogaland', ARRAY['1133'], '864979092'),
    ('1134', '1134', 'Suldal', '11', 'Rogaland', '1134', 'Suldal', '11', 'Rogaland', ARRAY['1134'], '964979189'),
    ('1135', '1135', 'Sauda', '11', 'Rogaland', '1135', 'Sauda', '11', 'Rogaland', ARRAY['1135'], '964979367'),
    ('1144', '1144', 'Kvitsøy', '11', 'Rogaland', '1144', 'Kvitsøy', '11', 'Rogaland', ARRAY['1144'], '964979634'),
    ('1145', '1145', 'Bokn', '11', 'Rogaland', '1145', 'Bokn', '11', 'Rogaland', ARRAY['1145'], '964979723'),
    ('1146', '1146', 'Tysvær', '11', 'Rogaland', '1146', 'Tysvær', '11', 'Rogaland', ARRAY['1146'], '964979812'),
    ('1149', '1149', 'Karmøy', '11', 'Rogaland', '1149', 'Karmøy', '11', 'Rogaland', ARRAY['1149'], '940791901'),
    ('1151', '1151', 'Utsira', '11', 'Rogaland', '1151', 'Utsira', '11', 'Rogaland', ARRAY['1151'], '964979901'),
    ('1160', '1160', 'Vindafjord', '11', 'Rogaland', '1160', 'Vindafjord', '11', 'Rogaland', ARRAY['1160'], '988893226'),
    ('1505', '1505', 'Kristiansund', '15', 'Møre og Romsdal', '1505', 'Kristiansund', '15', 'Møre og Romsdal', ARRAY['1505'], '991891919'),
    ('1506', '1506', 'Molde', '15', 'Møre og Romsdal', '1506', 'Molde', '15', 'Møre og Romsdal', ARRAY['1506'], '921221967'),
    ('1507', '1507', 'Ålesund', '15', 'Møre og Romsdal', '1508', 'Ålesund', '15', 'Møre og Romsdal', ARRAY['1508', '1580'], '929911709'),
    ('1508', '1507', 'Ålesund', '15', 'Møre og Romsdal', '1508', 'Ålesund', '15', 'Møre og Romsdal', ARRAY['1508'], '929911709'),
    ('1511', '1511', 'Vanylven', '15', 'Møre og Romsdal', '1511', 'Vanylven', '15', 'Møre og Romsdal', ARRAY['1511'], '964978662'),
    ('1514', '1514', 'Sande', '15', 'Møre og Romsdal', '1514', 'Sande', '15', 'Møre og Romsdal', ARRAY['1514'], '822534422'),
    ('1515', '1515', 'Herøy (Møre og Romsdal)', '15', 'Møre og Romsdal', '1515', 'Herøy (Møre og Romsdal)', '15', 'Møre og Romsdal', ARRAY['1515'], '964978840'),
    ('1516', '1516', 'Ulstein', '15', 'Møre og Romsdal', '1516', 'Ulstein', '15', 'Møre og Romsdal', ARRAY['1516'], '964979456'),
    ('1517', '1517', 'Hareid', '15', 'Møre og Romsdal', '1517', 'Hareid', '15', 'Møre og Romsdal', ARRAY['1517'], '964979278'),
    ('1520', '1520', 'Ørsta', '15', 'Møre og Romsdal', '1520', 'Ørsta', '15', 'Møre og Romsdal', ARRAY['1520'], '939461450'),
    ('1525', '1525', 'Stranda', '15', 'Møre og Romsdal', '1525', 'Stranda', '15', 'Møre og Romsdal', ARRAY['1525'], '964980098'),
    ('1528', '1528', 'Sykkylven', '15', 'Møre og Romsdal', '1528', 'Sykkylven', '15', 'Møre og Romsdal', ARRAY['1528'], '964980365'),
    ('1531', '1531', 'Sula', '15', 'Møre og Romsdal', '1531', 'Sula', '15', 'Møre og Romsdal', ARRAY['1531'], '964980543'),
    ('1532', '1532', 'Giske', '15', 'Møre og Romsdal', '1532', 'Giske', '15', 'Møre og Romsdal', ARRAY['1532'], '964980721'),
    ('1535', '1535', 'Vestnes', '15', 'Møre og Romsdal', '1535', 'Vestnes', '15', 'Møre og Romsdal', ARRAY['1535'], '939901965'),
    ('1539', '1539', 'Rauma', '15', 'Møre og Romsdal', '1539', 'Rauma', '15', 'Møre og Romsdal', ARRAY['1539'], '864980902'),
    ('1547', '1547', 'Aukra', '15', 'Møre og Romsdal', '1547', 'Aukra', '15', 'Møre og Romsdal', ARRAY['1547'], '964981337'),
    ('1554', '1554', 'Averøy', '15', 'Møre og Romsdal', '1554', 'Averøy', '15', 'Møre og Romsdal', ARRAY['1554'], '962378064'),
    ('1557', '1557', 'Gjemnes', '15', 'Møre og Romsdal', '1557', 'Gjemnes', '15', 'Møre og Romsdal', ARRAY['1557'], '964981426'),
    ('1560', '1560', 'Tingvoll', '15', 'Møre og Romsdal', '1560', 'Tingvoll', '15', 'Møre og Romsdal', ARRAY['1560'], '964981515'),
    ('1563', '1563', 'Sunndal', '15', 'Møre og Romsdal', '1563', 'Sunndal', '15', 'Møre og Romsdal', ARRAY['1563'], '964981604'),
    ('1566', '1566', 'Surnadal', '15', 'Møre og Romsdal', '1566', 'Surnadal', '15', 'Møre og Romsdal', ARRAY['1566'], '964981892'),
    ('1573', '1573', 'Smøla', '15', 'Møre og Romsdal', '1573', 'Smøla', '15', 'Møre og Romsdal', ARRAY['1573'], '945012986'),
    ('1576', '1576', 'Aure', '15', 'Møre og Romsdal', '1576', 'Aure', '15', 'Møre og Romsdal', ARRAY['1576'], '988913898'),
    ('1577', '1577', 'Volda', '15', 'Møre og Romsdal', '1577', 'Volda', '15', 'Møre og Romsdal', ARRAY['1577'], '939760946'),
    ('1578', '1578', 'Fjord', '15', 'Møre og Romsdal', '1578', 'Fjord', '15', 'Møre og Romsdal', ARRAY['1578'], '921891687'),
    ('1579', '1579', 'Hustadvika', '15', 'Møre og Romsdal', '1579', 'Hustadvika', '15', 'Møre og Romsdal', ARRAY['1579'], '921133642'),
    ('1580', '1507', 'Ålesund', '15', 'Møre og Romsdal', '1580', 'Haram', '15', 'Møre og Romsdal', ARRAY['1580'], NULL),
    ('1804', '1804', 'Bodø', '18', 'Nordland', '1804', 'Bodø', '18', 'Nordland', ARRAY['1804'], '972418013'),
    ('1806', '1806', 'Narvik', '18', 'Nordland', '1806', 'Narvik', '18', 'Nordland', ARRAY['1806'], '959469059'),
    ('1811', '1811', 'Bindal', '18', 'Nordland', '1811', 'Bindal', '18', 'Nordland', ARRAY['1811'], '964983380'),
    ('1812', '1812', 'Sømna', '18', 'Nordland', '1812', 'Sømna', '18', 'Nordland', ARRAY['1812'], '944810277'),
    ('1813', '1813', 'Brønnøy', '18', 'Nordland', '1813', 'Brønnøy', '18', 'Nordland', ARRAY['1813'], '964983291'),
    ('1815', '1815', 'Vega', '18', 'Nordland', '1815', 'Vega', '18', 'Nordland', ARRAY['1815'], '941017975'),
    ('1816', '1816', 'Vevelstad', '18', 'Nordland', '1816', 'Vevelstad', '18', 'Nordland', ARRAY['1816'], '940651034'),
    ('1818', '1818', 'Herøy (Nordland)', '18', 'Nordland', '1818', 'Herøy (Nordland)', '18', 'Nordland', ARRAY['1818'], '872417982'),
    ('1820', '1820', 'Alstahaug', '18', 'Nordland', '1820', 'Alstahaug', '18', 'Nordland', ARRAY['1820'], '938712441'),
    ('1822', '1822', 'Leirfjord', '18', 'Nordland', '1822', 'Leirfjord', '18', 'Nordland', ARRAY['1822'], '945034572'),
    ('1824', '1824', 'Vefsn', '18', 'Nordland', '1824', 'Vefsn', '18', 'Nordland', ARRAY['1824'], '844824122'),
    ('1825', '1825', 'Grane', '18', 'Nordland', '1825', 'Grane', '18', 'Nordland', ARRAY['1825'], '940643112'),
    ('1826', '1826', 'Aarborte - Hattfjelldal', '18', 'Nordland', '1826', 'Aarborte - Hattfjelldal', '18', 'Nordland', ARRAY['1826'], '944716904'),
    ('1827', '1827', 'Dønna', '18', 'Nordland', '1827', 'Dønna', '18', 'Nordland', ARRAY['1827'], '945114878'),
    ('1828', '1828', 'Nesna', '18', 'Nordland', '1828', 'Nesna', '18', 'Nordland', ARRAY['1828'], '939600515'),
    ('1832', '1832', 'Hemnes', '18', 'Nordland', '1832', 'Hemnes', '18', 'Nordland', ARRAY['1832'], '846316442'),
    ('1833', '1833', 'Rana', '18', 'Nordland', '1833', 'Rana - Raane', '18', 'Nordland', ARRAY['1833'], '872418032'),
    ('1834', '1834', 'Lurøy', '18', 'Nordland', '1834', 'Lurøy', '18', 'Nordland', ARRAY['1834'], '940667852'),
    ('1835', '1835', 'Træna', '18', 'Nordland', '1835', 'Træna', '18', 'Nordland', ARRAY['1835'], '940192692'),
    ('1836', '1836', 'Rødøy', '18', 'Nordland', '1836', 'Rødøy', '18', 'Nordland', ARRAY['1836'], '945717173'),
    ('1837', '1837', 'Meløy', '18', 'Nordland', '1837', 'Meløy', '18', 'Nordland', ARRAY['1837'], '970189866'),
    ('1838', '1838', 'Gildeskål', '18', 'Nordland', '1838', 'Gildeskål', '18', 'Nordland', ARRAY['1838'], '845901422'),
    ('1839', '1839', 'Beiarn', '18', 'Nordland', '1839', 'Beiarn', '18', 'Nordland', ARRAY['1839'], '961147867'),
    ('1840', '1840', 'Saltdal', '18', 'Nordland', '1840', 'Saltdal', '18', 'Nordland', ARRAY['1840'], '972417734'),
    ('1841', '1841', 'Fauske - Fuossko', '18', 'Nordland', '1841', 'Fauske - Fuossko', '18', 'Nordland', ARRAY['1841'], '972418021'),
    ('1845', '1845', 'Sørfold', '18', 'Nordland', '1845', 'Sørfold - Fuolldá', '18', 'Nordland', ARRAY['1845'], '972417750'),
    ('1848', '1848', 'Steigen', '18', 'Nordland', '1848', 'Steigen', '18', 'Nordland', ARRAY['1848'], '962299385'),
    ('1851', '1851', 'Lødingen', '18', 'Nordland', '1851', 'Lødingen', '18', 'Nordland', ARRAY['1851'], '945468661'),
    ('1853', '1853', 'Evenes - Evenášši', '18', 'Nordland', '1853', 'Evenes - Evenášši', '18', 'Nordland', ARRAY['1853'], '940642140'),
    ('1856', '1856', 'Røst', '18', 'Nordland', '1856', 'Røst', '18', 'Nordland', ARRAY['1856'], '945037687'),
    ('1857', '1857', 'Værøy', '18', 'Nordland', '1857', 'Værøy', '18', 'Nordland', ARRAY['1857'], '964994307'),
    ('1859', '1859', 'Flakstad', '18', 'Nordland', '1859', 'Flakstad', '18', 'Nordland', ARRAY['1859'], '863320852'),
    ('1860', '1860', 'Vestvågøy', '18', 'Nordland', '1860', 'Vestvågøy', '18', 'Nordland', ARRAY['1860'], '942570619'),
    ('1865', '1865', 'Vågan', '18', 'Nordland', '1865', 'Vågan', '18', 'Nordland', ARRAY['1865'], '938644500'),
    ('1866', '1866', 'Hadsel', '18', 'Nordland', '1866', 'Hadsel', '18', 'Nordland', ARRAY['1866'], '958501420'),
    ('1867', '1867', 'Bø', '18', 'Nordland', '1867', 'Bø', '18', 'Nordland', ARRAY['1867'], '945452676'),
    ('1868', '1868', 'Øksnes', '18', 'Nordland', '1868', 'Øksnes', '18', 'Nordland', ARRAY['1868'], '845152012'),
    ('1870', '1870', 'Sortland - Suortá', '18', 'Nordland', '1870', 'Sortland - Suortá', '18', 'Nordland', ARRAY['1870'], '847737492'),
    ('1871', '1871', 'Andøy', '18', 'Nordland', '1871', 'Andøy', '18', 'Nordland', ARRAY['1871'], '945624809'),
    ('1874', '1874', 'Moskenes', '18', 'Nordland', '1874', 'Moskenes', '18', 'Nordland', ARRAY['1874'], '945962151'),
    ('1875', '1875', 'Hábmer - Hamarøy', '18', 'Nordland', '1875', 'Hábmer - Hamarøy', '18', 'Nordland', ARRAY['1875'], '970542507'),
    ('3001', '3001', 'Halden', '30', 'Viken', '3101', 'Halden', '31', 'Østfold', ARRAY['3101'], '959159092'),
    ('3002', '3002', 'Moss', '30', 'Viken', '3103', 'Moss', '31', 'Østfold', ARRAY['3103'], '920817521'),
    ('3003', '3003', 'Sarpsborg', '30', 'Viken', '3105', 'Sarpsborg', '31', 'Østfold', ARRAY['3105'], '938801363'),
    ('3004', '3004', 'Fredrikstad', '30', 'Viken', '3107', 'Fredrikstad', '31', 'Østfold', ARRAY['3107'], '940039541'),
    ('3005', '3005', 'Drammen', '30', 'Viken', '3301', 'Drammen', '33', 'Buskerud', ARRAY['3301'], '921234554'),
    ('3006', '3006', 'Kongsberg', '30', 'Viken', '3303', 'Kongsberg', '33', 'Buskerud', ARRAY['3303'], '942402465'),
    ('3007', '3007', 'Ringerike', '30', 'Viken', '3305', 'Ringerike', '33', 'Buskerud', ARRAY['3305'], '940100925'),
    ('3011', '3011', 'Hvaler', '30', 'Viken', '3110', 'Hvaler', '31', 'Østfold', ARRAY['3110'], '964947082'),
    ('3012', '3012', 'Aremark', '30', 'Viken', '3124', 'Aremark', '31', 'Østfold', ARRAY['3124'], '940875560'),
    ('3013', '3013', 'Marker', '30', 'Viken', '3122', 'Marker', '31', 'Østfold', ARRAY['3122'], '964944334'),
    ('3014', '3014', 'Indre Østfold', '30', 'Viken', '3118', 'Indre Østfold', '31', 'Østfold', ARRAY['3118'], '920123899'),
    ('3015', '3015', 'Skiptvet', '30', 'Viken', '3116', 'Skiptvet', '31', 'Østfold', ARRAY['3116'], '941962726'),
    ('3016', '3016', 'Rakkestad', '30', 'Viken', '3120', 'Rakkestad', '31', 'Østfold', ARRAY['3120'], '945372281'),
    ('3017', '3017', 'Råde', '30', 'Viken', '3112', 'Råde', '31', 'Østfold', ARRAY['3112'], '940802652'),
    ('3018', '3018', 'Våler (Viken)', '30', 'Viken', '3114', 'Våler (Østfold)', '31', 'Østfold', ARRAY['3114'], '959272581'),
    ('3019', '3019', 'Vestby', '30', 'Viken', '3216', 'Vestby', '32', 'Akershus', ARRAY['3216'], '943485437'),
    ('3020', '3020', 'Nordre Follo', '30', 'Viken', '3207', 'Nordre Follo', '32', 'Akershus', ARRAY['3207'], '922092648'),
    ('3021', '3021', 'Ås', '30', 'Viken', '3218', 'Ås', '32', 'Akershus', ARRAY['3218'], '964948798'),
    ('3022', '3022', 'Frogn', '30', 'Viken', '3214', 'Frogn', '32', 'Akershus', ARRAY['3214'], '963999089'),
    ('3023', '3023', 'Nesodden', '30', 'Viken', '3212', 'Nesodden', '32', 'Akershus', ARRAY['3212'], '944383565'),
    ('3024', '3024', 'Bærum', '30', 'Viken', '3201', 'Bærum', '32', 'Akershus', ARRAY['3201'], '935478715'),
    ('3025', '3025', 'Asker', '30', 'Viken', '3203', 'Asker', '32', 'Akershus', ARRAY['3203'], '920125298'),
    ('3026', '3026', 'Aurskog-Høland', '30', 'Viken', '3226', 'Aurskog-Høland', '32', 'Akershus', ARRAY['3226'], '948164256'),
    ('3027', '3027', 'Rælingen', '30', 'Viken', '3224', 'Rælingen', '32', 'Akershus', ARRAY['3224'], '952540556'),
    ('3028', '3028', 'Enebakk', '30', 'Viken', '3220', 'Enebakk', '32', 'Akershus', ARRAY['3220'], '964949581'),
    ('3029', '3029', 'Lørenskog', '30', 'Viken', '3222', 'Lørenskog', '32', 'Akershus', ARRAY['3222'], '842566142'),
    ('3030', '3030', 'Lillestrøm', '30', 'Viken', '3205', 'Lillestrøm', '32', 'Akershus', ARRAY['3205'], '820710592'),
    ('3031', '3031', 'Nittedal', '30', 'Viken', '3232', 'Nittedal', '32', 'Akershus', ARRAY['3232'], '971643870'),
    ('3032', '3032', 'Gjerdrum', '30', 'Viken', '3230', 'Gjerdrum', '32', 'Akershus', ARRAY['3230'], '864949762'),
    ('3033', '3033', 'Ullensaker', '30', 'Viken', '3209', 'Ullensaker', '32', 'Akershus', ARRAY['3209'], '933649768'),
    ('3034', '3034', 'Nes', '30', 'Viken', '3228', 'Nes', '32', 'Akershus', ARRAY['3228'], '938679088'),
    ('3035', '3035', 'Eidsvoll', '30', 'Viken', '3240', 'Eidsvoll', '32', 'Akershus', ARRAY['3240'], '964950113'),
    ('3036', '3036', 'Nannestad', '30', 'Viken', '3238', 'Nannestad', '32', 'Akershus', ARRAY['3238'], '964950202'),
    ('3037', '3037', 'Hurdal', '30', 'Viken', '3242', 'Hurdal', '32', 'Akershus', ARRAY['3242'], '939780777'),
    ('3038', '3038', 'Hole', '30', 'Viken', '3310', 'Hole', '33', 'Buskerud', ARRAY['3310'], '960010833'),
    ('3039', '3039', 'Flå', '30', 'Viken', '3320', 'Flå', '33', 'Buskerud', ARRAY['3320'], '964951462'),
    ('3040', '3040', 'Nesbyen', '30', 'Viken', '3322', 'Nesbyen', '33', 'Buskerud', ARRAY['3322'], '964951640'),
    ('3041', '3041', 'Gol', '30', 'Viken', '3324', 'Gol', '33', 'Buskerud', ARRAY['3324'], '964952612'),
    ('3042', '3042', 'Hemsedal', '30', 'Viken', '3326', 'Hemsedal', '33', 'Buskerud', ARRAY['3326'], '964952701'),
    ('3043', '3043', 'Ål', '30', 'Viken', '3328', 'Ål', '33', 'Buskerud', ARRAY['3328'], '864952992'),
    ('3044', '3044', 'Hol', '30', 'Viken', '3330', 'Hol', '33', 'Buskerud', ARRAY['3330'], '944889116'),
    ('3045', '3045', 'Sigdal', '30', 'Viken', '3332', 'Sigdal', '33', 'Buskerud', ARRAY['3332'], '964962766'),
    ('3046', '3046', 'Krødsherad', '30', 'Viken', '3318', 'Krødsherad', '33', 'Buskerud', ARRAY['3318'], '964962855'),
    ('3047', '3047', 'Modum', '30', 'Viken', '3316', 'Modum', '33', 'Buskerud', ARRAY['3316'], '970491589'),
    ('3048', '3048', 'Øvre Eiker', '30', 'Viken', '3314', 'Øvre Eiker', '33', 'Buskerud', ARRAY['3314'], '954597482'),
    ('3049', '3049', 'Lier', '30', 'Viken', '3312', 'Lier', '33', 'Buskerud', ARRAY['3312'], '857566122'),
    ('3050', '3050', 'Flesberg', '30', 'Viken', '3334', 'Flesberg', '33', 'Buskerud', ARRAY['3334'], '940898862'),
    ('3051', '3051', 'Rollag', '30', 'Viken', '3336', 'Rollag', '33', 'Buskerud', ARRAY['3336'], '964963282'),
    ('3052', '3052', 'Nore og Uvdal', '30', 'Viken', '3338', 'Nore og Uvdal', '33', 'Buskerud', ARRAY['3338'], '964950946'),
    ('3053', '3053', 'Jevnaker', '30', 'Viken', '3236', 'Jevnaker', '32', 'Akershus', ARRAY['3236'], '961381363'),
    ('3054', '3054', 'Lunner', '30', 'Viken', '3234', 'Lunner', '32', 'Akershus', ARRAY['3234'], '961381452'),
    ('3101', '3001', 'Halden', '30', 'Viken', '3101', 'Halden', '31', 'Østfold', ARRAY['3101'], '959159092'),
    ('3103', '3002', 'Moss', '30', 'Viken', '3103', 'Moss', '31', 'Østfold', ARRAY['3103'], '920817521'),
    ('3105', '3003', 'Sarpsborg', '30', 'Viken', '3105', 'Sarpsborg', '31', 'Østfold', ARRAY['3105'], '938801363'),
    ('3107', '3004', 'Fredrikstad', '30', 'Viken', '3107', 'Fredrikstad', '31', 'Østfold', ARRAY['3107'], '940039541'),
    ('3110', '3011', 'Hvaler', '30', 'Viken', '3110', 'Hvaler', '31', 'Østfold', ARRAY['3110'], '964947082'),
    ('3112', '3017', 'Råde', '30', 'Viken', '3112', 'Råde', '31', 'Østfold', ARRAY['3112'], '940802652'),
    ('3114', '3018', 'Våler (Viken)', '30', 'Viken', '3114', 'Våler (Østfold)', '31', 'Østfold', ARRAY['3114'], '959272581'),
    ('3116', '3015', 'Skiptvet', '30', 'Viken', '3116', 'Skiptvet', '31', 'Østfold', ARRAY['3116'], '941962726'),
    ('3118', '3014', 'Indre Østfold', '30', 'Viken', '3118', 'Indre Østfold', '31', 'Østfold', ARRAY['3118'], '920123899'),
    ('3120', '3016', 'Rakkestad', '30', 'Viken', '3120', 'Rakkestad', '31', 'Østfold', ARRAY['3120'], '945372281'),
    ('3122', '3013', 'Marker', '30', 'Viken', '3122', 'Marker', '31', 'Østfold', ARRAY['3122'], '964944334'),
    ('3124', '3012', 'Aremark', '30', 'Viken', '3124', 'Aremark', '31', 'Østfold', ARRAY['3124'], '940875560'),
    ('3201', '3024', 'Bærum', '30', 'Viken', '3201', 'Bærum', '32', 'Akershus', ARRAY['3201'], '935478715'),
    ('3203', '3025', 'Asker', '30', 'Viken', '3203', 'Asker', '32', 'Akershus', ARRAY['3203'], '920125298'),
    ('3205', '3030', 'Lillestrøm', '30', 'Viken', '3205', 'Lillestrøm', '32', 'Akershus', ARRAY['3205'], '820710592'),
    ('3207', '3020', 'Nordre Follo', '30', 'Viken', '3207', 'Nordre Follo', '32', 'Akershus', ARRAY['3207'], '922092648'),
    ('3209', '3033', 'Ullensaker', '30', 'Viken', '3209', 'Ullensaker', '32', 'Akershus', ARRAY['3209'], '933649768'),
    ('3212', '3023', 'Nesodden', '30', 'Viken', '3212', 'Nesodden', '32', 'Akershus', ARRAY['3212'], '944383565'),
    ('3214', '3022', 'Frogn', '30', 'Viken', '3214', 'Frogn', '32', 'Akershus', ARRAY['3214'], '963999089'),
    ('3216', '3019', 'Vestby', '30', 'Viken', '3216', 'Vestby', '32', 'Akershus', ARRAY['3216'], '943485437'),
    ('3218', '3021', 'Ås', '30', 'Viken', '3218', 'Ås', '32', 'Akershus', ARRAY['3218'], '964948798'),
    ('3220', '3028', 'Enebakk', '30', 'Viken', '3220', 'Enebakk', '32', 'Akershus', ARRAY['3220'], '964949581'),
    ('3222', '3029', 'Lørenskog', '30', 'Viken', '3222', 'Lørenskog', '32', 'Akershus', ARRAY['3222'], '842566142'),
    ('3224', '3027', 'Rælingen', '30', 'Viken', '3224', 'Rælingen', '32', 'Akershus', ARRAY['3224'], '952540556'),
    ('3226', '3026', 'Aurskog-Høland', '30', 'Viken', '3226', 'Aurskog-Høland', '32', 'Akershus', ARRAY['3226'], '948164256'),
    ('3228', '3034', 'Nes', '30', 'Viken', '3228', 'Nes', '32', 'Akershus', ARRAY['3228'], '938679088'),
    ('3230', '3032', 'Gjerdrum', '30', 'Viken', '3230', 'Gjerdrum', '32', 'Akershus', ARRAY['3230'], '864949762'),
    ('3232', '3031', 'Nittedal', '30', 'Viken', '3232', 'Nittedal', '32', 'Akershus', ARRAY['3232'], '971643870'),
    ('3234', '3054', 'Lunner', '30', 'Viken', '3234', 'Lunner', '32', 'Akershus', ARRAY['3234'], '961381452'),
    ('3236', '3053', 'Jevnaker', '30', 'Viken', '3236', 'Jevnaker', '32', 'Akershus', ARRAY['3236'], '961381363'),
    ('3238', '3036', 'Nannestad', '30', 'Viken', '3238', 'Nannestad', '32', 'Akershus', ARRAY['3238'], '964950202'),
    ('3240', '3035', 'Eidsvoll', '30', 'Viken', '3240', 'Eidsvoll', '32', 'Akershus', ARRAY['3240'], '964950113'),
    ('3242', '3037', 'Hurdal', '30', 'Viken', '3242', 'Hurdal', '32', 'Akershus', ARRAY['3242'], '939780777'),
    ('3301', '3005', 'Drammen', '30', 'Viken', '3301', 'Drammen', '33', 'Buskerud', ARRAY['3301'], '921234554'),
    ('3303', '3006', 'Kongsberg', '30', 'Viken', '3303', 'Kongsberg', '33', 'Buskerud', ARRAY['3303'], '942402465'),
    ('3305', '3007', 'Ringerike', '30', 'Viken', '3305', 'Ringerike', '33', 'Buskerud', ARRAY['3305'], '940100925'),
    ('3310', '3038', 'Hole', '30', 'Viken', '3310', 'Hole', '33', 'Buskerud', ARRAY['3310'], '960010833'),
    ('3312', '3049', 'Lier', '30', 'Viken', '3312', 'Lier', '33', 'Buskerud', ARRAY['3312'], '857566122'),
    ('3314', '3048', 'Øvre Eiker', '30', 'Viken', '3314', 'Øvre Eiker', '33', 'Buskerud', ARRAY['3314'], '954597482'),
    ('3316', '3047', 'Modum', '30', 'Viken', '3316', 'Modum', '33', 'Buskerud', ARRAY['3316'], '970491589'),
    ('3318', '3046', 'Krødsherad', '30', 'Viken', '3318', 'Krødsherad', '33', 'Buskerud', ARRAY['3318'], '964962855'),
    ('3320', '3039', 'Flå', '30', 'Viken', '3320', 'Flå', '33', 'Buskerud', ARRAY['3320'], '964951462'),
    ('3322', '3040', 'Nesbyen', '30', 'Viken', '3322', 'Nesbyen', '33', 'Buskerud', ARRAY['3322'], '964951640'),
    ('3324', '3041', 'Gol', '30', 'Viken', '3324', 'Gol', '33', 'Buskerud', ARRAY['3324'], '964952612'),
    ('3326', '3042', 'Hemsedal', '30', 'Viken', '3326', 'Hemsedal', '33', 'Buskerud', ARRAY['3326'], '964952701'),
    ('3328', '3043', 'Ål', '30', 'Viken', '3328', 'Ål', '33', 'Buskerud', ARRAY['3328'], '864952992'),
    ('3330', '3044', 'Hol', '30', 'Viken', '3330', 'Hol', '33', 'Buskerud', ARRAY['3330'], '944889116'),
    ('3332', '3045', 'Sigdal', '30', 'Viken', '3332', 'Sigdal', '33', 'Buskerud', ARRAY['3332'], '964962766'),
    ('3334', '3050', 'Flesberg', '30', 'Viken', '3334', 'Flesberg', '33', 'Buskerud', ARRAY['3334'], '940898862'),
    ('3336', '3051', 'Rollag', '30', 'Viken', '3336', 'Rollag', '33', 'Buskerud', ARRAY['3336'], '964963282'),
    ('3338', '3052', 'Nore og Uvdal', '30', 'Viken', '3338', 'Nore og Uvdal', '33', 'Buskerud', ARRAY['3338'], '964950946'),
    ('3401', '3401', 'Kongsvinger', '34', 'Innlandet', '3401', 'Kongsvinger', '34', 'Innlandet', ARRAY['3401'], '944117784'),
    ('3403', '3403', 'Hamar', '34', 'Innlandet', '3403', 'Hamar', '34', 'Innlandet', ARRAY['3403'], '970540008'),
    ('3405', '3405', 'Lillehammer', '34', 'Innlandet', '3405', 'Lillehammer', '34', 'Innlandet', ARRAY['3405'], '945578564'),
    ('3407', '3407', 'Gjøvik', '34', 'Innlandet', '3407', 'Gjøvik', '34', 'Innlandet', ARRAY['3407'], '940155223'),
    ('3411', '3411', 'Ringsaker', '34', 'Innlandet', '3411', 'Ringsaker', '34', 'Innlandet', ARRAY['3411'], '864950582'),
    ('3412', '3412', 'Løten', '34', 'Innlandet', '3412', 'Løten', '34', 'Innlandet', ARRAY['3412'], '964950679'),
    ('3413', '3413', 'Stange', '34', 'Innlandet', '3413', 'Stange', '34', 'Innlandet', ARRAY['3413'], '970169717'),
    ('3414', '3414', 'Nord-Odal', '34', 'Innlandet', '3414', 'Nord-Odal', '34', 'Innlandet', ARRAY['3414'], '964950768'),
    ('3415', '3415', 'Sør-Odal', '34', 'Innlandet', '3415', 'Sør-Odal', '34', 'Innlandet', ARRAY['3415'], '964947716'),
    ('3416', '3416', 'Eidskog', '34', 'Innlandet', '3416', 'Eidskog', '34', 'Innlandet', ARRAY['3416'], '964948054'),
    ('3417', '3417', 'Grue', '34', 'Innlandet', '3417', 'Grue', '34', 'Innlandet', ARRAY['3417'], '964948143'),
    ('3418', '3418', 'Åsnes', '34', 'Innlandet', '3418', 'Åsnes', '34', 'Innlandet', ARRAY['3418'], '964948232'),
    ('3419', '3419', 'Våler (Innlandet)', '34', 'Innlandet', '3419', 'Våler (Innlandet)', '34', 'Innlandet', ARRAY['3419'], '871034222'),
    ('3420', '3420', 'Elverum', '34', 'Innlandet', '3420', 'Elverum', '34', 'Innlandet', ARRAY['3420'], '952857991'),
    ('3421', '3421', 'Trysil', '34', 'Innlandet', '3421', 'Trysil', '34', 'Innlandet', ARRAY['3421'], '864948502'),
    ('3422', '3422', 'Åmot', '34', 'Innlandet', '3422', 'Åmot', '34', 'Innlandet', ARRAY['3422'], '940152496'),
    ('3423', '3423', 'Stor-Elvdal', '34', 'Innlandet', '3423', 'Stor-Elvdal', '34', 'Innlandet', ARRAY['3423'], '964948887'),
    ('3424', '3424', 'Rendalen', '34', 'Innlandet', '3424', 'Rendalen', '34', 'Innlandet', ARRAY['3424'], '940028515'),
    ('3425', '3425', 'Engerdal', '34', 'Innlandet', '3425', 'Engerdal', '34', 'Innlandet', ARRAY['3425'], '964948976'),
    ('3426', '3426', 'Tolga', '34', 'Innlandet', '3426', 'Tolga', '34', 'Innlandet', ARRAY['3426'], '940192404'),
    ('3427', '3427', 'Tynset', '34', 'Innlandet', '3427', 'Tynset', '34', 'Innlandet', ARRAY['3427'], '940837685'),
    ('3428', '3428', 'Alvdal', '34', 'Innlandet', '3428', 'Alvdal', '34', 'Innlandet', ARRAY['3428'], '939984194'),
    ('3429', '3429', 'Folldal', '34', 'Innlandet', '3429', 'Folldal', '34', 'Innlandet', ARRAY['3429'], '939885684'),
    ('3430', '3430', 'Os', '34', 'Innlandet', '3430', 'Os', '34', 'Innlandet', ARRAY['3430'], '943464723'),
    ('3431', '3431', 'Dovre', '34', 'Innlandet', '3431', 'Dovre', '34', 'Innlandet', ARRAY['3431'], '939849831'),
    ('3432', '3432', 'Lesja', '34', 'Innlandet', '3432', 'Lesja', '34', 'Innlandet', ARRAY['3432'], '964949204'),
    ('3433', '3433', 'Skjåk', '34', 'Innlandet', '3433', 'Skjåk', '34', 'Innlandet', ARRAY['3433'], '961381096'),
    ('3434', '3434', 'Lom', '34', 'Innlandet', '3434', 'Lom', '34', 'Innlandet', ARRAY['3434'], '959377677'),
    ('3435', '3435', 'Vågå', '34', 'Innlandet', '3435', 'Vågå', '34', 'Innlandet', ARRAY['3435'], '939607706'),
    ('3436', '3436', 'Nord-Fron', '34', 'Innlandet', '3436', 'Nord-Fron', '34', 'Innlandet', ARRAY['3436'], '839893132'),
    ('3437', '3437', 'Sel', '34', 'Innlandet', '3437', 'Sel', '34', 'Innlandet', ARRAY['3437'], '939617671'),
    ('3438', '3438', 'Sør-Fron', '34', 'Innlandet', '3438', 'Sør-Fron', '34', 'Innlandet', ARRAY['3438'], '941827195'),
    ('3439', '3439', 'Ringebu', '34', 'Innlandet', '3439', 'Ringebu', '34', 'Innlandet', ARRAY['3439'], '939864970'),
    ('3440', '3440', 'Øyer', '34', 'Innlandet', '3440', 'Øyer', '34', 'Innlandet', ARRAY['3440'], '961381185'),
    ('3441', '3441', 'Gausdal', '34', 'Innlandet', '3441', 'Gausdal', '34', 'Innlandet', ARRAY['3441'], '961381274'),
    ('3442', '3442', 'Østre Toten', '34', 'Innlandet', '3442', 'Østre Toten', '34', 'Innlandet', ARRAY['3442'], '964949859'),
    ('3443', '3443', 'Vestre Toten', '34', 'Innlandet', '3443', 'Vestre Toten', '34', 'Innlandet', ARRAY['3443'], '971028300'),
    ('3446', '3446', 'Gran', '34', 'Innlandet', '3446', 'Gran', '34', 'Innlandet', ARRAY['3446'], '961381541'),
    ('3447', '3447', 'Søndre Land', '34', 'Innlandet', '3447', 'Søndre Land', '34', 'Innlandet', ARRAY['3447'], '961381630'),
    ('3448', '3448', 'Nordre Land', '34', 'Innlandet', '3448', 'Nordre Land', '34', 'Innlandet', ARRAY['3448'], '861381722'),
    ('3449', '3449', 'Sør-Aurdal', '34', 'Innlandet', '3449', 'Sør-Aurdal', '34', 'Innlandet', ARRAY['3449'], '961381819'),
    ('3450', '3450', 'Etnedal', '34', 'Innlandet', '3450', 'Etnedal', '34', 'Innlandet', ARRAY['3450'], '933038173'),
    ('3451', '3451', 'Nord-Aurdal', '34', 'Innlandet', '3451', 'Nord-Aurdal', '34', 'Innlandet', ARRAY['3451'], '961381908'),
    ('3452', '3452', 'Vestre Slidre', '34', 'Innlandet', '3452', 'Vestre Slidre', '34', 'Innlandet', ARRAY['3452'], '961382157'),
    ('3453', '3453', 'Øystre Slidre', '34', 'Innlandet', '3453', 'Øystre Slidre', '34', 'Innlandet', ARRAY['3453'], '961382068'),
    ('3454', '3454', 'Vang', '34', 'Innlandet', '3454', 'Vang', '34', 'Innlandet', ARRAY['3454'], '961382246'),
    ('3801', '3801', 'Horten', '38', 'Vestfold og Telemark', '3901', 'Horten', '39', 'Vestfold', ARRAY['3901'], '964951284'),
    ('3802', '3802', 'Holmestrand', '38', 'Vestfold og Telemark', '3903', 'Holmestrand', '39', 'Vestfold', ARRAY['3903'], '917151229'),
    ('3803', '3803', 'Tønsberg', '38', 'Vestfold og Telemark', '3905', 'Tønsberg', '39', 'Vestfold', ARRAY['3905'], '921383681'),
    ('3804', '3804', 'Sandefjord', '38', 'Vestfold og Telemark', '3907', 'Sandefjord', '39', 'Vestfold', ARRAY['3907'], '916882807'),
    ('3805', '3805', 'Larvik', '38', 'Vestfold og Telemark', '3909', 'Larvik', '39', 'Vestfold', ARRAY['3909'], '918082956'),
    ('3806', '3806', 'Porsgrunn', '38', 'Vestfold og Telemark', '4001', 'Porsgrunn', '40', 'Telemark', ARRAY['4001'], '939991034'),
    ('3807', '3807', 'Skien', '38', 'Vestfold og Telemark', '4003', 'Skien', '40', 'Telemark', ARRAY['4003'], '938759839'),
    ('3808', '3808', 'Notodden', '38', 'Vestfold og Telemark', '4005', 'Notodden', '40', 'Telemark', ARRAY['4005'], '938583986'),
    ('3811', '3811', 'Færder', '38', 'Vestfold og Telemark', '3911', 'Færder', '39', 'Vestfold', ARRAY['3911'], '817263992'),
    ('3812', '3812', 'Siljan', '38', 'Vestfold og Telemark', '4010', 'Siljan', '40', 'Telemark', ARRAY['4010'], '864953042'),
    ('3813', '3813', 'Bamble', '38', 'Vestfold og Telemark', '4012', 'Bamble', '40', 'Telemark', ARRAY['4012'], '940244145'),
    ('3814', '3814', 'Kragerø', '38', 'Vestfold og Telemark', '4014', 'Kragerø', '40', 'Telemark', ARRAY['4014'], '963946902'),
    ('3815', '3815', 'Drangedal', '38', 'Vestfold og Telemark', '4016', 'Drangedal', '40', 'Telemark', ARRAY['4016'], '933277461'),
    ('3816', '3816', 'Nome', '38', 'Vestfold og Telemark', '4018', 'Nome', '40', 'Telemark', ARRAY['4018'], '964963371'),
    ('3817', '3817', 'Midt-Telemark', '38', 'Vestfold og Telemark', '4020', 'Midt-Telemark', '40', 'Telemark', ARRAY['4020'], '920297293'),
    ('3818', '3818', 'Tinn', '38', 'Vestfold og Telemark', '4026', 'Tinn', '40', 'Telemark', ARRAY['4026'], '864963552'),
    ('3819', '3819', 'Hjartdal', '38', 'Vestfold og Telemark', '4024', 'Hjartdal', '40', 'Telemark', ARRAY['4024'], '964963649'),
    ('3820', '3820', 'Seljord', '38', 'Vestfold og Telemark', '4022', 'Seljord', '40', 'Telemark', ARRAY['4022'], '964963738'),
    ('3821', '3821', 'Kviteseid', '38', 'Vestfold og Telemark', '4028', 'Kviteseid', '40', 'Telemark', ARRAY['4028'], '964963827'),
    ('3822', '3822', 'Nissedal', '38', 'Vestfold og Telemark', '4030', 'Nissedal', '40', 'Telemark', ARRAY['4030'], '964964343'),
    ('3823', '3823', 'Fyresdal', '38', 'Vestfold og Telemark', '4032', 'Fyresdal', '40', 'Telemark', ARRAY['4032'], '939772766'),
    ('3824', '3824', 'Tokke', '38', 'Vestfold og Telemark', '4034', 'Tokke', '40', 'Telemark', ARRAY['4034'], '964964521'),
    ('3825', '3825', 'Vinje', '38', 'Vestfold og Telemark', '4036', 'Vinje', '40', 'Telemark', ARRAY['4036'], '964964610'),
    ('3901', '3801', 'Horten', '38', 'Vestfold og Telemark', '3901', 'Horten', '39', 'Vestfold', ARRAY['3901'], '964951284'),
    ('3903', '3802', 'Holmestrand', '38', 'Vestfold og Telemark', '3903', 'Holmestrand', '39', 'Vestfold', ARRAY['3903'], '917151229'),
    ('3905', '3803', 'Tønsberg', '38', 'Vestfold og Telemark', '3905', 'Tønsberg', '39', 'Vestfold', ARRAY['3905'], '921383681'),
    ('3907', '3804', 'Sandefjord', '38', 'Vestfold og Telemark', '3907', 'Sandefjord', '39', 'Vestfold', ARRAY['3907'], '916882807'),
    ('3909', '3805', 'Larvik', '38', 'Vestfold og Telemark', '3909', 'Larvik', '39', 'Vestfold', ARRAY['3909'], '918082956'),
    ('3911', '3811', 'Færder', '38', 'Vestfold og Telemark', '3911', 'Færder', '39', 'Vestfold', ARRAY['3911'], '817263992'),
    ('4001', '3806', 'Porsgrunn', '38', 'Vestfold og Telemark', '4001', 'Porsgrunn', '40', 'Telemark', ARRAY['4001'], '939991034'),
    ('4003', '3807', 'Skien', '38', 'Vestfold og Telemark', '4003', 'Skien', '40', 'Telemark', ARRAY['4003'], '938759839'),
    ('4005', '3808', 'Notodden', '38', 'Vestfold og Telemark', '4005', 'Notodden', '40', 'Telemark', ARRAY['4005'], '938583986'),
    ('4010', '3812', 'Siljan', '38', 'Vestfold og Telemark', '4010', 'Siljan', '40', 'Telemark', ARRAY['4010'], '864953042'),
    ('4012', '3813', 'Bamble', '38', 'Vestfold og Telemark', '4012', 'Bamble', '40', 'Telemark', ARRAY['4012'], '940244145'),
    ('4014', '3814', 'Kragerø', '38', 'Vestfold og Telemark', '4014', 'Kragerø', '40', 'Telemark', ARRAY['4014'], '963946902'),
    ('4016', '3815', 'Drangedal', '38', 'Vestfold og Telemark', '4016', 'Drangedal', '40', 'Telemark', ARRAY['4016'], '933277461'),
    ('4018', '3816', 'Nome', '38', 'Vestfold og Telemark', '4018', 'Nome', '40', 'Telemark', ARRAY['4018'], '964963371'),
    ('4020', '3817', 'Midt-Telemark', '38', 'Vestfold og Telemark', '4020', 'Midt-Telemark', '40', 'Telemark', ARRAY['4020'], '920297293'),
    ('4022', '3820', 'Seljord', '38', 'Vestfold og Telemark', '4022', 'Seljord', '40', 'Telemark', ARRAY['4022'], '964963738'),
    ('4024', '3819', 'Hjartdal', '38', 'Vestfold og Telemark', '4024', 'Hjartdal', '40', 'Telemark', ARRAY['4024'], '964963649'),
    ('4026', '3818', 'Tinn', '38', 'Vestfold og Telemark', '4026', 'Tinn', '40', 'Telemark', ARRAY['4026'], '864963552'),
    ('4028', '3821', 'Kviteseid', '38', 'Vestfold og Telemark', '4028', 'Kviteseid', '40', 'Telemark', ARRAY['4028'], '964963827'),
    ('4030', '3822', 'Nissedal', '38', 'Vestfold og Telemark', '4030', 'Nissedal', '40', 'Telemark', ARRAY['4030'], '964964343'),
    ('4032', '3823', 'Fyresdal', '38', 'Vestfold og Telemark', '4032', 'Fyresdal', '40', 'Telemark', ARRAY['4032'], '939772766'),
    ('4034', '3824', 'Tokke', '38', 'Vestfold og Telemark', '4034', 'Tokke', '40', 'Telemark', ARRAY['4034'], '964964521'),
    ('4036', '3825', 'Vinje', '38', 'Vestfold og Telemark', '4036', 'Vinje', '40', 'Telemark', ARRAY['4036'], '964964610'),
    ('4201', '4201', 'Risør', '42', 'Agder', '4201', 'Risør', '42', 'Agder', ARRAY['4201'], '964977402'),
    ('4202', '4202', 'Grimstad', '42', 'Agder', '4202', 'Grimstad', '42', 'Agder', ARRAY['4202'], '864964702'),
    ('4203', '4203', 'Arendal', '42', 'Agder', '4203', 'Arendal', '42', 'Agder', ARRAY['4203'], '940493021'),
    ('4204', '4204', 'Kristiansand', '42', 'Agder', '4204', 'Kristiansand', '42', 'Agder', ARRAY['4204'], '820852982'),
    ('4205', '4205', 'Lindesnes', '42', 'Agder', '4205', 'Lindesnes', '42', 'Agder', ARRAY['4205'], '921060440'),
    ('4206', '4206', 'Farsund', '42', 'Agder', '4206', 'Farsund', '42', 'Agder', ARRAY['4206'], '964083266'),
    ('4207', '4207', 'Flekkefjord', '42', 'Agder', '4207', 'Flekkefjord', '42', 'Agder', ARRAY['4207'], '964967369'),
    ('4211', '4211', 'Gjerstad', '42', 'Agder', '4211', 'Gjerstad', '42', 'Agder', ARRAY['4211'], '964964998'),
    ('4212', '4212', 'Vegårshei', '42', 'Agder', '4212', 'Vegårshei', '42', 'Agder', ARRAY['4212'], '964965048'),
    ('4213', '4213', 'Tvedestrand', '42', 'Agder', '4213', 'Tvedestrand', '42', 'Agder', ARRAY['4213'], '964965781'),
    ('4214', '4214', 'Froland', '42', 'Agder', '4214', 'Froland', '42', 'Agder', ARRAY['4214'], '946439045'),
    ('4215', '4215', 'Lillesand', '42', 'Agder', '4215', 'Lillesand', '42', 'Agder', ARRAY['4215'], '964965404'),
    ('4216', '4216', 'Birkenes', '42', 'Agder', '4216', 'Birkenes', '42', 'Agder', ARRAY['4216'], '964965870'),
    ('4217', '4217', 'Åmli', '42', 'Agder', '4217', 'Åmli', '42', 'Agder', ARRAY['4217'], '864965962'),
    ('4218', '4218', 'Iveland', '42', 'Agder', '4218', 'Iveland', '42', 'Agder', ARRAY['4218'], '864966012'),
    ('4219', '4219', 'Evje og Hornnes', '42', 'Agder', '4219', 'Evje og Hornnes', '42', 'Agder', ARRAY['4219'], '964966109'),
    ('4220', '4220', 'Bygland', '42', 'Agder', '4220', 'Bygland', '42', 'Agder', ARRAY['4220'], '964966397'),
    ('4221', '4221', 'Valle', '42', 'Agder', '4221', 'Valle', '42', 'Agder', ARRAY['4221'], '964966575'),
    ('4222', '4222', 'Bykle', '42', 'Agder', '4222', 'Bykle', '42', 'Agder', ARRAY['4222'], '958814968'),
    ('4223', '4223', 'Vennesla', '42', 'Agder', '4223', 'Vennesla', '42', 'Agder', ARRAY['4223'], '936846777'),
    ('4224', '4224', 'Åseral', '42', 'Agder', '4224', 'Åseral', '42', 'Agder', ARRAY['4224'], '964966842'),
    ('4225', '4225', 'Lyngdal', '42', 'Agder', '4225', 'Lyngdal', '42', 'Agder', ARRAY['4225'], '922421498'),
    ('4226', '4226', 'Hægebostad', '42', 'Agder', '4226', 'Hægebostad', '42', 'Agder', ARRAY['4226'], '964963916'),
    ('4227', '4227', 'Kvinesdal', '42', 'Agder', '4227', 'Kvinesdal', '42', 'Agder', ARRAY['4227'], '964964076'),
    ('4228', '4228', 'Sirdal', '42', 'Agder', '4228', 'Sirdal', '42', 'Agder', ARRAY['4228'], '964964165'),
    ('4601', '4601', 'Bergen', '46', 'Vestland', '4601', 'Bergen', '46', 'Vestland', ARRAY['4601'], '964338531'),
    ('4602', '4602', 'Kinn', '46', 'Vestland', '4602', 'Kinn', '46', 'Vestland', ARRAY['4602'], '820956532'),
    ('4611', '4611', 'Etne', '46', 'Vestland', '4611', 'Etne', '46', 'Vestland', ARRAY['4611'], '959435375'),
    ('4612', '4612', 'Sveio', '46', 'Vestland', '4612', 'Sveio', '46', 'Vestland', ARRAY['4612'], '864967272'),
    ('4613', '4613', 'Bømlo', '46', 'Vestland', '4613', 'Bømlo', '46', 'Vestland', ARRAY['4613'], '834210622'),
    ('4614', '4614', 'Stord', '46', 'Vestland', '4614', 'Stord', '46', 'Vestland', ARRAY['4614'], '939866914'),
    ('4615', '4615', 'Fitjar', '46', 'Vestland', '4615', 'Fitjar', '46', 'Vestland', ARRAY['4615'], '944073310'),
    ('4616', '4616', 'Tysnes', '46', 'Vestland', '4616', 'Tysnes', '46', 'Vestland', ARRAY['4616'], '959412340'),
    ('4617', '4617', 'Kvinnherad', '46', 'Vestland', '4617', 'Kvinnherad', '46', 'Vestland', ARRAY['4617'], '964967636'),
    ('4618', '4618', 'Ullensvang', '46', 'Vestland', '4618', 'Ullensvang', '46', 'Vestland', ARRAY['4618'], '920500633'),
    ('4619', '4619', 'Eidfjord', '46', 'Vestland', '4619', 'Eidfjord', '46', 'Vestland', ARRAY['4619'], '944227121'),
    ('4620', '4620', 'Ulvik', '46', 'Vestland', '4620', 'Ulvik', '46', 'Vestland', ARRAY['4620'], '971159928'),
    ('4621', '4621', 'Voss', '46', 'Vestland', '4621', 'Voss', '46', 'Vestland', ARRAY['4621'], '960510542'),
    ('4622', '4622', 'Kvam', '46', 'Vestland', '4622', 'Kvam', '46', 'Vestland', ARRAY['4622'], '944233199'),
    ('4623', '4623', 'Samnanger', '46', 'Vestland', '4623', 'Samnanger', '46', 'Vestland', ARRAY['4623'], '964968985'),
    ('4624', '4624', 'Bjørnafjorden', '46', 'Vestland', '4624', 'Bjørnafjorden', '46', 'Vestland', ARRAY['4624'], '844458312'),
    ('4625', '4625', 'Austevoll', '46', 'Vestland', '4625', 'Austevoll', '46', 'Vestland', ARRAY['4625'], '941139787'),
    ('4626', '4626', 'Øygarden', '46', 'Vestland', '4626', 'Øygarden', '46', 'Vestland', ARRAY['4626'], '922530890'),
    ('4627', '4627', 'Askøy', '46', 'Vestland', '4627', 'Askøy', '46', 'Vestland', ARRAY['4627'], '964338442'),
    ('4628', '4628', 'Vaksdal', '46', 'Vestland', '4628', 'Vaksdal', '46', 'Vestland', ARRAY['4628'], '961821967'),
    ('4629', '4629', 'Modalen', '46', 'Vestland', '4629', 'Modalen', '46', 'Vestland', ARRAY['4629'], '964969302'),
    ('4630', '4630', 'Osterøy', '46', 'Vestland', '4630', 'Osterøy', '46', 'Vestland', ARRAY['4630'], '864338712'),
    ('4631', '4631', 'Alver', '46', 'Vestland', '4631', 'Alver', '46', 'Vestland', ARRAY['4631'], '920290922'),
    ('4632', '4632', 'Austrheim', '46', 'Vestland', '4632', 'Austrheim', '46', 'Vestland', ARRAY['4632'], '948350823'),
    ('4633', '4633', 'Fedje', '46', 'Vestland', '4633', 'Fedje', '46', 'Vestland', ARRAY['4633'], '944041036'),
    ('4634', '4634', 'Masfjorden', '46', 'Vestland', '4634', 'Masfjorden', '46', 'Vestland', ARRAY['4634'], '945627913'),
    ('4635', '4635', 'Gulen', '46', 'Vestland', '4635', 'Gulen', '46', 'Vestland', ARRAY['4635'], '938497524'),
    ('4636', '4636', 'Solund', '46', 'Vestland', '4636', 'Solund', '46', 'Vestland', ARRAY['4636'], '964967458'),
    ('4637', '4637', 'Hyllestad', '46', 'Vestland', '4637', 'Hyllestad', '46', 'Vestland', ARRAY['4637'], '964967547'),
    ('4638', '4638', 'Høyanger', '46', 'Vestland', '4638', 'Høyanger', '46', 'Vestland', ARRAY['4638'], '944439838'),
    ('4639', '4639', 'Vik', '46', 'Vestland', '4639', 'Vik', '46', 'Vestland', ARRAY['4639'], '937498764'),
    ('4640', '4640', 'Sogndal', '46', 'Vestland', '4640', 'Sogndal', '46', 'Vestland', ARRAY['4640'], '922121893'),
    ('4641', '4641', 'Aurland', '46', 'Vestland', '4641', 'Aurland', '46', 'Vestland', ARRAY['4641'], '964968063'),
    ('4642', '4642', 'Lærdal', '46', 'Vestland', '4642', 'Lærdal', '46', 'Vestland', ARRAY['4642'], '954681890'),
    ('4643', '4643', 'Årdal', '46', 'Vestland', '4643', 'Årdal', '46', 'Vestland', ARRAY['4643'], '954679721'),
    ('4644', '4644', 'Luster', '46', 'Vestland', '4644', 'Luster', '46', 'Vestland', ARRAY['4644'], '964968241'),
    ('4645', '4645', 'Askvoll', '46', 'Vestland', '4645', 'Askvoll', '46', 'Vestland', ARRAY['4645'], '964968330'),
    ('4646', '4646', 'Fjaler', '46', 'Vestland', '4646', 'Fjaler', '46', 'Vestland', ARRAY['4646'], '864968422'),
    ('4647', '4647', 'Sunnfjord', '46', 'Vestland', '4647', 'Sunnfjord', '46', 'Vestland', ARRAY['4647'], '921244207'),
    ('4648', '4648', 'Bremanger', '46', 'Vestland', '4648', 'Bremanger', '46', 'Vestland', ARRAY['4648'], '959318166'),
    ('4649', '4649', 'Stad', '46', 'Vestland', '4649', 'Stad', '46', 'Vestland', ARRAY['4649'], '921060157'),
    ('4650', '4650', 'Gloppen', '46', 'Vestland', '4650', 'Gloppen', '46', 'Vestland', ARRAY['4650'], '964969124'),
    ('4651', '4651', 'Stryn', '46', 'Vestland', '4651', 'Stryn', '46', 'Vestland', ARRAY['4651'], '963989202'),
    ('5001', '5001', 'Trondheim - Tråante', '50', 'Trøndelag', '5001', 'Trondheim - Tråante', '50', 'Trøndelag', ARRAY['5001'], '942110464'),
    ('5006', '5006', 'Steinkjer', '50', 'Trøndelag', '5006', 'Steinkjer - Stïentje', '50', 'Trøndelag', ARRAY['5006'], '840029212'),
    ('5007', '5007', 'Namsos - Nåavmesjenjaelmie', '50', 'Trøndelag', '5007', 'Namsos - Nåavmesjenjaelmie', '50', 'Trøndelag', ARRAY['5007'], '942875967'),
    ('5014', '5014', 'Frøya', '50', 'Trøndelag', '5014', 'Frøya', '50', 'Trøndelag', ARRAY['5014'], '964982597'),
    ('5020', '5020', 'Osen', '50', 'Trøndelag', '5020', 'Osen', '50', 'Trøndelag', ARRAY['5020'], '944350675'),
    ('5021', '5021', 'Oppdal', '50', 'Trøndelag', '5021', 'Oppdal', '50', 'Trøndelag', ARRAY['5021'], '964983003'),
    ('5022', '5022', 'Rennebu', '50', 'Trøndelag', '5022', 'Rennebu', '50', 'Trøndelag', ARRAY['5022'], '940083672'),
    ('5025', '5025', 'Røros - Rosse', '50', 'Trøndelag', '5025', 'Røros - Rosse', '50', 'Trøndelag', ARRAY['5025'], '939898743'),
    ('5026', '5026', 'Holtålen', '50', 'Trøndelag', '5026', 'Holtålen', '50', 'Trøndelag', ARRAY['5026'], '937697767'),
    ('5027', '5027', 'Midtre Gauldal', '50', 'Trøndelag', '5027', 'Midtre Gauldal', '50', 'Trøndelag', ARRAY['5027'], '970187715'),
    ('5028', '5028', 'Melhus', '50', 'Trøndelag', '5028', 'Melhus', '50', 'Trøndelag', ARRAY['5028'], '938726027'),
    ('5029', '5029', 'Skaun', '50', 'Trøndelag', '5029', 'Skaun', '50', 'Trøndelag', ARRAY['5029'], '939865942'),
    ('5031', '5031', 'Malvik', '50', 'Trøndelag', '5031', 'Malvik', '50', 'Trøndelag', ARRAY['5031'], '971035560'),
    ('5032', '5032', 'Selbu', '50', 'Trøndelag', '5032', 'Selbu', '50', 'Trøndelag', ARRAY['5032'], '971197609'),
    ('5033', '5033', 'Tydal', '50', 'Trøndelag', '5033', 'Tydal', '50', 'Trøndelag', ARRAY['5033'], '864983472'),
    ('5034', '5034', 'Meråker', '50', 'Trøndelag', '5034', 'Meråker', '50', 'Trøndelag', ARRAY['5034'], '835231712'),
    ('5035', '5035', 'Stjørdal', '50', 'Trøndelag', '5035', 'Stjørdal', '50', 'Trøndelag', ARRAY['5035'], '939958851'),
    ('5036', '5036', 'Frosta', '50', 'Trøndelag', '5036', 'Frosta', '50', 'Trøndelag', ARRAY['5036'], '944482253'),
    ('5037', '5037', 'Levanger', '50', 'Trøndelag', '5037', 'Levanger - Levangke', '50', 'Trøndelag', ARRAY['5037'], '938587051'),
    ('5038', '5038', 'Verdal', '50', 'Trøndelag', '5038', 'Verdal', '50', 'Trøndelag', ARRAY['5038'], '938587418'),
    ('5041', '5041', 'Snåase - Snåsa', '50', 'Trøndelag', '5041', 'Snåase - Snåsa', '50', 'Trøndelag', ARRAY['5041'], '964982031'),
    ('5042', '5042', 'Lierne', '50', 'Trøndelag', '5042', 'Lierne', '50', 'Trøndelag', ARRAY['5042'], '972417963'),
    ('5043', '5043', 'Raarvihke - Røyrvik', '50', 'Trøndelag', '5043', 'Raarvihke - Røyrvik', '50', 'Trøndelag', ARRAY['5043'], '964982120'),
    ('5044', '5044', 'Namsskogan', '50', 'Trøndelag', '5044', 'Namsskogan', '50', 'Trøndelag', ARRAY['5044'], '864982212'),
    ('5045', '5045', 'Grong', '50', 'Trøndelag', '5045', 'Grong', '50', 'Trøndelag', ARRAY['5045'], '940010853'),
    ('5046', '5046', 'Høylandet', '50', 'Trøndelag', '5046', 'Høylandet', '50', 'Trøndelag', ARRAY['5046'], '959220476'),
    ('5047', '5047', 'Overhalla', '50', 'Trøndelag', '5047', 'Overhalla', '50', 'Trøndelag', ARRAY['5047'], '939896600'),
    ('5049', '5049', 'Flatanger', '50', 'Trøndelag', '5049', 'Flatanger', '50', 'Trøndelag', ARRAY['5049'], '845153272'),
    ('5052', '5052', 'Leka', '50', 'Trøndelag', '5052', 'Leka', '50', 'Trøndelag', ARRAY['5052'], '944484574'),
    ('5053', '5053', 'Inderøy', '50', 'Trøndelag', '5053', 'Inderøy', '50', 'Trøndelag', ARRAY['5053'], '997391853'),
    ('5054', '5054', 'Indre Fosen', '50', 'Trøndelag', '5054', 'Indre Fosen', '50', 'Trøndelag', ARRAY['5054'], '944305483'),
    ('5055', '5055', 'Heim', '50', 'Trøndelag', '5055', 'Heim', '50', 'Trøndelag', ARRAY['5055'], '920920004'),
    ('5056', '5056', 'Hitra', '50', 'Trøndelag', '5056', 'Hitra', '50', 'Trøndelag', ARRAY['5056'], '938772924'),
    ('5057', '5057', 'Ørland', '50', 'Trøndelag', '5057', 'Ørland', '50', 'Trøndelag', ARRAY['5057'], '921806027'),
    ('5058', '5058', 'Åfjord', '50', 'Trøndelag', '5058', 'Åfjord', '50', 'Trøndelag', ARRAY['5058'], '921875533'),
    ('5059', '5059', 'Orkland', '50', 'Trøndelag', '5059', 'Orkland', '50', 'Trøndelag', ARRAY['5059'], '921233418'),
    ('5060', '5060', 'Nærøysund', '50', 'Trøndelag', '5060', 'Nærøysund', '50', 'Trøndelag', ARRAY['5060'], '921785410'),
    ('5061', '5061', 'Rindal', '50', 'Trøndelag', '5061', 'Rindal', '50', 'Trøndelag', ARRAY['5061'], '940138051'),
    ('5401', '5401', 'Tromsø', '54', 'Troms og Finnmark', '5501', 'Tromsø', '55', 'Troms', ARRAY['5501'], '940101808'),
    ('5402', '5402', 'Harstad - Hárstták', '54', 'Troms og Finnmark', '5503', 'Harstad - Hárstták', '55', 'Troms', ARRAY['5503'], '972417971'),
    ('5403', '5403', 'Alta', '54', 'Troms og Finnmark', '5601', 'Alta', '56', 'Finnmark', ARRAY['5601'], '944588132'),
    ('5404', '5404', 'Vardø', '54', 'Troms og Finnmark', '5634', 'Vardø', '56', 'Finnmark', ARRAY['5634'], '972418048'),
    ('5405', '5405', 'Vadsø', '54', 'Troms og Finnmark', '5607', 'Vadsø', '56', 'Finnmark', ARRAY['5607'], '964993602'),
    ('5406', '5406', 'Hammerfest - Hámmerfeasta', '54', 'Troms og Finnmark', '5603', 'Hammerfest - Hámmerfeasta', '56', 'Finnmark', ARRAY['5603'], '921770669'),
    ('5411', '5411', 'Kvæfjord', '54', 'Troms og Finnmark', '5510', 'Kvæfjord', '55', 'Troms', ARRAY['5510'], '972417998'),
    ('5412', '5412', 'Dielddanuorri - Tjeldsund', '54', 'Troms og Finnmark', '5512', 'Dielddanuorri - Tjeldsund', '55', 'Troms', ARRAY['5512'], '959469326'),
    ('5413', '5413', 'Ibestad', '54', 'Troms og Finnmark', '5514', 'Ibestad', '55', 'Troms', ARRAY['5514'], '959469792'),
    ('5414', '5414', 'Gratangen', '54', 'Troms og Finnmark', '5516', 'Gratangen - Rivtták', '55', 'Troms', ARRAY['5516'], '959469415'),
    ('5415', '5415', 'Loabák - Lavangen', '54', 'Troms og Finnmark', '5518', 'Loabák - Lavangen', '55', 'Troms', ARRAY['5518'], '959469881'),
    ('5416', '5416', 'Bardu', '54', 'Troms og Finnmark', '5520', 'Bardu', '55', 'Troms', ARRAY['5520'], '864993982'),
    ('5417', '5417', 'Salangen', '54', 'Troms og Finnmark', '5522', 'Salangen', '55', 'Troms', ARRAY['5522'], '961416388'),
    ('5418', '5418', 'Målselv', '54', 'Troms og Finnmark', '5524', 'Målselv', '55', 'Troms', ARRAY['5524'], '972418005'),
    ('5419', '5419', 'Sørreisa', '54', 'Troms og Finnmark', '5526', 'Sørreisa', '55', 'Troms', ARRAY['5526'], '940755603'),
    ('5420', '5420', 'Dyrøy', '54', 'Troms og Finnmark', '5528', 'Dyrøy', '55', 'Troms', ARRAY['5528'], '864994032'),
    ('5421', '5421', 'Senja', '54', 'Troms og Finnmark', '5530', 'Senja', '55', 'Troms', ARRAY['5530'], '921369417'),
    ('5422', '5422', 'Balsfjord', '54', 'Troms og Finnmark', '5532', 'Balsfjord', '55', 'Troms', ARRAY['5532'], '940208580'),
    ('5423', '5423', 'Karlsøy', '54', 'Troms og Finnmark', '5534', 'Karlsøy', '55', 'Troms', ARRAY['5534'], '940330408'),
    ('5424', '5424', 'Lyngen', '54', 'Troms og Finnmark', '5536', 'Lyngen - Ivgu - Yykeä', '55', 'Troms', ARRAY['5536'], '840014932'),
    ('5425', '5425', 'Storfjord - Omasvuotna - Omasvuono', '54', 'Troms og Finnmark', '5538', 'Storfjord - Omasvuotna - Omasvuono', '55', 'Troms', ARRAY['5538'], '964994129'),
    ('5426', '5426', 'Gáivuotna - Kåfjord - Kaivuono', '54', 'Troms og Finnmark', '5540', 'Gáivuotna - Kåfjord - Kaivuono', '55', 'Troms', ARRAY['5540'], '940363586'),
    ('5427', '5427', 'Skjervøy', '54', 'Troms og Finnmark', '5542', 'Skjervøy', '55', 'Troms', ARRAY['5542'], '941812716'),
    ('5428', '5428', 'Nordreisa - Ráisa - Raisi', '54', 'Troms og Finnmark', '5544', 'Nordreisa - Ráisa - Raisi', '55', 'Troms', ARRAY['5544'], '943350833'),
    ('5429', '5429', 'Kvænangen', '54', 'Troms og Finnmark', '5546', 'Kvænangen', '55', 'Troms', ARRAY['5546'], '940331102'),
    ('5430', '5430', 'Guovdageaidnu - Kautokeino', '54', 'Troms og Finnmark', '5612', 'Guovdageaidnu - Kautokeino', '56', 'Finnmark', ARRAY['5612'], '945475056'),
    ('5432', '5432', 'Loppa', '54', 'Troms og Finnmark', '5614', 'Loppa', '56', 'Finnmark', ARRAY['5614'], '963063237'),
    ('5433', '5433', 'Hasvik', '54', 'Troms og Finnmark', '5616', 'Hasvik', '56', 'Finnmark', ARRAY['5616'], '964830711'),
    ('5434', '5434', 'Måsøy', '54', 'Troms og Finnmark', '5618', 'Måsøy', '56', 'Finnmark', ARRAY['5618'], '941087957'),
    ('5435', '5435', 'Nordkapp', '54', 'Troms og Finnmark', '5620', 'Nordkapp', '56', 'Finnmark', ARRAY['5620'], '938469415'),
    ('5436', '5436', 'Porsanger - Porsángu - Porsanki', '54', 'Troms og Finnmark', '5622', 'Porsanger - Porsángu - Porsanki', '56', 'Finnmark', ARRAY['5622'], '959411735'),
    ('5437', '5437', 'Kárášjohka - Karasjok', '54', 'Troms og Finnmark', '5610', 'Kárášjohka - Karasjok', '56', 'Finnmark', ARRAY['5610'], '963376030'),
    ('5438', '5438', 'Lebesby', '54', 'Troms og Finnmark', '5624', 'Lebesby', '56', 'Finnmark', ARRAY['5624'], '940400392'),
    ('5439', '5439', 'Gamvik', '54', 'Troms og Finnmark', '5626', 'Gamvik', '56', 'Finnmark', ARRAY['5626'], '934266811'),
    ('5440', '5440', 'Berlevåg', '54', 'Troms og Finnmark', '5630', 'Berlevåg', '56', 'Finnmark', ARRAY['5630'], '962388108'),
    ('5441', '5441', 'Deatnu - Tana', '54', 'Troms og Finnmark', '5628', 'Deatnu - Tana', '56', 'Finnmark', ARRAY['5628'], '943505527'),
    ('5442', '5442', 'Unjárga - Nesseby', '54', 'Troms og Finnmark', '5636', 'Unjárga - Nesseby', '56', 'Finnmark', ARRAY['5636'], '839953062'),
    ('5443', '5443', 'Båtsfjord', '54', 'Troms og Finnmark', '5632', 'Båtsfjord', '56', 'Finnmark', ARRAY['5632'], '938795592'),
    ('5444', '5444', 'Sør-Varanger', '54', 'Troms og Finnmark', '5605', 'Sør-Varanger', '56', 'Finnmark', ARRAY['5605'], '942110286'),
    ('5501', '5401', 'Tromsø', '54', 'Troms og Finnmark', '5501', 'Tromsø', '55', 'Troms', ARRAY['5501'], '940101808'),
    ('5503', '5402', 'Harstad - Hárstták', '54', 'Troms og Finnmark', '5503', 'Harstad - Hárstták', '55', 'Troms', ARRAY['5503'], '972417971'),
    ('5510', '5411', 'Kvæfjord', '54', 'Troms og Finnmark', '5510', 'Kvæfjord', '55', 'Troms', ARRAY['5510'], '972417998'),
    ('5512', '5412', 'Dielddanuorri - Tjeldsund', '54', 'Troms og Finnmark', '5512', 'Dielddanuorri - Tjeldsund', '55', 'Troms', ARRAY['5512'], '959469326'),
    ('5514', '5413', 'Ibestad', '54', 'Troms og Finnmark', '5514', 'Ibestad', '55', 'Troms', ARRAY['5514'], '959469792'),
    ('5516', '5414', 'Gratangen', '54', 'Troms og Finnmark', '5516', 'Gratangen - Rivtták', '55', 'Troms', ARRAY['5516'], '959469415'),
    ('5518', '5415', 'Loabák - Lavangen', '54', 'Troms og Finnmark', '5518', 'Loabák - Lavangen', '55', 'Troms', ARRAY['5518'], '959469881'),
    ('5520', '5416', 'Bardu', '54', 'Troms og Finnmark', '5520', 'Bardu', '55', 'Troms', ARRAY['5520'], '864993982'),
    ('5522', '5417', 'Salangen', '54', 'Troms og Finnmark', '5522', 'Salangen', '55', 'Troms', ARRAY['5522'], '961416388'),
    ('5524', '5418', 'Målselv', '54', 'Troms og Finnmark', '5524', 'Målselv', '55', 'Troms', ARRAY['5524'], '972418005'),
    ('5526', '5419', 'Sørreisa', '54', 'Troms og Finnmark', '5526', 'Sørreisa', '55', 'Troms', ARRAY['5526'], '940755603'),
    ('5528', '5420', 'Dyrøy', '54', 'Troms og Finnmark', '5528', 'Dyrøy', '55', 'Troms', ARRAY['5528'], '864994032'),
    ('5530', '5421', 'Senja', '54', 'Troms og Finnmark', '5530', 'Senja', '55', 'Troms', ARRAY['5530'], '921369417'),
    ('5532', '5422', 'Balsfjord', '54', 'Troms og Finnmark', '5532', 'Balsfjord', '55', 'Troms', ARRAY['5532'], '940208580'),
    ('5534', '5423', 'Karlsøy', '54', 'Troms og Finnmark', '5534', 'Karlsøy', '55', 'Troms', ARRAY['5534'], '940330408'),
    ('5536', '5424', 'Lyngen', '54', 'Troms og Finnmark', '5536', 'Lyngen - Ivgu - Yykeä', '55', 'Troms', ARRAY['5536'], '840014932'),
    ('5538', '5425', 'Storfjord - Omasvuotna - Omasvuono', '54', 'Troms og Finnmark', '5538', 'Storfjord - Omasvuotna - Omasvuono', '55', 'Troms', ARRAY['5538'], '964994129'),
    ('5540', '5426', 'Gáivuotna - Kåfjord - Kaivuono', '54', 'Troms og Finnmark', '5540', 'Gáivuotna - Kåfjord - Kaivuono', '55', 'Troms', ARRAY['5540'], '940363586'),
    ('5542', '5427', 'Skjervøy', '54', 'Troms og Finnmark', '5542', 'Skjervøy', '55', 'Troms', ARRAY['5542'], '941812716'),
    ('5544', '5428', 'Nordreisa - Ráisa - Raisi', '54', 'Troms og Finnmark', '5544', 'Nordreisa - Ráisa - Raisi', '55', 'Troms', ARRAY['5544'], '943350833'),
    ('5546', '5429', 'Kvænangen', '54', 'Troms og Finnmark', '5546', 'Kvænangen', '55', 'Troms', ARRAY['5546'], '940331102'),
    ('5601', '5403', 'Alta', '54', 'Troms og Finnmark', '5601', 'Alta', '56', 'Finnmark', ARRAY['5601'], '944588132'),
    ('5603', '5406', 'Hammerfest - Hámmerfeasta', '54', 'Troms og Finnmark', '5603', 'Hammerfest - Hámmerfeasta', '56', 'Finnmark', ARRAY['5603'], '921770669'),
    ('5605', '5444', 'Sør-Varanger', '54', 'Troms og Finnmark', '5605', 'Sør-Varanger', '56', 'Finnmark', ARRAY['5605'], '942110286'),
    ('5607', '5405', 'Vadsø', '54', 'Troms og Finnmark', '5607', 'Vadsø', '56', 'Finnmark', ARRAY['5607'], '964993602'),
    ('5610', '5437', 'Kárášjohka - Karasjok', '54', 'Troms og Finnmark', '5610', 'Kárášjohka - Karasjok', '56', 'Finnmark', ARRAY['5610'], '963376030'),
    ('5612', '5430', 'Guovdageaidnu - Kautokeino', '54', 'Troms og Finnmark', '5612', 'Guovdageaidnu - Kautokeino', '56', 'Finnmark', ARRAY['5612'], '945475056'),
    ('5614', '5432', 'Loppa', '54', 'Troms og Finnmark', '5614', 'Loppa', '56', 'Finnmark', ARRAY['5614'], '963063237'),
    ('5616', '5433', 'Hasvik', '54', 'Troms og Finnmark', '5616', 'Hasvik', '56', 'Finnmark', ARRAY['5616'], '964830711'),
    ('5618', '5434', 'Måsøy', '54', 'Troms og Finnmark', '5618', 'Måsøy', '56', 'Finnmark', ARRAY['5618'], '941087957'),
    ('5620', '5435', 'Nordkapp', '54', 'Troms og Finnmark', '5620', 'Nordkapp', '56', 'Finnmark', ARRAY['5620'], '938469415'),
    ('5622', '5436', 'Porsanger - Porsángu - Porsanki', '54', 'Troms og Finnmark', '5622', 'Porsanger - Porsángu - Porsanki', '56', 'Finnmark', ARRAY['5622'], '959411735'),
    ('5624', '5438', 'Lebesby', '54', 'Troms og Finnmark', '5624', 'Lebesby', '56', 'Finnmark', ARRAY['5624'], '940400392'),
    ('5626', '5439', 'Gamvik', '54', 'Troms og Finnmark', '5626', 'Gamvik', '56', 'Finnmark', ARRAY['5626'], '934266811'),
    ('5628', '5441', 'Deatnu - Tana', '54', 'Troms og Finnmark', '5628', 'Deatnu - Tana', '56', 'Finnmark', ARRAY['5628'], '943505527'),
    ('5630', '5440', 'Berlevåg', '54', 'Troms og Finnmark', '5630', 'Berlevåg', '56', 'Finnmark', ARRAY['5630'], '962388108'),
    ('5632', '5443', 'Båtsfjord', '54', 'Troms og Finnmark', '5632', 'Båtsfjord', '56', 'Finnmark', ARRAY['5632'], '938795592'),
    ('5634', '5404', 'Vardø', '54', 'Troms og Finnmark', '5634', 'Vardø', '56', 'Finnmark', ARRAY['5634'], '972418048'),
    ('5636', '5442', 'Unjárga - Nesseby', '54', 'Troms og Finnmark', '5636', 'Unjárga - Nesseby', '56', 'Finnmark', ARRAY['5636'], '839953062');


-- ---------------------------------------------------------------------------------------------
-- Organisations (applicants) (SQL/schema/02_organisations.sql)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE tilskot.organisation (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    orgnr          char(9) NOT NULL
        CONSTRAINT organisation_orgnr_unique UNIQUE
        CONSTRAINT organisation_orgnr_mod11 CHECK (tilskot.orgnr_is_valid(orgnr)),
    name           text NOT NULL CONSTRAINT organisation_name_present CHECK (btrim(name) <> ''),
    kind           text NOT NULL
        CONSTRAINT organisation_kind_known
        CHECK (kind IN ('municipality', 'county', 'voluntary', 'business', 'other')),
    -- Kommunenummer, leading zero kept; which division it belongs to follows from when it was used.
    municipality   char(4) CONSTRAINT organisation_municipality_format CHECK (municipality ~ '^[0-9]{4}$'),
    member_based   boolean NOT NULL DEFAULT false,
    external_board boolean NOT NULL DEFAULT false,
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX organisation_municipality_idx ON tilskot.organisation (municipality);

ALTER TABLE tilskot.organisation ADD CONSTRAINT organisation_created_at_finite CHECK (isfinite(created_at));  -- no date is infinite


-- ---------------------------------------------------------------------------------------------
-- Schemes, rounds, their frames and frame adjustments, reference-number sequences (SQL/schema/03_schemes_and_rounds.sql)
-- ---------------------------------------------------------------------------------------------

-- A grant scheme (tilskotsordning) with the rules of økonomireglementet 6.2.3 that we keep.
CREATE TABLE tilskot.scheme (
    id                           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                         text NOT NULL
        CONSTRAINT scheme_code_unique UNIQUE
        -- As TilskotCore's SchemeCode: 2–16 of A–Z, 0–9 and -, upper case ("JS").
        CONSTRAINT scheme_code_format CHECK (code ~ '^[A-Z0-9-]{2,16}$'),
    name                         text NOT NULL CONSTRAINT scheme_name_present CHECK (btrim(name) <> ''),
    goal                         text,
    target_group                 text,
    applicant_kinds              text[] NOT NULL
        CONSTRAINT scheme_applicant_kinds_known CHECK (
            cardinality(applicant_kinds) > 0
            AND applicant_kinds <@ ARRAY['municipality', 'county', 'voluntary', 'business', 'other']),
    -- First part of every application reference in the scheme: JS in JS-2021-0007.
    reference_prefix             text NOT NULL
        CONSTRAINT scheme_reference_prefix_unique UNIQUE
        -- As TilskotCore's ApplicationReference: 1–16 of A–Z, 0–9 and inner -.
        CONSTRAINT scheme_reference_prefix_format
        CHECK (reference_prefix ~ '^[A-Z0-9]([A-Z0-9-]{0,14}[A-Z0-9])?$'),
    -- Grants at or above this need an auditor-checked account (400 000 kr by default).
    report_account_threshold_ore bigint NOT NULL DEFAULT 40000000
        CONSTRAINT scheme_threshold_not_negative CHECK (report_account_threshold_ore >= 0),
    created_by                   text NOT NULL,
    created_at                   timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tilskot.scheme ADD CONSTRAINT scheme_created_at_finite CHECK (isfinite(created_at));  -- no date is infinite

-- A yearly call (utlysing) with its application window and budget frame (tilskotsramme).
CREATE TABLE tilskot.round (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id         bigint NOT NULL REFERENCES tilskot.scheme (id),
    year              integer NOT NULL CONSTRAINT round_year_range CHECK (year BETWEEN 1990 AND 2200),
    opens             date NOT NULL,
    closes            date NOT NULL,
    initial_frame_ore bigint NOT NULL CONSTRAINT round_initial_frame_not_negative CHECK (initial_frame_ore >= 0),
    -- Maintained in the same transaction as each frame adjustment: initial + sum of adjustments.
    frame_ore         bigint NOT NULL,
    -- Maintained in the same transaction as each decision: sum of current grants.
    granted_ore       bigint NOT NULL DEFAULT 0,
    opened_by         text NOT NULL,
    opened_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT round_scheme_year_unique UNIQUE (scheme_id, year),
    CONSTRAINT round_window_order CHECK (closes >= opens),
    CONSTRAINT round_frame_not_negative CHECK (frame_ore >= 0),
    CONSTRAINT round_granted_not_negative CHECK (granted_ore >= 0),
    -- The last line behind the decision trigger's own check and message.
    CONSTRAINT round_granted_within_frame CHECK (granted_ore <= frame_ore)
);

-- Indexes for the reports of issue 6 (Sources/TilskotReports). Every report starts from the rounds of
-- a year (or of a scheme over years), reaches their applications through round_id, and each
-- application's current decision; these let PostgreSQL do that with index(-only) scans at a million
-- applications instead of reading the whole application table. Checked with EXPLAIN by
-- Tests/TilskotReportsTests/ReportPlanTests.swift on a loaded database.

-- "The rounds of 2021": reports filter rounds by year before anything else.
CREATE INDEX round_year_idx ON tilskot.round (year, scheme_id);

ALTER TABLE tilskot.round ADD CONSTRAINT round_closes_finite CHECK (isfinite(closes));  -- no date is infinite

ALTER TABLE tilskot.round ADD CONSTRAINT round_opened_at_finite CHECK (isfinite(opened_at));  -- no date is infinite

ALTER TABLE tilskot.round ADD CONSTRAINT round_opens_finite CHECK (isfinite(opens));  -- no date is infinite

-- A change of a round's frame during the year (e.g. +25 MNOK through integreringspakke II).
CREATE TABLE tilskot.frame_adjustment (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id   bigint NOT NULL REFERENCES tilskot.round (id),
    amount_ore bigint NOT NULL CONSTRAINT frame_adjustment_not_zero CHECK (amount_ore <> 0),
    reason     text NOT NULL CONSTRAINT frame_adjustment_reason_present CHECK (tilskot.has_words(reason)),
    actor      text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX frame_adjustment_round_idx ON tilskot.frame_adjustment (round_id);

ALTER TABLE tilskot.frame_adjustment ADD CONSTRAINT frame_adjustment_at_finite CHECK (isfinite(at));  -- no date is infinite


-- ---------------------------------------------------------------------------------------------
-- Applications: registration, the state machine, the bulk import (SQL/schema/04_applications.sql)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE tilskot.status_transition (
    from_status text NOT NULL,
    to_status   text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);

INSERT INTO tilskot.status_transition (from_status, to_status) VALUES
    ('received', 'in_review'), ('received', 'assessed'), ('received', 'withdrawn'),
    ('received', 'dismissed'),
    ('in_review', 'assessed'), ('in_review', 'withdrawn'), ('in_review', 'dismissed'),
    ('assessed', 'assessed'), ('assessed', 'granted'), ('assessed', 'partially_granted'),
    ('assessed', 'rejected'), ('assessed', 'dismissed'), ('assessed', 'withdrawn'),
    ('granted', 'appealed'), ('partially_granted', 'appealed'), ('rejected', 'appealed'),
    ('dismissed', 'appealed'),
    ('appealed', 'granted'), ('appealed', 'partially_granted'), ('appealed', 'rejected'),
    ('appealed', 'dismissed'),
    ('granted', 'in_follow_up'), ('partially_granted', 'in_follow_up'),
    ('in_follow_up', 'closed');

CREATE TABLE tilskot.application (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Saksnummer: JS-2021-0007, assigned by the registration trigger.
    reference          text NOT NULL CONSTRAINT application_reference_unique UNIQUE,
    -- Copied from the round by the registration trigger; a move keeps it (moves stay in the scheme).
    scheme_id          bigint NOT NULL REFERENCES tilskot.scheme (id),
    round_id           bigint NOT NULL REFERENCES tilskot.round (id),
    organisation_id    bigint NOT NULL REFERENCES tilskot.organisation (id),
    title              text NOT NULL CONSTRAINT application_title_present CHECK (btrim(title) <> ''),
    amount_applied_ore bigint NOT NULL CONSTRAINT application_amount_not_negative CHECK (amount_applied_ore >= 0),
    received           date NOT NULL DEFAULT current_date,
    -- The applicant's or portal's own reference; registering it twice registers once.
    external_ref       text CONSTRAINT application_external_ref_present CHECK (btrim(external_ref) <> ''),
    status             text NOT NULL DEFAULT 'received'
        CONSTRAINT application_status_known CHECK (status IN (
            'received', 'in_review', 'assessed', 'granted', 'partially_granted', 'rejected',
            'dismissed', 'withdrawn', 'appealed', 'in_follow_up', 'closed')),
    late               boolean NOT NULL DEFAULT false,
    late_reason        text,
    registered_by      text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT application_external_ref_unique UNIQUE (scheme_id, external_ref),
    CONSTRAINT application_late_has_reason CHECK (((NOT late) OR tilskot.has_words(COALESCE(late_reason, ''::text))))
);

CREATE INDEX application_organisation_idx ON tilskot.application (organisation_id);

CREATE INDEX application_status_idx ON tilskot.application (status);

-- A round's applications with the columns the reports read, so counts and sums by round come from
-- the index alone (application_round_status_idx serves the lifecycle's own lookups).
CREATE INDEX application_round_report_idx ON tilskot.application (round_id)
    INCLUDE (id, status, amount_applied_ore, organisation_id, received);

CREATE INDEX application_round_status_idx ON tilskot.application (round_id, status, id);

ALTER TABLE tilskot.application ADD CONSTRAINT application_created_at_finite CHECK (isfinite(created_at));  -- no date is infinite

ALTER TABLE tilskot.application ADD CONSTRAINT application_received_finite CHECK (isfinite(received));  -- no date is infinite


-- ---------------------------------------------------------------------------------------------
-- One guard row per case: every rule that reads other rows holds at every isolation level (SQL/schema/05_case_guard.sql)
-- ---------------------------------------------------------------------------------------------

-- Every rule that reads other rows holds at every isolation level (issue 14, breaches 2–4).
--
-- The rules of a case are checked by the BEFORE INSERT trigger of the event that changes it, under
-- the application's row lock (tilskot.lock_application, FOR UPDATE). That lock orders the writers of
-- one case, and at READ COMMITTED each statement of a trigger takes a fresh snapshot, so a checker
-- sees whatever the writer before it committed. At REPEATABLE READ and SERIALIZABLE it does not: the
-- checker reads with the transaction's snapshot, taken at its first statement, and a lock on the
-- application row raises a serialization failure (40001) only if that row was *changed* after the
-- snapshot. Most events leave the row alone (a second assessment, a disqualification, an instalment
-- planned while the case is in follow-up), so with the row lock alone a transaction opened before them
-- would pass its check on a stale picture and commit:
--
--   2. four-eyes: a manager opens a REPEATABLE READ transaction, assesses the case in another
--      session, and decides it in the first (also SERIALIZABLE against a READ COMMITTED assessment);
--   3. conflict of interest (fvl. §§ 6–10): a disqualification committed after the snapshot is not
--      seen by the disqualified person's decision or assessment;
--   4. settled closing: a closing at REPEATABLE READ does not see an instalment planned meanwhile,
--      and the grant is closed with money still to go out that can never be attested;
--   and by the same pattern: two instalments planned at once over the grant, two claw-backs over
--   what was paid, two repayments over what is owed, a report approved against a duty replaced.
--
-- The class is closed here, not the instances: one row per case, tilskot.case_guard, that every
-- writer of a case *updates* before its rule reads anything. A SECURITY DEFINER trigger,
-- a0_case_guard, is the first BEFORE trigger on every table whose rows a case rule reads or whose
-- rule reads other rows of the case (the list below). Because the guard row is updated — not just
-- locked — by every such writer:
--
--   * REPEATABLE READ / SERIALIZABLE: a transaction whose snapshot predates another writer's commit
--     finds the guard row changed after its snapshot and gets 40001 ("could not serialize access due
--     to concurrent update"; the service runs the transaction again, Connection.retrying), instead
--     of a stale pass. Two writers in flight at once queue on the row; the second gets 40001 when
--     the first commits.
--   * READ COMMITTED: the writer waits for the row, then its rule's statements read fresh snapshots
--     and see what the other committed: the rule's own sentence and SQLSTATE.
--
-- So at every level the writers of one case are totally ordered by commit, and each check sees every
-- change of the case committed before it. (A mere SELECT … FOR UPDATE would not do: PostgreSQL
-- raises 40001 for a REPEATABLE READ locker only when the row was updated after its snapshot.)
--
-- Why a guard row and not the application row: updating the application would fire its audit,
-- tally and state-machine triggers on every event; the guard row has no trigger, no index but its
-- key, and is written only here (no group role has any right on it), with fillfactor 50 so that its
-- updates stay HOT. It has no foreign key to the application on purpose: a key check would take a
-- KEY SHARE lock on the application row before the rule's own FOR UPDATE, and an event that names an
-- application that does not exist must still get its rule's sentence (23T12), not a key violation.
-- Applications are never deleted (23T09) and identities are not reused, so the row cannot dangle.
--
-- Lock order, everywhere: the case's guard row, then the application row, then the round's row.
--
-- Why "a0_": triggers of one timing fire in name order (byte order), and the rules are
-- `<table>_before_insert` and `aa_*`; "a0_case_guard" sorts before them all, so at READ COMMITTED
-- the wait happens before the rule reads. A new BEFORE trigger on these tables must sort after
-- "a0_" (start its name with a letter).
--
-- Rules that read rows of other cases. The round's frame (grants of a round ≤ its frame,
-- 07_decisions.sql):
-- every writer of what it reads already *updates* the round's row — a grant or superseding decision
-- at COMMIT (decision_within_frame: FOR NO KEY UPDATE, then UPDATE granted_ore), a frame adjustment
-- (frame_adjustment_before_insert: FOR NO KEY UPDATE, then UPDATE frame_ore) — so the round row is
-- already the frame's guard: an old snapshot gets 40001 there. A round move changes no grant (only
-- undecided applications move: application_before_update, 04_applications.sql) and updates the
-- application row, which a decision on the same case locks. IsolationMatrixTests proves both at all
-- three levels.
--
-- The participant register has no guard trigger: its writers are the SECURITY DEFINER functions of
-- 13_participants.sql (issue 14, breaches 5–7), and no participant rule is read back by a case rule.

CREATE TABLE tilskot.case_guard (
    application_id bigint PRIMARY KEY,
    -- How many guarded events the case has had; only its changing matters.
    touched        bigint NOT NULL
) WITH (fillfactor = 50);


-- ---------------------------------------------------------------------------------------------
-- Assignment, disqualification and assessment (SQL/schema/06_assessment.sql)
-- ---------------------------------------------------------------------------------------------

-- A caseworker taking a case (saksbehandlar): moves it from received to in_review.
CREATE TABLE tilskot.assignment (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    caseworker     text NOT NULL,
    assigned_by    text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX assignment_application_idx ON tilskot.assignment (application_id);

CREATE INDEX assignment_latest_idx ON tilskot.assignment (application_id, id DESC) INCLUDE (caseworker);

ALTER TABLE tilskot.assignment ADD CONSTRAINT assignment_at_finite CHECK (isfinite(at));  -- no date is infinite

-- Conflict of interest (inhabilitet, fvl. §§ 6–10): the person can neither assess nor decide.
CREATE TABLE tilskot.disqualification (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    person         text NOT NULL,
    reason         text NOT NULL CONSTRAINT disqualification_reason_present CHECK (tilskot.has_words(reason)),
    declared_by    text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT disqualification_once UNIQUE (application_id, person)
);

ALTER TABLE tilskot.disqualification ADD CONSTRAINT disqualification_at_finite CHECK (isfinite(at));  -- no date is infinite

-- A caseworker's assessment (vurdering/innstilling). A new one supersedes the current one; both kept.
CREATE TABLE tilskot.assessment (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id         bigint NOT NULL REFERENCES tilskot.application (id),
    assessor               text NOT NULL,
    score                  smallint NOT NULL CONSTRAINT assessment_score_range CHECK (score BETWEEN 1 AND 5),
    recommendation         text NOT NULL
        CONSTRAINT assessment_recommendation_known CHECK (recommendation IN ('grant', 'partial', 'reject')),
    recommended_amount_ore bigint CONSTRAINT assessment_amount_not_negative CHECK (recommended_amount_ore >= 0),
    notes                  text,
    at                     timestamptz NOT NULL DEFAULT now(),
    is_current             boolean NOT NULL DEFAULT true,
    supersedes             bigint REFERENCES tilskot.assessment (id)
);

CREATE INDEX assessment_application_idx ON tilskot.assessment (application_id);

CREATE UNIQUE INDEX assessment_one_current ON tilskot.assessment (application_id) WHERE is_current;

ALTER TABLE tilskot.assessment ADD CONSTRAINT assessment_at_finite CHECK (isfinite(at));  -- no date is infinite


-- ---------------------------------------------------------------------------------------------
-- Appeals, withdrawals and moves between rounds (SQL/schema/08_appeals_withdrawals_moves.sql)
-- ---------------------------------------------------------------------------------------------

-- An appeal (klage, fvl. §§ 28–36) against the application's current decision.
CREATE TABLE tilskot.appeal (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id          bigint NOT NULL REFERENCES tilskot.application (id),
    decision_id             bigint NOT NULL,  -- the decision appealed; FK added below
    -- The day the appeal reached the directorate; the deadline (fvl. § 29) is measured against it.
    received                date NOT NULL,
    registered_at           timestamptz NOT NULL DEFAULT now(),
    registered_by           text NOT NULL,
    late                    boolean NOT NULL DEFAULT false,
    late_reason             text,
    grounds                 text NOT NULL CONSTRAINT appeal_grounds_present CHECK (tilskot.has_words(grounds)),
    -- Set when a new decision resolves it: 'upheld' = the appealed decision stands (stadfesta),
    -- 'changed' = the new decision differs (klagen teken heilt eller delvis til følgje).
    outcome                 text CONSTRAINT appeal_outcome_known CHECK (outcome IN ('upheld', 'changed')),
    resolved_by_decision_id bigint,
    resolved_at             timestamptz,
    CONSTRAINT appeal_late_has_reason CHECK (((NOT late) OR tilskot.has_words(COALESCE(late_reason, ''::text)))),
    CONSTRAINT appeal_resolution_complete CHECK (
        (outcome IS NULL) = (resolved_by_decision_id IS NULL)
        AND (outcome IS NULL) = (resolved_at IS NULL))
);

CREATE INDEX appeal_application_idx ON tilskot.appeal (application_id);

CREATE UNIQUE INDEX appeal_one_pending ON tilskot.appeal (application_id) WHERE outcome IS NULL;

ALTER TABLE tilskot.appeal ADD CONSTRAINT appeal_received_finite CHECK (isfinite(received));  -- no date is infinite

ALTER TABLE tilskot.appeal ADD CONSTRAINT appeal_registered_at_finite CHECK (isfinite(registered_at));  -- no date is infinite

ALTER TABLE tilskot.appeal ADD CONSTRAINT appeal_resolved_at_finite CHECK (isfinite(resolved_at));  -- no date is infinite

-- Withdrawal by the applicant (trekt): only before a decision.
CREATE TABLE tilskot.withdrawal (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL CONSTRAINT withdrawal_once UNIQUE REFERENCES tilskot.application (id),
    reason         text NOT NULL CONSTRAINT withdrawal_reason_present CHECK (tilskot.has_words(reason)),
    withdrawn_by   text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tilskot.withdrawal ADD CONSTRAINT withdrawal_at_finite CHECK (isfinite(at));  -- no date is infinite

-- Moving an undecided application to another round of the same scheme; the reference stays.
CREATE TABLE tilskot.round_move (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    from_round_id  bigint NOT NULL REFERENCES tilskot.round (id),
    to_round_id    bigint NOT NULL REFERENCES tilskot.round (id),
    reason         text NOT NULL CONSTRAINT round_move_reason_present CHECK (tilskot.has_words(reason)),
    moved_by       text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX round_move_application_idx ON tilskot.round_move (application_id);

ALTER TABLE tilskot.round_move ADD CONSTRAINT round_move_at_finite CHECK (isfinite(at));  -- no date is infinite


-- ---------------------------------------------------------------------------------------------
-- Decisions and the frame (SQL/schema/07_decisions.sql)
-- ---------------------------------------------------------------------------------------------

-- An individual decision (enkeltvedtak, fvl. § 2). A decision on appeal supersedes the current one;
-- both kept; the round's frame counts only the current one.
CREATE TABLE tilskot.decision (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    outcome        text NOT NULL
        CONSTRAINT decision_outcome_known
        CHECK (outcome IN ('granted', 'partially_granted', 'rejected', 'dismissed')),
    -- No default: the trigger fills the amount applied for on a full grant, 0 kr on a refusal.
    amount_ore     bigint NOT NULL CONSTRAINT decision_amount_not_negative CHECK (amount_ore >= 0),
    -- Grunngiving (fvl. §§ 24–25): required for everything but a full grant.
    reasons        text,
    conditions     text,
    decided_by     text NOT NULL,
    decision_date  date NOT NULL DEFAULT current_date,
    decided_at     timestamptz NOT NULL DEFAULT now(),
    is_current     boolean NOT NULL DEFAULT true,
    supersedes     bigint REFERENCES tilskot.decision (id),
    -- The appeal this decision resolves; NULL for a first decision.
    appeal_id      bigint REFERENCES tilskot.appeal (id),
    CONSTRAINT decision_reasons_present CHECK (((outcome = 'granted'::text) OR tilskot.has_words(COALESCE(reasons, ''::text)))),
    -- The full-grant-equals-applied rule needs the application's row: the decision trigger holds it.
    CONSTRAINT decision_amount_fits_outcome CHECK (
        outcome = 'granted'
        OR (outcome = 'partially_granted' AND amount_ore > 0)
        OR (outcome IN ('rejected', 'dismissed') AND amount_ore = 0))
);

ALTER TABLE tilskot.appeal
    ADD CONSTRAINT appeal_decision_fk FOREIGN KEY (decision_id) REFERENCES tilskot.decision (id),
    ADD CONSTRAINT appeal_resolved_by_fk FOREIGN KEY (resolved_by_decision_id) REFERENCES tilskot.decision (id);

CREATE INDEX decision_application_idx ON tilskot.decision (application_id);

CREATE UNIQUE INDEX decision_one_current ON tilskot.decision (application_id) WHERE is_current;

-- The decision in force on each application, with what reports read of it.
CREATE INDEX decision_current_report_idx ON tilskot.decision (application_id)
    INCLUDE (outcome, amount_ore, decision_date) WHERE is_current;

-- The first decision on an application (days from received to decision) and the latest assignment
-- (who has the case) in the caseload report.
CREATE INDEX decision_application_order_idx ON tilskot.decision (application_id, id) INCLUDE (decision_date);

ALTER TABLE tilskot.decision ADD CONSTRAINT decision_decided_at_finite CHECK (isfinite(decided_at));  -- no date is infinite

ALTER TABLE tilskot.decision ADD CONSTRAINT decision_decision_date_finite CHECK (isfinite(decision_date));  -- no date is infinite


-- ---------------------------------------------------------------------------------------------
-- Payments: instalments, attestation, payment, withholding (SQL/schema/09_payments.sql)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE tilskot.payment (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES tilskot.application (id),
    -- 1, 2, … within the application, assigned by the trigger.
    instalment      integer NOT NULL,
    amount_ore      bigint NOT NULL CONSTRAINT payment_amount_positive CHECK (amount_ore > 0),
    due_date        date NOT NULL,
    -- The recipient's bank account, 11 digits.
    account_number  text NOT NULL
        CONSTRAINT payment_account_mod11 CHECK (tilskot.bank_account_is_valid(account_number)),
    status          text NOT NULL DEFAULT 'planned'
        CONSTRAINT payment_status_known CHECK (status IN ('planned', 'attested', 'paid', 'withheld')),
    planned_by      text NOT NULL,
    planned_at      timestamptz NOT NULL DEFAULT now(),
    attested_by     text,
    attested_at     timestamptz,
    paid_on         date,
    voucher         text,
    paid_by         text,
    paid_at         timestamptz,
    withheld_reason text,
    CONSTRAINT payment_instalment_unique UNIQUE (application_id, instalment),
    -- The last line behind the triggers: what each status implies is there.
    CONSTRAINT payment_status_complete CHECK (
        (status <> 'attested' OR attested_by IS NOT NULL)
        AND (status <> 'paid' OR (attested_by IS NOT NULL AND paid_on IS NOT NULL AND btrim(coalesce(voucher, '')) <> ''))
        AND (status <> 'withheld' OR btrim(coalesce(withheld_reason, '')) <> ''))
);

CREATE INDEX payment_application_idx ON tilskot.payment (application_id);

CREATE INDEX payment_status_due_idx ON tilskot.payment (status, due_date);

ALTER TABLE tilskot.payment ADD CONSTRAINT payment_attested_at_finite CHECK (isfinite(attested_at));  -- no date is infinite

ALTER TABLE tilskot.payment ADD CONSTRAINT payment_due_date_finite CHECK (isfinite(due_date));  -- no date is infinite

ALTER TABLE tilskot.payment ADD CONSTRAINT payment_paid_at_finite CHECK (isfinite(paid_at));  -- no date is infinite

ALTER TABLE tilskot.payment ADD CONSTRAINT payment_paid_on_finite CHECK (isfinite(paid_on));  -- no date is infinite

ALTER TABLE tilskot.payment ADD CONSTRAINT payment_planned_at_finite CHECK (isfinite(planned_at));  -- no date is infinite

ALTER TABLE tilskot.payment ADD CONSTRAINT payment_withheld_reason_has_words CHECK (((status <> 'withheld'::text) OR tilskot.has_words(COALESCE(withheld_reason, ''::text))));

-- One step on an instalment: attest, pay, withhold or release.
CREATE TABLE tilskot.payment_event (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id     bigint NOT NULL REFERENCES tilskot.payment (id),
    -- Filled by the trigger, so that the audit log files the event under the application.
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    kind           text NOT NULL CONSTRAINT payment_event_kind_known CHECK (kind IN ('attest', 'pay', 'withhold', 'release')),
    paid_on        date,
    voucher        text,
    reason         text,
    actor          text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payment_event_payment_idx ON tilskot.payment_event (payment_id);

ALTER TABLE tilskot.payment_event ADD CONSTRAINT payment_event_at_finite CHECK (isfinite(at));  -- no date is infinite

ALTER TABLE tilskot.payment_event ADD CONSTRAINT payment_event_paid_on_finite CHECK (isfinite(paid_on));  -- no date is infinite

ALTER TABLE tilskot.payment_event ADD CONSTRAINT payment_event_reason_has_words CHECK (((kind <> ALL (ARRAY['withhold'::text, 'release'::text])) OR tilskot.has_words(COALESCE(reason, ''::text))));


-- ---------------------------------------------------------------------------------------------
-- Reporting duties, recipient reports, reviews and reminders (SQL/schema/10_reporting.sql)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE tilskot.report_duty (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id   bigint NOT NULL REFERENCES tilskot.application (id),
    -- The last day of the project the grant funds; default 31 December of the round's year.
    project_end      date NOT NULL,
    -- Default three months after the project ends (the scheme rules' usual deadline).
    due_date         date NOT NULL,
    -- Revisorattestert rekneskap: required for grants at or above the scheme's threshold
    -- (scheme.report_account_threshold_ore, 400 000 kr by default); may also be asked of smaller ones.
    account_required boolean NOT NULL,
    set_by           text NOT NULL,
    at               timestamptz NOT NULL DEFAULT now(),
    is_current       boolean NOT NULL DEFAULT true,
    supersedes       bigint REFERENCES tilskot.report_duty (id),
    CONSTRAINT report_duty_due_after_project CHECK (due_date >= project_end)
);

CREATE UNIQUE INDEX report_duty_one_current ON tilskot.report_duty (application_id) WHERE is_current;

CREATE INDEX report_duty_due_idx ON tilskot.report_duty (due_date) WHERE is_current;

ALTER TABLE tilskot.report_duty ADD CONSTRAINT report_duty_at_finite CHECK (isfinite(at));  -- no date is infinite

ALTER TABLE tilskot.report_duty ADD CONSTRAINT report_duty_due_date_finite CHECK (isfinite(due_date));  -- no date is infinite

ALTER TABLE tilskot.report_duty ADD CONSTRAINT report_duty_project_end_finite CHECK (isfinite(project_end));  -- no date is infinite

-- Recipient reports (rapportering) and reminders. A granted application owes a report by its
-- reporting duty's due date (10_reporting.sql); the report is received, then approved or rejected with reasons
-- (a rejected report is answered by a new one). A grant at or above the scheme's threshold needs an
-- auditor-checked account before its report can be approved. Reminders are recorded, and nobody is
-- reminded twice in the same ISO week: a unique index holds that even for two reminder runs at once.
-- Codes: 23T22 no grant, 23T24 reporting, 23T25 reminders.

CREATE TABLE tilskot.recipient_report (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id   bigint NOT NULL REFERENCES tilskot.application (id),
    -- The day the report reached the directorate.
    report_date      date NOT NULL,
    -- An auditor-checked account (revisorattestert rekneskap) came with the report.
    account_approved boolean NOT NULL DEFAULT false,
    notes            text,
    status           text NOT NULL DEFAULT 'received'
        CONSTRAINT recipient_report_status_known CHECK (status IN ('received', 'approved', 'rejected')),
    received_by      text NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    reviewed_by      text,
    reviewed_at      timestamptz,
    review_reasons   text,
    CONSTRAINT recipient_report_review_complete CHECK (
        (status = 'received') = (reviewed_by IS NULL)
        AND (status <> 'rejected' OR btrim(coalesce(review_reasons, '')) <> ''))
);

CREATE INDEX recipient_report_application_idx ON tilskot.recipient_report (application_id);

-- At most one report waiting for review per application.
CREATE UNIQUE INDEX recipient_report_one_pending ON tilskot.recipient_report (application_id) WHERE status = 'received';

ALTER TABLE tilskot.recipient_report ADD CONSTRAINT recipient_report_received_at_finite CHECK (isfinite(received_at));  -- no date is infinite

ALTER TABLE tilskot.recipient_report ADD CONSTRAINT recipient_report_rejection_has_words CHECK (((status <> 'rejected'::text) OR tilskot.has_words(COALESCE(review_reasons, ''::text))));

ALTER TABLE tilskot.recipient_report ADD CONSTRAINT recipient_report_report_date_finite CHECK (isfinite(report_date));  -- no date is infinite

ALTER TABLE tilskot.recipient_report ADD CONSTRAINT recipient_report_reviewed_at_finite CHECK (isfinite(reviewed_at));  -- no date is infinite

-- A caseworker's review of a received report: approved, or rejected with reasons.
CREATE TABLE tilskot.report_review (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id      bigint NOT NULL REFERENCES tilskot.recipient_report (id),
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    outcome        text NOT NULL CONSTRAINT report_review_outcome_known CHECK (outcome IN ('approved', 'rejected')),
    reasons        text,
    reviewer       text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_review_rejection_has_reasons CHECK (((outcome = 'approved'::text) OR tilskot.has_words(COALESCE(reasons, ''::text))))
);

CREATE INDEX report_review_report_idx ON tilskot.report_review (report_id);

ALTER TABLE tilskot.report_review ADD CONSTRAINT report_review_at_finite CHECK (isfinite(at));  -- no date is infinite

-- A reminder sent to a recipient whose report is due or overdue.
CREATE TABLE tilskot.reminder (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    sent_on        date NOT NULL DEFAULT current_date,
    -- ISO year and week of sent_on as one number, 202214 = week 14 of ISO year 2022.
    iso_week       integer GENERATED ALWAYS AS
                       ((extract(isoyear FROM sent_on) * 100 + extract(week FROM sent_on))::integer) STORED,
    -- The due date it reminds of, and whether it had passed.
    due_date       date NOT NULL,
    kind           text NOT NULL CONSTRAINT reminder_kind_known CHECK (kind IN ('before_due', 'overdue')),
    sent_by        text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);

-- Nobody reminded twice in the same ISO week: the last line behind the trigger's own check, which
-- two reminder runs at the same moment could both pass.
CREATE UNIQUE INDEX reminder_once_a_week ON tilskot.reminder (application_id, iso_week);

ALTER TABLE tilskot.reminder ADD CONSTRAINT reminder_at_finite CHECK (isfinite(at));  -- no date is infinite

ALTER TABLE tilskot.reminder ADD CONSTRAINT reminder_due_date_finite CHECK (isfinite(due_date));  -- no date is infinite

ALTER TABLE tilskot.reminder ADD CONSTRAINT reminder_sent_on_finite CHECK (isfinite(sent_on));  -- no date is infinite


-- ---------------------------------------------------------------------------------------------
-- Claw-backs, their appeals and resolutions, repayments (SQL/schema/11_clawbacks.sql)
-- ---------------------------------------------------------------------------------------------

-- Claw-back (tilbakebetaling): a manager demands repayment of money paid out (unspent or misused
-- funds), with reasons and a due date. It is an individual decision, so it can be appealed
-- (3 weeks, fvl. § 29; late with a reason, § 31); a manager resolves the appeal by upholding,
-- reducing or cancelling the demand. Repayments received are recorded against it.
--
-- Rules held here: the sum of claw-backs in force never exceeds what was paid, a repayment never
-- exceeds what is demanded, and a reduction never goes below what has been repaid. The lifecycle's
-- appeal table is tied to grant decisions and to statuses before follow-up, so claw-back appeals
-- have their own record. Codes: 23T20 money, 23T22 no grant, 23T27 claw-backs, 42T01 managers only.

CREATE TABLE tilskot.clawback (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id      bigint NOT NULL REFERENCES tilskot.application (id),
    -- What is demanded now: the original demand, or what an appeal reduced it to (0 when cancelled).
    amount_ore          bigint NOT NULL CONSTRAINT clawback_amount_not_negative CHECK (amount_ore >= 0),
    original_amount_ore bigint NOT NULL CONSTRAINT clawback_original_positive CHECK (original_amount_ore > 0),
    reasons             text NOT NULL CONSTRAINT clawback_reasons_present CHECK (tilskot.has_words(reasons)),
    decision_date       date NOT NULL DEFAULT current_date,
    due_date            date NOT NULL,
    cancelled           boolean NOT NULL DEFAULT false,
    demanded_by         text NOT NULL,
    demanded_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT clawback_due_after_decision CHECK (due_date >= decision_date),
    CONSTRAINT clawback_amount_within_original CHECK (amount_ore <= original_amount_ore),
    CONSTRAINT clawback_cancelled_is_zero CHECK (cancelled = (amount_ore = 0))
);

CREATE INDEX clawback_application_idx ON tilskot.clawback (application_id);

ALTER TABLE tilskot.clawback ADD CONSTRAINT clawback_decision_date_finite CHECK (isfinite(decision_date));  -- no date is infinite

ALTER TABLE tilskot.clawback ADD CONSTRAINT clawback_demanded_at_finite CHECK (isfinite(demanded_at));  -- no date is infinite

ALTER TABLE tilskot.clawback ADD CONSTRAINT clawback_due_date_finite CHECK (isfinite(due_date));  -- no date is infinite

CREATE TABLE tilskot.clawback_appeal (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clawback_id     bigint NOT NULL REFERENCES tilskot.clawback (id),
    application_id  bigint NOT NULL REFERENCES tilskot.application (id),
    received        date NOT NULL,
    late            boolean NOT NULL DEFAULT false,
    late_reason     text,
    grounds         text NOT NULL CONSTRAINT clawback_appeal_grounds_present CHECK (tilskot.has_words(grounds)),
    registered_by   text NOT NULL,
    registered_at   timestamptz NOT NULL DEFAULT now(),
    -- Set by the resolution: 'upheld' (stadfesta), 'reduced' or 'cancelled'.
    outcome         text CONSTRAINT clawback_appeal_outcome_known CHECK (outcome IN ('upheld', 'reduced', 'cancelled')),
    resolved_at     timestamptz,
    CONSTRAINT clawback_appeal_late_has_reason CHECK (((NOT late) OR tilskot.has_words(COALESCE(late_reason, ''::text)))),
    CONSTRAINT clawback_appeal_resolution_complete CHECK ((outcome IS NULL) = (resolved_at IS NULL))
);

CREATE UNIQUE INDEX clawback_appeal_one_pending ON tilskot.clawback_appeal (clawback_id) WHERE outcome IS NULL;

CREATE INDEX clawback_appeal_application_idx ON tilskot.clawback_appeal (application_id);

ALTER TABLE tilskot.clawback_appeal ADD CONSTRAINT clawback_appeal_received_finite CHECK (isfinite(received));  -- no date is infinite

ALTER TABLE tilskot.clawback_appeal ADD CONSTRAINT clawback_appeal_registered_at_finite CHECK (isfinite(registered_at));  -- no date is infinite

ALTER TABLE tilskot.clawback_appeal ADD CONSTRAINT clawback_appeal_resolved_at_finite CHECK (isfinite(resolved_at));  -- no date is infinite

-- A manager's decision on a claw-back appeal.
CREATE TABLE tilskot.clawback_resolution (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    appeal_id      bigint NOT NULL CONSTRAINT clawback_resolution_once UNIQUE REFERENCES tilskot.clawback_appeal (id),
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    outcome        text NOT NULL CONSTRAINT clawback_resolution_outcome_known CHECK (outcome IN ('upheld', 'reduced', 'cancelled')),
    -- The amount demanded after the resolution.
    amount_ore     bigint NOT NULL CONSTRAINT clawback_resolution_amount_not_negative CHECK (amount_ore >= 0),
    reasons        text NOT NULL CONSTRAINT clawback_resolution_reasons_present CHECK (tilskot.has_words(reasons)),
    resolved_by    text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tilskot.clawback_resolution ADD CONSTRAINT clawback_resolution_at_finite CHECK (isfinite(at));  -- no date is infinite

-- Money coming back (innbetaling) against a claw-back.
CREATE TABLE tilskot.repayment (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clawback_id    bigint NOT NULL REFERENCES tilskot.clawback (id),
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    amount_ore     bigint NOT NULL CONSTRAINT repayment_amount_positive CHECK (amount_ore > 0),
    received_on    date NOT NULL,
    voucher        text,
    recorded_by    text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX repayment_clawback_idx ON tilskot.repayment (clawback_id);

-- A summary of the money and reports after the decision, per round, for `report followup` (issue 7):
-- kept in the same transaction as every follow-up step, so the report reads a few rows per round
-- instead of every grant of the year with its payments, claw-backs and reports.
--
--   tilskot.followup_tally   per round and reporting due date ('infinity' for grants without a
--                            current reporting duty): planned (not withheld), paid, clawed back (in
--                            force), repaid, how many grants have money clawed back, and of the
--                            current reporting duties how many are required, approved, awaiting
--                            review and still open (no report received or approved). Whether an
--                            open report is due or overdue depends on the day the report is run,
--                            so the report splits the open ones at current_date by due date.
--   tilskot.grant_followup   the figures each grant last contributed (one row per grant that has had
--                            a follow-up step; a grant without one contributes nothing).
--
-- The number of grants and the sum granted come from the application tally; net is granted minus
-- clawed back, as in the view tilskot.grant_money (14_report_summaries.sql), whose definitions this
-- follows exactly.
--
-- A follow-up step (payment plan, attestation, payment or withholding — which update the payment —
-- claw-back, its resolution, repayment, reporting duty, report, review) recounts the grants it
-- touched from the rows and notes the difference in tilskot.followup_delta, which a deferred trigger
-- adds to the rounds' rows at COMMIT (so steps on different grants of one round do not queue). The
-- grant itself cannot change once follow-up has started (appeal_before_insert,
-- 08_appeals_withdrawals_moves.sql, refuses appeals then, and only an appeal brings a new
-- decision), so decisions need no trigger here.
--
-- Kept by statement-level triggers with transition tables, upserts in key order, SECURITY DEFINER
-- and no grants to write; readable by everyone who reads the follow-up. Tests in
-- Tests/TilskotReportsTests/ReportSummaryTallyTests.swift compare the report with the plain
-- aggregate over tilskot.grant_money after random follow-up steps.

-- Repayments per application: grant_money sums them by application_id, and so does the recount.
CREATE INDEX repayment_application_idx ON tilskot.repayment (application_id);

ALTER TABLE tilskot.repayment ADD CONSTRAINT repayment_at_finite CHECK (isfinite(at));  -- no date is infinite

ALTER TABLE tilskot.repayment ADD CONSTRAINT repayment_received_on_finite CHECK (isfinite(received_on));  -- no date is infinite


-- ---------------------------------------------------------------------------------------------
-- Closing a grant (SQL/schema/12_closing.sql)
-- ---------------------------------------------------------------------------------------------

-- Closing (avslutning) a followed-up grant: a manager's act, once the recipient's report is approved
-- and the money is settled — no instalment still planned or attested (each is paid or withheld),
-- every claw-back repaid in full or cancelled, and no claw-back appeal pending. It moves the
-- application in_follow_up → closed, the last step of its state machine; the audit log has it.
-- Codes: 23T02 state machine, 23T26 not settled, 42T01 managers only.

CREATE TABLE tilskot.closing (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL CONSTRAINT closing_once UNIQUE REFERENCES tilskot.application (id),
    notes          text,
    closed_by      text NOT NULL,
    closed_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tilskot.closing ADD CONSTRAINT closing_closed_at_finite CHECK (isfinite(closed_at));  -- no date is infinite


-- ---------------------------------------------------------------------------------------------
-- The participant register (GDPR art. 9) (SQL/schema/13_participants.sql)
-- ---------------------------------------------------------------------------------------------

GRANT USAGE ON SCHEMA tilskot TO tilskot_participant_owner, tilskot_participant_steward;

-- PostgreSQL hands an object only to a role that may create in its schema; that right is taken back
-- at the end of this file, once the register and its functions have their owners.
GRANT CREATE ON SCHEMA tilskot TO tilskot_participant_owner, tilskot_participant_steward;

CREATE TABLE tilskot.participant (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    -- The project's pseudonymous code, as TilskotCore's ParticipantCode.
    code           text NOT NULL
        CONSTRAINT participant_code_format CHECK (code ~ '^[A-Za-z0-9-]{4,32}$')
        CONSTRAINT participant_code_not_identity_number CHECK (replace(code, '-', '') !~ '^[0-9]{11}$'),
    birth_year     smallint NOT NULL CONSTRAINT participant_birth_year_range CHECK (birth_year BETWEEN 1900 AND 2100),
    municipality   char(4) NOT NULL CONSTRAINT participant_municipality_format CHECK (municipality ~ '^[0-9]{4}$'),
    start_date     date NOT NULL,
    end_date       date,
    outcome        text CONSTRAINT participant_outcome_known CHECK (outcome IN ('employment', 'education', 'other', 'dropped_out')),
    outcome_6m     text CONSTRAINT participant_outcome_6m_known CHECK (outcome_6m IN ('employment', 'education', 'other', 'dropped_out')),
    outcome_12m    text CONSTRAINT participant_outcome_12m_known CHECK (outcome_12m IN ('employment', 'education', 'other', 'dropped_out')),
    recorded_by    text NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT participant_code_unique UNIQUE (application_id, code),
    CONSTRAINT participant_dates_order CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT participant_outcome_after_end CHECK (
        end_date IS NOT NULL OR (outcome IS NULL AND outcome_6m IS NULL AND outcome_12m IS NULL))
);

-- Participant rows never reach the general audit log (every grants role reads that): the access log
-- is their record. So the register has no audit trigger, and no case-record rule against deletion,
-- because retention demands deletion.

ALTER TABLE tilskot.participant OWNER TO tilskot_participant_owner;

ALTER TABLE tilskot.participant ENABLE ROW LEVEL SECURITY;

ALTER TABLE tilskot.participant FORCE ROW LEVEL SECURITY;

CREATE INDEX participant_end_idx ON tilskot.participant (end_date);

ALTER TABLE tilskot.participant ADD CONSTRAINT participant_end_date_finite CHECK (isfinite(end_date));  -- no date is infinite

ALTER TABLE tilskot.participant ADD CONSTRAINT participant_recorded_at_finite CHECK (isfinite(recorded_at));  -- no date is infinite

ALTER TABLE tilskot.participant ADD CONSTRAINT participant_start_date_finite CHECK (isfinite(start_date));  -- no date is infinite

CREATE TABLE tilskot.participant_access_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The role acting (after SET ROLE) and the login behind it.
    actor           text NOT NULL,
    login           text NOT NULL DEFAULT session_user,
    action          text NOT NULL
        CONSTRAINT participant_access_log_action_known CHECK (action IN ('read', 'add', 'update', 'purge', 'aggregate')),
    application_id  bigint,
    -- The function called and its arguments, e.g. participant_list('JS-2022-0001').
    query           text NOT NULL,
    participant_ids bigint[] NOT NULL DEFAULT '{}',
    row_count       integer NOT NULL
);

ALTER TABLE tilskot.participant_access_log OWNER TO tilskot_participant_owner;

CREATE INDEX participant_access_log_at_idx ON tilskot.participant_access_log (at);

CREATE INDEX participant_access_log_actor_idx ON tilskot.participant_access_log (actor, at);

ALTER TABLE tilskot.participant_access_log ADD CONSTRAINT participant_access_log_at_finite CHECK (isfinite(at));  -- no date is infinite

REVOKE CREATE ON SCHEMA tilskot FROM tilskot_participant_owner, tilskot_participant_steward;


-- ---------------------------------------------------------------------------------------------
-- Report summaries: tallies, caseload and follow-up folds, grant money views (SQL/schema/14_report_summaries.sql)
-- ---------------------------------------------------------------------------------------------

-- A tally of applications per round and applicant profile, kept in the same transaction as every
-- change, so that the year reports read a few thousand tally rows instead of every application of
-- the year (at a million applications, some 80 000 a year).
--
-- One row per round, applicant municipality, applicant kind and governance (member-based, external
-- board): how many applications and how much they ask for, how many are withdrawn, pending
-- (received, in review, assessed) or appealed, and by the outcome of their current decision how
-- many are granted, partially granted, rejected or dismissed, with the sum currently granted.
-- Exactly what `report summary`, `trend`, `geography` and `applicants` count from the rows.
--
-- Kept by statement-level triggers with transition tables on application and decision: one set-based
-- upsert per statement, whether it registers one application or imports a million (the bulk
-- import's insert is one statement), so the tally costs the import one aggregate, not a trigger per row.
-- Nobody writes the tally but those triggers (SECURITY DEFINER, no grants); everyone who reads the
-- lifecycle may read it. Tests/TilskotStoreTests/ImportSummaryTests.swift compares it with the
-- plain aggregate after a random mix of lifecycle steps.

CREATE TABLE tilskot.application_tally (
    round_id          bigint NOT NULL REFERENCES tilskot.round (id),
    -- The applicant's kommunenummer, '' when it has none.
    municipality      text NOT NULL,
    kind              text NOT NULL,
    member_based      boolean NOT NULL,
    external_board    boolean NOT NULL,
    applications      bigint NOT NULL DEFAULT 0,
    requested_ore     bigint NOT NULL DEFAULT 0,
    withdrawn         bigint NOT NULL DEFAULT 0,
    pending           bigint NOT NULL DEFAULT 0,
    appealed          bigint NOT NULL DEFAULT 0,
    granted           bigint NOT NULL DEFAULT 0,
    partially_granted bigint NOT NULL DEFAULT 0,
    rejected          bigint NOT NULL DEFAULT 0,
    dismissed         bigint NOT NULL DEFAULT 0,
    granted_ore       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, municipality, kind, member_based, external_board)
);

-- Two more summaries for the year reports (issue 7), kept in the same transaction as every change
-- like the application tally, so that `report applicants` and `report caseload` read a few
-- hundred summary rows per year instead of every application of the year (some 80 000 at a million).
--
-- report applicants: everything but the number of distinct organisations comes from the
-- application tally.
--   tilskot.round_applicant   how many applications each organisation has in each round (a
--                             reference count, never read by the report)
--   tilskot.applicant_tally   per round and applicant profile (kind, member-based, external board),
--                             how many organisations have at least one application in the round.
--                             A round is one scheme-year, so the sum over a year's rounds of one
--                             scheme is that scheme's distinct applicants of the year.
--
-- report caseload: per case, its caseworker (latest assignment, else current assessor, else
-- "(unassigned)"), status, days from received to the first decision and its appeals. A median does
-- not add up, so the summary is a histogram:
--   tilskot.caseload_tally        per round, caseworker, status and days to the first decision
--                                 (decided false, days 0 while there is none): how many cases, their
--                                 appeals, upheld, changed and pending. The median per caseworker is
--                                 read off the cumulative counts.
--   tilskot.application_caseload  the figures each case last contributed (one row per case that has
--                                 left its registered state: assigned, assessed, decided or appealed;
--                                 a case without a row contributes (round, "(unassigned)", status,
--                                 undecided, no appeals), which is what a new application is).
--   A change to any row a case's figures come from (application, assignment, assessment, decision,
--   appeal) recounts the touched cases from the rows and notes the difference in
--   tilskot.caseload_delta, which a deferred trigger folds into the histogram at COMMIT: the recount
--   is correct whatever changed and in whichever order a transaction's statements run, and deciders
--   and assessors of one round hold the histogram's rows only while they commit.
--
-- All kept by statement-level triggers with transition tables: one set-based pass per statement,
-- whether it touches one row or imports a million (the bulk import's insert is one statement, and a
-- new application needs no per-case row). Upserts run in key order. Nobody writes the summaries but
-- these SECURITY DEFINER triggers (no grants to write); everyone who reads the lifecycle may read them.
-- Tests/TilskotReportsTests/ReportSummaryTallyTests.swift compares the reports read from them with
-- the plain aggregates after random operations, through the service layer and plain SQL.

CREATE TABLE tilskot.round_applicant (
    round_id        bigint NOT NULL,
    organisation_id bigint NOT NULL,
    applications    bigint NOT NULL,
    PRIMARY KEY (round_id, organisation_id)
);

CREATE TABLE tilskot.applicant_tally (
    round_id       bigint NOT NULL REFERENCES tilskot.round (id),
    kind           text NOT NULL,
    member_based   boolean NOT NULL,
    external_board boolean NOT NULL,
    organisations  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, kind, member_based, external_board)
);

CREATE TABLE tilskot.caseload_tally (
    round_id         bigint NOT NULL REFERENCES tilskot.round (id),
    caseworker       text NOT NULL,
    status           text NOT NULL,
    decided          boolean NOT NULL,
    days_to_decision integer NOT NULL,
    applications     bigint NOT NULL DEFAULT 0,
    appeals          bigint NOT NULL DEFAULT 0,
    appeals_upheld   bigint NOT NULL DEFAULT 0,
    appeals_changed  bigint NOT NULL DEFAULT 0,
    appeals_pending  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, caseworker, status, decided, days_to_decision)
);

CREATE TABLE tilskot.application_caseload (
    application_id   bigint PRIMARY KEY,
    round_id         bigint NOT NULL,
    caseworker       text NOT NULL,
    status           text NOT NULL,
    decided          boolean NOT NULL,
    days_to_decision integer NOT NULL,
    appeals          bigint NOT NULL,
    appeals_upheld   bigint NOT NULL,
    appeals_changed  bigint NOT NULL,
    appeals_pending  bigint NOT NULL
);

-- What a transaction changes in the histogram, folded into it once, at COMMIT (below): deciders
-- and assessors of one round touch the same histogram rows (same caseworker, same status), and
-- holding those rows from the change to the commit would make them queue for each other. Always
-- empty between transactions, so it need not survive a crash (UNLOGGED).
CREATE UNLOGGED TABLE tilskot.caseload_delta (
    tx               bigint NOT NULL DEFAULT txid_current(),
    round_id         bigint NOT NULL,
    caseworker       text NOT NULL,
    status           text NOT NULL,
    decided          boolean NOT NULL,
    days_to_decision integer NOT NULL,
    applications     bigint NOT NULL,
    appeals          bigint NOT NULL,
    appeals_upheld   bigint NOT NULL,
    appeals_changed  bigint NOT NULL,
    appeals_pending  bigint NOT NULL
);

CREATE INDEX caseload_delta_tx_idx ON tilskot.caseload_delta (tx);

-- One row per transaction with deltas to fold (written with its first delta): its deferred trigger
-- is the transaction's one fold at COMMIT.
CREATE UNLOGGED TABLE tilskot.caseload_fold_due (
    tx bigint NOT NULL DEFAULT txid_current()
);

CREATE INDEX caseload_fold_due_tx_idx ON tilskot.caseload_fold_due (tx);

CREATE TABLE tilskot.followup_tally (
    round_id                bigint NOT NULL REFERENCES tilskot.round (id),
    due_date                date NOT NULL,
    planned_ore             bigint NOT NULL DEFAULT 0,
    paid_ore                bigint NOT NULL DEFAULT 0,
    clawed_back_ore         bigint NOT NULL DEFAULT 0,
    repaid_ore              bigint NOT NULL DEFAULT 0,
    clawbacks               bigint NOT NULL DEFAULT 0,
    reports_required        bigint NOT NULL DEFAULT 0,
    reports_approved        bigint NOT NULL DEFAULT 0,
    reports_awaiting_review bigint NOT NULL DEFAULT 0,
    reports_open            bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, due_date)
);

CREATE TABLE tilskot.grant_followup (
    application_id          bigint PRIMARY KEY,
    round_id                bigint NOT NULL,
    due_date                date NOT NULL,
    planned_ore             bigint NOT NULL,
    paid_ore                bigint NOT NULL,
    clawed_back_ore         bigint NOT NULL,
    repaid_ore              bigint NOT NULL,
    clawbacks               bigint NOT NULL,
    reports_required        bigint NOT NULL,
    reports_approved        bigint NOT NULL,
    reports_awaiting_review bigint NOT NULL,
    reports_open            bigint NOT NULL
);

-- What a transaction changes in the rounds' rows, folded into them once, at COMMIT (below): every
-- follow-up step on any grant of a round touches the round's row, and holding it from the step to the
-- commit would make finance users working on different grants queue for each other. Always empty
-- between transactions, so it need not survive a crash (UNLOGGED).
CREATE UNLOGGED TABLE tilskot.followup_delta (
    tx                      bigint NOT NULL DEFAULT txid_current(),
    round_id                bigint NOT NULL,
    due_date                date NOT NULL,
    planned_ore             bigint NOT NULL,
    paid_ore                bigint NOT NULL,
    clawed_back_ore         bigint NOT NULL,
    repaid_ore              bigint NOT NULL,
    clawbacks               bigint NOT NULL,
    reports_required        bigint NOT NULL,
    reports_approved        bigint NOT NULL,
    reports_awaiting_review bigint NOT NULL,
    reports_open            bigint NOT NULL
);

CREATE INDEX followup_delta_tx_idx ON tilskot.followup_delta (tx);

-- One row per transaction with deltas to fold (written with its first delta): its deferred trigger
-- is the transaction's one fold at COMMIT.
CREATE UNLOGGED TABLE tilskot.followup_fold_due (
    tx bigint NOT NULL DEFAULT txid_current()
);

CREATE INDEX followup_fold_due_tx_idx ON tilskot.followup_fold_due (tx);

-- The caseload histogram recounted once per touched case, at COMMIT, not once per statement: a
-- recount per statement would cost a decision as much as the rest of it (docs/performance.md).
--
-- A change to a row a case's figures come from only notes the case in tilskot.caseload_touched
-- (one row per transaction and case; a second note of the same case is a no-op), and the fold at
-- COMMIT recounts the noted cases from the rows, once each, and adds the difference together with
-- the import's deltas (tilskot.caseload_delta) to the histogram in one upsert. The recount is
-- correct whatever changed and in whichever order, since it reads the rows as they are at COMMIT.
--
--   * The application's updates fire row triggers, each only when its columns change (WHEN, as for
--     the application tally): a change of round, status or received date notes the case; a change of
--     round or organisation moves the reference counts. Applications change one row per statement
--     (lifecycle triggers), so this skips the transition tables. A case without an
--     application_caseload row contributes what its application was when registered; the first
--     note of such a case in a transaction keeps the application's round and status from before the
--     change (old_round_id, old_status), which is what the histogram holds for it.
--   * A decision notes its case only when it can be the first (supersedes is null;
--     decision_before_insert always sets it): only the first changes the days to decision.
--     decision_before_insert has changed the application's status already, so on that path the
--     note is the status change's and this one is a no-op.
--   * Assignments, assessments and appeals have statement triggers (set-based, and off the decision
--     path) that note their cases instead of recounting them.
--   * Registration (and the bulk import's one INSERT) writes deltas in one set-based pass.
--
-- The fold runs as a deferred constraint trigger on the note (and on the marker for the import's
-- deltas). On the decision path the note is written by the status change inside
-- decision_before_insert, before the decision row exists, so its event is queued before
-- decision_within_frame (07_decisions.sql): the fold runs first at COMMIT and never under the
-- round's row lock (FrameAtCommitTests checks the order). Whether a fold is due does not depend on
-- a setting a session could change: every note and marker queues its own fold, and a fold finding
-- nothing left does nothing. Nobody writes the notes but these SECURITY
-- DEFINER triggers (no grants), and a note can only cause a recount from the rows.

CREATE UNLOGGED TABLE tilskot.caseload_touched (
    tx             bigint NOT NULL DEFAULT txid_current(),
    application_id bigint NOT NULL,
    old_round_id   bigint,
    old_status     text,
    PRIMARY KEY (tx, application_id)
);
