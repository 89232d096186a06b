-- 0003: drafts of communications (issue 4: drafts save themselves as they
-- are typed; a sent one is on the timeline).
--
-- Same conventions as 0001: instants are INTEGER UTC unix milliseconds,
-- NULL while they have not happened; booleans are INTEGER 0/1.
--
-- A draft is written about once a second while it is typed (an autosave
-- updates body and updated_at only). Once sent it is final: sent_at and
-- sent_by are set together, in the transaction that puts its text on the
-- timeline, and the store refuses to save it again.
CREATE TABLE drafts (
	id               INTEGER PRIMARY KEY,
	incident_id      INTEGER NOT NULL REFERENCES incidents (id),
	template         TEXT    NOT NULL,
	audience         TEXT    NOT NULL CHECK (audience IN ('internal', 'customer')),
	counts_as_update INTEGER NOT NULL DEFAULT 0 CHECK (counts_as_update IN (0, 1)),
	-- 20000 is model.MaxDraftLen (characters, as length() counts them for
	-- TEXT); the store refuses a longer body with model.ErrInvalid before it
	-- gets here. This migration is frozen once released: should the model's
	-- limit ever grow, a new migration rebuilds the table.
	-- TestDraftLimitMatchesModel checks the two agree.
	body             TEXT    NOT NULL CHECK (length(body) <= 20000),
	author           TEXT    NOT NULL,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	sent_at          INTEGER,
	sent_by          TEXT,
	CHECK ((sent_at IS NULL) = (sent_by IS NULL))
);

-- An incident's draft list, newest edit first.
CREATE INDEX drafts_incident ON drafts (incident_id, updated_at);
