-- `application list --search TEXT`: case-insensitive substring search in the title, the external
-- reference, the organisation's name and its number, fast at a million applications (trigram GIN
-- indexes; docs/performance.md). pg_trgm is a trusted extension (PostgreSQL 13+), so the
-- database's owner, tilskot_owner (deploy/create-roles.sql), may create it; its functions and
-- operator classes live in the schema public, where nobody else may create objects (0001 revokes
-- CREATE). The searches use the built-in operator LIKE on these expressions, so no role needs the
-- extension's functions.
--
-- Case is folded with the ICU root collation: the database's own collation is C, whose lower()
-- leaves Æ, Ø and Å as they are, and Norwegian names are full of them. The query
-- (Sources/TilskotStore/Lifecycle/Applications.swift) writes the same expressions, so the planner
-- matches them to these indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE INDEX application_title_trgm_idx ON tilskot.application
    USING gin (lower(title COLLATE "und-x-icu") public.gin_trgm_ops);
CREATE INDEX application_external_ref_trgm_idx ON tilskot.application
    USING gin (lower(external_ref COLLATE "und-x-icu") public.gin_trgm_ops);
CREATE INDEX organisation_name_trgm_idx ON tilskot.organisation
    USING gin (lower(name COLLATE "und-x-icu") public.gin_trgm_ops);
CREATE INDEX organisation_orgnr_trgm_idx ON tilskot.organisation
    USING gin ((orgnr::text) public.gin_trgm_ops);
