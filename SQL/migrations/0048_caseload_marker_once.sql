-- One caseload fold per transaction for new applications too (0038 queued one per INSERT statement).
--
-- The same O(N²) as 0047, on the registration path: every INSERT into tilskot.application wrote a
-- marker, and each marker's fold at COMMIT deleted the transaction's markers and deltas again,
-- walking every one the first fold had deleted. Registering applications one statement at a time in
-- one transaction (a script, psql) measured 0.28 s for 1 000, 0.63 s for 2 000 and 1.70 s for 4 000.
-- Now a statement writes the marker only when the transaction has none (as 0039 does for the
-- follow-up summary); the one fold takes every delta, as before. The marker table is written only
-- by these SECURITY DEFINER functions, and a fold that finds its marker gone still folds what is
-- there, so nothing a session can do keeps deltas out of the histogram.

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
    -- One marker, so one fold, per transaction: the fold takes every delta of the transaction.
    IF FOUND AND NOT EXISTS (SELECT FROM tilskot.caseload_fold_due WHERE tx = txid_current()) THEN
        INSERT INTO tilskot.caseload_fold_due DEFAULT VALUES;
    END IF;
    RETURN NULL;
END
$$;
