package playbooks

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

func builtinDrillsT(t testing.TB) []model.Scenario {
	t.Helper()
	scs, err := BuiltinDrills()
	require.NoError(t, err)
	return scs
}

// TestBuiltinDrills: the seed's two scenarios (§8.2.1, §8.2.2), with the
// seed's bullets, objectives and challenges, the §8.2.1 targets, and the
// targets chosen from the P2 SLA for the second.
func TestBuiltinDrills(t *testing.T) {
	scs := builtinDrillsT(t)
	require.Len(t, scs, 2)

	reg := scs[0]
	assert.Equal(t, "registry-failure", reg.Name)
	assert.Equal(t, "Complete Registry Failure", reg.Title)
	assert.Equal(t, model.P1, reg.Severity)
	assert.Equal(t, []string{"registry", "session-manager"}, reg.Services)
	assert.Equal(t, model.ImpactCritical, reg.Impact)
	assert.Equal(t, 100.0, reg.CustomersPct)
	assert.Equal(t, model.P1, model.AssessSeverity(reg.Impact, reg.CustomersPct).Severity,
		"declared with the scenario's defaults, the assessment proposes its severity")
	assert.Equal(t, []string{"All registry nodes are down", "No message routing possible",
		"Customer sessions dropping", "System-wide outage"}, reg.Situation)
	assert.Equal(t, []string{"Assess incident handling", "Evaluate communication effectiveness",
		"Test recovery procedures", "Measure response time"}, reg.Objectives)
	assert.Equal(t, "Measure response time", reg.MeasuredObjective)
	assert.Equal(t, []string{"Communication quality: Score 1-5"}, reg.Ratings)
	assert.Empty(t, reg.Challenges)
	assert.Equal(t, model.DrillTargets{Detection: time.Minute, Acknowledge: 5 * time.Minute, Resolution: 30 * time.Minute}, reg.Targets)

	tr := scs[1]
	assert.Equal(t, "transport-degradation", tr.Name)
	assert.Equal(t, "Transport Layer Degradation", tr.Title)
	assert.Equal(t, model.P2, tr.Severity)
	assert.Equal(t, []string{"transport"}, tr.Services)
	assert.Equal(t, model.P2, model.AssessSeverity(tr.Impact, tr.CustomersPct).Severity)
	assert.Equal(t, []string{"TCP transport experiencing high latency", "WebSocket connections dropping",
		"Regional performance issues", "Customer complaints increasing"}, tr.Situation)
	assert.Equal(t, []string{"Diagnose root cause", "Implement containment", "Restore service levels",
		"Minimize customer impact"}, tr.Objectives)
	assert.Equal(t, []string{"Identifying affected regions", "Balancing load across transports",
		"Implementing circuit breakers"}, tr.Challenges)
	assert.Equal(t, model.DrillTargets{Detection: 5 * time.Minute, Acknowledge: 30 * time.Minute, Resolution: 2 * time.Hour}, tr.Targets)
	assert.Contains(t, tr.Injects, model.Inject{At: 2 * time.Minute, Text: "WebSocket connections dropping: 12% of sessions disconnected in eu-west"})

	for _, sc := range scs {
		require.NoError(t, sc.Validate(), sc.Name)
		assert.GreaterOrEqual(t, len(sc.Injects), 4, "%s: 4-6 injects", sc.Name)
		assert.LessOrEqual(t, len(sc.Injects), 6, sc.Name)
		assert.Equal(t, time.Duration(0), sc.Injects[0].At, "%s: the failure shows at T0", sc.Name)
		assert.True(t, slices.IsSortedFunc(sc.Injects, func(a, b model.Inject) int { return int(a.At - b.At) }), sc.Name)
	}

	got, ok := FindScenario(scs, "transport-degradation")
	require.True(t, ok)
	assert.Equal(t, tr, got)
	_, ok = FindScenario(scs, "nope")
	assert.False(t, ok)

	c, err := LoadWith()
	require.NoError(t, err)
	assert.Equal(t, scs, c.Drills, "the content has them")
}

// validDrill is a correct scenario file; its lines are numbered in the
// comments the error cases rely on. Its impact and customers assess to
// its severity (§2.2: business-critical, 50% or less: P2).
const validDrill = `name: test-drill
title: Test drill
severity: P2
services: [registry, Transport Layer]
impact: critical
customers_pct: 30
situation: [Something is slow]
objectives: [Find it, Measure response time]
measured_objective: Measure response time
targets: {detection: 5m, resolution: 1h}
injects:
  - {at: 0s, text: first}
  - {at: 2m, text: second}
  - {at: 2m, text: same time}
`

func drillFS(pairs ...string) fstest.MapFS { return tmplFS(pairs...) }

func TestLoadDrills(t *testing.T) {
	scs, err := LoadDrills(drillFS("b.yaml", validDrill,
		"a.yaml", strings.NewReplacer("test-drill", "another", "P2", "P1", "customers_pct: 30", "customers_pct: 80").Replace(validDrill),
		"notes.txt", "ignored"), builtin(t))
	require.NoError(t, err)
	require.Len(t, scs, 2)
	assert.Equal(t, []string{"another", "test-drill"}, []string{scs[0].Name, scs[1].Name}, "by severity, then name")
	sc := scs[1]
	assert.Equal(t, []string{"registry", "transport"}, sc.Services, "names become ids")
	assert.Equal(t, model.ImpactCritical, sc.Impact)
	assert.Equal(t, model.DrillTargets{Detection: 5 * time.Minute, Resolution: time.Hour}, sc.Targets, "acknowledge left out: not scored")
	assert.Equal(t, []model.Inject{{At: 0, Text: "first"}, {At: 2 * time.Minute, Text: "second"}, {At: 2 * time.Minute, Text: "same time"}}, sc.Injects)

	none, err := LoadDrills(drillFS(), builtin(t))
	require.NoError(t, err, "no scenario is no error")
	assert.Empty(t, none)
}

func TestLoadDrillsErrors(t *testing.T) {
	edit := func(old, new string) string {
		if !strings.Contains(validDrill, old) {
			panic(old)
		}
		return strings.Replace(validDrill, old, new, 1)
	}
	table := []struct {
		name  string
		files []string
		want  []Problem
	}{
		{"unknown severity", []string{"x.yaml", edit("severity: P2", "severity: P0")},
			[]Problem{{File: "x.yaml", Line: 3, Field: "severity", Msg: `unknown severity "P0" (want P1, P2, P3 or P4)`}}},
		{"unknown service", []string{"x.yaml", edit("[registry, Transport Layer]", "[registry, nope]")},
			[]Problem{{File: "x.yaml", Line: 4, Field: "services[1]",
				Msg: `unknown service "nope" (want one of services.yaml: registry, transport, session-manager, monitoring, backup)`}}},
		{"injects out of order", []string{"x.yaml", edit("{at: 2m, text: same time}", "{at: 1m, text: earlier}")},
			[]Problem{{File: "x.yaml", Line: 14, Field: "injects[2].at", Msg: "1m comes before an inject above it (2m): injects are in time order"}}},
		{"negative inject", []string{"x.yaml", edit("{at: 0s, text: first}", "{at: -1m, text: first}")},
			[]Problem{{File: "x.yaml", Line: 12, Field: "injects[0].at", Msg: `duration "-1m" is negative`}}},
		{"empty inject text", []string{"x.yaml", edit("text: second", `text: "  "`)},
			[]Problem{{File: "x.yaml", Line: 13, Field: "injects[1].text", Msg: "missing"}}},
		{"no injects", []string{"x.yaml", strings.Split(validDrill, "injects:")[0]},
			[]Problem{{File: "x.yaml", Line: 1, Field: "injects", Msg: "missing: give at least one"}}},
		{"unknown key", []string{"x.yaml", edit("impact: critical", "impakt: critical")},
			[]Problem{
				{File: "x.yaml", Line: 1, Field: "impact", Msg: "missing (critical, important or other)"},
				{File: "x.yaml", Line: 5, Field: "impakt", Msg: `unknown field "impakt" (known fields: name, title, severity, services, impact, customers_pct, situation, objectives, measured_objective, challenges, ratings, targets, injects)`},
			}},
		{"unknown key of an inject", []string{"x.yaml", edit("{at: 2m, text: second}", "{at: 2m, txt: second}")},
			[]Problem{
				{File: "x.yaml", Line: 13, Field: "injects[1].txt", Msg: `unknown field "txt" (known fields: at, text)`},
				{File: "x.yaml", Line: 13, Field: "injects[1].text", Msg: "missing"},
			}},
		{"duplicate names", []string{"a.yaml", validDrill, "b.yaml", validDrill},
			[]Problem{{File: "b.yaml", Line: 1, Field: "name", Msg: `duplicate drill name "test-drill" (first in a.yaml:1)`}}},
		{"bad name", []string{"x.yaml", edit("name: test-drill", "name: Test Drill")},
			[]Problem{{File: "x.yaml", Line: 1, Field: "name", Msg: `invalid name "Test Drill" (want lowercase letters and digits, words joined by dashes: registry-failure)`}}},
		{"no targets", []string{"x.yaml", edit("targets: {detection: 5m, resolution: 1h}\n", "")},
			[]Problem{{File: "x.yaml", Line: 1, Field: "targets", Msg: "missing: give at least one of detection, acknowledge, resolution"}}},
		{"zero target", []string{"x.yaml", edit("resolution: 1h", "resolution: 0m")},
			[]Problem{{File: "x.yaml", Line: 10, Field: "targets.resolution", Msg: "must be more than zero (leave it out not to score it)"}}},
		{"bad target", []string{"x.yaml", edit("detection: 5m", "detection: soon")},
			[]Problem{{File: "x.yaml", Line: 10, Field: "targets.detection", Msg: `invalid duration "soon" (want a number and a unit: 90s, 15m, 4h, 5d or 1w)`}}},
		{"measured objective not an objective", []string{"x.yaml", edit("measured_objective: Measure response time", "measured_objective: Be fast")},
			[]Problem{{File: "x.yaml", Line: 9, Field: "measured_objective", Msg: `"Be fast" is not one of the objectives`}}},
		{"customers out of range", []string{"x.yaml", edit("customers_pct: 30", "customers_pct: 130")},
			[]Problem{{File: "x.yaml", Line: 6, Field: "customers_pct", Msg: "must be 0-100, not 130"}}},
		{"empty situation item", []string{"x.yaml", edit("[Something is slow]", `[Something is slow, ""]`)},
			[]Problem{{File: "x.yaml", Line: 7, Field: "situation[1]", Msg: "empty text"}}},
		{"no objectives", []string{"x.yaml", edit("objectives: [Find it, Measure response time]\nmeasured_objective: Measure response time\n", "")},
			[]Problem{{File: "x.yaml", Line: 1, Field: "objectives", Msg: "missing: give at least one"}}},
		{"bad impact", []string{"x.yaml", edit("impact: critical", "impact: huge")},
			[]Problem{{File: "x.yaml", Line: 5, Field: "impact", Msg: `unknown business impact "huge" (want critical, important or other)`}}},
		{"severity above the assessment", []string{"x.yaml", edit("severity: P2", "severity: P1")},
			[]Problem{{File: "x.yaml", Line: 3, Field: "severity",
				Msg: "P1, but impact critical and customers_pct 30 assess to P2 by the §2.2 rule (business-critical, 30% of customers (50% or less) -> P2): make them agree"}}},
		{"customers assess higher", []string{"x.yaml", edit("customers_pct: 30", "customers_pct: 50.5")},
			[]Problem{{File: "x.yaml", Line: 3, Field: "severity",
				Msg: "P2, but impact critical and customers_pct 50.5 assess to P1 by the §2.2 rule (business-critical, 50.5% of customers (over 50%) -> P1): make them agree"}}},
		{"impact assesses lower", []string{"x.yaml", edit("impact: critical", "impact: important")},
			[]Problem{{File: "x.yaml", Line: 3, Field: "severity",
				Msg: "P2, but impact important and customers_pct 30 assess to P3 by the §2.2 rule (business-important, 30% of customers (over 25%) -> P3): make them agree"}}},
		{"empty file", []string{"x.yaml", ""},
			[]Problem{{File: "x.yaml", Msg: "the file is empty"}}},
		{"not a mapping", []string{"x.yaml", "- a list\n"},
			[]Problem{{File: "x.yaml", Line: 1, Msg: "want a mapping, got a list"}}},
	}
	for _, tc := range table {
		t.Run(tc.name, func(t *testing.T) {
			scs, err := LoadDrills(drillFS(tc.files...), builtin(t))
			assert.Nil(t, scs, "nothing loaded")
			var verr *ValidationError
			require.True(t, errors.As(err, &verr), "%T: %v", err, err)
			assert.ErrorIs(t, err, model.ErrInvalid)
			assert.Equal(t, tc.want, verr.Problems)
		})
	}
}

// TestLoadWithDrills: a directory's drills/NAME.yaml replaces the built-in
// one of its name or adds a scenario; its problems come with their
// directory and drills/ path.
func TestLoadWithDrills(t *testing.T) {
	short := strings.Replace(validDrill, "test-drill", "registry-failure", 1)
	dir := writeDir(t,
		"drills/registry-failure.yaml", short,
		"drills/extra.yaml", strings.Replace(validDrill, "test-drill", "extra", 1),
		"drills/README.md", "ignored",
	)
	c, err := LoadWith(dir)
	require.NoError(t, err)
	var names []string
	for _, sc := range c.Drills {
		names = append(names, sc.Name)
	}
	assert.Equal(t, []string{"extra", "registry-failure", "transport-degradation"}, names, "by severity (P2, P2, P2), then name")
	reg, ok := FindScenario(c.Drills, "registry-failure")
	require.True(t, ok)
	assert.Equal(t, "Test drill", reg.Title, "replaced whole")

	bad := writeDir(t,
		"drills/broken.yaml", strings.Replace(validDrill, "severity: P2", "severity: P9", 1),
		"drills/misspelt.yml", validDrill,
	)
	_, err = LoadWith(bad)
	problems := validationProblems(t, err)
	assert.Equal(t, []Problem{
		{File: "drills/misspelt.yml", Msg: "a drill scenario file ends in .yaml", Dir: bad},
		{File: "drills/broken.yaml", Line: 3, Field: "severity", Msg: `unknown severity "P9" (want P1, P2, P3 or P4)`, Dir: bad},
	}, problems)

	// A broken services.yaml is reported once, not once per service of
	// every scenario.
	noServices := writeDir(t, "services.yaml", "services: [\n")
	_, err = LoadWith(noServices)
	for _, p := range validationProblems(t, err) {
		assert.NotContains(t, p.File, "drills/", "%v", p)
	}
}

// TestBuiltinDrillsExported: the built-in scenarios are part of BuiltinFS
// (`warroom playbooks export`), and a directory exported from it loads the
// same scenarios.
func TestBuiltinDrillsExported(t *testing.T) {
	fsys := BuiltinFS().(fstest.MapFS)
	var pairs []string
	for _, name := range slices.Sorted(maps.Keys(fsys)) {
		pairs = append(pairs, name, string(fsys[name].Data))
	}
	c, err := LoadWith(writeDir(t, pairs...))
	require.NoError(t, err)
	assert.Equal(t, builtinDrillsT(t), c.Drills)
}

// FuzzLoadDrills: whatever a scenario file holds, LoadDrills returns
// scenarios that validate, or problems that each name the file.
func FuzzLoadDrills(f *testing.F) {
	for _, name := range []string{"registry-failure.yaml", "transport-degradation.yaml"} {
		data, err := builtinDrills.ReadFile("data/drills/" + name)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(validDrill))
	f.Add([]byte("injects: [{at: -1s}]"))
	cat, err := Builtin()
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		scs, err := LoadDrills(drillFS("x.yaml", string(data)), cat)
		if err != nil {
			var verr *ValidationError
			require.True(t, errors.As(err, &verr), "%T: %v", err, err)
			require.NotEmpty(t, verr.Problems)
			for _, p := range verr.Problems {
				require.Equal(t, "x.yaml", p.File)
				require.NotEmpty(t, p.Msg)
			}
			return
		}
		for _, sc := range scs {
			require.NoError(t, sc.Validate())
		}
	})
}

// TestAfterActionReviewOfDrill fills the after-action review of a drill
// declared 45 s after T0 at P1, acknowledged 6m 10s later and resolved at
// T0+20m, with one action item, and compares it with
// testdata/templates/after-action-review.drill.golden. Regenerate with
// go test ./playbooks -run AfterAction -update.
func TestAfterActionReviewOfDrill(t *testing.T) {
	cat := builtin(t)
	sc, ok := FindScenario(builtinDrillsT(t), "registry-failure")
	require.True(t, ok)
	loc := time.FixedZone("CET", 3600)
	t0 := time.Date(2026, 12, 3, 14, 0, 0, 0, loc)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	inc, ev, err := model.Declare(model.Declaration{
		Title: "DRILL: " + sc.Title, Impact: sc.Impact, CustomersPct: sc.CustomersPct, Services: sc.Services,
		DetectedAt: at(45 * time.Second), StartedAt: t0, Actor: "alice",
	}, cat)
	require.NoError(t, err)
	inc.Number, inc.DrillID = 12, 4
	inc.Timeline = append(inc.Timeline, ev)
	record := func(ev model.Event, err error) {
		t.Helper()
		require.NoError(t, err)
		inc.Timeline = append(inc.Timeline, ev)
	}
	record(inc.AssignRole(at(time.Minute), "alice", model.RoleCommander, "alice"))
	record(inc.AssignRole(at(time.Minute), "alice", model.RoleTechLead, "bob"))
	record(inc.Acknowledge(at(45*time.Second+6*time.Minute+10*time.Second), "bob"))
	record(inc.Note(at(8*time.Minute), "dave", "failing over to the standby registry"))
	record(inc.Resolve(at(20*time.Minute), "bob", "standby promoted", "drill: verified by hand"))

	d := model.Drill{ID: 4, Scenario: sc, StartedAt: t0, StartedBy: "facilitator", Incident: 12,
		InjectsDelivered: len(sc.Injects), IncidentResolvedAt: inc.ResolvedAt}
	now := at(time.Hour)
	items := []model.ActionItem{{Seq: 1, Description: "Page the registry on-call on quorum loss", Owner: "erin",
		DueAt: at(7 * 24 * time.Hour), Status: model.ActionOpen}}
	data := model.NewTemplateData(inc, cat, now, loc).WithDrill(d, model.ScoreDrill(d, inc, now), now, loc).WithActionItems(items, now, loc)
	tm, ok := FindTemplate(templates(t), TemplateAAR)
	require.True(t, ok)
	out := fill(t, tm, data)
	golden(t, "after-action-review.drill.golden", out)

	// What the data shows is filled; the facilitator's judgments stay
	// placeholders, flagged.
	assert.True(t, strings.HasPrefix(out, model.DrillBanner+"\n\n# After Action Review - Simulation Complete Registry Failure\n"))
	assert.Contains(t, out, "| Time to detection | < 1m | 45s | met |")
	assert.Contains(t, out, "| Time to acknowledgment | < 5m | 6m 10s | missed |")
	assert.Contains(t, out, "| Time to resolution | < 30m | 19m 15s | met |")
	assert.Contains(t, out, "- [x] Measure response time: Achieved (all 3 target times measured, 2 met)")
	assert.Contains(t, out, "- [ ] Test recovery procedures: [Achieved / Partially / Not achieved]")
	assert.Contains(t, out, "**Participants**: alice (Incident Commander), bob (Technical Lead), dave\n")
	assert.Contains(t, out, "| 1 | Page the registry on-call on quorum loss | erin | 2026-12-10 |")
	assert.Equal(t, []string{"[Achieved / Partially / Not achieved]", "[Score]", "[Assessment]",
		"[Specific strength observed]", "[Specific improvement needed]", "[Learning 1]", "[Learning 2]", "[Learning 3]",
		"[Specific next step]"}, Placeholders(out))
}

// TestFillDrillBanner: every template filled for a drill's incident
// starts with the banner, once; a real incident's never has it.
func TestFillDrillBanner(t *testing.T) {
	drill, real := sampleData(), sampleData()
	real.IsDrill, real.Drill = false, nil
	for _, tm := range templates(t) {
		out := fill(t, tm, drill)
		assert.True(t, strings.HasPrefix(out, model.DrillBanner+"\n\n"), tm.Name)
		assert.Equal(t, 1, strings.Count(out, model.DrillBanner), tm.Name)
		assert.NotContains(t, fill(t, tm, real), "DRILL", tm.Name)
	}
}
