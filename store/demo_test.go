package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

var demoNow = time.Date(2025, time.June, 20, 12, 0, 0, 0, time.UTC)

func builtinCatalog(t testing.TB) model.Catalog {
	t.Helper()
	cat, err := playbooks.Builtin()
	require.NoError(t, err)
	return cat
}

// dump is every row the generator writes, as text, in a stable order.
func dump(t *testing.T, s *Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT * FROM incidents ORDER BY id",
		"SELECT * FROM incident_services ORDER BY incident_id, position",
		"SELECT * FROM checklist_items ORDER BY id",
		"SELECT * FROM roles ORDER BY incident_id, role",
		"SELECT * FROM events ORDER BY id",
		"SELECT * FROM reviews ORDER BY incident_id",
		"SELECT * FROM action_items ORDER BY id",
	} {
		rows, err := s.db.Query(q)
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			require.NoError(t, rows.Scan(ptrs...))
			fmt.Fprintln(&b, vals...)
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	return b.String()
}

func generate(t *testing.T, s *Store, o HistoryOptions) {
	t.Helper()
	require.NoError(t, GenerateHistory(context.Background(), s, builtinCatalog(t), o))
}

// TestGenerateHistoryDeterministic: a seed, a count and an instant write
// the same rows; another seed other ones.
func TestGenerateHistoryDeterministic(t *testing.T) {
	o := HistoryOptions{Seed: 7, Count: 120, Now: demoNow}
	a, b, c := openTest(t), openTest(t), openTest(t)
	generate(t, a, o)
	generate(t, b, o)
	o.Seed = 8
	generate(t, c, o)
	da, db, dc := dump(t, a), dump(t, b), dump(t, c)
	assert.Greater(t, len(da), 10_000)
	assert.Equal(t, da, db, "the same seed, the same history")
	assert.NotEqual(t, da, dc, "another seed, another history")
}

// TestGenerateHistoryLoads: every generated incident loads as the console
// and the CLI load it, valid, its timeline in order and its header in step
// with it; the board lists the open and resolved ones.
func TestGenerateHistoryLoads(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	generate(t, s, HistoryOptions{Seed: 1, Count: 200, Now: demoNow})

	board, err := s.Board(ctx)
	require.NoError(t, err)
	onBoard := 0
	kinds := map[model.EventKind]int{}
	for n := int64(1); n <= 200; n++ {
		inc, err := s.Get(ctx, n)
		require.NoError(t, err, "INC %d", n)
		require.NoError(t, inc.Validate())
		assert.False(t, inc.IsDrill())
		assert.NotEmpty(t, inc.Checklist)
		assertBookkeeping(t, inc)
		assert.Equal(t, model.EventDeclared, inc.Timeline[0].Kind, "%s begins with its declaration", inc.Key())
		for i, ev := range inc.Timeline {
			kinds[ev.Kind]++
			assert.False(t, ev.At.Before(inc.DetectedAt), "%s: event %d before detection", inc.Key(), i)
			assert.False(t, ev.At.After(demoNow), "%s: event %d after now", inc.Key(), i)
			if ev.Kind == model.EventTick {
				assert.NotZero(t, ev.ItemID, "a tick names its item")
			}
		}
		switch inc.Status {
		case model.StatusOpen:
			onBoard++
			assert.Zero(t, inc.ResolvedAt)
		case model.StatusResolved:
			onBoard++
			assert.NotZero(t, inc.ResolvedAt)
		case model.StatusClosed:
			assert.NotZero(t, inc.ClosedAt)
			assert.Equal(t, model.LastPhase, inc.Phase)
		}
		if !inc.ResolvedAt.IsZero() {
			assert.False(t, inc.ResolvedAt.Before(inc.MitigatedAt), "%s: resolved before mitigated", inc.Key())
			assert.False(t, inc.MitigatedAt.Before(inc.AcknowledgedAt), "%s: mitigated before acknowledged", inc.Key())
		}
		_, err = s.Review(ctx, n)
		require.NoError(t, err)
		_, err = s.ActionItems(ctx, n)
		require.NoError(t, err)
	}
	assert.Len(t, board, onBoard)
	for _, k := range []model.EventKind{model.EventAcknowledged, model.EventMitigated, model.EventResolved, model.EventClosed,
		model.EventTick, model.EventRole, model.EventStatusUpdate, model.EventReview, model.EventActionItem, model.EventVerified} {
		assert.Positive(t, kinds[k], "some %s events", k)
	}
}

// TestGenerateHistoryFigures: the history looks like the one promised:
// the severity mix, most resolved, a year of months, causes on most
// reviews, some repeats, some overdue action items.
func TestGenerateHistoryFigures(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const n = 1000
	generate(t, s, HistoryOptions{Seed: 3, Count: n, Now: demoNow})
	m, err := s.Metrics(ctx, model.MetricsFilter{}, demoNow, time.UTC)
	require.NoError(t, err)
	require.Equal(t, n, m.Total)

	share := func(sev model.Severity) float64 { return 100 * float64(m.BySeverity[sev]) / n }
	assert.InDelta(t, 5, share(model.P1), 2, "P1 share")
	assert.InDelta(t, 15, share(model.P2), 3, "P2 share")
	assert.InDelta(t, 40, share(model.P3), 4, "P3 share")
	assert.InDelta(t, 40, share(model.P4), 4, "P4 share")
	require.True(t, m.ResolutionRate.OK)
	assert.InDelta(t, 96, m.ResolutionRate.Value, 3.5, "about 95% resolved")
	for _, mc := range m.Monthly {
		assert.Positive(t, mc.Count, "incidents in %s", mc.Month.Format("2006-01"))
	}
	assert.True(t, m.MTTD.OK && m.MTTD.N < n && m.MTTD.N > n/2, "most, not all, with a known start: %d", m.MTTD.N)
	assert.True(t, m.MTTA.OK && m.MTTM.OK && m.MTTR.OK)
	assert.Less(t, m.MTTA.Value, m.MTTR.Value)
	assert.Positive(t, m.Repeats)
	assert.Positive(t, m.BreachedIncidents)
	assert.Less(t, m.BreachedIncidents, n/2, "some breach, most do not")
	require.NotEmpty(t, m.TopCauses)
	assert.Equal(t, model.CauseNetwork, m.TopCauses[0].Cause, "network issues lead, as in the seed")
	withCause := 0
	for _, c := range m.TopCauses {
		withCause += c.Count
	}
	assert.Greater(t, withCause, n/2, "most incidents have a cause")

	// The team gets faster over the year (the history's pace): the last
	// 90 days resolve faster than the 90 before.
	q, err := s.Metrics(ctx, model.Period90d.Filter(demoNow, time.UTC, 0), demoNow, time.UTC)
	require.NoError(t, err)
	require.True(t, q.ResolutionChange.OK)
	assert.Negative(t, q.ResolutionChange.Value)

	overdue, err := s.OverdueItems(ctx, demoNow)
	require.NoError(t, err)
	assert.NotEmpty(t, overdue)
	var items int
	require.NoError(t, s.db.QueryRow("SELECT count(*) FROM action_items").Scan(&items))
	assert.Less(t, len(overdue), items/4, "a few overdue, most done")
}

// TestGenerateHistoryRefuses: a database that holds incidents is left
// alone unless forced; then the history follows its numbers. Bad options
// write nothing.
func TestGenerateHistoryRefuses(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	declare(t, s, declaration("Real incident"))
	before := dump(t, s)
	err := GenerateHistory(ctx, s, builtinCatalog(t), HistoryOptions{Seed: 1, Count: 10, Now: demoNow})
	require.ErrorIs(t, err, model.ErrConflict)
	assert.Contains(t, err.Error(), "already holds 1 incident")
	assert.Equal(t, before, dump(t, s), "nothing written")

	for _, o := range []HistoryOptions{
		{Seed: 1, Count: 0, Now: demoNow},
		{Seed: 1, Count: MaxHistory + 1, Now: demoNow},
		{Seed: 1, Count: 10},
	} {
		err := GenerateHistory(ctx, s, builtinCatalog(t), o)
		assert.ErrorIs(t, err, model.ErrInvalid, "%+v", o)
	}
	err = GenerateHistory(ctx, s, model.Catalog{}, HistoryOptions{Seed: 1, Count: 10, Now: demoNow, Force: true})
	assert.ErrorIs(t, err, model.ErrInvalid, "an empty catalog")
	assert.Equal(t, before, dump(t, s), "nothing written")

	require.NoError(t, GenerateHistory(ctx, s, builtinCatalog(t), HistoryOptions{Seed: 1, Count: 10, Now: demoNow, Force: true}))
	var count, maxNumber int
	require.NoError(t, s.db.QueryRow("SELECT count(*), max(number) FROM incidents").Scan(&count, &maxNumber))
	assert.Equal(t, 11, count)
	assert.Equal(t, 11, maxNumber)
	first, err := s.Get(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, "Real incident", first.Title, "the real incident is untouched")
}

// TestGenerateHistoryRollsBack: a history that fails half-way leaves
// nothing behind.
func TestGenerateHistoryRollsBack(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cat := builtinCatalog(t)
	// A playbook step id that two steps share breaks the unique
	// (incident_id, step_id) of the checklist at the first incident of
	// that severity.
	pb := cat.Playbooks[model.P3]
	pb.Phases = append([]model.PlaybookPhase(nil), pb.Phases...)
	pb.Phases[0].Steps = append([]model.Step{pb.Phases[0].Steps[0]}, pb.Phases[0].Steps...)
	cat.Playbooks = map[model.Severity]model.Playbook{model.P1: cat.Playbooks[model.P1], model.P2: cat.Playbooks[model.P2], model.P3: pb, model.P4: cat.Playbooks[model.P4]}
	err := GenerateHistory(ctx, s, cat, HistoryOptions{Seed: 1, Count: 50, Now: demoNow})
	require.Error(t, err)
	var n int
	require.NoError(t, s.db.QueryRow("SELECT count(*) FROM incidents").Scan(&n))
	assert.Zero(t, n)
	require.NoError(t, s.db.QueryRow("SELECT count(*) FROM events").Scan(&n))
	assert.Zero(t, n)
}
