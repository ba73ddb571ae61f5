-- Who made a decision, and on what basis it changed a grant to the appellant's disadvantage.
ALTER TABLE tilskot.decision
    -- 'directorate' (the first instance, also when it changes its own decision on appeal, fvl.
    -- § 33 second paragraph) or 'appeal_body' (the ministry's decision on appeal, recorded by a
    -- manager, § 34).
    ADD COLUMN instance text NOT NULL DEFAULT 'directorate'
        CONSTRAINT decision_instance_known CHECK (instance IN ('directorate', 'appeal_body')),
    -- The appeal body's own case reference, for its decisions.
    ADD COLUMN body_reference text,
    -- A change to the appellant's disadvantage names its legal basis (fvl. § 34 third paragraph
    -- for the appeal body, § 35 for the first instance) and the advance notice (§ 16) it followed.
    ADD COLUMN disadvantage_basis text,
    ADD COLUMN advance_notice_id bigint REFERENCES tilskot.advance_notice (id),
    ADD CONSTRAINT decision_disadvantage_has_notice CHECK ((disadvantage_basis IS NULL) = (advance_notice_id IS NULL)),
    ADD CONSTRAINT decision_disadvantage_basis_has_words CHECK (disadvantage_basis IS NULL OR tilskot.has_words(disadvantage_basis));

ALTER TABLE tilskot.decision
    ADD CONSTRAINT decision_body_reference_only_for_appeal_body CHECK (body_reference IS NULL OR instance = 'appeal_body');
