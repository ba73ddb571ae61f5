-- Indexes for the reports of issue 6 (Sources/TilskotReports). Every report starts from the rounds of
-- a year (or of a scheme over years), reaches their applications through round_id, and each
-- application's current decision; these let PostgreSQL do that with index(-only) scans at a million
-- applications instead of reading the whole application table. Checked with EXPLAIN by
-- Tests/TilskotReportsTests/ReportPlanTests.swift on a loaded database.

-- "The rounds of 2021": reports filter rounds by year before anything else.
CREATE INDEX round_year_idx ON tilskot.round (year, scheme_id);

-- A round's applications with the columns the reports read, so counts and sums by round come from
-- the index alone (application_round_status_idx serves the lifecycle's own lookups).
CREATE INDEX application_round_report_idx ON tilskot.application (round_id)
    INCLUDE (id, status, amount_applied_ore, organisation_id, received);

-- The decision in force on each application, with what reports read of it.
CREATE INDEX decision_current_report_idx ON tilskot.decision (application_id)
    INCLUDE (outcome, amount_ore, decision_date) WHERE is_current;

-- The first decision on an application (days from received to decision) and the latest assignment
-- (who has the case) in the caseload report.
CREATE INDEX decision_application_order_idx ON tilskot.decision (application_id, id) INCLUDE (decision_date);
CREATE INDEX assignment_latest_idx ON tilskot.assignment (application_id, id DESC) INCLUDE (caseworker);
