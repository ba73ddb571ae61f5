-- Two more summaries for the year reports (issue 7), kept in the same transaction as every change
-- like 0032's application tally, so that `report applicants` and `report caseload` read a few
-- hundred summary rows per year instead of every application of the year (some 80 000 at a million).
--
-- report applicants: everything but the number of distinct organisations comes from 0032's tally.
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

-- At COMMIT: the transaction's deltas, summed per histogram row, in key order.
CREATE FUNCTION tilskot.caseload_fold() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    IF current_setting('tilskot.caseload_pending', true) IS DISTINCT FROM 'yes' THEN
        RETURN NULL;
    END IF;
    -- Deltas written after this (by a later deferred trigger's changes) ask for another fold.
    PERFORM set_config('tilskot.caseload_pending', 'no', true);
    DELETE FROM tilskot.caseload_fold_due WHERE tx = txid_current();
    WITH taken AS (
        DELETE FROM tilskot.caseload_delta WHERE tx = txid_current()
        RETURNING round_id, caseworker, status, decided, days_to_decision, applications, appeals, appeals_upheld,
                  appeals_changed, appeals_pending
    )
    INSERT INTO tilskot.caseload_tally AS t
        (round_id, caseworker, status, decided, days_to_decision, applications, appeals, appeals_upheld,
         appeals_changed, appeals_pending)
    SELECT round_id, caseworker, status, decided, days_to_decision, sum(applications), sum(appeals),
           sum(appeals_upheld), sum(appeals_changed), sum(appeals_pending)
      FROM taken
     GROUP BY 1, 2, 3, 4, 5
    HAVING (sum(applications), sum(appeals), sum(appeals_upheld), sum(appeals_changed), sum(appeals_pending))
           <> (0, 0, 0, 0, 0)
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (round_id, caseworker, status, decided, days_to_decision) DO UPDATE SET
        applications = t.applications + EXCLUDED.applications,
        appeals = t.appeals + EXCLUDED.appeals,
        appeals_upheld = t.appeals_upheld + EXCLUDED.appeals_upheld,
        appeals_changed = t.appeals_changed + EXCLUDED.appeals_changed,
        appeals_pending = t.appeals_pending + EXCLUDED.appeals_pending;
    RETURN NULL;
END
$$;

-- One row per transaction with deltas to fold (written with its first delta): its deferred trigger
-- is the transaction's one fold at COMMIT.
CREATE UNLOGGED TABLE tilskot.caseload_fold_due (
    tx bigint NOT NULL DEFAULT txid_current()
);
CREATE INDEX caseload_fold_due_tx_idx ON tilskot.caseload_fold_due (tx);

CREATE CONSTRAINT TRIGGER caseload_fold AFTER INSERT ON tilskot.caseload_fold_due
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tilskot.caseload_fold();

-- ---------------------------------------------------------------------------------------------
-- Caseload: recount the given cases and move the difference into the histogram.
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION tilskot.caseload_recount(ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    WITH now_case AS (
        SELECT a.id AS application_id, a.round_id,
               coalesce(g.caseworker, asm.assessor, '(unassigned)') AS caseworker, a.status,
               fd.decision_date IS NOT NULL AS decided,
               coalesce(fd.decision_date - a.received, 0) AS days_to_decision,
               coalesce(ap.appeals, 0) AS appeals, coalesce(ap.upheld, 0) AS appeals_upheld,
               coalesce(ap.changed, 0) AS appeals_changed, coalesce(ap.pending, 0) AS appeals_pending
          FROM tilskot.application a
          LEFT JOIN LATERAL (SELECT caseworker FROM tilskot.assignment g
                              WHERE g.application_id = a.id ORDER BY g.id DESC LIMIT 1) g ON true
          -- Laterals, so that the cached plan probes each index once per case whatever the sizes.
          LEFT JOIN LATERAL (SELECT assessor FROM tilskot.assessment s
                              WHERE s.application_id = a.id AND s.is_current LIMIT 1) asm ON true
          LEFT JOIN LATERAL (SELECT decision_date FROM tilskot.decision d
                              WHERE d.application_id = a.id ORDER BY d.id LIMIT 1) fd ON true
          LEFT JOIN LATERAL (SELECT count(*) AS appeals,
                                    count(*) FILTER (WHERE p.outcome = 'upheld') AS upheld,
                                    count(*) FILTER (WHERE p.outcome = 'changed') AS changed,
                                    count(*) FILTER (WHERE p.outcome IS NULL) AS pending
                               FROM tilskot.appeal p WHERE p.application_id = a.id) ap ON true
         WHERE a.id = ANY (ids)
    ),
    was_case AS (
        SELECT c.application_id, c.round_id, c.caseworker, c.status, c.decided, c.days_to_decision,
               c.appeals, c.appeals_upheld, c.appeals_changed, c.appeals_pending
          FROM tilskot.application_caseload c
         WHERE c.application_id = ANY (ids)
        UNION ALL
        SELECT a.id, a.round_id, '(unassigned)', a.status, false, 0, 0, 0, 0, 0
          FROM tilskot.application a
         WHERE a.id = ANY (ids)
           AND NOT EXISTS (SELECT 1 FROM tilskot.application_caseload c WHERE c.application_id = a.id)
    ),
    kept AS (
        INSERT INTO tilskot.application_caseload AS k
            (application_id, round_id, caseworker, status, decided, days_to_decision, appeals,
             appeals_upheld, appeals_changed, appeals_pending)
        SELECT * FROM now_case ORDER BY application_id
        ON CONFLICT (application_id) DO UPDATE SET
            round_id = EXCLUDED.round_id, caseworker = EXCLUDED.caseworker, status = EXCLUDED.status,
            decided = EXCLUDED.decided, days_to_decision = EXCLUDED.days_to_decision,
            appeals = EXCLUDED.appeals, appeals_upheld = EXCLUDED.appeals_upheld,
            appeals_changed = EXCLUDED.appeals_changed, appeals_pending = EXCLUDED.appeals_pending
        WHERE (k.round_id, k.caseworker, k.status, k.decided, k.days_to_decision, k.appeals, k.appeals_upheld,
               k.appeals_changed, k.appeals_pending)
              IS DISTINCT FROM
              (EXCLUDED.round_id, EXCLUDED.caseworker, EXCLUDED.status, EXCLUDED.decided, EXCLUDED.days_to_decision,
               EXCLUDED.appeals, EXCLUDED.appeals_upheld, EXCLUDED.appeals_changed, EXCLUDED.appeals_pending)
    )
    INSERT INTO tilskot.caseload_delta
        (round_id, caseworker, status, decided, days_to_decision, applications, appeals, appeals_upheld,
         appeals_changed, appeals_pending)
    SELECT x.round_id, x.caseworker, x.status, x.decided, x.days_to_decision, sum(x.s),
           sum(x.s * x.appeals), sum(x.s * x.appeals_upheld), sum(x.s * x.appeals_changed), sum(x.s * x.appeals_pending)
      FROM (SELECT 1 AS s, n.* FROM now_case n UNION ALL SELECT -1 AS s, w.* FROM was_case w) x
     GROUP BY 1, 2, 3, 4, 5
    HAVING (sum(x.s), sum(x.s * x.appeals), sum(x.s * x.appeals_upheld), sum(x.s * x.appeals_changed),
            sum(x.s * x.appeals_pending)) <> (0, 0, 0, 0, 0);
    IF current_setting('tilskot.caseload_pending', true) IS DISTINCT FROM 'yes' THEN
        INSERT INTO tilskot.caseload_fold_due DEFAULT VALUES;
        PERFORM set_config('tilskot.caseload_pending', 'yes', true);
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Application rows: new applications and their moves, for both summaries.
-- ---------------------------------------------------------------------------------------------

-- New applications: one more application per (round, organisation), an organisation more for the
-- round's profile when it is its first there, and new cases in the histogram as registered.
CREATE FUNCTION tilskot.report_tallies_application_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    WITH deltas AS (
        SELECT x.round_id, x.organisation_id, count(*) AS n FROM new_rows x GROUP BY 1, 2
    ),
    counted AS (
        INSERT INTO tilskot.round_applicant AS t (round_id, organisation_id, applications)
        SELECT round_id, organisation_id, n FROM deltas ORDER BY 1, 2
        ON CONFLICT (round_id, organisation_id) DO UPDATE SET applications = t.applications + EXCLUDED.applications
        RETURNING t.round_id, t.organisation_id, t.applications
    )
    INSERT INTO tilskot.applicant_tally AS t (round_id, kind, member_based, external_board, organisations)
    SELECT c.round_id, o.kind, o.member_based, o.external_board,
           sum(CASE WHEN c.applications > 0 AND c.applications - d.n <= 0 THEN 1
                    WHEN c.applications <= 0 AND c.applications - d.n > 0 THEN -1 ELSE 0 END)
      FROM counted c
      JOIN deltas d ON d.round_id = c.round_id AND d.organisation_id = c.organisation_id
      JOIN tilskot.organisation o ON o.id = c.organisation_id
     GROUP BY 1, 2, 3, 4
    HAVING sum(CASE WHEN c.applications > 0 AND c.applications - d.n <= 0 THEN 1
                    WHEN c.applications <= 0 AND c.applications - d.n > 0 THEN -1 ELSE 0 END) <> 0
     ORDER BY 1, 2, 3, 4
    ON CONFLICT (round_id, kind, member_based, external_board) DO UPDATE SET
        organisations = t.organisations + EXCLUDED.organisations;

    INSERT INTO tilskot.caseload_delta
        (round_id, caseworker, status, decided, days_to_decision, applications, appeals, appeals_upheld,
         appeals_changed, appeals_pending)
    SELECT x.round_id, '(unassigned)', x.status, false, 0, count(*), 0, 0, 0, 0
      FROM new_rows x
     GROUP BY 1, 2, 3;
    IF current_setting('tilskot.caseload_pending', true) IS DISTINCT FROM 'yes' THEN
        INSERT INTO tilskot.caseload_fold_due DEFAULT VALUES;
        PERFORM set_config('tilskot.caseload_pending', 'yes', true);
    END IF;
    RETURN NULL;
END
$$;

-- A change of round or organisation moves the reference counts; a change of round, status or
-- received date recounts the case (a case without a row is first written as it was).
CREATE FUNCTION tilskot.report_tallies_application_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    ids bigint[];
BEGIN
    IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                WHERE (o.round_id, o.organisation_id) IS DISTINCT FROM (n.round_id, n.organisation_id)) THEN
        WITH deltas AS (
            SELECT round_id, organisation_id, sum(s) AS n
              FROM (SELECT o.round_id, o.organisation_id, -1 AS s FROM old_rows o JOIN new_rows n ON n.id = o.id
                     WHERE (o.round_id, o.organisation_id) IS DISTINCT FROM (n.round_id, n.organisation_id)
                    UNION ALL
                    SELECT n.round_id, n.organisation_id, 1 AS s FROM old_rows o JOIN new_rows n ON n.id = o.id
                     WHERE (o.round_id, o.organisation_id) IS DISTINCT FROM (n.round_id, n.organisation_id)) x
             GROUP BY 1, 2
            HAVING sum(s) <> 0
        ),
        counted AS (
            INSERT INTO tilskot.round_applicant AS t (round_id, organisation_id, applications)
            SELECT round_id, organisation_id, n FROM deltas ORDER BY 1, 2
            ON CONFLICT (round_id, organisation_id) DO UPDATE SET applications = t.applications + EXCLUDED.applications
            RETURNING t.round_id, t.organisation_id, t.applications
        )
        INSERT INTO tilskot.applicant_tally AS t (round_id, kind, member_based, external_board, organisations)
        SELECT c.round_id, o.kind, o.member_based, o.external_board,
               sum(CASE WHEN c.applications > 0 AND c.applications - d.n <= 0 THEN 1
                        WHEN c.applications <= 0 AND c.applications - d.n > 0 THEN -1 ELSE 0 END)
          FROM counted c
          JOIN deltas d ON d.round_id = c.round_id AND d.organisation_id = c.organisation_id
          JOIN tilskot.organisation o ON o.id = c.organisation_id
         GROUP BY 1, 2, 3, 4
        HAVING sum(CASE WHEN c.applications > 0 AND c.applications - d.n <= 0 THEN 1
                        WHEN c.applications <= 0 AND c.applications - d.n > 0 THEN -1 ELSE 0 END) <> 0
         ORDER BY 1, 2, 3, 4
        ON CONFLICT (round_id, kind, member_based, external_board) DO UPDATE SET
            organisations = t.organisations + EXCLUDED.organisations;
    END IF;

    SELECT array_agg(n.id ORDER BY n.id) INTO ids
      FROM old_rows o JOIN new_rows n ON n.id = o.id
     WHERE (o.round_id, o.status, o.received) IS DISTINCT FROM (n.round_id, n.status, n.received);
    IF ids IS NOT NULL THEN
        INSERT INTO tilskot.application_caseload
            (application_id, round_id, caseworker, status, decided, days_to_decision, appeals, appeals_upheld,
             appeals_changed, appeals_pending)
        SELECT o.id, o.round_id, '(unassigned)', o.status, false, 0, 0, 0, 0, 0
          FROM old_rows o WHERE o.id = ANY (ids) ORDER BY o.id
        ON CONFLICT (application_id) DO NOTHING;
        PERFORM tilskot.caseload_recount(ids);
    END IF;
    RETURN NULL;
END
$$;

-- Assignments, assessments and appeals: recount the cases they belong to.
CREATE FUNCTION tilskot.report_tallies_case_touched() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    ids bigint[];
BEGIN
    SELECT array_agg(DISTINCT x.application_id) INTO ids FROM new_rows x;
    IF ids IS NOT NULL THEN
        PERFORM tilskot.caseload_recount(ids);
    END IF;
    RETURN NULL;
END
$$;

-- Decisions: only a case's first decision changes its days to decision (the status change is the
-- application's own update); a decision on appeal resolves the appeal, which recounts through appeal.
CREATE FUNCTION tilskot.report_tallies_decision_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    ids bigint[];
BEGIN
    SELECT array_agg(DISTINCT x.application_id) INTO ids
      FROM new_rows x
     WHERE NOT EXISTS (SELECT 1 FROM tilskot.decision d WHERE d.application_id = x.application_id AND d.id < x.id);
    IF ids IS NOT NULL THEN
        PERFORM tilskot.caseload_recount(ids);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.application
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_application_insert();
CREATE TRIGGER zz_report_tallies_update AFTER UPDATE ON tilskot.application
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_application_update();
CREATE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.assignment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_case_touched();
CREATE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.assessment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_case_touched();
CREATE TRIGGER zz_report_tallies_update AFTER UPDATE ON tilskot.assessment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_case_touched();
CREATE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.appeal
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_case_touched();
CREATE TRIGGER zz_report_tallies_update AFTER UPDATE ON tilskot.appeal
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_case_touched();
CREATE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.decision
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_decision_insert();

-- ---------------------------------------------------------------------------------------------
-- What is there already.
-- ---------------------------------------------------------------------------------------------

INSERT INTO tilskot.round_applicant (round_id, organisation_id, applications)
SELECT round_id, organisation_id, count(*) FROM tilskot.application GROUP BY 1, 2 ORDER BY 1, 2;

INSERT INTO tilskot.applicant_tally (round_id, kind, member_based, external_board, organisations)
SELECT ra.round_id, o.kind, o.member_based, o.external_board, count(*)
  FROM tilskot.round_applicant ra JOIN tilskot.organisation o ON o.id = ra.organisation_id
 GROUP BY 1, 2, 3, 4;

CREATE TEMP TABLE caseload_now ON COMMIT DROP AS
SELECT a.id AS application_id, a.round_id,
       coalesce(g.caseworker, asm.assessor, '(unassigned)') AS caseworker, a.status,
       fd.decision_date IS NOT NULL AS decided,
       coalesce(fd.decision_date - a.received, 0) AS days_to_decision,
       coalesce(ap.appeals, 0) AS appeals, coalesce(ap.upheld, 0) AS appeals_upheld,
       coalesce(ap.changed, 0) AS appeals_changed, coalesce(ap.pending, 0) AS appeals_pending,
       (g.caseworker IS NOT NULL OR asm.assessor IS NOT NULL OR fd.decision_date IS NOT NULL OR ap.appeals IS NOT NULL) AS touched
  FROM tilskot.application a
  LEFT JOIN (SELECT DISTINCT ON (application_id) application_id, caseworker FROM tilskot.assignment
              ORDER BY application_id, id DESC) g ON g.application_id = a.id
  LEFT JOIN tilskot.assessment asm ON asm.application_id = a.id AND asm.is_current
  LEFT JOIN (SELECT DISTINCT ON (application_id) application_id, decision_date FROM tilskot.decision
              ORDER BY application_id, id) fd ON fd.application_id = a.id
  LEFT JOIN (SELECT application_id, count(*) AS appeals,
                    count(*) FILTER (WHERE outcome = 'upheld') AS upheld,
                    count(*) FILTER (WHERE outcome = 'changed') AS changed,
                    count(*) FILTER (WHERE outcome IS NULL) AS pending
               FROM tilskot.appeal GROUP BY application_id) ap ON ap.application_id = a.id;

INSERT INTO tilskot.application_caseload
    (application_id, round_id, caseworker, status, decided, days_to_decision, appeals, appeals_upheld,
     appeals_changed, appeals_pending)
SELECT application_id, round_id, caseworker, status, decided, days_to_decision, appeals, appeals_upheld,
       appeals_changed, appeals_pending
  FROM caseload_now WHERE touched ORDER BY application_id;

INSERT INTO tilskot.caseload_tally
    (round_id, caseworker, status, decided, days_to_decision, applications, appeals, appeals_upheld,
     appeals_changed, appeals_pending)
SELECT round_id, caseworker, status, decided, days_to_decision, count(*), sum(appeals), sum(appeals_upheld),
       sum(appeals_changed), sum(appeals_pending)
  FROM caseload_now
 GROUP BY 1, 2, 3, 4, 5;

DROP TABLE caseload_now;

REVOKE ALL ON FUNCTION tilskot.caseload_recount(bigint[]), tilskot.caseload_fold(), tilskot.report_tallies_application_insert(),
    tilskot.report_tallies_application_update(), tilskot.report_tallies_case_touched(),
    tilskot.report_tallies_decision_insert() FROM PUBLIC;
GRANT SELECT ON tilskot.round_applicant, tilskot.applicant_tally, tilskot.caseload_tally, tilskot.application_caseload
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;
