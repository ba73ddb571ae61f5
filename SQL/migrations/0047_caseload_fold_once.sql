-- The caseload fold at COMMIT once per transaction in time, not once per case (0038).
--
-- Found by profiling `tilskot dev race`'s preparation and `dev generate`'s status mix (perf, 2026-11-25):
-- 0038 queues one deferred fold per noted case. The first fold of a transaction deletes and folds
-- every note; each of the others then ran `DELETE … WHERE tx = txid_current()`, which walks the
-- index entries and heap versions of all the notes the first one deleted — still there, dead only
-- to this transaction. A transaction touching N cases (an assessment or assignment of many
-- applications in one statement, a chunk of the synthetic status mix) cost O(N²): 20 000 cases
-- took most of a minute in heap_hot_search_buffer and _bt_checkkeys.
--
-- Now a fold first looks up its own note by the primary key (tx, application_id) and does nothing
-- when an earlier fold took it. The figures are unchanged: the fold that runs still takes and
-- recounts every note of the transaction, as 0038's did (CaseloadAtCommitTests,
-- ReportSummaryTallyTests compare the histogram with the plain aggregate).

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

    -- A transaction that touched N cases queued N folds; the first took every note. The others find
    -- their own note gone by one probe of the primary key, instead of scanning the N notes the
    -- first fold deleted (dead to this transaction, but still in the index until vacuum).
    PERFORM FROM tilskot.caseload_touched WHERE tx = NEW.tx AND application_id = NEW.application_id;
    IF NOT FOUND THEN
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
