package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// testScenario is a P1 scenario with injects at T+0, T+2m, T+5m and
// T+10m and the seed's §8.2.1 targets.
func testScenario() model.Scenario {
	return model.Scenario{
		Name: "registry-failure", Title: "Complete Registry Failure", Severity: model.P1,
		Services: []string{"registry"}, Impact: model.ImpactCritical, CustomersPct: 100,
		Situation: []string{"All registry nodes are down"}, Objectives: []string{"Measure response time"},
		Targets: model.DrillTargets{Detection: time.Minute, Acknowledge: 5 * time.Minute, Resolution: 30 * time.Minute},
		Injects: []model.Inject{
			{At: 0, Text: "Registry health checks failing"},
			{At: 2 * time.Minute, Text: "WebSocket connections dropping"},
			{At: 5 * time.Minute, Text: "Customer sessions dropping"},
			{At: 10 * time.Minute, Text: "Support queue flooded"},
		},
	}
}

// startDrill starts testScenario at T0 = t0.
func startDrill(t testing.TB, s *Store) model.Drill {
	t.Helper()
	d, err := s.StartDrill(context.Background(), testScenario(), "facilitator", t0)
	require.NoError(t, err)
	return d
}

// drillDeclaration builds the drill's incident as the team declares it at
// detected: the scenario's impact (P1 by the assessment).
func drillDeclaration(t testing.TB, detected time.Time) (*model.Incident, model.Event) {
	t.Helper()
	inc, ev, err := model.Declare(model.Declaration{
		Title: "DRILL: Complete Registry Failure", Impact: model.ImpactCritical, CustomersPct: 100,
		Services: []string{"registry"}, DetectedAt: detected, Actor: "alice",
	}, testCatalog())
	require.NoError(t, err)
	return inc, ev
}

// declareDrill declares drill d's incident at detected.
func declareDrill(t testing.TB, s *Store, d model.Drill, detected time.Time) *model.Incident {
	t.Helper()
	inc, ev := drillDeclaration(t, detected)
	out, err := s.DeclareDrill(context.Background(), d.ID, inc, ev, detected)
	require.NoError(t, err)
	return out
}

// injectsOf are the texts of the inject events of a timeline, with their
// times.
func injectsOf(inc *model.Incident) map[time.Time]string {
	out := map[time.Time]string{}
	for _, e := range inc.Timeline {
		if e.Kind == model.EventInject {
			out[e.At] = e.Text
		}
	}
	return out
}

func countKind(inc *model.Incident, kind model.EventKind) int {
	n := 0
	for _, e := range inc.Timeline {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func TestStartDrill(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	d := startDrill(t, s)
	assert.NotZero(t, d.ID)
	assert.True(t, d.Armed())

	later, err := s.StartDrill(ctx, testScenario(), "bob", at(time.Hour+1500*time.Microsecond))
	require.NoError(t, err)
	assert.Equal(t, at(time.Hour+time.Millisecond), later.StartedAt, "T0 is kept to the millisecond, like every instant")

	got, err := s.Drill(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, d, got, "the scenario is snapshotted whole")
	assert.Equal(t, testScenario(), got.Scenario)

	all, err := s.Drills(ctx)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, []int64{later.ID, d.ID}, []int64{all[0].ID, all[1].ID}, "newest first")

	_, err = s.Drill(ctx, 99)
	assert.ErrorIs(t, err, model.ErrNotFound)

	bad := testScenario()
	bad.Injects[1].At = -time.Minute
	_, err = s.StartDrill(ctx, bad, "bob", t0)
	assert.ErrorIs(t, err, model.ErrInvalid)
	all, err = s.Drills(ctx)
	require.NoError(t, err)
	assert.Len(t, all, 2, "nothing stored")
}

// TestDeclareDrill: the declared incident is the drill's, started at T0,
// with the injects revealed by the declaration on its timeline at T0 plus
// their offsets, and the normal playbook and clocks.
func TestDeclareDrill(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	d := startDrill(t, s)
	detected := at(2*time.Minute + 30*time.Second)
	inc := declareDrill(t, s, d, detected)

	assert.Equal(t, d.ID, inc.DrillID)
	assert.True(t, inc.IsDrill())
	assert.Equal(t, t0, inc.StartedAt, "started at T0: detection is measured from it")
	assert.Equal(t, detected, inc.DetectedAt)
	assert.Equal(t, model.P1, inc.Severity)
	assert.NotEmpty(t, inc.Checklist, "the normal playbook")
	assert.Equal(t, map[time.Time]string{
		at(0):               "DRILL inject: Registry health checks failing",
		at(2 * time.Minute): "DRILL inject: WebSocket connections dropping",
	}, injectsOf(inc))
	assert.Equal(t, model.EventInject, inc.Timeline[0].Kind, "the injects come before the declaration")
	assert.Equal(t, model.DrillActor, inc.Timeline[0].Actor)
	assert.Equal(t, model.EventDeclared, inc.Timeline[2].Kind)
	assert.Equal(t, detected, inc.LastProgressAt, "an inject is not progress")
	assertBookkeeping(t, inc)

	got, err := s.Drill(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, inc.Number, got.Incident)
	assert.Equal(t, 2, got.InjectsDelivered)
	assert.Equal(t, model.DrillRunning, got.State())

	byInc, err := s.DrillOfIncident(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, got, byInc)

	stored, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, d.ID, stored.DrillID, "incidents.drill_id is set: the metrics leave it out")
	board, err := s.Board(ctx)
	require.NoError(t, err)
	require.Len(t, board, 1)
	assert.True(t, board[0].IsDrill(), "the board knows it for a drill")

	// The score as of the declaration: detected 2m30s after T0.
	score := model.ScoreDrill(got, stored, detected)
	assert.Equal(t, 150*time.Second, score.Rows[0].Measured)
	assert.True(t, score.Rows[0].Missed)
}

func TestDeclareDrillRefused(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	d := startDrill(t, s)
	real := declare(t, s, declaration("real one"))

	inc, ev := drillDeclaration(t, at(-time.Second))
	_, err := s.DeclareDrill(ctx, d.ID, inc, ev, at(-time.Second))
	assert.ErrorIs(t, err, model.ErrInvalid, "detected before T0")

	inc, ev = drillDeclaration(t, at(time.Minute))
	_, err = s.DeclareDrill(ctx, 99, inc, ev, at(time.Minute))
	assert.ErrorIs(t, err, model.ErrNotFound)

	declared := declareDrill(t, s, d, at(30*time.Second))
	inc, ev = drillDeclaration(t, at(time.Minute))
	_, err = s.DeclareDrill(ctx, d.ID, inc, ev, at(time.Minute))
	assert.ErrorIs(t, err, model.ErrConflict)
	assert.ErrorContains(t, err, "already declared, as "+declared.Key())

	ended := startDrill(t, s)
	require.NoError(t, s.EndDrill(ctx, ended.ID, "facilitator ill", "bob", at(time.Minute)))
	_, err = s.DeclareDrill(ctx, ended.ID, inc, ev, at(2*time.Minute))
	assert.ErrorIs(t, err, model.ErrConflict)
	assert.ErrorContains(t, err, "called off")

	board, err := s.Board(ctx)
	require.NoError(t, err)
	assert.Len(t, board, 2, "the real incident and the one drill declared; nothing else was written")
	_, err = s.DrillOfIncident(ctx, real.Number)
	assert.ErrorIs(t, err, model.ErrNotFound, "a real incident has no drill")
	assert.ErrorContains(t, err, "real incident")
	_, err = s.DrillOfIncident(ctx, 99)
	assert.ErrorIs(t, err, model.ErrNotFound)
}

// TestDeliverInjects: each inject is written when due, at its own time,
// once; it moves no clock.
func TestDeliverInjects(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	d := startDrill(t, s)
	inc := declareDrill(t, s, d, at(30*time.Second))
	require.Len(t, injectsOf(inc), 1)

	for _, tc := range []struct {
		now  time.Duration
		want int
	}{
		{2*time.Minute - time.Millisecond, 0},
		{2 * time.Minute, 1},
		{4 * time.Minute, 0},
		{time.Hour, 2},
		{2 * time.Hour, 0},
	} {
		n, err := s.DeliverInjects(ctx, at(tc.now))
		require.NoError(t, err)
		assert.Equal(t, tc.want, n, "at T0+%s", tc.now)
	}
	got, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, map[time.Time]string{
		at(0):                "DRILL inject: Registry health checks failing",
		at(2 * time.Minute):  "DRILL inject: WebSocket connections dropping",
		at(5 * time.Minute):  "DRILL inject: Customer sessions dropping",
		at(10 * time.Minute): "DRILL inject: Support queue flooded",
	}, injectsOf(got))
	assert.Equal(t, 4, countKind(got, model.EventInject))
	assert.Equal(t, at(30*time.Second), got.LastProgressAt, "no clock restarted")
	assert.Equal(t, at(10*time.Minute), got.UpdatedAt)
	assertBookkeeping(t, got)

	dr, err := s.Drill(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, 4, dr.InjectsDelivered)
	_, ok := dr.NextInjectAt()
	assert.False(t, ok)

	// An armed drill gets nothing delivered: it has no timeline yet.
	armed := startDrill(t, s)
	n, err := s.DeliverInjects(ctx, at(3*time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n)
	armed, err = s.Drill(ctx, armed.ID)
	require.NoError(t, err)
	assert.Zero(t, armed.InjectsDelivered)
}

// TestDeliverInjectsConcurrent: two consoles (two Stores on one file, as
// two processes would be) delivering on the same tick write each inject
// once.
func TestDeliverInjectsConcurrent(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	b, err := Open(ctx, a.Path())
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	d := startDrill(t, a)
	inc := declareDrill(t, a, d, at(30*time.Second))

	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, s := range []*Store{a, b, a, b, a, b} {
		wg.Go(func() {
			for _, now := range []time.Duration{2 * time.Minute, 5 * time.Minute, time.Hour} {
				n, err := s.DeliverInjects(ctx, at(now))
				assert.NoError(t, err)
				mu.Lock()
				total += n
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 3, total, "the three injects after the declaration, each once")
	got, err := b.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, 4, countKind(got, model.EventInject))
	assert.Len(t, injectsOf(got), 4, "four distinct times")
	dr, err := b.Drill(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, 4, dr.InjectsDelivered)
}

// TestEndDrill: an armed drill called off can no longer be declared; a
// running one gets no more injects and says so on its timeline; an over
// one keeps its final score.
func TestEndDrill(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)

	armed := startDrill(t, s)
	require.NoError(t, s.EndDrill(ctx, armed.ID, "  ", "bob", at(time.Minute)))
	got, err := s.Drill(ctx, armed.ID)
	require.NoError(t, err)
	assert.Equal(t, model.DrillCalledOff, got.State())
	assert.Equal(t, at(time.Minute), got.EndedAt)
	assert.Equal(t, "called off by bob", got.EndReason, "a blank reason says who")
	err = s.EndDrill(ctx, armed.ID, "again", "bob", at(2*time.Minute))
	assert.ErrorIs(t, err, model.ErrConflict)

	running := startDrill(t, s)
	inc := declareDrill(t, s, running, at(30*time.Second))
	require.NoError(t, s.EndDrill(ctx, running.ID, "real incident started", "alice", at(3*time.Minute)))
	n, err := s.DeliverInjects(ctx, at(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n, "no inject after the call-off")
	got2, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, map[time.Time]string{
		at(0):               "DRILL inject: Registry health checks failing",
		at(2 * time.Minute): "DRILL inject: WebSocket connections dropping",
	}, injectsOf(got2), "the inject due before the call-off is written with it; none after")
	last := last(t, got2)
	assert.Equal(t, model.Event{ID: last.ID, At: at(3 * time.Minute), Actor: "alice", Kind: model.EventDrillEnded,
		Text: "DRILL called off: real incident started; the incident is closed unresolved"}, last)
	assert.Equal(t, at(30*time.Second), got2.LastProgressAt, "calling off is not progress")
	assert.Equal(t, model.StatusClosed, got2.Status, "closed with its drill: no clock of it runs on")
	assert.Equal(t, at(3*time.Minute), got2.ClosedAt)
	assert.True(t, got2.ResolvedAt.IsZero(), "never resolved")
	board, err := s.Board(ctx)
	require.NoError(t, err)
	for _, b := range board {
		assert.NotEqual(t, inc.Number, b.Number, "off the board")
	}
	assertBookkeeping(t, got2)

	over := startDrill(t, s)
	inc = declareDrill(t, s, over, at(20*time.Second))
	_, err = s.Apply(ctx, inc.Number, func(inc *model.Incident) (model.Event, error) {
		return inc.Resolve(at(3*time.Minute), "alice", "", "drill")
	})
	require.NoError(t, err)
	err = s.EndDrill(ctx, over.ID, "done", "alice", at(time.Hour))
	assert.ErrorIs(t, err, model.ErrConflict)
	assert.ErrorContains(t, err, "its score is final")
	got, err = s.Drill(ctx, over.ID)
	require.NoError(t, err)
	assert.Equal(t, model.DrillOver, got.State())
	assert.Equal(t, at(3*time.Minute), got.IncidentResolvedAt)
	n, err = s.DeliverInjects(ctx, at(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, n, "no console wrote the T+2m inject before the resolution at T+3m: it is written now")
	n, err = s.DeliverInjects(ctx, at(2*time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n, "and none revealed after the resolution")
	got3, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Len(t, injectsOf(got3), 2)

	err = s.EndDrill(ctx, 99, "x", "bob", at(time.Hour))
	assert.ErrorIs(t, err, model.ErrNotFound)
}
