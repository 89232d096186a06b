package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/warroom/warroom/model"
)

// WithTx runs fn in a write transaction (BEGIN IMMEDIATE: it holds the
// database's write lock from the start, so it never fails half-way on a
// lock another writer took) and commits it if fn returns nil; otherwise, or
// if fn panics, it rolls back. Driver errors come back as domain errors
// where one fits: no row is model.ErrNotFound, a constraint violation
// (duplicate, foreign key, CHECK) is model.ErrConflict, a file SQLite
// could only open for reading is ErrReadOnly naming it; all still wrap
// the driver's error.
//
// Waiting for the write lock is bounded by ctx and by maxLockWait, not by
// the connection's busy_timeout alone: see begin.
func (s *Store) WithTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.inTx(ctx, nil, fn)
}

// readOnly is a deferred read transaction: one consistent snapshot that
// never waits for a writer.
var readOnly = &sql.TxOptions{ReadOnly: true}

// maxLockWait bounds how long a transaction waits, in all, for the write
// lock when its context has no earlier deadline.
const maxLockWait = 30 * time.Second

func (s *Store) inTx(ctx context.Context, opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	tx, err := s.begin(ctx, opts)
	if err != nil {
		return s.txErr(err)
	}
	// A no-op once committed; after a failure fn's error is the one to report.
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return s.txErr(err)
	}
	return s.txErr(tx.Commit())
}

// ErrReadOnly is a write to a database file that SQLite could open for
// reading only: most often the file's permissions (0400, or another
// user's file), or a read-only file system.
var ErrReadOnly = errors.New("the database is read-only")

// readOnlyError is ErrReadOnly for the database at path. Its message
// names the file and what to check instead of SQLite's "attempt to write
// a readonly database (8)"; it wraps both ErrReadOnly and the driver's
// error.
type readOnlyError struct {
	path string
	err  error
}

func (e *readOnlyError) Error() string {
	return fmt.Sprintf("%v: %s (check the file's permissions)", ErrReadOnly, e.path)
}

func (e *readOnlyError) Unwrap() []error { return []error{ErrReadOnly, e.err} }

// isReadOnly reports whether err is SQLite's SQLITE_READONLY (any extended
// code).
func isReadOnly(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_READONLY
}

// txErr is domainErr for a transaction of the database: a read-only file
// is named by its path, which domainErr does not know.
func (s *Store) txErr(err error) error {
	if err != nil && isReadOnly(err) && !errors.Is(err, ErrReadOnly) {
		return &readOnlyError{path: s.path, err: err}
	}
	return domainErr(err)
}

// begin begins a transaction, waiting for the write lock as long as ctx
// and maxLockWait allow. BEGIN IMMEDIATE waits for the lock under the
// connection's busy_timeout (5 s), polling it with sleeps that grow to
// 100 ms; it is not a queue. Under a sustained burst of writes from other
// processes (eight consoles writing in a loop, or one slowed down, as under
// the race detector), a process that has just committed takes the lock
// again before the sleeping ones wake, and one of them can go without it
// for longer than 5 s. Its BEGIN then fails with SQLITE_BUSY having done
// nothing, so it is safe to try again: a user's write is then not lost to
// others' bursts. Only BUSY is retried; a closed context or any other error
// ends the wait at once.
func (s *Store) begin(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	giveUp := time.Now().Add(maxLockWait)
	for {
		tx, err := s.db.BeginTx(ctx, opts)
		if err == nil || !isBusy(err) || ctx.Err() != nil || time.Now().After(giveUp) {
			return tx, err
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// domainErr maps driver errors onto the model's errors; anything else,
// including errors that already are domain errors, is returned as is.
func domainErr(err error) error {
	if err == nil || errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrConflict) || errors.Is(err, model.ErrInvalid) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", model.ErrNotFound, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		return fmt.Errorf("%w: %w", model.ErrConflict, err)
	}
	return err
}

// millis is the column value of an instant: unix milliseconds, NULL for
// the zero time.
func millis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// instant scans a nullable unix-milliseconds column into a UTC time.Time
// (zero for NULL).
type instant struct{ t *time.Time }

func (in instant) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*in.t = time.Time{}
	case int64:
		*in.t = time.UnixMilli(v).UTC()
	default:
		return fmt.Errorf("instant: want INTEGER milliseconds, got %T", src)
	}
	return nil
}

// duration scans an INTEGER milliseconds column into a time.Duration.
type duration struct{ d *time.Duration }

func (d duration) Scan(src any) error {
	v, ok := src.(int64)
	if !ok {
		return fmt.Errorf("duration: want INTEGER milliseconds, got %T", src)
	}
	*d.d = time.Duration(v) * time.Millisecond
	return nil
}

// incidentID is the row id of the incident with the given number; an
// unknown number is model.ErrNotFound.
func incidentID(ctx context.Context, tx *sql.Tx, number int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM incidents WHERE number = ?", number).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%s: %w", model.FormatKey(number), model.ErrNotFound)
	}
	return id, err
}

// collect runs a query and scans every row into a T.
func collect[T any](ctx context.Context, tx *sql.Tx, scan func(row interface{ Scan(...any) error }, t *T) error, query string, args ...any) ([]T, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var t T
		if err := scan(rows, &t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
