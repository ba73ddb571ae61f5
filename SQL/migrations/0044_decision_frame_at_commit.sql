-- The frame's row lock held for the commit only, not for the whole decision.
--
-- Measured (docs/performance.md, `tilskot dev race`): deciders of one round queue on the round's row,
-- and 0003 took that lock in the middle of the decision trigger and held it to COMMIT: through the
-- status change, three audit rows, the tally, the decision row's own indexes, foreign keys and
-- AFTER triggers, the round trip back to the client and the client's COMMIT. Four managers in one
-- round were one queue of all that; pgbench's tpcb-like holds its hot branch row only for its last
-- two statements and the commit.
--
-- Now the decision trigger checks everything else as before, and checks the frame against the
-- round as last committed, without a lock: a grant that already does not fit is refused at once,
-- with 0003's sentence. The check that counts is a constraint trigger deferred to COMMIT
-- (decision_within_frame): it locks the round's row (FOR NO KEY UPDATE, as before), adds the
-- decision's change to the round's granted sum, refuses with the same sentence and SQLSTATE 23T01
-- if that goes over the frame, and writes the new sum. So deciders of one round still queue, and
-- each still sees every grant committed before it (two sessions can never both take the last
-- million), but they queue only for that one row update and the commit itself. Decisions that do
-- not change the granted sum (a rejection or dismissal of an undecided application) no longer
-- touch the round at all.
--
-- What a client sees: in autocommit the INSERT fails as before; in an explicit transaction a grant
-- that lost the race is refused by the COMMIT (same sentence, same SQLSTATE, nothing written), which
-- Session.transaction turns into the same refusal for the service layer. Within the transaction
-- that made it, round.granted_ore counts a decision only from COMMIT on. The CHECK that granted_ore
-- never exceeds frame_ore stays the last line (0002). Lock order is unchanged: the application's
-- row (taken by the decision trigger), then the round's.

CREATE OR REPLACE FUNCTION tilskot.decision_before_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    actor text := tilskot.acting_user();
    app tilskot.application;
    -- What the rules read, fetched in one statement (each statement a trigger runs has a fixed cost).
    disqualified boolean;
    assessed_it boolean;
    cur_id bigint;
    cur_outcome text;
    cur_amount bigint;
    cur_date date;
    pending_id bigint;
    pending_received date;
    tainted text;
    frame bigint;
    granted bigint;
    counted_before bigint := 0;
    counted_after bigint;
    total bigint;
BEGIN
    -- The application's row first (lock order: application, then round), as lock_application does.
    SELECT * INTO app FROM tilskot.application WHERE id = NEW.application_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'decision refused: there is no application with id %', NEW.application_id USING ERRCODE = '23T12';
    END IF;
    IF NOT tilskot.has_budget_authority(actor) THEN
        RAISE EXCEPTION 'decision refused: % is not a manager; only members of tilskot_manager can decide applications', actor
            USING ERRCODE = '42T01';
    END IF;
    -- A new statement, so a new snapshot: it sees whatever was committed while we waited for the row.
    SELECT EXISTS (SELECT 1 FROM tilskot.disqualification q WHERE q.application_id = app.id AND q.person = actor),
           EXISTS (SELECT 1 FROM tilskot.assessment s WHERE s.application_id = app.id AND s.assessor = actor),
           d.id, d.outcome, d.amount_ore, d.decision_date, p.id, p.received,
           (SELECT s.assessor FROM tilskot.assessment s
              JOIN tilskot.disqualification q ON q.application_id = s.application_id AND q.person = s.assessor
             WHERE s.application_id = app.id AND s.is_current),
           r.frame_ore, r.granted_ore
      INTO disqualified, assessed_it, cur_id, cur_outcome, cur_amount, cur_date, pending_id, pending_received,
           tainted, frame, granted
      FROM tilskot.round r
      LEFT JOIN tilskot.decision d ON d.application_id = app.id AND d.is_current
      LEFT JOIN tilskot.appeal p ON p.application_id = app.id AND p.outcome IS NULL
     WHERE r.id = app.round_id;
    IF disqualified THEN
        RAISE EXCEPTION 'decision refused: % is disqualified on % (fvl. §§ 6–10) and can neither assess nor decide it',
            actor, app.reference USING ERRCODE = '23T04';
    END IF;
    IF assessed_it THEN
        RAISE EXCEPTION 'decision refused: % assessed % and cannot also decide it; another manager must decide',
            actor, app.reference USING ERRCODE = '23T03';
    END IF;

    IF app.status = 'withdrawn' THEN
        RAISE EXCEPTION 'decision refused: % was withdrawn and cannot be decided', app.reference
            USING ERRCODE = '23T02';
    END IF;
    IF cur_id IS NOT NULL AND pending_id IS NULL THEN
        RAISE EXCEPTION 'decision refused: % is already decided (% on %); only an appeal reopens a decided application',
            app.reference, tilskot.status_words(cur_outcome), tilskot.iso_date(cur_date)
            USING ERRCODE = '23T06';
    END IF;
    IF app.status IN ('received', 'in_review') AND NEW.outcome <> 'dismissed' THEN
        RAISE EXCEPTION 'decision refused: % has not been assessed; assess it before deciding (only a dismissal needs no assessment)',
            app.reference USING ERRCODE = '23T02';
    END IF;
    IF tainted IS NOT NULL THEN
        RAISE EXCEPTION 'decision refused: the current assessment of % was made by %, who is disqualified on it; a new assessment is needed',
            app.reference, tainted USING ERRCODE = '23T04';
    END IF;

    -- Content (fvl. §§ 24–25; a grant is never more than was applied for).
    IF NEW.outcome <> 'granted' AND btrim(coalesce(NEW.reasons, '')) = '' THEN
        RAISE EXCEPTION 'decision refused: % of % must state its reasons (fvl. §§ 24–25); only a full grant may go without',
            tilskot.outcome_noun(NEW.outcome), app.reference USING ERRCODE = '23T05';
    END IF;
    NEW.amount_ore := coalesce(NEW.amount_ore, CASE WHEN NEW.outcome = 'granted' THEN app.amount_applied_ore ELSE 0 END);
    IF NEW.amount_ore < 0 THEN
        RAISE EXCEPTION 'decision refused: the amount cannot be negative (%)', tilskot.format_kr(NEW.amount_ore)
            USING ERRCODE = '23T05';
    END IF;
    IF NEW.outcome IN ('granted', 'partially_granted') AND NEW.amount_ore > app.amount_applied_ore THEN
        RAISE EXCEPTION 'decision refused: % applied for %, and a grant cannot exceed the amount applied for (% given)',
            app.reference, tilskot.format_kr(app.amount_applied_ore), tilskot.format_kr(NEW.amount_ore)
            USING ERRCODE = '23T05';
    ELSIF NEW.outcome = 'granted' AND NEW.amount_ore <> app.amount_applied_ore THEN
        RAISE EXCEPTION 'decision refused: a full grant of % is the % applied for; % is a partial grant and needs reasons',
            app.reference, tilskot.format_kr(app.amount_applied_ore), tilskot.format_kr(NEW.amount_ore)
            USING ERRCODE = '23T05';
    ELSIF NEW.outcome = 'partially_granted' AND NEW.amount_ore = app.amount_applied_ore THEN
        RAISE EXCEPTION 'decision refused: % is the whole amount applied for by %, which makes it a full grant, not a partial one',
            tilskot.format_kr(NEW.amount_ore), app.reference USING ERRCODE = '23T05';
    ELSIF NEW.outcome = 'partially_granted' AND NEW.amount_ore = 0 THEN
        RAISE EXCEPTION 'decision refused: a partial grant of 0 kr to % is a rejection; reject it instead', app.reference
            USING ERRCODE = '23T05';
    ELSIF NEW.outcome IN ('rejected', 'dismissed') AND NEW.amount_ore <> 0 THEN
        RAISE EXCEPTION 'decision refused: % of % grants nothing, so its amount must be 0 kr',
            tilskot.outcome_noun(NEW.outcome), app.reference USING ERRCODE = '23T05';
    END IF;
    NEW.decision_date := coalesce(NEW.decision_date, current_date);
    IF NEW.decision_date > current_date THEN
        RAISE EXCEPTION 'decision refused: the decision date % is in the future', tilskot.iso_date(NEW.decision_date)
            USING ERRCODE = '23T05';
    END IF;
    IF NEW.decision_date < app.received THEN
        RAISE EXCEPTION 'decision refused: the decision date % is before % was received (%)',
            tilskot.iso_date(NEW.decision_date), app.reference, tilskot.iso_date(app.received) USING ERRCODE = '23T05';
    END IF;
    IF pending_id IS NOT NULL AND NEW.decision_date < pending_received THEN
        RAISE EXCEPTION 'decision refused: the decision date % is before the appeal on % was received (%)',
            tilskot.iso_date(NEW.decision_date), app.reference, tilskot.iso_date(pending_received) USING ERRCODE = '23T05';
    END IF;

    -- The frame, as last committed and without a lock: what already does not fit is refused now.
    -- Whatever fits here is checked again, under the round's row lock, at COMMIT
    -- (decision_within_frame below), which is the check that holds under concurrency.
    IF cur_id IS NOT NULL AND cur_outcome IN ('granted', 'partially_granted') THEN
        counted_before := cur_amount;
    END IF;
    counted_after := CASE WHEN NEW.outcome IN ('granted', 'partially_granted') THEN NEW.amount_ore ELSE 0 END;
    total := granted - counted_before + counted_after;
    IF counted_after > counted_before AND total > frame THEN
        RAISE EXCEPTION 'decision refused: % would bring % to %, % over its frame of %',
            app.reference, tilskot.round_label(app.round_id), tilskot.format_kr(total),
            tilskot.format_kr(total - frame), tilskot.format_kr(frame)
            USING ERRCODE = '23T01';
    END IF;

    IF cur_id IS NOT NULL THEN
        UPDATE tilskot.decision SET is_current = false WHERE id = cur_id;
        NEW.supersedes := cur_id;
    ELSE
        NEW.supersedes := NULL;
    END IF;
    NEW.appeal_id := pending_id;
    UPDATE tilskot.application SET status = NEW.outcome WHERE id = app.id;
    NEW.decided_by := actor;
    NEW.decided_at := now();
    NEW.is_current := true;
    RETURN NEW;
END
$$;

-- At COMMIT: the decision's change to its round's granted sum, under the round's row lock. Deciders
-- of one round queue here, so each sees the grants committed before it.
CREATE FUNCTION tilskot.decision_within_frame() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    counted_before bigint := 0;
    counted_after bigint := CASE WHEN NEW.outcome IN ('granted', 'partially_granted') THEN NEW.amount_ore ELSE 0 END;
    app_round bigint;
    app_reference text;
    r tilskot.round;
    total bigint;
BEGIN
    IF NEW.supersedes IS NOT NULL THEN
        SELECT CASE WHEN d.outcome IN ('granted', 'partially_granted') THEN d.amount_ore ELSE 0 END
          INTO counted_before FROM tilskot.decision d WHERE d.id = NEW.supersedes;
    END IF;
    IF counted_after = counted_before THEN
        RETURN NULL;
    END IF;
    SELECT a.round_id, a.reference INTO app_round, app_reference FROM tilskot.application a WHERE a.id = NEW.application_id;
    -- NO KEY UPDATE rather than UPDATE: it queues deciders and adjusters on the round but does not
    -- block new applications, whose foreign key to the round only takes KEY SHARE.
    SELECT * INTO r FROM tilskot.round WHERE id = app_round FOR NO KEY UPDATE;
    total := r.granted_ore - counted_before + counted_after;
    IF total > r.frame_ore THEN
        RAISE EXCEPTION 'decision refused: % would bring % to %, % over its frame of %',
            app_reference, tilskot.round_label(r.id), tilskot.format_kr(total),
            tilskot.format_kr(total - r.frame_ore), tilskot.format_kr(r.frame_ore)
            USING ERRCODE = '23T01';
    END IF;
    UPDATE tilskot.round SET granted_ore = total WHERE id = r.id;
    RETURN NULL;
END
$$;

-- Only decisions that can change the granted sum queue an event: a grant, or one that supersedes.
CREATE CONSTRAINT TRIGGER decision_within_frame AFTER INSERT ON tilskot.decision
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.outcome IN ('granted', 'partially_granted') OR NEW.supersedes IS NOT NULL)
    EXECUTE FUNCTION tilskot.decision_within_frame();

REVOKE ALL ON FUNCTION tilskot.decision_within_frame() FROM PUBLIC;

-- The frame's sentence at the cost of cached plans. Once a round's frame is used up, most grants in
-- a busy round are refused, and each refusal names the round and three amounts: round_label() (0003)
-- and format_kr() (0017) are SQL functions with a SET clause, which PostgreSQL plans again on every
-- call — measured at 117 µs and 43 µs a call in `tilskot dev race`, a quarter of a millisecond per
-- refusal. The same expressions in PL/pgSQL keep their plans; the words are unchanged.
CREATE OR REPLACE FUNCTION tilskot.format_kr(ore bigint) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
BEGIN
    RETURN CASE WHEN ore < 0 THEN '-' ELSE '' END
        || regexp_replace(div(abs(ore::numeric), 100)::text, '(\d)(?=(\d{3})+$)', '\1 ', 'g')
        || CASE WHEN abs(ore::numeric) % 100 = 0 THEN ''
                ELSE ',' || lpad((abs(ore::numeric) % 100)::text, 2, '0') END
        || ' kr';
END
$$;

CREATE OR REPLACE FUNCTION tilskot.round_label(round_id bigint) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = tilskot, pg_temp
AS $$
DECLARE
    label text;
BEGIN
    SELECT s.name || ' ' || r.year INTO label
      FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
     WHERE r.id = round_label.round_id;
    RETURN label;
END
$$;
