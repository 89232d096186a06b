package playbooks

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/templates")

func templates(t testing.TB) []Template {
	t.Helper()
	ts, err := Templates()
	require.NoError(t, err)
	return ts
}

func TestTemplatesBuiltin(t *testing.T) {
	want := []struct {
		name, title string
		audience    model.Audience
		update      bool
	}{
		{"detection-notification", "Incident detection notification", model.AudienceInternal, true},
		{"status-update", "Status update", model.AudienceInternal, true},
		{"resolution-confirmation", "Resolution confirmation", model.AudienceInternal, true},
		{"customer-initial-alert", "Customer initial alert", model.AudienceCustomer, true},
		{"customer-resolution", "Customer resolution confirmation", model.AudienceCustomer, true},
		{"escalation-notification", "Escalation notification", model.AudienceInternal, false},
		{"after-action-review", "After action review", model.AudienceInternal, false},
	}
	ts := templates(t)
	require.Len(t, ts, len(want))
	for i, w := range want {
		tm := ts[i]
		assert.Equal(t, w.name, tm.Name)
		assert.Equal(t, w.title, tm.Title)
		assert.Equal(t, w.audience, tm.Audience, w.name)
		assert.Equal(t, w.update, tm.CountsAsUpdate, w.name)
		assert.Equal(t, w.name+".tmpl", tm.File)
		assert.Equal(t, 8, tm.Line, "%s: the text begins after 7 lines of front matter", w.name)
		assert.Equal(t, w.name, templateOrder[i], "the exported order")
		found, ok := FindTemplate(ts, w.name)
		assert.True(t, ok)
		assert.Equal(t, tm.File, found.File)
	}
	_, ok := FindTemplate(ts, "post-incident-review")
	assert.False(t, ok)
}

// fixedIncident is the incident of the golden files: a P1 "Registry nodes
// down" on the Registry Service and Transport Layer, 62% of customers,
// declared at 14:02 CET; IC alice and Comms Lead carol, three ticked steps,
// escalated to Tier 2, one status update. The clock stands at 14:30 CET;
// resolved, the incident was resolved at 16:15 and the clock stands at
// 16:20.
func fixedIncident(t *testing.T, resolved bool) model.TemplateData {
	t.Helper()
	loc := time.FixedZone("CET", 3600)
	clock := func(h, m int) time.Time { return time.Date(2026, 12, 3, h, m, 0, 0, loc) }
	cat := builtin(t)
	inc, ev, err := model.Declare(model.Declaration{
		Title: "Registry nodes down", Impact: model.ImpactCritical, CustomersPct: 62,
		Services: []string{"registry", "transport"}, DetectedAt: clock(14, 2), Actor: "alice",
	}, cat)
	require.NoError(t, err)
	require.Equal(t, model.P1, inc.Severity)
	inc.Number = 7
	inc.Timeline = append(inc.Timeline, ev)
	record := func(ev model.Event, err error) {
		t.Helper()
		require.NoError(t, err)
		inc.Timeline = append(inc.Timeline, ev)
	}
	tick := func(text, by string, when time.Time) {
		t.Helper()
		for i := range inc.Checklist {
			if it := &inc.Checklist[i]; it.Text == text {
				it.Done, it.DoneBy, it.DoneAt = true, by, when
				return
			}
		}
		t.Fatalf("no step %q", text)
	}
	record(inc.AssignRole(clock(14, 3), "alice", model.RoleCommander, "alice"))
	tick("Page on-call engineer", "alice", clock(14, 4))
	record(inc.AssignRole(clock(14, 4), "alice", model.RoleCommsLead, "carol"))
	record(inc.Acknowledge(clock(14, 5), "alice"))
	tick("Create incident ticket", "alice", clock(14, 6))
	record(inc.Escalate(clock(14, 8), "alice", ""))
	tick("Enable emergency failover", "bob", clock(14, 12))
	record(inc.StatusUpdate(clock(14, 15), "carol", "Failover to the standby registry is in progress; new sessions may fail."))
	now := clock(14, 30)
	if resolved {
		record(inc.Resolve(clock(16, 15), "alice", "standby promoted", "test: verified"))
		now = clock(16, 20)
	}
	return model.NewTemplateData(inc, cat, now, loc)
}

// TestTemplatesGolden fills every built-in template from the fixed incident
// and compares the text with testdata/templates/NAME.golden, and the status
// update and resolution templates from the resolved incident with
// NAME.resolved.golden.
// Regenerate with go test ./playbooks -run Golden -update.
func TestTemplatesGolden(t *testing.T) {
	open, resolved := fixedIncident(t, false), fixedIncident(t, true)
	for _, tm := range templates(t) {
		t.Run(tm.Name, func(t *testing.T) {
			golden(t, tm.Name+".golden", fill(t, tm, open))
			if tm.Name == TemplateStatusUpdate || tm.Name == TemplateResolution || tm.Name == TemplateCustomerResolve {
				golden(t, tm.Name+".resolved.golden", fill(t, tm, resolved))
			}
		})
	}
}

func fill(t *testing.T, tm Template, d model.TemplateData) string {
	t.Helper()
	out, err := tm.Fill(d)
	require.NoError(t, err)
	return out
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "templates", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./playbooks -run Golden -update to create it")
	assert.Equal(t, string(want), got, "%s differs; run with -update if the change is meant", path)
}

// TestTemplatesPlaceholders checks what stays for people to fill in: what
// the console cannot know, and only that, for the fixed incident; and the
// seed's placeholders for an incident that knows nothing, where every
// list falls back to the seed's text.
func TestTemplatesPlaceholders(t *testing.T) {
	known := map[string][]string{
		TemplateDetection: nil,
		TemplateStatusUpdate: {"[Brief update on current status, progress made, next steps]",
			"[Workarounds implemented, fix status, estimated resolution]", "[Major milestones]",
			"[Communication sent to customers, response received]"},
		TemplateResolution: {"[Timestamp]", "[Duration from start to resolution]",
			"[Brief description of root cause]", "[What was implemented]", "[Checks performed to confirm resolution]",
			"[Summary of impact resolution]", "[Number]", "[Duration]", "[Yes/No]"},
		TemplateCustomerAlert:   {"[Customer Name]", "[Description]", "[Time or TBE]", "[phone number]"},
		TemplateCustomerResolve: {"[Customer Name]", "[Brief description]", "[What was fixed]", "[Time from start to resolution]", "[preventive measures]"},
		TemplateEscalation:      {"[Phone]", "[Name]", "[Email]"},
		TemplateAAR: {"[Name]", "[Date]", "[Description]", "[Achieved / Partially / Not achieved]",
			"[Specific strength observed]", "[Specific improvement needed]", "[Learning 1]", "[Learning 2]", "[Learning 3]",
			"[Action]", "[Owner]", "[Specific next step]"},
	}
	nothing := map[string][]string{
		TemplateDetection: {"[List affected components]"},
		TemplateStatusUpdate: {"[Brief update on current status, progress made, next steps]", "[systems affected]",
			"[Workarounds implemented, fix status, estimated resolution]", "[Time of next update]", "[Major milestones]",
			"[Communication sent to customers, response received]"},
		TemplateResolution:      known[TemplateResolution],
		TemplateCustomerAlert:   {"[Customer Name]", "[affected systems]", "[Description]", "[Time or TBE]", "[phone number]", "[Time]", "[Update]"},
		TemplateCustomerResolve: {"[Customer Name]", "[affected systems]", "[Brief description]", "[What was fixed]", "[Time from start to resolution]", "[preventive measures]"},
		TemplateEscalation:      {"[Level]", "[Reason]", "[Next Level]", "[Name]", "[Phone]", "[Email]"},
		TemplateAAR: {"[Name]", "[Date]", "[Description]", "[List]", "[Achieved / Partially / Not achieved]",
			"[Specific strength observed]", "[Specific improvement needed]", "[Learning 1]", "[Learning 2]", "[Learning 3]",
			"[Action]", "[Owner]", "[Specific next step]"},
	}
	d := fixedIncident(t, false)
	for _, tm := range templates(t) {
		assert.Equal(t, known[tm.Name], Placeholders(fill(t, tm, d)), "%s, fixed incident", tm.Name)
		assert.Equal(t, nothing[tm.Name], Placeholders(fill(t, tm, model.TemplateData{})), "%s, empty incident", tm.Name)
	}
	resolved := fixedIncident(t, true)
	for name, want := range map[string][]string{
		TemplateResolution:      {"[Brief description of root cause]", "[What was implemented]", "[Checks performed to confirm resolution]", "[Summary of impact resolution]", "[Number]", "[Yes/No]"},
		TemplateCustomerResolve: {"[Customer Name]", "[Brief description]", "[What was fixed]", "[preventive measures]"},
	} {
		tm, ok := FindTemplate(templates(t), name)
		require.True(t, ok)
		assert.Equal(t, want, Placeholders(fill(t, tm, resolved)), "%s, resolved", name)
	}
}

// TestTemplatesSeedFallbacks checks that an empty list gives the seed's own
// lines.
func TestTemplatesSeedFallbacks(t *testing.T) {
	ts := templates(t)
	for name, lines := range map[string][]string{
		TemplateDetection: {"**Affected Systems**: [List affected components]\n",
			"**Actions Taken**:\n- [ ] Incident created\n- [ ] Team notified\n- [ ] Initial assessment started\n- [ ] Containment measures activated\n\n**Next Steps**:"},
		TemplateCustomerAlert: {"Status Updates:\n- [Time]: [Update]\n- [Time]: [Update]\n\nSincerely,"},
		TemplateEscalation: {"Previous Actions:\n- [ ] Initial response\n- [ ] Investigation steps\n- [ ] Containment measures\n- [ ] Resolution attempts\n\nContact Information:",
			"- On-call: [Name] - [Phone]\n- Backup: [Name] - [Phone]\n- Manager: [Name] - [Email]\n",
			"Acknowledge escalation within 15 minutes", "Provide status update within 30 minutes"},
	} {
		tm, ok := FindTemplate(ts, name)
		require.True(t, ok)
		out := fill(t, tm, model.TemplateData{})
		for _, l := range lines {
			assert.Contains(t, out, l, name)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	table := []struct {
		name, in string
		want     []string
	}{
		{"none", "plain text, no brackets", nil},
		{"the seed's forms", "Dear [Customer Name], call [phone number]; [P1/P2/P3/P4] by [Time or TBE]",
			[]string{"[Customer Name]", "[phone number]", "[P1/P2/P3/P4]", "[Time or TBE]"}},
		{"ids and punctuation", "[INCIDENT_ID] [Yes/No] [Brief update on current status, progress made, next steps]",
			[]string{"[INCIDENT_ID]", "[Yes/No]", "[Brief update on current status, progress made, next steps]"}},
		{"distinct, in order of first use", "[Name] - [Phone]\n[Name] - [Phone]\n[Name] - [Email]",
			[]string{"[Name]", "[Phone]", "[Email]"}},
		{"checkboxes are not placeholders", "- [ ] open\n- [x] done\n- [X] done", nil},
		{"links are not placeholders", "see [the runbook](https://example.com/rb) and [Owner]", []string{"[Owner]"}},
		{"a link with a space before its target is text", "[Owner] (x)", []string{"[Owner]"}},
		{"must begin with a letter", "[1] [ Name] [-x] [_id] [] [a]", []string{"[a]"}},
		{"no line break inside", "[Customer\nName] [Name]", []string{"[Name]"}},
		{"nested: the inner one", "[[Customer Name]]", []string{"[Customer Name]"}},
		{"unclosed", "[Customer Name", nil},
		{"non-ASCII after the first letter", "[Nom du client é]", []string{"[Nom du client é]"}},
		{"user text in brackets is reported too", "[prod] registry down", []string{"[prod]"}},
	}
	for _, tc := range table {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Placeholders(tc.in))
		})
	}
}

// TestFillEscapes fills every template from data full of escape sequences,
// both through model.NewTemplateData and straight into TemplateData (as a
// caller that forgot PlainText would): nothing comes out but plain text.
func TestFillEscapes(t *testing.T) {
	const evil = "\x1b[2J\x1b[H\x1b]52;c;cm0gLXJmIH4=\x07\x1bP+q\x1b\\\u009b31m\u009d0;x\u009c\r\u202e\x07\x08"
	d := sampleData()
	d.Title = "Registry" + evil + " down"
	d.ServiceNames = evil
	d.Services[0].Name = evil
	d.Actions[0].By, d.Actions[0].Text = "eve"+evil, evil+"tick"
	d.Updates[0].By, d.Updates[0].Text = evil, "line\r\n"+evil+"\nline"
	d.Roles[0].Person = "mallory" + evil
	d.Escalation.Reason = evil
	for _, tm := range templates(t) {
		out := fill(t, tm, d)
		assertPlain(t, out)
		assert.NotContains(t, out, "52;c;", tm.Name)
	}
	title := fill(t, templates(t)[0], d)
	assert.Contains(t, title, "**Initial Impact**: Registry  down;", "the escapes go (CR becomes a space), the words stay")
}

// TestFillEscapesFromIncident runs escape sequences through the whole
// path: incident, NewTemplateData, Fill.
func TestFillEscapesFromIncident(t *testing.T) {
	const evil = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\r\u202e"
	loc := time.FixedZone("CET", 3600)
	now := time.Date(2026, 12, 3, 14, 30, 0, 0, loc)
	cat := builtin(t)
	inc, ev, err := model.Declare(model.Declaration{
		Title: "Registry" + evil + " down", Impact: model.ImpactCritical, CustomersPct: 62,
		Services: []string{"registry"}, DetectedAt: now.Add(-time.Hour), Actor: "eve" + evil,
	}, cat)
	require.NoError(t, err)
	inc.Timeline = append(inc.Timeline, ev)
	for _, act := range []func() (model.Event, error){
		func() (model.Event, error) { return inc.Note(now, "eve"+evil, "note"+evil) },
		func() (model.Event, error) { return inc.StatusUpdate(now, "eve"+evil, "update"+evil+"\nmore") },
		func() (model.Event, error) { return inc.AssignRole(now, "eve", model.RoleCommander, "eve"+evil) },
		func() (model.Event, error) { return inc.Escalate(now, "eve"+evil, "because"+evil) },
	} {
		ev, err := act()
		require.NoError(t, err)
		inc.Timeline = append(inc.Timeline, ev)
	}
	inc.Checklist[0].Done, inc.Checklist[0].DoneBy, inc.Checklist[0].DoneAt = true, "eve"+evil, now
	inc.Checklist[0].Text += evil
	d := model.NewTemplateData(inc, cat, now, loc)
	for _, tm := range templates(t) {
		out := fill(t, tm, d)
		assertPlain(t, out)
	}
}

// assertPlain fails unless s holds nothing a terminal would act on: no
// control character but the newline (no ESC, BEL or CR), no C1 control, no
// bidi override.
func assertPlain(t testing.TB, s string) {
	t.Helper()
	require.True(t, utf8.ValidString(s))
	for i, r := range s {
		switch {
		case r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			t.Fatalf("control character %U at %d in %q", r, i, s)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			t.Fatalf("bidi control %U at %d in %q", r, i, s)
		}
	}
}

// FuzzFill fills every built-in template with arbitrary text in the fields
// people type: it never fails and never lets a control character through.
func FuzzFill(f *testing.F) {
	f.Add("Registry nodes down", "alice", "Failover in progress")
	f.Add("\x1b]52;c;ZXZpbA==\x07", "\x1b[2J", "a\r\nb\u202e")
	f.Add("{{.Key}}", "[Name]", "\u009b31m\x9b")
	ts := templates(f)
	f.Fuzz(func(t *testing.T, title, who, text string) {
		d := sampleData()
		d.Title, d.Commander = title, who
		d.Actions[0].By, d.Actions[0].Text = who, text
		d.Updates[1].By, d.Updates[1].Text = who, text
		d.Roles[1].Person = who
		d.Escalation.Reason = text
		for _, tm := range ts {
			out, err := tm.Fill(d)
			require.NoError(t, err)
			if utf8.ValidString(title + who + text) {
				assertPlain(t, out)
			}
			assert.NotContains(t, out, "\r")
			assert.NotContains(t, out, "\x1b")
		}
	})
}

func TestFillUnloaded(t *testing.T) {
	_, err := Template{Name: "x"}.Fill(sampleData())
	assert.Error(t, err)
}

// TestFillConcurrent fills one template from many goroutines (run with
// -race): a Template is shared by value.
func TestFillConcurrent(t *testing.T) {
	tm := templates(t)[0]
	want := fill(t, tm, sampleData())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			out, err := tm.Fill(sampleData())
			assert.NoError(t, err)
			assert.Equal(t, want, out)
		})
	}
	wg.Wait()
}

// TestSampleDataIsFull checks that the data LoadTemplates tries each
// template on has every field set, so that a field added to TemplateData
// is tried too.
func TestSampleDataIsFull(t *testing.T) {
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				walk(path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		case reflect.Slice:
			assert.GreaterOrEqual(t, v.Len(), 2, "%s: two items, so that separators run", path)
			for i := range v.Len() {
				walk(path+"[]", v.Index(i))
			}
		default:
			assert.False(t, v.IsZero(), "%s is not set in sampleData", path)
		}
	}
	walk("TemplateData", reflect.ValueOf(sampleData()))
}

// validTemplate is a correct template file; its text begins on line 7.
const validTemplate = `---
name: NAME
title: A test template
audience: internal
counts_as_update: true
---
Incident {{.Key}}
`

// tmplFS builds a file system of template files from name, text pairs.
func tmplFS(pairs ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for i := 0; i+1 < len(pairs); i += 2 {
		fsys[pairs[i]] = &fstest.MapFile{Data: []byte(pairs[i+1])}
	}
	return fsys
}

// valid returns validTemplate named name, with text after the front matter.
func valid(name, text string) string {
	return strings.Replace(validTemplate, "NAME", name, 1) + text
}

func TestLoadTemplates(t *testing.T) {
	fsys := tmplFS(
		"z.tmpl", valid("zeta", ""),
		"a.tmpl", valid("alpha", "{{range .Actions}}- {{.Text}}{{else}}none{{end}}\n{{with .Role \"ic\"}}{{.}}{{end}}\n"),
		"s.tmpl", valid("status-update", ""),
		"notes.txt", "not a template",
		"sub/x.tmpl", "not read: only the root",
	)
	fsys["a.tmpl"].Data = []byte(strings.Replace(string(fsys["a.tmpl"].Data), "audience: internal", "audience: customer", 1))
	ts, err := LoadTemplates(fsys)
	require.NoError(t, err)
	require.Len(t, ts, 3)
	assert.Equal(t, []string{"status-update", "alpha", "zeta"}, []string{ts[0].Name, ts[1].Name, ts[2].Name},
		"the built-in names first, in their order; the others by name")
	assert.Equal(t, model.AudienceCustomer, ts[1].Audience)
	assert.Equal(t, "A test template", ts[1].Title)
	assert.Equal(t, 7, ts[1].Line)

	out, err := ts[1].Fill(sampleData())
	require.NoError(t, err)
	assert.Equal(t, model.DrillBanner+"\n\nIncident INC-0001\n- Page on-call engineer- Create incident ticket\nalice\n", out,
		"sampleData is a drill's: the banner comes first")

	t.Run("title defaults to the name", func(t *testing.T) {
		ts, err := LoadTemplates(tmplFS("x.tmpl", strings.Replace(valid("x", ""), "title: A test template\n", "", 1)))
		require.NoError(t, err)
		assert.Equal(t, "x", ts[0].Title)
	})
	t.Run("CRLF line ends", func(t *testing.T) {
		ts, err := LoadTemplates(tmplFS("x.tmpl", strings.ReplaceAll(valid("x", "two\n"), "\n", "\r\n")))
		require.NoError(t, err)
		out, err := ts[0].Fill(sampleData())
		require.NoError(t, err)
		assert.Equal(t, model.DrillBanner+"\n\nIncident INC-0001\ntwo\n", out, "CR LF comes out as LF")
	})
	t.Run("counts_as_update false", func(t *testing.T) {
		ts, err := LoadTemplates(tmplFS("x.tmpl", strings.Replace(valid("x", ""), "counts_as_update: true", "counts_as_update: false", 1)))
		require.NoError(t, err)
		assert.False(t, ts[0].CountsAsUpdate)
	})
}

func TestLoadTemplatesErrors(t *testing.T) {
	table := []struct {
		name  string
		files []string // name, text pairs
		want  []Problem
	}{
		{"no template files", []string{"readme.md", "x"},
			[]Problem{{File: "*.tmpl", Msg: "no template files"}}},
		{"unknown field", []string{"x.tmpl", valid("x", "line 8\n\nline 10 {{.Nope}}\n")},
			[]Problem{{File: "x.tmpl", Line: 10, Msg: "<.Nope>: can't evaluate field Nope in type model.TemplateData"}}},
		{"unknown field on the first line of the text", []string{"x.tmpl", strings.Replace(valid("x", ""), "{{.Key}}", "{{.Keyy}}", 1)},
			[]Problem{{File: "x.tmpl", Line: 7, Msg: "<.Keyy>: can't evaluate field Keyy in type model.TemplateData"}}},
		{"unknown field in an else branch", []string{"x.tmpl", valid("x", "{{if .Actions}}ok{{else}}\n{{.Nope}}{{end}}\n")},
			[]Problem{{File: "x.tmpl", Line: 9, Msg: "<.Nope>: can't evaluate field Nope in type model.TemplateData"}}},
		{"unknown field in a range", []string{"x.tmpl", valid("x", "{{range .Actions}}\n  {{.When}}\n{{end}}\n")},
			[]Problem{{File: "x.tmpl", Line: 9, Msg: "<.When>: can't evaluate field When in type model.ActionTaken"}}},
		{"unknown role", []string{"x.tmpl", valid("x", "{{.Role \"Chief\"}}\n")},
			[]Problem{{File: "x.tmpl", Line: 8, Msg: `<.Role>: error calling Role: unknown role "Chief"`}}},
		{"index out of range on an empty incident", []string{"x.tmpl", valid("x", "{{(index .Actions 0).Text}}\n")},
			[]Problem{{File: "x.tmpl", Line: 8, Msg: "<index .Actions 0>: error calling index: reflect: slice index out of range"}}},
		{"syntax error: unclosed action", []string{"x.tmpl", valid("x", "fine\n{{.Key")},
			[]Problem{{File: "x.tmpl", Line: 9, Msg: "unclosed action"}}},
		{"syntax error: bad character", []string{"x.tmpl", valid("x", "fine\n{{.Key}\nmore\n")},
			[]Problem{{File: "x.tmpl", Line: 9, Msg: "bad character U+007D '}'"}}},
		{"syntax error: unterminated quoted string", []string{"x.tmpl", valid("x", "\n\n{{.Role \"ic}}\n")},
			[]Problem{{File: "x.tmpl", Line: 10, Msg: "unterminated quoted string"}}},
		{"syntax error: unknown function", []string{"x.tmpl", valid("x", "\n{{upper .Key}}\n")},
			[]Problem{{File: "x.tmpl", Line: 9, Msg: `function "upper" not defined`}}},
		{"syntax error: missing end", []string{"x.tmpl", valid("x", "{{if .Key}}\nyes\n")},
			[]Problem{{File: "x.tmpl", Line: 10, Msg: "unexpected EOF"}}},
		{"syntax error: unexpected end", []string{"x.tmpl", valid("x", "{{end}}\n")},
			[]Problem{{File: "x.tmpl", Line: 8, Msg: "unexpected {{end}}"}}},
		{"unknown front matter key", []string{"x.tmpl", strings.Replace(valid("x", ""), "audience:", "colour: red\naudience:", 1)},
			[]Problem{{File: "x.tmpl", Line: 4, Field: "colour", Msg: `unknown field "colour" (known fields: name, title, audience, counts_as_update)`}}},
		{"missing name and audience", []string{"x.tmpl", strings.NewReplacer("name: x\n", "", "audience: internal\n", "").Replace(valid("x", ""))},
			[]Problem{
				{File: "x.tmpl", Line: 2, Field: "name", Msg: "missing"},
				{File: "x.tmpl", Line: 2, Field: "audience", Msg: "missing"},
			}},
		{"missing counts_as_update", []string{"x.tmpl", strings.Replace(valid("x", ""), "counts_as_update: true\n", "", 1)},
			[]Problem{{File: "x.tmpl", Line: 2, Field: "counts_as_update", Msg: "missing (true if sending it is a status update, which restarts the update clock)"}}},
		{"unknown audience", []string{"x.tmpl", strings.Replace(valid("x", ""), "audience: internal", "audience: everyone", 1)},
			[]Problem{{File: "x.tmpl", Line: 4, Field: "audience", Msg: `unknown audience "everyone" (want internal or customer)`}}},
		{"counts_as_update not a boolean", []string{"x.tmpl", strings.Replace(valid("x", ""), "counts_as_update: true", "counts_as_update: maybe", 1)},
			[]Problem{{File: "x.tmpl", Line: 5, Field: "counts_as_update", Msg: "want true or false, got text `maybe`"}}},
		{"invalid name", []string{"x.tmpl", valid("Status Update", "")},
			[]Problem{{File: "x.tmpl", Line: 2, Field: "name", Msg: `invalid name "Status Update" (want lowercase letters and digits, words joined by dashes: status-update)`}}},
		{"duplicate names", []string{"a.tmpl", valid("same", ""), "b.tmpl", "---\n\n" + strings.TrimPrefix(valid("same", ""), "---\n")},
			[]Problem{{File: "b.tmpl", Line: 3, Field: "name", Msg: `duplicate template name "same" (first in a.tmpl:2)`}}},
		{"no front matter", []string{"x.tmpl", "Incident {{.Key}}\n"},
			[]Problem{{File: "x.tmpl", Line: 1, Msg: `no front matter: the file must begin with a line "---", then name, title, audience and counts_as_update, then a line "---"`}}},
		{"empty file", []string{"x.tmpl", ""},
			[]Problem{{File: "x.tmpl", Line: 1, Msg: `no front matter: the file must begin with a line "---", then name, title, audience and counts_as_update, then a line "---"`}}},
		{"front matter not closed", []string{"x.tmpl", "---\nname: x\naudience: internal\n"},
			[]Problem{{File: "x.tmpl", Line: 1, Msg: `the front matter is not closed: no line "---" after it`}}},
		{"empty front matter", []string{"x.tmpl", "---\n---\nIncident {{.Key}}\n"},
			[]Problem{{File: "x.tmpl", Msg: "the front matter is empty"}}},
		{"front matter YAML syntax error", []string{"x.tmpl", strings.Replace(valid("x", ""), "title: A test template", "title: [unclosed", 1)},
			[]Problem{{File: "x.tmpl", Line: 3, Msg: "did not find expected ',' or ']'"}}},
		{"empty text", []string{"x.tmpl", strings.TrimSuffix(valid("x", ""), "Incident {{.Key}}\n") + "\n  \n"},
			[]Problem{{File: "x.tmpl", Line: 6, Msg: "the template is empty: no text after the front matter"}}},
		{"every problem of every file", []string{
			"a.tmpl", strings.Replace(valid("a", "{{.Nope}}\n"), "audience: internal", "audience: all", 1),
			"b.tmpl", valid("b", "{{if}}\n"),
		}, []Problem{
			{File: "a.tmpl", Line: 4, Field: "audience", Msg: `unknown audience "all" (want internal or customer)`},
			{File: "a.tmpl", Line: 8, Msg: "<.Nope>: can't evaluate field Nope in type model.TemplateData"},
			{File: "b.tmpl", Line: 8, Msg: "missing value for if"},
		}},
		{"runaway output", []string{"x.tmpl", valid("x", "{{range 100000000}}{{$.Key}}{{end}}\n")},
			[]Problem{{File: "x.tmpl", Msg: "the filled text is longer than 1048576 bytes"}}},
		{"CRLF keeps line numbers", []string{"x.tmpl", strings.ReplaceAll(valid("x", "\r\n{{.Nope}}\r\n"), "\n", "\r\n")},
			[]Problem{{File: "x.tmpl", Line: 9, Msg: "<.Nope>: can't evaluate field Nope in type model.TemplateData"}}},
	}
	for _, tc := range table {
		t.Run(tc.name, func(t *testing.T) {
			ts, err := LoadTemplates(tmplFS(tc.files...))
			assert.Nil(t, ts)
			var verr *ValidationError
			require.True(t, errors.As(err, &verr), "%v", err)
			assert.Equal(t, tc.want, verr.Problems)
			assert.ErrorIs(t, err, model.ErrInvalid)
		})
	}
}

// TestLoadTemplatesErrorString shows a problem the way the console prints it.
func TestLoadTemplatesErrorString(t *testing.T) {
	_, err := LoadTemplates(tmplFS("status.tmpl", valid("status", "\n\n{{.Nope}}\n")))
	require.Error(t, err)
	assert.Equal(t, "status.tmpl:10: <.Nope>: can't evaluate field Nope in type model.TemplateData", err.Error())
}

// FuzzLoadTemplates loads arbitrary bytes as a template file: LoadTemplates
// returns templates or a *ValidationError, never panics, and a template it
// accepts fills the sample incident.
func FuzzLoadTemplates(f *testing.F) {
	for _, tm := range templates(f) {
		data, err := builtinTemplates.ReadFile("templates/" + tm.File)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(valid("x", "{{.Nope}}")))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := LoadTemplates(tmplFS("x.tmpl", string(data)))
		if err != nil {
			var verr *ValidationError
			require.True(t, errors.As(err, &verr), "%T: %v", err, err)
			require.NotEmpty(t, verr.Problems)
			for _, p := range verr.Problems {
				require.Equal(t, "x.tmpl", p.File)
				require.NotEmpty(t, p.Msg)
				require.LessOrEqual(t, p.Line, strings.Count(string(data), "\n")+1)
			}
			return
		}
		require.Len(t, ts, 1)
		_, err = ts[0].Fill(sampleData())
		require.NoError(t, err)
	})
}
