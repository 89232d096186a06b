package playbooks

import (
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/warroom/warroom/model"
)

// labelsFile is the alert severity mapping LoadLabels reads.
const labelsFile = "labels.yaml"

// LabelMap turns an incoming alert's severity into an incident severity:
// labels.yaml. Its fields are those of ingest.SeverityMap, in the same
// order, so that one converts to the other: ingest.SeverityMap(m).
type LabelMap struct {
	// Label names the alert label that carries the severity ("severity").
	Label string
	// Values maps a label value, trimmed and in lower case, to a severity.
	Values map[string]model.Severity
	// Default is the severity of an alert without the label, or whose
	// value is not in Values.
	Default model.Severity
}

// For returns the severity of a label value: the value, trimmed and
// lower-cased, looked up in Values; Default when it is not there.
func (m LabelMap) For(value string) model.Severity {
	if s, ok := m.Values[strings.ToLower(strings.TrimSpace(value))]; ok {
		return s
	}
	return m.Default
}

// labelsDoc is labels.yaml.
type labelsDoc struct {
	Label   string            `yaml:"label"`
	Values  map[string]string `yaml:"values"`
	Default string            `yaml:"default"`
}

// BuiltinLabels returns the built-in alert severity mapping: on the
// "severity" label, critical and page -> P1; error, high -> P2; warning ->
// P3; info, low -> P4; anything else, or no label, -> P3. An error means
// the embedded file is broken, which the package's tests rule out.
func BuiltinLabels() (LabelMap, error) {
	data, err := fs.Sub(builtinFiles, "data")
	if err != nil {
		return LabelMap{}, err
	}
	return LoadLabels(data)
}

// LoadLabels reads and validates labels.yaml at the root of fsys. When
// anything is wrong it returns an empty map and a *ValidationError listing
// every problem found.
func LoadLabels(fsys fs.FS) (LabelMap, error) {
	l := loader{fsys: fsys}
	m := l.labels()
	if len(l.problems) > 0 {
		return LabelMap{}, &ValidationError{Problems: l.problems}
	}
	return m, nil
}

// labels reads labels.yaml: a label, required; values, each key trimmed and
// in lower case (For could never find another) and each value a severity;
// a default severity, required.
func (l *loader) labels() LabelMap {
	var doc labelsDoc
	f, ok := decodeFile(l.fsys, labelsFile, &doc)
	defer l.done(f)
	if !ok {
		return LabelMap{}
	}
	f.required(loc{"label"}, doc.Label)
	m := LabelMap{Label: strings.TrimSpace(doc.Label), Values: make(map[string]model.Severity, len(doc.Values))}
	for _, key := range slices.Sorted(maps.Keys(doc.Values)) {
		at := loc{"values", key}
		if strings.TrimSpace(key) == "" {
			f.errorf(at, "empty value: an alert without a value gets the default")
			continue
		}
		if want := strings.ToLower(strings.TrimSpace(key)); key != want {
			f.errorf(at, "%q never matches: alert values are trimmed and lower-cased before the lookup (write %q)", key, want)
			continue
		}
		if sev, ok := f.severity(at, doc.Values[key]); ok {
			m.Values[key] = sev
		}
	}
	m.Default, _ = f.severity(loc{"default"}, doc.Default)
	return m
}
