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

-- The dashboard reads incidents by detection time (its period filter).
CREATE INDEX incidents_detected ON incidents (detected_at);
