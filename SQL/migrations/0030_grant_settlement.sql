-- A grant's final settlement (sluttoppgjer), written when the grant is closed: what was granted,
-- paid, withheld and released, clawed back and repaid, and what the recipient actually used
-- (net used = paid − repaid). Once closed nothing on the grant can change (no payment step,
-- claw-back or repayment on a closed grant), so the row is final: the closing trigger
-- (SQL/schema/12_closing.sql) writes it, no client may, and it is never changed or deleted.
--
-- Reports count a closed grant at its net used, not at its grant: an instalment withheld and never
-- paid is money that never went out (issue 17).
CREATE TABLE tilskot.grant_settlement (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL CONSTRAINT grant_settlement_once UNIQUE REFERENCES tilskot.application (id),
    closing_id      bigint NOT NULL CONSTRAINT grant_settlement_closing_once UNIQUE REFERENCES tilskot.closing (id),
    round_id        bigint NOT NULL REFERENCES tilskot.round (id),
    -- The decision in force when the grant was closed.
    granted_ore     bigint NOT NULL CONSTRAINT grant_settlement_granted_not_negative CHECK (granted_ore >= 0),
    -- Instalments paid.
    paid_ore        bigint NOT NULL CONSTRAINT grant_settlement_paid_not_negative CHECK (paid_ore >= 0),
    -- Instalments withheld and never paid.
    withheld_ore    bigint NOT NULL CONSTRAINT grant_settlement_withheld_not_negative CHECK (withheld_ore >= 0),
    -- Instalments once withheld and released again (then paid, or withheld anew).
    released_ore    bigint NOT NULL CONSTRAINT grant_settlement_released_not_negative CHECK (released_ore >= 0),
    -- Demanded back by claw-backs in force (cancelled ones count 0); repaid in full before closing.
    clawed_back_ore bigint NOT NULL CONSTRAINT grant_settlement_clawed_back_not_negative CHECK (clawed_back_ore >= 0),
    repaid_ore      bigint NOT NULL CONSTRAINT grant_settlement_repaid_not_negative CHECK (repaid_ore >= 0),
    -- What the recipient kept: paid − repaid.
    net_used_ore    bigint GENERATED ALWAYS AS (paid_ore - repaid_ore) STORED,
    -- What was decided but never used: the grant after claw-backs minus the net used (withheld
    -- instalments, and any part of the grant never planned).
    unused_ore      bigint GENERATED ALWAYS AS (granted_ore - clawed_back_ore - (paid_ore - repaid_ore)) STORED,
    settled_by      text NOT NULL,
    settled_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT grant_settlement_repaid_within_paid CHECK (repaid_ore <= paid_ore),
    CONSTRAINT grant_settlement_settled_at_finite CHECK (isfinite(settled_at))
);

CREATE INDEX grant_settlement_round_idx ON tilskot.grant_settlement (round_id);

-- The follow-up summary carries, per round and due date, what closed grants left unused, so that
-- reports read net = granted − clawed back − unused from the kept sums (14_report_summaries.sql).
ALTER TABLE tilskot.followup_tally ADD COLUMN unused_ore bigint NOT NULL DEFAULT 0;
ALTER TABLE tilskot.grant_followup ADD COLUMN unused_ore bigint NOT NULL DEFAULT 0;
ALTER TABLE tilskot.followup_delta ADD COLUMN unused_ore bigint NOT NULL DEFAULT 0;

-- Grants closed before this migration get their settlement from their rows as they stand (nothing
-- changes on a closed grant), recorded in the audit log as this migration's (the audit trigger on
-- the table comes with the schema files, which run after the numbered steps).
INSERT INTO tilskot.grant_settlement
    (application_id, closing_id, round_id, granted_ore, paid_ore, withheld_ore, released_ore,
     clawed_back_ore, repaid_ore, settled_by, settled_at)
SELECT a.id, cl.id, a.round_id, coalesce(d.amount_ore, 0),
       coalesce((SELECT sum(p.amount_ore) FROM tilskot.payment p WHERE p.application_id = a.id AND p.status = 'paid'), 0),
       coalesce((SELECT sum(p.amount_ore) FROM tilskot.payment p WHERE p.application_id = a.id AND p.status = 'withheld'), 0),
       coalesce((SELECT sum(p.amount_ore) FROM tilskot.payment p WHERE p.application_id = a.id
                    AND EXISTS (SELECT 1 FROM tilskot.payment_event e WHERE e.payment_id = p.id AND e.kind = 'release')), 0),
       coalesce((SELECT sum(c.amount_ore) FROM tilskot.clawback c WHERE c.application_id = a.id), 0),
       coalesce((SELECT sum(r.amount_ore) FROM tilskot.repayment r WHERE r.application_id = a.id), 0),
       cl.closed_by, cl.closed_at
  FROM tilskot.closing cl
  JOIN tilskot.application a ON a.id = cl.application_id
  LEFT JOIN tilskot.decision d
    ON d.application_id = a.id AND d.is_current AND d.outcome IN ('granted', 'partially_granted')
 ORDER BY cl.id;

INSERT INTO tilskot.audit_log (actor, table_name, row_id, application_id, action, new, reason)
SELECT session_user, 'grant_settlement', s.id, s.application_id, 'INSERT', to_jsonb(s),
       'the settlement of a grant closed before migration 0030_grant_settlement'
  FROM tilskot.grant_settlement s ORDER BY s.id;

UPDATE tilskot.grant_followup g SET unused_ore = s.unused_ore
  FROM tilskot.grant_settlement s WHERE s.application_id = g.application_id AND s.unused_ore <> 0;

UPDATE tilskot.followup_tally t SET unused_ore = x.unused_ore
  FROM (SELECT round_id, due_date, sum(unused_ore)::bigint AS unused_ore
          FROM tilskot.grant_followup GROUP BY 1, 2) x
 WHERE x.round_id = t.round_id AND x.due_date = t.due_date AND x.unused_ore <> 0;
