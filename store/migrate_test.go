package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// allKinds is every event kind of the model.
var allKinds = []model.EventKind{
	model.EventDeclared, model.EventAcknowledged, model.EventMitigated, model.EventPhase,
	model.EventTick, model.EventUntick, model.EventSeverity, model.EventRole, model.EventNote,
	model.EventResolved, model.EventClosed, model.EventReopened, model.EventStatusUpdate,
	model.EventEscalated, model.EventEscalationAck, model.EventCommunication,
}

// createV1 makes a database at schema version 1, as the first released
// warroom left it, by running the first migration through a plain
// connection.
func createV1(t *testing.T, path string) {
	t.Helper()
	ms, err := migrations()
	require.NoError(t, err)
	rawExec(t, path, ms[0].sql,
		"INSERT INTO schema_migrations (version, applied_at) VALUES (1, 0)",
		"PRAGMA user_version = 1")
}

// TestMigration0002Backfill upgrades a version-1 database holding one
// incident per event kind: a "declared" event at t0 and one event of that
// kind an hour later. last_progress_at must come out as t0+1h exactly for
// the kinds model.IsProgress counts, t0 for the others (so the migration's
// list of kinds is IsProgress's), and last_update_at from status updates
// only.
func TestMigration0002Backfill(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	createV1(t, path)
	stmts := []string{
		// An incident without any event keeps NULLs.
		fmt.Sprintf(`INSERT INTO incidents (id, number, title, severity, phase, status, impact, detected_at, updated_at, policy_json)
			VALUES (100, 100, 'no events', 3, 0, 'open', 'important', %d, %d, '{}')`, t0.UnixMilli(), t0.UnixMilli()),
	}
	for i, k := range allKinds {
		n := i + 1
		stmts = append(stmts,
			fmt.Sprintf(`INSERT INTO incidents (id, number, title, severity, phase, status, impact, detected_at, updated_at, policy_json)
				VALUES (%d, %d, 'kind %s', 3, 0, 'open', 'important', %d, %d, '{}')`,
				n, n, k, t0.UnixMilli(), at(time.Hour).UnixMilli()),
			fmt.Sprintf(`INSERT INTO events (incident_id, at, kind) VALUES (%d, %d, 'declared'), (%d, %d, '%s')`,
				n, t0.UnixMilli(), n, at(time.Hour).UnixMilli(), k))
	}
	rawExec(t, path, stmts...)

	s, err := Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	for i, k := range allKinds {
		inc, err := s.Get(ctx, int64(i+1))
		require.NoError(t, err, k)
		wantProgress, wantUpdate := t0, time.Time{}
		if model.IsProgress(k) {
			wantProgress = at(time.Hour)
		}
		if k == model.EventStatusUpdate {
			wantUpdate = at(time.Hour)
		}
		assert.Equal(t, wantProgress, inc.LastProgressAt, "kind %s", k)
		assert.Equal(t, wantUpdate, inc.LastUpdateAt, "kind %s", k)
		assert.Equal(t, 1, inc.Tier, "kind %s", k)
		assert.True(t, inc.EscalatedAt.IsZero())
		assert.True(t, inc.TierAckAt.IsZero())
		assertBookkeeping(t, inc)
	}
	bare, err := s.Get(ctx, 100)
	require.NoError(t, err)
	assert.True(t, bare.LastProgressAt.IsZero())
	assert.True(t, bare.LastUpdateAt.IsZero())

	assertIntegrity(t, path)
	var recorded int
	require.NoError(t, s.db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&recorded))
	assert.Equal(t, SchemaVersion, recorded)

	_, err = s.db.Exec("UPDATE incidents SET tier = 0 WHERE number = 1")
	assert.ErrorIs(t, domainErr(err), model.ErrConflict, "tier >= 1")
	_, err = s.db.Exec("INSERT INTO presence (session, actor, last_seen) VALUES ('', 'x', 1)")
	assert.ErrorIs(t, domainErr(err), model.ErrConflict, "a session has a name")
}

// TestPresenceQueryPlan: Present reaches presence through its last_seen
// index, so sessions of consoles that died long ago cost it nothing.
func TestPresenceQueryPlan(t *testing.T) {
	s := openTest(t)
	var id, parent, notUsed int
	var detail string
	require.NoError(t, s.db.QueryRow("EXPLAIN QUERY PLAN "+presentQuery, 0).Scan(&id, &parent, &notUsed, &detail))
	assert.Contains(t, detail, "USING INDEX presence_last_seen")
}

// assertIntegrity runs PRAGMA integrity_check on the file through a
// connection of its own.
func assertIntegrity(t testing.TB, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, "_pragma=busy_timeout(5000)"))
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query("PRAGMA integrity_check")
	require.NoError(t, err)
	defer rows.Close()
	var report []string
	for rows.Next() {
		var line string
		require.NoError(t, rows.Scan(&line))
		report = append(report, line)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"ok"}, report, "integrity_check of %s", path)
}

// TestMigration0006PolicySnapshots upgrades a version-5 database holding
// three incidents with two different SLA snapshots (two P3s share one):
// the texts move to policy_snapshots, once each and numbered by first
// use, the incidents load with the policies they had, and the column is
// gone. Writes afterwards find the migrated texts: the store writes a
// policy as the same text.
func TestMigration0006PolicySnapshots(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	ms, err := migrations()
	require.NoError(t, err)
	var stmts []string
	for _, m := range ms[:5] {
		stmts = append(stmts, m.sql, fmt.Sprintf("INSERT INTO schema_migrations (version, applied_at) VALUES (%d, 0)", m.version))
	}
	stmts = append(stmts, "PRAGMA user_version = 5")
	sevs := map[int64]model.Severity{1: model.P3, 2: model.P1, 3: model.P3}
	for n := int64(1); n <= 3; n++ {
		policy, err := json.Marshal(testPolicy(sevs[n]))
		require.NoError(t, err)
		stmts = append(stmts,
			fmt.Sprintf(`INSERT INTO incidents (id, number, title, severity, phase, status, impact, customers_pct,
				detected_at, updated_at, last_progress_at, policy_json)
				VALUES (%d, %d, 'by hand', %d, 0, 'open', 'important', 30, %d, %d, %d, '%s')`,
				n, n, sevs[n], t0.UnixMilli(), t0.UnixMilli(), t0.UnixMilli(), policy),
			fmt.Sprintf("INSERT INTO events (incident_id, at, actor, kind, text) VALUES (%d, %d, 'alice', 'declared', 'declared')",
				n, t0.UnixMilli()))
	}
	rawExec(t, path, stmts...)

	s, err := Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	for n, sev := range sevs {
		inc, err := s.Get(ctx, n)
		require.NoError(t, err)
		assert.Equal(t, testPolicy(sev), inc.Policy, "INC %d", n)
	}
	snapshots := func() map[int64]int64 { // incident number -> policy_id
		t.Helper()
		ids := map[int64]int64{}
		rows, err := s.db.Query("SELECT number, policy_id FROM incidents")
		require.NoError(t, err)
		defer rows.Close()
		for rows.Next() {
			var n, id int64
			require.NoError(t, rows.Scan(&n, &id))
			ids[n] = id
		}
		require.NoError(t, rows.Err())
		return ids
	}
	assert.Equal(t, map[int64]int64{1: 1, 2: 2, 3: 1}, snapshots())
	assert.Equal(t, 2, queryInt(t, s, "SELECT count(*) FROM policy_snapshots"))
	assert.Zero(t, queryInt(t, s, "SELECT count(*) FROM pragma_table_info('incidents') WHERE name = 'policy_json'"))
	assert.Zero(t, queryInt(t, s, "SELECT count(*) FROM pragma_foreign_key_check"))

	records, err := s.MetricRecords(ctx, time.Time{})
	require.NoError(t, err)
	require.Len(t, records, 3)
	for _, r := range records {
		assert.Equal(t, testPolicy(sevs[r.Number]), r.Policy, r.Number)
	}

	// An action on a migrated incident and a new P3 reuse the rows.
	_, err = s.Apply(ctx, 1, func(inc *model.Incident) (model.Event, error) { return inc.Acknowledge(at(time.Minute), "bob") })
	require.NoError(t, err)
	declare(t, s, declaration("after the upgrade")) // a P3 with testPolicy(P3)
	assert.Equal(t, map[int64]int64{1: 1, 2: 2, 3: 1, 4: 1}, snapshots())
	assert.Equal(t, 2, queryInt(t, s, "SELECT count(*) FROM policy_snapshots"))
	assertIntegrity(t, path)
}

// queryInt runs a query of one integer.
func queryInt(t *testing.T, s *Store, query string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, s.db.QueryRow(query, args...).Scan(&n))
	return n
}

// TestMigration0006ReviewCause: on a version-5 database, the migration
// fills reviews.cause from each body's RCA category (NULL for a review
// without one) and the metrics read it.
func TestMigration0006ReviewCause(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	ms, err := migrations()
	require.NoError(t, err)
	var stmts []string
	for _, m := range ms[:5] {
		stmts = append(stmts, m.sql, fmt.Sprintf("INSERT INTO schema_migrations (version, applied_at) VALUES (%d, 0)", m.version))
	}
	stmts = append(stmts, "PRAGMA user_version = 5")
	policy, err := json.Marshal(testPolicy(model.P3))
	require.NoError(t, err)
	bodies := map[int64]string{ // incident 4 has no review
		1: `{"sections":{"summary":"\"category\":\"network\""},"rca":{"factors":[{"category":"people","text":"x"}],"category":"software_bug"}}`,
		2: `{"sections":{},"rca":{"category":""}}`,
		3: `{"rca":{"category":"third_party","factors":[]}}`,
	}
	for n := int64(1); n <= 4; n++ {
		stmts = append(stmts,
			fmt.Sprintf(`INSERT INTO incidents (id, number, title, severity, phase, status, impact, customers_pct,
				detected_at, updated_at, last_progress_at, policy_json)
				VALUES (%d, %d, 'by hand', 3, 0, 'open', 'important', 30, %d, %d, %d, '%s')`,
				n, n, t0.UnixMilli(), t0.UnixMilli(), t0.UnixMilli(), policy))
		if body, ok := bodies[n]; ok {
			stmts = append(stmts, fmt.Sprintf(`INSERT INTO reviews (incident_id, body_json, updated_at, updated_by)
				VALUES (%d, '%s', %d, 'alice')`, n, body, t0.UnixMilli()))
		}
	}
	rawExec(t, path, stmts...)

	s, err := Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, "software_bug", reviewCauseColumn(t, s, 1), "the RCA's category, not a factor's or a section's text")
	assert.Equal(t, "NULL", reviewCauseColumn(t, s, 2), "an empty category is no cause")
	assert.Equal(t, "third_party", reviewCauseColumn(t, s, 3))
	records, err := s.MetricRecords(ctx, time.Time{})
	require.NoError(t, err)
	got := map[int64]model.CauseCategory{}
	for _, r := range records {
		got[r.Number] = r.Cause
	}
	assert.Equal(t, map[int64]model.CauseCategory{1: model.CauseSoftwareBug, 2: "", 3: model.CauseThirdParty, 4: ""}, got)
	assertIntegrity(t, path)
}
