-- 012: photos taken as evidence (before and after) at a stage of a case. The
-- bytes live on disk beside the database, named by their SHA-256 (the same
-- photo twice is one file); a row says which case, stage and uploader, and
-- points at the `attachment` event written with it in one transaction.
CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    sha256      TEXT NOT NULL,          -- hex; the file is <db>.files/<2 hex>/<64 hex>
    mime        TEXT NOT NULL,          -- image/jpeg | image/png | image/webp, by content
    bytes       INTEGER NOT NULL,
    width       INTEGER,
    height      INTEGER,
    stage       TEXT NOT NULL,          -- intake | reply | verify | complete
    uploaded_by INTEGER REFERENCES accounts(id),
    unit_id     INTEGER REFERENCES units(id),   -- the unit the uploader acted for, if any
    at          INTEGER NOT NULL,
    event_id    INTEGER NOT NULL REFERENCES events(id)
);
CREATE INDEX attachments_case ON attachments(case_id, id);
CREATE INDEX attachments_sha ON attachments(sha256);
