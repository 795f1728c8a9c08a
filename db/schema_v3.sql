-- Yanshou database schema, version 3: the step from version 2 (frozen: a new version is a new step in db/migrations.py).
--
-- The search index (db/search.py): one row per record whose words a search finds (a finding's
-- text, a problem's description and rectification account, a piece of evidence's caption and
-- file name), with where it belongs (county, item, inspector, mode) so that a hit can name the
-- record to open. Like the `current_*` tables it is derived from the versions: kept up to date
-- in the same transaction as the projection, rebuilt with it, never read by a merge. The step
-- makes it empty; the program that opens the file builds it from the current state (a marker
-- in local_state says it is still to be built), so the words it holds are always what the
-- running program indexes, whichever release made the step.
-- `id` is the row's number, the rowid of SQLite's full-text index over `body` (FTS5, trigram
-- tokenizer: Chinese has no spaces), which is this file's own accelerator, made outside the
-- versioned schema where the SQLite library has FTS5 and left out of exports. On a PostgreSQL
-- master `body` carries a pg_trgm index instead where the server allows the extension.
CREATE TABLE search_entry (
	id INTEGER NOT NULL,
	record_id VARCHAR NOT NULL,
	kind VARCHAR NOT NULL,
	county VARCHAR,
	item VARCHAR,
	inspector VARCHAR NOT NULL,
	mode VARCHAR,
	body VARCHAR NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (record_id)
);
CREATE INDEX ix_search_entry_inspector ON search_entry (inspector);
