-- The people behind the logins, as letters name them: a decision letter is signed with the
-- decider's full name and title and gives a caseworker to contact (name, e-mail, telephone).
CREATE TABLE tilskot.staff (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login      text NOT NULL CONSTRAINT staff_login_unique UNIQUE,
    full_name  text NOT NULL CONSTRAINT staff_full_name_present CHECK (btrim(full_name) <> ''),
    job_title  text,
    email      text CONSTRAINT staff_email_form CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
    phone      text CONSTRAINT staff_phone_form CHECK (phone ~ '^\+?[0-9 ]{8,20}$'),
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT staff_changed_at_finite CHECK (isfinite(changed_at))
);
