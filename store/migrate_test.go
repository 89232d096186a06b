package store

import (
	"context"
	"database/sql"
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
