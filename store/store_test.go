package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// fileState is what "left untouched" means: the same bytes and mtime.
type fileState struct {
	data  []byte
	mtime time.Time
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	return fileState{data, fi.ModTime()}
}

// rawExec runs statements on the file through a plain connection, outside
// the store.
func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, ""))
	require.NoError(t, err)
	defer db.Close()
	for _, q := range stmts {
		_, err := db.Exec(q)
		require.NoError(t, err, q)
	}
}

func TestMigrationsMatchSchemaVersion(t *testing.T) {
	ms, err := migrations()
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, SchemaVersion, ms[len(ms)-1].version)
}

func TestOpenCreatesAndMigrates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()

	assert.Equal(t, path, s.Path())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	var userVersion, recorded int
	var appliedAt int64
	require.NoError(t, s.db.QueryRow("PRAGMA user_version").Scan(&userVersion))
	require.NoError(t, s.db.QueryRow("SELECT max(version), count(*), min(applied_at) FROM schema_migrations").
		Scan(&recorded, new(int), &appliedAt))
	assert.Equal(t, SchemaVersion, userVersion)
	assert.Equal(t, SchemaVersion, recorded)
	assert.NotZero(t, appliedAt)

	var journal string
	var fk, sync, busy int
	require.NoError(t, s.db.QueryRow("PRAGMA journal_mode").Scan(&journal))
	require.NoError(t, s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk))
	require.NoError(t, s.db.QueryRow("PRAGMA synchronous").Scan(&sync))
	require.NoError(t, s.db.QueryRow("PRAGMA busy_timeout").Scan(&busy))
	assert.Equal(t, "wal", journal)
	assert.Equal(t, 1, fk)
	assert.Equal(t, 2, sync, "FULL")
	assert.Equal(t, 5000, busy)
}

func TestOpenMigratesEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warroom.db")
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	s, err := Open(context.Background(), path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	inc := declare(t, s, declaration("Survives restarts"))
	_, err = s.SetStep(ctx, inc.Number, inc.Checklist[0].ID, true, "bob", at(time.Minute))
	require.NoError(t, err)
	want, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s, err = Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	got, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	var recorded int
	require.NoError(t, s.db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&recorded))
	assert.Equal(t, SchemaVersion, recorded, "migrations run once")
}

func TestOpenPathNeedsEscaping(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "war room?#%20&x=1")
	require.NoError(t, os.Mkdir(dir, 0o700))
	path := filepath.Join(dir, "db?mode=ro")
	s, err := Open(context.Background(), path)
	require.NoError(t, err)
	declare(t, s, declaration("escaped"))
	require.NoError(t, s.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Positive(t, fi.Size(), "the database is the file named, not a mangled name")
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	// A rollback-journal database shows that the check happens before
	// anything writes: the pool's journal_mode(WAL) would rewrite its header.
	for _, journal := range []string{"wal", "delete"} {
		t.Run(journal, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "warroom.db")
			s, err := Open(ctx, path)
			require.NoError(t, err)
			declare(t, s, declaration("From the future"))
			require.NoError(t, s.Close())
			rawExec(t, path,
				"INSERT INTO schema_migrations (version, applied_at) VALUES (7, 0)",
				"PRAGMA user_version = 7",
				"PRAGMA journal_mode = "+journal)
			before := stateOf(t, path)

			_, err = Open(ctx, path)
			require.ErrorIs(t, err, ErrNewerSchema)
			assert.EqualError(t, err, fmt.Sprintf(
				"%s: database schema version 7 is newer than this warroom supports (%d); upgrade warroom", path, SchemaVersion))
			assert.Equal(t, before, stateOf(t, path), "the file is untouched")
		})
	}
}

func TestOpenRefusesNotADatabase(t *testing.T) {
	ctx := context.Background()
	for name, content := range map[string][]byte{
		"text":        []byte("incident notes, not a database\n"),
		"short":       []byte("SQLite"),
		"near header": []byte("SQLite format 2\x00 and then some more bytes"),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "warroom.db")
			require.NoError(t, os.WriteFile(path, content, 0o644))
			before := stateOf(t, path)
			_, err := Open(ctx, path)
			require.ErrorIs(t, err, ErrNotDatabase)
			assert.ErrorContains(t, err, path)
			assert.Equal(t, before, stateOf(t, path), "the file is untouched")
		})
	}

	t.Run("another program's SQLite database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "other.db")
		rawExec(t, path, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO photos (name) VALUES ('cat')")
		before := stateOf(t, path)
		_, err := Open(ctx, path)
		require.ErrorIs(t, err, ErrNotDatabase)
		assert.Equal(t, before, stateOf(t, path), "the file is untouched")
	})

	t.Run("corrupt SQLite database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "warroom.db")
		garbage := make([]byte, 4096)
		for i := range garbage {
			garbage[i] = byte(i * 7)
		}
		require.NoError(t, os.WriteFile(path, append([]byte("SQLite format 3\x00"), garbage...), 0o600))
		before := stateOf(t, path)
		_, err := Open(ctx, path)
		require.ErrorIs(t, err, ErrNotDatabase)
		assert.Equal(t, before, stateOf(t, path), "the file is untouched")
	})
}

func TestOpenRefusesBadDirectory(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()

	missing := filepath.Join(root, "missing")
	_, err := Open(ctx, filepath.Join(missing, "warroom.db"))
	require.ErrorIs(t, err, ErrPath)
	assert.ErrorContains(t, err, "directory "+missing+" does not exist")
	assert.NoDirExists(t, missing, "Open does not create directories")

	file := filepath.Join(root, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err = Open(ctx, filepath.Join(file, "warroom.db"))
	require.ErrorIs(t, err, ErrPath)
	assert.ErrorContains(t, err, file+" is not a directory")

	if os.Geteuid() != 0 { // root may write anywhere
		ro := filepath.Join(root, "read-only")
		require.NoError(t, os.Mkdir(ro, 0o500))
		_, err = Open(ctx, filepath.Join(ro, "warroom.db"))
		require.ErrorIs(t, err, ErrPath)
		assert.ErrorContains(t, err, "directory "+ro+" is not writable")
	}

	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), "probe", "no probe file is left behind")
	}
}

// TestSchemaForeignKeys checks that every incident_id column references
// incidents: a row of a deleted or unknown incident cannot exist.
func TestSchemaForeignKeys(t *testing.T) {
	s := openTest(t)
	for _, table := range []string{"incident_services", "checklist_items", "roles", "events", "drafts", "reviews", "action_items"} {
		var parent string
		err := s.db.QueryRow(`SELECT "table" FROM pragma_foreign_key_list(?) WHERE "from" = 'incident_id'`, table).Scan(&parent)
		require.NoError(t, err, table)
		assert.Equal(t, "incidents", parent, table)
	}
	_, err := s.db.Exec("INSERT INTO roles (incident_id, role, person, assigned_at) VALUES (1, 'x', 'y', 0)")
	assert.ErrorIs(t, domainErr(err), model.ErrConflict)
}

// walSize is the size of the database's write-ahead log, 0 if there is none.
func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	return fi.Size()
}

// copyDB copies the database file alone, without its -wal and -shm, as a
// user backing it up by hand would, and opens the copy.
func copyDB(t *testing.T, path string) *Store {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	cp := filepath.Join(t.TempDir(), "copy.db")
	require.NoError(t, os.WriteFile(cp, b, 0o600))
	s, err := Open(context.Background(), cp)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// TestCloseCheckpointsWAL: once a Store is closed the database file holds
// every commit, even while another console keeps the database open (the
// last connection's own checkpoint would then not run).
func TestCloseCheckpointsWAL(t *testing.T) {
	ctx := context.Background()

	t.Run("alone", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "warroom.db")
		s, err := Open(ctx, path)
		require.NoError(t, err)
		inc := declare(t, s, declaration("Written before quitting"))
		require.NoError(t, s.Close())
		assert.Zero(t, walSize(t, path), "the -wal file is empty or gone")
		got, err := copyDB(t, path).Get(ctx, inc.Number)
		require.NoError(t, err)
		assert.Equal(t, "Written before quitting", got.Title)
	})

	t.Run("another console still open", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "warroom.db")
		other, err := Open(ctx, path)
		require.NoError(t, err)
		defer other.Close()
		_, err = other.DataVersion(ctx) // polling, as a console does
		require.NoError(t, err)

		s, err := Open(ctx, path)
		require.NoError(t, err)
		inc := declare(t, s, declaration("Written while bob watches"))
		_, err = s.SetStep(ctx, inc.Number, inc.Checklist[0].ID, true, "alice", at(time.Minute))
		require.NoError(t, err)
		require.Positive(t, walSize(t, path), "the commits are in the WAL before Close")
		require.NoError(t, s.Close())
		assert.Zero(t, walSize(t, path), "Close checkpointed and truncated the WAL")

		got, err := copyDB(t, path).Get(ctx, inc.Number)
		require.NoError(t, err)
		assert.Equal(t, "Written while bob watches", got.Title)
		assert.True(t, got.Checklist[0].Done, "the last commit is in the file too")

		// The console still open goes on as before.
		_, err = other.DataVersion(ctx)
		require.NoError(t, err)
		still, err := other.Get(ctx, inc.Number)
		require.NoError(t, err)
		assert.True(t, still.Checklist[0].Done)
	})
}
