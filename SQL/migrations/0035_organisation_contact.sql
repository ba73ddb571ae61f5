-- What `tilskot org update` corrects beside the name, municipality and letter language: the
-- organisation's postal address and its contact person (name, e-mail, telephone). All optional;
-- organisation_before_update (SQL/schema/02_organisations.sql) gives each its sentence.
ALTER TABLE tilskot.organisation
    ADD COLUMN address       text,
    ADD COLUMN contact_name  text,
    ADD COLUMN contact_email text CONSTRAINT organisation_contact_email_shape CHECK (contact_email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    ADD COLUMN contact_phone text CONSTRAINT organisation_contact_phone_shape CHECK (contact_phone ~ '^\+?[0-9 ]{5,20}$');
