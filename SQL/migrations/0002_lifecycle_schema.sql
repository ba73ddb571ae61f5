-- The grant lifecycle's tables: schemes, rounds and their frames, organisations, applications,
-- assessments, conflicts of interest, decisions, appeals, withdrawals, moves, and the audit log.
--
-- Tables only hold shape rules here (types, CHECKs, uniqueness). The rules that span rows — the
-- frame, the state machine, four-eyes, who may do what — are triggers in 0003, and what each group
-- role may touch is granted in 0004. Error codes raised by those rules are listed at the top of 0003.
--
-- Actors: every "…_by" column and audit_log.actor hold tilskot.acting_user(), the role a change is
-- made as (current_user at the caller's level, i.e. after SET ROLE). Trigger functions run
-- SECURITY DEFINER, where current_user is the function's owner, so they cannot use current_user.

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

-- The role the caller acts as. Inside a SECURITY DEFINER function current_user is the owner, but
-- the `role` setting still says what SET ROLE chose (a setting only SET ROLE can change, and only to
-- a role the login is a member of); without SET ROLE the login itself is acting.
CREATE FUNCTION tilskot.acting_user() RETURNS text
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT coalesce(nullif(current_setting('role'), 'none'), session_user::text)
$$;

-- Whether a role is in a group (directly or through other groups). Superusers count as members of
-- everything, which is PostgreSQL's own rule.
CREATE FUNCTION tilskot.is_member(person text, group_role text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    -- CASE, not AND: pg_has_role raises on an unknown role name, so the order must be guaranteed.
    SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = person)
                THEN pg_catalog.pg_has_role(person, group_role, 'MEMBER')
                ELSE false END
$$;

-- Budget authority (budsjettdisponeringsmynde): managers, and admins who can do all a manager can.
CREATE FUNCTION tilskot.has_budget_authority(person text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = tilskot, pg_temp
AS $$
    SELECT tilskot.is_member(person, 'tilskot_manager') OR tilskot.is_member(person, 'tilskot_admin')
$$;

-- Øre as Norwegian kroner with space thousands separators: 13630000000 → '136 300 000 kr',
-- 340000050 → '3 400 000,50 kr'. Used in every refusal that names an amount.
CREATE FUNCTION tilskot.format_kr(ore bigint) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
    SELECT CASE WHEN ore < 0 THEN '-' ELSE '' END
        || regexp_replace((abs(ore::numeric) / 100)::bigint::text, '(\d)(?=(\d{3})+$)', '\1 ', 'g')
        || CASE WHEN abs(ore::numeric) % 100 = 0 THEN ''
                ELSE ',' || lpad((abs(ore::numeric) % 100)::text, 2, '0') END
        || ' kr'
$$;

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

-- ---------------------------------------------------------------------------------------------
-- The state machine of an application, as data so that the Swift side and reports can read it.
-- Mirrors TilskotCore's ApplicationStatus transitions; 0003's trigger enforces it.
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

-- ---------------------------------------------------------------------------------------------
-- Schemes and rounds
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

-- A change of a round's frame during the year (e.g. +25 MNOK through integreringspakke II).
CREATE TABLE tilskot.frame_adjustment (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id   bigint NOT NULL REFERENCES tilskot.round (id),
    amount_ore bigint NOT NULL CONSTRAINT frame_adjustment_not_zero CHECK (amount_ore <> 0),
    reason     text NOT NULL CONSTRAINT frame_adjustment_reason_present CHECK (btrim(reason) <> ''),
    actor      text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX frame_adjustment_round_idx ON tilskot.frame_adjustment (round_id);

-- ---------------------------------------------------------------------------------------------
-- Organisations (applicants are organisations, never persons)
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

-- ---------------------------------------------------------------------------------------------
-- Applications (søknader)
-- ---------------------------------------------------------------------------------------------

-- Next reference number per scheme and year; a row lock, not a global sequence, so that the numbers
-- of one scheme-year have no gaps from other schemes' traffic.
CREATE TABLE tilskot.reference_counter (
    scheme_id   bigint NOT NULL REFERENCES tilskot.scheme (id),
    year        integer NOT NULL,
    last_number integer NOT NULL,
    PRIMARY KEY (scheme_id, year)
);

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
    CONSTRAINT application_late_has_reason CHECK (NOT late OR btrim(coalesce(late_reason, '')) <> '')
);
CREATE INDEX application_round_status_idx ON tilskot.application (round_id, status);
CREATE INDEX application_organisation_idx ON tilskot.application (organisation_id);
CREATE INDEX application_status_idx ON tilskot.application (status);

-- A caseworker taking a case (saksbehandlar): moves it from received to in_review.
CREATE TABLE tilskot.assignment (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    caseworker     text NOT NULL,
    assigned_by    text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assignment_application_idx ON tilskot.assignment (application_id);

-- Conflict of interest (inhabilitet, fvl. §§ 6–10): the person can neither assess nor decide.
CREATE TABLE tilskot.disqualification (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    person         text NOT NULL,
    reason         text NOT NULL CONSTRAINT disqualification_reason_present CHECK (btrim(reason) <> ''),
    declared_by    text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT disqualification_once UNIQUE (application_id, person)
);

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
    grounds                 text NOT NULL CONSTRAINT appeal_grounds_present CHECK (btrim(grounds) <> ''),
    -- Set when a new decision resolves it: 'upheld' = the appealed decision stands (stadfesta),
    -- 'changed' = the new decision differs (klagen teken heilt eller delvis til følgje).
    outcome                 text CONSTRAINT appeal_outcome_known CHECK (outcome IN ('upheld', 'changed')),
    resolved_by_decision_id bigint,
    resolved_at             timestamptz,
    CONSTRAINT appeal_late_has_reason CHECK (NOT late OR btrim(coalesce(late_reason, '')) <> ''),
    CONSTRAINT appeal_resolution_complete CHECK (
        (outcome IS NULL) = (resolved_by_decision_id IS NULL)
        AND (outcome IS NULL) = (resolved_at IS NULL))
);
CREATE INDEX appeal_application_idx ON tilskot.appeal (application_id);
CREATE UNIQUE INDEX appeal_one_pending ON tilskot.appeal (application_id) WHERE outcome IS NULL;

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
    CONSTRAINT decision_reasons_present CHECK (outcome = 'granted' OR btrim(coalesce(reasons, '')) <> ''),
    -- The full-grant-equals-applied rule needs the application's row: the decision trigger holds it.
    CONSTRAINT decision_amount_fits_outcome CHECK (
        outcome = 'granted'
        OR (outcome = 'partially_granted' AND amount_ore > 0)
        OR (outcome IN ('rejected', 'dismissed') AND amount_ore = 0))
);
CREATE INDEX decision_application_idx ON tilskot.decision (application_id);
CREATE UNIQUE INDEX decision_one_current ON tilskot.decision (application_id) WHERE is_current;

ALTER TABLE tilskot.appeal
    ADD CONSTRAINT appeal_decision_fk FOREIGN KEY (decision_id) REFERENCES tilskot.decision (id),
    ADD CONSTRAINT appeal_resolved_by_fk FOREIGN KEY (resolved_by_decision_id) REFERENCES tilskot.decision (id);

-- Withdrawal by the applicant (trekt): only before a decision.
CREATE TABLE tilskot.withdrawal (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL CONSTRAINT withdrawal_once UNIQUE REFERENCES tilskot.application (id),
    reason         text NOT NULL CONSTRAINT withdrawal_reason_present CHECK (btrim(reason) <> ''),
    withdrawn_by   text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);

-- Moving an undecided application to another round of the same scheme; the reference stays.
CREATE TABLE tilskot.round_move (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES tilskot.application (id),
    from_round_id  bigint NOT NULL REFERENCES tilskot.round (id),
    to_round_id    bigint NOT NULL REFERENCES tilskot.round (id),
    reason         text NOT NULL CONSTRAINT round_move_reason_present CHECK (btrim(reason) <> ''),
    moved_by       text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX round_move_application_idx ON tilskot.round_move (application_id);

-- ---------------------------------------------------------------------------------------------
-- Audit log: one row per change of a lifecycle row, written in the same transaction by the
-- SECURITY DEFINER trigger of 0003. Append-only for everyone (0003 triggers, 0004 grants).
-- An application's history is every row with its application_id, in id order.
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
