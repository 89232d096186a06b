-- 0004: after the fire (seed §5.3, §6): the verification of the fix, the
-- post-incident review's steps, its written part and its action items.
--
-- Same conventions as 0001: instants are INTEGER UTC unix milliseconds,
-- NULL while they have not happened.

-- model.Verification: when the fix was declared (the 30-minute stability
-- clock starts) and the checks passed, as a JSON object from check id to
-- {"by": actor, "at": unix ms}, NULL while none has passed.
ALTER TABLE incidents ADD COLUMN fixed_at INTEGER;
ALTER TABLE incidents ADD COLUMN verification_json TEXT
	CHECK (verification_json IS NULL OR json_valid(verification_json));
-- model.ReviewState: when each step of the post-incident review was done.
ALTER TABLE incidents ADD COLUMN pir_meeting_at INTEGER;
ALTER TABLE incidents ADD COLUMN pir_document_at INTEGER;
ALTER TABLE incidents ADD COLUMN action_items_at INTEGER;
ALTER TABLE incidents ADD COLUMN review_completed_at INTEGER;

-- The written part of an incident's review (model.Review): its free-text
-- sections and root cause analysis as one JSON object, {"sections": {...},
-- "rca": {...}}. It is saved as it is typed (an autosave rewrites the row),
-- so it is one row per incident, created by the first save.
CREATE TABLE reviews (
	incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
	body_json   TEXT    NOT NULL CHECK (json_valid(body_json)),
	updated_at  INTEGER NOT NULL,
	updated_by  TEXT    NOT NULL DEFAULT ''
);

-- The review's action items (model.ActionItem), numbered 1, 2, 3 within
-- their incident (seq) in the transaction that adds them. They outlive the
-- incident's closing: their status moves on while the improvements are
-- made.
CREATE TABLE action_items (
	id          INTEGER PRIMARY KEY,
	incident_id INTEGER NOT NULL REFERENCES incidents (id),
	seq         INTEGER NOT NULL CHECK (seq > 0),
	description TEXT    NOT NULL CHECK (description <> ''),
	owner       TEXT    NOT NULL CHECK (owner <> ''),
	due_at      INTEGER NOT NULL,
	status      TEXT    NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'wont_do')),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	-- also the index of an incident's list, in order
	UNIQUE (incident_id, seq)
);

-- The overdue count of the board reads the unfinished items by due date
-- only: finished ones, however many, cost it nothing. Its WHERE must stay
-- the query's (overdueQuery) for SQLite to use it.
CREATE INDEX action_items_unfinished ON action_items (due_at)
	WHERE status IN ('open', 'in_progress');
