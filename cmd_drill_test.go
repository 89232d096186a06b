package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
	"github.com/warroom/warroom/store"
)

// drillT0 is the fake clock's T0 of the drill tests; drillClock(d) is
// T0+d as --now takes it.
var drillT0 = time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)

func drillClock(d time.Duration) string { return drillT0.Add(d).Format(time.RFC3339) }

// runOK runs warroom with args on db and returns its stdout; it must
// succeed.
func runOK(t *testing.T, db string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"--db", db, "--as", "alice"}, args...), &out, &errb)
	require.Equal(t, 0, code, "warroom %v: %s", args, errb.String())
	return out.String()
}

// runFail runs warroom with args on db, which must exit with want; it
// returns stderr.
func runFail(t *testing.T, db string, want int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"--db", db, "--as", "alice"}, args...), &out, &errb)
	require.Equal(t, want, code, "warroom %v: stdout %q stderr %q", args, out.String(), errb.String())
	assert.Empty(t, out.String(), "a failure prints nothing on stdout")
	return errb.String()
}

// apply runs a model action on the incident in the database, as the
// console would (there is no CLI acknowledge or resolve).
func apply(t *testing.T, db string, number int64, fn func(inc *model.Incident) (model.Event, error)) {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	require.NoError(t, err)
	defer st.Close()
	_, err = st.Apply(context.Background(), number, fn)
	require.NoError(t, err)
}

// TestDrillRegistryFailure runs the seed's registry-failure drill from
// the shell with a fake clock: started at T0, declared 45 s later,
// acknowledged 6m 10s after that (late: the target is 5 min), resolved at
// T0+20m (19m 15s after the declaration, within 30 min). The score and
// the after-action review say so.
func TestDrillRegistryFailure(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	out := runOK(t, db, "drill", "start", "registry-failure", "--now", drillClock(0))
	assert.True(t, strings.HasPrefix(out, "drill 1 started 20"), out)
	assert.Contains(t, out, "warroom drill declare 1")

	assert.Equal(t, "INC-0001\n", runOK(t, db, "drill", "declare", "1", "--now", drillClock(45*time.Second)))

	apply(t, db, 1, func(inc *model.Incident) (model.Event, error) {
		return inc.Acknowledge(drillT0.Add(45*time.Second+6*time.Minute+10*time.Second), "bob")
	})
	apply(t, db, 1, func(inc *model.Incident) (model.Event, error) {
		return inc.Resolve(drillT0.Add(20*time.Minute), "bob", "standby promoted", "drill: verified by hand")
	})

	var doc model.DrillDoc
	require.NoError(t, json.Unmarshal([]byte(runOK(t, db, "drill", "show", "INC-0001", "--json", "--now", drillClock(time.Hour))), &doc))
	assert.Equal(t, model.DrillOver, doc.State)
	assert.Equal(t, "2/3 met, 1 missed", doc.Score.Summary)
	assert.Equal(t, 5, doc.InjectsDelivered, "every inject revealed before the resolution at T+20m is on the timeline")
	measured := []float64{}
	for _, r := range doc.Score.Rows {
		require.NotNil(t, r.MeasuredSeconds, r.Name)
		measured = append(measured, *r.MeasuredSeconds)
	}
	assert.Equal(t, []float64{45, 370, 1155}, measured, "45s, 6m 10s, 19m 15s")

	aar := runOK(t, db, "drill", "aar", "1", "--now", drillClock(time.Hour))
	assert.True(t, strings.HasPrefix(aar, model.DrillBanner+"\n"), aar)
	for _, want := range []string{
		"# After Action Review - Simulation Complete Registry Failure",
		"**Date**: " + drillT0.In(time.Local).Format("2006-01-02"),
		"| Time to detection | < 1m | 45s | met |",
		"| Time to acknowledgment | < 5m | 6m 10s | missed |",
		"| Time to resolution | < 30m | 19m 15s | met |",
		"- [x] Measure response time: Achieved (all 3 target times measured, 2 met)",
		"1. Time to detection: 45s, within the 1m target",
		"1. Time to acknowledgment: 6m 10s, over the 5m target",
		"**Participants**: alice, bob",
	} {
		assert.Contains(t, aar, want)
	}
	assert.Equal(t, aar, runOK(t, db, "drill", "aar", "INC-1", "--now", drillClock(time.Hour)), "named by the incident's key")

	// --output writes the file, 0600, and prints its path.
	path := filepath.Join(t.TempDir(), "aar.md")
	assert.Equal(t, path+"\n", runOK(t, db, "drill", "aar", "1", "--output", path, "--now", drillClock(time.Hour)))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, aar, string(got))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// The incident's own documents carry the mark and the score.
	md := runOK(t, db, "export", "INC-0001")
	assert.True(t, strings.HasPrefix(md, "# Post-Incident Review Report - DRILL\n"))
	assert.Contains(t, md, "| Time to acknowledgment | \\< 5m | 6m 10s | missed |")
	var exp map[string]any
	require.NoError(t, json.Unmarshal([]byte(runOK(t, db, "export", "INC-0001", "--format", "json")), &exp))
	drill := exp["drill"].(map[string]any)
	assert.Equal(t, "registry-failure", drill["scenario"])
	assert.Equal(t, "2026-12-03T14:00:00.000Z", drill["started_at"])

	// Every template filled for it starts with the banner, the AAR
	// through draft too.
	c, err := playbooks.BuiltinContent()
	require.NoError(t, err)
	for _, tm := range c.Templates {
		text := runOK(t, db, "draft", "INC-0001", "--template", tm.Name)
		assert.True(t, strings.HasPrefix(text, model.DrillBanner+"\n\n"), tm.Name)
	}
	assert.Contains(t, runOK(t, db, "draft", "INC-0001", "--template", "after-action-review"), "| Time to detection | < 1m | 45s | met |")

	// An over drill is final: it cannot be called off.
	stderr := runFail(t, db, exitFail, "drill", "stop", "1")
	assert.Contains(t, stderr, "its score is final")
}

// TestDrillMarks: a drill's incident is marked DRILL wherever it shows.
func TestDrillMarks(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	now := time.Now().Truncate(time.Second)
	runOK(t, db, "declare", "--title", "Real outage", "--severity", "P3", "--reason", "test")
	runOK(t, db, "drill", "start", "transport-degradation", "--now", now.Add(-3*time.Minute).Format(time.RFC3339))
	assert.Equal(t, "INC-0002\n", runOK(t, db, "declare", "--drill", "1", "--title", "Latency in eu-west"),
		"declare --drill, the team's own title")

	list := runOK(t, db, "list")
	assert.Regexp(t, `(?m)^INC-0002  P2 .*  DRILL Latency in eu-west$`, list)
	assert.Regexp(t, `(?m)^INC-0001  P3 .*  Real outage$`, list)

	show := runOK(t, db, "show", "INC-0002")
	assert.Contains(t, show, "\n"+model.DrillBanner+" (drill 1: warroom drill show 1)\n")
	assert.NotContains(t, runOK(t, db, "show", "INC-0001"), "DRILL")

	// The drill (P2) counts as open, but the worst severity and the next
	// deadline are the real incident's (P3): a drill never hides it.
	assert.Regexp(t, `^2 open \(1 drill\), worst P3 · next INC-0001 ACK `, runOK(t, db, "status"))
	assert.Contains(t, runOK(t, db, "status", "--tmux"), "P3#[default] 2 open (1 drill)")
	var st map[string]any
	require.NoError(t, json.Unmarshal([]byte(runOK(t, db, "status", "--json")), &st))
	assert.Equal(t, 1.0, st["drills"])
	assert.Equal(t, "P3", st["worst_severity"])
	assert.Nil(t, st["next"].(map[string]any)["drill"], "the next deadline is the real incident's")

	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(runOK(t, db, "show", "INC-0002", "--json")), &doc))
	assert.Equal(t, "Latency in eu-west", doc["title"])
	assert.Equal(t, "P2", doc["severity"], "the scenario's impact and customers: the assessment proposes P2")
	assert.Equal(t, []any{"transport"}, doc["services"])

	// The real incident's documents have no mark.
	assert.NotContains(t, runOK(t, db, "export", "INC-0001"), "DRILL")
	assert.NotContains(t, runOK(t, db, "draft", "INC-0001", "--template", "status-update"), "DRILL")
}

// TestDrillBadInput: unknown scenarios and drills, and drills in the wrong
// state, are refused with a message, and nothing changes.
func TestDrillBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	runOK(t, db, "declare", "--title", "Real outage", "--severity", "P3", "--reason", "test")
	runOK(t, db, "drill", "start", "registry-failure", "--now", drillClock(0))
	runOK(t, db, "drill", "start", "registry-failure", "--now", drillClock(time.Minute))
	runOK(t, db, "drill", "stop", "2", "--reason", "facilitator ill", "--now", drillClock(2*time.Minute))

	for _, c := range []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"drill"}, exitUsage, "drill needs a command"},
		{[]string{"drill", "frobnicate"}, exitUsage, `unknown drill command "frobnicate"`},
		{[]string{"drill", "start"}, exitUsage, "drill start takes one scenario"},
		{[]string{"drill", "start", "volcano"}, exitUsage, `unknown scenario "volcano" (want one of registry-failure, transport-degradation)`},
		{[]string{"drill", "start", "registry-failure", "--now", "noon"}, exitUsage, `--now "noon" is not an RFC 3339 time`},
		{[]string{"drill", "declare", "9"}, exitUsage, "no drill 9"},
		{[]string{"drill", "declare", "banana"}, exitUsage, `not a drill: "banana"`},
		{[]string{"drill", "declare", "1", "--severity", "P9"}, exitUsage, "P9"},
		{[]string{"drill", "declare", "1", "--services", "toaster"}, exitUsage, `unknown service "toaster"`},
		{[]string{"drill", "declare", "1", "--title", " "}, exitUsage, "--title is empty"},
		{[]string{"drill", "declare", "1", "--now", drillClock(-time.Second)}, exitUsage, "cannot be detected before"},
		{[]string{"drill", "declare", "2", "--now", drillClock(3 * time.Minute)}, exitFail, "called off"},
		{[]string{"declare", "--drill", "2"}, exitFail, "called off"},
		{[]string{"drill", "show", "INC-0001"}, exitUsage, "INC-0001 is not a drill's incident"},
		{[]string{"drill", "show", "INC-0009"}, exitUsage, "INC-0009 is not a drill's incident"},
		{[]string{"drill", "show"}, exitUsage, "drill show takes one drill"},
		{[]string{"drill", "aar", "1"}, exitUsage, "drill 1 has no incident yet: declare it first"},
		{[]string{"drill", "aar", "2"}, exitUsage, "called off before its incident was declared"},
		{[]string{"drill", "stop", "2"}, exitFail, "already called off"},
		{[]string{"drill", "list", "extra"}, exitUsage, "drill list takes no arguments"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			stderr := runFail(t, db, c.want, c.args...)
			assert.Contains(t, stderr, c.msg)
		})
	}

	// Nothing changed: one real incident, two drills, the first armed.
	var list struct {
		Drills []model.DrillDoc `json:"drills"`
	}
	require.NoError(t, json.Unmarshal([]byte(runOK(t, db, "drill", "list", "--json", "--now", drillClock(time.Hour))), &list))
	require.Len(t, list.Drills, 2)
	assert.Equal(t, model.DrillCalledOff, list.Drills[0].State)
	assert.Equal(t, "facilitator ill", list.Drills[0].EndReason)
	assert.Equal(t, model.DrillArmed, list.Drills[1].State)
	assert.Nil(t, list.Drills[1].Incident)
	var incs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(runOK(t, db, "list", "--json")), &incs))
	assert.Len(t, incs, 1)
}

// TestDrillStopRunning: a running drill called off keeps its incident,
// which says so on its timeline.
func TestDrillStopRunning(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	runOK(t, db, "drill", "start", "registry-failure", "--now", drillClock(0))
	runOK(t, db, "drill", "declare", "1", "--now", drillClock(40*time.Second))
	out := runOK(t, db, "drill", "stop", "INC-0001", "--reason", "real incident", "--now", drillClock(3*time.Minute))
	assert.Equal(t, "drill 1 called off: real incident\nINC-0001 is closed with it, unresolved (reopen it to go on)\n", out)
	show := runOK(t, db, "show", "INC-0001")
	assert.Regexp(t, `(?m)alice +drill-ended +DRILL called off: real incident; the incident is closed unresolved$`, show)
	assert.Regexp(t, `(?m)drill +inject +DRILL inject: Session Manager: customer sessions dropping`, show,
		"the T+2m inject, due before the call-off, is on the timeline")
	assert.NotContains(t, show, "Support: enterprise customers", "the T+4m one, after it, is not")

	text := runOK(t, db, "drill", "show", "1", "--now", drillClock(time.Hour))
	assert.Contains(t, text, "called off")
	assert.Contains(t, text, "Situation revealed (3 of 5 injects)")
	assert.Regexp(t, `(?m)^  Time to detection +< 1m +40s +met$`, text)
	assert.Regexp(t, `(?m)^  Time to acknowledgment +< 5m +not reached \(called off\) +called off$`, text,
		"5 min had not passed at the call-off: it will never be reached, nor count down")
	assert.Regexp(t, `(?m)^  Time to resolution +< 30m +not reached \(called off\) +called off$`, text)
	assert.NotContains(t, text, "pending")
	aar := runOK(t, db, "drill", "aar", "1", "--now", drillClock(time.Hour))
	assert.Contains(t, aar, "| Time to resolution | < 30m | not reached (called off) | called off |")
	assert.Contains(t, aar, "1/3 met, 2 not reached (called off)")
}

// TestDrillList: the scenarios with their targets, then the drills.
func TestDrillList(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	out := runOK(t, db, "drill", "list")
	assert.Regexp(t, `(?m)^registry-failure +P1 +5 +detection < 1m, acknowledgment < 5m, resolution < 30m +Complete Registry Failure$`, out)
	assert.Regexp(t, `(?m)^transport-degradation +P2 +5 +detection < 5m, acknowledgment < 30m, resolution < 2h +Transport Layer Degradation$`, out)
	assert.Contains(t, out, "no drills started")

	runOK(t, db, "drill", "start", "registry-failure", "--now", drillClock(0))
	runOK(t, db, "drill", "declare", "1", "--now", drillClock(30*time.Second))
	runOK(t, db, "drill", "start", "transport-degradation", "--now", drillClock(time.Hour))
	out = runOK(t, db, "drill", "list", "--now", drillClock(time.Hour+time.Minute))
	assert.Regexp(t, `(?m)^2 +transport-degradation +`+regexp.QuoteMeta(drillAt(drillT0.Add(time.Hour)))+` +armed +- +0/3 met, 3 pending$`, out)
	assert.Regexp(t, `(?m)^1 +registry-failure +`+regexp.QuoteMeta(drillAt(drillT0))+` +running +INC-0001 +1/3 met, 2 missed$`, out)

	var doc struct {
		Scenarios []map[string]any `json:"scenarios"`
	}
	require.NoError(t, json.Unmarshal([]byte(runOK(t, db, "drill", "list", "--json")), &doc))
	require.Len(t, doc.Scenarios, 2)
	assert.Equal(t, map[string]any{"name": "registry-failure", "title": "Complete Registry Failure", "severity": "P1",
		"services": []any{"registry", "session-manager"}, "injects": 5.0,
		"targets": map[string]any{"detection_seconds": 60.0, "acknowledge_seconds": 300.0, "resolution_seconds": 1800.0}},
		doc.Scenarios[0])
}

// TestDraftAARNeedsADrill: the after-action review is a drill's; drafting
// it for a real incident is bad usage (exit 2) that prints nothing, while
// a drill's incident gets it.
func TestDraftAARNeedsADrill(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	runOK(t, db, "declare", "--title", "Registry down", "--severity", "P1", "--reason", "t")
	stderr := runFail(t, db, exitUsage, "draft", "INC-0001", "--template", playbooks.TemplateAAR)
	assert.Equal(t, "warroom: the after-action review is a drill's: INC-0001 is not a drill\n", stderr)

	runOK(t, db, "drill", "start", "registry-failure", "--now", drillClock(0))
	runOK(t, db, "drill", "declare", "1", "--now", drillClock(45*time.Second))
	out := runOK(t, db, "draft", "INC-0002", "--template", playbooks.TemplateAAR)
	assert.Contains(t, out, "# After Action Review - Simulation Complete Registry Failure\n")
	runOK(t, db, "draft", "INC-0001", "--template", "status-update")
}

// TestDrillGlobalFlagsFirst: the global flags may come between drill and
// its command, as they may before drill and after the command.
func TestDrillGlobalFlagsFirst(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	run1 := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(args, &out, &errb)
		return code, out.String(), errb.String()
	}
	code, out, errs := run1("drill", "--db", db, "--as", "facilitator", "start", "registry-failure", "--now", drillClock(0))
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "drill 1 started")
	code, out, errs = run1("drill", "--db="+db, "list")
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, `(?m)^1 +registry-failure +2026-12-03 14:00:00 UTC +armed`, out, "the drill of that database")
	code, out, errs = run1("drill", "--db", db, "show", "1", "--json", "--now", drillClock(time.Minute))
	require.Equal(t, 0, code, errs)
	var doc model.DrillDoc
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "facilitator", doc.StartedBy, "--as before the command counts")

	// A command's own flag before the command is bad usage; so is an
	// empty --db; help still prints the usage.
	code, _, errs = run1("drill", "--db", db, "--json", "list")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "warroom: drill: flag provided but not defined: -json (only --db, --as and --playbooks may come before the drill command)\n")
	code, _, errs = run1("drill", "--db=", "list")
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "warroom: --db needs a path\n", errs)
	code, out, _ = run1("drill", "--help")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out, "usage:\n  warroom drill list"), out)
	code, _, errs = run1("drill", "--db", db)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "drill needs a command")
}

// TestDrillHostileReasonInErrors: a call-off reason with escape sequences
// never reaches the terminal raw, not even in the error that quotes it.
func TestDrillHostileReasonInErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	runOK(t, db, "drill", "start", "transport-degradation")
	runOK(t, db, "drill", "stop", "1", "--reason", "x \x1b]52;c;aGFja2Vk\x07 \u202eRTL\u202c \x1b[31mred")
	for _, args := range [][]string{{"drill", "declare", "1"}, {"declare", "--drill", "1"}} {
		stderr := runFail(t, db, exitFail, args...)
		assert.Contains(t, stderr, "can no longer be declared")
		assert.NotContains(t, stderr, "\x1b")
		assert.NotContains(t, stderr, "\x07")
		assert.NotContains(t, stderr, "\u202e")
	}
}
