-- 006: where a case is: the deepest unit of each territorial level containing its point.
ALTER TABLE cases ADD COLUMN district_id INTEGER REFERENCES units(id);
ALTER TABLE cases ADD COLUMN street_id INTEGER REFERENCES units(id);
ALTER TABLE cases ADD COLUMN community_id INTEGER REFERENCES units(id);
ALTER TABLE cases ADD COLUMN grid_id INTEGER REFERENCES units(id);
-- NULL: no point given; 0: a point outside every jurisdiction (the dispatcher places it); 1: located
ALTER TABLE cases ADD COLUMN located INTEGER;
CREATE INDEX cases_street ON cases(street_id, created_at) WHERE street_id IS NOT NULL;
