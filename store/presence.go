package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/warroom/warroom/model"
)

// Presence is one running console on the database: the war room's "who is
// here". A console says it is here with Heartbeat every few seconds and
// leaves with Leave; one that died simply stops being seen.
type Presence struct {
	Session   string // unique to one run of one console
	Actor     string // who runs it
	Host      string
	PID       int
	StartedAt time.Time // when the console started
	LastSeen  time.Time // its latest heartbeat
}

// Heartbeat records that a console is here as of p.LastSeen: it adds its
// session or refreshes it (every field is overwritten, except that a zero
// StartedAt keeps the one recorded). Instants are kept to the millisecond.
// It is one small write transaction on a prepared statement, cheap enough
// for every console to run every few seconds; like every commit it changes
// the other consoles' DataVersion.
//
// An empty Session or Actor, or a zero LastSeen, is model.ErrInvalid.
func (s *Store) Heartbeat(ctx context.Context, p Presence) error {
	switch {
	case p.Session == "":
		return fmt.Errorf("heartbeat: %w: no session", model.ErrInvalid)
	case p.Actor == "":
		return fmt.Errorf("heartbeat: %w: no actor", model.ErrInvalid)
	case p.LastSeen.IsZero():
		return fmt.Errorf("heartbeat: %w: no time", model.ErrInvalid)
	}
	var host, pid any
	if p.Host != "" {
		host = p.Host
	}
	if p.PID != 0 {
		pid = p.PID
	}
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.StmtContext(ctx, s.stmts.heartbeat).ExecContext(ctx,
			p.Session, p.Actor, host, pid, millis(p.StartedAt), millis(p.LastSeen))
		return err
	})
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

// Present returns the consoles seen at or after since (every one recorded
// for a zero since), the most recently seen first, then by session. It
// reads them through an index on last_seen: consoles that died long ago
// cost nothing.
func (s *Store) Present(ctx context.Context, since time.Time) ([]Presence, error) {
	from := int64(math.MinInt64)
	if !since.IsZero() {
		from = since.UnixMilli()
	}
	rows, err := s.db.QueryContext(ctx, presentQuery, from)
	if err != nil {
		return nil, fmt.Errorf("presence: %w", err)
	}
	defer rows.Close()
	var out []Presence
	for rows.Next() {
		var p Presence
		var host sql.NullString
		var pid sql.NullInt64
		if err := rows.Scan(&p.Session, &p.Actor, &host, &pid, instant{&p.StartedAt}, instant{&p.LastSeen}); err != nil {
			return nil, fmt.Errorf("presence: %w", err)
		}
		p.Host, p.PID = host.String, int(pid.Int64)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("presence: %w", err)
	}
	return out, nil
}

// presentQuery is Present's query, from a last_seen in milliseconds.
const presentQuery = `SELECT session, actor, host, pid, started_at, last_seen
	FROM presence WHERE last_seen >= ? ORDER BY last_seen DESC, session`

// Leave removes a console's session: it is no longer present. Leaving a
// session that is not recorded is not an error.
func (s *Store) Leave(ctx context.Context, session string) error {
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM presence WHERE session = ?", session)
		return err
	})
	if err != nil {
		return fmt.Errorf("leave: %w", err)
	}
	return nil
}
