-- 013: webhooks and their transactional outbox (DESIGN §3). A webhook belongs
-- to a unit (its subtree's cases, internal events too) or to an API client
-- (public events of the cases it reported). The outbox row of each matching
-- webhook is written in the same transaction as the event; the delivery job
-- marks it done, or schedules the next attempt, or dead-letters it.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER REFERENCES units(id),
    client_id  INTEGER REFERENCES api_clients(id),
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    kinds      TEXT,                  -- ",created,dispatch," ; NULL = every kind
    active     INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES accounts(id),
    created_at INTEGER NOT NULL,
    CHECK ((unit_id IS NULL) <> (client_id IS NULL))
);
CREATE INDEX webhooks_unit ON webhooks(unit_id);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events(id),
    webhook_id  INTEGER NOT NULL REFERENCES webhooks(id),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL,     -- epoch milliseconds of the next attempt
    done        INTEGER NOT NULL DEFAULT 0, -- 0 pending, 1 delivered, 2 dead
    last_at     INTEGER,              -- epoch milliseconds of the last attempt
    last_status INTEGER,              -- HTTP status of the last attempt (0: no answer)
    last_error  TEXT
);
-- what the delivery job looks at: pending rows by due time
CREATE INDEX outbox_due ON outbox(next_at) WHERE done = 0;
CREATE INDEX outbox_webhook ON outbox(webhook_id, done, id);
