package playbooks

import (
	"cmp"
	"embed"
	"io/fs"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/model"
)

// Drill scenarios (seed §8.2): drills/NAME.yaml in a playbook directory,
// one scenario a file, the built-in ones registry-failure.yaml (§8.2.1) and
// transport-degradation.yaml (§8.2.2):
//
//	name: registry-failure           # required, unique: lowercase words joined by dashes
//	title: Complete Registry Failure # required
//	severity: P1                     # required: the severity the team should declare
//	services: [registry]             # ids or names of services.yaml
//	impact: critical                 # required: critical, important or other
//	customers_pct: 100               # required, 0-100; with impact, must assess
//	                                 # to severity by the §2.2 rule
//	situation: [...]                 # required: the seed's "Scenario" bullets
//	objectives: [...]                # required: the seed's "Objectives"
//	measured_objective: Measure response time
//	                                 # optional, one of objectives: achieved once
//	                                 # every target time was measured
//	challenges: [...]                # optional: the seed's "Challenges"
//	ratings: ["Communication quality: Score 1-5"]
//	                                 # optional: scored by hand in the review
//	targets:                         # required, at least one, each more than zero
//	  detection: 1m                  # T0 to the declaration
//	  acknowledge: 5m                # declaration to acknowledgment
//	  resolution: 30m                # declaration to resolution
//	injects:                         # required: the situation revealed over time
//	  - {at: 0s, text: "Registry health checks failing"}
//	  - {at: 2m, text: "WebSocket connections dropping"}
//
// Durations are those of policy.yaml. Injects are in time order (two may
// share a time), at zero or more after T0; a target is met when the time
// measured is strictly below it.

// drillsDir is the directory of a playbook directory that holds the drill
// scenarios.
const drillsDir = "drills"

// drillGlob matches the scenario files LoadDrills reads.
const drillGlob = "*.yaml"

//go:embed data/drills/*.yaml
var builtinDrills embed.FS

// drillDoc is a scenario file, registry-failure.yaml.
type drillDoc struct {
	Name              string      `yaml:"name"`
	Title             string      `yaml:"title"`
	Severity          string      `yaml:"severity"`
	Services          []string    `yaml:"services"`
	Impact            string      `yaml:"impact"`
	CustomersPct      *float64    `yaml:"customers_pct"`
	Situation         []string    `yaml:"situation"`
	Objectives        []string    `yaml:"objectives"`
	MeasuredObjective string      `yaml:"measured_objective"`
	Challenges        []string    `yaml:"challenges"`
	Ratings           []string    `yaml:"ratings"`
	Targets           *targetsDoc `yaml:"targets"`
	Injects           []injectDoc `yaml:"injects"`
}

type targetsDoc struct {
	Detection   string `yaml:"detection"`
	Acknowledge string `yaml:"acknowledge"`
	Resolution  string `yaml:"resolution"`
}

type injectDoc struct {
	At   string `yaml:"at"`
	Text string `yaml:"text"`
}

// The scenario documents' keys, for "unknown field" messages.
func init() {
	for _, t := range []reflect.Type{reflect.TypeFor[drillDoc](), reflect.TypeFor[targetsDoc](), reflect.TypeFor[injectDoc]()} {
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			knownFields[t.String()] = append(knownFields[t.String()], name)
		}
	}
}

// BuiltinDrills returns the built-in drill scenarios, checked against the
// built-in catalog. An error means the embedded files are broken, which
// the package's tests rule out.
func BuiltinDrills() ([]model.Scenario, error) {
	cat, err := Builtin()
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(builtinDrills, "data/drills")
	if err != nil {
		return nil, err
	}
	return LoadDrills(sub, cat)
}

// LoadDrills reads and checks every *.yaml file at the root of fsys, each
// a drill scenario whose services must be in cat. The scenarios come back
// by severity, then by name. When anything is wrong it returns none and a
// *ValidationError listing every problem, each with its file, line and
// field.
func LoadDrills(fsys fs.FS, cat model.Catalog) ([]model.Scenario, error) {
	return loadDrills(fsys, cat, true)
}

// loadDrills is LoadDrills; checkServices is false when the catalog could
// not be loaded, so that every service is not reported unknown for it.
func loadDrills(fsys fs.FS, cat model.Catalog, checkServices bool) ([]model.Scenario, error) {
	names, _ := fs.Glob(fsys, drillGlob) // the pattern is valid: no error
	l := loader{fsys: fsys}
	first := map[string]*file{} // the file that has each name
	var out []model.Scenario
	for _, name := range names {
		if sc, ok := l.drill(name, cat, checkServices, first); ok {
			out = append(out, sc)
		}
	}
	if len(l.problems) > 0 {
		return nil, &ValidationError{Problems: l.problems}
	}
	slices.SortFunc(out, func(a, b model.Scenario) int {
		return cmp.Or(cmp.Compare(a.Severity, b.Severity), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}

// FindScenario returns the scenario of the given name.
func FindScenario(scs []model.Scenario, name string) (model.Scenario, bool) {
	i := slices.IndexFunc(scs, func(sc model.Scenario) bool { return sc.Name == name })
	if i < 0 {
		return model.Scenario{}, false
	}
	return scs[i], true
}

// drill reads one scenario file. ok is false when it has a problem.
func (l *loader) drill(name string, cat model.Catalog, checkServices bool, first map[string]*file) (model.Scenario, bool) {
	var doc drillDoc
	f, ok := decodeFile(l.fsys, name, &doc)
	defer l.done(f)
	if !ok {
		return model.Scenario{}, false
	}
	sc := model.Scenario{
		Name: doc.Name, Title: strings.TrimSpace(doc.Title), MeasuredObjective: doc.MeasuredObjective,
	}
	switch {
	case strings.TrimSpace(doc.Name) == "":
		f.errorf(loc{"name"}, "missing")
	case !templateNameRE.MatchString(doc.Name):
		f.errorf(loc{"name"}, "invalid name %q (want lowercase letters and digits, words joined by dashes: registry-failure)", doc.Name)
	case first[doc.Name] != nil:
		g := first[doc.Name]
		f.errorf(loc{"name"}, "duplicate drill name %q (first in %s:%d)", doc.Name, g.name, lineOf(g.root, loc{"name"}))
	default:
		first[doc.Name] = f
	}
	f.required(loc{"title"}, doc.Title)
	sevOK := false
	sc.Severity, sevOK = f.severity(loc{"severity"}, doc.Severity)

	for i, s := range doc.Services {
		at := loc{"services", i}
		if !checkServices {
			sc.Services = append(sc.Services, s)
			continue
		}
		svc, ok := cat.Service(s)
		switch {
		case !ok:
			ids := make([]string, len(cat.Services))
			for j, s := range cat.Services {
				ids[j] = s.ID
			}
			f.errorf(at, "unknown service %q (want one of services.yaml: %s)", s, strings.Join(ids, ", "))
		case slices.Contains(sc.Services, svc.ID):
			f.errorf(at, "service %q is listed twice", s)
		default:
			sc.Services = append(sc.Services, svc.ID)
		}
	}
	impactOK, pctOK := false, false
	if strings.TrimSpace(doc.Impact) == "" {
		f.errorf(loc{"impact"}, "missing (critical, important or other)")
	} else if imp, err := model.ParseImpact(doc.Impact); err != nil {
		f.errorf(loc{"impact"}, "%v", err)
	} else {
		sc.Impact, impactOK = imp, true
	}
	switch p := doc.CustomersPct; {
	case p == nil:
		f.errorf(loc{"customers_pct"}, "missing (the share of customers affected, 0-100)")
	case !(*p >= 0 && *p <= 100):
		f.errorf(loc{"customers_pct"}, "must be 0-100, not %v", *p)
	default:
		sc.CustomersPct, pctOK = *p, true
	}
	// The drill's declaration proposes the severity its impact and
	// customers assess to (model.Drill.Declaration): a scenario whose
	// severity they do not give would have the team declare another one
	// and be marked down for a mismatch the scenario made.
	if sevOK && impactOK && pctOK {
		if a := model.AssessSeverity(sc.Impact, sc.CustomersPct); a.Severity != sc.Severity {
			f.errorf(loc{"severity"}, "%s, but impact %s and customers_pct %s assess to %s by the §2.2 rule (%s): make them agree",
				sc.Severity, sc.Impact, strconv.FormatFloat(sc.CustomersPct, 'f', -1, 64), a.Severity, a.Reason)
		}
	}

	sc.Situation = f.texts(loc{"situation"}, doc.Situation, true)
	sc.Objectives = f.texts(loc{"objectives"}, doc.Objectives, true)
	sc.Challenges = f.texts(loc{"challenges"}, doc.Challenges, false)
	sc.Ratings = f.texts(loc{"ratings"}, doc.Ratings, false)
	if doc.MeasuredObjective != "" && !slices.Contains(doc.Objectives, doc.MeasuredObjective) {
		f.errorf(loc{"measured_objective"}, "%q is not one of the objectives", doc.MeasuredObjective)
	}
	sc.Targets = f.targets(doc.Targets)
	sc.Injects = f.injects(doc.Injects)
	return sc, len(f.problems) == 0
}

// texts checks a list of texts at at: each one not blank, and at least
// one when required.
func (f *file) texts(at loc, list []string, required bool) []string {
	if required && len(list) == 0 {
		f.errorf(at, "missing: give at least one")
	}
	var out []string
	for i, s := range list {
		if strings.TrimSpace(s) == "" {
			f.errorf(at.at(i), "empty text")
			continue
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// targets checks a scenario's targets: at least one, each more than zero.
func (f *file) targets(doc *targetsDoc) model.DrillTargets {
	var t model.DrillTargets
	at := loc{"targets"}
	if doc == nil || (doc.Detection == "" && doc.Acknowledge == "" && doc.Resolution == "") {
		f.errorf(at, "missing: give at least one of detection, acknowledge, resolution")
		return t
	}
	for _, tg := range []struct {
		key string
		s   string
		d   *time.Duration
	}{
		{"detection", doc.Detection, &t.Detection},
		{"acknowledge", doc.Acknowledge, &t.Acknowledge},
		{"resolution", doc.Resolution, &t.Resolution},
	} {
		if tg.s == "" {
			continue
		}
		d, ok := f.duration(at.at(tg.key), tg.s)
		if ok && d == 0 {
			f.errorf(at.at(tg.key), "must be more than zero (leave it out not to score it)")
		}
		*tg.d = d
	}
	return t
}

// injects checks a scenario's injects: at least one, each at zero or more,
// in time order, with a text.
func (f *file) injects(docs []injectDoc) []model.Inject {
	if len(docs) == 0 {
		f.errorf(loc{"injects"}, "missing: give at least one")
	}
	var out []model.Inject
	var prev time.Duration
	prevAt := "" // the last valid at so far
	for i, in := range docs {
		at := loc{"injects", i}
		d, ok := f.duration(at.at("at"), in.At)
		if ok && prevAt != "" && d < prev {
			f.errorf(at.at("at"), "%s comes before an inject above it (%s): injects are in time order", in.At, prevAt)
		}
		if ok && (prevAt == "" || d >= prev) {
			prev, prevAt = d, in.At
		}
		if strings.TrimSpace(in.Text) == "" {
			f.errorf(at.at("text"), "missing")
		}
		out = append(out, model.Inject{At: d, Text: strings.TrimSpace(in.Text)})
	}
	return out
}
