package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
	"github.com/warroom/warroom/store"
)

// statusDB is a new database for the status tests, with its path.
func statusDB(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.db")
	st, err := store.Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st, path
}

// storeAt stores an incident of severity sev detected at detected.
func storeAt(t *testing.T, st *store.Store, sev model.Severity, detected time.Time) *model.Incident {
	t.Helper()
	cat, err := playbooks.Builtin()
	require.NoError(t, err)
	inc, ev, err := model.Declare(model.Declaration{
		Title: "Registry nodes down #[fg=red]\x1b[2J", Severity: sev, OverrideReason: "test",
		DetectedAt: detected, Actor: "alice",
	}, cat)
	require.NoError(t, err)
	inc, err = st.Declare(context.Background(), inc, ev)
	require.NoError(t, err)
	return inc
}

// TestStatusLines pins the three forms of each situation at a fixed
// instant: nothing open, a breached deadline, a deadline in its warning
// share, one running normally, a due escalation, resolved incidents only.
func TestStatusLines(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	tests := []struct {
		name  string
		setup func(t *testing.T, st *store.Store)
		text  string
		tmux  string
		json  string
	}{
		{
			name: "none",
			text: "no open incidents",
			tmux: "#[fg=colour244]no open incidents#[default]",
			json: `{"open":0,"resolved":0,"breached":0,"worst_severity":null,"next":null}`,
		},
		{
			name: "breached",
			setup: func(t *testing.T, st *store.Store) {
				storeAt(t, st, model.P2, now.Add(-40*time.Minute)) // ACK within 30m: 10 minutes late
				storeAt(t, st, model.P4, now.Add(-10*time.Minute))
			},
			text: "2 open, worst P2 · 1 breached · next INC-0001 ACK +10:00",
			tmux: "#[fg=colour208,bold]P2#[default] 2 open · #[fg=colour196]INC-0001 ACK +10:00#[default]",
			json: `{"open":2,"resolved":0,"breached":1,"worst_severity":"P2","next":{"key":"INC-0001","severity":"P2","deadline":"ACK",` +
				`"due_at":"` + now.Add(-10*time.Minute).UTC().Format(time.RFC3339) + `","remaining_seconds":-600,"state":"breached"}}`,
		},
		{
			name: "warning",
			setup: func(t *testing.T, st *store.Store) {
				storeAt(t, st, model.P3, now.Add(-210*time.Minute)) // ACK within 4h: 30 minutes left, under a quarter
			},
			text: "1 open, worst P3 · next INC-0001 ACK 30:00",
			tmux: "#[fg=colour220,bold]P3#[default] 1 open · #[fg=colour220]INC-0001 ACK 30:00#[default]",
			json: `{"open":1,"resolved":0,"breached":0,"worst_severity":"P3","next":{"key":"INC-0001","severity":"P3","deadline":"ACK",` +
				`"due_at":"` + now.Add(30*time.Minute).UTC().Format(time.RFC3339) + `","remaining_seconds":1800,"state":"warning"}}`,
		},
		{
			name: "ok",
			setup: func(t *testing.T, st *store.Store) {
				storeAt(t, st, model.P4, now.Add(-10*time.Minute)) // ACK within 8h
			},
			text: "1 open, worst P4 · next INC-0001 ACK 7:50:00",
			tmux: "#[fg=colour39,bold]P4#[default] 1 open · INC-0001 ACK 7:50:00",
			json: `{"open":1,"resolved":0,"breached":0,"worst_severity":"P4","next":{"key":"INC-0001","severity":"P4","deadline":"ACK",` +
				`"due_at":"` + now.Add(470*time.Minute).UTC().Format(time.RFC3339) + `","remaining_seconds":28200,"state":"ok"}}`,
		},
		{
			name: "nearest of several",
			setup: func(t *testing.T, st *store.Store) {
				storeAt(t, st, model.P3, now.Add(-10*time.Minute))
				storeAt(t, st, model.P2, now.Add(-5*time.Minute)) // ACK in 25m: the nearest
				storeAt(t, st, model.P4, now.Add(-10*time.Minute))
			},
			text: "3 open, worst P2 · next INC-0002 ACK 25:00",
			tmux: "#[fg=colour208,bold]P2#[default] 3 open · INC-0002 ACK 25:00",
			json: `{"open":3,"resolved":0,"breached":0,"worst_severity":"P2","next":{"key":"INC-0002","severity":"P2","deadline":"ACK",` +
				`"due_at":"` + now.Add(25*time.Minute).UTC().Format(time.RFC3339) + `","remaining_seconds":1500,"state":"ok"}}`,
		},
		{
			name: "escalation due",
			setup: func(t *testing.T, st *store.Store) {
				storeAt(t, st, model.P3, now.Add(-time.Hour))
				storeAt(t, st, model.P1, now.Add(-2*time.Minute)) // immediate activation: Tier 2 due since detection
			},
			text: "2 open, worst P1 · next INC-0002 ESC T2 +02:00",
			tmux: "#[fg=colour196,bold]P1#[default] 2 open · #[fg=colour196]INC-0002 ESC T2 +02:00#[default]",
			json: `{"open":2,"resolved":0,"breached":0,"worst_severity":"P1","next":{"key":"INC-0002","severity":"P1","deadline":"ESC T2",` +
				`"due_at":"` + now.Add(-2*time.Minute).UTC().Format(time.RFC3339) + `","remaining_seconds":-120,"state":"breached"}}`,
		},
		{
			name: "resolved only",
			setup: func(t *testing.T, st *store.Store) {
				inc := storeAt(t, st, model.P3, now.Add(-2*time.Hour))
				_, err := st.Apply(context.Background(), inc.Number, func(inc *model.Incident) (model.Event, error) {
					return inc.Resolve(now.Add(-time.Hour), "alice", "rolled back", "verified by hand")
				})
				require.NoError(t, err)
			},
			text: "no open incidents · 1 resolved",
			tmux: "#[fg=colour244]no open incidents#[default]",
			json: `{"open":0,"resolved":1,"breached":0,"worst_severity":null,"next":null}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := statusDB(t)
			if tc.setup != nil {
				tc.setup(t, st)
			}
			incs, err := st.Board(context.Background())
			require.NoError(t, err)
			s := summarize(incs, now)
			assert.Equal(t, tc.text, s.text(now))
			assert.Equal(t, tc.tmux, s.tmux(now))
			var b bytes.Buffer
			require.NoError(t, json.NewEncoder(&b).Encode(s.doc(now)))
			assert.JSONEq(t, tc.json, b.String())
		})
	}
}

// TestStatusTmuxSanitized: text from the database cannot style tmux's
// status line or drive the terminal. Titles are never shown; a deadline's
// short name comes from the SLA snapshot, which custom policies write.
func TestStatusTmuxSanitized(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	cat, err := playbooks.Builtin()
	require.NoError(t, err)
	pol := cat.Policy.Severities[model.P4]
	pol.Milestones = append([]model.MilestoneTarget(nil), pol.Milestones...)
	for i := range pol.Milestones {
		pol.Milestones[i].Short = "#[fg=red]#{pane_id}\x1b]52;c;aGk=\x07A"
	}
	cat.Policy.Severities[model.P4] = pol
	inc, _, err := model.Declare(model.Declaration{
		Title: "#[fg=red]\x1b[2J", Severity: model.P4, OverrideReason: "test", DetectedAt: now.Add(-time.Minute), Actor: "alice",
	}, cat)
	require.NoError(t, err)
	inc.Number = 7
	s := summarize([]*model.Incident{inc}, now)
	line := s.tmux(now)
	assert.Equal(t, "#[fg=colour39,bold]P4#[default] 1 open · INC-0007 [fg=red]{pa… 7:59:00", line)
	assert.NotContains(t, s.text(now), "\x1b")
	assert.NotContains(t, s.doc(now).Next.Deadline, "\x1b")
}

// TestRunStatus runs the command: flags, output, a missing database.
func TestRunStatus(t *testing.T) {
	st, path := statusDB(t)
	storeAt(t, st, model.P2, time.Now().Add(-40*time.Minute))
	g := globals{db: path, dbSet: true}

	var out, errb bytes.Buffer
	require.NoError(t, runStatus(g, []string{"--tmux"}, &out, &errb))
	assert.Regexp(t, `^#\[fg=colour208,bold\]P2#\[default\] 1 open · #\[fg=colour196\]INC-0001 ACK \+10:0\d#\[default\]\n$`, out.String())

	out.Reset()
	require.NoError(t, runStatus(g, []string{"--json"}, &out, &errb))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, "P2", doc["worst_severity"])
	assert.Equal(t, "breached", doc["next"].(map[string]any)["state"])

	out.Reset()
	require.NoError(t, runStatus(g, nil, &out, &errb))
	assert.Regexp(t, `^1 open, worst P2 · 1 breached · next INC-0001 ACK \+10:0\d\n$`, out.String())

	var ue usageError
	assert.ErrorAs(t, runStatus(g, []string{"--tmux", "--json"}, &out, &errb), &ue)
	assert.ErrorAs(t, runStatus(g, []string{"extra"}, &out, &errb), &ue)

	// A --db that names no file is an error (exit 1), not an empty board.
	missing := globals{db: filepath.Join(t.TempDir(), "typo.db"), dbSet: true}
	err := runStatus(missing, []string{"--tmux"}, &out, &errb)
	require.Error(t, err)
	assert.False(t, errors.As(err, &ue))
	assert.NoFileExists(t, missing.db)

	// The default database not there yet: nothing open, and no file made.
	t.Setenv("WARROOM_DB", "")
	xdg := t.TempDir()
	t.Setenv("XDG_DATA_HOME", xdg)
	out.Reset()
	require.NoError(t, runStatus(globals{}, []string{"--tmux"}, &out, &errb))
	assert.Equal(t, "#[fg=colour244]no open incidents#[default]\n", out.String())
	assert.NoFileExists(t, filepath.Join(xdg, "warroom", "warroom.db"))
}

// The status benchmark's database: 100 open incidents and 10,000 closed
// ones, each with 20 checklist items and 10 timeline events.
const (
	statusBenchOpen   = 100
	statusBenchClosed = 10_000
)

// buildStatusFixture fills a new database in one transaction: incidents
// 1..10,000 closed, the last 100 open, detected over the past 100 minutes,
// of every severity, with the built-in SLA snapshots.
func buildStatusFixture(path string, now time.Time) error {
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	cat, err := playbooks.Builtin()
	if err != nil {
		return err
	}
	var policies [4]string
	for i, sev := range model.Severities {
		b, err := json.Marshal(cat.Policy.Severities[sev])
		if err != nil {
			return err
		}
		policies[i] = string(b)
	}
	const series = `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < :incidents) `
	t0 := now.Add(-24 * time.Hour * 365).UnixMilli()
	args := []any{
		sql.Named("incidents", statusBenchClosed+statusBenchOpen),
		sql.Named("closed", statusBenchClosed),
		sql.Named("t0", t0),
		sql.Named("now", now.UnixMilli()),
		sql.Named("p1", policies[0]), sql.Named("p2", policies[1]), sql.Named("p3", policies[2]), sql.Named("p4", policies[3]),
	}
	// An open incident k is detected (k - closed) minutes ago; a closed
	// one a year ago plus k minutes, and closed a day later.
	return st.WithTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`INSERT INTO policy_snapshots (id, json) VALUES (1, :p1), (2, :p2), (3, :p3), (4, :p4)`,
			series + `INSERT INTO incidents (id, number, title, severity, severity_reason, phase, status, impact,
				customers_pct, created_by, started_at, detected_at, resolved_at, post_mortem_at, closed_at, updated_at,
				last_progress_at, policy_id)
			SELECT k, k, 'Incident ' || k || ': registry latency above the SLO', 1 + k % 4, 'benchmark',
				iif(k > :closed, 1, 12), iif(k > :closed, 'open', 'closed'), 'important', 30, 'alice',
				iif(k > :closed, :now - (k - :closed) * 60000, :t0 + k * 60000),
				iif(k > :closed, :now - (k - :closed) * 60000, :t0 + k * 60000),
				iif(k > :closed, NULL, :t0 + k * 60000 + 3600000),
				iif(k > :closed, NULL, :t0 + k * 60000 + 86400000),
				iif(k > :closed, NULL, :t0 + k * 60000 + 90000000),
				iif(k > :closed, :now - (k - :closed) * 60000, :t0 + k * 60000 + 90000000),
				iif(k > :closed, :now - (k - :closed) * 60000, :t0 + k * 60000 + 90000000),
				1 + k % 4
			FROM n`,
			series + `INSERT INTO incident_services (incident_id, service, position)
			SELECT k, 'registry', 0 FROM n UNION ALL SELECT k, 'transport', 1 FROM n`,
			series + `INSERT INTO roles (incident_id, role, person, assigned_at)
			SELECT k, 'Incident Commander', 'alice', :t0 FROM n UNION ALL SELECT k, 'Technical Lead', 'bob', :t0 FROM n`,
			series + `, m(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM m WHERE j < 19)
			INSERT INTO checklist_items (incident_id, step_id, severity, phase, phase_order, anchor, start_ms, end_ms,
				has_window, grp, text, position, done, done_by, done_at, retired)
			SELECT k, 'p2.phase' || (j / 5) || '.step' || j, 2, 'Phase ' || (j / 5), j / 5, 'detected',
				(j / 5) * 900000, (j / 5 + 1) * 900000, 1, 'Alert Stakeholders',
				'Step ' || j || ' of the playbook: check the dashboards and page the owner', j + 1,
				iif(k <= :closed OR j < 10, 1, 0), iif(k <= :closed OR j < 10, 'bob', ''),
				iif(k <= :closed OR j < 10, :t0 + k * 60000 + j * 1000, NULL), 0
			FROM n, m`,
			series + `, m(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM m WHERE j < 9)
			INSERT INTO events (incident_id, at, actor, kind, text)
			SELECT k, :t0 + k * 60000 + j * 1000, 'bob', 'note', 'Note ' || j || ': rolled back the deploy, watching error rates'
			FROM n, m`,
		} {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkStatus is one `warroom status --tmux` but for the process's
// start: open the database, read the board (100 open incidents among
// 10,100), summarize, print, close. Budget: 20 ms a call, the process's
// start included (a few ms).
//
//	go test -run '^$' -bench Status -benchtime 200x .
func BenchmarkStatus(b *testing.B) {
	// A b.Loop benchmark function runs once: the database is built once.
	path := filepath.Join(b.TempDir(), "warroom.db")
	if err := buildStatusFixture(path, time.Now()); err != nil {
		b.Fatal(err)
	}
	g := globals{db: path, dbSet: true}
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if err := runStatus(g, []string{"--tmux"}, &out, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	if !strings.Contains(out.String(), " 100 open") {
		b.Fatalf("unexpected line %q", out.String())
	}
}

// TestStatusDrillsOnly: with only drills open, the line still says what
// runs, marked as a drill's; once a real incident opens, it takes over
// whatever the drill's severity.
func TestStatusDrillsOnly(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	cat, err := playbooks.Builtin()
	require.NoError(t, err)
	mk := func(n int64, sev model.Severity, drill int64) *model.Incident {
		inc, _, err := model.Declare(model.Declaration{Title: "x", Severity: sev, OverrideReason: "test",
			DetectedAt: now.Add(-time.Minute), Actor: "alice"}, cat)
		require.NoError(t, err)
		inc.Number, inc.DrillID = n, drill
		return inc
	}
	drill := mk(1, model.P1, 1)
	s := summarize([]*model.Incident{drill}, now)
	assert.Regexp(t, `^1 open \(1 drill\), worst P1 \(drill\) · next INC-0001 DRILL `, s.text(now))

	real := mk(2, model.P4, 0)
	s = summarize([]*model.Incident{drill, real}, now)
	assert.Regexp(t, `^2 open \(1 drill\), worst P4 · next INC-0002 ACK `, s.text(now))
}
