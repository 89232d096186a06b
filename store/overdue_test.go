package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// fakeIncidents is an IncidentGetter over a map of severities, counting
// the loads.
type fakeIncidents struct {
	sev   map[int64]model.Severity
	loads map[int64]int
}

func (f *fakeIncidents) Get(_ context.Context, number int64) (*model.Incident, error) {
	f.loads[number]++
	s, ok := f.sev[number]
	if !ok {
		return nil, fmt.Errorf("%s: %w", model.FormatKey(number), model.ErrNotFound)
	}
	return &model.Incident{Number: number, Severity: s}, nil
}

// TestFilterOverdue: a drill's items never count; an item belongs to its
// incident's severity; the order is kept; each incident is loaded once,
// and none without a severity.
func TestFilterOverdue(t *testing.T) {
	item := func(n int64, seq int, drill bool) OverdueItem {
		return OverdueItem{Key: model.FormatKey(n), Number: n, Seq: seq, Due: at(time.Duration(seq) * time.Hour), Drill: drill}
	}
	items := []OverdueItem{
		item(3, 1, true), // a drill's, P1
		item(1, 1, false),
		item(2, 1, false),
		item(1, 2, false),
		item(4, 1, false),
	}
	get := func() *fakeIncidents {
		return &fakeIncidents{sev: map[int64]model.Severity{1: model.P1, 2: model.P2, 3: model.P1, 4: model.P1}, loads: map[int64]int{}}
	}
	ctx := context.Background()

	f := get()
	all, err := FilterOverdue(ctx, f, items, 0)
	require.NoError(t, err)
	assert.Equal(t, []OverdueItem{items[1], items[2], items[3], items[4]}, all, "every severity, no drill")
	assert.Empty(t, f.loads, "no severity: nothing loaded")

	f = get()
	p1, err := FilterOverdue(ctx, f, items, model.P1)
	require.NoError(t, err)
	assert.Equal(t, []OverdueItem{items[1], items[3], items[4]}, p1)
	assert.Equal(t, map[int64]int{1: 1, 2: 1, 4: 1}, f.loads, "each real incident once; the drill's never")

	p3, err := FilterOverdue(ctx, get(), items, model.P3)
	require.NoError(t, err)
	assert.NotNil(t, p3)
	assert.Empty(t, p3)

	none, err := FilterOverdue(ctx, get(), nil, model.P1)
	require.NoError(t, err)
	assert.Equal(t, []OverdueItem{}, none, "an empty list, not nil: a JSON array")

	f = get()
	delete(f.sev, 2)
	_, err = FilterOverdue(ctx, f, items, model.P1)
	assert.True(t, errors.Is(err, model.ErrNotFound), "%v", err)
	assert.Contains(t, err.Error(), "INC-0002")
}
