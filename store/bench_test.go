package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/warroom/warroom/model"
)

// Budgets (DESIGN.md principle 7), checked by reading the benchmark output:
//
//   - BenchmarkOpenBoard10k: Open + Board on 10,000 incidents <= 150 ms;
//   - BenchmarkTick within 1.5x of BenchmarkBareInsert: a tick costs about
//     what the transaction it needs costs, whatever it reads and writes;
//   - another console's commit on screen (issue 3): median <= 300 ms, p99
//     <= 600 ms with the console polling DataVersion every 250 ms. That is
//     BenchmarkChangeDetection/poll=250ms (p50-ms, p99-ms: commit to the
//     poll that sees it, at most one interval plus BenchmarkDataVersion)
//     plus the reload, BenchmarkRequeryBoard or BenchmarkRequeryIncident
//     (<= 1 ms each);
//   - BenchmarkHeartbeat: one console's presence, every 10 s; about a
//     BenchmarkBareInsert.
//   - BenchmarkSaveDraft (drafts_test.go): one autosave of a 2,000-character
//     draft, at most about once a second while someone types; about a
//     BenchmarkBareInsert.
//
// go test -run '^$' -bench . -benchtime 200x ./store/
//
// (poll=250ms takes about 0.25 s an iteration: 50 s at 200x.)

// BenchmarkTick ticks and unticks one checklist item, alternately: each
// iteration is one SetStep that writes.
func BenchmarkTick(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	inc := declare(b, s, declaration("Benchmark"))
	id := inc.Checklist[0].ID
	for i := 0; b.Loop(); i++ {
		changed, err := s.SetStep(ctx, inc.Number, id, i%2 == 0, "bench", at(time.Duration(i)*time.Millisecond))
		if err != nil || !changed {
			b.Fatalf("SetStep: changed %v, %v", changed, err)
		}
	}
}

// BenchmarkBareInsert is the floor BenchmarkTick is measured against: one
// single-row INSERT in its own write transaction, on the same kind of
// database (a file, the Store's DSN).
func BenchmarkBareInsert(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	if _, err := s.db.ExecContext(ctx, "CREATE TABLE bare (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, text TEXT NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		err := s.WithTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO bare (at, text) VALUES (?, ?)", i, "Assess impact")
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenBoard10k opens a database of 10,000 incidents (100 open, the
// rest closed; each with 20 checklist items, 10 events, 2 services and 2
// roles) and loads the board, as a console does when it starts.
func BenchmarkOpenBoard10k(b *testing.B) {
	ctx := context.Background()
	path := boardFixture(b)
	for b.Loop() {
		s, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		board, err := s.Board(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if len(board) != fixtureOpen {
			b.Fatalf("board has %d incidents, want %d", len(board), fixtureOpen)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

const (
	fixtureIncidents = 10_000
	fixtureOpen      = 100
)

// fixture is the 10k-incident database, built once per test binary (a
// benchmark function runs several times) and removed by TestMain.
var fixture struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

// boardFixture returns the path of the 10k-incident database.
func boardFixture(b *testing.B) string {
	fixture.once.Do(func() {
		fixture.dir, fixture.err = os.MkdirTemp("", "warroom-bench-")
		if fixture.err == nil {
			fixture.path = filepath.Join(fixture.dir, "warroom.db")
			fixture.err = buildFixture(context.Background(), fixture.path)
		}
	})
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	return fixture.path
}

// buildFixture fills a new database in one transaction with INSERT ...
// SELECT over a generated series: incidents 1..10,000, the last 100 open.
func buildFixture(ctx context.Context, path string) error {
	s, err := Open(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	policy, err := json.Marshal(testPolicy(model.P2))
	if err != nil {
		return err
	}
	const series = `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < :incidents) `
	args := []any{
		sql.Named("incidents", fixtureIncidents),
		sql.Named("closed", fixtureIncidents-fixtureOpen),
		sql.Named("t0", t0.UnixMilli()),
		sql.Named("policy", string(policy)),
	}
	return s.WithTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`INSERT INTO policy_snapshots (id, json) VALUES (1, :policy)`,
			series + `INSERT INTO incidents (id, number, title, severity, severity_reason, phase, status, impact,
				customers_pct, created_by, started_at, detected_at, acknowledged_at, mitigated_at, resolved_at,
				post_mortem_at, closed_at, updated_at, policy_id)
			SELECT k, k, 'Incident ' || k || ': registry latency above the SLO', 1 + k % 4,
				'business-important, 30% of customers (over 25%) -> P3',
				iif(k > :closed, 4, 12), iif(k > :closed, 'open', 'closed'), 'important', 30, 'alice',
				:t0 + k * 60000, :t0 + k * 60000, :t0 + k * 60000 + 300000, :t0 + k * 60000 + 600000,
				iif(k > :closed, NULL, :t0 + k * 60000 + 3600000), iif(k > :closed, NULL, :t0 + k * 60000 + 86400000),
				iif(k > :closed, NULL, :t0 + k * 60000 + 90000000), :t0 + k * 60000 + 90000000, 1
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
