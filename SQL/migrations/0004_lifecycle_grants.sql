-- Who may do what in the lifecycle (design.md: "the database is the last line of defence").
--
-- Every change is an INSERT of an event row (an assessment, a decision, a withdrawal …); the
-- SECURITY DEFINER triggers of 0003 then change what the event implies (status, frame, supersession)
-- and write the audit log. So no group role is granted UPDATE, DELETE or TRUNCATE on any lifecycle
-- table, nor INSERT on the audit log, and INSERT only on the columns a person may choose: actors,
-- references, statuses and maintained sums are set by the triggers and cannot be supplied.
--
--   caseworker  registers organisations and applications, takes cases, assesses, declares own
--               disqualification, withdraws, moves between rounds; reads the lifecycle
--   manager     all a caseworker can, plus creates schemes, opens rounds, adjusts frames, decides,
--               registers and decides appeals, registers late applications (trigger-checked)
--   admin       all a manager can
--   finance     reads; decides nothing
--   auditor     reads everything, writes nothing
--   participant_reader  nothing here (the participant register has its own grants)

-- Functions: nobody executes anything by default. Trigger functions need no EXECUTE to fire.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA tilskot FROM PUBLIC;
-- Pure helpers that CHECK constraints, views or reports call with the caller's rights.
GRANT EXECUTE ON FUNCTION
    tilskot.acting_user(), tilskot.format_kr(bigint), tilskot.orgnr_check_digit(text),
    tilskot.orgnr_is_valid(text), tilskot.iso_date(date), tilskot.outcome_noun(text),
    tilskot.status_words(text), tilskot.is_member(text, text), tilskot.has_budget_authority(text)
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;

-- Reading: everyone who works with grants reads the lifecycle and its audit log.
GRANT SELECT ON tilskot.status_transition, tilskot.scheme, tilskot.round, tilskot.frame_adjustment,
    tilskot.organisation, tilskot.application, tilskot.assignment, tilskot.disqualification,
    tilskot.assessment, tilskot.decision, tilskot.appeal, tilskot.withdrawal, tilskot.round_move,
    tilskot.audit_log
    TO tilskot_caseworker, tilskot_manager, tilskot_finance, tilskot_auditor, tilskot_admin;

-- Case handling: caseworkers, managers, admins.
GRANT INSERT (orgnr, name, kind, municipality, member_based, external_board) ON tilskot.organisation
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT INSERT (round_id, organisation_id, title, amount_applied_ore, received, external_ref, late, late_reason)
    ON tilskot.application TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT INSERT (application_id, caseworker) ON tilskot.assignment
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT INSERT (application_id, person, reason) ON tilskot.disqualification
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT INSERT (application_id, score, recommendation, recommended_amount_ore, notes) ON tilskot.assessment
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT INSERT (application_id, reason) ON tilskot.withdrawal
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;
GRANT INSERT (application_id, to_round_id, reason) ON tilskot.round_move
    TO tilskot_caseworker, tilskot_manager, tilskot_admin;

-- Budget authority: managers and admins (the triggers check membership as well).
GRANT INSERT (code, name, goal, target_group, applicant_kinds, reference_prefix, report_account_threshold_ore)
    ON tilskot.scheme TO tilskot_manager, tilskot_admin;
GRANT INSERT (scheme_id, year, opens, closes, initial_frame_ore) ON tilskot.round
    TO tilskot_manager, tilskot_admin;
GRANT INSERT (round_id, amount_ore, reason) ON tilskot.frame_adjustment
    TO tilskot_manager, tilskot_admin;
GRANT INSERT (application_id, outcome, amount_ore, reasons, conditions, decision_date) ON tilskot.decision
    TO tilskot_manager, tilskot_admin;
GRANT INSERT (application_id, decision_id, received, late, late_reason, grounds) ON tilskot.appeal
    TO tilskot_manager, tilskot_admin;
