-- Report summaries: tallies, caseload and follow-up folds, grant money views.
--
-- Repeatable: `tilskot migrate` applies this file again whenever it changes (its checksum), in
-- the same transaction as the numbered migrations. The tables it guards are in
-- SQL/migrations/0001_baseline.sql under the same heading.

-- Each trigger turns its statement's rows into signed deltas and adds them to the tally in one
-- upsert, in key order, so two transactions never wait for each other in opposite orders.

-- New applications count by their round, applicant and status.
CREATE OR REPLACE FUNCTION tilskot.tally_application_insert() RETURNS trigger
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

-- Recounts the given grants and notes the difference for their rounds' rows (folded at COMMIT).
CREATE OR REPLACE FUNCTION tilskot.followup_recount(ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    -- What each grant contributes now, from the rows (as tilskot.grant_money, plus its report
    -- state); an application without a current grant contributes nothing.
    WITH now_grant (application_id, round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore,
                    clawbacks, reports_required, reports_approved, reports_awaiting_review, reports_open, unused_ore) AS (
        SELECT a.id, a.round_id, coalesce(rd.due_date, 'infinity'::date),
               p.planned_ore, p.paid_ore, c.clawed_back_ore, r.repaid_ore,
               (c.clawed_back_ore > 0)::int::bigint,
               (rd.id IS NOT NULL)::int::bigint,
               (rd.id IS NOT NULL AND rep.status IS NOT DISTINCT FROM 'approved')::int::bigint,
               (rd.id IS NOT NULL AND rep.status IS NOT DISTINCT FROM 'received')::int::bigint,
               (rd.id IS NOT NULL AND rep.status IS NULL)::int::bigint,
               coalesce(st.unused_ore, 0)::bigint
          FROM tilskot.application a
          -- Laterals, so that the cached plan probes each index once per grant whatever the sizes.
          CROSS JOIN LATERAL (SELECT 1 FROM tilskot.decision d
                               WHERE d.application_id = a.id AND d.is_current
                                 AND d.outcome IN ('granted', 'partially_granted')) d
          LEFT JOIN LATERAL (SELECT id, due_date FROM tilskot.report_duty
                              WHERE report_duty.application_id = a.id AND report_duty.is_current) rd ON true
          CROSS JOIN LATERAL (
                SELECT coalesce(sum(amount_ore) FILTER (WHERE status <> 'withheld'), 0)::bigint AS planned_ore,
                       coalesce(sum(amount_ore) FILTER (WHERE status = 'paid'), 0)::bigint AS paid_ore
                  FROM tilskot.payment WHERE payment.application_id = a.id) p
          CROSS JOIN LATERAL (
                SELECT coalesce(sum(amount_ore), 0)::bigint AS clawed_back_ore
                  FROM tilskot.clawback WHERE clawback.application_id = a.id) c
          CROSS JOIN LATERAL (
                SELECT coalesce(sum(amount_ore), 0)::bigint AS repaid_ore
                  FROM tilskot.repayment WHERE repayment.application_id = a.id) r
          LEFT JOIN LATERAL (SELECT rr.status FROM tilskot.recipient_report rr
                              WHERE rr.application_id = a.id AND rr.status IN ('received', 'approved')
                              ORDER BY rr.status = 'approved' DESC LIMIT 1) rep ON true
          -- A closed grant's settlement (12_closing.sql): what it left unused.
          LEFT JOIN tilskot.grant_settlement st ON st.application_id = a.id
         WHERE a.id = ANY (ids)
    ),
    was_grant AS (
        SELECT g.application_id, g.round_id, g.due_date, g.planned_ore, g.paid_ore, g.clawed_back_ore, g.repaid_ore,
               g.clawbacks, g.reports_required, g.reports_approved, g.reports_awaiting_review, g.reports_open,
               g.unused_ore
          FROM tilskot.grant_followup g WHERE g.application_id = ANY (ids)
    ),
    -- Grants that have none now (cannot happen once follow-up has started) keep a row of zeros.
    now_all AS (
        SELECT * FROM now_grant
        UNION ALL
        SELECT w.application_id, w.round_id, w.due_date, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM was_grant w
         WHERE NOT EXISTS (SELECT 1 FROM now_grant n WHERE n.application_id = w.application_id)
    ),
    kept AS (
        INSERT INTO tilskot.grant_followup AS k
            (application_id, round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks,
             reports_required, reports_approved, reports_awaiting_review, reports_open, unused_ore)
        SELECT * FROM now_all ORDER BY application_id
        ON CONFLICT (application_id) DO UPDATE SET
            round_id = EXCLUDED.round_id, due_date = EXCLUDED.due_date, planned_ore = EXCLUDED.planned_ore,
            paid_ore = EXCLUDED.paid_ore, clawed_back_ore = EXCLUDED.clawed_back_ore, repaid_ore = EXCLUDED.repaid_ore,
            clawbacks = EXCLUDED.clawbacks, reports_required = EXCLUDED.reports_required,
            reports_approved = EXCLUDED.reports_approved, reports_awaiting_review = EXCLUDED.reports_awaiting_review,
            reports_open = EXCLUDED.reports_open, unused_ore = EXCLUDED.unused_ore
        WHERE (k.round_id, k.due_date, k.planned_ore, k.paid_ore, k.clawed_back_ore, k.repaid_ore, k.clawbacks,
               k.reports_required, k.reports_approved, k.reports_awaiting_review, k.reports_open, k.unused_ore)
              IS DISTINCT FROM
              (EXCLUDED.round_id, EXCLUDED.due_date, EXCLUDED.planned_ore, EXCLUDED.paid_ore, EXCLUDED.clawed_back_ore,
               EXCLUDED.repaid_ore, EXCLUDED.clawbacks, EXCLUDED.reports_required, EXCLUDED.reports_approved,
               EXCLUDED.reports_awaiting_review, EXCLUDED.reports_open, EXCLUDED.unused_ore)
    )
    INSERT INTO tilskot.followup_delta
        (round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks, reports_required,
         reports_approved, reports_awaiting_review, reports_open, unused_ore)
    SELECT x.round_id, x.due_date, sum(x.s * x.planned_ore), sum(x.s * x.paid_ore), sum(x.s * x.clawed_back_ore),
           sum(x.s * x.repaid_ore), sum(x.s * x.clawbacks), sum(x.s * x.reports_required), sum(x.s * x.reports_approved),
           sum(x.s * x.reports_awaiting_review), sum(x.s * x.reports_open), sum(x.s * x.unused_ore)
      FROM (SELECT 1 AS s, n.* FROM now_all n UNION ALL SELECT -1 AS s, w.* FROM was_grant w) x
     GROUP BY 1, 2
    HAVING (sum(x.s * x.planned_ore), sum(x.s * x.paid_ore), sum(x.s * x.clawed_back_ore), sum(x.s * x.repaid_ore),
            sum(x.s * x.clawbacks), sum(x.s * x.reports_required), sum(x.s * x.reports_approved),
            sum(x.s * x.reports_awaiting_review), sum(x.s * x.reports_open), sum(x.s * x.unused_ore))
           <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    IF current_setting('tilskot.followup_pending', true) IS DISTINCT FROM 'yes' THEN
        INSERT INTO tilskot.followup_fold_due DEFAULT VALUES;
        PERFORM set_config('tilskot.followup_pending', 'yes', true);
    END IF;
END
$$;

-- Every follow-up row carries its application: recount the grants a statement touched.
CREATE OR REPLACE FUNCTION tilskot.followup_tally_touched() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    ids bigint[];
BEGIN
    SELECT array_agg(DISTINCT x.application_id) INTO ids FROM new_rows x;
    IF ids IS NOT NULL THEN
        PERFORM tilskot.followup_recount(ids);
    END IF;
    RETURN NULL;
END
$$;

-- A change of round, status or received date: note the case, with what it was before the
-- transaction's first change (the first note of a case keeps it).
CREATE OR REPLACE FUNCTION tilskot.caseload_application_changed() RETURNS trigger
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
-- an organisation in or out of the profiles' counts (as report_tallies_application_insert does for
-- new applications; here for one row, in key order).
CREATE OR REPLACE FUNCTION tilskot.applicant_application_moved() RETURNS trigger
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
CREATE OR REPLACE FUNCTION tilskot.caseload_case_row_touched() RETURNS trigger
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

-- The follow-up summary's fold at COMMIT does not trust a session setting.
--
-- Anyone may set a tilskot.* setting. Were the fold queued or run by tilskot.followup_pending alone,
-- a finance user with psql could `SET tilskot.followup_pending = 'yes'` before her payments (no fold
-- queued) or set it to 'no' before COMMIT (the fold skipped): her changes would never reach
-- tilskot.followup_tally, and `report followup` would disagree with the payments for good.
--
-- So a statement trigger on the delta table queues the fold whenever the transaction has written
-- deltas and has no fold queued (the queue is the marker table, which only these SECURITY DEFINER
-- functions write), and the fold folds whatever deltas the transaction has, whatever the setting
-- says. The trigger also sets the setting, so followup_recount does not queue a second marker.
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
                  reports_approved, reports_awaiting_review, reports_open, unused_ore
    )
    INSERT INTO tilskot.followup_tally AS t
        (round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks, reports_required,
         reports_approved, reports_awaiting_review, reports_open, unused_ore)
    SELECT round_id, due_date, sum(planned_ore), sum(paid_ore), sum(clawed_back_ore), sum(repaid_ore), sum(clawbacks),
           sum(reports_required), sum(reports_approved), sum(reports_awaiting_review), sum(reports_open), sum(unused_ore)
      FROM taken
     GROUP BY 1, 2
    HAVING (sum(planned_ore), sum(paid_ore), sum(clawed_back_ore), sum(repaid_ore), sum(clawbacks), sum(reports_required),
            sum(reports_approved), sum(reports_awaiting_review), sum(reports_open), sum(unused_ore))
           <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
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
        reports_open = t.reports_open + EXCLUDED.reports_open,
        unused_ore = t.unused_ore + EXCLUDED.unused_ore;
    RETURN NULL;
END
$$;

-- Queues the transaction's fold once it has deltas: by the marker table, not by a setting.
CREATE OR REPLACE FUNCTION tilskot.followup_fold_queue() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM tilskot.followup_fold_due WHERE tx = txid_current()) THEN
        INSERT INTO tilskot.followup_fold_due DEFAULT VALUES;
    END IF;
    -- followup_recount queues a marker while this is not 'yes'; one marker is enough.
    PERFORM set_config('tilskot.followup_pending', 'yes', true);
    RETURN NULL;
END
$$;

-- The application tally kept per row for the changes that come one row at a time.
--
-- A statement-level trigger builds transition tables and runs a grouping upsert, which on these
-- paths is always for one row: a status changes only inside a lifecycle trigger (one UPDATE per
-- application), and a decision is superseded one at a time. So status changes and decisions add
-- their deltas by row triggers that upsert the one tally row directly (and skip when nothing the
-- tally counts has changed; docs/performance.md). Registration keeps the statement trigger
-- (tally_application_insert), so the bulk import pays one aggregate for a million rows.
--
-- What is counted is the same either way (ImportSummaryTests compares the tally with the plain
-- aggregate after random lifecycle steps): per round and applicant profile, applications, requested amount,
-- withdrawn, pending (received, in review, assessed), appealed, and by the current decision's
-- outcome granted, partially granted, rejected, dismissed and the sum granted.

-- Adds deltas to the tally row of a round and an organisation's profile.
CREATE OR REPLACE FUNCTION tilskot.tally_add(round_id bigint, organisation_id bigint, applications bigint, requested_ore bigint,
                                  withdrawn bigint, pending bigint, appealed bigint, granted bigint,
                                  partially_granted bigint, rejected bigint, dismissed bigint, granted_ore bigint)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    IF (applications, requested_ore, withdrawn, pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore)
       = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0) THEN
        RETURN;
    END IF;
    INSERT INTO tilskot.application_tally AS t
        (round_id, municipality, kind, member_based, external_board, applications, requested_ore, withdrawn,
         pending, appealed, granted, partially_granted, rejected, dismissed, granted_ore)
    SELECT tally_add.round_id, coalesce(o.municipality, ''), o.kind, o.member_based, o.external_board,
           tally_add.applications, tally_add.requested_ore, tally_add.withdrawn, tally_add.pending, tally_add.appealed,
           tally_add.granted, tally_add.partially_granted, tally_add.rejected, tally_add.dismissed, tally_add.granted_ore
      FROM tilskot.organisation o WHERE o.id = tally_add.organisation_id
    ON CONFLICT ON CONSTRAINT application_tally_pkey DO UPDATE SET
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
END
$$;

-- A change of status, round, applicant or amount moves the application's count from old to new.
CREATE OR REPLACE FUNCTION tilskot.tally_application_row_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    old_pending int := CASE WHEN OLD.status IN ('received', 'in_review', 'assessed') THEN 1 ELSE 0 END;
    new_pending int := CASE WHEN NEW.status IN ('received', 'in_review', 'assessed') THEN 1 ELSE 0 END;
    old_withdrawn int := CASE WHEN OLD.status = 'withdrawn' THEN 1 ELSE 0 END;
    new_withdrawn int := CASE WHEN NEW.status = 'withdrawn' THEN 1 ELSE 0 END;
    old_appealed int := CASE WHEN OLD.status = 'appealed' THEN 1 ELSE 0 END;
    new_appealed int := CASE WHEN NEW.status = 'appealed' THEN 1 ELSE 0 END;
BEGIN
    IF (OLD.round_id, OLD.organisation_id) = (NEW.round_id, NEW.organisation_id) THEN
        -- The common case (a status change): one upsert, written out here rather than through
        -- tally_add, since each statement a trigger runs has a fixed cost.
        IF (NEW.amount_applied_ore - OLD.amount_applied_ore, new_withdrawn - old_withdrawn, new_pending - old_pending,
            new_appealed - old_appealed) <> (0, 0, 0, 0) THEN
            INSERT INTO tilskot.application_tally AS t
                (round_id, municipality, kind, member_based, external_board, applications, requested_ore, withdrawn,
                 pending, appealed)
            SELECT NEW.round_id, coalesce(o.municipality, ''), o.kind, o.member_based, o.external_board,
                   0, NEW.amount_applied_ore - OLD.amount_applied_ore, new_withdrawn - old_withdrawn,
                   new_pending - old_pending, new_appealed - old_appealed
              FROM tilskot.organisation o WHERE o.id = NEW.organisation_id
            ON CONFLICT ON CONSTRAINT application_tally_pkey DO UPDATE SET
                requested_ore = t.requested_ore + EXCLUDED.requested_ore,
                withdrawn = t.withdrawn + EXCLUDED.withdrawn,
                pending = t.pending + EXCLUDED.pending,
                appealed = t.appealed + EXCLUDED.appealed;
        END IF;
    ELSE
        -- Two tally rows: in key order, as tally_application_insert upserts them.
        IF (OLD.round_id, OLD.organisation_id) < (NEW.round_id, NEW.organisation_id) THEN
            PERFORM tilskot.tally_add(OLD.round_id, OLD.organisation_id, -1, -OLD.amount_applied_ore,
                                      -old_withdrawn, -old_pending, -old_appealed, 0, 0, 0, 0, 0);
            PERFORM tilskot.tally_add(NEW.round_id, NEW.organisation_id, 1, NEW.amount_applied_ore,
                                      new_withdrawn, new_pending, new_appealed, 0, 0, 0, 0, 0);
        ELSE
            PERFORM tilskot.tally_add(NEW.round_id, NEW.organisation_id, 1, NEW.amount_applied_ore,
                                      new_withdrawn, new_pending, new_appealed, 0, 0, 0, 0, 0);
            PERFORM tilskot.tally_add(OLD.round_id, OLD.organisation_id, -1, -OLD.amount_applied_ore,
                                      -old_withdrawn, -old_pending, -old_appealed, 0, 0, 0, 0, 0);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- A decision counts while it is current (its application's round cannot change once decided):
-- +1 for a new current decision, −1 when it stops being current or its outcome or amount changes.
CREATE OR REPLACE FUNCTION tilskot.tally_decision_row() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    s_old int := 0;
    s_new int := 0;
BEGIN
    IF TG_OP = 'INSERT' THEN
        s_new := CASE WHEN NEW.is_current THEN 1 ELSE 0 END;
    ELSE
        IF OLD.is_current AND (NOT NEW.is_current OR (OLD.outcome, OLD.amount_ore) IS DISTINCT FROM (NEW.outcome, NEW.amount_ore)) THEN
            s_old := 1;
        END IF;
        IF NEW.is_current AND (NOT OLD.is_current OR (OLD.outcome, OLD.amount_ore) IS DISTINCT FROM (NEW.outcome, NEW.amount_ore)) THEN
            s_new := 1;
        END IF;
    END IF;
    IF s_old = 0 AND s_new = 0 THEN
        RETURN NULL;
    END IF;
    -- The application's round and applicant and the upsert in one statement.
    INSERT INTO tilskot.application_tally AS t
        (round_id, municipality, kind, member_based, external_board, granted, partially_granted, rejected, dismissed, granted_ore)
    SELECT a.round_id, coalesce(o.municipality, ''), o.kind, o.member_based, o.external_board,
           CASE WHEN NEW.outcome = 'granted' THEN s_new ELSE 0 END - CASE WHEN TG_OP = 'UPDATE' AND OLD.outcome = 'granted' THEN s_old ELSE 0 END,
           CASE WHEN NEW.outcome = 'partially_granted' THEN s_new ELSE 0 END - CASE WHEN TG_OP = 'UPDATE' AND OLD.outcome = 'partially_granted' THEN s_old ELSE 0 END,
           CASE WHEN NEW.outcome = 'rejected' THEN s_new ELSE 0 END - CASE WHEN TG_OP = 'UPDATE' AND OLD.outcome = 'rejected' THEN s_old ELSE 0 END,
           CASE WHEN NEW.outcome = 'dismissed' THEN s_new ELSE 0 END - CASE WHEN TG_OP = 'UPDATE' AND OLD.outcome = 'dismissed' THEN s_old ELSE 0 END,
           CASE WHEN NEW.outcome IN ('granted', 'partially_granted') THEN s_new * NEW.amount_ore ELSE 0 END
             - CASE WHEN TG_OP = 'UPDATE' AND OLD.outcome IN ('granted', 'partially_granted') THEN s_old * OLD.amount_ore ELSE 0 END
      FROM tilskot.application a JOIN tilskot.organisation o ON o.id = a.organisation_id
     WHERE a.id = NEW.application_id
    ON CONFLICT ON CONSTRAINT application_tally_pkey DO UPDATE SET
        granted = t.granted + EXCLUDED.granted,
        partially_granted = t.partially_granted + EXCLUDED.partially_granted,
        rejected = t.rejected + EXCLUDED.rejected,
        dismissed = t.dismissed + EXCLUDED.dismissed,
        granted_ore = t.granted_ore + EXCLUDED.granted_ore;
    RETURN NULL;
END
$$;

-- The caseload fold at COMMIT: once per transaction in time, though queued once per noted case.
--
-- The first fold of a transaction deletes and folds every note. Were each of the others to run
-- `DELETE … WHERE tx = txid_current()`, it would walk the index entries and heap versions of all
-- the notes the first one deleted — still there, dead only to this transaction — and a transaction
-- touching N cases (an assessment or assignment of many applications in one statement, a chunk of
-- the synthetic status mix) would cost O(N²) (docs/performance.md).
--
-- So a fold first looks up its own note by the primary key (tx, application_id) and does nothing
-- when an earlier fold took it. The fold that runs takes and recounts every note of the
-- transaction (CaseloadAtCommitTests, ReportSummaryTallyTests compare the histogram with the plain
-- aggregate).

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

-- One caseload fold per transaction for new applications too, not one per INSERT statement.
--
-- A marker per INSERT into tilskot.application would give each marker's fold at COMMIT the
-- transaction's markers and deltas to delete again, walking every one the first fold had deleted:
-- the same O(N²) as above, for registrations made one statement at a time in one transaction (a
-- script, psql; docs/performance.md). So a statement writes the marker only when the transaction
-- has none (as followup_fold_queue does for the follow-up summary); the one fold takes every
-- delta. The marker table is written only by these SECURITY DEFINER functions, and a fold that
-- finds its marker gone still folds what is there, so nothing a session can do keeps deltas out of
-- the histogram.

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

-- The money of each grant in one place, for reports (issue 6 builds on this name and these columns)
-- and for `tilskot followup summary`:
--
--   tilskot.grant_money   one row per application with a current grant (granted or partially
--                         granted, also in follow-up or closed)
--     application_id, reference, round_id
--     granted_ore      the current decision's amount
--     planned_ore      instalments that are going out or went out (planned, attested, paid; not withheld)
--     paid_ore         instalments paid
--     clawed_back_ore  repayment demanded by claw-backs in force (after appeals; cancelled ones count 0)
--     repaid_ore       repayments received
--     net_ore          what the grant is used for: for a closed grant its settlement's net used
--                      (paid − repaid, 12_closing.sql), else the grant after claw-backs in force,
--                      granted_ore − clawed_back_ore (what the recipient may keep once settled)
--     unused_ore       of a closed grant, what was decided but never used:
--                      granted − clawed back − net used (withheld instalments); 0 for open grants
--     settled          whether the grant is closed with its settlement
--
--   tilskot.round_money   the same sums per round, with the round's frame.
--
-- Both are security-invoker views: whoever reads them needs read access to the tables below, which
-- every grants role has. LATERAL sums use the per-application indexes, so a round's rows are fast
-- at a million applications.

CREATE OR REPLACE VIEW tilskot.grant_money WITH (security_invoker = true) AS
SELECT a.id AS application_id,
       a.reference,
       a.round_id,
       d.amount_ore AS granted_ore,
       p.planned_ore,
       p.paid_ore,
       c.clawed_back_ore,
       r.repaid_ore,
       coalesce(st.net_used_ore, d.amount_ore - c.clawed_back_ore) AS net_ore,
       coalesce(st.unused_ore, 0)::bigint AS unused_ore,
       st.id IS NOT NULL AS settled
  FROM tilskot.application a
  JOIN tilskot.decision d
    ON d.application_id = a.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted')
  CROSS JOIN LATERAL (
        SELECT coalesce(sum(amount_ore) FILTER (WHERE status <> 'withheld'), 0)::bigint AS planned_ore,
               coalesce(sum(amount_ore) FILTER (WHERE status = 'paid'), 0)::bigint AS paid_ore
          FROM tilskot.payment WHERE application_id = a.id) p
  CROSS JOIN LATERAL (
        SELECT coalesce(sum(amount_ore), 0)::bigint AS clawed_back_ore
          FROM tilskot.clawback WHERE application_id = a.id) c
  CROSS JOIN LATERAL (
        SELECT coalesce(sum(amount_ore), 0)::bigint AS repaid_ore
          FROM tilskot.repayment WHERE application_id = a.id) r
  LEFT JOIN tilskot.grant_settlement st ON st.application_id = a.id;

COMMENT ON VIEW tilskot.grant_money IS
    'Per application with a current grant: granted, planned (not withheld), paid, clawed back (in force), repaid, and net = what the grant is used for (a closed grant: paid − repaid; else granted − clawed back), all in øre.';

COMMENT ON COLUMN tilskot.grant_money.net_ore IS 'A closed grant: its settlement''s net used, paid_ore − repaid_ore; a grant not closed: granted_ore − clawed_back_ore.';

CREATE OR REPLACE VIEW tilskot.round_money WITH (security_invoker = true) AS
SELECT ro.id AS round_id,
       s.code AS scheme,
       ro.year,
       ro.frame_ore,
       count(g.application_id)::integer AS grants,
       coalesce(sum(g.granted_ore), 0)::bigint AS granted_ore,
       coalesce(sum(g.planned_ore), 0)::bigint AS planned_ore,
       coalesce(sum(g.paid_ore), 0)::bigint AS paid_ore,
       coalesce(sum(g.clawed_back_ore), 0)::bigint AS clawed_back_ore,
       coalesce(sum(g.repaid_ore), 0)::bigint AS repaid_ore,
       coalesce(sum(g.net_ore), 0)::bigint AS net_ore,
       coalesce(sum(g.unused_ore), 0)::bigint AS unused_ore
  FROM tilskot.round ro
  JOIN tilskot.scheme s ON s.id = ro.scheme_id
  LEFT JOIN tilskot.grant_money g ON g.round_id = ro.id
 GROUP BY ro.id, s.code, ro.year, ro.frame_ore;

COMMENT ON VIEW tilskot.round_money IS
    'Per round: its frame and the sums of tilskot.grant_money over its grants (øre).';


-- Triggers (within one timing PostgreSQL fires them in name order: a0_ first, then aa_, then the
-- table's own, zz_ last).
-- zz_ sorts these AFTER triggers after the tables' own; a refusal anywhere rolls the summaries back
-- with the step, and each writes its own summary, so among themselves their order does not matter.

-- on tilskot.appeal
CREATE OR REPLACE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.appeal REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_case_touched();
CREATE OR REPLACE TRIGGER zz_report_tallies_update AFTER UPDATE ON tilskot.appeal REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_case_touched();

-- on tilskot.application
CREATE OR REPLACE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.application REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_application_insert();
CREATE OR REPLACE TRIGGER zz_report_tallies_moved AFTER UPDATE ON tilskot.application FOR EACH ROW WHEN (((old.round_id IS DISTINCT FROM new.round_id) OR (old.organisation_id IS DISTINCT FROM new.organisation_id))) EXECUTE FUNCTION tilskot.applicant_application_moved();
CREATE OR REPLACE TRIGGER zz_report_tallies_update AFTER UPDATE ON tilskot.application FOR EACH ROW WHEN ((((old.round_id IS DISTINCT FROM new.round_id) OR (old.status IS DISTINCT FROM new.status)) OR (old.received IS DISTINCT FROM new.received))) EXECUTE FUNCTION tilskot.caseload_application_changed();
CREATE OR REPLACE TRIGGER zz_tally_insert AFTER INSERT ON tilskot.application REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.tally_application_insert();
CREATE OR REPLACE TRIGGER zz_tally_update AFTER UPDATE ON tilskot.application FOR EACH ROW WHEN (((((old.round_id IS DISTINCT FROM new.round_id) OR (old.organisation_id IS DISTINCT FROM new.organisation_id)) OR (old.amount_applied_ore IS DISTINCT FROM new.amount_applied_ore)) OR (old.status IS DISTINCT FROM new.status))) EXECUTE FUNCTION tilskot.tally_application_row_update();

-- on tilskot.assessment
CREATE OR REPLACE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.assessment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_case_touched();
CREATE OR REPLACE TRIGGER zz_report_tallies_update AFTER UPDATE ON tilskot.assessment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_case_touched();

-- on tilskot.assignment
CREATE OR REPLACE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.assignment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.report_tallies_case_touched();

-- on tilskot.caseload_fold_due
DROP TRIGGER IF EXISTS caseload_fold ON tilskot.caseload_fold_due;
CREATE CONSTRAINT TRIGGER caseload_fold AFTER INSERT ON tilskot.caseload_fold_due DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tilskot.caseload_fold();

-- on tilskot.caseload_touched
DROP TRIGGER IF EXISTS caseload_fold ON tilskot.caseload_touched;
CREATE CONSTRAINT TRIGGER caseload_fold AFTER INSERT ON tilskot.caseload_touched DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tilskot.caseload_fold();

-- on tilskot.clawback
CREATE OR REPLACE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.clawback REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE OR REPLACE TRIGGER zz_followup_tally_update AFTER UPDATE ON tilskot.clawback REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();

-- on tilskot.decision
CREATE OR REPLACE TRIGGER zz_report_tallies_insert AFTER INSERT ON tilskot.decision FOR EACH ROW WHEN ((new.supersedes IS NULL)) EXECUTE FUNCTION tilskot.caseload_case_row_touched();
CREATE OR REPLACE TRIGGER zz_tally_insert AFTER INSERT ON tilskot.decision FOR EACH ROW WHEN (new.is_current) EXECUTE FUNCTION tilskot.tally_decision_row();
CREATE OR REPLACE TRIGGER zz_tally_update AFTER UPDATE ON tilskot.decision FOR EACH ROW WHEN ((((old.is_current IS DISTINCT FROM new.is_current) OR (old.outcome IS DISTINCT FROM new.outcome)) OR (old.amount_ore IS DISTINCT FROM new.amount_ore))) EXECUTE FUNCTION tilskot.tally_decision_row();

-- on tilskot.grant_settlement (closing a grant settles what it left unused)
CREATE OR REPLACE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.grant_settlement REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();

-- on tilskot.followup_delta
CREATE OR REPLACE TRIGGER followup_fold_queue AFTER INSERT ON tilskot.followup_delta FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_fold_queue();

-- on tilskot.followup_fold_due
DROP TRIGGER IF EXISTS followup_fold ON tilskot.followup_fold_due;
CREATE CONSTRAINT TRIGGER followup_fold AFTER INSERT ON tilskot.followup_fold_due DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tilskot.followup_fold();

-- on tilskot.payment
CREATE OR REPLACE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.payment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE OR REPLACE TRIGGER zz_followup_tally_update AFTER UPDATE ON tilskot.payment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();

-- on tilskot.recipient_report
CREATE OR REPLACE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.recipient_report REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE OR REPLACE TRIGGER zz_followup_tally_update AFTER UPDATE ON tilskot.recipient_report REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();

-- on tilskot.repayment
CREATE OR REPLACE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.repayment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();

-- on tilskot.report_duty
CREATE OR REPLACE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.report_duty REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE OR REPLACE TRIGGER zz_followup_tally_update AFTER UPDATE ON tilskot.report_duty REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();


-- Who may do what (everything not granted here is refused).
GRANT SELECT ON TABLE tilskot.applicant_tally TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT SELECT ON TABLE tilskot.application_caseload TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT SELECT ON TABLE tilskot.application_tally TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT SELECT ON TABLE tilskot.caseload_tally TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT SELECT ON TABLE tilskot.followup_tally TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT SELECT ON TABLE tilskot.grant_followup TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT SELECT ON TABLE tilskot.grant_money TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT SELECT ON TABLE tilskot.round_applicant TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
GRANT SELECT ON TABLE tilskot.round_money TO tilskot_admin, tilskot_auditor, tilskot_caseworker, tilskot_finance, tilskot_manager;
REVOKE ALL ON FUNCTION tilskot.applicant_application_moved() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.caseload_application_changed() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.caseload_case_row_touched() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.caseload_fold() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.followup_fold() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.followup_fold_queue() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.followup_recount(bigint[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.followup_tally_touched() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.report_tallies_application_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.report_tallies_case_touched() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.tally_add(bigint,bigint,bigint,bigint,bigint,bigint,bigint,bigint,bigint,bigint,bigint,bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.tally_application_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.tally_application_row_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION tilskot.tally_decision_row() FROM PUBLIC;
