-- The tally (0032) kept per row for the changes that come one row at a time.
--
-- Measured (`tilskot dev race`, track_functions = 'all'): 0032's statement-level triggers cost a
-- decision about 90 µs for the application's status change and 125 µs for the decision row — each
-- builds transition tables and runs a grouping upsert for what is, on these paths, always one row:
-- a status changes only inside a lifecycle trigger (one UPDATE per application), and a decision is
-- superseded one at a time. The same deltas are now added by row triggers that upsert the one tally
-- row directly (and skip when nothing the tally counts has changed). Registration keeps 0032's
-- statement trigger, so the bulk import still pays one aggregate for a million rows.
--
-- What is counted is exactly 0032's (ImportSummaryTests compares the tally with the plain aggregate
-- after random lifecycle steps): per round and applicant profile, applications, requested amount,
-- withdrawn, pending (received, in review, assessed), appealed, and by the current decision's
-- outcome granted, partially granted, rejected, dismissed and the sum granted.

-- Adds deltas to the tally row of a round and an organisation's profile.
CREATE FUNCTION tilskot.tally_add(round_id bigint, organisation_id bigint, applications bigint, requested_ore bigint,
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
CREATE FUNCTION tilskot.tally_application_row_update() RETURNS trigger
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
        -- Two tally rows: in key order, as 0032 upserts them.
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
CREATE FUNCTION tilskot.tally_decision_row() RETURNS trigger
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

DROP TRIGGER zz_tally_update ON tilskot.application;
CREATE TRIGGER zz_tally_update AFTER UPDATE ON tilskot.application
    FOR EACH ROW
    WHEN ((OLD.round_id, OLD.organisation_id, OLD.amount_applied_ore, OLD.status)
          IS DISTINCT FROM (NEW.round_id, NEW.organisation_id, NEW.amount_applied_ore, NEW.status))
    EXECUTE FUNCTION tilskot.tally_application_row_update();
DROP TRIGGER zz_tally_insert ON tilskot.decision;
CREATE TRIGGER zz_tally_insert AFTER INSERT ON tilskot.decision
    FOR EACH ROW WHEN (NEW.is_current) EXECUTE FUNCTION tilskot.tally_decision_row();
DROP TRIGGER zz_tally_update ON tilskot.decision;
CREATE TRIGGER zz_tally_update AFTER UPDATE ON tilskot.decision
    FOR EACH ROW
    WHEN ((OLD.is_current, OLD.outcome, OLD.amount_ore) IS DISTINCT FROM (NEW.is_current, NEW.outcome, NEW.amount_ore))
    EXECUTE FUNCTION tilskot.tally_decision_row();
DROP FUNCTION tilskot.tally_application_update(), tilskot.tally_decision_insert(), tilskot.tally_decision_update();

REVOKE ALL ON FUNCTION tilskot.tally_add(bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint),
    tilskot.tally_application_row_update(), tilskot.tally_decision_row() FROM PUBLIC;
