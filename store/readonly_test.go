package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// readOnlyMsg is what a write to the read-only database at path says.
func readOnlyMsg(path string) string {
	return "the database is read-only: " + path + " (check the file's permissions)"
}

// TestReadOnlyWrite: a write to a database SQLite could open for reading
// only says so and names the file, instead of SQLite's "attempt to write a
// readonly database (8)"; it is ErrReadOnly and still wraps the driver's
// error. The database is opened read-only here (mode=ro), which is what
// SQLite falls back to when the file's permissions refuse writing, so that
// the test holds when run as root, whom permissions do not stop.
func TestReadOnlyWrite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	db, err := sql.Open("sqlite", dsn(path, poolParams()+"&mode=ro"))
	require.NoError(t, err)
	defer db.Close()
	ro := &Store{db: db, path: path}

	err = ro.Leave(ctx, "session-1")
	require.Error(t, err)
	assert.Equal(t, "leave: "+readOnlyMsg(path), err.Error())
	assert.True(t, errors.Is(err, ErrReadOnly))
	assert.True(t, isReadOnly(err), "the driver's error is still there")
	assert.False(t, errors.Is(err, model.ErrConflict))

	err = ro.WithTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM presence")
		return err
	})
	assert.Equal(t, readOnlyMsg(path), err.Error())

	// Reading works as ever.
	require.NoError(t, ro.inTx(ctx, readOnly, func(tx *sql.Tx) error {
		var n int
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM incidents").Scan(&n)
	}))
}

// TestReadOnlyFile: a database file of mode 0400 opens, and a declaration
// fails with the message naming it, writing nothing. Root writes any file
// whatever its mode, so the test needs another user.
func TestReadOnlyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes a file of mode 0400; TestReadOnlyWrite covers the message")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, os.Chmod(path, 0o400))

	s, err = Open(ctx, path)
	require.NoError(t, err, "a read-only database still opens: it can be read")
	defer s.Close()
	inc, ev, err := model.Declare(declaration("Read only"), testCatalog())
	require.NoError(t, err)
	_, err = s.Declare(ctx, inc, ev)
	require.Error(t, err)
	assert.Contains(t, err.Error(), readOnlyMsg(path))
	assert.True(t, errors.Is(err, ErrReadOnly))
	board, err := s.Board(ctx)
	require.NoError(t, err)
	assert.Empty(t, board)
}
