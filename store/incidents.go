package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/model"
)

// headerColumns are the incidents columns written from a model.Incident, in
// the order headerArgs gives their values.
var headerColumns = []string{
	"title", "severity", "severity_reason", "severity_override", "phase", "status",
	"impact", "customers_pct", "created_by",
	"started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at",
	"post_mortem_at", "closed_at", "updated_at",
	"tier", "escalated_at", "tier_ack_at", "last_progress_at", "last_update_at",
	"policy_id",
	"fixed_at", "verification_json",
	"pir_meeting_at", "pir_document_at", "action_items_at", "review_completed_at",
	"drill_id",
}

var (
	insertIncidentSQL = "INSERT INTO incidents (number, " + strings.Join(headerColumns, ", ") +
		") VALUES (?" + strings.Repeat(", ?", len(headerColumns)) + ")"
	updateIncidentSQL = "UPDATE incidents SET " + strings.Join(headerColumns, " = ?, ") + " = ? WHERE id = ?"
)

// headerArgs are the values of headerColumns for inc, whose SLA snapshot
// is the policy_snapshots row policyID (storePolicy). A Tier of 0 is
// stored as 1: the model reads both as "not escalated yet".
func headerArgs(inc *model.Incident, policyID int64) ([]any, error) {
	if inc.Tier < 0 {
		return nil, fmt.Errorf("%w: %s: tier %d", model.ErrInvalid, inc.Key(), inc.Tier)
	}
	passed, err := passedJSON(inc.Verification.Passed)
	if err != nil {
		return nil, fmt.Errorf("%s: verification: %w", inc.Key(), err)
	}
	rv := inc.Review
	return []any{
		inc.Title, inc.Severity, inc.SeverityReason, inc.SeverityOverride, inc.Phase, inc.Status,
		inc.Impact, inc.CustomersPct, inc.CreatedBy,
		millis(inc.StartedAt), millis(inc.DetectedAt), millis(inc.AcknowledgedAt), millis(inc.MitigatedAt),
		millis(inc.ResolvedAt), millis(inc.PostMortemAt), millis(inc.ClosedAt), millis(inc.UpdatedAt),
		max(inc.Tier, 1), millis(inc.EscalatedAt), millis(inc.TierAckAt),
		millis(inc.LastProgressAt), millis(inc.LastUpdateAt),
		policyID,
		millis(inc.Verification.FixedAt), passed,
		millis(rv.MeetingAt), millis(rv.DocumentAt), millis(rv.ActionItemsAt), millis(rv.CompletedAt),
		drillArg(inc.DrillID),
	}, nil
}

// policyText is the policy_snapshots text of an incident's SLA snapshot.
// json.Marshal writes a struct's fields in order, so equal policies give
// the same text and share a row.
func policyText(inc *model.Incident) (string, error) {
	b, err := json.Marshal(inc.Policy)
	if err != nil {
		return "", fmt.Errorf("%s: SLA snapshot: %w", inc.Key(), err)
	}
	return string(b), nil
}

// storePolicy is the id of inc's SLA snapshot in policy_snapshots, the row
// added within tx if no incident had that text yet. tx must be a write
// transaction (WithTx): it holds the write lock, so no other writer can
// add the same text between the look-up and the insert. Most writes find
// the text there and write nothing to the table.
func storePolicy(ctx context.Context, tx *sql.Tx, inc *model.Incident) (int64, error) {
	text, err := policyText(inc)
	if err != nil {
		return 0, err
	}
	return snapshotID(ctx, tx, text)
}

// snapshotID is the id of the policy_snapshots row holding text, added if
// there is none.
func snapshotID(ctx context.Context, tx *sql.Tx, text string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM policy_snapshots WHERE json = ?", text).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, "INSERT INTO policy_snapshots (json) VALUES (?) RETURNING id", text).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("SLA snapshot: %w", err)
	}
	return id, nil
}

// drillArg is the drill_id value of a drill id: NULL for a real incident.
func drillArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// checkMark is a model.CheckMark as verification_json holds it: the
// instant in unix milliseconds, like every instant of the database.
type checkMark struct {
	By string `json:"by"`
	At int64  `json:"at"`
}

// passedJSON is the verification_json value of the checks passed: a JSON
// object from check id to checkMark, NULL when none has passed (a nil and
// an empty map are both stored as NULL and read back as nil).
func passedJSON(passed map[model.VerificationCheck]model.CheckMark) (any, error) {
	if len(passed) == 0 {
		return nil, nil
	}
	marks := make(map[model.VerificationCheck]checkMark, len(passed))
	for id, m := range passed {
		if m.At.IsZero() {
			return nil, fmt.Errorf("%w: check %q passed at no time", model.ErrInvalid, id)
		}
		marks[id] = checkMark{By: m.By, At: m.At.UnixMilli()}
	}
	b, err := json.Marshal(marks) // keys sorted: the same map, the same text
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// scanPassed reads a verification_json value back.
func scanPassed(v sql.NullString) (map[model.VerificationCheck]model.CheckMark, error) {
	if !v.Valid {
		return nil, nil
	}
	var marks map[model.VerificationCheck]checkMark
	if err := json.Unmarshal([]byte(v.String), &marks); err != nil {
		return nil, err
	}
	if len(marks) == 0 {
		return nil, nil
	}
	passed := make(map[model.VerificationCheck]model.CheckMark, len(marks))
	for id, m := range marks {
		passed[id] = model.CheckMark{By: m.By, At: time.UnixMilli(m.At).UTC()}
	}
	return passed, nil
}

// incidentColumns are what scanIncident reads, from incidents aliased i:
// the header with its SLA snapshot's text (NULL if it has none, which the
// store never writes), then the services and the roles as JSON.
const incidentColumns = `i.id, i.number, i.title, i.severity, i.severity_reason, i.severity_override,
	i.phase, i.status, i.impact, i.customers_pct, i.created_by,
	i.started_at, i.detected_at, i.acknowledged_at, i.mitigated_at, i.resolved_at,
	i.post_mortem_at, i.closed_at, i.updated_at,
	i.tier, i.escalated_at, i.tier_ack_at, i.last_progress_at, i.last_update_at,
	(SELECT p.json FROM policy_snapshots p WHERE p.id = i.policy_id),
	i.fixed_at, i.verification_json,
	i.pir_meeting_at, i.pir_document_at, i.action_items_at, i.review_completed_at,
	coalesce(i.drill_id, 0),
	(SELECT json_group_array(s.service ORDER BY s.position) FROM incident_services s WHERE s.incident_id = i.id),
	(SELECT json_group_object(r.role, r.person) FROM roles r WHERE r.incident_id = i.id)`

// boardQuery is Board's one query: the incidents still on the board, found
// through incidents_status so that closed ones cost nothing, with their
// progress counted on their checklist items (found through the
// (incident_id, step_id) unique index). Counting in correlated subqueries
// rather than a join with GROUP BY spares SQLite sorting every item row
// with its incident's columns.
const boardQuery = `SELECT ` + incidentColumns + `,
	(SELECT count(*) FROM checklist_items c WHERE c.incident_id = i.id AND c.retired = 0),
	(SELECT count(*) FROM checklist_items c WHERE c.incident_id = i.id AND c.retired = 0 AND c.done = 1)
	FROM incidents i
	WHERE i.status IN ('open', 'resolved')`

// scanIncident scans a row of incidentColumns, followed by extra, into inc.
func scanIncident(row interface{ Scan(...any) error }, inc *model.Incident, extra ...any) error {
	var services, roles string
	var policy, passed sql.NullString
	rv := &inc.Review
	dest := []any{
		&inc.ID, &inc.Number, &inc.Title, &inc.Severity, &inc.SeverityReason, &inc.SeverityOverride,
		&inc.Phase, &inc.Status, &inc.Impact, &inc.CustomersPct, &inc.CreatedBy,
		instant{&inc.StartedAt}, instant{&inc.DetectedAt}, instant{&inc.AcknowledgedAt},
		instant{&inc.MitigatedAt}, instant{&inc.ResolvedAt}, instant{&inc.PostMortemAt},
		instant{&inc.ClosedAt}, instant{&inc.UpdatedAt},
		&inc.Tier, instant{&inc.EscalatedAt}, instant{&inc.TierAckAt},
		instant{&inc.LastProgressAt}, instant{&inc.LastUpdateAt},
		&policy,
		instant{&inc.Verification.FixedAt}, &passed,
		instant{&rv.MeetingAt}, instant{&rv.DocumentAt}, instant{&rv.ActionItemsAt}, instant{&rv.CompletedAt},
		&inc.DrillID,
		&services, &roles,
	}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return err
	}
	if !policy.Valid {
		return fmt.Errorf("%s: no SLA snapshot", inc.Key())
	}
	if err := json.Unmarshal([]byte(policy.String), &inc.Policy); err != nil {
		return fmt.Errorf("%s: SLA snapshot: %w", inc.Key(), err)
	}
	if err := json.Unmarshal([]byte(services), &inc.Services); err != nil {
		return fmt.Errorf("%s: services: %w", inc.Key(), err)
	}
	if err := json.Unmarshal([]byte(roles), &inc.Roles); err != nil {
		return fmt.Errorf("%s: roles: %w", inc.Key(), err)
	}
	var err error
	if inc.Verification.Passed, err = scanPassed(passed); err != nil {
		return fmt.Errorf("%s: verification: %w", inc.Key(), err)
	}
	return nil
}

// Declare stores a new incident, as built by model.Declare, with the
// timeline's first event ev. In one transaction it gives the incident the
// next number (INC-0001 for the first; inc.Number and the IDs are ignored)
// and inserts the incident, its services, checklist, roles and ev. It
// returns the incident as stored, IDs filled; inc is not modified.
//
// Like every write, it keeps the header's bookkeeping (UpdatedAt,
// LastProgressAt, LastUpdateAt) in step with the timeline: the header is
// stored as model's Incident.Record(ev) leaves it.
func (s *Store) Declare(ctx context.Context, inc *model.Incident, ev model.Event) (*model.Incident, error) {
	var out *model.Incident
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		_, number, err := s.declareTx(ctx, tx, inc, ev)
		if err != nil {
			return err
		}
		out, err = loadIncident(ctx, tx, number)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("declare: %w", err)
	}
	return out, nil
}

// declareTx is Declare's work within tx: it validates inc, records ev in
// its header, gives it the next number and inserts it with its services,
// checklist, roles and ev. It returns the new incident's id and number;
// inc is not modified.
func (s *Store) declareTx(ctx context.Context, tx *sql.Tx, inc *model.Incident, ev model.Event) (id, number int64, err error) {
	if err := inc.Validate(); err != nil {
		return 0, 0, err
	}
	recorded := *inc // Record changes only header times
	recorded.Record(ev)
	policyID, err := storePolicy(ctx, tx, &recorded)
	if err != nil {
		return 0, 0, err
	}
	args, err := headerArgs(&recorded, policyID)
	if err != nil {
		return 0, 0, err
	}
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(number), 0) + 1 FROM incidents").Scan(&number); err != nil {
		return 0, 0, err
	}
	res, err := tx.ExecContext(ctx, insertIncidentSQL, append([]any{number}, args...)...)
	if err != nil {
		return 0, 0, err
	}
	if id, err = res.LastInsertId(); err != nil {
		return 0, 0, err
	}
	if err := writeServices(ctx, tx, id, inc.Services); err != nil {
		return 0, 0, err
	}
	if err := insertItems(ctx, tx, id, inc.Checklist); err != nil {
		return 0, 0, err
	}
	if err := writeRoles(ctx, tx, id, nil, inc.Roles, ev.At); err != nil {
		return 0, 0, err
	}
	if err := s.insertEvent(ctx, tx, id, ev); err != nil {
		return 0, 0, err
	}
	return id, number, nil
}

// Board returns the incidents on the board, open and resolved (closed ones
// are left out), with their services, roles and checklist progress but
// neither checklist nor timeline, in no particular order (see
// model.SortBoard). It runs one query, whose cost does not grow with the
// number of closed incidents.
func (s *Store) Board(ctx context.Context) ([]*model.Incident, error) {
	rows, err := s.stmts.board.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("board: %w", err)
	}
	defer rows.Close()
	var board []*model.Incident
	for rows.Next() {
		inc := &model.Incident{}
		if err := scanIncident(rows, inc, &inc.Progress.Total, &inc.Progress.Done); err != nil {
			return nil, fmt.Errorf("board: %w", err)
		}
		board = append(board, inc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("board: %w", err)
	}
	return board, nil
}

// Get returns the whole incident with the given number: header, services,
// roles, the checklist (retired items included, in phase order then
// position), the timeline (by time, then in the order written) and the
// progress. It reads one consistent snapshot. An unknown number is
// model.ErrNotFound.
func (s *Store) Get(ctx context.Context, number int64) (*model.Incident, error) {
	var inc *model.Incident
	err := s.inTx(ctx, readOnly, func(tx *sql.Tx) error {
		var err error
		inc, err = loadIncident(ctx, tx, number)
		return err
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

// Apply runs one action on an incident in one write transaction: it loads
// the incident's header, services and roles (not its checklist or
// timeline), calls fn, which changes them and returns the event recording
// the action (fn is typically a closure over a model action such as
// inc.Acknowledge(now, actor)), records the event in the header
// (model's Incident.Record: the model's actions have done so already, and
// recording twice changes nothing), writes every header field, the
// services and the roles that changed, appends the event and commits. It
// returns the whole incident as committed.
//
// If fn fails, nothing is written and its error is returned as is. An
// unknown number is model.ErrNotFound; an incident fn leaves invalid is
// model.ErrInvalid.
func (s *Store) Apply(ctx context.Context, number int64, fn func(inc *model.Incident) (model.Event, error)) (*model.Incident, error) {
	var out *model.Incident
	var fnErr error
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		inc, err := loadHeader(ctx, tx, number)
		if err != nil {
			return err
		}
		id := inc.ID
		services := slices.Clone(inc.Services)
		roles := maps.Clone(inc.Roles)
		var ev model.Event
		if ev, fnErr = fn(inc); fnErr != nil {
			return fnErr
		}
		inc.Record(ev)
		if err := inc.Validate(); err != nil {
			return fmt.Errorf("%s: %w", model.FormatKey(number), err)
		}
		if err := updateHeader(ctx, tx, id, inc); err != nil {
			return err
		}
		if !slices.Equal(services, inc.Services) {
			if _, err := tx.ExecContext(ctx, "DELETE FROM incident_services WHERE incident_id = ?", id); err != nil {
				return err
			}
			if err := writeServices(ctx, tx, id, inc.Services); err != nil {
				return err
			}
		}
		if err := writeRoles(ctx, tx, id, roles, inc.Roles, ev.At); err != nil {
			return err
		}
		if err := s.insertEvent(ctx, tx, id, ev); err != nil {
			return err
		}
		out, err = loadIncident(ctx, tx, number)
		return err
	})
	switch {
	case fnErr != nil:
		return nil, fnErr
	case err != nil:
		return nil, err
	}
	return out, nil
}

// SetStep ticks (done) or unticks a checklist item of an incident, as actor
// at now. It is idempotent: an item already in that state is left alone
// and changed is false. Otherwise it records who ticked it and when (an
// untick clears both), appends a tick or untick event naming the step and
// records that event in the incident's header as model's Incident.Record
// does (updated_at moves on to now if later; a tick is progress, so
// last_progress_at does too; an untick is not), all in one transaction.
//
// An item that does not exist, belongs to another incident or was retired
// is model.ErrNotFound; an item of a closed incident is model.ErrConflict.
func (s *Store) SetStep(ctx context.Context, number, itemID int64, done bool, actor string, now time.Time) (changed bool, err error) {
	now = model.Millis(now)
	key := model.FormatKey(number)
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		var (
			incID           int64
			status          model.Status
			isDone, retired bool
			text            string
			rec             model.Incident // the header times Record needs
		)
		err := tx.StmtContext(ctx, s.stmts.stepState).QueryRowContext(ctx, itemID, number).
			Scan(&incID, &status, &isDone, &retired, &text,
				instant{&rec.UpdatedAt}, instant{&rec.LastProgressAt}, instant{&rec.LastUpdateAt})
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("%s has no checklist item %d: %w", key, itemID, model.ErrNotFound)
		case err != nil:
			return err
		case status == model.StatusClosed:
			return fmt.Errorf("%s is closed: %w", key, model.ErrConflict)
		case retired:
			return fmt.Errorf("%s: checklist item %d was retired: %w", key, itemID, model.ErrNotFound)
		case isDone == done:
			return nil
		}
		ev := model.Event{At: now, Actor: actor, Kind: model.EventTick, Text: text, ItemID: itemID}
		doneBy, doneAt := actor, millis(now)
		if !done {
			ev.Kind, doneBy, doneAt = model.EventUntick, "", nil
		}
		if _, err := tx.StmtContext(ctx, s.stmts.setStep).ExecContext(ctx, done, doneBy, doneAt, itemID); err != nil {
			return err
		}
		rec.Record(ev)
		if _, err := tx.StmtContext(ctx, s.stmts.record).ExecContext(ctx,
			millis(rec.UpdatedAt), millis(rec.LastProgressAt), millis(rec.LastUpdateAt), incID); err != nil {
			return err
		}
		changed = true
		return s.insertEvent(ctx, tx, incID, ev)
	})
	if err != nil {
		return false, err
	}
	return changed, nil
}

// ChangeSeverity moves an incident to the severity of policy to, with its
// playbook pb, in one transaction: model's Incident.ChangeSeverity changes
// the header and gives the event; model.SeverityChangeChecklist says which
// checklist items to retire, restore and add (done work is always kept).
// It returns the whole incident as committed. A playbook of another
// severity than to is model.ErrInvalid. from is the severity the caller
// saw: if the incident is no longer at it (another console changed it
// meanwhile) nothing changes and the error is model.ErrConflict; 0 skips
// the check.
func (s *Store) ChangeSeverity(ctx context.Context, number int64, from model.Severity, to model.SeverityPolicy, pb model.Playbook, reason, actor string, now time.Time) (*model.Incident, error) {
	if pb.Severity != to.Severity {
		return nil, fmt.Errorf("%w: the playbook is for %s, the policy for %s", model.ErrInvalid, pb.Severity, to.Severity)
	}
	var out *model.Incident
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		inc, err := loadIncident(ctx, tx, number)
		if err != nil {
			return err
		}
		if from != 0 && inc.Severity != from {
			// Decided on a screen that showed another severity: someone
			// changed it meanwhile. Look again rather than undo them.
			return fmt.Errorf("%w: %s is now %s (changed meanwhile, see the timeline); nothing changed", model.ErrConflict, inc.Key(), inc.Severity)
		}
		ev, err := inc.ChangeSeverity(now, actor, to, reason)
		if err != nil {
			return err
		}
		ch := model.SeverityChangeChecklist(inc.Checklist, pb)
		if err := setRetired(ctx, tx, ch.Retire, true); err != nil {
			return err
		}
		if err := setRetired(ctx, tx, ch.Restore, false); err != nil {
			return err
		}
		if err := insertItems(ctx, tx, inc.ID, ch.Add); err != nil {
			return err
		}
		if err := updateHeader(ctx, tx, inc.ID, inc); err != nil {
			return err
		}
		if err := s.insertEvent(ctx, tx, inc.ID, ev); err != nil {
			return err
		}
		out, err = loadIncident(ctx, tx, number)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadHeader loads an incident's header, services and roles.
func loadHeader(ctx context.Context, tx *sql.Tx, number int64) (*model.Incident, error) {
	inc := &model.Incident{}
	row := tx.QueryRowContext(ctx, "SELECT "+incidentColumns+" FROM incidents i WHERE i.number = ?", number)
	if err := scanIncident(row, inc); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("%s: %w", model.FormatKey(number), model.ErrNotFound)
		}
		return nil, err
	}
	return inc, nil
}

// loadIncident loads a whole incident: header, services, roles, checklist,
// timeline, and its progress.
func loadIncident(ctx context.Context, tx *sql.Tx, number int64) (*model.Incident, error) {
	inc, err := loadHeader(ctx, tx, number)
	if err != nil {
		return nil, err
	}
	if inc.Checklist, err = loadChecklist(ctx, tx, inc.ID); err != nil {
		return nil, err
	}
	if inc.Timeline, err = loadTimeline(ctx, tx, inc.ID); err != nil {
		return nil, err
	}
	inc.Progress = model.CountProgress(inc.Checklist)
	return inc, nil
}

func loadChecklist(ctx context.Context, tx *sql.Tx, incID int64) ([]model.ChecklistItem, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, step_id, severity, phase, phase_order, anchor,
		start_ms, end_ms, has_window, grp, text, position, done, done_by, done_at, retired
		FROM checklist_items WHERE incident_id = ? ORDER BY phase_order, position`, incID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []model.ChecklistItem
	for rows.Next() {
		var it model.ChecklistItem
		if err := rows.Scan(&it.ID, &it.StepID, &it.Severity, &it.Phase, &it.PhaseOrder, &it.From,
			duration{&it.Start}, duration{&it.End}, &it.HasWindow, &it.Group, &it.Text, &it.Position,
			&it.Done, &it.DoneBy, instant{&it.DoneAt}, &it.Retired); err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

func loadTimeline(ctx context.Context, tx *sql.Tx, incID int64) ([]model.Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, at, actor, kind, text, item_id
		FROM events WHERE incident_id = ? ORDER BY at, id`, incID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var events []model.Event
	for rows.Next() {
		var ev model.Event
		var item sql.NullInt64
		if err := rows.Scan(&ev.ID, instant{&ev.At}, &ev.Actor, &ev.Kind, &ev.Text, &item); err != nil {
			return nil, err
		}
		ev.ItemID = item.Int64
		events = append(events, ev)
	}
	return events, rows.Err()
}

// updateHeader writes every header column of incident row id from inc,
// its SLA snapshot through policy_snapshots (storePolicy), within the
// write transaction tx.
func updateHeader(ctx context.Context, tx *sql.Tx, id int64, inc *model.Incident) error {
	policyID, err := storePolicy(ctx, tx, inc)
	if err != nil {
		return err
	}
	args, err := headerArgs(inc, policyID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, updateIncidentSQL, append(args, id)...)
	return err
}

// writeServices inserts the incident's services in order.
func writeServices(ctx context.Context, tx *sql.Tx, incID int64, services []string) error {
	for pos, svc := range services {
		if _, err := tx.ExecContext(ctx, "INSERT INTO incident_services (incident_id, service, position) VALUES (?, ?, ?)",
			incID, svc, pos); err != nil {
			return err
		}
	}
	return nil
}

// writeRoles brings the stored roles from before to after: it deletes the
// roles no longer held and writes those assigned or reassigned, stamped at.
func writeRoles(ctx context.Context, tx *sql.Tx, incID int64, before, after map[model.Role]string, at time.Time) error {
	for role := range before {
		if after[role] == "" {
			if _, err := tx.ExecContext(ctx, "DELETE FROM roles WHERE incident_id = ? AND role = ?", incID, role); err != nil {
				return err
			}
		}
	}
	for role, person := range after {
		if person == "" || before[role] == person {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO roles (incident_id, role, person, assigned_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (incident_id, role) DO UPDATE SET person = excluded.person, assigned_at = excluded.assigned_at`,
			incID, role, person, millis(at)); err != nil {
			return err
		}
	}
	return nil
}

// insertItems inserts checklist items (their IDs are ignored).
func insertItems(ctx context.Context, tx *sql.Tx, incID int64, items []model.ChecklistItem) error {
	if len(items) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO checklist_items (incident_id, step_id, severity, phase,
		phase_order, anchor, start_ms, end_ms, has_window, grp, text, position, done, done_by, done_at, retired)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, it := range items {
		if _, err := stmt.ExecContext(ctx, incID, it.StepID, it.Severity, it.Phase, it.PhaseOrder, it.From,
			it.Start.Milliseconds(), it.End.Milliseconds(), it.HasWindow, it.Group, it.Text, it.Position,
			it.Done, it.DoneBy, millis(it.DoneAt), it.Retired); err != nil {
			return fmt.Errorf("checklist item %s: %w", it.StepID, err)
		}
	}
	return nil
}

// setRetired retires or restores checklist items.
func setRetired(ctx context.Context, tx *sql.Tx, ids []int64, retired bool) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, "UPDATE checklist_items SET retired = ? WHERE id = ?", retired, id); err != nil {
			return err
		}
	}
	return nil
}

// insertEvent appends an event to the incident's timeline.
func (s *Store) insertEvent(ctx context.Context, tx *sql.Tx, incID int64, ev model.Event) error {
	if ev.Kind == "" || ev.At.IsZero() {
		return fmt.Errorf("%w: an event needs a kind and a time", model.ErrInvalid)
	}
	var item any
	if ev.ItemID != 0 {
		item = ev.ItemID
	}
	_, err := tx.StmtContext(ctx, s.stmts.insertEvent).ExecContext(ctx, incID, millis(ev.At), ev.Actor, ev.Kind, ev.Text, item)
	return err
}
