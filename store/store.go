// Package store keeps warroom's incidents in SQLite (modernc.org/sqlite, pure
// Go): the schema and its migrations, and the queries and transactions the
// console runs.
//
// Every action is one write transaction, begun IMMEDIATE so that two
// consoles on the same file queue for the write lock instead of failing
// half-way, and committed with synchronous=FULL: the database is the
// incident's audit record, and a commit the screen has reported must
// survive a power cut. Readers use WAL snapshots and never wait for a writer.
//
// Several consoles, in several processes, share one file: the war room.
// Each polls DataVersion to notice the others' commits and reloads what it
// shows; each says it is there with Heartbeat (see Presence). A write
// waits for the lock as long as its context allows, not only for
// busy_timeout, so that others' bursts of writes do not make it fail (see
// WithTx).
//
// Instants are stored as INTEGER UTC unix milliseconds (NULL for the zero
// time), so they come back as model.Millis would make them.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors of Open. Each is wrapped with the path and the reason.
var (
	// ErrPath means the database's directory is missing, not a directory or
	// not writable (SQLite needs to create its -wal and -shm files there).
	ErrPath = errors.New("unusable database path")
	// ErrNotDatabase means the file is not a warroom database: not SQLite at
	// all, corrupt, or another program's SQLite database. It is left as it
	// was.
	ErrNotDatabase = errors.New("not a warroom database")
	// ErrNewerSchema means the database was migrated by a newer warroom. It
	// is left as it was.
	ErrNewerSchema = errors.New("database schema is newer than this warroom")
)

// sqliteHeader is how every SQLite database file begins.
var sqliteHeader = []byte("SQLite format 3\x00")

// busyTimeout is how long one attempt at a lock waits (PRAGMA
// busy_timeout of every connection of the pool). A variable only so that
// a test can shorten it.
var busyTimeout = 5 * time.Second

// poolParams configures every connection of the Store's pool; see the
// package documentation for why. _txlock=immediate makes db.BeginTx issue
// BEGIN IMMEDIATE unless the transaction is read-only.
func poolParams() string {
	return fmt.Sprintf("_pragma=foreign_keys(1)&_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()) +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
}

// checkParams opens an existing file read-only to look at its schema
// version before anything writes to it. busy_timeout only sets how long the
// connection waits for a lock; it writes nothing.
const checkParams = "mode=ro&_pragma=busy_timeout(5000)"

// Store is an open warroom database. It is safe for concurrent use.
type Store struct {
	db    *sql.DB
	path  string
	stmts stmts

	// verMu serialises DataVersion's use of ver, and Close's. One query at
	// a time on ver also keeps one caller's cancelled context from
	// interrupting another's query: SQLite interrupts every statement of
	// a connection at once.
	verMu    sync.Mutex
	ver      *sql.Conn // the connection DataVersion reads, held out of the pool
	verEpoch int64     // how many times ver was replaced
	closed   bool
}

// Open opens the warroom database at path, creating it (mode 0600) if it
// does not exist, and migrates it to SchemaVersion.
//
// Before SQLite touches the file, Open refuses, leaving the file exactly as
// it was:
//   - a directory that is missing, not a directory or not writable
//     (ErrPath; callers create the default directory themselves);
//   - a non-empty file that is not an SQLite database, or an SQLite
//     database that is not warroom's (ErrNotDatabase);
//   - a database whose schema is newer than this binary's (ErrNewerSchema).
func Open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrPath, path, err)
	}
	if err := checkDir(filepath.Dir(abs)); err != nil {
		return nil, err
	}
	if err := prepareFile(ctx, abs); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(abs, poolParams()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", abs, err)
	}
	s := &Store{db: db, path: abs}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", abs, err)
	}
	if err := s.stmts.prepare(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", abs, err)
	}
	if s.ver, err = db.Conn(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", abs, err)
	}
	return s, nil
}

// Close closes the database. A Store must not be used once closed.
//
// It first checkpoints the write-ahead log into the database file and
// truncates the log (see checkpoint), so that the .db file alone holds
// every commit once the console has quit: someone who copies only that
// file gets everything.
func (s *Store) Close() error {
	s.verMu.Lock()
	defer s.verMu.Unlock()
	if !s.closed {
		s.checkpoint()
	}
	s.closed = true
	return errors.Join(s.stmts.close(), s.ver.Close(), s.db.Close())
}

// checkpointWait is how long Close's checkpoint waits for a lock held by
// another connection (of this process or another) before giving up.
const checkpointWait = 250 * time.Millisecond

// checkpoint copies the whole WAL back into the database file and truncates
// it to zero bytes: PRAGMA wal_checkpoint(TRUNCATE), on a connection of the
// pool. It is best effort: while another console is writing or reading a
// snapshot it cannot finish (SQLITE_BUSY, or a busy flag in its result) and
// Close goes on; the last connection to close checkpoints again, and the
// commits are safe in the WAL meanwhile. It waits checkpointWait at most,
// so quitting stays quick.
func (s *Store) checkpoint() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	// The connection goes back to a pool that is about to be closed, so
	// shortening its busy timeout affects nothing else.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", checkpointWait.Milliseconds())); err != nil {
		return
	}
	var busy, logFrames, checkpointed int
	_ = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed)
}

// Path is the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// DataVersion is SQLite's data_version counter as seen by one connection
// held out of the pool for the Store's life: it changes whenever any other
// connection, of another process or of this Store's own pool (every write
// of the Store goes through the pool), commits a change to the database.
// Polling it and comparing values is how a console notices other
// consoles' writes; only values from the same Store are comparable. It
// costs one PRAGMA on an idle connection, a few microseconds, and is safe
// to call concurrently with anything but Close.
//
// Should the held connection ever break, DataVersion holds a new one.
// Counters of different connections are not comparable, so from then on it
// adds a new epoch to the counter (epoch<<40: a connection's counter would
// take centuries to reach 2^40): the next value differs from every earlier
// one, which costs the caller one needless reload and never a missed
// change.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	s.verMu.Lock()
	defer s.verMu.Unlock()
	if s.closed {
		return 0, fmt.Errorf("data version: %w", sql.ErrConnDone)
	}
	v, err := s.readVersion(ctx)
	if !errors.Is(err, sql.ErrConnDone) {
		return v, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("data version: %w", err)
	}
	s.ver.Close() // already closed; this only says so
	s.ver = conn
	s.verEpoch++
	return s.readVersion(ctx)
}

// readVersion reads data_version on ver; verMu is held.
func (s *Store) readVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.ver.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("data version: %w", err)
	}
	return v + s.verEpoch<<40, nil
}

// dsn is the modernc URI for the file at the absolute path abs.
func dsn(abs, params string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x -> /C:/x, as SQLite's URIs want
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: params}
	return u.String()
}

// checkDir makes sure dir exists and the process can create files in it.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: directory %s does not exist", ErrPath, dir)
	case err != nil:
		return fmt.Errorf("%w: directory %s: %w", ErrPath, dir, err)
	case !fi.IsDir():
		return fmt.Errorf("%w: %s is not a directory", ErrPath, dir)
	}
	probe, err := os.CreateTemp(dir, ".warroom-probe-*")
	if err != nil {
		return fmt.Errorf("%w: directory %s is not writable: %w", ErrPath, dir, err)
	}
	probe.Close()
	if err := os.Remove(probe.Name()); err != nil {
		return fmt.Errorf("%w: directory %s: %w", ErrPath, dir, err)
	}
	return nil
}

// prepareFile creates the database file with mode 0600 if it does not
// exist; otherwise it checks, without writing, that the file is a warroom
// database this binary can open.
func prepareFile(ctx context.Context, path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %w", ErrPath, err)
	}
	empty, err := checkHeader(path)
	if err != nil || empty {
		return err
	}
	return checkSchema(ctx, path)
}

// checkHeader reports whether the file is empty (SQLite treats an empty file
// as an empty database), and fails unless it starts like an SQLite database.
func checkHeader(path string) (empty bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrPath, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	switch {
	case n == 0 && err == io.EOF:
		return true, nil
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return false, fmt.Errorf("%w: %w", ErrPath, err)
	case !bytes.Equal(head[:n], sqliteHeader):
		return false, fmt.Errorf("%s: %w: it is not an SQLite file", path, ErrNotDatabase)
	}
	return false, nil
}

// checkSchema reads the schema version of an existing database through a
// read-only connection and refuses one newer than this binary's.
func checkSchema(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", dsn(path, checkParams))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer db.Close()
	v, err := schemaVersion(ctx, db)
	if isCorrupt(err) {
		return fmt.Errorf("%s: %w: %w", path, ErrNotDatabase, err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if v > SchemaVersion {
		return fmt.Errorf("%s: %w", path, &newerSchemaError{version: v})
	}
	return nil
}

// isCorrupt reports whether SQLite found the file damaged or not a database
// although its header looked right.
func isCorrupt(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_NOTADB || code == sqlite3.SQLITE_CORRUPT
}

// newerSchemaError is ErrNewerSchema with the database's version.
type newerSchemaError struct {
	version int
}

func (e *newerSchemaError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this warroom supports (%d); upgrade warroom",
		e.version, SchemaVersion)
}

func (e *newerSchemaError) Unwrap() error { return ErrNewerSchema }
