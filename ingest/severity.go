package ingest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/warroom/warroom/model"
)

// SeverityMap turns an alert's raw severity into an incident severity. It
// is a plain value so that it can move into the playbooks data as it is.
type SeverityMap struct {
	// Label names the label that carries the severity ("severity"); ""
	// means the alert's Severity field.
	Label string
	// Values maps a label value, in lower case, to a severity. The alert's
	// value is trimmed and lower-cased before the lookup, so "Critical "
	// finds "critical".
	Values map[string]model.Severity
	// Default is the severity of an alert whose value is absent or not in
	// Values.
	Default model.Severity
}

// DefaultSeverityMap is the built-in map, on the "severity" label:
// critical -> P1; error, high -> P2; warning -> P3; info, low -> P4;
// anything else, or no severity, -> P3. The values cover the usual
// Prometheus and Grafana severity labels and PagerDuty's four severities
// (which Parse also puts in the "severity" label).
func DefaultSeverityMap() SeverityMap {
	return SeverityMap{
		Label: "severity",
		Values: map[string]model.Severity{
			"critical": model.P1,
			"error":    model.P2,
			"high":     model.P2,
			"warning":  model.P3,
			"info":     model.P4,
			"low":      model.P4,
		},
		Default: model.P3,
	}
}

// For returns the severity of an alert: its value (the Label label, or the
// Severity field when Label is ""), trimmed and lower-cased, looked up in
// Values; Default when it is absent or not there.
func (m SeverityMap) For(a Alert) model.Severity {
	v := a.Severity
	if m.Label != "" {
		v = a.Labels[m.Label]
	}
	if s, ok := m.Values[strings.ToLower(strings.TrimSpace(v))]; ok {
		return s
	}
	return m.Default
}

// Validate reports what makes the map unusable: an invalid Default or
// value, or a key that For could never find (not trimmed and lower case).
func (m SeverityMap) Validate() error {
	if !m.Default.Valid() {
		return fmt.Errorf("severity map: default %s is not P1-P4", m.Default)
	}
	keys := make([]string, 0, len(m.Values))
	for k := range m.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != strings.ToLower(strings.TrimSpace(k)) {
			return fmt.Errorf("severity map: value %q must be trimmed and in lower case", k)
		}
		if !m.Values[k].Valid() {
			return fmt.Errorf("severity map: %q maps to %s, not P1-P4", k, m.Values[k])
		}
	}
	return nil
}
