package playbooks

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The documents of the playbook files, as written. Durations and anchors are
// kept as text here and checked when the model types are built, so that a
// bad one is reported with its field rather than as a decoding failure.

// policyDoc is policy.yaml.
type policyDoc struct {
	Version    *int                   `yaml:"version"`
	WarnRatio  *float64               `yaml:"warn_ratio"`
	WarnAtMost string                 `yaml:"warn_at_most"` // optional
	Severities map[string]severityDoc `yaml:"severities"`
}

type severityDoc struct {
	Name              string         `yaml:"name"`
	StatusUpdateEvery string         `yaml:"status_update_every"`
	Escalation        *escalationDoc `yaml:"escalation"`
	Milestones        []milestoneDoc `yaml:"milestones"`
}

// escalationDoc is one severity's row of the escalation matrix.
type escalationDoc struct {
	Trigger string   `yaml:"trigger"`
	After   string   `yaml:"after"`
	Tiers   []string `yaml:"tiers"`
}

type milestoneDoc struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Short  string `yaml:"short"`
	From   string `yaml:"from"`
	Within string `yaml:"within"`
}

// servicesDoc is services.yaml.
type servicesDoc struct {
	Services []serviceDoc `yaml:"services"`
}

type serviceDoc struct {
	ID                string `yaml:"id"`
	Name              string `yaml:"name"`
	Tier              string `yaml:"tier"`
	DowntimeImpact    string `yaml:"downtime_impact"`
	PerformanceImpact string `yaml:"performance_impact"`
}

// playbookDoc is a playbook file, p1.yaml.
type playbookDoc struct {
	Severity string     `yaml:"severity"`
	Version  string     `yaml:"version"`
	Scenario string     `yaml:"scenario"`
	Phases   []phaseDoc `yaml:"phases"`
}

type phaseDoc struct {
	Name   string     `yaml:"name"`
	Window *windowDoc `yaml:"window"`
	Groups []groupDoc `yaml:"groups"`
	Steps  []stepDoc  `yaml:"steps"`
}

type windowDoc struct {
	From  string `yaml:"from"`
	Start string `yaml:"start"`
	End   string `yaml:"end"`
}

type groupDoc struct {
	Name  string    `yaml:"name"`
	Steps []stepDoc `yaml:"steps"`
}

// templateDoc is the front matter of a template file, status-update.tmpl.
type templateDoc struct {
	Name           string `yaml:"name"`
	Title          string `yaml:"title"` // optional: the name
	Audience       string `yaml:"audience"`
	CountsAsUpdate *bool  `yaml:"counts_as_update"`
}

// explicitStep is the long form of a step, with an explicit id.
type explicitStep struct {
	ID   string `yaml:"id"`
	Text string `yaml:"text"`
}

// stepDoc is a step: its text alone, or an explicitStep mapping.
type stepDoc explicitStep

// UnmarshalYAML reads either form of a step. yaml does not apply KnownFields
// inside an Unmarshaler, so unknown keys of the long form are refused here,
// with the same message yaml would give.
func (s *stepDoc) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return n.Decode(&s.Text)
	}
	var unknown []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(knownFields[explicitStepType], k.Value) {
			unknown = append(unknown, fmt.Sprintf("line %d: field %s not found in type %s", k.Line, k.Value, explicitStepType))
		}
	}
	err := n.Decode((*explicitStep)(s))
	if te, ok := err.(*yaml.TypeError); ok {
		unknown = append(unknown, te.Errors...)
	} else if err != nil {
		return err
	}
	if len(unknown) > 0 {
		return &yaml.TypeError{Errors: unknown}
	}
	return nil
}

var explicitStepType = reflect.TypeFor[explicitStep]().String()

// knownFields lists the YAML keys of each document type, by the type's name
// as yaml's errors spell it ("playbooks.phaseDoc"), for "unknown field"
// messages.
var knownFields = func() map[string][]string {
	m := map[string][]string{}
	for _, t := range []reflect.Type{
		reflect.TypeFor[policyDoc](), reflect.TypeFor[severityDoc](), reflect.TypeFor[escalationDoc](),
		reflect.TypeFor[milestoneDoc](),
		reflect.TypeFor[servicesDoc](), reflect.TypeFor[serviceDoc](),
		reflect.TypeFor[playbookDoc](), reflect.TypeFor[phaseDoc](), reflect.TypeFor[windowDoc](),
		reflect.TypeFor[groupDoc](), reflect.TypeFor[explicitStep](),
		reflect.TypeFor[templateDoc](),
		reflect.TypeFor[labelsDoc](),
	} {
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			m[t.String()] = append(m[t.String()], name)
		}
	}
	return m
}()
