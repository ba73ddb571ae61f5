-- The language an organisation's letters are written in by default (nn, nb or en; Nynorsk when
-- none is given, as the directorate's own).
ALTER TABLE tilskot.organisation
    ADD COLUMN preferred_language text CONSTRAINT organisation_preferred_language_known CHECK (preferred_language IN ('nn', 'nb', 'en'));
