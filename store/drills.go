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

// Drills (seed §8.2): a drill row holds the scenario as it was when the
// drill started (scenario_json: editing the file later changes no drill
// under way), T0 (started_at), how many of its injects are on its
// incident's timeline (injects_delivered) and, when it was called off,
// when and why. Its incident points at it (incidents.drill_id); the
// drill's state is derived from both (model.Drill.State).
//
// The injects counter is advanced in the same transaction that writes the
// injects, and every write transaction holds the write lock from its
// BEGIN: two consoles delivering at once queue, and the second finds the
// counter moved and writes nothing. An inject is written once.

// drillColumns are what scanDrill reads, from drills d left-joined with its
// incident i.
const drillColumns = `d.id, d.scenario_json, d.started_at, d.started_by, d.injects_delivered,
	d.ended_at, d.end_reason, coalesce(i.number, 0), i.resolved_at`

// drillFrom joins a drill with its incident, if declared.
const drillFrom = ` FROM drills d LEFT JOIN incidents i ON i.drill_id = d.id`

// scanDrill scans a row of drillColumns, followed by extra, into d.
func scanDrill(row interface{ Scan(...any) error }, d *model.Drill, extra ...any) error {
	var scenario string
	dest := []any{&d.ID, &scenario, instant{&d.StartedAt}, &d.StartedBy, &d.InjectsDelivered,
		instant{&d.EndedAt}, &d.EndReason, &d.Incident, instant{&d.IncidentResolvedAt}}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(scenario), &d.Scenario); err != nil {
		return fmt.Errorf("drill %d: scenario: %w", d.ID, err)
	}
	return nil
}

// StartDrill starts a drill of the scenario at now, T0: the simulated
// failure begins. The drill is armed until its incident is declared
// (DeclareDrill). A scenario model's Scenario.Validate refuses is
// model.ErrInvalid and nothing is stored.
func (s *Store) StartDrill(ctx context.Context, sc model.Scenario, actor string, now time.Time) (model.Drill, error) {
	if err := sc.Validate(); err != nil {
		return model.Drill{}, fmt.Errorf("start drill: %w", err)
	}
	if now.IsZero() {
		return model.Drill{}, fmt.Errorf("start drill: %w: no start time", model.ErrInvalid)
	}
	body, err := json.Marshal(sc)
	if err != nil {
		return model.Drill{}, fmt.Errorf("start drill %s: %w", sc.Name, err)
	}
	d := model.Drill{Scenario: sc, StartedAt: model.Millis(now), StartedBy: actor}
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO drills (scenario, scenario_json, started_at, started_by)
			VALUES (?, ?, ?, ?)`, sc.Name, string(body), millis(d.StartedAt), actor)
		if err != nil {
			return err
		}
		d.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return model.Drill{}, fmt.Errorf("start drill %s: %w", sc.Name, err)
	}
	return d, nil
}

// Drills returns every drill, the newest first (by T0, then by id), each
// with its incident's number (0 while armed) and resolution time.
func (s *Store) Drills(ctx context.Context) ([]model.Drill, error) {
	var out []model.Drill
	err := s.inTx(ctx, readOnly, func(tx *sql.Tx) error {
		var err error
		out, err = collect(ctx, tx, func(row interface{ Scan(...any) error }, d *model.Drill) error {
			return scanDrill(row, d)
		}, "SELECT "+drillColumns+drillFrom+" ORDER BY d.started_at DESC, d.id DESC")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("drills: %w", err)
	}
	return out, nil
}

// Drill returns the drill with the given id; an unknown one is
// model.ErrNotFound.
func (s *Store) Drill(ctx context.Context, id int64) (model.Drill, error) {
	var d model.Drill
	err := s.inTx(ctx, readOnly, func(tx *sql.Tx) error {
		var err error
		d, err = loadDrill(ctx, tx, id)
		return err
	})
	return d, err
}

// DrillOfIncident returns the drill whose incident has the given number.
// A real incident, or an unknown number, is model.ErrNotFound.
func (s *Store) DrillOfIncident(ctx context.Context, number int64) (model.Drill, error) {
	var d model.Drill
	err := s.inTx(ctx, readOnly, func(tx *sql.Tx) error {
		var drillID sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT drill_id FROM incidents WHERE number = ?", number).Scan(&drillID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("%s: %w", model.FormatKey(number), model.ErrNotFound)
		case err != nil:
			return err
		case !drillID.Valid:
			return fmt.Errorf("%s is a real incident, not a drill's: %w", model.FormatKey(number), model.ErrNotFound)
		}
		d, err = loadDrill(ctx, tx, drillID.Int64)
		return err
	})
	return d, err
}

// loadDrill loads one drill; an unknown id is model.ErrNotFound.
func loadDrill(ctx context.Context, tx *sql.Tx, id int64) (model.Drill, error) {
	var d model.Drill
	err := scanDrill(tx.QueryRowContext(ctx, "SELECT "+drillColumns+drillFrom+" WHERE d.id = ?", id), &d)
	if errors.Is(err, sql.ErrNoRows) {
		return model.Drill{}, fmt.Errorf("drill %d: %w", id, model.ErrNotFound)
	}
	return d, err
}

// DeclareDrill declares the incident of an armed drill: inc and ev as
// model.Declare builds them (detected now: the declaration ends the
// detection clock), stored as Declare stores an incident, with DrillID the
// drill's and StartedAt its T0, whatever inc said. In the same
// transaction, every inject already revealed at now is written to the
// timeline at T0 plus its offset, and the drill's counter advanced. It
// returns the incident as stored; inc is not modified.
//
// A drill already declared, or called off, is model.ErrConflict; an
// unknown one model.ErrNotFound; an incident detected before T0
// model.ErrInvalid. Nothing is written then.
func (s *Store) DeclareDrill(ctx context.Context, drillID int64, inc *model.Incident, ev model.Event, now time.Time) (*model.Incident, error) {
	var out *model.Incident
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		d, err := loadDrill(ctx, tx, drillID)
		if err != nil {
			return err
		}
		switch {
		case d.Incident != 0:
			return fmt.Errorf("%w: drill %d is already declared, as %s", model.ErrConflict, d.ID, model.FormatKey(d.Incident))
		case !d.EndedAt.IsZero():
			return fmt.Errorf("%w: drill %d was called off at %s (%s): it can no longer be declared",
				model.ErrConflict, d.ID, model.FormatTime(d.EndedAt), model.PlainLine(d.EndReason))
		case inc.DetectedAt.Before(d.StartedAt):
			return fmt.Errorf("%w: detected at %s, before drill %d started (%s)",
				model.ErrInvalid, model.FormatTime(inc.DetectedAt), d.ID, model.FormatTime(d.StartedAt))
		}
		drilled := *inc
		drilled.DrillID, drilled.StartedAt = d.ID, d.StartedAt
		id, number, err := s.declareTx(ctx, tx, &drilled, ev)
		if err != nil {
			return err
		}
		if _, err := s.deliverTx(ctx, tx, id, d, now); err != nil {
			return err
		}
		out, err = loadIncident(ctx, tx, number)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("declare drill %d: %w", drillID, err)
	}
	return out, nil
}

// deliverTx writes the injects of drill d due at now (model's Drill.Due)
// to the timeline of its incident incID, each at T0 plus its offset by
// model.DrillActor, records them in the incident's header as model's
// Incident.Record does (an inject is not progress: only updated_at can
// move) and advances the drill's counter. It returns how many it wrote.
func (s *Store) deliverTx(ctx context.Context, tx *sql.Tx, incID int64, d model.Drill, now time.Time) (int, error) {
	due := d.Due(now)
	if len(due) == 0 {
		return 0, nil
	}
	var rec model.Incident
	if err := tx.QueryRowContext(ctx, "SELECT updated_at, last_progress_at, last_update_at FROM incidents WHERE id = ?", incID).
		Scan(instant{&rec.UpdatedAt}, instant{&rec.LastProgressAt}, instant{&rec.LastUpdateAt}); err != nil {
		return 0, err
	}
	first := min(d.InjectsDelivered, len(d.Scenario.Injects))
	for i, in := range due {
		ev := model.Event{At: model.Millis(d.InjectAt(first + i)), Actor: model.DrillActor, Kind: model.EventInject, Text: model.InjectText(in)}
		rec.Record(ev)
		if err := s.insertEvent(ctx, tx, incID, ev); err != nil {
			return 0, err
		}
	}
	if _, err := tx.StmtContext(ctx, s.stmts.record).ExecContext(ctx,
		millis(rec.UpdatedAt), millis(rec.LastProgressAt), millis(rec.LastUpdateAt), incID); err != nil {
		return 0, err
	}
	// The counter the drill was read with: a writer that read it before
	// another advanced it cannot get here (the write lock is held from
	// BEGIN), and the condition keeps it so.
	res, err := tx.ExecContext(ctx, "UPDATE drills SET injects_delivered = ? WHERE id = ? AND injects_delivered = ?",
		first+len(due), d.ID, d.InjectsDelivered)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return 0, fmt.Errorf("%w: drill %d: its injects were delivered meanwhile", model.ErrConflict, d.ID)
	}
	return len(due), nil
}

// DeliverInjects writes to the timeline of every declared drill the
// injects due at now (model's Drill.Due), in one transaction, and returns
// how many it wrote. Consoles call it on their clock tick when a drill's
// next inject is due (model's Drill.NextInjectAt); calling it again, from
// any process, writes nothing more. An inject revealed before the drill
// ended (its incident resolved, or called off) is still written, should
// no console have been there to write it in time; none after.
func (s *Store) DeliverInjects(ctx context.Context, now time.Time) (int, error) {
	total := 0
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		total = 0
		type running struct {
			d     model.Drill
			incID int64
		}
		rows, err := collect(ctx, tx, func(row interface{ Scan(...any) error }, r *running) error {
			return scanDrill(row, &r.d, &r.incID)
		}, "SELECT "+drillColumns+", i.id"+drillFrom+` WHERE i.id IS NOT NULL
			AND d.injects_delivered < json_array_length(d.scenario_json, '$.injects')`)
		if err != nil {
			return err
		}
		for _, r := range rows {
			n, err := s.deliverTx(ctx, tx, r.incID, r.d, now)
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("deliver drill injects: %w", err)
	}
	return total, nil
}

// EndDrill calls a drill off at now, recording the reason (an empty one
// is "called off by ACTOR"). An armed drill can then no longer be
// declared. A running one gets the injects due by now, then no more, and a
// drill-ended event (not progress) on its incident's timeline, which
// stays open to be resolved or closed like any other. A drill already called off, or over
// (its incident resolved: the score is final), is model.ErrConflict; an
// unknown one model.ErrNotFound.
func (s *Store) EndDrill(ctx context.Context, id int64, reason, actor string, now time.Time) error {
	now = model.Millis(now)
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "called off by " + actor
	}
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		d, err := loadDrill(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case d.CalledOff():
			return fmt.Errorf("%w: drill %d was already called off at %s", model.ErrConflict, id, model.FormatTime(d.EndedAt))
		case d.Over():
			return fmt.Errorf("%w: drill %d is over (%s was resolved at %s): its score is final",
				model.ErrConflict, id, model.FormatKey(d.Incident), model.FormatTime(d.IncidentResolvedAt))
		}
		if d.Incident != 0 {
			incID, err := incidentID(ctx, tx, d.Incident)
			if err != nil {
				return err
			}
			if _, err := s.deliverTx(ctx, tx, incID, d, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE drills SET ended_at = ?, end_reason = ? WHERE id = ?",
			millis(now), reason, id); err != nil {
			return err
		}
		if d.Incident == 0 {
			return nil
		}
		// The incident is closed with the drill (model.CallOffDrill): an
		// exercise that stopped must not keep escalating on the board.
		inc, err := loadHeader(ctx, tx, d.Incident)
		if err != nil {
			return err
		}
		ev, err := inc.CallOffDrill(now, actor, reason)
		if err != nil {
			return err
		}
		inc.Record(ev)
		if err := updateHeader(ctx, tx, inc.ID, inc); err != nil {
			return err
		}
		return s.insertEvent(ctx, tx, inc.ID, ev)
	})
	if err != nil {
		return fmt.Errorf("end drill %d: %w", id, err)
	}
	return nil
}
