-- 001: schema bookkeeping, city settings, organisation and taxonomy.
CREATE TABLE schema_version (version INTEGER NOT NULL);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE units (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    name_en      TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    parent_id    INTEGER REFERENCES units(id),
    jurisdiction TEXT,
    contact      TEXT NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_kind ON units(kind, id);

CREATE TABLE categories (
    code           TEXT PRIMARY KEY,
    parent_code    TEXT REFERENCES categories(code),
    name           TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    respond_amount INTEGER NOT NULL DEFAULT 0,
    respond_unit   TEXT NOT NULL DEFAULT 'hours',
    resolve_amount INTEGER NOT NULL DEFAULT 0,
    resolve_unit   TEXT NOT NULL DEFAULT 'hours',
    urgent_amount  INTEGER NOT NULL DEFAULT 0,
    urgent_unit    TEXT NOT NULL DEFAULT 'hours',
    kind           TEXT NOT NULL DEFAULT 'event',
    claimable      INTEGER NOT NULL DEFAULT 0,
    kb_answer      TEXT,
    active         INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
CREATE INDEX categories_parent ON categories(parent_code);
