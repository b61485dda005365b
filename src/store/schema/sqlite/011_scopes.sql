-- 011: scoped API clients (DESIGN §8, data sharing). A client system may
-- also use the native JSON API with its key, within its scope: access (none:
-- Open311 only, read, write), category code prefixes, areas (unit ids whose
-- subtree holds a party to the case or its place) and the case fields it may
-- read (comma-separated; '*' = every field that is not personal data). Every
-- request a client makes there leaves an access record naming the cases it
-- was answered.
ALTER TABLE api_clients ADD COLUMN access TEXT NOT NULL DEFAULT 'none';
ALTER TABLE api_clients ADD COLUMN scope_categories TEXT NOT NULL DEFAULT '';
ALTER TABLE api_clients ADD COLUMN scope_areas TEXT NOT NULL DEFAULT '';
ALTER TABLE api_clients ADD COLUMN scope_fields TEXT NOT NULL DEFAULT '*';

CREATE TABLE client_access (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES api_clients(id),
    at        INTEGER NOT NULL,
    method    TEXT NOT NULL,
    path      TEXT NOT NULL,
    status    INTEGER NOT NULL,
    n_cases   INTEGER NOT NULL DEFAULT 0,
    cases     TEXT NOT NULL DEFAULT ''   -- the case numbers answered, comma-separated
);
CREATE INDEX client_access_client ON client_access(client_id, id);
