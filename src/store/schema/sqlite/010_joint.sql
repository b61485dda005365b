-- 010: joint handling across units (issue 8): whistle-and-report (吹哨报到)
-- and claims by outside actors (认领).
--
-- Each unit party to a case keeps its own state in case_units:
--   lead | co      as dispatch wrote them (state stays 'asked');
--   whistled       asked -> reported (person in charge named) -> replied,
--                  or released by the whistling unit (by_unit_id) at any point before replying;
--   claimant       claimed -> done (completed), or unclaimed.
ALTER TABLE case_units ADD COLUMN report_by INTEGER;    -- whistled: report by then
ALTER TABLE case_units ADD COLUMN by_unit_id INTEGER;   -- whistled: the unit that whistled
ALTER TABLE case_units ADD COLUMN person TEXT;          -- whistled: the person in charge
ALTER TABLE case_units ADD COLUMN account_id INTEGER;   -- who reported / claimed
ALTER TABLE case_units ADD COLUMN replied_at INTEGER;   -- whistled: its own reply
ALTER TABLE case_units ADD COLUMN reply TEXT;           -- whistled: reply; claimant: completion note
ALTER TABLE case_units ADD COLUMN released_at INTEGER;
ALTER TABLE case_units ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0; -- a late report supervised
ALTER TABLE case_units ADD COLUMN done_at INTEGER;      -- claimant: completed
ALTER TABLE case_units ADD COLUMN done_by INTEGER;      -- claimant: the account that completed
ALTER TABLE case_units ADD COLUMN hours REAL;           -- claimant: volunteer hours

-- what the sweeper looks for: whistled units that have not reported, not yet escalated
CREATE INDEX case_units_report ON case_units(report_by)
    WHERE role = 'whistled' AND reported_at IS NULL AND released_at IS NULL AND escalated = 0;
-- an account's claims and completed claims
CREATE INDEX case_units_claimed_by ON case_units(account_id) WHERE role = 'claimant';
CREATE INDEX case_units_done_by ON case_units(done_by) WHERE done_by IS NOT NULL;

-- a case may be offered for claims, or withdrawn, whatever its category says (NULL: as it says)
ALTER TABLE cases ADD COLUMN claimable INTEGER;
CREATE INDEX cases_claimable ON cases(claimable, status) WHERE claimable = 1;

-- what an outside unit (party, mass_org, enterprise, social_org, volunteer_team) takes on:
-- category prefixes, and the units whose territory it serves
CREATE TABLE unit_capabilities (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    prefix  TEXT NOT NULL,
    PRIMARY KEY (unit_id, prefix)
) WITHOUT ROWID;
CREATE TABLE unit_service_areas (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    area_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (unit_id, area_id)
) WITHOUT ROWID;

-- The performance sums (009) remember each changed case's parties as they were
-- counted; a whistled unit's report-by and release now decide what it counts for,
-- so the snapshot carries them too (elements 5 and 6; older snapshots lack them).
DROP TRIGGER kpi_case_changed;
DROP TRIGGER kpi_case_gone;
DROP TRIGGER kpi_units_insert;
DROP TRIGGER kpi_units_update;
DROP TRIGGER kpi_units_delete;

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
        (SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at, report_by, released_at))
             FROM case_units WHERE case_id = OLD.id));
END;

CREATE TRIGGER kpi_case_gone AFTER DELETE ON cases
WHEN NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE case_id = OLD.id)
BEGIN
    INSERT INTO kpi_dirty VALUES (OLD.id, 1, OLD.status, OLD.lead_unit_id, OLD.created_at, OLD.dispatched_at, OLD.accepted_at, OLD.resolved_at, OLD.closed_at, OLD.respond_by, OLD.resolve_by, OLD.contacted, OLD.solved, OLD.satisfaction, OLD.rework_count, OLD.district_id, OLD.street_id, OLD.community_id, OLD.grid_id,
        (SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at, report_by, released_at))
             FROM case_units WHERE case_id = OLD.id));
END;

CREATE TRIGGER kpi_units_insert BEFORE INSERT ON case_units
WHEN NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE case_id = NEW.case_id)
BEGIN
    INSERT INTO kpi_dirty SELECT c.id, 1, c.status, c.lead_unit_id, c.created_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.closed_at, c.respond_by, c.resolve_by, c.contacted, c.solved, c.satisfaction, c.rework_count, c.district_id, c.street_id, c.community_id, c.grid_id,
        (SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at, report_by, released_at))
             FROM case_units WHERE case_id = c.id)
    FROM cases c WHERE c.id = NEW.case_id;
END;

CREATE TRIGGER kpi_units_update BEFORE UPDATE ON case_units
WHEN NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE case_id = NEW.case_id)
BEGIN
    INSERT INTO kpi_dirty SELECT c.id, 1, c.status, c.lead_unit_id, c.created_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.closed_at, c.respond_by, c.resolve_by, c.contacted, c.solved, c.satisfaction, c.rework_count, c.district_id, c.street_id, c.community_id, c.grid_id,
        (SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at, report_by, released_at))
             FROM case_units WHERE case_id = c.id)
    FROM cases c WHERE c.id = NEW.case_id;
END;

CREATE TRIGGER kpi_units_delete BEFORE DELETE ON case_units
WHEN NOT EXISTS (SELECT 1 FROM kpi_dirty WHERE case_id = OLD.case_id)
BEGIN
    INSERT INTO kpi_dirty SELECT c.id, 1, c.status, c.lead_unit_id, c.created_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.closed_at, c.respond_by, c.resolve_by, c.contacted, c.solved, c.satisfaction, c.rework_count, c.district_id, c.street_id, c.community_id, c.grid_id,
        (SELECT json_group_array(json_array(unit_id, role, state, asked_at, reported_at, report_by, released_at))
             FROM case_units WHERE case_id = c.id)
    FROM cases c WHERE c.id = OLD.case_id;
END;
