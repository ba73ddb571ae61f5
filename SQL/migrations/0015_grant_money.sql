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
--     net_ore          the grant as it stands after claw-backs: granted_ore − clawed_back_ore
--                      (what the recipient may keep once everything is settled)
--
--   tilskot.round_money   the same sums per round, with the round's frame.
--
-- Both are security-invoker views: whoever reads them needs read access to the tables below, which
-- every grants role has. LATERAL sums use the per-application indexes, so a round's rows are fast
-- at a million applications.

CREATE VIEW tilskot.grant_money WITH (security_invoker = true) AS
SELECT a.id AS application_id,
       a.reference,
       a.round_id,
       d.amount_ore AS granted_ore,
       p.planned_ore,
       p.paid_ore,
       c.clawed_back_ore,
       r.repaid_ore,
       d.amount_ore - c.clawed_back_ore AS net_ore
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
          FROM tilskot.repayment WHERE application_id = a.id) r;

COMMENT ON VIEW tilskot.grant_money IS
    'Per application with a current grant: granted, planned (not withheld), paid, clawed back (in force), repaid, and net = granted − clawed back, all in øre.';
COMMENT ON COLUMN tilskot.grant_money.net_ore IS 'The grant after claw-backs in force: granted_ore − clawed_back_ore.';

CREATE VIEW tilskot.round_money WITH (security_invoker = true) AS
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
       coalesce(sum(g.net_ore), 0)::bigint AS net_ore
  FROM tilskot.round ro
  JOIN tilskot.scheme s ON s.id = ro.scheme_id
  LEFT JOIN tilskot.grant_money g ON g.round_id = ro.id
 GROUP BY ro.id, s.code, ro.year, ro.frame_ore;

COMMENT ON VIEW tilskot.round_money IS
    'Per round: its frame and the sums of tilskot.grant_money over its grants (øre).';

GRANT SELECT ON tilskot.grant_money, tilskot.round_money
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;
