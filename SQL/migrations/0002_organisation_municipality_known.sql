-- An organisation's municipality is a municipality of the reference table (tilskot.municipality_ref:
-- the kommunenummer of the 2020–2023 and 2024 divisions, SSB classification 131). Until now only its
-- form was checked (four digits) and the CLI looked the number up in its own copy of the list, so
-- psql could store a number no municipality has, and the reports (geography, equality, 360Giving)
-- then joined it to nothing. organisation_before_insert (SQL/schema/02_organisations.sql) refuses
-- such a number first, in one sentence; this key is the last line for every writer.
ALTER TABLE tilskot.organisation
    ADD CONSTRAINT organisation_municipality_known
    FOREIGN KEY (municipality) REFERENCES tilskot.municipality_ref (code);
