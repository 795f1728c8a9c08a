-- Yanshou database schema, version 4: the step from version 3 (frozen: a new version is a new step in db/migrations.py).
--
-- Where and when each inspector inspected a county (检查地点, 检查日期; desktop/core/visits.py):
-- the current state of the `visit` records, one per county and inspector, derived from the
-- versions like every `current_*` table (kept by db.projection, rebuilt with it). The step
-- makes it empty: no file before version 4 holds a visit's version.
CREATE TABLE current_visit (
	record_id VARCHAR NOT NULL,
	version_id VARCHAR NOT NULL,
	county VARCHAR NOT NULL,
	inspector VARCHAR NOT NULL,
	place VARCHAR NOT NULL,
	first_day VARCHAR NOT NULL,
	last_day VARCHAR NOT NULL,
	PRIMARY KEY (record_id)
);
CREATE INDEX ix_current_visit_county ON current_visit (county);
