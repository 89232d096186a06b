package model_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

func TestSortBoard(t *testing.T) {
	now := at(time.Hour)
	// The SLA milestones alone: no status-update cadence (the live clocks
	// are TestSortBoardLiveClocks').
	mk := func(num int64, sev model.Severity, det time.Time, setup func(*model.Incident)) *model.Incident {
		inc := declare(t, sev, det)
		inc.Policy.StatusUpdateEvery = 0
		inc.Number = num
		inc.Title = model.FormatKey(num)
		if setup != nil {
			setup(inc)
		}
		return inc
	}
	ack := func(when time.Time) func(*model.Incident) {
		return func(inc *model.Incident) {
			_, err := inc.Acknowledge(when, "x")
			require.NoError(t, err)
		}
	}
	// resolve resolves at when; done also holds the post-mortem and
	// completes the review then, so that nothing runs any more.
	resolve := func(when time.Time, done bool) func(*model.Incident) {
		return func(inc *model.Incident) {
			_, err := inc.Resolve(when, "x", "", skipVerification)
			require.NoError(t, err)
			if done {
				_, err = inc.AdvancePhase(when, "x")
				require.NoError(t, err)
				completeReview(t, inc, when)
			}
		}
	}

	// Open P1s. now is t0+1h.
	p1Overdue45 := mk(10, model.P1, at(0), nil)                              // ack due 0:15, 45 min overdue
	p1Overdue30 := mk(11, model.P1, at(15*time.Minute), nil)                 // ack due 0:30, 30 min overdue
	p1Soon := mk(12, model.P1, at(0), ack(at(time.Minute)))                  // initial resolution due 4:00
	p1Later := mk(13, model.P1, at(30*time.Minute), ack(at(31*time.Minute))) // due 4:30
	// Open P2s: severity outranks breach.
	p2Overdue := mk(20, model.P2, at(0), nil)           // ack due 0:30, breached
	p2Fine := mk(21, model.P2, at(50*time.Minute), nil) // ack due 1:20
	// An open P1 drill, breached: after every real open incident, whatever
	// their severity, before the resolved ones.
	drill := mk(25, model.P1, at(0), func(inc *model.Incident) { inc.DrillID = 1 })
	// Resolved: after every open one, whatever their severity.
	r1Running := mk(30, model.P1, at(-time.Hour), resolve(at(-30*time.Minute), false)) // PIR meeting running
	// Resolved P1s with no running deadline: detected earlier first, then number.
	r1NoneEarly := mk(31, model.P1, at(-3*time.Hour), resolve(at(-2*time.Hour), true))
	r1NoneLateHigh := mk(33, model.P1, at(-2*time.Hour), resolve(at(-90*time.Minute), true))
	r1NoneLateLow := mk(32, model.P1, at(-2*time.Hour), resolve(at(-90*time.Minute), true))
	r4 := mk(40, model.P4, at(-time.Hour), resolve(at(-30*time.Minute), false))

	want := []*model.Incident{
		p1Overdue45, p1Overdue30, p1Soon, p1Later,
		p2Overdue, p2Fine,
		drill,
		r1Running, r1NoneEarly, r1NoneLateLow, r1NoneLateHigh,
		r4,
	}
	keys := func(incs []*model.Incident) []string {
		out := make([]string, len(incs))
		for i, inc := range incs {
			out[i] = inc.Key()
		}
		return out
	}

	orders := map[string][]*model.Incident{
		"already sorted": slices.Clone(want),
		"reversed":       reversed(want),
		"rotated":        append(slices.Clone(want[5:]), want[:5]...),
		"interleaved":    interleave(want),
	}
	for name, in := range orders {
		t.Run(name, func(t *testing.T) {
			model.SortBoard(in, now)
			assert.Equal(t, keys(want), keys(in))
		})
	}

	// The premises of the ordering above.
	d, ok := p1Overdue45.NextDeadline(now)
	require.True(t, ok)
	assert.Equal(t, model.StateBreached, d.State)
	assert.Equal(t, -45*time.Minute, d.Remaining(now))
	_, ok = r1NoneEarly.NextDeadline(now)
	assert.False(t, ok)
	d, ok = r1Running.NextDeadline(now)
	require.True(t, ok)
	assert.Equal(t, model.MilestonePIRMeeting, d.ID)
}

func TestSortBoardNoDeadlineLastWithinSeverity(t *testing.T) {
	now := at(time.Hour)
	running := declare(t, model.P2, at(0))
	running.Number = 2
	// An open incident whose every milestone is reached or pending (its
	// policy has only the post-mortem, and no status-update cadence) runs
	// no deadline: it goes last.
	none := declare(t, model.P2, at(-time.Hour))
	none.Number = 1
	none.Policy.Milestones = none.Policy.Milestones[4:]
	none.Policy.StatusUpdateEvery = 0
	_, ok := none.NextDeadline(now)
	require.False(t, ok)

	incs := []*model.Incident{none, running}
	model.SortBoard(incs, now)
	assert.Equal(t, []int64{2, 1}, []int64{incs[0].Number, incs[1].Number})

	model.SortBoard(nil, now) // no panic on empty input
}

func reversed(in []*model.Incident) []*model.Incident {
	out := slices.Clone(in)
	slices.Reverse(out)
	return out
}

func interleave(in []*model.Incident) []*model.Incident {
	var odd, even []*model.Incident
	for i, inc := range in {
		if i%2 == 0 {
			even = append(even, inc)
		} else {
			odd = append(odd, inc)
		}
	}
	return append(odd, even...)
}
