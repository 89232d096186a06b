package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"

	"github.com/warroom/warroom/model"
)

// newDraft is a draft by alice started at start.
func newDraft(template string, aud model.Audience, update bool, body string, start time.Time) model.Draft {
	return model.Draft{Template: template, Audience: aud, CountsAsUpdate: update, Body: body, Author: "alice", CreatedAt: start}
}

// createDraft stores a new draft on the incident.
func createDraft(t testing.TB, s *Store, number int64, d model.Draft) model.Draft {
	t.Helper()
	got, err := s.CreateDraft(context.Background(), number, d)
	require.NoError(t, err)
	return got
}

// TestDraftRoundTrip walks two drafts of an incident through their life:
// created, autosaved, listed newest edit first, read back, refused while
// placeholders are unfilled (nothing written), sent (one as a
// communication, one as a status update, with an override), and final
// once sent.
func TestDraftRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Drafting"))
	other := declare(t, s, declaration("Quiet"))

	alert := createDraft(t, s, inc.Number, newDraft("customer-initial-alert", model.AudienceCustomer, true,
		"# Service disruption\nWe are investigating. ETA: [ETA]", at(time.Minute)))
	assert.NotZero(t, alert.ID)
	assert.Equal(t, inc.Number, alert.IncidentNumber)
	assert.Equal(t, at(time.Minute), alert.CreatedAt)
	assert.Equal(t, at(time.Minute), alert.UpdatedAt, "a new draft was last edited when it was started")
	assert.False(t, alert.Sent())
	note := createDraft(t, s, inc.Number, newDraft("escalation-notification", model.AudienceInternal, false,
		"Escalating to Tier 2", at(2*time.Minute)))
	assert.NotEqual(t, alert.ID, note.ID)

	// Autosaves; the list follows the latest edit.
	list := func() []int64 {
		t.Helper()
		ds, err := s.Drafts(ctx, inc.Number)
		require.NoError(t, err)
		ids := make([]int64, len(ds))
		for i, d := range ds {
			assert.Equal(t, inc.Number, d.IncidentNumber)
			ids[i] = d.ID
		}
		return ids
	}
	assert.Equal(t, []int64{note.ID, alert.ID}, list())
	alertBody := "# Service disruption\nWe are investigating the registry. ETA: [ETA]\nNext update: 10:30"
	require.NoError(t, s.SaveDraft(ctx, alert.ID, alertBody, at(3*time.Minute+1500*time.Microsecond)))
	assert.Equal(t, []int64{alert.ID, note.ID}, list())
	require.NoError(t, s.SaveDraft(ctx, note.ID, "Escalating to Tier 2: no progress in 2h", at(4*time.Minute)))
	assert.Equal(t, []int64{note.ID, alert.ID}, list())
	none, err := s.Drafts(ctx, other.Number)
	require.NoError(t, err)
	assert.Empty(t, none)

	got, err := s.Draft(ctx, alert.ID)
	require.NoError(t, err)
	want := alert
	want.Body, want.UpdatedAt = alertBody, at(3*time.Minute+time.Millisecond)
	assert.Equal(t, want, got, "saved to the millisecond")
	assert.Equal(t, "Service disruption", got.Title())

	// Placeholders left, no override: refused as the model says, nothing written.
	before, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	for _, override := range []string{"", "  "} {
		_, _, err = s.SendDraft(ctx, alert.ID, []string{"ETA"}, override, "bob", at(5*time.Minute))
		require.ErrorIs(t, err, model.ErrInvalid)
		assert.Contains(t, err.Error(), "ETA")
	}
	after, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, before, after, "a refused send writes nothing")
	got, err = s.Draft(ctx, alert.ID)
	require.NoError(t, err)
	assert.False(t, got.Sent())

	// A communication that is not a status update: on the timeline in
	// full, the status-update clock left alone.
	sentInc, sent, err := s.SendDraft(ctx, note.ID, nil, "", "carol", at(5*time.Minute))
	require.NoError(t, err)
	ev := last(t, sentInc)
	assert.Equal(t, model.EventCommunication, ev.Kind)
	assert.Equal(t, "carol", ev.Actor)
	assert.Equal(t, at(5*time.Minute), ev.At)
	assert.Equal(t, "sent escalation-notification (internal, by alice)\nEscalating to Tier 2: no progress in 2h", ev.Text)
	assert.True(t, sentInc.LastUpdateAt.IsZero(), "a communication is not a status update")
	assert.Equal(t, before.LastProgressAt, sentInc.LastProgressAt, "nor progress")
	assert.Equal(t, at(5*time.Minute), sentInc.UpdatedAt)
	assert.Equal(t, at(5*time.Minute), sent.SentAt)
	assert.Equal(t, "carol", sent.SentBy)
	assert.Equal(t, at(4*time.Minute), sent.UpdatedAt, "sending is not an edit")
	assertBookkeeping(t, sentInc)
	assert.Len(t, sentInc.Timeline, len(before.Timeline)+1)

	// A status update sent with an override: recorded, and the clock restarts.
	sentInc, sent, err = s.SendDraft(ctx, alert.ID, []string{"ETA"}, "ETA not known yet", "bob", at(6*time.Minute))
	require.NoError(t, err)
	ev = last(t, sentInc)
	assert.Equal(t, model.EventStatusUpdate, ev.Kind)
	assert.Equal(t, "bob", ev.Actor)
	head, body, _ := strings.Cut(ev.Text, "\n")
	assert.Equal(t, "sent customer-initial-alert (customer, by alice) with 1 placeholder(s) unfilled (override: ETA not known yet)", head)
	assert.Equal(t, alertBody, body, "the full text is on the timeline")
	assert.Equal(t, at(6*time.Minute), sentInc.LastUpdateAt)
	assert.Equal(t, at(6*time.Minute), sentInc.LastProgressAt)
	assert.Equal(t, at(6*time.Minute), sentInc.UpdatedAt)
	assertBookkeeping(t, sentInc)
	assert.Equal(t, at(6*time.Minute), sent.SentAt)
	assert.Equal(t, "bob", sent.SentBy)
	assert.Equal(t, alertBody, sent.Body)
	board, err := s.Board(ctx)
	require.NoError(t, err)
	for _, b := range board {
		if b.Number == inc.Number {
			assert.Equal(t, at(6*time.Minute), b.LastUpdateAt, "the board sees the clock restart")
		}
	}

	// Sent is final.
	err = s.SaveDraft(ctx, alert.ID, "changed my mind", at(7*time.Minute))
	require.ErrorIs(t, err, model.ErrConflict)
	assert.Contains(t, err.Error(), "bob")
	_, _, err = s.SendDraft(ctx, alert.ID, nil, "", "carol", at(7*time.Minute))
	require.ErrorIs(t, err, model.ErrConflict)
	got, err = s.Draft(ctx, alert.ID)
	require.NoError(t, err)
	assert.Equal(t, sent, got, "a refused save or resend changes nothing")
	final, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, sentInc, final)
	assert.Equal(t, []int64{note.ID, alert.ID}, list(), "sent drafts stay on the list")
}

func TestDraftsUnknown(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Known"))
	_, err := s.CreateDraft(ctx, inc.Number+1, newDraft("x", model.AudienceInternal, false, "hi", t0))
	assert.ErrorIs(t, err, model.ErrNotFound)
	_, err = s.Drafts(ctx, inc.Number+1)
	assert.ErrorIs(t, err, model.ErrNotFound)
	_, err = s.Draft(ctx, 42)
	assert.ErrorIs(t, err, model.ErrNotFound)
	assert.ErrorIs(t, s.SaveDraft(ctx, 42, "hi", t0), model.ErrNotFound)
	_, _, err = s.SendDraft(ctx, 42, nil, "", "bob", t0)
	assert.ErrorIs(t, err, model.ErrNotFound)
}

func TestCreateDraftRefusesInvalid(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Strict"))
	good := newDraft("internal-update", model.AudienceInternal, true, "text", t0)
	for name, change := range map[string]func(d *model.Draft){
		"audience":  func(d *model.Draft) { d.Audience = "everyone" },
		"no author": func(d *model.Draft) { d.Author = " " },
		"no time":   func(d *model.Draft) { d.CreatedAt = time.Time{} },
		"sent":      func(d *model.Draft) { d.SentAt, d.SentBy = t0, "alice" },
		"too long":  func(d *model.Draft) { d.Body = strings.Repeat("x", model.MaxDraftLen+1) },
	} {
		d := good
		change(&d)
		_, err := s.CreateDraft(ctx, inc.Number, d)
		assert.ErrorIs(t, err, model.ErrInvalid, name)
	}
	ds, err := s.Drafts(ctx, inc.Number)
	require.NoError(t, err)
	assert.Empty(t, ds)
}

// TestDraftSizeLimit: model.MaxDraftLen characters (not bytes) fit, one
// more is refused with model.ErrInvalid and leaves the stored text alone;
// the table's CHECK holds the same limit for writes that bypass the Go
// check.
func TestDraftSizeLimit(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Long-winded"))
	full := strings.Repeat("é", model.MaxDraftLen) // twice as many bytes
	d := createDraft(t, s, inc.Number, newDraft("x", model.AudienceCustomer, true, full, t0))
	require.NoError(t, s.SaveDraft(ctx, d.ID, full[:len(full)-2]+"e", at(time.Second)))
	require.NoError(t, s.SaveDraft(ctx, d.ID, full, at(2*time.Second)))

	err := s.SaveDraft(ctx, d.ID, full+"!", at(3*time.Second))
	require.ErrorIs(t, err, model.ErrInvalid)
	assert.Contains(t, err.Error(), fmt.Sprint(model.MaxDraftLen))
	_, err = s.CreateDraft(ctx, inc.Number, newDraft("x", model.AudienceCustomer, true, full+"!", t0))
	require.ErrorIs(t, err, model.ErrInvalid)
	got, err := s.Draft(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, full, got.Body)
	assert.Equal(t, at(2*time.Second), got.UpdatedAt)

	// The schema agrees with model.MaxDraftLen.
	_, err = s.db.ExecContext(ctx, "UPDATE drafts SET body = ? WHERE id = ?", strings.Repeat("a", model.MaxDraftLen), d.ID)
	require.NoError(t, err)
	_, err = s.db.ExecContext(ctx, "UPDATE drafts SET body = ? WHERE id = ?", strings.Repeat("a", model.MaxDraftLen+1), d.ID)
	require.ErrorIs(t, domainErr(err), model.ErrConflict, "CHECK (length(body) <= model.MaxDraftLen)")
	_, err = s.db.ExecContext(ctx, "UPDATE drafts SET audience = 'everyone' WHERE id = ?", d.ID)
	require.ErrorIs(t, domainErr(err), model.ErrConflict, "CHECK audience")
	_, err = s.db.ExecContext(ctx, "UPDATE drafts SET sent_at = 1 WHERE id = ?", d.ID)
	require.ErrorIs(t, domainErr(err), model.ErrConflict, "sent_at and sent_by go together")
}

// TestDraftsQueryPlan: the draft list reaches an incident's drafts through
// drafts_incident, in its order: other incidents' drafts cost nothing and
// nothing is sorted.
func TestDraftsQueryPlan(t *testing.T) {
	s := openTest(t)
	text := queryPlan(t, s, draftsOf, 1)
	assert.Contains(t, text, "USING INDEX drafts_incident (incident_id=?)", text)
	assert.NotContains(t, text, "TEMP B-TREE", text)
}

// TestSendDraftOnce: two consoles send the same draft at the same moment:
// exactly one succeeds, the other gets a clean model.ErrConflict, and the
// timeline holds the communication once.
func TestSendDraftOnce(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	b, err := Open(ctx, a.Path())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	stores := [2]*Store{a, b}
	actors := [2]string{"alice", "bob"}
	inc := declare(t, a, declaration("Sent once"))

	for round := range 12 {
		body := fmt.Sprintf("Status update %d", round)
		d := createDraft(t, a, inc.Number, newDraft("status-update", model.AudienceCustomer, round%2 == 0, body, at(time.Minute)))
		var errs [2]error
		var sent [2]model.Draft
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, sent[i], errs[i] = stores[i].SendDraft(ctx, d.ID, nil, "", actors[i], at(time.Duration(round+2)*time.Minute))
			}()
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "round %d: both sends succeeded", round)
				winner = i
				continue
			}
			require.ErrorIs(t, err, model.ErrConflict, "round %d, %s", round, actors[i])
			var se *sqlite.Error
			require.False(t, errors.As(err, &se), "a clean domain error, not the driver's: %v", err)
		}
		require.NotEqual(t, -1, winner, "round %d: one send succeeds: %v", round, errs)
		assert.Equal(t, actors[winner], sent[winner].SentBy)

		got, err := b.Get(ctx, inc.Number)
		require.NoError(t, err)
		n := 0
		for _, ev := range got.Timeline {
			if strings.HasSuffix(ev.Text, "\n"+body) {
				n++
				assert.Equal(t, actors[winner], ev.Actor, "round %d", round)
			}
		}
		assert.Equal(t, 1, n, "round %d: sent once", round)
		stored, err := b.Draft(ctx, d.ID)
		require.NoError(t, err)
		assert.Equal(t, sent[winner], stored)
		assertBookkeeping(t, got)
	}
}

// typedBody is what the autosave child has typed after n saves: a
// heading, then a word per save, ten to a line.
func typedBody(run, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Update from run %d\n", run)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "word%04d", i)
		if i%10 == 0 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// autosaveUntilKilled is the child of TestAutosaveKilled: it opens the
// store, creates a draft holding typedBody(run, 0) on the incident, says
// "draft ID", then saves typedBody(run, i) edited at t0+i s for i = 1, 2,
// ..., one every 50-100 ms (as the editor's debounce would while typing),
// saying "saved i" once each SaveDraft has returned. It gives up after a
// minute.
func (job helperJob) autosaveUntilKilled() error {
	ctx := context.Background()
	s, err := Open(ctx, job.DB)
	if err != nil {
		return err
	}
	d, err := s.CreateDraft(ctx, job.Notes[0], model.Draft{Template: "customer-update", Audience: model.AudienceCustomer,
		CountsAsUpdate: true, Body: typedBody(job.Writer, 0), Author: job.actor(), CreatedAt: t0})
	if err != nil {
		return err
	}
	say("draft %d", d.ID)
	rng := rand.New(rand.NewPCG(job.Seed, uint64(job.Writer)))
	deadline := time.Now().Add(time.Minute)
	for i := 1; time.Now().Before(deadline); i++ {
		time.Sleep(time.Duration(50+rng.IntN(51)) * time.Millisecond)
		if err := s.SaveDraft(ctx, d.ID, typedBody(job.Writer, i), at(time.Duration(i)*time.Second)); err != nil {
			return fmt.Errorf("save %d: %w", i, err)
		}
		say("saved %d", i)
	}
	return fmt.Errorf("not killed within a minute")
}

// TestAutosaveKilled: a console autosaving a draft as it is typed is
// killed (SIGKILL) at a random moment, 10 times. After the database is
// reopened the draft holds exactly one of the versions the child saved,
// never older than the last save it reported (SaveDraft had returned) and
// at most the one it was saving: a killed console or a closed tmux pane
// loses no more than what was typed since the last autosave. The delays
// come from a fixed seed, logged (set WARROOM_KILL_SEED to try others).
func TestAutosaveKilled(t *testing.T) {
	const runs = 10
	seed := uint64(20250315)
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
	n := declare(t, s, declaration("Typed to death")).Number
	require.NoError(t, s.Close())

	total := 0
	for run := range runs {
		delay := time.Duration(20+rng.IntN(401)) * time.Millisecond
		c := startHelper(t, ctx, helperJob{Mode: "autosave", DB: path, Writer: run, Notes: []int64{n}, Seed: seed})
		var id int64
		for id == 0 {
			line, ok := <-c.lines
			if !ok {
				t.Fatalf("run %d: child exited before creating its draft: %v\nstderr:\n%s", run, c.cmd.Wait(), c.stderr)
			}
			if v, ok := strings.CutPrefix(line, "draft "); ok {
				id, err = strconv.ParseInt(v, 10, 64)
				require.NoError(t, err, line)
			}
		}
		time.Sleep(delay)
		require.NoError(t, c.cmd.Process.Kill()) // SIGKILL on Unix
		reported := 0                            // the last save reported; 0: the draft as created
		for line := range c.lines {
			if v, ok := strings.CutPrefix(line, "saved "); ok {
				k, err := strconv.Atoi(v)
				require.NoError(t, err, line)
				require.Equal(t, reported+1, k, "saves are reported in order")
				reported = k
			}
		}
		err := c.cmd.Wait()
		require.Error(t, err, "the child was killed, it did not exit:\n%s", c.stderr)
		require.NotContains(t, err.Error(), "exit status", "the child failed before it was killed:\n%s", c.stderr)

		s, err := Open(ctx, path)
		require.NoError(t, err, "run %d: reopen after the kill", run)
		got, err := s.Draft(ctx, id)
		require.NoError(t, err)
		version := -1
		for _, k := range []int{reported, reported + 1} {
			if got.Body == typedBody(run, k) {
				version = k
			}
		}
		require.NotEqual(t, -1, version,
			"run %d: the draft is neither save %d (the last reported) nor the one after it:\n%q", run, reported, got.Body)
		wantEdit := at(time.Duration(version) * time.Second)
		if version == 0 {
			wantEdit = t0
		}
		require.Equal(t, wantEdit, got.UpdatedAt, "run %d: the body and its edit time are saved together", run)
		require.False(t, got.Sent())
		require.NoError(t, s.Close())
		assertIntegrity(t, path)
		t.Logf("run %2d: killed after %3v, %2d saves reported, save %2d stored", run, delay, reported, version)
		total += reported
	}
	require.Positive(t, total, "the kills landed while typing")
}

// BenchmarkSaveDraft is one autosave of a 2,000-character draft: one
// SaveDraft that writes (each iteration's text differs).
func BenchmarkSaveDraft(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	inc := declare(b, s, declaration("Benchmark"))
	base := strings.Repeat("All hands on the registry outage. ", 60)[:1990]
	d := createDraft(b, s, inc.Number, newDraft("customer-update", model.AudienceCustomer, true, base, t0))
	for i := 0; b.Loop(); i++ {
		body := fmt.Sprintf("%s%010d", base, i)
		if err := s.SaveDraft(ctx, d.ID, body, at(time.Duration(i)*time.Millisecond)); err != nil {
			b.Fatal(err)
		}
	}
}
