-- A summary of the money and reports after the decision, per round, for `report followup` (issue 7):
-- kept in the same transaction as every follow-up step, so the report reads a few rows per round
-- instead of every grant of the year with its payments, claw-backs and reports.
--
--   tilskot.followup_tally   per round and reporting due date ('infinity' for grants without a
--                            current reporting duty): planned (not withheld), paid, clawed back (in
--                            force), repaid, how many grants have money clawed back, and of the
--                            current reporting duties how many are required, approved, awaiting
--                            review and still open (no report received or approved). Whether an
--                            open report is due or overdue depends on the day the report is run,
--                            so the report splits the open ones at current_date by due date.
--   tilskot.grant_followup   the figures each grant last contributed (one row per grant that has had
--                            a follow-up step; a grant without one contributes nothing).
--
-- The number of grants and the sum granted come from 0032's application tally; net is granted minus
-- clawed back, as in tilskot.grant_money (0015), whose definitions this follows exactly.
--
-- A follow-up step (payment plan, attestation, payment or withholding — which update the payment —
-- claw-back, its resolution, repayment, reporting duty, report, review) recounts the grants it
-- touched from the rows and notes the difference in tilskot.followup_delta, which a deferred trigger
-- adds to the rounds' rows at COMMIT (so steps on different grants of one round do not queue). The
-- grant itself cannot change once follow-up has started (0003 refuses appeals then, and only an appeal brings a new
-- decision), so decisions need no trigger here.
--
-- Kept by statement-level triggers with transition tables, upserts in key order, SECURITY DEFINER
-- and no grants to write; readable by everyone who reads the follow-up. Tests in
-- Tests/TilskotReportsTests/ReportSummaryTallyTests.swift compare the report with the plain
-- aggregate over tilskot.grant_money after random follow-up steps.

-- Repayments per application: grant_money sums them by application_id, and so does the recount.
CREATE INDEX repayment_application_idx ON tilskot.repayment (application_id);

CREATE TABLE tilskot.followup_tally (
    round_id                bigint NOT NULL REFERENCES tilskot.round (id),
    due_date                date NOT NULL,
    planned_ore             bigint NOT NULL DEFAULT 0,
    paid_ore                bigint NOT NULL DEFAULT 0,
    clawed_back_ore         bigint NOT NULL DEFAULT 0,
    repaid_ore              bigint NOT NULL DEFAULT 0,
    clawbacks               bigint NOT NULL DEFAULT 0,
    reports_required        bigint NOT NULL DEFAULT 0,
    reports_approved        bigint NOT NULL DEFAULT 0,
    reports_awaiting_review bigint NOT NULL DEFAULT 0,
    reports_open            bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, due_date)
);

CREATE TABLE tilskot.grant_followup (
    application_id          bigint PRIMARY KEY,
    round_id                bigint NOT NULL,
    due_date                date NOT NULL,
    planned_ore             bigint NOT NULL,
    paid_ore                bigint NOT NULL,
    clawed_back_ore         bigint NOT NULL,
    repaid_ore              bigint NOT NULL,
    clawbacks               bigint NOT NULL,
    reports_required        bigint NOT NULL,
    reports_approved        bigint NOT NULL,
    reports_awaiting_review bigint NOT NULL,
    reports_open            bigint NOT NULL
);

-- What a transaction changes in the rounds' rows, folded into them once, at COMMIT (below): every
-- follow-up step on any grant of a round touches the round's row, and holding it from the step to the
-- commit would make finance users working on different grants queue for each other. Always empty
-- between transactions, so it need not survive a crash (UNLOGGED).
CREATE UNLOGGED TABLE tilskot.followup_delta (
    tx                      bigint NOT NULL DEFAULT txid_current(),
    round_id                bigint NOT NULL,
    due_date                date NOT NULL,
    planned_ore             bigint NOT NULL,
    paid_ore                bigint NOT NULL,
    clawed_back_ore         bigint NOT NULL,
    repaid_ore              bigint NOT NULL,
    clawbacks               bigint NOT NULL,
    reports_required        bigint NOT NULL,
    reports_approved        bigint NOT NULL,
    reports_awaiting_review bigint NOT NULL,
    reports_open            bigint NOT NULL
);
CREATE INDEX followup_delta_tx_idx ON tilskot.followup_delta (tx);

-- At COMMIT: the transaction's deltas, summed per round and due date, in key order.
CREATE FUNCTION tilskot.followup_fold() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    IF current_setting('tilskot.followup_pending', true) IS DISTINCT FROM 'yes' THEN
        RETURN NULL;
    END IF;
    -- Deltas written after this (by a later deferred trigger's changes) ask for another fold.
    PERFORM set_config('tilskot.followup_pending', 'no', true);
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

-- One row per transaction with deltas to fold (written with its first delta): its deferred trigger
-- is the transaction's one fold at COMMIT.
CREATE UNLOGGED TABLE tilskot.followup_fold_due (
    tx bigint NOT NULL DEFAULT txid_current()
);
CREATE INDEX followup_fold_due_tx_idx ON tilskot.followup_fold_due (tx);

CREATE CONSTRAINT TRIGGER followup_fold AFTER INSERT ON tilskot.followup_fold_due
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tilskot.followup_fold();

-- Recounts the given grants and notes the difference for their rounds' rows (folded at COMMIT).
CREATE FUNCTION tilskot.followup_recount(ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path = tilskot, pg_temp
    SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    -- What each grant contributes now, from the rows (as tilskot.grant_money, plus its report
    -- state); an application without a current grant contributes nothing.
    WITH now_grant (application_id, round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore,
                    clawbacks, reports_required, reports_approved, reports_awaiting_review, reports_open) AS (
        SELECT a.id, a.round_id, coalesce(rd.due_date, 'infinity'::date),
               p.planned_ore, p.paid_ore, c.clawed_back_ore, r.repaid_ore,
               (c.clawed_back_ore > 0)::int::bigint,
               (rd.id IS NOT NULL)::int::bigint,
               (rd.id IS NOT NULL AND rep.status IS NOT DISTINCT FROM 'approved')::int::bigint,
               (rd.id IS NOT NULL AND rep.status IS NOT DISTINCT FROM 'received')::int::bigint,
               (rd.id IS NOT NULL AND rep.status IS NULL)::int::bigint
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
         WHERE a.id = ANY (ids)
    ),
    was_grant AS (
        SELECT g.application_id, g.round_id, g.due_date, g.planned_ore, g.paid_ore, g.clawed_back_ore, g.repaid_ore,
               g.clawbacks, g.reports_required, g.reports_approved, g.reports_awaiting_review, g.reports_open
          FROM tilskot.grant_followup g WHERE g.application_id = ANY (ids)
    ),
    -- Grants that have none now (cannot happen once follow-up has started) keep a row of zeros.
    now_all AS (
        SELECT * FROM now_grant
        UNION ALL
        SELECT w.application_id, w.round_id, w.due_date, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM was_grant w
         WHERE NOT EXISTS (SELECT 1 FROM now_grant n WHERE n.application_id = w.application_id)
    ),
    kept AS (
        INSERT INTO tilskot.grant_followup AS k
            (application_id, round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks,
             reports_required, reports_approved, reports_awaiting_review, reports_open)
        SELECT * FROM now_all ORDER BY application_id
        ON CONFLICT (application_id) DO UPDATE SET
            round_id = EXCLUDED.round_id, due_date = EXCLUDED.due_date, planned_ore = EXCLUDED.planned_ore,
            paid_ore = EXCLUDED.paid_ore, clawed_back_ore = EXCLUDED.clawed_back_ore, repaid_ore = EXCLUDED.repaid_ore,
            clawbacks = EXCLUDED.clawbacks, reports_required = EXCLUDED.reports_required,
            reports_approved = EXCLUDED.reports_approved, reports_awaiting_review = EXCLUDED.reports_awaiting_review,
            reports_open = EXCLUDED.reports_open
        WHERE (k.round_id, k.due_date, k.planned_ore, k.paid_ore, k.clawed_back_ore, k.repaid_ore, k.clawbacks,
               k.reports_required, k.reports_approved, k.reports_awaiting_review, k.reports_open)
              IS DISTINCT FROM
              (EXCLUDED.round_id, EXCLUDED.due_date, EXCLUDED.planned_ore, EXCLUDED.paid_ore, EXCLUDED.clawed_back_ore,
               EXCLUDED.repaid_ore, EXCLUDED.clawbacks, EXCLUDED.reports_required, EXCLUDED.reports_approved,
               EXCLUDED.reports_awaiting_review, EXCLUDED.reports_open)
    )
    INSERT INTO tilskot.followup_delta
        (round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks, reports_required,
         reports_approved, reports_awaiting_review, reports_open)
    SELECT x.round_id, x.due_date, sum(x.s * x.planned_ore), sum(x.s * x.paid_ore), sum(x.s * x.clawed_back_ore),
           sum(x.s * x.repaid_ore), sum(x.s * x.clawbacks), sum(x.s * x.reports_required), sum(x.s * x.reports_approved),
           sum(x.s * x.reports_awaiting_review), sum(x.s * x.reports_open)
      FROM (SELECT 1 AS s, n.* FROM now_all n UNION ALL SELECT -1 AS s, w.* FROM was_grant w) x
     GROUP BY 1, 2
    HAVING (sum(x.s * x.planned_ore), sum(x.s * x.paid_ore), sum(x.s * x.clawed_back_ore), sum(x.s * x.repaid_ore),
            sum(x.s * x.clawbacks), sum(x.s * x.reports_required), sum(x.s * x.reports_approved),
            sum(x.s * x.reports_awaiting_review), sum(x.s * x.reports_open)) <> (0, 0, 0, 0, 0, 0, 0, 0, 0);
    IF current_setting('tilskot.followup_pending', true) IS DISTINCT FROM 'yes' THEN
        INSERT INTO tilskot.followup_fold_due DEFAULT VALUES;
        PERFORM set_config('tilskot.followup_pending', 'yes', true);
    END IF;
END
$$;

-- Every follow-up row carries its application: recount the grants a statement touched.
CREATE FUNCTION tilskot.followup_tally_touched() RETURNS trigger
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

CREATE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.payment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE TRIGGER zz_followup_tally_update AFTER UPDATE ON tilskot.payment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.clawback
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE TRIGGER zz_followup_tally_update AFTER UPDATE ON tilskot.clawback
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.repayment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.report_duty
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE TRIGGER zz_followup_tally_update AFTER UPDATE ON tilskot.report_duty
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE TRIGGER zz_followup_tally_insert AFTER INSERT ON tilskot.recipient_report
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();
CREATE TRIGGER zz_followup_tally_update AFTER UPDATE ON tilskot.recipient_report
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tilskot.followup_tally_touched();

-- What is there already: every grant with a follow-up row, set-based.
INSERT INTO tilskot.grant_followup
    (application_id, round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks,
     reports_required, reports_approved, reports_awaiting_review, reports_open)
SELECT a.id, a.round_id, coalesce(rd.due_date, 'infinity'::date),
       coalesce(p.planned_ore, 0), coalesce(p.paid_ore, 0), coalesce(c.clawed_back_ore, 0), coalesce(r.repaid_ore, 0),
       (coalesce(c.clawed_back_ore, 0) > 0)::int,
       (rd.id IS NOT NULL)::int,
       (rd.id IS NOT NULL AND rep.approved IS TRUE)::int,
       (rd.id IS NOT NULL AND rep.approved IS FALSE)::int,
       (rd.id IS NOT NULL AND rep.approved IS NULL)::int
  FROM tilskot.application a
  JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted')
  LEFT JOIN tilskot.report_duty rd ON rd.application_id = a.id AND rd.is_current
  LEFT JOIN (SELECT application_id, sum(amount_ore) FILTER (WHERE status <> 'withheld') AS planned_ore,
                    sum(amount_ore) FILTER (WHERE status = 'paid') AS paid_ore
               FROM tilskot.payment GROUP BY 1) p ON p.application_id = a.id
  LEFT JOIN (SELECT application_id, sum(amount_ore) AS clawed_back_ore FROM tilskot.clawback GROUP BY 1) c
    ON c.application_id = a.id
  LEFT JOIN (SELECT application_id, sum(amount_ore) AS repaid_ore FROM tilskot.repayment GROUP BY 1) r
    ON r.application_id = a.id
  LEFT JOIN (SELECT application_id, bool_or(status = 'approved') AS approved FROM tilskot.recipient_report
              WHERE status IN ('received', 'approved') GROUP BY 1) rep ON rep.application_id = a.id
 WHERE p.application_id IS NOT NULL OR c.application_id IS NOT NULL OR r.application_id IS NOT NULL
    OR rd.id IS NOT NULL OR rep.application_id IS NOT NULL
 ORDER BY a.id;

INSERT INTO tilskot.followup_tally
    (round_id, due_date, planned_ore, paid_ore, clawed_back_ore, repaid_ore, clawbacks, reports_required,
     reports_approved, reports_awaiting_review, reports_open)
SELECT round_id, due_date, sum(planned_ore), sum(paid_ore), sum(clawed_back_ore), sum(repaid_ore), sum(clawbacks),
       sum(reports_required), sum(reports_approved), sum(reports_awaiting_review), sum(reports_open)
  FROM tilskot.grant_followup
 GROUP BY 1, 2;

REVOKE ALL ON FUNCTION tilskot.followup_recount(bigint[]), tilskot.followup_fold(),
    tilskot.followup_tally_touched() FROM PUBLIC;
GRANT SELECT ON tilskot.followup_tally, tilskot.grant_followup
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;
