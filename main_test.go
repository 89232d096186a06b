package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
	"github.com/warroom/warroom/store"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"warroom": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI end to end: testdata/script/*.txtar.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("USER", "alice")
			env.Setenv("XDG_DATA_HOME", filepath.Join(env.WorkDir, "xdg"))
			env.Setenv("HOME", env.WorkDir)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// filemode FILE MODE: the file's permission bits are MODE (octal).
			"filemode": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: filemode FILE MODE")
				}
				fi, err := os.Stat(ts.MkAbs(args[0]))
				ts.Check(err)
				want, err := strconv.ParseUint(args[1], 8, 32)
				ts.Check(err)
				if got := fi.Mode().Perm(); (got == os.FileMode(want)) == neg {
					ts.Fatalf("%s has mode %#o; want %s%#o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
				}
			},
		},
	})
}

// TestExitStatus pins the exit statuses scripts rely on: 2 for bad usage or
// input, 1 for a failure such as an unusable database path.
func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	notDB := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notDB, []byte("hello, not a database\n"), 0o600))
	newer := filepath.Join(dir, "newer.db")
	raw, err := sql.Open("sqlite", newer)
	require.NoError(t, err)
	_, err = raw.Exec("PRAGMA user_version = 999")
	require.NoError(t, err)
	require.NoError(t, raw.Close())

	cases := []struct {
		name string
		args []string
		want int
	}{
		{"declare ok", []string{"--db", db, "declare", "--title", "Registry nodes down", "--severity", "P1"}, 0},
		{"empty title", []string{"--db", db, "declare", "--title", "   "}, exitUsage},
		{"no title", []string{"--db", db, "declare"}, exitUsage},
		{"bad severity", []string{"--db", db, "declare", "--title", "x", "--severity", "P9"}, exitUsage},
		{"bad impact", []string{"--db", db, "declare", "--title", "x", "--impact", "huge"}, exitUsage},
		{"bad pct", []string{"--db", db, "declare", "--title", "x", "--customers-pct", "120"}, exitUsage},
		{"unknown service", []string{"--db", db, "declare", "--title", "x", "--services", "toaster"}, exitUsage},
		{"bad detected-at", []string{"--db", db, "declare", "--title", "x", "--detected-at", "yesterday"}, exitUsage},
		{"unknown command", []string{"--db", db, "frobnicate"}, exitUsage},
		{"show missing", []string{"--db", db, "show", "INC-0999"}, exitUsage},
		{"draft missing", []string{"--db", db, "draft", "inc-999"}, exitUsage},
		{"show bad key", []string{"--db", db, "show", "banana"}, exitUsage},
		{"missing dir", []string{"--db", filepath.Join(dir, "nope", "w.db"), "list"}, exitFail},
		{"not a database", []string{"--db", notDB, "list"}, exitFail},
		{"newer schema", []string{"--db", newer, "list"}, exitFail},
		{"empty --as", []string{"--db", db, "--as", "", "list"}, exitUsage},
		{"blank --as", []string{"--db", db, "declare", "--title", "x", "--as", "   "}, exitUsage},
		{"escape-only --as", []string{"--db", db, "--as", "\x1b[2J", "declare", "--title", "x"}, exitUsage},
		{"empty --db", []string{"--db", "", "list"}, exitUsage},
		{"empty --db after the command", []string{"list", "--db="}, exitUsage},
		{"export ok", []string{"--db", db, "export", "INC-0001"}, 0},
		{"export json ok", []string{"--db", db, "export", "INC-0001", "--format", "json"}, 0},
		{"export missing", []string{"--db", db, "export", "INC-0999"}, exitUsage},
		{"export bad key", []string{"--db", db, "export", "banana"}, exitUsage},
		{"export no key", []string{"--db", db, "export"}, exitUsage},
		{"export bad format", []string{"--db", db, "export", "INC-0001", "--format", "pdf"}, exitUsage},
		{"export to a missing dir", []string{"--db", db, "export", "INC-0001", "--output", filepath.Join(dir, "nope", "pir.md")}, exitFail},
		{"export to a directory", []string{"--db", db, "export", "INC-0001", "--output", dir}, exitFail},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := run(c.args, &out, &errb)
			assert.Equal(t, c.want, got, "stdout %q stderr %q", out.String(), errb.String())
			if c.want != 0 {
				assert.NotEmpty(t, errb.String(), "a failure says why")
			}
		})
	}

	var out, errb bytes.Buffer
	require.Equal(t, exitUsage, run([]string{"--db", db, "show", "inc-9999"}, &out, &errb))
	assert.Equal(t, "warroom: no incident INC-9999\n", errb.String())
	errb.Reset()
	require.Equal(t, exitUsage, run([]string{"--db", db, "--as", " \x1b[2J\t", "list"}, &out, &errb))
	assert.Equal(t, "warroom: --as needs a name\n", errb.String())
	errb.Reset()
	require.Equal(t, exitUsage, run([]string{"--db", "", "list"}, &out, &errb))
	assert.Equal(t, "warroom: --db needs a path\n", errb.String())
	b, err := os.ReadFile(db)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "\x1b[2J", "nothing was declared under a blank name")
	out.Reset()
	require.Equal(t, 0, run([]string{"--db", db, "list", "--json"}, &out, &errb))
	var list []map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &list))
	assert.Len(t, list, 1, "only the first declaration, under a real name, went through")

	b, err = os.ReadFile(notDB)
	require.NoError(t, err)
	assert.Equal(t, "hello, not a database\n", string(b), "a file that is not SQLite is left untouched")
}

// TestHostileTitle: a title with escape sequences and 10,000 characters is
// stored exactly as typed and printed neutralised.
func TestHostileTitle(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	title := "evil\x1b[2J\x1b]52;c;ZXZpbA==\x07\rBEL\x07 \u202edesrever " + strings.Repeat("🔥障x", 2500)
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"--db", db, "declare", "--title", title, "--severity", "P3", "--reason", "t"}, &out, &errb), errb.String())

	out.Reset()
	require.Equal(t, 0, run([]string{"--db", db, "show", "INC-0001", "--json"}, &out, &errb))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, title, doc["title"], "stored as typed")

	for _, args := range [][]string{{"show", "INC-0001"}, {"list"}} {
		out.Reset()
		require.Equal(t, 0, run(append([]string{"--db", db}, args...), &out, &errb))
		s := out.String()
		assert.NotContains(t, s, "\x1b", "%v prints no escape", args)
		assert.NotContains(t, s, "\x07")
		assert.NotContains(t, s, "\r")
		assert.NotContains(t, s, "\u202e")
	}
}

// declareAt builds an incident with the built-in playbooks, detected at det,
// numbered as the store would, without a database.
func declareAt(t *testing.T, sev model.Severity, title, actor string, det time.Time) (*model.Incident, model.Catalog) {
	t.Helper()
	cat, err := playbooks.Builtin()
	require.NoError(t, err)
	inc, ev, err := model.Declare(model.Declaration{Title: title, Severity: sev, OverrideReason: "test",
		DetectedAt: det, Actor: actor}, cat)
	require.NoError(t, err)
	inc.Number = 1
	inc.Timeline = append(inc.Timeline, ev)
	inc.Progress = model.CountProgress(inc.Checklist)
	return inc, cat
}

// lineOf is the line of text that matches re.
func lineOf(t *testing.T, text, re string) string {
	t.Helper()
	m := regexp.MustCompile("(?m)" + re).FindString(text)
	require.NotEmpty(t, m, "no line matching %q in\n%s", re, text)
	return m
}

// TestShowBreachedAgo: a breached deadline says how long ago it was due,
// every digit of it.
func TestShowBreachedAgo(t *testing.T) {
	det := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	inc, cat := declareAt(t, model.P2, "Transport degraded", "alice", det) // ACK within 30 min
	ackDue := det.Add(30 * time.Minute)
	for _, c := range []struct {
		late time.Duration
		want string
	}{
		{20*time.Minute + 6*time.Second, "BREACHED 20:06 ago"},
		{time.Hour + 10*time.Minute + 22*time.Second, "BREACHED 1:10:22 ago"},
		{399*24*time.Hour + 16*time.Hour + 5*time.Minute, "BREACHED 399d 16h ago"},
	} {
		var out bytes.Buffer
		printIncident(&out, inc, cat, ackDue.Add(c.late))
		ack := lineOf(t, out.String(), `^  ACK .*$`)
		assert.True(t, strings.HasSuffix(ack, "  "+c.want), "%q", ack)
	}
	assert.Equal(t, "20:06", since(20*time.Minute+6*time.Second))
	assert.Equal(t, "1:10:22", since(time.Hour+10*time.Minute+22*time.Second))
	assert.Equal(t, "399d 16h", since(399*24*time.Hour+16*time.Hour))
	assert.Equal(t, "00:00", since(0))
}

// TestActorName: who the timeline records. An explicit --as is cleaned of
// escapes and spaces (a blank one is refused before this, see
// TestExitStatus); $USER likewise, and "unknown" if nothing is left.
func TestActorName(t *testing.T) {
	t.Setenv("USER", " \x1b[1mcarol\x1b[0m\t")
	assert.Equal(t, "carol", actor(globals{}))
	assert.Equal(t, "bob", actor(globals{as: "  bob\n", asSet: true}))
	assert.Equal(t, "bob smith", actor(globals{as: "\x1b]52;c;ZXZpbA==\x07bob\nsmith", asSet: true}))
	assert.Equal(t, "障害太郎", actor(globals{as: "障害太郎", asSet: true}))
	t.Setenv("USER", "   ")
	assert.Equal(t, "unknown", actor(globals{}))
	t.Setenv("USER", "\x1b[2J")
	assert.Equal(t, "unknown", actor(globals{}))
	t.Setenv("USER", "")
	assert.Equal(t, "unknown", actor(globals{}))

	db := filepath.Join(t.TempDir(), "w.db")
	t.Setenv("USER", "\x1b[2J")
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"--db", db, "declare", "--title", "x", "--severity", "P3", "--reason", "t"}, &out, &errb), errb.String())
	require.Equal(t, 0, run([]string{"--db", db, "--as", "\tdave\x1b[0m ", "declare", "--title", "y", "--severity", "P3", "--reason", "t"}, &out, &errb), errb.String())
	for key, want := range map[string]string{"INC-0001": "unknown", "INC-0002": "dave"} {
		out.Reset()
		require.Equal(t, 0, run([]string{"--db", db, "show", key, "--json"}, &out, &errb))
		var doc model.IncidentDoc
		require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
		assert.Equal(t, want, doc.CreatedBy, key)
		assert.Equal(t, want, doc.Timeline[0].Actor, key)
	}
}

// TestDBFlag: an explicit empty --db is refused; an empty $WARROOM_DB is
// unset, so the default path is used.
func TestDBFlag(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "xdg"))
	t.Setenv("WARROOM_DB", "")
	p, err := dbPath(globals{})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(home, "xdg", "warroom", "warroom.db"), p)

	_, err = dbPath(globals{dbSet: true})
	var ue usageError
	require.ErrorAs(t, err, &ue)

	t.Setenv("WARROOM_DB", filepath.Join(home, "env.db"))
	p, err = dbPath(globals{})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(home, "env.db"), p)
	p, err = dbPath(globals{db: "flag.db", dbSet: true})
	require.NoError(t, err)
	assert.Equal(t, "flag.db", p, "--db wins over $WARROOM_DB")
}

// columnAt is the display column (cells, not runes or bytes) at which
// marker starts in line.
func columnAt(t *testing.T, line, marker string) int {
	t.Helper()
	i := strings.Index(line, marker)
	require.GreaterOrEqual(t, i, 0, "%q not in %q", marker, line)
	return ansi.StringWidth(line[:i])
}

// TestWideCharactersAlign: CJK and emoji take two cells; the columns after
// them still line up in list and in show's timeline, SLA and roles.
func TestWideCharactersAlign(t *testing.T) {
	det := time.Now().Add(-time.Hour).Truncate(time.Second)
	inc, cat := declareAt(t, model.P3, "レジストリ障害 🔥", "障害太郎", det)
	inc.Roles[model.RoleCommander] = "🔥bob"
	inc.Roles[model.RoleTechLead] = "李雷"
	for i, e := range []struct{ actor, kind string }{
		{"alice", "note"}, {"🔥bob", "status-update"}, {"李雷", "escalation-ack"},
		{"carol", "communication"}, {"x", "tick"},
	} {
		inc.Timeline = append(inc.Timeline, model.Event{At: det.Add(time.Duration(i+1) * time.Minute),
			Actor: e.actor, Kind: model.EventKind(e.kind), Text: "TEXT" + e.kind})
	}
	var out bytes.Buffer
	printIncident(&out, inc, cat, det.Add(2*time.Hour))
	s := out.String()

	tl := s[strings.Index(s, "\nTimeline\n"):]
	var kindCol, textCol []int
	for _, kind := range []string{"declared", "note", "status-update", "escalation-ack", "communication", "tick"} {
		line := lineOf(t, tl, `^  .* `+kind+`  .*$`)
		kindCol = append(kindCol, columnAt(t, line, " "+kind+" ")+1)
		if kind != "declared" {
			textCol = append(textCol, columnAt(t, line, "TEXT"))
		}
	}
	for i := range kindCol {
		assert.Equal(t, kindCol[0], kindCol[i], "the kind column lines up:\n%s", tl)
	}
	for i := range textCol {
		assert.Equal(t, textCol[0], textCol[i], "the text column lines up:\n%s", tl)
	}
	assert.Equal(t, kindCol[0]+len("escalation-ack")+2, textCol[0], "the column fits the longest kind")

	roles := s[strings.Index(s, "\nRoles\n"):strings.Index(s, "\nTimeline\n")]
	assert.Equal(t, columnAt(t, lineOf(t, roles, "^.*🔥bob.*$"), "🔥bob"), columnAt(t, lineOf(t, roles, "^.*李雷.*$"), "李雷"), "roles:\n%s", roles)
	assert.NotContains(t, roles, "🔥bob ", "no padding after the last column")

	sla := s[strings.Index(s, "\nSLA\n"):strings.Index(s, "\nChecklist")]
	dueCol := columnAt(t, lineOf(t, sla, `^  DET .*$`), "due ")
	for _, short := range []string{"ACK", "MIT", "RES", "PM", "UPD"} {
		assert.Equal(t, dueCol, columnAt(t, lineOf(t, sla, `^  `+short+` .*$`), "due "), short)
	}

	// list: a second incident with a narrow commander and title.
	db := filepath.Join(t.TempDir(), "w.db")
	var errb bytes.Buffer
	require.Equal(t, 0, run([]string{"--db", db, "--as", "障害太郎", "declare", "--title", "レジストリ障害 🔥", "--severity", "P3", "--reason", "t"}, &out, &errb), errb.String())
	require.Equal(t, 0, run([]string{"--db", db, "declare", "--title", "plain", "--severity", "P4", "--reason", "t"}, &out, &errb), errb.String())
	out.Reset()
	require.Equal(t, 0, run([]string{"--db", db, "list"}, &out, &errb), errb.String())
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 3, out.String())
	titleCol := columnAt(t, lines[0], "TITLE")
	assert.Equal(t, titleCol, columnAt(t, lines[1], "レジストリ障害"), "\n%s", out.String())
	assert.Equal(t, titleCol, columnAt(t, lines[2], "plain"), "\n%s", out.String())
}

// TestListEscalation: list agrees with the board: a due escalation is the
// NEXT column ("ESC T2 +12:00", time since it fell due), and list --json
// carries the escalation state.
func TestListEscalation(t *testing.T) {
	det := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	inc, _ := declareAt(t, model.P2, "Transport degraded", "alice", det) // due after 2h without progress
	assert.Equal(t, "ACK 30:00", nextText(inc, det))
	assert.Equal(t, "ESC T2 +12:00", nextText(inc, det.Add(2*time.Hour+12*time.Minute)))
	_, err := inc.Resolve(det.Add(3*time.Hour), "bob", "", "test: verified")
	require.NoError(t, err)
	assert.Equal(t, "PIR 3d 00h", nextText(inc, det.Add(3*time.Hour)), "no escalation once resolved; the PIR meeting (§6.1.1) is due first")

	db := filepath.Join(t.TempDir(), "w.db")
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"--db", db, "declare", "--title", "old", "--severity", "P2", "--reason", "t",
		"--detected-at", "2020-01-01T00:00:00Z"}, &out, &errb), errb.String())
	out.Reset()
	require.Equal(t, 0, run([]string{"--db", db, "list"}, &out, &errb), errb.String())
	assert.Regexp(t, `(?m)^INC-0001  P2   open    Detected  0/18   ESC T2 \+\d+d \d\dh  -          old$`, out.String())

	out.Reset()
	require.Equal(t, 0, run([]string{"--db", db, "list", "--json"}, &out, &errb), errb.String())
	var list []map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &list))
	require.Len(t, list, 1)
	assert.Equal(t, map[string]any{
		"tier": 1.0, "next_tier": 2.0, "due": true, "due_since": "2020-01-01T02:00:00.000Z", "due_at": nil,
		"reason": "2h without progress", "escalated_at": nil, "acknowledged_at": nil,
	}, list[0]["escalation"])
}

// TestShowEscalationLine: plain show says where the escalation stands.
func TestShowEscalationLine(t *testing.T) {
	det := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	at := func(t time.Time) string { return t.UTC().Format("15:04") }
	inc, _ := declareAt(t, model.P2, "Transport degraded", "alice", det)
	assert.Equal(t, "Tier 1 · Tier 2 due 16:00 (in 1:30:00) · 2h without progress",
		escalationText(inc, det.Add(30*time.Minute), at))
	assert.Equal(t, "Tier 1 · ESCALATE to Tier 2, due since 16:00 (12:00 ago) · 2h without progress",
		escalationText(inc, det.Add(2*time.Hour+12*time.Minute), at))

	_, err := inc.Escalate(det.Add(2*time.Hour+15*time.Minute), "bob", "2h without progress")
	require.NoError(t, err)
	assert.Equal(t, "Tier 2 · escalated 16:15, awaiting Tier 2's acknowledgment · Tier 3 due 17:15 (in 55:00) · Tier 2 did not respond within 1h",
		escalationText(inc, det.Add(2*time.Hour+20*time.Minute), at))
	_, err = inc.AcknowledgeEscalation(det.Add(2*time.Hour+30*time.Minute), "carol")
	require.NoError(t, err)
	assert.Equal(t, "Tier 2 · escalated 16:15, acknowledged 16:30 · Tier 3 due 18:30 (in 2:00:00) · 2h without progress",
		escalationText(inc, det.Add(2*time.Hour+30*time.Minute), at))
	_, err = inc.Resolve(det.Add(3*time.Hour), "bob", "", "test: verified")
	require.NoError(t, err)
	assert.Equal(t, "Tier 2 · escalated 16:15, acknowledged 16:30 · no escalation once resolved",
		escalationText(inc, det.Add(3*time.Hour), at))

	var out bytes.Buffer
	p1, cat := declareAt(t, model.P1, "Registry down", "alice", det)
	printIncident(&out, p1, cat, det.Add(90*time.Second))
	assert.Contains(t, out.String(), "\nescalation: Tier 1 · ESCALATE to Tier 2, due since ")
	assert.Contains(t, out.String(), " (01:30 ago) · immediate activation (P1)\n")
}

// TestExport: `warroom export` writes the post-incident review of an
// incident as the store has it (review, RCA, action items, timeline):
// Markdown by default, JSON with --format json, to a 0600 file with
// --output; people's text comes out escaped and without escape sequences.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"--db", db, "declare", "--title", "Registry `down` | <b>now</b>", "--severity", "P2",
		"--reason", "t", "--services", "registry", "--customers-pct", "12"}, &out, &errb), errb.String())

	ctx := context.Background()
	st, err := store.Open(ctx, db)
	require.NoError(t, err)
	now := time.Now()
	for _, fn := range []func(inc *model.Incident) (model.Event, error){
		func(inc *model.Incident) (model.Event, error) { return inc.Acknowledge(now, "bob") },
		func(inc *model.Incident) (model.Event, error) {
			return inc.Note(now, "bob", "leader lost\x1b[2J\x1b]52;c;ZXZpbA==\x07 quorum\n# not a heading")
		},
		func(inc *model.Incident) (model.Event, error) {
			return inc.Resolve(now, "alice", "rolled back", "test: checks skipped")
		},
	} {
		_, err := st.Apply(ctx, 1, fn)
		require.NoError(t, err)
	}
	require.NoError(t, st.SaveReview(ctx, 1, model.Review{
		Sections: map[string]string{model.SectionSummary: "The registry lost quorum.\n* not a list"},
		RCA: model.RCA{Whys: []string{"why one", "why `two`"}, RootCause: "no disruption budget",
			Factors: []model.Factor{{Category: model.FishProcess, Text: "no rollout review"}}, Category: model.CauseConfiguration},
		UpdatedAt: now, UpdatedBy: "carol",
	}))
	_, err = st.AddActionItem(ctx, 1, model.ActionItem{Description: "Set a | budget\nfor rollouts", Owner: "dave",
		DueAt: now.Add(72 * time.Hour), Status: model.ActionOpen}, "carol", now)
	require.NoError(t, err)
	require.NoError(t, st.Close())

	// Markdown, to stdout.
	out.Reset()
	require.Equal(t, 0, run([]string{"--db", db, "export", "INC-0001"}, &out, &errb), errb.String())
	md := out.String()
	for _, want := range []string{
		"# Post-Incident Review Report\n",
		"**Incident ID**: INC-0001\\\n",
		"**Title**: Registry \\`down\\` \\| \\<b\\>now\\</b\\>\\\n",
		"**Severity**: P2 - High\\\n",
		"## Summary\n\nThe registry lost quorum.\\\n\\* not a list\n",
		": Note (bob): leader lost quorum<br>\\# not a heading\n",
		"- Systems impacted: Registry Service\n",
		"- Customers affected: 12% of customers\n",
		"  2. why \\`two\\`\n",
		"  - Process: no rollout review\n",
		"| 1 | Set a \\| budget<br>for rollouts | dave | ",
		" | Open |\n",
	} {
		assert.Contains(t, md, want)
	}
	assert.NotContains(t, md, "\x1b")
	assert.NotContains(t, md, "\x07")

	// JSON: show --json's fields and the review's.
	out.Reset()
	require.Equal(t, 0, run([]string{"--db", db, "export", "inc-1", "--format", "JSON"}, &out, &errb), errb.String())
	var doc model.ExportDoc
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, "INC-0001", doc.Key)
	assert.Equal(t, "resolved", doc.Status)
	assert.Equal(t, "The registry lost quorum.\n* not a list", doc.Review.Sections[model.SectionSummary])
	assert.Equal(t, "", doc.Review.Sections[model.SectionLessons], "every section is there")
	assert.Equal(t, []string{"why one", "why `two`"}, doc.RCA.Whys)
	assert.Equal(t, "configuration", doc.RCA.Category)
	require.Len(t, doc.ActionItems, 1)
	assert.Equal(t, model.ActionItemDoc{ID: 1, Description: "Set a | budget\nfor rollouts", Owner: "dave",
		DueAt: doc.ActionItems[0].DueAt, Status: "open"}, doc.ActionItems[0])
	require.NotNil(t, doc.ActionItems[0].DueAt)
	assert.Len(t, doc.Verification.Checks, len(model.VerificationChecks))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &raw))
	for _, k := range []string{"key", "deadlines", "checklist", "timeline", "escalation", "review", "rca", "action_items", "verification"} {
		assert.Contains(t, raw, k)
	}

	// --output: a 0600 file, its path on stdout; an existing file (even
	// 0644) and a symbolic link are replaced, never written through.
	path := filepath.Join(dir, "pir.md")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	target := filepath.Join(dir, "target.txt")
	require.NoError(t, os.WriteFile(target, []byte("keep me"), 0o644))
	link := filepath.Join(dir, "link.md")
	require.NoError(t, os.Symlink(target, link))
	for _, p := range []string{path, link} {
		out.Reset()
		require.Equal(t, 0, run([]string{"--db", db, "export", "INC-0001", "--output", p}, &out, &errb), errb.String())
		assert.Equal(t, p+"\n", out.String())
		fi, err := os.Lstat(p)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode(), "%s: a regular file, 0600", p)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(b), "# Post-Incident Review Report\n"))
	}
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(b))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".tmp"), "no temporary file left: %s", e.Name())
	}
}
