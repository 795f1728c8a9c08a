-- Yanshou database schema, version 1 (frozen: a new version is a new step in db/migrations.py).
CREATE TABLE local_state (
	"key" VARCHAR NOT NULL,
	value VARCHAR NOT NULL,
	PRIMARY KEY ("key")
);
CREATE TABLE campaign (
	id VARCHAR NOT NULL,
	"key" VARCHAR NOT NULL,
	name VARCHAR NOT NULL,
	document VARCHAR NOT NULL,
	sha256 VARCHAR NOT NULL,
	PRIMARY KEY (id),
	UNIQUE ("key")
);
CREATE TABLE device (
	id VARCHAR NOT NULL,
	role VARCHAR NOT NULL,
	inspector VARCHAR,
	public_key BLOB NOT NULL,
	fingerprint VARCHAR NOT NULL,
	enrolled_at VARCHAR NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE blob (
	id INTEGER NOT NULL,
	sha256 VARCHAR NOT NULL,
	size INTEGER NOT NULL,
	mime VARCHAR NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (sha256)
);
CREATE TABLE current_score (
	record_id VARCHAR NOT NULL,
	version_id VARCHAR NOT NULL,
	county VARCHAR NOT NULL,
	item VARCHAR NOT NULL,
	inspector VARCHAR NOT NULL,
	score VARCHAR NOT NULL,
	comment VARCHAR NOT NULL,
	PRIMARY KEY (record_id)
);
CREATE INDEX ix_current_score_county ON current_score (county, item);
CREATE TABLE current_finding (
	record_id VARCHAR NOT NULL,
	version_id VARCHAR NOT NULL,
	county VARCHAR NOT NULL,
	item VARCHAR NOT NULL,
	inspector VARCHAR NOT NULL,
	mode VARCHAR NOT NULL,
	text VARCHAR NOT NULL,
	status VARCHAR NOT NULL,
	area VARCHAR NOT NULL,
	PRIMARY KEY (record_id)
);
CREATE INDEX ix_current_finding_county ON current_finding (county, item);
CREATE TABLE current_method_score (
	record_id VARCHAR NOT NULL,
	version_id VARCHAR NOT NULL,
	county VARCHAR NOT NULL,
	method VARCHAR NOT NULL,
	total VARCHAR,
	items VARCHAR,
	PRIMARY KEY (record_id)
);
CREATE TABLE current_adjudication (
	record_id VARCHAR NOT NULL,
	version_id VARCHAR NOT NULL,
	county VARCHAR NOT NULL,
	item VARCHAR NOT NULL,
	score VARCHAR NOT NULL,
	reason VARCHAR NOT NULL,
	PRIMARY KEY (record_id)
);
CREATE TABLE current_adjustment (
	record_id VARCHAR NOT NULL,
	version_id VARCHAR NOT NULL,
	county VARCHAR NOT NULL,
	delta VARCHAR NOT NULL,
	reason VARCHAR NOT NULL,
	PRIMARY KEY (record_id)
);
CREATE TABLE "conflict" (
	record_id VARCHAR NOT NULL,
	id VARCHAR NOT NULL,
	entity VARCHAR NOT NULL,
	kind VARCHAR NOT NULL,
	heads VARCHAR NOT NULL,
	fields VARCHAR NOT NULL,
	PRIMARY KEY (record_id),
	UNIQUE (id)
);
CREATE TABLE manifest (
	hash VARCHAR NOT NULL,
	device_id VARCHAR NOT NULL,
	number INTEGER NOT NULL,
	body VARCHAR NOT NULL,
	signature BLOB NOT NULL,
	PRIMARY KEY (hash),
	UNIQUE (device_id, number)
);
CREATE TABLE import_log (
	id INTEGER NOT NULL,
	merged_at VARCHAR NOT NULL,
	file_name VARCHAR NOT NULL,
	file_sha256 VARCHAR NOT NULL,
	device_id VARCHAR NOT NULL,
	inspector VARCHAR,
	manifest_hash VARCHAR NOT NULL,
	export_number INTEGER NOT NULL,
	versions_added INTEGER NOT NULL,
	versions_present INTEGER NOT NULL,
	blobs_added INTEGER NOT NULL,
	blob_bytes INTEGER NOT NULL,
	conflicts INTEGER NOT NULL,
	PRIMARY KEY (id)
);
CREATE INDEX ix_import_log_file_sha256 ON import_log (file_sha256);
CREATE TABLE indicator (
	id VARCHAR NOT NULL,
	campaign_id VARCHAR NOT NULL,
	code VARCHAR NOT NULL,
	level INTEGER NOT NULL,
	parent_code VARCHAR,
	name VARCHAR NOT NULL,
	points VARCHAR NOT NULL,
	position INTEGER NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (campaign_id, code),
	FOREIGN KEY(campaign_id) REFERENCES campaign (id)
);
CREATE TABLE county (
	id VARCHAR NOT NULL,
	campaign_id VARCHAR NOT NULL,
	code VARCHAR NOT NULL,
	name VARCHAR NOT NULL,
	position INTEGER NOT NULL,
	pilot_areas VARCHAR NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (campaign_id, code),
	FOREIGN KEY(campaign_id) REFERENCES campaign (id)
);
CREATE TABLE version (
	version_id VARCHAR NOT NULL,
	record_id VARCHAR NOT NULL,
	entity VARCHAR NOT NULL,
	device_id VARCHAR NOT NULL,
	seq INTEGER NOT NULL,
	hlc INTEGER NOT NULL,
	deleted BOOLEAN NOT NULL,
	payload VARCHAR NOT NULL,
	blob_hashes VARCHAR NOT NULL,
	signature BLOB NOT NULL,
	PRIMARY KEY (version_id),
	UNIQUE (device_id, seq),
	FOREIGN KEY(device_id) REFERENCES device (id)
);
CREATE INDEX ix_version_record ON version (record_id);
CREATE TABLE version_parent (
	version_id VARCHAR NOT NULL,
	parent_id VARCHAR NOT NULL,
	PRIMARY KEY (version_id, parent_id),
	FOREIGN KEY(version_id) REFERENCES version (version_id)
);
CREATE INDEX ix_version_parent_parent ON version_parent (parent_id);
CREATE TABLE head (
	record_id VARCHAR NOT NULL,
	version_id VARCHAR NOT NULL,
	PRIMARY KEY (record_id, version_id),
	FOREIGN KEY(version_id) REFERENCES version (version_id)
);
CREATE TABLE current_evidence (
	record_id VARCHAR NOT NULL,
	version_id VARCHAR NOT NULL,
	inspector VARCHAR NOT NULL,
	sha256 VARCHAR NOT NULL,
	name VARCHAR NOT NULL,
	mime VARCHAR NOT NULL,
	size INTEGER NOT NULL,
	county VARCHAR,
	item VARCHAR,
	mode VARCHAR,
	caption VARCHAR NOT NULL,
	taken_at VARCHAR,
	gps VARCHAR,
	attached_at VARCHAR NOT NULL,
	PRIMARY KEY (record_id)
);
CREATE INDEX ix_current_evidence_county ON current_evidence (county, item);
CREATE TABLE current_problem (
	record_id VARCHAR NOT NULL,
	version_id VARCHAR NOT NULL,
	county VARCHAR NOT NULL,
	item VARCHAR NOT NULL,
	inspector VARCHAR NOT NULL,
	description VARCHAR NOT NULL,
	severity VARCHAR NOT NULL,
	deadline VARCHAR,
	created_at VARCHAR NOT NULL,
	status VARCHAR NOT NULL,
	PRIMARY KEY (record_id)
);
CREATE INDEX ix_current_problem_county ON current_problem (county, item);
CREATE TABLE current_signature (
	record_id VARCHAR NOT NULL,
	version_id VARCHAR NOT NULL,
	county VARCHAR NOT NULL,
	inspector VARCHAR NOT NULL,
	signer_role VARCHAR NOT NULL,
	signer_name VARCHAR NOT NULL,
	signed_at VARCHAR NOT NULL,
	strokes VARCHAR NOT NULL,
	image_sha256 VARCHAR NOT NULL,
	record_digest VARCHAR NOT NULL,
	PRIMARY KEY (record_id)
);
CREATE INDEX ix_current_signature_county ON current_signature (county);
CREATE TABLE thumbnail (
	sha256 VARCHAR NOT NULL,
	size INTEGER NOT NULL,
	data BLOB NOT NULL,
	PRIMARY KEY (sha256, size)
);
