package model

import (
	"fmt"
	"maps"
	"strings"
	"time"
	"unicode/utf8"
)

// EventAlert is the timeline kind of what an alert notification says about
// an incident's alerts: one firing, one still firing, one resolved, all of
// the group resolved. It is not progress (see IsProgress): an alert that
// keeps firing is no sign that anybody works on it, and it moves no clock.
const EventAlert EventKind = "alert"

// The statuses of an alert, as AlertRecord.Status holds them.
// Alertmanager and Grafana send firing or resolved; a PagerDuty event's
// action maps trigger to firing, acknowledge to acknowledged and resolve
// to resolved.
const (
	AlertFiring       = "firing"
	AlertAcknowledged = "acknowledged"
	AlertResolved     = "resolved"
)

// AlertRecord is what an incident keeps of each alert that was delivered
// for it, for its screen: one record per alert (Source, Fingerprint) per
// incident, updated by every later delivery of the same alert.
//
// Its strings are untrusted, as the monitoring system sent them (escape
// sequences and all): whatever shows one must neutralise it first (see
// PlainLine and Headline).
type AlertRecord struct {
	// Source is the monitoring system's format: alertmanager, grafana or
	// pagerduty.
	Source string
	// GroupKey is the alert group the alert came in (Alertmanager and
	// Grafana groupKey; PagerDuty dedup_key): the incident's identity at
	// the source.
	GroupKey string
	// Fingerprint identifies the alert within its source (Alertmanager
	// and Grafana fingerprint, PagerDuty dedup_key).
	Fingerprint string
	// Status is AlertFiring, AlertAcknowledged or AlertResolved: what the
	// latest delivery said.
	Status string
	// Summary, Description, RunbookURL and GeneratorURL are the alert's
	// summary and description annotations, its runbook link and the link
	// back to what raised it.
	Summary, Description, RunbookURL, GeneratorURL string
	// Labels and Annotations are the alert's, in full.
	Labels, Annotations map[string]string
	// StartsAt is when the alert started, as the source says (for a
	// PagerDuty trigger without a timestamp, when warroom heard of it);
	// zero if never said. A later delivery never moves it later, except
	// when a resolved alert fires again: then it is the new start.
	StartsAt time.Time
	// EndsAt is when a resolved alert ended: the source's endsAt, else
	// when warroom heard it resolved. Zero while it fires.
	EndsAt time.Time
	// LastSeen is when warroom last heard of the alert.
	LastSeen time.Time
}

// Active reports whether the alert still needs attention: firing or
// acknowledged, not resolved.
func (a AlertRecord) Active() bool { return a.Status != AlertResolved }

// headlineMax and fingerprintMax are how many runes of an alert's headline
// and fingerprint a timeline event quotes.
const (
	headlineMax    = 120
	fingerprintMax = 64
)

// Headline is the alert as a timeline event names it: its summary, else
// its alertname label, else its fingerprint, made one line of plain text
// (PlainLine), trimmed and cut to 120 runes.
func (a AlertRecord) Headline() string {
	for _, s := range []string{a.Summary, a.Labels["alertname"], a.Fingerprint} {
		if t := clipLine(s, headlineMax); t != "" {
			return t
		}
	}
	return "(no summary)"
}

// clipLine is s as one trimmed line of plain text cut to n runes, the
// last an ellipsis when cut.
func clipLine(s string, n int) string {
	t := strings.TrimSpace(PlainLine(s))
	if utf8.RuneCountInString(t) <= n {
		return t
	}
	return strings.TrimSpace(string([]rune(t)[:n-1])) + "…"
}

// ValidateAlert checks what every stored alert record must have: a
// source, a fingerprint and a known status.
func ValidateAlert(a AlertRecord) error {
	switch {
	case strings.TrimSpace(a.Source) == "":
		return fmt.Errorf("%w: an alert needs a source", ErrInvalid)
	case strings.TrimSpace(a.Fingerprint) == "":
		return fmt.Errorf("%w: an alert needs a fingerprint", ErrInvalid)
	case a.Status != AlertFiring && a.Status != AlertAcknowledged && a.Status != AlertResolved:
		return fmt.Errorf("%w: alert %s: status %q is not firing, acknowledged or resolved",
			ErrInvalid, clipLine(a.Fingerprint, fingerprintMax), clipLine(a.Status, 20))
	}
	return nil
}

// DeliverAlerts is the rule for one delivery of an alert group to its
// incident: given the incident's alerts of that source as stored, by
// fingerprint, and the alerts delivered, it returns the records to store
// (merged, in delivery order; a fingerprint delivered twice counts once,
// the last copy winning) and the timeline events to append, all at now and
// by actor:
//
//   - a new alert: "alert firing: <headline> [<fingerprint>]" (or
//     "alert acknowledged: ...", "alert resolved: ...");
//   - an alert whose status changed: "alert resolved: ...", "alert
//     acknowledged: ...", or "alert firing again: ..." for a resolved one
//     that fires again;
//   - alerts repeated with the status they had: one event per status for
//     the whole delivery, "alert still firing: <headline> [<fingerprint>]",
//     or "3 alerts still firing: <first headline> [fp1, fp2, fp3]" (also
//     "still acknowledged", "already resolved");
//   - then, when this delivery resolved the last alert of the group that
//     was still active: "all N alerts of the group resolved" ("the only
//     alert of the group resolved" when N is 1).
//
// So every delivery leaves at least one event, and a delivery repeated
// adds one event per status, however many alerts it repeats. Headlines and
// fingerprints are made plain text and cut (Headline).
//
// Merging keeps what a terse delivery leaves out (a PagerDuty acknowledge
// or resolve carries no summary or labels, a resolved Alertmanager alert
// may carry fewer annotations): an empty string keeps the stored value,
// and labels and annotations are merged key by key, the delivered values
// winning. StartsAt never moves later, except for an alert that
// fires again. A resolved alert without an end time gets now. LastSeen is
// now. Nothing here touches the incident's clocks: EventAlert is not
// progress, and the incident's start and detection times are the
// declaration's.
func DeliverAlerts(stored map[string]AlertRecord, delivered []AlertRecord, actor string, now time.Time) ([]AlertRecord, []Event) {
	now = Millis(now)
	order := make([]string, 0, len(delivered))
	merged := make(map[string]AlertRecord, len(delivered))
	for _, in := range delivered {
		if _, seen := merged[in.Fingerprint]; !seen {
			order = append(order, in.Fingerprint)
		}
		prev, ok := stored[in.Fingerprint]
		merged[in.Fingerprint] = mergeAlert(prev, ok, in, now)
	}

	activeBefore := 0
	for _, a := range stored {
		if a.Active() {
			activeBefore++
		}
	}
	out := make([]AlertRecord, 0, len(order))
	var events []Event
	repeats := map[string][]AlertRecord{}
	resolvedNow := false
	for _, fp := range order {
		a := merged[fp]
		out = append(out, a)
		prev, known := stored[fp]
		var verb string
		switch {
		case known && prev.Status == a.Status:
			repeats[a.Status] = append(repeats[a.Status], a)
			continue
		case a.Status == AlertFiring && known && prev.Status == AlertResolved:
			verb = "alert firing again"
		case a.Status == AlertFiring:
			verb = "alert firing"
		case a.Status == AlertAcknowledged:
			verb = "alert acknowledged"
		default:
			verb = "alert resolved"
			resolvedNow = resolvedNow || (known && prev.Active())
		}
		events = append(events, alertEvent(now, actor, verb, []AlertRecord{a}))
	}
	for _, st := range []string{AlertFiring, AlertAcknowledged, AlertResolved} {
		rs := repeats[st]
		if len(rs) == 0 {
			continue
		}
		verb := map[string]string{AlertFiring: "still firing", AlertAcknowledged: "still acknowledged", AlertResolved: "already resolved"}[st]
		if len(rs) == 1 {
			verb = "alert " + verb
		} else {
			verb = fmt.Sprintf("%d alerts %s", len(rs), verb)
		}
		events = append(events, alertEvent(now, actor, verb, rs))
	}

	// After the delivery: the stored alerts with the merged ones over them.
	total, active := len(stored), activeBefore
	for _, fp := range order {
		a := merged[fp]
		prev, known := stored[fp]
		if !known {
			total++
		}
		if known && prev.Active() {
			active--
		}
		if a.Active() {
			active++
		}
	}
	if resolvedNow && active == 0 {
		text := fmt.Sprintf("all %d alerts of the group resolved", total)
		if total == 1 {
			text = "the only alert of the group resolved"
		}
		events = append(events, Event{At: now, Actor: actor, Kind: EventAlert, Text: text})
	}
	return out, events
}

// maxListed is how many fingerprints an event about repeated alerts names.
const maxListed = 5

// alertEvent is "<verb>: <headline of the first> [fp1, fp2, …]".
func alertEvent(now time.Time, actor, verb string, as []AlertRecord) Event {
	fps := make([]string, 0, min(len(as), maxListed)+1)
	for i, a := range as {
		if i == maxListed {
			fps = append(fps, fmt.Sprintf("+%d more", len(as)-maxListed))
			break
		}
		fps = append(fps, clipLine(a.Fingerprint, fingerprintMax))
	}
	return Event{At: now, Actor: actor, Kind: EventAlert,
		Text: fmt.Sprintf("%s: %s [%s]", verb, as[0].Headline(), strings.Join(fps, ", "))}
}

// mergeAlert is the record of an alert after a delivery in (prev is the
// stored one when known).
func mergeAlert(prev AlertRecord, known bool, in AlertRecord, now time.Time) AlertRecord {
	a := in
	a.StartsAt, a.EndsAt, a.LastSeen = Millis(in.StartsAt), Millis(in.EndsAt), now
	if known {
		keep := func(dst *string, old string) {
			if *dst == "" {
				*dst = old
			}
		}
		keep(&a.GroupKey, prev.GroupKey)
		keep(&a.Summary, prev.Summary)
		keep(&a.Description, prev.Description)
		keep(&a.RunbookURL, prev.RunbookURL)
		keep(&a.GeneratorURL, prev.GeneratorURL)
		a.Labels = mergeMap(prev.Labels, a.Labels)
		a.Annotations = mergeMap(prev.Annotations, a.Annotations)
		refired := prev.Status == AlertResolved && a.Status == AlertFiring
		if !refired && !prev.StartsAt.IsZero() && (a.StartsAt.IsZero() || prev.StartsAt.Before(a.StartsAt)) {
			a.StartsAt = prev.StartsAt
		}
		if a.Status == AlertResolved && a.EndsAt.IsZero() && prev.Status == AlertResolved {
			a.EndsAt = prev.EndsAt
		}
	}
	if a.Status == AlertResolved && a.EndsAt.IsZero() {
		a.EndsAt = now
	}
	if a.Status != AlertResolved {
		a.EndsAt = time.Time{}
	}
	if a.Labels == nil {
		a.Labels = map[string]string{}
	}
	if a.Annotations == nil {
		a.Annotations = map[string]string{}
	}
	return a
}

// mergeMap is old with over's entries over it, in a new map.
func mergeMap(old, over map[string]string) map[string]string {
	m := make(map[string]string, len(old)+len(over))
	maps.Copy(m, old)
	maps.Copy(m, over)
	return m
}
