-- 009: performance (DESIGN §6) and proactive governance (§7).
--
-- The indicators are sums of counters kept per unit, basis and local day
-- (kpi_facts, kpi_hist for durations, kpi_role_facts per account), so a
-- period of any length reads a few rows. Which facts a case counts for is
-- decided in C (core/kpi.c); the database only remembers what to recount:
-- a case changed since the last count leaves in kpi_dirty the state it was
-- counted with (present = 1) or that it was never counted (present = 0).
-- The count (store_kpi_sync) takes each such case back as it was, adds it as
-- it is, and empties kpi_dirty; events, which never change, are counted once
-- each above a watermark. Triggers catch every write, whatever the path.

-- basis: 0 lead (the unit's own), 1 co-unit, 2 area (unit 0 = the whole platform);
-- day: local days since 1970-01-01 in the zone recorded in settings 'kpi.zone'
CREATE TABLE kpi_facts (
    unit_id            INTEGER NOT NULL,
    basis              INTEGER NOT NULL,
    day                INTEGER NOT NULL,
    received           INTEGER NOT NULL DEFAULT 0,
    answered           INTEGER NOT NULL DEFAULT 0,
    dispatched         INTEGER NOT NULL DEFAULT 0,
    accepted_ontime    INTEGER NOT NULL DEFAULT 0,
    joint              INTEGER NOT NULL DEFAULT 0,
    closed             INTEGER NOT NULL DEFAULT 0,
    rated              INTEGER NOT NULL DEFAULT 0,
    contacted          INTEGER NOT NULL DEFAULT 0,
    solved             INTEGER NOT NULL DEFAULT 0,
    satisfied          INTEGER NOT NULL DEFAULT 0,
    basic              INTEGER NOT NULL DEFAULT 0,
    due                INTEGER NOT NULL DEFAULT 0,
    due_closed         INTEGER NOT NULL DEFAULT 0,
    due_closed_ontime  INTEGER NOT NULL DEFAULT 0,
    resolved           INTEGER NOT NULL DEFAULT 0,
    reworked           INTEGER NOT NULL DEFAULT 0,
    handling_n         INTEGER NOT NULL DEFAULT 0,
    handling_s         INTEGER NOT NULL DEFAULT 0,
    whistled           INTEGER NOT NULL DEFAULT 0,
    whistle_ok         INTEGER NOT NULL DEFAULT 0,
    claims             INTEGER NOT NULL DEFAULT 0,
    claims_done        INTEGER NOT NULL DEFAULT 0,
    dispatches         INTEGER NOT NULL DEFAULT 0,
    returns            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, basis, day)
) WITHOUT ROWID;
CREATE INDEX kpi_facts_day ON kpi_facts(basis, day);

-- durations by metric (0 handling, 1 intake->dispatch, 2 dispatch->response,
-- 3 response->reply): one histogram a row, its bins (half an octave each from
-- one minute) packed as (bin u8, count i32 little-endian) for each non-zero bin
CREATE TABLE kpi_hist (
    unit_id INTEGER NOT NULL,
    basis   INTEGER NOT NULL,
    day     INTEGER NOT NULL,
    metric  INTEGER NOT NULL,
    bins    BLOB NOT NULL,
    PRIMARY KEY (unit_id, basis, day, metric)
) WITHOUT ROWID;
CREATE INDEX kpi_hist_day ON kpi_hist(basis, day);

CREATE TABLE kpi_role_facts (
    account_id         INTEGER NOT NULL,
    day                INTEGER NOT NULL,
    taken_in           INTEGER NOT NULL DEFAULT 0,
    with_category      INTEGER NOT NULL DEFAULT 0,
    class_checked      INTEGER NOT NULL DEFAULT 0,
    class_kept         INTEGER NOT NULL DEFAULT 0,
    answered           INTEGER NOT NULL DEFAULT 0,
    dispatches         INTEGER NOT NULL DEFAULT 0,
    first_dispatches   INTEGER NOT NULL DEFAULT 0,
    first_ontime       INTEGER NOT NULL DEFAULT 0,
    returned           INTEGER NOT NULL DEFAULT 0,
    verifications      INTEGER NOT NULL DEFAULT 0,
    verify_ontime      INTEGER NOT NULL DEFAULT 0,
    verify_passed      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;
CREATE INDEX kpi_role_facts_day ON kpi_role_facts(day);

-- the category an operator gave at intake (accuracy of classification)
CREATE TABLE kpi_intake_class (
    case_id  INTEGER PRIMARY KEY,
    category TEXT NOT NULL
);

CREATE TABLE kpi_dirty (
    case_id       INTEGER PRIMARY KEY,
    present       INTEGER NOT NULL,
    status        TEXT,
    lead_unit_id  INTEGER,
    created_at    INTEGER,
    dispatched_at INTEGER,
    accepted_at   INTEGER,
    resolved_at   INTEGER,
    closed_at     INTEGER,
    respond_by    INTEGER,
    resolve_by    INTEGER,
    contacted     INTEGER,
    solved        INTEGER,
    satisfaction  TEXT,
    rework_count  INTEGER,
    district_id   INTEGER,
    street_id     INTEGER,
    community_id  INTEGER,
    grid_id       INTEGER,
    parties       TEXT
);
-- cases from before this migration have never been counted
INSERT INTO kpi_dirty(case_id, present) SELECT id, 0 FROM cases;

CREATE TRIGGER kpi_case_new AFTER INSERT ON cases BEGIN
    INSERT OR IGNORE INTO kpi_dirty(case_id, present) VALUES (NEW.id, 0);
    INSERT OR IGNORE INTO kpi_intake_class(case_id, category)
        SELECT NEW.id, NEW.category_code
        WHERE NEW.category_code IS NOT NULL AND NEW.category_source = 'operator';
END;

-- the row is written before its case_units rows change (store_sqlite_cases.c: save),
-- so the parties read here are still the ones the case was counted with
CREATE TRIGGER kpi_case_changed AFTER UPDATE ON cases
WHEN (OLD.status IS NOT NEW.status
       OR OLD.lead_unit_id IS NOT NEW.lead_unit_id
       OR OLD.created_at IS NOT NEW.created_at
       OR OLD.dispatched_at IS NOT NEW.dispatched_at
       OR OLD.accepted_at IS NOT NEW.accepted_at
       OR OLD.resolved_at IS NOT NEW.resolved_at
       OR OLD.closed_at IS NOT NEW.closed_at
       OR OLD.respond_by IS NOT NEW.respond_by
       OR OLD.resolve_by IS NOT NEW.resolve_by
       OR OLD.contacted IS NOT NEW.contacted
       OR OLD.solved IS NOT NEW.solved
       OR OLD.satisfaction IS NOT NEW.satisfaction
       OR OLD.rework_count IS NOT NEW.rework_count
       OR OLD.district_id IS NOT NEW.district_id
       OR OLD.street_id IS NOT NEW.street_id
       OR OLD.community_id IS NOT NEW.community_id
       OR OLD.grid_id IS NOT NEW.grid_id)
    AND NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE case_id = OLD.id)
BEGIN
    INSERT INTO kpi_dirty VALUES (OLD.id, 1, OLD.status, OLD.lead_unit_id, OLD.created_at, OLD.dispatched_at, OLD.accepted_at, OLD.resolved_at, OLD.closed_at, OLD.respond_by, OLD.resolve_by, OLD.contacted, OLD.solved, OLD.satisfaction, OLD.rework_count, OLD.district_id, OLD.street_id, OLD.community_id, OLD.grid_id,
        (SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at))
             FROM case_units WHERE case_id = OLD.id));
END;

CREATE TRIGGER kpi_case_gone AFTER DELETE ON cases
WHEN NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE case_id = OLD.id)
BEGIN
    INSERT INTO kpi_dirty VALUES (OLD.id, 1, OLD.status, OLD.lead_unit_id, OLD.created_at, OLD.dispatched_at, OLD.accepted_at, OLD.resolved_at, OLD.closed_at, OLD.respond_by, OLD.resolve_by, OLD.contacted, OLD.solved, OLD.satisfaction, OLD.rework_count, OLD.district_id, OLD.street_id, OLD.community_id, OLD.grid_id,
        (SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at))
             FROM case_units WHERE case_id = OLD.id));
END;

CREATE TRIGGER kpi_units_insert BEFORE INSERT ON case_units
WHEN NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE case_id = NEW.case_id)
BEGIN
    INSERT INTO kpi_dirty SELECT c.id, 1, c.status, c.lead_unit_id, c.created_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.closed_at, c.respond_by, c.resolve_by, c.contacted, c.solved, c.satisfaction, c.rework_count, c.district_id, c.street_id, c.community_id, c.grid_id,
        (SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at))
             FROM case_units WHERE case_id = c.id)
    FROM cases c WHERE c.id = NEW.case_id;
END;

CREATE TRIGGER kpi_units_update BEFORE UPDATE ON case_units
WHEN NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE case_id = NEW.case_id)
BEGIN
    INSERT INTO kpi_dirty SELECT c.id, 1, c.status, c.lead_unit_id, c.created_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.closed_at, c.respond_by, c.resolve_by, c.contacted, c.solved, c.satisfaction, c.rework_count, c.district_id, c.street_id, c.community_id, c.grid_id,
        (SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at))
             FROM case_units WHERE case_id = c.id)
    FROM cases c WHERE c.id = NEW.case_id;
END;

CREATE TRIGGER kpi_units_delete BEFORE DELETE ON case_units
WHEN NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE case_id = OLD.case_id)
BEGIN
    INSERT INTO kpi_dirty SELECT c.id, 1, c.status, c.lead_unit_id, c.created_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.closed_at, c.respond_by, c.resolve_by, c.contacted, c.solved, c.satisfaction, c.rework_count, c.district_id, c.street_id, c.community_id, c.grid_id,
        (SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at))
             FROM case_units WHERE case_id = c.id)
    FROM cases c WHERE c.id = OLD.case_id;
END;

-- units under the threshold, flagged once per period and basis (the event is in the chain)
CREATE TABLE kpi_flags (
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    period   TEXT NOT NULL,
    basis    INTEGER NOT NULL,
    score    REAL NOT NULL,
    event_id INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, period, basis)
) WITHOUT ROWID;

-- the proactive case opened from a hotspot
CREATE TABLE hotspot_cases (
    hotspot    TEXT PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
