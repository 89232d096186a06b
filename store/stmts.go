package store

import (
	"context"
	"database/sql"
	"errors"
)

// stmts are the statements of the hottest writes, a checklist tick, a
// console's heartbeat and the autosaves of a draft and of a review, and of
// the board's reload after every change, prepared once per Store (database/sql then prepares
// each once per connection) so that they do not pay for parsing SQL on
// every call.
type stmts struct {
	stepState   *sql.Stmt // an item's state and its incident's, by item id and incident number
	setStep     *sql.Stmt // tick or untick an item
	record      *sql.Stmt // set an incident's updated_at, last_progress_at and last_update_at
	insertEvent *sql.Stmt // append to a timeline
	heartbeat   *sql.Stmt // insert or refresh a presence row
	saveDraft   *sql.Stmt // a draft's body and updated_at, unless it was sent
	saveReview  *sql.Stmt // saveReviewSQL
	board       *sql.Stmt // boardQuery
	overdue     *sql.Stmt // overdueQuery, for the board
}

func (st *stmts) prepare(ctx context.Context, db *sql.DB) error {
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&st.stepState, `SELECT i.id, i.status, c.done, c.retired, c.text,
				i.updated_at, i.last_progress_at, i.last_update_at
			FROM checklist_items c JOIN incidents i ON i.id = c.incident_id
			WHERE c.id = ? AND i.number = ?`},
		{&st.setStep, "UPDATE checklist_items SET done = ?, done_by = ?, done_at = ? WHERE id = ?"},
		{&st.record, "UPDATE incidents SET updated_at = ?, last_progress_at = ?, last_update_at = ? WHERE id = ?"},
		{&st.insertEvent, "INSERT INTO events (incident_id, at, actor, kind, text, item_id) VALUES (?, ?, ?, ?, ?, ?)"},
		{&st.board, boardQuery},
		{&st.overdue, overdueQuery},
		{&st.saveReview, saveReviewSQL},
		{&st.saveDraft, "UPDATE drafts SET body = ?, updated_at = ? WHERE id = ? AND sent_at IS NULL"},
		{&st.heartbeat, `INSERT INTO presence (session, actor, host, pid, started_at, last_seen)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (session) DO UPDATE SET actor = excluded.actor, host = excluded.host,
				pid = excluded.pid, started_at = coalesce(excluded.started_at, presence.started_at),
				last_seen = excluded.last_seen`},
	} {
		var err error
		if *p.stmt, err = db.PrepareContext(ctx, p.query); err != nil {
			return err
		}
	}
	return nil
}

func (st *stmts) close() error {
	var errs []error
	for _, stmt := range []*sql.Stmt{st.stepState, st.setStep, st.record, st.insertEvent, st.heartbeat, st.board, st.saveDraft,
		st.saveReview, st.overdue} {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	return errors.Join(errs...)
}
