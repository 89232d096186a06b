package ingest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/model"
)

// Recorder stores one delivery of an alert group atomically: it is
// store.Store's RecordAlerts. It returns the number of the incident the
// group feeds and whether this delivery declared it; number 0 when nothing
// was noted (no alert fires and no incident of the group is open).
type Recorder interface {
	RecordAlerts(ctx context.Context, source, groupKey string, alerts []model.AlertRecord, declare model.Declaration, cat model.Catalog, actor string, now time.Time) (number int64, created bool, err error)
}

// Result is what Apply did with a notification.
type Result struct {
	// Source is the notification's format.
	Source string
	// Groups are the notification's alert groups, in the order their
	// first alert came.
	Groups []GroupResult
	// Problems are what was left out of the notification as a whole: the
	// alerts Parse skipped (Notification.Problems, as Problem.String
	// writes them) and the alerts the sender truncated.
	Problems []string
}

// GroupResult is what Apply did with one alert group.
type GroupResult struct {
	// GroupKey is the group's key, untrusted, as received.
	GroupKey string
	// Number and Key name the incident the group fed; 0 and "" when
	// nothing was noted (see Problems).
	Number int64
	Key    string
	// Created is true when this delivery declared the incident.
	Created bool
	// Alerts is how many alerts of the group were taken (0 when nothing
	// was noted).
	Alerts int
	// Problems says why a group was not noted.
	Problems []string
}

// Noted reports whether the group reached an incident.
func (g GroupResult) Noted() bool { return g.Number != 0 }

// unknownSeverity is the raw severity's stand-in in a reason when the
// alert has none.
const unknownSeverity = "(absent)"

// Apply takes a parsed notification into the store: each alert group in
// one call of st.RecordAlerts (one transaction), the groups in order. The
// alerts are grouped by their GroupKey: an Alertmanager or Grafana
// notification is one group (its groupKey), a PagerDuty event one group
// (its dedup_key).
//
// When a group has no open incident and one of its alerts fires, the
// incident declared is, from the group's firing alerts:
//
//   - titled by the first firing alert's Title (the alert's summary,
//     alertname or fingerprint, made plain);
//   - of the most severe severity sm gives them (SeverityMap.For), set
//     as the commander's choice with the reason "mapped from alert label
//     severity=critical" (the label and value that gave it, or "default"
//     when no alert had a mapped value). The §2.2 assessment has nothing to
//     go on, business impact "other" and 0% of customers (P4), until the
//     commander says: a P4 mapping is therefore not an override;
//   - started at the earliest StartsAt of the firing alerts (never later
//     than now: a sender's clock ahead of ours does not make the incident
//     start after it was detected) and detected now, so the detection
//     deadline measures from when the problem began to when warroom heard;
//   - on the catalog services that the alerts' "service" labels name by
//     id or name (others are ignored).
//
// A firing alert without a start time (a PagerDuty trigger without a
// timestamp) is stamped now. actor is who the timeline records.
//
// A group whose alerts are all resolved (or acknowledged) and which has no
// open incident notes nothing and creates nothing: its GroupResult has
// Number 0 and says so in Problems. A notification without alerts (every
// alert of the batch was invalid) records nothing; Result.Problems says
// why.
//
// The first error of st stops Apply; the groups before it are stored and
// listed in the Result returned with it (a notification holds one group
// but for a malformed sender's).
func Apply(ctx context.Context, st Recorder, n Notification, cat model.Catalog, sm SeverityMap, actor string, now time.Time) (Result, error) {
	now = model.Millis(now)
	res := Result{Source: n.Source}
	for _, p := range n.Problems {
		res.Problems = append(res.Problems, "skipped "+p.String())
	}
	if n.Truncated > 0 {
		res.Problems = append(res.Problems, fmt.Sprintf("the sender left out %d alert(s) of the group (truncatedAlerts)", n.Truncated))
	}
	var keys []string
	groups := map[string][]Alert{}
	for _, a := range n.Alerts {
		if _, ok := groups[a.GroupKey]; !ok {
			keys = append(keys, a.GroupKey)
		}
		groups[a.GroupKey] = append(groups[a.GroupKey], a)
	}
	for _, key := range keys {
		alerts := groups[key]
		records := make([]model.AlertRecord, len(alerts))
		for i, a := range alerts {
			records[i] = record(a, now)
		}
		source := alerts[0].Source
		if source == "" {
			source = n.Source
		}
		d := declaration(alerts, cat, sm, actor, now)
		number, created, err := st.RecordAlerts(ctx, source, key, records, d, cat, actor, now)
		if err != nil {
			return res, err
		}
		g := GroupResult{GroupKey: key, Number: number, Created: created}
		if number == 0 {
			g.Problems = []string{"no alert fires and the group has no open incident"}
		} else {
			g.Key, g.Alerts = model.FormatKey(number), len(alerts)
		}
		res.Groups = append(res.Groups, g)
	}
	return res, nil
}

// record is what an incident keeps of an alert.
func record(a Alert, now time.Time) model.AlertRecord {
	r := model.AlertRecord{
		Source: a.Source, GroupKey: a.GroupKey, Fingerprint: a.Fingerprint, Status: a.Status,
		Summary: a.Summary, Description: a.Description, RunbookURL: a.RunbookURL, GeneratorURL: a.GeneratorURL,
		Labels: a.Labels, Annotations: a.Annotations,
		StartsAt: a.StartsAt, EndsAt: a.EndsAt, LastSeen: now,
	}
	if r.Status == StatusFiring && r.StartsAt.IsZero() {
		r.StartsAt = now
	}
	return r
}

// declaration is the incident a group's delivery declares if it has none
// open (see Apply).
func declaration(alerts []Alert, cat model.Catalog, sm SeverityMap, actor string, now time.Time) model.Declaration {
	firing := make([]Alert, 0, len(alerts))
	for _, a := range alerts {
		if a.Status == StatusFiring {
			firing = append(firing, a)
		}
	}
	if len(firing) == 0 {
		firing = alerts // nothing will be declared; keep the declaration whole anyway
	}
	d := model.Declaration{
		Impact: model.ImpactOther, DetectedAt: now, StartedAt: now, Actor: actor,
	}
	d.Title = firing[0].Title()
	if d.Title == "" {
		d.Title = "alert from " + firing[0].Source
	}
	best, why := model.Severity(0), ""
	for _, a := range firing {
		sev := sm.For(a)
		if best == 0 || sev < best {
			best, why = sev, severityReason(sm, a)
		}
		if s := model.Millis(a.StartsAt); !s.IsZero() && s.Before(d.StartedAt) {
			d.StartedAt = s
		}
		if svc, ok := cat.Service(a.Labels["service"]); ok && !slices.Contains(d.Services, svc.ID) {
			d.Services = append(d.Services, svc.ID)
		}
	}
	d.Severity, d.OverrideReason = best, why
	return d
}

// severityReason says where an alert's severity came from: "mapped from
// alert label severity=critical", or the map's default.
func severityReason(sm SeverityMap, a Alert) string {
	name, v := "severity", a.Severity
	if sm.Label != "" {
		name, v = sm.Label, a.Labels[sm.Label]
	}
	where := "alert label " + plainShort(name)
	if sm.Label == "" {
		where = "alert severity"
	}
	key := strings.ToLower(strings.TrimSpace(v))
	if _, ok := sm.Values[key]; ok {
		return fmt.Sprintf("mapped from %s=%s", where, plainShort(key))
	}
	if strings.TrimSpace(v) == "" {
		return fmt.Sprintf("default severity: %s %s", where, unknownSeverity)
	}
	return fmt.Sprintf("default severity: %s=%s is not mapped", where, strconv.Quote(plainShort(v)))
}

// plainShort is an untrusted value for a reason: one plain line, at most
// 40 runes.
func plainShort(s string) string {
	t := strings.TrimSpace(model.PlainLine(s))
	if rs := []rune(t); len(rs) > 40 {
		t = string(rs[:39]) + "…"
	}
	return t
}
