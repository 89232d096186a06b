package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/model"
)

// RecordAlerts takes one delivery of an alert group, (source, groupKey),
// in one write transaction: the delivery is stored whole or not at all,
// and deliveries of the same group, from any process, queue for the write
// lock and see each other's commits, so a group never opens two incidents.
//
//   - It finds the open incident the group feeds (alert_groups). If there
//     is none (never seen, or the one it fed is resolved or closed) and
//     one of alerts fires, it declares a new incident: model.Declare(declare,
//     cat), stored as Declare stores one, and points the group at it
//     (created is true). If none fires (all resolved or acknowledged), it
//     changes nothing and returns number 0: a resolution for an incident
//     that is not open has nothing to note.
//   - It stores each alert (one row per incident, source and fingerprint,
//     merged with what was stored) and appends the timeline events of
//     model.DeliverAlerts, all stamped now and by actor, recording them in
//     the header as model's Incident.Record does. EventAlert is not
//     progress, and an existing incident's start and detection times, and
//     so its SLA clocks, are never touched.
//
// An alert without a fingerprint or with an unknown status, an empty
// source or group key, no alerts at all, or a declaration model.Declare
// refuses, is model.ErrInvalid and nothing is written.
func (s *Store) RecordAlerts(ctx context.Context, source, groupKey string, alerts []model.AlertRecord, declare model.Declaration, cat model.Catalog, actor string, now time.Time) (number int64, created bool, err error) {
	if strings.TrimSpace(source) == "" || strings.TrimSpace(groupKey) == "" {
		return 0, false, fmt.Errorf("%w: an alert group needs a source and a key", model.ErrInvalid)
	}
	if len(alerts) == 0 {
		return 0, false, fmt.Errorf("%w: no alerts to record", model.ErrInvalid)
	}
	alerts = slices.Clone(alerts)
	firing := false
	for i := range alerts {
		alerts[i].Source = source // the group's, whatever the record said
		if err := model.ValidateAlert(alerts[i]); err != nil {
			return 0, false, err
		}
		firing = firing || alerts[i].Status == model.AlertFiring
	}
	now = model.Millis(now)
	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		var (
			id     int64
			status model.Status
			rec    model.Incident // the header times Record needs
		)
		err := tx.QueryRowContext(ctx, `SELECT i.id, i.number, i.status, i.updated_at, i.last_progress_at, i.last_update_at
			FROM alert_groups g JOIN incidents i ON i.id = g.incident_id
			WHERE g.source = ? AND g.group_key = ?`, source, groupKey).
			Scan(&id, &number, &status, instant{&rec.UpdatedAt}, instant{&rec.LastProgressAt}, instant{&rec.LastUpdateAt})
		found := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if !found || status != model.StatusOpen {
			number = 0
			if !firing {
				return nil // nothing open to note a resolution on
			}
			inc, ev, err := model.Declare(declare, cat)
			if err != nil {
				return err
			}
			if id, number, err = s.declareTx(ctx, tx, inc, ev); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO alert_groups (source, group_key, incident_id, created_at)
				VALUES (?, ?, ?, ?)
				ON CONFLICT (source, group_key) DO UPDATE SET incident_id = excluded.incident_id, created_at = excluded.created_at`,
				source, groupKey, id, millis(now)); err != nil {
				return err
			}
			rec = *inc
			rec.Record(ev)
			created = true
		}
		stored, err := loadAlerts(ctx, tx, "incident_id = ? AND source = ?", id, source)
		if err != nil {
			return err
		}
		byFP := make(map[string]model.AlertRecord, len(stored))
		for _, a := range stored {
			byFP[a.Fingerprint] = a
		}
		merged, events := model.DeliverAlerts(byFP, alerts, actor, now)
		for _, a := range merged {
			if err := upsertAlert(ctx, tx, id, a); err != nil {
				return err
			}
		}
		for _, ev := range events {
			rec.Record(ev)
			if err := s.insertEvent(ctx, tx, id, ev); err != nil {
				return err
			}
		}
		_, err = tx.StmtContext(ctx, s.stmts.record).ExecContext(ctx,
			millis(rec.UpdatedAt), millis(rec.LastProgressAt), millis(rec.LastUpdateAt), id)
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("record alerts: %w", err)
	}
	return number, created, nil
}

// IncidentAlerts returns the alerts delivered for an incident, for its
// screen: the active ones (firing, acknowledged) first, then by start time
// (unknown last), source and fingerprint. An unknown number is
// model.ErrNotFound; an incident no alert fed has none (nil).
func (s *Store) IncidentAlerts(ctx context.Context, number int64) ([]model.AlertRecord, error) {
	var out []model.AlertRecord
	err := s.inTx(ctx, readOnly, func(tx *sql.Tx) error {
		id, err := incidentID(ctx, tx, number)
		if err != nil {
			return err
		}
		out, err = loadAlerts(ctx, tx, "incident_id = ?", id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("incident alerts: %w", err)
	}
	return out, nil
}

// loadAlerts reads the incident_alerts rows matching where, ordered as
// IncidentAlerts documents.
func loadAlerts(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]model.AlertRecord, error) {
	rows, err := tx.QueryContext(ctx, `SELECT source, group_key, fingerprint, status, summary, description,
		labels_json, annotations_json, runbook_url, generator_url, starts_at, ends_at, last_seen
		FROM incident_alerts WHERE `+where+`
		ORDER BY status = 'resolved', starts_at IS NULL, starts_at, source, fingerprint`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.AlertRecord
	for rows.Next() {
		var a model.AlertRecord
		var labels, annotations string
		if err := rows.Scan(&a.Source, &a.GroupKey, &a.Fingerprint, &a.Status, &a.Summary, &a.Description,
			&labels, &annotations, &a.RunbookURL, &a.GeneratorURL,
			instant{&a.StartsAt}, instant{&a.EndsAt}, instant{&a.LastSeen}); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(labels), &a.Labels); err != nil {
			return nil, fmt.Errorf("alert %q: labels: %w", a.Fingerprint, err)
		}
		if err := json.Unmarshal([]byte(annotations), &a.Annotations); err != nil {
			return nil, fmt.Errorf("alert %q: annotations: %w", a.Fingerprint, err)
		}
		if a.Labels == nil {
			a.Labels = map[string]string{}
		}
		if a.Annotations == nil {
			a.Annotations = map[string]string{}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// upsertAlert writes an alert record of an incident, replacing the stored
// one of the same source and fingerprint.
func upsertAlert(ctx context.Context, tx *sql.Tx, incID int64, a model.AlertRecord) error {
	labels, err := stringMapJSON(a.Labels)
	if err != nil {
		return err
	}
	annotations, err := stringMapJSON(a.Annotations)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO incident_alerts (incident_id, source, fingerprint, group_key, status,
			summary, description, labels_json, annotations_json, runbook_url, generator_url,
			starts_at, ends_at, last_seen)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident_id, source, fingerprint) DO UPDATE SET
			group_key = excluded.group_key, status = excluded.status,
			summary = excluded.summary, description = excluded.description,
			labels_json = excluded.labels_json, annotations_json = excluded.annotations_json,
			runbook_url = excluded.runbook_url, generator_url = excluded.generator_url,
			starts_at = excluded.starts_at, ends_at = excluded.ends_at, last_seen = excluded.last_seen`,
		incID, a.Source, a.Fingerprint, a.GroupKey, a.Status, a.Summary, a.Description, labels, annotations,
		a.RunbookURL, a.GeneratorURL, millis(a.StartsAt), millis(a.EndsAt), millis(a.LastSeen))
	if err != nil {
		return fmt.Errorf("alert %q: %w", a.Fingerprint, err)
	}
	return nil
}

// stringMapJSON is a labels or annotations column value: a JSON object,
// keys sorted, "{}" for none.
func stringMapJSON(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}
