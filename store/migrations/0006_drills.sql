-- 0006: incident drills (seed §8.2) and what the metrics read (seed §6.3,
-- §9.3).
--
-- Same conventions as 0001: instants are INTEGER UTC unix milliseconds,
-- NULL while they have not happened.

-- A drill: a scenario (playbooks/data/drills/*.yaml) started at started_at,
-- "T0", when the simulated failure begins. The scenario is snapshotted as
-- JSON (model.Scenario), like an incident's SLA policy: editing the
-- scenario file later changes no drill already started. The team declares
-- the drill's incident (incidents.drill_id) when it has detected the
-- failure; injects_delivered counts the scenario's injects already written
-- to that incident's timeline, each at T0 plus its offset. ended_at is set
-- when the drill is called off (end_reason says why) or scored.
CREATE TABLE drills (
	id                INTEGER PRIMARY KEY,
	scenario          TEXT    NOT NULL CHECK (scenario <> ''),
	scenario_json     TEXT    NOT NULL CHECK (json_valid(scenario_json)),
	started_at        INTEGER NOT NULL,
	started_by        TEXT    NOT NULL DEFAULT '',
	injects_delivered INTEGER NOT NULL DEFAULT 0 CHECK (injects_delivered >= 0),
	ended_at          INTEGER,
	end_reason        TEXT    NOT NULL DEFAULT ''
);

-- The drill an incident is the exercise of; NULL for a real incident.
-- Metrics leave out every incident whose drill_id is set.
ALTER TABLE incidents ADD COLUMN drill_id INTEGER REFERENCES drills (id);
CREATE UNIQUE INDEX incidents_drill ON incidents (drill_id) WHERE drill_id IS NOT NULL;

-- The SLA snapshot of an incident (model.SeverityPolicy as JSON, 1-2 kB)
-- is kept once per distinct text: a database holds a handful (one per
-- severity per version of the policy file) shared by thousands of
-- incidents, and carrying the text in every row made reading the
-- incidents table (the metrics read all of it) cost its size many times
-- over. A row is never changed or deleted: the store looks a text up and
-- adds it if new (storePolicy), in the transaction that writes the
-- incident.
CREATE TABLE policy_snapshots (
	id   INTEGER PRIMARY KEY,
	json TEXT    NOT NULL UNIQUE CHECK (json_valid(json))
);

-- The incident's snapshot. NULL in no row the store writes: ALTER TABLE
-- cannot add a NOT NULL column without a default (and with foreign keys
-- on, one that references another table may only default to NULL).
ALTER TABLE incidents ADD COLUMN policy_id INTEGER REFERENCES policy_snapshots (id);

-- Backfill: each distinct text once, numbered in the order the incidents
-- first used them, then each incident's id. Then the text leaves the
-- incidents table: DROP COLUMN rewrites every row without it (its CHECK is
-- its own, which does not stop the drop), and no reader can find a stale
-- copy there.
INSERT OR IGNORE INTO policy_snapshots (json)
	SELECT policy_json FROM incidents GROUP BY policy_json ORDER BY min(id);
UPDATE incidents SET policy_id = (SELECT p.id FROM policy_snapshots p WHERE p.json = incidents.policy_json);
ALTER TABLE incidents DROP COLUMN policy_json;

-- The RCA's cause category of a review (model.CauseCategory, the body's
-- $.rca.category), NULL without one: the metrics' top causes and repeats
-- need it of every review, and finding it in body_json, several kB each,
-- meant reading every body whole. SaveReview writes it with the body in
-- one statement. reviews_cause holds the reviews with a cause, and the
-- incident's id (the row id) with it: the metrics read it instead of the
-- table.
ALTER TABLE reviews ADD COLUMN cause TEXT CHECK (cause <> '');
UPDATE reviews SET cause = nullif(json_extract(body_json, '$.rca.category'), '');
CREATE INDEX reviews_cause ON reviews (cause) WHERE cause IS NOT NULL;

-- The dashboard reads the real incidents by detection time (its period
-- filter), and of each only what the metrics need (store.metricsQuery):
-- incidents_detected holds all of it, so that the metrics read this index,
-- about a fifth of the table's size and small enough to stay in the page
-- cache, and never the table rows with their texts. Its order, detection
-- then number, is the records'. A header write that changes none of these
-- columns (the checklist's ticks, the timeline's times) leaves it alone.
-- drill_id, NULL in every entry, is there for the queries' own drill_id
-- IS NULL: SQLite reads from an index alone only a query all of whose
-- columns it holds, those of its WHERE included.
CREATE INDEX incidents_detected ON incidents (detected_at, number, severity, status,
	started_at, acknowledged_at, mitigated_at, resolved_at, post_mortem_at, closed_at,
	pir_meeting_at, pir_document_at, action_items_at, review_completed_at, policy_id, drill_id)
	WHERE drill_id IS NULL;
