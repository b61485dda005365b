-- 005: further reporters of a case ("me too"): counted on the case, kept for callbacks.
CREATE TABLE case_reporters (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    account_id INTEGER REFERENCES accounts(id),
    name       TEXT,
    phone      TEXT,
    channel    TEXT NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX case_reporters_case ON case_reporters(case_id);
