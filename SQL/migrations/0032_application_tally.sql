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
-- upsert per statement, whether it registers one application or imports a million (0030's bulk
-- insert is one statement), so the tally costs the import one aggregate, not a trigger per row.
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

-- Each trigger turns its statement's rows into signed deltas and adds them to the tally in one
-- upsert, in key order, so two transactions never wait for each other in opposite orders.

-- New applications count by their round, applicant and status.
CREATE FUNCTION tilskot.tally_application_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    WITH deltas (round_id, organisation_id, applications, requested_ore, withdrawn, pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore) AS (
        SELECT x.round_id, x.organisation_id, s, s * x.amount_applied_ore,
                   CASE WHEN x.status = 'withdrawn' THEN s ELSE 0 END,
                   CASE WHEN x.status IN ('received', 'in_review', 'assessed') THEN s ELSE 0 END,
                   CASE WHEN x.status = 'appealed' THEN s ELSE 0 END,
                   0, 0, 0, 0, 0
          FROM new_rows x CROSS JOIN (SELECT 1 AS s) one
    )
    INSERT INTO tilskot.application_tally AS t
        (round_id, municipality, kind, member_based, external_board, applications, requested_ore, withdrawn,
         pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore)
    SELECT d.round_id, coalesce(o.municipality, ''), o.kind, o.member_based, o.external_board,
           sum(d.applications), sum(d.requested_ore), sum(d.withdrawn), sum(d.pending), sum(d.appealed),
           sum(d.granted), sum(d.partially_granted), sum(d.rejected), sum(d.dismissed), sum(d.granted_ore)
      FROM deltas d JOIN tilskot.organisation o ON o.id = d.organisation_id
     GROUP BY 1, 2, 3, 4, 5
    HAVING bool_or((d.applications, d.requested_ore, d.withdrawn, d.pending, d.appealed, d.granted,
                    d.partially_granted, d.rejected, d.dismissed, d.granted_ore) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (round_id, municipality, kind, member_based, external_board) DO UPDATE SET
        applications = t.applications + EXCLUDED.applications,
        requested_ore = t.requested_ore + EXCLUDED.requested_ore,
        withdrawn = t.withdrawn + EXCLUDED.withdrawn,
        pending = t.pending + EXCLUDED.pending,
        appealed = t.appealed + EXCLUDED.appealed,
        granted = t.granted + EXCLUDED.granted,
        partially_granted = t.partially_granted + EXCLUDED.partially_granted,
        rejected = t.rejected + EXCLUDED.rejected,
        dismissed = t.dismissed + EXCLUDED.dismissed,
        granted_ore = t.granted_ore + EXCLUDED.granted_ore;
    RETURN NULL;
END
$$;

-- A change of status, round or amount moves the application's count from old to new.
CREATE FUNCTION tilskot.tally_application_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    WITH deltas (round_id, organisation_id, applications, requested_ore, withdrawn, pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore) AS (
        SELECT x.round_id, x.organisation_id, s, s * x.amount_applied_ore,
                   CASE WHEN x.status = 'withdrawn' THEN s ELSE 0 END,
                   CASE WHEN x.status IN ('received', 'in_review', 'assessed') THEN s ELSE 0 END,
                   CASE WHEN x.status = 'appealed' THEN s ELSE 0 END,
                   0, 0, 0, 0, 0
          FROM (SELECT o.*, -1 AS s FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.round_id, o.organisation_id, o.amount_applied_ore, o.status) IS DISTINCT FROM (n.round_id, n.organisation_id, n.amount_applied_ore, n.status)
                UNION ALL
                SELECT n.*, 1 AS s FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.round_id, o.organisation_id, o.amount_applied_ore, o.status) IS DISTINCT FROM (n.round_id, n.organisation_id, n.amount_applied_ore, n.status)) x
    )
    INSERT INTO tilskot.application_tally AS t
        (round_id, municipality, kind, member_based, external_board, applications, requested_ore, withdrawn,
         pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore)
    SELECT d.round_id, coalesce(o.municipality, ''), o.kind, o.member_based, o.external_board,
           sum(d.applications), sum(d.requested_ore), sum(d.withdrawn), sum(d.pending), sum(d.appealed),
           sum(d.granted), sum(d.partially_granted), sum(d.rejected), sum(d.dismissed), sum(d.granted_ore)
      FROM deltas d JOIN tilskot.organisation o ON o.id = d.organisation_id
     GROUP BY 1, 2, 3, 4, 5
    HAVING bool_or((d.applications, d.requested_ore, d.withdrawn, d.pending, d.appealed, d.granted,
                    d.partially_granted, d.rejected, d.dismissed, d.granted_ore) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (round_id, municipality, kind, member_based, external_board) DO UPDATE SET
        applications = t.applications + EXCLUDED.applications,
        requested_ore = t.requested_ore + EXCLUDED.requested_ore,
        withdrawn = t.withdrawn + EXCLUDED.withdrawn,
        pending = t.pending + EXCLUDED.pending,
        appealed = t.appealed + EXCLUDED.appealed,
        granted = t.granted + EXCLUDED.granted,
        partially_granted = t.partially_granted + EXCLUDED.partially_granted,
        rejected = t.rejected + EXCLUDED.rejected,
        dismissed = t.dismissed + EXCLUDED.dismissed,
        granted_ore = t.granted_ore + EXCLUDED.granted_ore;
    RETURN NULL;
END
$$;

-- A decision counts while it is current (its application's round cannot change once decided).
CREATE FUNCTION tilskot.tally_decision_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    WITH deltas (round_id, organisation_id, applications, requested_ore, withdrawn, pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore) AS (
        SELECT a.round_id, a.organisation_id, 0, 0, 0, 0, 0,
                   CASE WHEN x.outcome = 'granted' THEN s ELSE 0 END,
                   CASE WHEN x.outcome = 'partially_granted' THEN s ELSE 0 END,
                   CASE WHEN x.outcome = 'rejected' THEN s ELSE 0 END,
                   CASE WHEN x.outcome = 'dismissed' THEN s ELSE 0 END,
                   CASE WHEN x.outcome IN ('granted', 'partially_granted') THEN s * x.amount_ore ELSE 0 END
          FROM new_rows x CROSS JOIN (SELECT 1 AS s) one JOIN tilskot.application a ON a.id = x.application_id
         WHERE x.is_current
    )
    INSERT INTO tilskot.application_tally AS t
        (round_id, municipality, kind, member_based, external_board, applications, requested_ore, withdrawn,
         pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore)
    SELECT d.round_id, coalesce(o.municipality, ''), o.kind, o.member_based, o.external_board,
           sum(d.applications), sum(d.requested_ore), sum(d.withdrawn), sum(d.pending), sum(d.appealed),
           sum(d.granted), sum(d.partially_granted), sum(d.rejected), sum(d.dismissed), sum(d.granted_ore)
      FROM deltas d JOIN tilskot.organisation o ON o.id = d.organisation_id
     GROUP BY 1, 2, 3, 4, 5
    HAVING bool_or((d.applications, d.requested_ore, d.withdrawn, d.pending, d.appealed, d.granted,
                    d.partially_granted, d.rejected, d.dismissed, d.granted_ore) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (round_id, municipality, kind, member_based, external_board) DO UPDATE SET
        applications = t.applications + EXCLUDED.applications,
        requested_ore = t.requested_ore + EXCLUDED.requested_ore,
        withdrawn = t.withdrawn + EXCLUDED.withdrawn,
        pending = t.pending + EXCLUDED.pending,
        appealed = t.appealed + EXCLUDED.appealed,
        granted = t.granted + EXCLUDED.granted,
        partially_granted = t.partially_granted + EXCLUDED.partially_granted,
        rejected = t.rejected + EXCLUDED.rejected,
        dismissed = t.dismissed + EXCLUDED.dismissed,
        granted_ore = t.granted_ore + EXCLUDED.granted_ore;
    RETURN NULL;
END
$$;

-- A superseded decision stops counting.
CREATE FUNCTION tilskot.tally_decision_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    WITH deltas (round_id, organisation_id, applications, requested_ore, withdrawn, pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore) AS (
        SELECT a.round_id, a.organisation_id, 0, 0, 0, 0, 0,
                   CASE WHEN x.outcome = 'granted' THEN s ELSE 0 END,
                   CASE WHEN x.outcome = 'partially_granted' THEN s ELSE 0 END,
                   CASE WHEN x.outcome = 'rejected' THEN s ELSE 0 END,
                   CASE WHEN x.outcome = 'dismissed' THEN s ELSE 0 END,
                   CASE WHEN x.outcome IN ('granted', 'partially_granted') THEN s * x.amount_ore ELSE 0 END
          FROM (SELECT o.*, -1 AS s FROM old_rows o JOIN new_rows n ON n.id = o.id
                 WHERE o.is_current AND (NOT n.is_current OR (o.outcome, o.amount_ore) IS DISTINCT FROM (n.outcome, n.amount_ore))
                UNION ALL
                SELECT n.*, 1 AS s FROM old_rows o JOIN new_rows n ON n.id = o.id
                 WHERE n.is_current AND (NOT o.is_current OR (o.outcome, o.amount_ore) IS DISTINCT FROM (n.outcome, n.amount_ore))) x
          JOIN tilskot.application a ON a.id = x.application_id
    )
    INSERT INTO tilskot.application_tally AS t
        (round_id, municipality, kind, member_based, external_board, applications, requested_ore, withdrawn,
         pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore)
    SELECT d.round_id, coalesce(o.municipality, ''), o.kind, o.member_based, o.external_board,
           sum(d.applications), sum(d.requested_ore), sum(d.withdrawn), sum(d.pending), sum(d.appealed),
           sum(d.granted), sum(d.partially_granted), sum(d.rejected), sum(d.dismissed), sum(d.granted_ore)
      FROM deltas d JOIN tilskot.organisation o ON o.id = d.organisation_id
     GROUP BY 1, 2, 3, 4, 5
    HAVING bool_or((d.applications, d.requested_ore, d.withdrawn, d.pending, d.appealed, d.granted,
                    d.partially_granted, d.rejected, d.dismissed, d.granted_ore) <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (round_id, municipality, kind, member_based, external_board) DO UPDATE SET
        applications = t.applications + EXCLUDED.applications,
        requested_ore = t.requested_ore + EXCLUDED.requested_ore,
        withdrawn = t.withdrawn + EXCLUDED.withdrawn,
        pending = t.pending + EXCLUDED.pending,
        appealed = t.appealed + EXCLUDED.appealed,
        granted = t.granted + EXCLUDED.granted,
        partially_granted = t.partially_granted + EXCLUDED.partially_granted,
        rejected = t.rejected + EXCLUDED.rejected,
        dismissed = t.dismissed + EXCLUDED.dismissed,
        granted_ore = t.granted_ore + EXCLUDED.granted_ore;
    RETURN NULL;
END
$$;

CREATE TRIGGER zz_tally_insert AFTER INSERT ON tilskot.application
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.tally_application_insert();
CREATE TRIGGER zz_tally_update AFTER UPDATE ON tilskot.application
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.tally_application_update();
CREATE TRIGGER zz_tally_insert AFTER INSERT ON tilskot.decision
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.tally_decision_insert();
CREATE TRIGGER zz_tally_update AFTER UPDATE ON tilskot.decision
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.tally_decision_update();

-- What is there already.
INSERT INTO tilskot.application_tally
    (round_id, municipality, kind, member_based, external_board, applications, requested_ore, withdrawn,
     pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore)
SELECT a.round_id, coalesce(o.municipality, ''), o.kind, o.member_based, o.external_board,
       count(*), sum(a.amount_applied_ore),
       count(*) FILTER (WHERE a.status = 'withdrawn'),
       count(*) FILTER (WHERE a.status IN ('received', 'in_review', 'assessed')),
       count(*) FILTER (WHERE a.status = 'appealed'),
       count(*) FILTER (WHERE d.outcome = 'granted'),
       count(*) FILTER (WHERE d.outcome = 'partially_granted'),
       count(*) FILTER (WHERE d.outcome = 'rejected'),
       count(*) FILTER (WHERE d.outcome = 'dismissed'),
       coalesce(sum(d.amount_ore) FILTER (WHERE d.outcome IN ('granted', 'partially_granted')), 0)
  FROM tilskot.application a
  JOIN tilskot.organisation o ON o.id = a.organisation_id
  LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
 GROUP BY 1, 2, 3, 4, 5;

REVOKE ALL ON FUNCTION tilskot.tally_application_insert(),
    tilskot.tally_application_update(), tilskot.tally_decision_insert(), tilskot.tally_decision_update() FROM PUBLIC;
GRANT SELECT ON tilskot.application_tally
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;
