-- `tilskot serve` (issue 19): who a bearer token is, and the first response to each Idempotency-Key.
-- Functions and grants: SQL/schema/20_server.sql.

-- A token's issuer and subject (an identity provider's user, or a portal's client) mapped to a
-- tilskot user by an administrator (`tilskot user link`). A role claim in a token is never trusted:
-- what the user may do is what their login's groups allow.
CREATE TABLE tilskot.identity_link (
    id        bigserial PRIMARY KEY,
    issuer    text NOT NULL,
    subject   text NOT NULL,
    login     text NOT NULL,
    linked_by text NOT NULL,
    linked_at timestamptz NOT NULL DEFAULT now() CONSTRAINT identity_link_linked_at_finite CHECK (isfinite(linked_at)),
    CONSTRAINT identity_link_unique UNIQUE (issuer, subject)
);
CREATE INDEX identity_link_login_idx ON tilskot.identity_link (login);

-- The first response to a POST with an Idempotency-Key, stored in the same transaction as the
-- change it made, so a replay returns it and a lost response is never a second change.
CREATE TABLE tilskot.idempotency (
    login       text NOT NULL,
    key         text NOT NULL CONSTRAINT idempotency_key_form CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint text NOT NULL,
    status      integer NOT NULL,
    response    text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now() CONSTRAINT idempotency_created_at_finite CHECK (isfinite(created_at)),
    PRIMARY KEY (login, key)
);
CREATE INDEX idempotency_created_idx ON tilskot.idempotency (created_at);
