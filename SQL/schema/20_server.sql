-- `tilskot serve` (issue 19): token identities and idempotent POSTs. The tables:
-- SQL/migrations/0050_server_identity.sql.
--
-- The server logs in as tilskot_authenticator (deploy/create-roles.sql: LOGIN NOINHERIT, owns
-- nothing, a member of each tilskot user's login role and of no group), finds who a verified token
-- names with tilskot.token_login, and runs each request in one transaction whose first statement
-- sets the role to that user with set_config(…, true): the audit actor is the user, and nothing
-- outlives the transaction on the pooled connection.
--
-- Codes: 23T70 identity links, 23T71 idempotency keys (SQL/schema/README.md lists every code).

-- Links an identity provider's user to a tilskot user (administrators; 42T21 as for every user change).
CREATE OR REPLACE FUNCTION tilskot.user_link(login text, issuer text, subject text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
BEGIN
    IF NOT tilskot.is_member(actor, 'tilskot_admin') THEN
        RAISE EXCEPTION 'user link refused: % is not an administrator; only members of tilskot_admin link an identity to a user', actor
            USING ERRCODE = '42T21';
    END IF;
    IF btrim(coalesce(issuer, '')) = '' OR btrim(coalesce(subject, '')) = '' OR btrim(issuer) = 'tilskot-local' THEN
        RAISE EXCEPTION 'user link refused: the issuer or the subject is missing, or the issuer is tilskot-local (whose tokens name the login itself); give both as the identity provider writes them in its tokens (iss, sub)'
            USING ERRCODE = '23T70';
    END IF;
    IF NOT tilskot.is_tilskot_user(login) THEN
        RAISE EXCEPTION 'user link refused: % is not a tilskot user (in none of tilskot''s groups, or disabled); add them first with `tilskot user add`', login
            USING ERRCODE = '23T70';
    END IF;
    INSERT INTO tilskot.identity_link (issuer, subject, login, linked_by)
    VALUES (btrim(issuer), btrim(subject), login, actor)
    ON CONFLICT ON CONSTRAINT identity_link_unique DO UPDATE SET login = EXCLUDED.login, linked_by = EXCLUDED.linked_by, linked_at = now();
END
$$;

-- The tilskot user a verified token's issuer and subject name, or NULL: linked, and still a
-- person who may log in. The server asks it before it sets any role. Tokens of the issuer
-- 'tilskot-local' are signed with the installation's own key (`tilskot token issue`, for the
-- embedded setup) and name the login itself; the server accepts that issuer only with that key.
CREATE OR REPLACE FUNCTION tilskot.token_login(issuer text, subject text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
    SELECT login FROM (
        SELECT token_login.subject AS login WHERE token_login.issuer = 'tilskot-local'
        UNION ALL
        SELECT l.login FROM tilskot.identity_link l
         WHERE l.issuer = token_login.issuer AND l.subject = token_login.subject AND token_login.issuer <> 'tilskot-local'
    ) named
     WHERE tilskot.is_tilskot_user(login)
$$;

-- Idempotent POSTs. `idempotency_begin` is the request's first step after its role is set: it
-- returns the stored response of an earlier request with the same key (status and body), refuses
-- the same key with another request (23T71, 422), and a request still running with the key
-- (23T71 with 'running', 409) — it takes a transaction advisory lock on (user, key), so a second
-- request does not wait for the first. `idempotency_finish` stores the response in the same
-- transaction as the change. Keys are the acting user's own; they are kept 24 hours (Stripe's
-- practice) and purged by `tilskot.idempotency_purge()` (the watchdog's timer may run it).
CREATE OR REPLACE FUNCTION tilskot.idempotency_begin(key text, fingerprint text, OUT status integer, OUT response text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    stored tilskot.idempotency;
BEGIN
    IF key IS NULL OR length(key) NOT BETWEEN 1 AND 255 THEN
        RAISE EXCEPTION 'request refused: the Idempotency-Key must be 1 to 255 characters' USING ERRCODE = '23T71';
    END IF;
    IF NOT pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext('tilskot.idempotency'), pg_catalog.hashtext(actor || ' ' || key)) THEN
        RAISE EXCEPTION 'request refused: a request with this Idempotency-Key is still running; wait for its answer and send it again'
            USING ERRCODE = '23T71', DETAIL = 'running';
    END IF;
    SELECT * INTO stored FROM tilskot.idempotency i
     WHERE i.login = actor AND i.key = idempotency_begin.key AND i.created_at > now() - interval '24 hours';
    IF FOUND THEN
        IF stored.fingerprint <> idempotency_begin.fingerprint THEN
            RAISE EXCEPTION 'request refused: this Idempotency-Key was used for another request in the last 24 hours; use a new key for a new request'
                USING ERRCODE = '23T71', DETAIL = 'reused';
        END IF;
        status := stored.status;
        response := stored.response;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.idempotency_finish(key text, fingerprint text, status integer, response text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
    INSERT INTO tilskot.idempotency (login, key, fingerprint, status, response)
    VALUES (tilskot.acting_user(), key, fingerprint, status, response)
    ON CONFLICT (login, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status,
                                           response = EXCLUDED.response, created_at = now()
$$;

CREATE OR REPLACE FUNCTION tilskot.idempotency_purge() RETURNS bigint
    LANGUAGE sql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
    WITH gone AS (DELETE FROM tilskot.idempotency WHERE created_at < now() - interval '24 hours' RETURNING 1)
    SELECT count(*) FROM gone
$$;

-- If-Match on a case (`tilskot serve`): before the server reads the case's ETag for a change, it
-- becomes a writer of the case's guard row, as every event of the case is (case_guard_touch,
-- 05_case_guard.sql). An event another request has not yet committed is then waited for, and seen by
-- the ETag read after it (READ COMMITTED), or ends this transaction with a serialization failure
-- (REPEATABLE READ, SERIALIZABLE); one that comes later waits for this request. Returns the case's
-- id, or NULL when there is no such application.
CREATE OR REPLACE FUNCTION tilskot.case_claim(reference text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    app_id bigint;
BEGIN
    SELECT a.id INTO app_id FROM tilskot.application a WHERE a.reference = case_claim.reference;
    IF app_id IS NOT NULL THEN
        INSERT INTO tilskot.case_guard AS g (application_id, touched) VALUES (app_id, 1)
        ON CONFLICT (application_id) DO UPDATE SET touched = g.touched + 1;
    END IF;
    RETURN app_id;
END
$$;

CREATE OR REPLACE TRIGGER zz_audit AFTER INSERT OR DELETE OR UPDATE ON tilskot.identity_link FOR EACH ROW EXECUTE FUNCTION tilskot.audit_row();

REVOKE ALL ON TABLE tilskot.identity_link, tilskot.idempotency FROM PUBLIC;
GRANT SELECT ON TABLE tilskot.identity_link TO tilskot_admin, tilskot_auditor;
REVOKE ALL ON FUNCTION tilskot.user_link(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.user_link(text, text, text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.token_login(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.token_login(text, text) TO tilskot_authenticator;
GRANT USAGE ON SCHEMA tilskot TO tilskot_authenticator;
REVOKE ALL ON FUNCTION tilskot.idempotency_begin(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.idempotency_begin(text, text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.idempotency_finish(text, text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.idempotency_finish(text, text, integer, text) TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager, tilskot_participant_reader;
REVOKE ALL ON FUNCTION tilskot.case_claim(text) FROM PUBLIC;
-- Not auditors or participant readers: they change no case, and a touch is a write.
GRANT EXECUTE ON FUNCTION tilskot.case_claim(text) TO tilskot_admin, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.idempotency_purge() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tilskot.idempotency_purge() TO tilskot_watchdog;
