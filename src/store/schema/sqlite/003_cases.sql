-- 003: cases, the units party to them, the event timeline (also the audit
-- chain), case numbers, idempotent intake, full-text search and the calendar.
CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    channel           TEXT NOT NULL,
    external_id       TEXT,
    text              TEXT NOT NULL,
    address           TEXT,
    lat               REAL,
    lon               REAL,
    category_code     TEXT REFERENCES categories(code),
    category_source   TEXT,
    priority          TEXT NOT NULL DEFAULT 'normal',
    status            TEXT NOT NULL,
    parked_from       TEXT,
    parked_at         INTEGER,
    lead_unit_id      INTEGER REFERENCES units(id),
    reporter_account_id INTEGER REFERENCES accounts(id),
    reporter_name     TEXT,
    reporter_phone    TEXT,
    intake_account_id INTEGER REFERENCES accounts(id),
    parent_id         INTEGER REFERENCES cases(id),
    metoo             INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    dispatched_at     INTEGER,
    accepted_at       INTEGER,
    resolved_at       INTEGER,
    verified_at       INTEGER,
    closed_at         INTEGER,
    respond_by        INTEGER,
    resolve_by        INTEGER,
    remind_respond_at INTEGER,
    remind_resolve_at INTEGER,
    escalated         INTEGER NOT NULL DEFAULT 0,
    contacted         INTEGER,
    solved            INTEGER,
    satisfaction      TEXT,
    rework_count      INTEGER NOT NULL DEFAULT 0,
    extension         TEXT NOT NULL DEFAULT 'none',
    extension_limit   TEXT,
    reply             TEXT,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_created ON cases(created_at, id);
CREATE INDEX cases_status ON cases(status, created_at);
CREATE INDEX cases_lead ON cases(lead_unit_id, status);
-- sort by deadline (cases without one last): the expression must match the query's
CREATE INDEX cases_deadline ON cases(coalesce(resolve_by, 9223372036854775807), id);
CREATE INDEX cases_dispatched ON cases(dispatched_at) WHERE dispatched_at IS NOT NULL;
CREATE INDEX cases_category ON cases(category_code, created_at, status);
-- what the sweeper looks at: open cases with a reminder or deadline still to come
CREATE INDEX cases_sweep ON cases(remind_respond_at, remind_resolve_at)
    WHERE status IN ('dispatched', 'accepted');

CREATE TABLE case_units (
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    role        TEXT NOT NULL,          -- lead | co
    state       TEXT NOT NULL DEFAULT 'asked',
    asked_at    INTEGER NOT NULL,
    reported_at INTEGER,
    PRIMARY KEY (case_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX case_units_unit ON case_units(unit_id, case_id);

CREATE TABLE events (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER REFERENCES cases(id),
    kind             TEXT NOT NULL,
    actor_account_id INTEGER,
    actor_unit_id    INTEGER,
    at               INTEGER NOT NULL,
    visibility       TEXT NOT NULL,
    body             TEXT NOT NULL,
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);
CREATE INDEX events_case ON events(case_id, id);
-- the timeline is append-only: no code path updates or deletes an event
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- the last number given per local day: never reused
CREATE TABLE case_seq (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE idempotency (
    key        TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;

-- substrings of 3+ characters through the trigram tokenizer; 1-2 character
-- queries (most Chinese words: 垃圾, 噪音) through the n-gram table, whose
-- rows hold every 1- and 2-character gram of the text as a token
CREATE VIRTUAL TABLE cases_fts USING fts5(text, address, tokenize = 'trigram');
CREATE VIRTUAL TABLE cases_grams USING fts5(grams, tokenize = 'unicode61 remove_diacritics 0');

CREATE TABLE calendar (
    day      TEXT PRIMARY KEY,  -- YYYY-MM-DD, local
    kind     TEXT NOT NULL,     -- holiday | workday
    occasion TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
