package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/model"
)

// Drafts are communications being written for an incident (model.Draft).
// The editor saves one as it is typed (SaveDraft, debounced by the UI to
// about once a second), so that a console killed or a tmux pane closed
// loses at most the last second of typing: a save that has returned is
// committed with synchronous=FULL like every write. Sending a draft
// (SendDraft) puts its full text on the incident's timeline and makes it
// final.
//
// Every save is a commit, so it changes the other consoles' DataVersion:
// while someone types, the others reload about once a second, which costs
// them a BenchmarkRequeryBoard.

// draftColumns are what scanDraft reads, from drafts d joined with
// incidents i.
const draftColumns = `d.id, i.number, d.template, d.audience, d.counts_as_update, d.body, d.author,
	d.created_at, d.updated_at, d.sent_at, d.sent_by`

// draftByID is the query of one draft by its id.
const draftByID = "SELECT " + draftColumns + " FROM drafts d JOIN incidents i ON i.id = d.incident_id WHERE d.id = ?"

// draftsOf is the query of an incident's drafts by the incident's id,
// newest edit first (through the drafts_incident index, which also gives
// the ties by id).
const draftsOf = "SELECT " + draftColumns + ` FROM drafts d JOIN incidents i ON i.id = d.incident_id
	WHERE d.incident_id = ? ORDER BY d.updated_at DESC, d.id DESC`

func scanDraft(row interface{ Scan(...any) error }, d *model.Draft) error {
	var sentBy sql.NullString
	if err := row.Scan(&d.ID, &d.IncidentNumber, &d.Template, &d.Audience, &d.CountsAsUpdate, &d.Body, &d.Author,
		instant{&d.CreatedAt}, instant{&d.UpdatedAt}, instant{&d.SentAt}, &sentBy); err != nil {
		return err
	}
	d.SentBy = sentBy.String
	return nil
}

// checkBody refuses a body longer than model.MaxDraftLen characters (as
// SQLite's length() counts them, which the table's CHECK uses).
func checkBody(body string) error {
	if n := utf8.RuneCountInString(body); n > model.MaxDraftLen {
		return fmt.Errorf("%w: the draft is %d characters long, more than %d", model.ErrInvalid, n, model.MaxDraftLen)
	}
	return nil
}

// CreateDraft stores a new draft for the incident with the given number
// and returns it with its ID and IncidentNumber filled (d.ID and
// d.IncidentNumber are ignored). CreatedAt is when it was started (the
// caller's now); a zero UpdatedAt is taken as CreatedAt. Instants are kept
// to the millisecond.
//
// An unknown incident is model.ErrNotFound. A draft with an audience
// other than internal or customer, no author, no CreatedAt, a body longer
// than model.MaxDraftLen or already marked sent is model.ErrInvalid.
func (s *Store) CreateDraft(ctx context.Context, number int64, d model.Draft) (model.Draft, error) {
	d.CreatedAt, d.UpdatedAt = model.Millis(d.CreatedAt), model.Millis(d.UpdatedAt)
	if d.UpdatedAt.IsZero() {
		d.UpdatedAt = d.CreatedAt
	}
	var err error
	switch {
	case d.Audience != model.AudienceInternal && d.Audience != model.AudienceCustomer:
		err = fmt.Errorf("%w: unknown audience %q", model.ErrInvalid, d.Audience)
	case strings.TrimSpace(d.Author) == "":
		err = fmt.Errorf("%w: a draft needs an author", model.ErrInvalid)
	case d.CreatedAt.IsZero():
		err = fmt.Errorf("%w: a draft needs its creation time", model.ErrInvalid)
	case d.Sent():
		err = fmt.Errorf("%w: a new draft cannot be sent already", model.ErrInvalid)
	default:
		err = checkBody(d.Body)
	}
	if err != nil {
		return model.Draft{}, fmt.Errorf("create draft: %w", err)
	}
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		incID, err := incidentID(ctx, tx, number)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO drafts (incident_id, template, audience, counts_as_update,
			body, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			incID, d.Template, d.Audience, d.CountsAsUpdate, d.Body, d.Author, millis(d.CreatedAt), millis(d.UpdatedAt))
		if err != nil {
			return err
		}
		d.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return model.Draft{}, fmt.Errorf("create draft: %w", err)
	}
	d.IncidentNumber = number
	return d, nil
}

// SaveDraft is the autosave: it stores the draft's body as it now is,
// edited at now. It is one UPDATE on a prepared statement in its own write
// transaction, about the cost of the commit itself (BenchmarkSaveDraft),
// and once it has returned the text survives the process being killed.
// Two consoles saving the same draft: the later save wins.
//
// A body longer than model.MaxDraftLen is model.ErrInvalid and stores
// nothing; a draft already sent is model.ErrConflict; an unknown id is
// model.ErrNotFound.
func (s *Store) SaveDraft(ctx context.Context, id int64, body string, now time.Time) error {
	if err := checkBody(body); err != nil {
		return fmt.Errorf("save draft %d: %w", id, err)
	}
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.StmtContext(ctx, s.stmts.saveDraft).ExecContext(ctx, body, model.Millis(now).UnixMilli(), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		// Nothing saved: say why (the rare path costs a second query).
		var sentAt time.Time
		var sentBy sql.NullString
		err = tx.QueryRowContext(ctx, "SELECT sent_at, sent_by FROM drafts WHERE id = ?", id).Scan(instant{&sentAt}, &sentBy)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("no draft %d: %w", id, model.ErrNotFound)
		case err != nil:
			return err
		}
		return fmt.Errorf("%w: the draft was sent %s by %s", model.ErrConflict, model.FormatTime(sentAt), sentBy.String)
	})
	if err != nil {
		return fmt.Errorf("save draft %d: %w", id, err)
	}
	return nil
}

// Draft returns one draft, with its incident's number. An unknown id is
// model.ErrNotFound.
func (s *Store) Draft(ctx context.Context, id int64) (model.Draft, error) {
	var d model.Draft
	if err := scanDraft(s.db.QueryRowContext(ctx, draftByID, id), &d); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return model.Draft{}, fmt.Errorf("no draft %d: %w", id, model.ErrNotFound)
		}
		return model.Draft{}, fmt.Errorf("draft %d: %w", id, err)
	}
	return d, nil
}

// Drafts returns the drafts of the incident with the given number, sent
// ones included, the most recently edited first (then the newest). An
// unknown incident is model.ErrNotFound; one without drafts has none.
func (s *Store) Drafts(ctx context.Context, number int64) ([]model.Draft, error) {
	var out []model.Draft
	err := s.inTx(ctx, readOnly, func(tx *sql.Tx) error {
		incID, err := incidentID(ctx, tx, number)
		if err != nil {
			return err
		}
		out, err = collect(ctx, tx, scanDraft, draftsOf, incID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("drafts: %w", err)
	}
	return out, nil
}

// SendDraft marks a draft sent by actor at now and records it on its
// incident's timeline, in one write transaction: it loads the draft and
// the incident's header, lets model's Incident.SendDraft decide (unfilled
// are the placeholders the draft still holds, override the reason to send
// it anyway), marks the draft sent, writes the header back as the model's
// Incident.Record leaves it (a draft that counts as an update restarts the
// status-update clock) and appends the event with the draft's full text.
// It returns the whole incident and the draft as committed.
//
// What is sent is the body as stored: the caller saves the text on screen
// first (SaveDraft) and passes the placeholders unfilled in that text.
//
// If the model refuses (a draft already sent, for instance by another
// console at the same moment, is model.ErrConflict; unfilled placeholders
// without an override are model.ErrInvalid), nothing is written and its
// error is returned as is. An unknown id is model.ErrNotFound.
func (s *Store) SendDraft(ctx context.Context, id int64, unfilled []string, override, actor string, now time.Time) (*model.Incident, model.Draft, error) {
	var (
		inc   *model.Incident
		d     model.Draft
		fnErr error
	)
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		if err := scanDraft(tx.QueryRowContext(ctx, draftByID, id), &d); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("no draft %d: %w", id, model.ErrNotFound)
			}
			return err
		}
		h, err := loadHeader(ctx, tx, d.IncidentNumber)
		if err != nil {
			return err
		}
		var ev model.Event
		if ev, fnErr = h.SendDraft(now, actor, d, unfilled, override); fnErr != nil {
			return fnErr
		}
		h.Record(ev)
		if err := h.Validate(); err != nil {
			return fmt.Errorf("%s: %w", h.Key(), err)
		}
		res, err := tx.ExecContext(ctx, "UPDATE drafts SET sent_at = ?, sent_by = ? WHERE id = ? AND sent_at IS NULL",
			millis(ev.At), actor, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			// Cannot happen: the draft was read unsent under the write lock.
			return errors.Join(err, fmt.Errorf("%w: draft %d changed while being sent", model.ErrConflict, id))
		}
		if err := updateHeader(ctx, tx, h.ID, h); err != nil {
			return err
		}
		if err := s.insertEvent(ctx, tx, h.ID, ev); err != nil {
			return err
		}
		if inc, err = loadIncident(ctx, tx, d.IncidentNumber); err != nil {
			return err
		}
		return scanDraft(tx.QueryRowContext(ctx, draftByID, id), &d)
	})
	switch {
	case fnErr != nil:
		return nil, model.Draft{}, fnErr
	case err != nil:
		return nil, model.Draft{}, fmt.Errorf("send draft %d: %w", id, err)
	}
	return inc, d, nil
}
