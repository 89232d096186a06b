package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// The tests of several OS processes on one database file. Each child is
// this test binary run again (os.Args[0] -test.run=^TestHelperWriter$)
// with helperEnv set to its job, as JSON: the way the Go tool tests its
// own subprocesses.

const helperEnv = "WARROOM_STORE_HELPER"

// helperJob is what a child process is to do.
type helperJob struct {
	Mode   string  // "writer", "killed" or "autosave"
	DB     string  // the database file
	Writer int     // the child's number, in its actor and texts
	Notes  []int64 // writer: a note on each of these incidents, in turn; killed, autosave: [the incident]
	Rounds int     // writer: how many notes
	Item   int64   // writer: the checklist item it ticks and unticks
	Number int64   // writer: the incident of Item
	Toggle int     // writer: how many times it ticks or unticks Item
	Seed   uint64  // autosave: with Writer, seeds the pauses between saves
}

// child is a running helper process. Its stdout comes line by line on
// lines (closed at EOF); stderr is kept for the failure message.
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *bytes.Buffer
}

func startHelper(t *testing.T, ctx context.Context, job helperJob) *child {
	t.Helper()
	spec, err := json.Marshal(job)
	require.NoError(t, err)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), helperEnv+"="+string(spec))
	c := &child{cmd: cmd, lines: make(chan string, 1024), stderr: &bytes.Buffer{}}
	cmd.Stderr = c.stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	c.stdin, err = cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	return c
}

// waitLine waits for the child to print want.
func (c *child) waitLine(t *testing.T, want string) {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				t.Fatalf("child exited before %q: %v\nstderr:\n%s", want, c.cmd.Wait(), c.stderr)
			}
			if line == want {
				return
			}
		case <-timeout:
			t.Fatalf("child did not print %q within a minute", want)
		}
	}
}

// TestHelperWriter is not a test of its own: it is the body of the child
// processes of the tests below, and skips unless helperEnv is set. On any
// error the child prints it to stderr and exits with status 1.
func TestHelperWriter(t *testing.T) {
	spec := os.Getenv(helperEnv)
	if spec == "" {
		t.Skip("the child process of the multi-process tests")
	}
	var job helperJob
	err := json.Unmarshal([]byte(spec), &job)
	if err == nil {
		switch job.Mode {
		case "writer":
			err = job.write()
		case "killed":
			err = job.writeUntilKilled()
		case "autosave":
			err = job.autosaveUntilKilled()
		default:
			err = fmt.Errorf("unknown helper mode %q", job.Mode)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "helper %d: %v\n", job.Writer, err)
		os.Exit(1)
	}
}

// say writes one line to stdout at once: os.Stdout is not buffered, and a
// short write to a pipe is atomic, so the parent never reads half a line.
func say(format string, args ...any) {
	fmt.Fprintf(os.Stdout, format+"\n", args...)
}

func (job helperJob) actor() string { return fmt.Sprintf("writer-%d", job.Writer) }

// write opens the store, says "ready", waits for its stdin to close (the
// parent closes every child's at once), then writes Rounds notes on the
// incidents in turn and ticks or unticks its item Toggle times among
// them, each write its own transaction.
func (job helperJob) write() error {
	ctx := context.Background()
	s, err := Open(ctx, job.DB)
	if err != nil {
		return err
	}
	say("ready")
	if _, err := io.Copy(io.Discard, os.Stdin); err != nil {
		return err
	}
	every := max(job.Rounds/max(job.Toggle, 1), 1)
	toggled := 0
	var slowest time.Duration
	defer func() { say("slowest %v", slowest) }()
	for i := range job.Rounds {
		began := time.Now()
		// Distinct instants, interleaved between writers.
		now := at(time.Duration(i)*time.Second + time.Duration(job.Writer)*time.Millisecond)
		n := job.Notes[i%len(job.Notes)]
		_, err := s.Apply(ctx, n, func(inc *model.Incident) (model.Event, error) {
			return inc.Note(now, job.actor(), fmt.Sprintf("%s note %d", job.actor(), i))
		})
		if err != nil {
			return fmt.Errorf("note %d: %w", i, err)
		}
		if i%every == 0 && toggled < job.Toggle {
			changed, err := s.SetStep(ctx, job.Number, job.Item, toggled%2 == 0, job.actor(), now.Add(500*time.Millisecond))
			if err != nil {
				return fmt.Errorf("toggle %d: %w", toggled, err)
			}
			if !changed {
				return fmt.Errorf("toggle %d of my own item changed nothing", toggled)
			}
			toggled++
		}
		slowest = max(slowest, time.Since(began))
	}
	if toggled != job.Toggle {
		return fmt.Errorf("toggled %d times, want %d", toggled, job.Toggle)
	}
	return s.Close()
}

// writeUntilKilled opens the store, says "ready", then writes notes on
// the incident until it is killed, saying "committed N" once note N has
// committed. It gives up after a minute.
func (job helperJob) writeUntilKilled() error {
	ctx := context.Background()
	s, err := Open(ctx, job.DB)
	if err != nil {
		return err
	}
	say("ready")
	deadline := time.Now().Add(time.Minute)
	for i := 0; time.Now().Before(deadline); i++ {
		_, err := s.Apply(ctx, job.Notes[0], func(inc *model.Incident) (model.Event, error) {
			return inc.Note(at(time.Duration(i)*time.Millisecond), job.actor(), fmt.Sprintf("run %d note %d", job.Writer, i))
		})
		if err != nil {
			return fmt.Errorf("note %d: %w", i, err)
		}
		say("committed %d", i)
	}
	return fmt.Errorf("not killed within a minute")
}

// TestProcessesWriteAtOnce: eight processes open the same file and write
// at once, notes on two shared incidents and ticks of their own item of
// them. No process sees an error (they queue for the write lock within
// busy_timeout), every write is there, the incidents' bookkeeping agrees
// with their timelines (no lost update of the header), and the file
// passes integrity_check.
func TestProcessesWriteAtOnce(t *testing.T) {
	const (
		writers = 8
		notes   = 50
		toggles = 10
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "warroom.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	incs := []*model.Incident{declare(t, s, declaration("Shared one")), declare(t, s, declaration("Shared two"))}
	type owned struct{ number, item int64 }
	var items []owned
	for _, inc := range incs {
		for _, it := range inc.Checklist {
			items = append(items, owned{inc.Number, it.ID})
		}
	}
	require.GreaterOrEqual(t, len(items), writers)

	start := time.Now()
	children := make([]*child, writers)
	for w := range writers {
		children[w] = startHelper(t, ctx, helperJob{
			Mode: "writer", DB: path, Writer: w, Notes: []int64{incs[0].Number, incs[1].Number},
			Rounds: notes, Number: items[w].number, Item: items[w].item, Toggle: toggles,
		})
	}
	for _, c := range children {
		c.waitLine(t, "ready")
	}
	t.Logf("%d processes open after %v", writers, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	for _, c := range children {
		require.NoError(t, c.stdin.Close()) // go
	}
	var slowest []string
	for w, c := range children {
		for line := range c.lines {
			if d, ok := strings.CutPrefix(line, "slowest "); ok {
				slowest = append(slowest, d)
			}
		}
		err := c.cmd.Wait()
		assert.NoError(t, err, "writer %d failed:\n%s", w, c.stderr)
	}
	t.Logf("%d writes in %v; each writer's slowest note (+ tick): %s",
		writers*(notes+toggles), time.Since(start).Round(time.Millisecond), strings.Join(slowest, " "))

	type count struct{ notes, ticks, unticks int }
	counts := map[string]*count{}
	for w := range writers {
		counts[fmt.Sprintf("writer-%d", w)] = &count{}
	}
	for _, inc := range incs {
		got, err := s.Get(ctx, inc.Number)
		require.NoError(t, err)
		for _, ev := range got.Timeline {
			c := counts[ev.Actor]
			if c == nil {
				continue // the declaration
			}
			switch ev.Kind {
			case model.EventNote:
				c.notes++
			case model.EventTick:
				c.ticks++
			case model.EventUntick:
				c.unticks++
			}
		}
		assertBookkeeping(t, got)
		for _, it := range got.Checklist {
			assert.False(t, it.Done, "an even number of toggles leaves %s undone", it.StepID)
		}
	}
	for actor, c := range counts {
		assert.Equal(t, count{notes, toggles / 2, toggles / 2}, *c, actor)
	}
	assertIntegrity(t, path)
}

// TestKilledWriter kills a writing process with SIGKILL at a random moment,
// 20 times: every note it reported committed is there after the database
// is reopened, at most the one it was writing is there besides, and the
// file passes integrity_check. The delays come from a fixed seed (set
// WARROOM_KILL_SEED to try others); the moment of death still varies from
// run to run with the machine.
func TestKilledWriter(t *testing.T) {
	const runs = 20
	seed := uint64(20250314)
	if v := os.Getenv("WARROOM_KILL_SEED"); v != "" {
		var err error
		seed, err = strconv.ParseUint(v, 10, 64)
		require.NoError(t, err)
	}
	t.Logf("seed %d (WARROOM_KILL_SEED)", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	path := filepath.Join(t.TempDir(), "warroom.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	n := declare(t, s, declaration("Written to death")).Number
	require.NoError(t, s.Close())

	total := 0
	for run := range runs {
		delay := time.Duration(10+rng.IntN(141)) * time.Millisecond
		c := startHelper(t, ctx, helperJob{Mode: "killed", DB: path, Writer: run, Notes: []int64{n}})
		c.waitLine(t, "ready")
		time.Sleep(delay)
		require.NoError(t, c.cmd.Process.Kill()) // SIGKILL on Unix
		reported := 0
		for line := range c.lines {
			if i, ok := strings.CutPrefix(line, "committed "); ok {
				k, err := strconv.Atoi(i)
				require.NoError(t, err, line)
				require.Equal(t, reported, k, "commits are reported in order")
				reported++
			}
		}
		err := c.cmd.Wait()
		require.Error(t, err, "the child was killed, it did not exit:\n%s", c.stderr)
		require.NotContains(t, err.Error(), "exit status", "the child failed before it was killed:\n%s", c.stderr)

		s, err := Open(ctx, path)
		require.NoError(t, err, "run %d: reopen after the kill", run)
		got, err := s.Get(ctx, n)
		require.NoError(t, err)
		present := map[int]bool{}
		prefix := fmt.Sprintf("run %d note ", run)
		for _, ev := range got.Timeline {
			if i, ok := strings.CutPrefix(ev.Text, prefix); ok {
				k, err := strconv.Atoi(i)
				require.NoError(t, err)
				present[k] = true
			}
		}
		for k := range reported {
			require.True(t, present[k], "run %d: note %d was reported committed and is missing", run, k)
		}
		require.LessOrEqual(t, len(present), reported+1, "run %d: at most the note being written besides", run)
		for k := range present {
			require.Less(t, k, reported+1, "run %d: note %d was never written", run, k)
		}
		assertBookkeeping(t, got)
		require.NoError(t, s.Close())
		assertIntegrity(t, path)
		t.Logf("run %2d: killed after %3v, %3d notes reported, %3d present", run, delay, reported, len(present))
		total += reported
	}
	require.Positive(t, total, "the kills landed while writing")
}
