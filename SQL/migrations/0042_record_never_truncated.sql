-- The case record cannot be emptied by TRUNCATE either.
--
-- 0003 stops DELETE on the case-record tables with a row trigger, but TRUNCATE fires no row
-- triggers: the schema owner (or a maintenance script run as it) could empty decisions, appeals or
-- applications in one statement, and TRUNCATE … CASCADE on a scheme would take every table that
-- refers to it. No group role may TRUNCATE (no grant; DefenceAttackTests tries every table as every
-- role); this is the same rule for the owner, as design.md asks of append-only data: a BEFORE
-- TRUNCATE statement trigger that raises. Only switching the trigger off gets past it, and
-- deploy/check-integrity.sql reports a trigger left off.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('scheme', 'schemes'), ('round', 'rounds'), ('frame_adjustment', 'frame adjustments'),
        ('organisation', 'organisations'), ('application', 'applications'), ('assignment', 'assignments'),
        ('disqualification', 'disqualifications'), ('assessment', 'assessments'), ('decision', 'decisions'),
        ('appeal', 'appeals'), ('withdrawal', 'withdrawals'), ('round_move', 'moves')) AS v(name, words)
    LOOP
        EXECUTE format('CREATE TRIGGER record_never_truncated BEFORE TRUNCATE ON tilskot.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION tilskot.record_never_deleted(%L)', t.name, t.words);
    END LOOP;
END
$$;
