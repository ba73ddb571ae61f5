-- 0035's caseload histogram recounted once per touched case, at COMMIT, instead of once per statement.
--
-- Measured (`tilskot dev race`, track_functions = 'all'): 0035's statement triggers cost a decision
-- about 450 µs — caseload_recount ran twice (for the application's status change and again for the
-- decision row, ~127 µs each), the application's statement trigger ~216 µs with its transition
-- tables, the decision's ~130 µs, and the fold at COMMIT ~101 µs: as much as the rest of the decision.
--
-- Now a change to a row a case's figures come from only notes the case in tilskot.caseload_touched
-- (one row per transaction and case; a second note of the same case is a no-op), and the fold at
-- COMMIT recounts the noted cases from the rows, once each, and adds the difference together with
-- the import's deltas (tilskot.caseload_delta) to the histogram in one upsert. The recount is the
-- same query as 0035's, so the figures are exactly 0035's; it is still correct whatever changed
-- and in whichever order, since it reads the rows as they are at COMMIT.
--
--   * The application's updates fire row triggers, each only when its columns change (WHEN, as 0045
--     did for 0032's tally): a change of round, status or received date notes the case; a change of
--     round or organisation moves the reference counts. Applications change one row per statement
--     (lifecycle triggers), so this skips the transition tables. A case without an
--     application_caseload row contributes what its application was when registered; the first
--     note of such a case in a transaction keeps the application's round and status from before the
--     change (old_round_id, old_status), which is what the histogram holds for it.
--   * A decision notes its case only when it can be the first (supersedes is null; 0044's
--     decision_before_insert always sets it): only the first changes the days to decision.
--     decision_before_insert has changed the application's status already, so on that path the
--     note is the status change's and this one is a no-op.
--   * Assignments, assessments and appeals keep statement triggers (set-based, and off the decision
--     path) that note their cases instead of recounting them.
--   * Registration (and the bulk import's one INSERT) still writes deltas in one set-based pass.
--
-- The fold runs as a deferred constraint trigger on the note (and on 0035's marker for the import's
-- deltas). On the decision path the note is written by the status change inside
-- decision_before_insert, before the decision row exists, so its event is queued before 0044's
-- decision_within_frame: the fold runs first at COMMIT and never under the round's row lock
-- (FrameAtCommitTests checks the order). Whether a fold is due no longer depends on a setting a
-- session could change (0035's tilskot.caseload_pending): every note and marker queues its own
-- fold, and a fold finding nothing left does nothing. Nobody writes the notes but these SECURITY
-- DEFINER triggers (no grants), and a note can only cause a recount from the rows.

CREATE UNLOGGED TABLE tilskot.caseload_touched (
    tx             bigint NOT NULL DEFAULT txid_current(),
    application_id bigint NOT NULL,
    old_round_id   bigint,
    old_status     text,
    PRIMARY KEY (tx, application_id)
);

-- At COMMIT. Fired by a note: recount the noted cases and add the differences to the histogram,
-- summed per histogram row, in key order. Fired by 0035's marker: add the import's deltas, as 0035.
-- The noted cases go through an array, so that the cached plan probes each index once per case
-- (0035's recount did the same).
CREATE OR REPLACE FUNCTION tilskot.caseload_fold() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    ids bigint[];
    old_rounds bigint[];
    old_statuses text[];
BEGIN
    IF TG_TABLE_NAME = 'caseload_fold_due' THEN
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
    END IF;

    WITH touched AS (
        DELETE FROM tilskot.caseload_touched WHERE tx = txid_current()
        RETURNING application_id, old_round_id, old_status
    )
    SELECT array_agg(application_id ORDER BY application_id), array_agg(old_round_id ORDER BY application_id),
           array_agg(old_status ORDER BY application_id)
      INTO ids, old_rounds, old_statuses
      FROM touched;
    IF ids IS NULL THEN
        -- An earlier fold of this transaction took the notes already.
        RETURN NULL;
    END IF;
    WITH now_case AS (
        SELECT a.id AS application_id, a.round_id,
               coalesce(g.caseworker, asm.assessor, '(unassigned)') AS caseworker, a.status,
               fd.decision_date IS NOT NULL AS decided,
               coalesce(fd.decision_date - a.received, 0) AS days_to_decision,
               coalesce(ap.appeals, 0) AS appeals, coalesce(ap.upheld, 0) AS appeals_upheld,
               coalesce(ap.changed, 0) AS appeals_changed, coalesce(ap.pending, 0) AS appeals_pending
          FROM tilskot.application a
          -- Laterals, so that the cached plan probes each index once per case whatever the sizes.
          LEFT JOIN LATERAL (SELECT caseworker FROM tilskot.assignment g
                              WHERE g.application_id = a.id ORDER BY g.id DESC LIMIT 1) g ON true
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
    -- What each case last contributed: its row, else what it was when registered (its round and
    -- status before this transaction first changed them, else as they are).
    was_case AS (
        SELECT c.application_id, c.round_id, c.caseworker, c.status, c.decided, c.days_to_decision,
               c.appeals, c.appeals_upheld, c.appeals_changed, c.appeals_pending
          FROM tilskot.application_caseload c
         WHERE c.application_id = ANY (ids)
        UNION ALL
        SELECT a.id, coalesce(o.old_round_id, a.round_id), '(unassigned)', coalesce(o.old_status, a.status),
               false, 0, 0, 0, 0, 0
          FROM unnest(ids, old_rounds, old_statuses) AS o (application_id, old_round_id, old_status)
          JOIN tilskot.application a ON a.id = o.application_id
         WHERE NOT EXISTS (SELECT 1 FROM tilskot.application_caseload c WHERE c.application_id = o.application_id)
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
    INSERT INTO tilskot.caseload_tally AS t
        (round_id, caseworker, status, decided, days_to_decision, applications, appeals, appeals_upheld,
         appeals_changed, appeals_pending)
    SELECT x.round_id, x.caseworker, x.status, x.decided, x.days_to_decision, sum(x.s),
           sum(x.s * x.appeals), sum(x.s * x.appeals_upheld), sum(x.s * x.appeals_changed), sum(x.s * x.appeals_pending)
      FROM (SELECT 1 AS s, n.* FROM now_case n UNION ALL SELECT -1 AS s, w.* FROM was_case w) x
     GROUP BY 1, 2, 3, 4, 5
    HAVING (sum(x.s), sum(x.s * x.appeals), sum(x.s * x.appeals_upheld), sum(x.s * x.appeals_changed),
            sum(x.s * x.appeals_pending)) <> (0, 0, 0, 0, 0)
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

-- Each new note queues its fold (a note already there for the case queues nothing).
CREATE CONSTRAINT TRIGGER caseload_fold AFTER INSERT ON tilskot.caseload_touched
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tilskot.caseload_fold();

-- New applications: as 0035, but every statement's deltas queue a fold (one marker per statement,
-- so the import still writes one), instead of asking a session setting whether one is due.
CREATE OR REPLACE FUNCTION tilskot.report_tallies_application_insert() RETURNS trigger
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
    IF FOUND THEN
        INSERT INTO tilskot.caseload_fold_due DEFAULT VALUES;
    END IF;
    RETURN NULL;
END
$$;

-- A change of round, status or received date: note the case, with what it was before the
-- transaction's first change (the first note of a case keeps it).
CREATE FUNCTION tilskot.caseload_application_changed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    INSERT INTO tilskot.caseload_touched AS t (application_id, old_round_id, old_status)
    VALUES (NEW.id, OLD.round_id, OLD.status)
    ON CONFLICT (tx, application_id) DO UPDATE SET old_round_id = EXCLUDED.old_round_id, old_status = EXCLUDED.old_status
    WHERE t.old_status IS NULL;
    RETURN NULL;
END
$$;

-- A change of round or organisation moves the application's reference count from old to new, and
-- an organisation in or out of the profiles' counts (as 0035, for one row, in key order).
CREATE FUNCTION tilskot.applicant_application_moved() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    WITH deltas AS (
        SELECT round_id, organisation_id, sum(s) AS n
          FROM (VALUES (OLD.round_id, OLD.organisation_id, -1), (NEW.round_id, NEW.organisation_id, 1))
               AS x (round_id, organisation_id, s)
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
    RETURN NULL;
END
$$;

-- Decisions, assignments, assessments and appeals: note the cases (their rows carry the application).
CREATE FUNCTION tilskot.caseload_case_row_touched() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    INSERT INTO tilskot.caseload_touched (application_id) VALUES (NEW.application_id)
    ON CONFLICT (tx, application_id) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION tilskot.report_tallies_case_touched() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    INSERT INTO tilskot.caseload_touched (application_id)
    SELECT DISTINCT x.application_id FROM new_rows x ORDER BY 1
    ON CONFLICT (tx, application_id) DO NOTHING;
    RETURN NULL;
END
$$;

DROP TRIGGER zz_report_tallies_update ON tilskot.application;
CREATE TRIGGER zz_report_tallies_moved AFTER UPDATE ON tilskot.application
    FOR EACH ROW
    WHEN ((OLD.round_id, OLD.organisation_id) IS DISTINCT FROM (NEW.round_id, NEW.organisation_id))
    EXECUTE FUNCTION tilskot.applicant_application_moved();
CREATE TRIGGER zz_report_tallies_update AFTER UPDATE ON tilskot.application
    FOR EACH ROW
    WHEN ((OLD.round_id, OLD.status, OLD.received) IS DISTINCT FROM (NEW.round_id, NEW.status, NEW.received))
    EXECUTE FUNCTION tilskot.caseload_application_changed();
DROP TRIGGER zz_report_tallies_insert ON tilskot.decision;
CREATE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.decision
    FOR EACH ROW WHEN (NEW.supersedes IS NULL) EXECUTE FUNCTION tilskot.caseload_case_row_touched();

DROP FUNCTION tilskot.report_tallies_application_update(), tilskot.report_tallies_decision_insert(),
    tilskot.caseload_recount(bigint[]);

REVOKE ALL ON FUNCTION tilskot.caseload_application_changed(), tilskot.applicant_application_moved(),
    tilskot.caseload_case_row_touched() FROM PUBLIC;
