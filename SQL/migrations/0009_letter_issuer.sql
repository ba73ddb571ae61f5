-- The body that sends the letters (an installation setting, one row): its names in the letter
-- languages, how to reach it, and where appeals and repayments go. fvl. § 27 third paragraph and
-- § 32 want a letter to say where and how to appeal; a claw-back letter says which account to pay
-- to. Written by an administrator (`tilskot issuer set`); the demo sets IMDi's public details.
CREATE TABLE tilskot.issuer (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    singleton         boolean NOT NULL DEFAULT true CONSTRAINT issuer_one_row UNIQUE CONSTRAINT issuer_singleton CHECK (singleton),
    name_nn           text NOT NULL CONSTRAINT issuer_name_nn_present CHECK (btrim(name_nn) <> ''),
    name_nb           text NOT NULL CONSTRAINT issuer_name_nb_present CHECK (btrim(name_nb) <> ''),
    name_en           text NOT NULL CONSTRAINT issuer_name_en_present CHECK (btrim(name_en) <> ''),
    -- orgnr_is_valid and bank_account_is_valid are false for NULL: a value not given is let through here.
    orgnr             char(9) CONSTRAINT issuer_orgnr_mod11 CHECK (orgnr IS NULL OR tilskot.orgnr_is_valid(orgnr)),
    postal_address    text NOT NULL CONSTRAINT issuer_postal_address_present CHECK (btrim(postal_address) <> ''),
    email             text NOT NULL CONSTRAINT issuer_email_form CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    website           text NOT NULL CONSTRAINT issuer_website_present CHECK (btrim(website) <> ''),
    phone             text,
    -- The digital channel for appeals and other mail, as the letter names it.
    digital_channel   text NOT NULL CONSTRAINT issuer_digital_channel_present CHECK (btrim(digital_channel) <> ''),
    -- The account repayments are paid to (11 digits, mod 11).
    repayment_account text CONSTRAINT issuer_repayment_account_mod11 CHECK (repayment_account IS NULL OR tilskot.bank_account_is_valid(repayment_account)),
    changed_by        text NOT NULL,
    changed_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT issuer_changed_at_finite CHECK (isfinite(changed_at))
);
