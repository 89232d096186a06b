package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/warroom/warroom/model"
)

// MaxPayload is the largest payload accepted, in bytes (1 MiB). Alertmanager
// and Grafana cap a batch with max_alerts / truncatedAlerts long before it,
// and a PagerDuty event is limited to 512 KB; anything bigger is refused
// whole rather than parsed in part.
const MaxPayload = 1 << 20

// MaxKeyLen is the longest fingerprint or dedup_key accepted, in
// characters (runes): PagerDuty's limit for dedup_key, applied to every
// source. Alertmanager and Grafana fingerprints are 16 hex digits.
const MaxKeyLen = 255

// TitleMax is the longest title Alert.Title returns, in runes.
const TitleMax = 200

// The formats Parse reads, as named on the command line (--format) and in
// Alert.Source and Notification.Source.
const (
	FormatAlertmanager = "alertmanager" // Prometheus Alertmanager webhook_config, version "4"
	FormatGrafana      = "grafana"      // Grafana webhook contact point, version "1"
	FormatPagerDuty    = "pagerduty"    // PagerDuty Events API v2 enqueue event
)

// Formats lists the formats Parse reads.
var Formats = []string{FormatAlertmanager, FormatGrafana, FormatPagerDuty}

// Alert and notification statuses. Alertmanager and Grafana send firing or
// resolved; a PagerDuty event_action maps trigger to firing, acknowledge to
// acknowledged and resolve to resolved.
const (
	StatusFiring       = "firing"
	StatusResolved     = "resolved"
	StatusAcknowledged = "acknowledged"
)

// Sentinel errors, wrapped by *Error (test with errors.Is).
var (
	// ErrTooLarge: the payload is over MaxPayload bytes.
	ErrTooLarge = errors.New("payload too large")
	// ErrNotIncident: the payload is a PagerDuty change event, which
	// records a change rather than raising an incident.
	ErrNotIncident = errors.New("not an incident event")
	// ErrUnknownFormat: Parse was given a format it does not read, or
	// Detect could not tell the format from the payload's shape.
	ErrUnknownFormat = errors.New("unknown format")
)

// Alert is one alert of a notification, normalized. Its strings are
// untrusted and kept as received: use Title for display.
type Alert struct {
	// Source is the format the alert came in: alertmanager, grafana or
	// pagerduty.
	Source string
	// GroupKey is the notification's group key (Alertmanager and Grafana
	// groupKey; for PagerDuty, the dedup_key).
	GroupKey string
	// Fingerprint is the dedup identity of this alert within its source:
	// the Alertmanager fingerprint, the Grafana fingerprint, the PagerDuty
	// dedup_key. Never empty, at most MaxKeyLen runes.
	Fingerprint string
	// Status is firing or resolved; a PagerDuty event can also be
	// acknowledged (trigger -> firing, acknowledge -> acknowledged,
	// resolve -> resolved).
	Status string
	// Summary and Description are the summary and description
	// annotations (for PagerDuty, payload.summary; no description).
	Summary, Description string
	// Labels are the alert's labels. For PagerDuty: payload severity,
	// source, component, group and class, those that are set. Never nil.
	Labels map[string]string
	// Annotations are the alert's annotations. For PagerDuty: the members
	// of payload.custom_details, strings as they are and other values as
	// compact JSON (a custom_details that is not an object becomes the
	// one annotation "custom_details"). Never nil.
	Annotations map[string]string
	// StartsAt is when the alert started (PagerDuty: payload.timestamp).
	// It is never zero on a firing Alertmanager or Grafana alert. It is
	// zero on a PagerDuty trigger without a timestamp (the Events API makes
	// it optional: PagerDuty uses the time of receipt, so the caller should
	// stamp it with its own clock) and on acknowledge and resolve events.
	// Times are converted to UTC; sub-millisecond precision is kept.
	StartsAt time.Time
	// EndsAt is when a resolved alert ended; zero while it fires (the
	// "0001-01-01T00:00:00Z" Alertmanager sends for a firing alert) or
	// when the source did not say.
	EndsAt time.Time
	// RunbookURL is the runbook_url annotation (PagerDuty: the
	// custom_details runbook_url string, else the href of the first link
	// whose text is "runbook" in any case).
	RunbookURL string
	// GeneratorURL links back to what raised the alert: the alert's
	// generatorURL (PagerDuty: client_url).
	GeneratorURL string
	// Severity is the raw severity: the "severity" label (PagerDuty:
	// payload.severity, one of critical, error, warning, info), "" when
	// absent. SeverityMap turns it into a model.Severity.
	Severity string
}

// Title is the alert's title for an incident: its summary, else its
// alertname label, else its fingerprint, made plain (model.PlainLine:
// escape sequences, control and invisible characters removed, one line),
// trimmed, and cut to TitleMax runes (the last one an ellipsis when cut).
func (a Alert) Title() string {
	t := ""
	for _, s := range []string{a.Summary, a.Labels["alertname"], a.Fingerprint} {
		if t = strings.TrimSpace(model.PlainLine(s)); t != "" {
			break
		}
	}
	if utf8.RuneCountInString(t) <= TitleMax {
		return t
	}
	rs := []rune(t)
	return strings.TrimSpace(string(rs[:TitleMax-1])) + "…"
}

// Notification is one webhook delivery or event: the alerts it carries,
// normalized, in the order received.
type Notification struct {
	// Source is the format: alertmanager, grafana or pagerduty.
	Source string
	// GroupKey identifies the alert group (Alertmanager and Grafana
	// groupKey; for PagerDuty, the dedup_key).
	GroupKey string
	// Status is the delivery's status: firing if any alert of the group
	// fires, else resolved (as the sender says); for PagerDuty, the one
	// alert's status.
	Status string
	// Alerts are the valid alerts. Never nil after a successful Parse;
	// empty when every alert of the batch was invalid (see Problems).
	Alerts []Alert
	// Truncated is how many alerts the sender left out of the batch
	// (truncatedAlerts, with max_alerts); 0 for PagerDuty.
	Truncated int
	// Problems lists the alerts of the batch that were invalid and
	// skipped, in order; nil when there were none.
	Problems []Problem
}

// Problem is an alert of a batch that was skipped because it is invalid.
type Problem struct {
	// Index is the alert's position in the payload's alerts array.
	Index int
	// Field is the offending field within the alert ("startsAt",
	// "labels.severity"); "" for the alert as a whole.
	Field string
	// Reason says what is wrong, e.g. "is missing".
	Reason string
	// Fingerprint is the alert's fingerprint, when it could be read.
	Fingerprint string
}

// String reads "alerts[1].startsAt: is missing".
func (p Problem) String() string {
	at := fmt.Sprintf("alerts[%d]", p.Index)
	if p.Field != "" {
		at += "." + p.Field
	}
	return at + ": " + p.Reason
}

// Error is why a payload was refused as a whole: nothing of it was taken.
type Error struct {
	// Format is the format being read; "" when it was not known (Detect,
	// an unknown format).
	Format string
	// Field is where the payload is wrong, as a path ("alerts",
	// "payload.severity", "alerts[2]"); "" for the payload as a whole.
	Field string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying error, if any: ErrTooLarge, ErrNotIncident,
	// ErrUnknownFormat, a *json.SyntaxError, or a read error.
	Err error
}

// Error reads "alertmanager payload: version: is "3", want "4"".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Format != "" {
		b.WriteString(e.Format)
		b.WriteByte(' ')
	}
	b.WriteString("payload: ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// ReadPayload reads a whole payload from r, at most MaxPayload+1 bytes: a
// bigger one is refused with an *Error wrapping ErrTooLarge, an empty one
// with an *Error too. Use it to read a payload once for Detect and then
// Parse it from a bytes.Reader.
func ReadPayload(r io.Reader) ([]byte, error) {
	if r == nil {
		return nil, &Error{Reason: "no payload (nil reader)"}
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxPayload+1))
	if err != nil {
		return nil, &Error{Reason: "reading the payload: " + err.Error(), Err: err}
	}
	if err := checkSize(b); err != nil {
		return nil, err
	}
	return b, nil
}

func checkSize(b []byte) *Error {
	if len(b) > MaxPayload {
		return &Error{Reason: fmt.Sprintf("over the %d-byte limit (1 MiB): refused whole", MaxPayload), Err: ErrTooLarge}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return &Error{Reason: "is empty"}
	}
	return nil
}

type parser func(top object) (Notification, *Error)

var parsers = map[string]parser{
	FormatAlertmanager: parseAlertmanager,
	FormatGrafana:      parseGrafana,
	FormatPagerDuty:    parsePagerDuty,
}

// Parse reads one notification in the given format (FormatAlertmanager,
// FormatGrafana or FormatPagerDuty, spelled exactly) from r, reading at
// most MaxPayload+1 bytes.
//
// An error is always an *Error and means nothing was taken: the
// Notification is then the zero value. Invalid alerts of a valid batch are
// not errors: they are skipped and listed in Notification.Problems. See
// the package documentation for the rules.
func Parse(format string, r io.Reader) (Notification, error) {
	p, ok := parsers[format]
	if !ok {
		return Notification{}, &Error{
			Reason: fmt.Sprintf("unknown format %s (want %s)", quote(format), strings.Join(Formats, ", ")),
			Err:    ErrUnknownFormat,
		}
	}
	b, err := ReadPayload(r)
	if err != nil {
		err.(*Error).Format = format
		return Notification{}, err
	}
	top, e := decodeTop(b)
	if e == nil {
		var n Notification
		if n, e = p(top); e == nil {
			return n, nil
		}
	}
	e.Format = format
	return Notification{}, e
}

// Detect guesses the format of a payload from its JSON shape, for a
// payload that comes without --format:
//
//   - routing_key, event_action or dedup_key at the top: pagerduty (a
//     change event is detected as pagerduty too; Parse then refuses it
//     with ErrNotIncident);
//   - an alerts member and version "1", or Grafana's own orgId, state,
//     title or message members: grafana;
//   - any other payload with an alerts member: alertmanager (Parse then
//     checks its version).
//
// Anything else is an *Error wrapping ErrUnknownFormat; so are payloads
// that are over MaxPayload (ErrTooLarge), empty, or not a JSON object.
func Detect(b []byte) (string, error) {
	if err := checkSize(b); err != nil {
		return "", err
	}
	top, err := decodeTop(b)
	if err != nil {
		return "", err
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := top.m[n]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("routing_key", "event_action", "dedup_key"):
		return FormatPagerDuty, nil
	case has("alerts"):
		var v string
		_ = json.Unmarshal(top.m["version"], &v) // a mistyped version is Parse's to report
		if v == "1" || has("orgId", "state", "title", "message") {
			return FormatGrafana, nil
		}
		return FormatAlertmanager, nil
	}
	return "", &Error{
		Reason: "not an Alertmanager or Grafana webhook (no alerts) nor a PagerDuty Events API v2 event (no routing_key, event_action or dedup_key); name the format",
		Err:    ErrUnknownFormat,
	}
}
