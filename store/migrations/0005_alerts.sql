-- 0005: alerts from monitoring (Alertmanager, Grafana, PagerDuty) and the
-- incidents they opened (the alerts issue).
--
-- Same conventions as 0001: instants are INTEGER UTC unix milliseconds,
-- NULL while they have not happened.

-- Which incident an alert group feeds: a delivery for (source, group_key)
-- updates this incident while it is open; once it is resolved or closed,
-- the next firing delivery declares a new incident and the row points to
-- that one (created_at: when the row last changed incident).
CREATE TABLE alert_groups (
	source      TEXT    NOT NULL CHECK (source <> ''),
	group_key   TEXT    NOT NULL CHECK (group_key <> ''),
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (source, group_key)
) WITHOUT ROWID;

-- What an incident keeps of each alert delivered for it (model.AlertRecord),
-- one row per alert, updated by each delivery. group_key is the group the
-- alert last came in. The strings are untrusted, kept as received; labels
-- and annotations are JSON objects of strings. An ordinary rowid table:
-- the rows can be large, which WITHOUT ROWID tables handle badly.
CREATE TABLE incident_alerts (
	incident_id      INTEGER NOT NULL REFERENCES incidents (id),
	source           TEXT    NOT NULL CHECK (source <> ''),
	fingerprint      TEXT    NOT NULL CHECK (fingerprint <> ''),
	group_key        TEXT    NOT NULL DEFAULT '',
	status           TEXT    NOT NULL CHECK (status IN ('firing', 'acknowledged', 'resolved')),
	summary          TEXT    NOT NULL DEFAULT '',
	description      TEXT    NOT NULL DEFAULT '',
	labels_json      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(labels_json)),
	annotations_json TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(annotations_json)),
	runbook_url      TEXT    NOT NULL DEFAULT '',
	generator_url    TEXT    NOT NULL DEFAULT '',
	starts_at        INTEGER,
	ends_at          INTEGER,
	last_seen        INTEGER NOT NULL,
	PRIMARY KEY (incident_id, source, fingerprint)
);
