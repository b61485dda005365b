-- 004: the responsibility matrix (权责清单).
CREATE TABLE routes (
    id              INTEGER PRIMARY KEY,
    category_prefix TEXT NOT NULL DEFAULT '',        -- '' = every category
    area_unit_id    INTEGER REFERENCES units(id),    -- NULL = anywhere
    lead_unit_id    INTEGER REFERENCES units(id),
    lead_kind       TEXT,                            -- the place's unit of this kind leads
    co_unit_ids     TEXT NOT NULL DEFAULT '[]',      -- JSON array of unit ids
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    CHECK ((lead_unit_id IS NULL) <> (lead_kind IS NULL))
);
-- two active rules for the same prefix and area would tie: refused
CREATE UNIQUE INDEX routes_key ON routes(category_prefix, coalesce(area_unit_id, 0)) WHERE active;
