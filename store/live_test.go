package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/warroom/warroom/model"
)

// The tests of several consoles on one database: the connection settings
// every one of them relies on, DataVersion, and concurrent writes through
// two Stores. process_test.go has those across OS processes.

// TestPoolConnectionsPragmas: every connection of the pool, not only the
// first, gets the DSN's settings (busy_timeout above all: a connection
// without it fails at once on a lock another console holds).
func TestPoolConnectionsPragmas(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var conns []*sql.Conn
	for range 4 { // held at once, so they are four distinct connections
		c, err := s.db.Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	for i, c := range conns {
		var journal string
		var fk, sync, busy int
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
		assert.Equal(t, []any{"wal", 1, 2, 5000}, []any{journal, fk, sync, busy}, "connection %d", i)
		require.NoError(t, c.Close())
	}
}

// rawConn is a connection of its own on the Store's file, with no busy
// timeout: it fails at once where it would wait.
func rawConn(t *testing.T, s *Store) *sql.Conn {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(s.Path(), ""))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	c, err := db.Conn(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// TestWriteTransactionsAreImmediate: a write transaction holds the write
// lock from its BEGIN, before it has written anything, for every write
// method; a plain (deferred) BEGIN would take it only at the first write,
// and could then fail half-way.
func TestWriteTransactionsAreImmediate(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("x"))
	other := rawConn(t, s)

	tryWrite := func() error {
		_, err := other.ExecContext(ctx, "BEGIN IMMEDIATE")
		if err == nil {
			_, err = other.ExecContext(ctx, "ROLLBACK")
			require.NoError(t, err)
			return nil
		}
		return err
	}
	require.NoError(t, tryWrite(), "nothing holds the lock")

	var inside error
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		inside = tryWrite()
		return nil
	})
	require.NoError(t, err)
	assert.True(t, isBusy(inside), "the lock is held from BEGIN: %v", inside)
	require.NoError(t, tryWrite(), "and released at the end")

	// Reads are deferred: a reader takes no write lock, and does not wait
	// for a writer (WAL): were it to wait, it would fail with BUSY here,
	// the writer never letting go.
	_, err = other.ExecContext(ctx, "BEGIN IMMEDIATE")
	require.NoError(t, err)
	_, err = other.ExecContext(ctx, "UPDATE incidents SET title = 'uncommitted'")
	require.NoError(t, err)
	got, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, "x", got.Title, "the reader sees the last commit")
	_, err = s.Board(ctx)
	require.NoError(t, err)
	_, err = s.Present(ctx, time.Time{})
	require.NoError(t, err)
	_, err = s.DataVersion(ctx)
	require.NoError(t, err)

	// A writer waits for the lock as long as its context allows, and no
	// longer (without the context, it would wait up to maxLockWait and
	// fail with BUSY).
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = s.SetStep(short, inc.Number, inc.Checklist[0].ID, true, "bob", at(time.Minute))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	_, err = other.ExecContext(ctx, "ROLLBACK")
	require.NoError(t, err)
	changed, err := s.SetStep(ctx, inc.Number, inc.Checklist[0].ID, true, "bob", at(time.Minute))
	require.NoError(t, err)
	assert.True(t, changed, "the failed wait wrote nothing")
}

// TestWriteOutlastsBusyTimeout: a write that finds the lock still taken
// when busy_timeout runs out tries again (its BEGIN did nothing), as long as
// its context allows: another console's burst of writes does not make it
// fail. The busy timeout is shortened to 50 ms for the test.
func TestWriteOutlastsBusyTimeout(t *testing.T) {
	ctx := context.Background()
	defer func(d time.Duration) { busyTimeout = d }(busyTimeout)
	busyTimeout = 50 * time.Millisecond
	s := openTest(t)
	var busy int
	require.NoError(t, s.db.QueryRow("PRAGMA busy_timeout").Scan(&busy))
	require.Equal(t, 50, busy)
	inc := declare(t, s, declaration("x"))

	other := rawConn(t, s)
	_, err := other.ExecContext(ctx, "BEGIN IMMEDIATE")
	require.NoError(t, err)
	released := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond) // six busy timeouts
		_, err := other.ExecContext(ctx, "ROLLBACK")
		released <- err
	}()
	changed, err := s.SetStep(ctx, inc.Number, inc.Checklist[0].ID, true, "bob", at(time.Minute))
	require.NoError(t, err)
	assert.True(t, changed)
	require.NoError(t, <-released)
}

// TestDataVersionPinned: DataVersion reads one connection held out of the
// pool. Each connection counts the commits it has noticed, so counters of
// different connections differ: values read through the pool would jump
// about as the pool opens and reuses connections; the pinned one's stay
// put until something is written.
func TestDataVersionPinned(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var v0 int64
	for i := range 5 { // the pinned connection notices five commits
		declare(t, s, declaration(fmt.Sprint("incident ", i)))
		v, err := s.DataVersion(ctx)
		require.NoError(t, err)
		require.NotEqual(t, v0, v)
		v0 = v
	}
	var held []*sql.Conn
	for range 3 { // fresh pool connections, which have noticed nothing
		c, err := s.db.Conn(ctx)
		require.NoError(t, err)
		held = append(held, c)
	}
	var fresh int64
	require.NoError(t, held[len(held)-1].QueryRowContext(ctx, "PRAGMA data_version").Scan(&fresh))
	require.NotEqual(t, v0, fresh, "the premise: counters of different connections differ")
	for _, c := range held {
		require.NoError(t, c.Close())
	}
	for range 20 {
		_, err := s.Board(ctx)
		require.NoError(t, err)
		v, err := s.DataVersion(ctx)
		require.NoError(t, err)
		require.Equal(t, v0, v, "nothing written: the same value, from the same connection")
	}
}

// TestDataVersionConcurrent calls DataVersion from several goroutines
// while the same Store and another write: no error, no race (go test
// -race), and every reader sees the writes.
func TestDataVersionConcurrent(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	b, err := Open(ctx, a.Path())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	n := declare(t, a, declaration("x")).Number
	v0, err := a.DataVersion(ctx)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 100)
	done := make(chan struct{})
	for _, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				_, err := s.Apply(ctx, n, func(inc *model.Incident) (model.Event, error) {
					return inc.Note(at(time.Duration(i)*time.Second), "w", "note")
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(ctx, time.Millisecond) // some time out mid-query
				_, err := a.DataVersion(ctx)
				cancel()
				if err != nil && !errors.Is(err, context.DeadlineExceeded) && !isInterrupted(err) {
					errs <- err
					return
				}
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	v1, err := a.DataVersion(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, v0, v1)
}

func isInterrupted(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_INTERRUPT
}

// TestDataVersionReconnects: if the held connection breaks, DataVersion
// holds another, and the value it returns differs from every earlier one,
// so a caller comparing values reloads rather than missing a change.
func TestDataVersionReconnects(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	declare(t, s, declaration("x"))
	v0, err := s.DataVersion(ctx)
	require.NoError(t, err)

	s.verMu.Lock()
	require.NoError(t, s.ver.Close()) // as database/sql does with a broken connection
	s.verMu.Unlock()

	v1, err := s.DataVersion(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, v0, v1)
	v2, err := s.DataVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, v1, v2, "stable again")
	declare(t, s, declaration("y"))
	v3, err := s.DataVersion(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, v2, v3, "and still sees commits")
}

func TestDataVersionAfterClose(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir()+"/warroom.db")
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = s.DataVersion(context.Background())
	assert.ErrorIs(t, err, sql.ErrConnDone)
}

// TestConcurrentSeverityChange: two consoles change the severity of the
// same P3 incident at the same moment, to different severities (P1 and
// P2: both succeed, one after the other) or to the same one (P1 and P1:
// the second finds it done and gets a clean model.ErrConflict). No other
// error reaches the caller, every success is on the timeline, and the
// incident ends consistent: the severity, SLA snapshot and checklist of
// the change committed last.
func TestConcurrentSeverityChange(t *testing.T) {
	ctx := context.Background()
	cat := testCatalog()
	a := openTest(t)
	b, err := Open(ctx, a.Path())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	stores := [2]*Store{a, b}
	actors := [2]string{"alice", "bob"}

	for round := range 30 {
		targets := [2]model.Severity{model.P1, model.P2}
		if round%2 == 1 {
			targets[1] = model.P1
		}
		inc := declare(t, a, declaration(fmt.Sprint("round ", round)))
		require.Equal(t, model.P3, inc.Severity)

		var errs [2]error
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				to := targets[i]
				_, errs[i] = stores[i].ChangeSeverity(ctx, inc.Number, 0, cat.Policy.Severities[to], cat.Playbooks[to],
					"reassessed by "+actors[i], actors[i], at(time.Minute))
			}()
		}
		close(start)
		wg.Wait()

		succeeded := 0
		for i, err := range errs {
			if err == nil {
				succeeded++
				continue
			}
			require.ErrorIs(t, err, model.ErrConflict, "round %d, %s", round, actors[i])
			var se *sqlite.Error
			require.False(t, errors.As(err, &se), "a clean domain error, not the driver's: %v", err)
			require.Equal(t, targets[0], targets[1], "round %d: only the same target conflicts: %v", round, err)
		}
		got, err := a.Get(ctx, inc.Number)
		require.NoError(t, err)
		var changes []model.Event
		for _, ev := range got.Timeline {
			if ev.Kind == model.EventSeverity {
				changes = append(changes, ev)
			}
		}
		require.Len(t, changes, succeeded, "round %d: every success is on the timeline", round)
		if targets[0] != targets[1] {
			require.Equal(t, 2, succeeded, "round %d: different targets both succeed", round)
		} else {
			require.Equal(t, 1, succeeded, "round %d: the same target succeeds once", round)
		}
		// The change committed last (the higher event id) is the one in force.
		lastChange := slices.MaxFunc(changes, func(x, y model.Event) int { return int(x.ID - y.ID) })
		final := targets[slices.Index(actors[:], lastChange.Actor)]
		assert.Equal(t, final, got.Severity, "round %d", round)
		assert.Equal(t, cat.Policy.Severities[final], got.Policy, "round %d: the SLA snapshot", round)
		var visible []string
		for _, it := range got.Checklist {
			if !it.Retired {
				visible = append(visible, it.StepID)
			}
		}
		var want []string
		for _, it := range model.ChecklistFromPlaybook(cat.Playbooks[final], 0) {
			want = append(want, it.StepID)
		}
		assert.ElementsMatch(t, want, visible, "round %d: the checklist is the final playbook's", round)
		assertBookkeeping(t, got)
	}
}

// TestConcurrentTick: two consoles tick the same item at the same moment:
// exactly one changes it, one tick event is written, no error.
func TestConcurrentTick(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	b, err := Open(ctx, a.Path())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	stores := [2]*Store{a, b}
	actors := [2]string{"alice", "bob"}

	for round := range 8 {
		inc := declare(t, a, declaration(fmt.Sprint("round ", round)))
		for _, it := range inc.Checklist { // four items each
			var changed [2]bool
			var errs [2]error
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					changed[i], errs[i] = stores[i].SetStep(ctx, inc.Number, it.ID, true, actors[i], at(time.Minute))
				}()
			}
			close(start)
			wg.Wait()
			require.NoError(t, errs[0])
			require.NoError(t, errs[1])
			require.True(t, changed[0] != changed[1], "exactly one tick changes the item: %v", changed)
			winner := actors[0]
			if changed[1] {
				winner = actors[1]
			}
			got, err := b.Get(ctx, inc.Number)
			require.NoError(t, err)
			ticks := 0
			for _, ev := range got.Timeline {
				if ev.ItemID == it.ID {
					ticks++
					assert.Equal(t, model.EventTick, ev.Kind)
					assert.Equal(t, winner, ev.Actor)
				}
			}
			assert.Equal(t, 1, ticks, "one tick event for %s", it.StepID)
			assert.Equal(t, winner, item(t, got, it.StepID).DoneBy)
		}
	}
}
