-- 0001: incidents with their services, checklist, roles and timeline.
--
-- Instants are INTEGER UTC unix milliseconds, NULL while they have not
-- happened. Durations (checklist phase windows) are INTEGER milliseconds.
-- Booleans are INTEGER 0/1. The SLA snapshot of an incident
-- (model.SeverityPolicy) is JSON text.

CREATE TABLE schema_migrations (
	version    INTEGER PRIMARY KEY,
	applied_at INTEGER NOT NULL
);

CREATE TABLE incidents (
	id                INTEGER PRIMARY KEY,
	number            INTEGER NOT NULL UNIQUE CHECK (number > 0),
	title             TEXT    NOT NULL CHECK (title <> ''),
	severity          INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
	severity_reason   TEXT    NOT NULL DEFAULT '',
	severity_override INTEGER NOT NULL DEFAULT 0 CHECK (severity_override IN (0, 1)),
	phase             INTEGER NOT NULL CHECK (phase >= 0),
	status            TEXT    NOT NULL CHECK (status IN ('open', 'resolved', 'closed')),
	impact            TEXT    NOT NULL CHECK (impact IN ('critical', 'important', 'other')),
	customers_pct     REAL    NOT NULL DEFAULT 0 CHECK (customers_pct BETWEEN 0 AND 100),
	created_by        TEXT    NOT NULL DEFAULT '',
	started_at        INTEGER,
	detected_at       INTEGER NOT NULL,
	acknowledged_at   INTEGER,
	mitigated_at      INTEGER,
	resolved_at       INTEGER,
	post_mortem_at    INTEGER,
	closed_at         INTEGER,
	updated_at        INTEGER NOT NULL,
	policy_json       TEXT    NOT NULL CHECK (json_valid(policy_json))
);

-- The board reads the open and resolved incidents only: its cost must not
-- grow with the closed ones.
CREATE INDEX incidents_status ON incidents (status);

CREATE TABLE incident_services (
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	service     TEXT    NOT NULL CHECK (service <> ''),
	position    INTEGER NOT NULL,
	PRIMARY KEY (incident_id, service)
) WITHOUT ROWID;

CREATE TABLE checklist_items (
	id          INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	step_id     TEXT    NOT NULL CHECK (step_id <> ''),
	severity    INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
	phase       TEXT    NOT NULL,
	phase_order INTEGER NOT NULL,
	anchor      TEXT    NOT NULL CHECK (anchor IN ('started', 'detected', 'resolved')),
	start_ms    INTEGER NOT NULL,
	end_ms      INTEGER NOT NULL,
	has_window  INTEGER NOT NULL CHECK (has_window IN (0, 1)),
	grp         TEXT    NOT NULL DEFAULT '',
	text        TEXT    NOT NULL,
	position    INTEGER NOT NULL,
	done        INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
	done_by     TEXT    NOT NULL DEFAULT '',
	done_at     INTEGER,
	retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
	UNIQUE (incident_id, step_id),
	-- an undone item carries no trace of an earlier tick
	CHECK (done = 1 OR (done_by = '' AND done_at IS NULL))
);

CREATE TABLE roles (
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	role        TEXT    NOT NULL,
	person      TEXT    NOT NULL CHECK (person <> ''),
	assigned_at INTEGER NOT NULL,
	PRIMARY KEY (incident_id, role)
) WITHOUT ROWID;

CREATE TABLE events (
	id          INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	at          INTEGER NOT NULL,
	actor       TEXT    NOT NULL DEFAULT '',
	kind        TEXT    NOT NULL CHECK (kind <> ''),
	text        TEXT    NOT NULL DEFAULT '',
	item_id     INTEGER REFERENCES checklist_items (id)
);

CREATE INDEX events_timeline ON events (incident_id, at, id);
