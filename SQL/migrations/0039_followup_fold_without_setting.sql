-- The follow-up summary's fold at COMMIT (0036) no longer trusts a session setting.
--
-- Found while reviewing 0038, which closed the same hole in the caseload histogram: 0036 queued a
-- transaction's fold only while the setting tilskot.followup_pending was not 'yes', and the fold ran
-- only while it was 'yes'. Anyone may set a tilskot.* setting, so a finance user with psql could
-- `SET tilskot.followup_pending = 'yes'` before her payments (no fold queued) or set it to 'no'
-- before COMMIT (the fold skipped): her changes then never reached tilskot.followup_tally, and
-- `report followup` would disagree with the payments for good.
--
-- Now a statement trigger on the delta table queues the fold whenever the transaction has written
-- deltas and has no fold queued (the queue is the marker table, which only these SECURITY DEFINER
-- functions write), and the fold folds whatever deltas the transaction has, whatever the setting
-- says. The trigger also sets the old setting, so 0036's recount does not queue a second marker.
-- ReportSummaryTallyTests "a session that sets tilskot.followup_pending …" attacks it.

CREATE OR REPLACE FUNCTION tilskot.followup_fold() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    -- Deltas written after this (by a later deferred trigger's changes) queue another fold.
    DELETE FROM tilskot.followup_fold_due WHERE tx = txid_current();
    WITH taken AS (
        DELETE FROM tilskot.followup_delta WHERE tx = txid_current()
        RETURNING round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks, reports_required,
                  reports_approved, reports_awaiting_review, reports_open
    )
    INSERT INTO tilskot.followup_tally AS t
        (round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks, reports_required,
         reports_approved, reports_awaiting_review, reports_open)
    SELECT round_id, due_date, sum(planned_ore), sum(paid_ore), sum(clawed_back_ore), sum(repaid_ore), sum(clawbacks),
           sum(reports_required), sum(reports_approved), sum(reports_awaiting_review), sum(reports_open)
      FROM taken
     GROUP BY 1, 2
    HAVING (sum(planned_ore), sum(paid_ore), sum(clawed_back_ore), sum(repaid_ore), sum(clawbacks), sum(reports_required),
            sum(reports_approved), sum(reports_awaiting_review), sum(reports_open)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0)
     ORDER BY 1, 2
    ON CONFLICT (round_id, due_date) DO UPDATE SET
        planned_ore = t.planned_ore + EXCLUDED.planned_ore,
        paid_ore = t.paid_ore + EXCLUDED.paid_ore,
        clawed_back_ore = t.clawed_back_ore + EXCLUDED.clawed_back_ore,
        repaid_ore = t.repaid_ore + EXCLUDED.repaid_ore,
        clawbacks = t.clawbacks + EXCLUDED.clawbacks,
        reports_required = t.reports_required + EXCLUDED.reports_required,
        reports_approved = t.reports_approved + EXCLUDED.reports_approved,
        reports_awaiting_review = t.reports_awaiting_review + EXCLUDED.reports_awaiting_review,
        reports_open = t.reports_open + EXCLUDED.reports_open;
    RETURN NULL;
END
$$;

-- Queues the transaction's fold once it has deltas: by the marker table, not by a setting.
CREATE FUNCTION tilskot.followup_fold_queue() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tilskot.followup_fold_due WHERE tx = txid_current()) THEN
        INSERT INTO tilskot.followup_fold_due DEFAULT VALUES;
    END IF;
    -- 0036's recount queues a marker while this is not 'yes'; one marker is enough.
    PERFORM set_config('tilskot.followup_pending', 'yes', true);
    RETURN NULL;
END
$$;

CREATE TRIGGER followup_fold_queue AFTER INSERT ON tilskot.followup_delta
    FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_fold_queue();

REVOKE ALL ON FUNCTION tilskot.followup_fold_queue() FROM PUBLIC;
