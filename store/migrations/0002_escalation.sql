-- 0002: escalation state and the rolling clocks of an incident (seed §7,
-- §4.1), and who has the database open (issue 3: the live war room).
--
-- Same conventions as 0001: instants are INTEGER UTC unix milliseconds,
-- NULL while they have not happened.

-- The tier the incident is at (1 until it is first escalated), when it was
-- last escalated and when that tier acknowledged it.
ALTER TABLE incidents ADD COLUMN tier INTEGER NOT NULL DEFAULT 1 CHECK (tier >= 1);
ALTER TABLE incidents ADD COLUMN escalated_at INTEGER;
ALTER TABLE incidents ADD COLUMN tier_ack_at INTEGER;
-- The newest progress event (model.IsProgress) and the newest status update
-- of the timeline, kept with the header so the board needs no timeline.
ALTER TABLE incidents ADD COLUMN last_progress_at INTEGER;
ALTER TABLE incidents ADD COLUMN last_update_at INTEGER;

-- Backfill the two from the timelines. The kinds listed are those
-- model.IsProgress (model/event.go) counts as progress; this migration is
-- frozen once released, so a kind added to IsProgress later changes
-- nothing here (no older database holds it). TestMigration0002Backfill
-- checks the list against IsProgress. No older database holds an
-- escalation either: tier stays 1, escalated_at and tier_ack_at NULL.
UPDATE incidents SET
	last_progress_at = (
		SELECT max(e.at) FROM events e
		WHERE e.incident_id = incidents.id
		  AND e.kind IN ('declared', 'acknowledged', 'mitigated', 'phase', 'tick', 'note',
		                 'resolved', 'status-update', 'escalated', 'escalation-ack')),
	last_update_at = (
		SELECT max(e.at) FROM events e
		WHERE e.incident_id = incidents.id AND e.kind = 'status-update');

-- One row per running console (a session), written by its heartbeat every
-- few seconds and deleted when it quits; a console that died leaves its row
-- behind, and readers ask only for sessions seen recently (the index).
CREATE TABLE presence (
	session    TEXT    PRIMARY KEY CHECK (session <> ''),
	actor      TEXT    NOT NULL,
	host       TEXT,
	pid        INTEGER,
	started_at INTEGER,
	last_seen  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX presence_last_seen ON presence (last_seen);
