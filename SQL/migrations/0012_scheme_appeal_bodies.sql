-- Who hears appeals against a scheme's decisions (klageinstans, fvl. § 28 first paragraph: the
-- administrative body directly above), from a date: a directorate that moves to another ministry
-- gets another appeal body, and a decision names the one of its decision date.
CREATE TABLE tilskot.scheme_appeal_body (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id  bigint NOT NULL REFERENCES tilskot.scheme (id),
    from_date  date NOT NULL,
    name_nn    text NOT NULL CONSTRAINT scheme_appeal_body_name_nn_present CHECK (btrim(name_nn) <> ''),
    name_nb    text NOT NULL CONSTRAINT scheme_appeal_body_name_nb_present CHECK (btrim(name_nb) <> ''),
    name_en    text NOT NULL CONSTRAINT scheme_appeal_body_name_en_present CHECK (btrim(name_en) <> ''),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scheme_appeal_body_one_per_day UNIQUE (scheme_id, from_date),
    CONSTRAINT scheme_appeal_body_from_date_finite CHECK (isfinite(from_date)),
    CONSTRAINT scheme_appeal_body_created_at_finite CHECK (isfinite(created_at))
);
