-- A scheme's regulations (forskrift or regelverk) by title, date and link: a decision is made under
-- them, and fvl. § 25 first paragraph wants the letter to name the rules it rests on. A scheme may
-- get new regulations; the ones in force on the decision date are cited.
CREATE TABLE tilskot.scheme_regulation (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id     bigint NOT NULL REFERENCES tilskot.scheme (id),
    title         text NOT NULL CONSTRAINT scheme_regulation_title_present CHECK (btrim(title) <> ''),
    -- The day they were adopted (fastsett), as their title page says.
    adopted_on    date NOT NULL,
    in_force_from date NOT NULL,
    url           text CONSTRAINT scheme_regulation_url_form CHECK (url ~ '^https?://[^\s]+$'),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT scheme_regulation_one_per_day UNIQUE (scheme_id, in_force_from),
    CONSTRAINT scheme_regulation_adopted_on_finite CHECK (isfinite(adopted_on)),
    CONSTRAINT scheme_regulation_in_force_from_finite CHECK (isfinite(in_force_from)),
    CONSTRAINT scheme_regulation_created_at_finite CHECK (isfinite(created_at))
);
