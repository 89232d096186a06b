package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/warroom/warroom/model"
)

// The post-incident review (seed §6) has two stored parts besides the
// steps' times, which are header columns of the incident (model.ReviewState,
// written by Apply with model's Incident.MarkReview):
//
//   - the written review (model.Review: the template's free-text sections
//     and the root cause analysis), one row per incident, which the editor
//     saves as it is typed (SaveReview, the autosave: no timeline event);
//   - its action items (model.ActionItem), numbered 1, 2, 3 within the
//     incident, each addition and change on the timeline.

// reviewBody is the body_json of a review.
type reviewBody struct {
	Sections map[string]string `json:"sections"`
	RCA      model.RCA         `json:"rca"`
}

// saveReviewSQL is SaveReview's one statement (prepared: stmts.saveReview).
// An unknown incident number inserts nothing.
// The cause column is the body's RCA category, NULL for none (causeArg),
// written with the body so that the two never disagree.
const saveReviewSQL = `INSERT INTO reviews (incident_id, body_json, cause, updated_at, updated_by)
	SELECT id, ?, ?, ?, ? FROM incidents WHERE number = ?
	ON CONFLICT (incident_id) DO UPDATE SET body_json = excluded.body_json, cause = excluded.cause,
		updated_at = excluded.updated_at, updated_by = excluded.updated_by`

// causeArg is the value of reviews.cause for an RCA category: NULL for
// none.
func causeArg(c model.CauseCategory) any {
	if c == "" {
		return nil
	}
	return string(c)
}

// SaveReview stores the written review of the incident with the given
// number as it now is, replacing what was stored; r.UpdatedAt (when it was
// edited: the caller's now, kept to the millisecond) and r.UpdatedBy are
// stored with it and r.IncidentNumber is ignored. It is the autosave of the
// review editor: one statement, prepared, in its own write transaction,
// about the cost of the commit (BenchmarkSaveReview). It appends nothing to
// the timeline and leaves the incident's header alone. Two consoles saving
// the same review: the later save wins, whole.
//
// A review model's Review.Validate refuses, or one without UpdatedAt, is
// model.ErrInvalid and stores nothing; an unknown incident is
// model.ErrNotFound.
func (s *Store) SaveReview(ctx context.Context, number int64, r model.Review) error {
	key := model.FormatKey(number)
	if err := r.Validate(); err != nil {
		return fmt.Errorf("save review of %s: %w", key, err)
	}
	if r.UpdatedAt.IsZero() {
		return fmt.Errorf("save review of %s: %w: a review save needs its time", key, model.ErrInvalid)
	}
	body, err := json.Marshal(reviewBody{Sections: r.Sections, RCA: r.RCA})
	if err != nil {
		return fmt.Errorf("save review of %s: %w", key, err)
	}
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.StmtContext(ctx, s.stmts.saveReview).ExecContext(ctx,
			string(body), causeArg(r.RCA.Category), millis(model.Millis(r.UpdatedAt)), r.UpdatedBy, number)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		return fmt.Errorf("%s: %w", key, model.ErrNotFound)
	})
	if err != nil {
		return fmt.Errorf("save review of %s: %w", key, err)
	}
	return nil
}

// Review returns the written review of the incident with the given
// number. An incident without one yet has an empty review: no sections
// (a non-nil empty map), no RCA, zero UpdatedAt. Sections is never nil. An
// unknown incident is model.ErrNotFound.
func (s *Store) Review(ctx context.Context, number int64) (model.Review, error) {
	key := model.FormatKey(number)
	var (
		body sql.NullString
		by   sql.NullString
		r    = model.Review{IncidentNumber: number}
	)
	err := s.db.QueryRowContext(ctx, `SELECT r.body_json, r.updated_at, r.updated_by
		FROM incidents i LEFT JOIN reviews r ON r.incident_id = i.id WHERE i.number = ?`, number).
		Scan(&body, instant{&r.UpdatedAt}, &by)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return model.Review{}, fmt.Errorf("review of %s: %w", key, model.ErrNotFound)
	case err != nil:
		return model.Review{}, fmt.Errorf("review of %s: %w", key, err)
	}
	r.UpdatedBy = by.String
	if body.Valid {
		var b reviewBody
		if err := json.Unmarshal([]byte(body.String), &b); err != nil {
			return model.Review{}, fmt.Errorf("review of %s: %w", key, err)
		}
		r.Sections, r.RCA = b.Sections, b.RCA
	}
	if r.Sections == nil {
		r.Sections = map[string]string{}
	}
	return r, nil
}

// actionItemColumns are what scanActionItem reads, from action_items a
// joined with incidents i.
const actionItemColumns = `a.id, i.number, a.seq, a.description, a.owner, a.due_at, a.status,
	a.created_at, a.updated_at`

// actionItemBySeq is the query of one action item by incident id and seq.
const actionItemBySeq = "SELECT " + actionItemColumns + ` FROM action_items a
	JOIN incidents i ON i.id = a.incident_id WHERE a.incident_id = ? AND a.seq = ?`

func scanActionItem(row interface{ Scan(...any) error }, a *model.ActionItem) error {
	return row.Scan(&a.ID, &a.IncidentNumber, &a.Seq, &a.Description, &a.Owner, instant{&a.DueAt}, &a.Status,
		instant{&a.CreatedAt}, instant{&a.UpdatedAt})
}

// cleanActionItem is a with its text fields trimmed and its due date to
// the millisecond, as it is stored.
func cleanActionItem(a model.ActionItem) model.ActionItem {
	a.Description = strings.TrimSpace(a.Description)
	a.Owner = strings.TrimSpace(a.Owner)
	a.DueAt = model.Millis(a.DueAt)
	return a
}

// dueText is a due date for the timeline: the RFC 3339 date (UTC) when it
// is a midnight, as a date picked in the editor is; otherwise the full
// instant (model.FormatTime).
func dueText(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return model.FormatTime(t)
}

// AddActionItem adds an action item to the review of the incident with the
// given number, as actor at now, and returns it as stored. In one write
// transaction it numbers it after the incident's last one (seq: 1, 2, 3;
// two consoles adding at once get different numbers, as the write lock
// orders them), inserts it and appends an EventActionItem event, "action
// item 2 added: <description> (<owner>, due 2025-03-21)", recorded in the
// incident's header as model's Incident.Record does.
//
// The description and owner are stored trimmed, the due date to the
// millisecond; an empty Status is taken as model.ActionOpen; CreatedAt and
// UpdatedAt are now; a.ID, a.IncidentNumber, a.Seq and the times given are
// ignored. An item model's ActionItem.Validate refuses, or a zero now, is
// model.ErrInvalid and writes nothing; an unknown incident is
// model.ErrNotFound.
func (s *Store) AddActionItem(ctx context.Context, number int64, a model.ActionItem, actor string, now time.Time) (model.ActionItem, error) {
	key := model.FormatKey(number)
	now = model.Millis(now)
	a = cleanActionItem(a)
	if a.Status == "" {
		a.Status = model.ActionOpen
	}
	a.ID, a.IncidentNumber, a.CreatedAt, a.UpdatedAt = 0, number, now, now
	if err := checkActionItem(a, now); err != nil {
		return model.ActionItem{}, fmt.Errorf("add action item to %s: %w", key, err)
	}
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		h, err := loadTimes(ctx, tx, number)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO action_items (incident_id, seq, description, owner, due_at,
				status, created_at, updated_at)
			SELECT ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM action_items WHERE incident_id = ?
			RETURNING id, seq`,
			h.ID, a.Description, a.Owner, millis(a.DueAt), a.Status, millis(now), millis(now), h.ID).
			Scan(&a.ID, &a.Seq)
		if err != nil {
			return err
		}
		return s.recordEvent(ctx, tx, h, model.Event{At: now, Actor: actor, Kind: model.EventActionItem,
			Text: fmt.Sprintf("action item %d added: %s (%s, due %s)", a.Seq, a.Description, a.Owner, dueText(a.DueAt))})
	})
	if err != nil {
		return model.ActionItem{}, fmt.Errorf("add action item to %s: %w", key, err)
	}
	return a, nil
}

// UpdateActionItem stores a new state of the action item a.Seq of the
// incident with the given number, as actor at now, and returns it as
// stored: its description, owner, due date and status are replaced
// (cleaned as AddActionItem does; a.ID, a.IncidentNumber and the times
// given are ignored) and UpdatedAt is now. In the same write transaction it
// appends an EventActionItem event saying what changed, "action item 2:
// status open -> done" for a status change alone, otherwise "action item 2
// edited: owner alice -> bob; due 2025-03-21 -> 2025-03-28", recorded in
// the header as model's Incident.Record does. An item given as it is
// stored changes nothing, writes nothing and is returned as stored.
//
// An item model's ActionItem.Validate refuses, or a zero now, is
// model.ErrInvalid and writes nothing; an unknown incident or seq is
// model.ErrNotFound.
func (s *Store) UpdateActionItem(ctx context.Context, number int64, a model.ActionItem, actor string, now time.Time) (model.ActionItem, error) {
	key := model.FormatKey(number)
	now = model.Millis(now)
	a = cleanActionItem(a)
	if err := checkActionItem(a, now); err != nil {
		return model.ActionItem{}, fmt.Errorf("update action item %d of %s: %w", a.Seq, key, err)
	}
	var out model.ActionItem
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		h, err := loadTimes(ctx, tx, number)
		if err != nil {
			return err
		}
		var cur model.ActionItem
		if err := scanActionItem(tx.QueryRowContext(ctx, actionItemBySeq, h.ID, a.Seq), &cur); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%s has no action item %d: %w", key, a.Seq, model.ErrNotFound)
			}
			return err
		}
		changes := actionItemChanges(cur, a)
		if len(changes) == 0 {
			out = cur
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE action_items SET description = ?, owner = ?, due_at = ?, status = ?,
				updated_at = ? WHERE id = ?`,
			a.Description, a.Owner, millis(a.DueAt), a.Status, millis(now), cur.ID); err != nil {
			return err
		}
		text := fmt.Sprintf("action item %d edited: %s", a.Seq, strings.Join(changes, "; "))
		if len(changes) == 1 && cur.Status != a.Status {
			text = fmt.Sprintf("action item %d: %s", a.Seq, changes[0])
		}
		if err := s.recordEvent(ctx, tx, h, model.Event{At: now, Actor: actor, Kind: model.EventActionItem, Text: text}); err != nil {
			return err
		}
		out = cur
		out.Description, out.Owner, out.DueAt, out.Status, out.UpdatedAt = a.Description, a.Owner, a.DueAt, a.Status, now
		return nil
	})
	if err != nil {
		return model.ActionItem{}, fmt.Errorf("update action item %d of %s: %w", a.Seq, key, err)
	}
	return out, nil
}

// checkActionItem refuses what AddActionItem and UpdateActionItem must not
// store.
func checkActionItem(a model.ActionItem, now time.Time) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if now.IsZero() {
		return fmt.Errorf("%w: a change needs its time", model.ErrInvalid)
	}
	return nil
}

// actionItemChanges says what differs from cur to next, status first, for
// the timeline.
func actionItemChanges(cur, next model.ActionItem) []string {
	var changes []string
	if cur.Status != next.Status {
		changes = append(changes, fmt.Sprintf("status %s -> %s", cur.Status, next.Status))
	}
	if cur.Owner != next.Owner {
		changes = append(changes, fmt.Sprintf("owner %s -> %s", cur.Owner, next.Owner))
	}
	if !cur.DueAt.Equal(next.DueAt) {
		changes = append(changes, fmt.Sprintf("due %s -> %s", dueText(cur.DueAt), dueText(next.DueAt)))
	}
	if cur.Description != next.Description {
		changes = append(changes, "description: "+next.Description)
	}
	return changes
}

// ActionItems returns the action items of the incident with the given
// number, by seq. An unknown incident is model.ErrNotFound; one without
// action items has none.
func (s *Store) ActionItems(ctx context.Context, number int64) ([]model.ActionItem, error) {
	var out []model.ActionItem
	err := s.inTx(ctx, readOnly, func(tx *sql.Tx) error {
		incID, err := incidentID(ctx, tx, number)
		if err != nil {
			return err
		}
		out, err = collect(ctx, tx, scanActionItem, "SELECT "+actionItemColumns+` FROM action_items a
			JOIN incidents i ON i.id = a.incident_id WHERE a.incident_id = ? ORDER BY a.seq`, incID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("action items: %w", err)
	}
	return out, nil
}

// overdueQuery is OverdueActionItems' one query. Its status condition is
// the WHERE of the action_items_unfinished index, so that it reads the
// unfinished items due by now and no others. It groups by number, not by
// a.incident_id: grouping by the latter makes SQLite walk the whole
// (incident_id, seq) index to spare itself a sort of the few overdue rows
// (TestOverdueQueryPlan).
const overdueQuery = `SELECT i.number, count(*) FROM action_items a JOIN incidents i ON i.id = a.incident_id
	WHERE a.status IN ('open', 'in_progress') AND a.due_at <= ?
	GROUP BY i.number`

// OverdueActionItems counts the overdue action items of every incident, by
// incident number: those open or in progress whose due date is now or
// earlier (model's ActionItem.Overdue). Incidents without any are left out
// of the map, which is never nil. Closed incidents are counted too: their
// action items outlive them; the board keeps the numbers it shows. It runs
// one prepared query, whose cost grows with the overdue items only.
func (s *Store) OverdueActionItems(ctx context.Context, now time.Time) (map[int64]int, error) {
	rows, err := s.stmts.overdue.QueryContext(ctx, model.Millis(now).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("overdue action items: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var number int64
		var n int
		if err := rows.Scan(&number, &n); err != nil {
			return nil, fmt.Errorf("overdue action items: %w", err)
		}
		out[number] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("overdue action items: %w", err)
	}
	return out, nil
}

// loadTimes loads what recording an event needs of the incident with the
// given number: its id and the header times model's Incident.Record moves.
// An unknown number is model.ErrNotFound.
func loadTimes(ctx context.Context, tx *sql.Tx, number int64) (*model.Incident, error) {
	h := &model.Incident{Number: number}
	err := tx.QueryRowContext(ctx, "SELECT id, updated_at, last_progress_at, last_update_at FROM incidents WHERE number = ?", number).
		Scan(&h.ID, instant{&h.UpdatedAt}, instant{&h.LastProgressAt}, instant{&h.LastUpdateAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", model.FormatKey(number), model.ErrNotFound)
	}
	return h, err
}

// recordEvent appends ev to the timeline of h (as loadTimes loaded it) and
// records it in the header as model's Incident.Record does.
func (s *Store) recordEvent(ctx context.Context, tx *sql.Tx, h *model.Incident, ev model.Event) error {
	h.Record(ev)
	if _, err := tx.StmtContext(ctx, s.stmts.record).ExecContext(ctx,
		millis(h.UpdatedAt), millis(h.LastProgressAt), millis(h.LastUpdateAt), h.ID); err != nil {
		return err
	}
	return s.insertEvent(ctx, tx, h.ID, ev)
}
