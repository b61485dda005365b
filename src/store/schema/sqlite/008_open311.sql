-- 008: Open311 GeoReport v2. Client systems hold API keys (stored as SHA-256
-- only) and report under an account of their own; a GeoReport report keeps
-- beside its case what the case has no place for (contact details that are
-- never published, media and address references, attribute answers) and the
-- token that names it; categories may define service attributes.
CREATE TABLE api_clients (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    contact      TEXT NOT NULL DEFAULT '',
    key_hash     TEXT NOT NULL UNIQUE,
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    rate_per_min INTEGER NOT NULL DEFAULT 0,       -- 0 = no limit
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);

CREATE TABLE o311_requests (
    case_id     INTEGER PRIMARY KEY REFERENCES cases(id),
    client_id   INTEGER NOT NULL REFERENCES api_clients(id),
    token       TEXT NOT NULL UNIQUE,
    email       TEXT,
    device_id   TEXT,
    account_ref TEXT,   -- the reporter's account id in the client's system
    media_url   TEXT,
    address_id  TEXT,
    attributes  TEXT,   -- JSON {code: value | [values]}
    created_at  INTEGER NOT NULL
);

-- the normalised JSON array of a category's service attributes; NULL = none
ALTER TABLE categories ADD COLUMN attributes TEXT;
