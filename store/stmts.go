package store

import (
	"context"
	"database/sql"
	"errors"
)

// stmts are the statements of the hottest write, a checklist tick, prepared
// once per Store (database/sql then prepares each once per connection) so
// that a tick does not pay for parsing SQL on every call.
type stmts struct {
	stepState   *sql.Stmt // an item's state and its incident's, by item id and incident number
	setStep     *sql.Stmt // tick or untick an item
	touch       *sql.Stmt // set an incident's updated_at
	insertEvent *sql.Stmt // append to a timeline
}

func (st *stmts) prepare(ctx context.Context, db *sql.DB) error {
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&st.stepState, `SELECT i.id, i.status, c.done, c.retired, c.text
			FROM checklist_items c JOIN incidents i ON i.id = c.incident_id
			WHERE c.id = ? AND i.number = ?`},
		{&st.setStep, "UPDATE checklist_items SET done = ?, done_by = ?, done_at = ? WHERE id = ?"},
		{&st.touch, "UPDATE incidents SET updated_at = ? WHERE id = ?"},
		{&st.insertEvent, "INSERT INTO events (incident_id, at, actor, kind, text, item_id) VALUES (?, ?, ?, ?, ?, ?)"},
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
	for _, stmt := range []*sql.Stmt{st.stepState, st.setStep, st.touch, st.insertEvent} {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	return errors.Join(errs...)
}
