-- 007: learnt models (the category classifier), versioned: the newest of a kind is in use.
CREATE TABLE models (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    docs       INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    bytes      BLOB NOT NULL
);
CREATE INDEX models_kind ON models(kind, id);
