-- Yanshou database schema, version 2: the step from version 1 (frozen: a new version is a new step in db/migrations.py).
--
-- A batch's merge report (a merge or a dry run, db/merge.py) in a table of its own; in version 1
-- it was a JSON value in local_state under `merge_report:<time>:<number>`. The batch is typed
-- columns, its files one JSON value:
-- - typed: what identifies a batch and what its history lists (when, on which device and desk,
--   dry run or not, how many files merged, refused, versions added, conflicts). The cap on kept
--   dry runs and the history's order are plain SQL over them; a report is never changed after
--   it is written, so these figures cannot drift from the detail they sum up;
-- - JSON (`detail`, a list: one object per file offered): what each file was, its status, the
--   reason of a refusal, the devices it enrolled, the records it put in conflict. Its fields grow
--   with the program (a new kind of refusal, a new warning); as columns, each would be a schema
--   step, and every step makes the release before it refuse the files of this one.
-- `merged_by` is the desk that ran the batch (login@computer: a master on a server is shared by
-- several leads' desks under one device id), NULL when not known (the reports moved from
-- version 1 never said). The table is the receiving database's own: never merged, and emptied
-- in an export (db/snapshot.py).
CREATE TABLE merge_report (
	id INTEGER NOT NULL,
	merged_at VARCHAR NOT NULL,
	device_id VARCHAR NOT NULL,
	merged_by VARCHAR,
	dry_run BOOLEAN NOT NULL,
	files INTEGER NOT NULL,
	merged INTEGER NOT NULL,
	refused INTEGER NOT NULL,
	versions_added INTEGER NOT NULL,
	conflicts INTEGER NOT NULL,
	detail VARCHAR NOT NULL,
	PRIMARY KEY (id)
);
CREATE INDEX ix_merge_report_merged_at ON merge_report (merged_at, id);
