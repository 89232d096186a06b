package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// TestSeedTimelines checks every cell of the seed's §3.3 table: each
// milestone is due its window after its anchor (detection from the start of
// the problem, post-mortem from resolution, the rest from detection).
func TestSeedTimelines(t *testing.T) {
	// The expected windows, written out from the seed's table on purpose
	// (not taken from the helper policy).
	table := []struct {
		sev                                     model.Severity
		detection, ack, initial, resolution, pm time.Duration
	}{
		{model.P1, time.Minute, 15 * time.Minute, 4 * time.Hour, 24 * time.Hour, 72 * time.Hour},
		{model.P2, 5 * time.Minute, 30 * time.Minute, 8 * time.Hour, 48 * time.Hour, 5 * 24 * time.Hour},
		{model.P3, 15 * time.Minute, 4 * time.Hour, 24 * time.Hour, 72 * time.Hour, 7 * 24 * time.Hour},
		{model.P4, 30 * time.Minute, 8 * time.Hour, 72 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour},
	}
	started := at(0)
	detected := at(20 * time.Second)
	resolved := at(90 * time.Minute)
	for _, tc := range table {
		anchors := []struct {
			id     model.MilestoneID
			anchor time.Time
			within time.Duration
		}{
			{model.MilestoneDetection, started, tc.detection},
			{model.MilestoneAcknowledge, detected, tc.ack},
			{model.MilestoneInitialResolution, detected, tc.initial},
			{model.MilestoneResolution, detected, tc.resolution},
			{model.MilestonePostMortem, resolved, tc.pm},
		}
		for _, a := range anchors {
			t.Run(tc.sev.String()+"/"+string(a.id), func(t *testing.T) {
				inc, _, err := model.Declare(model.Declaration{
					Title: "x", Severity: tc.sev, OverrideReason: "drill",
					StartedAt: started, DetectedAt: detected,
				}, testCatalog())
				require.NoError(t, err)
				require.Equal(t, tc.sev, inc.Severity)
				_, err = inc.Resolve(resolved, "bob", "", skipVerification)
				require.NoError(t, err)

				d := deadline(t, inc, a.id, resolved)
				assert.Equal(t, a.anchor, d.Start, "anchor")
				assert.Equal(t, a.anchor.Add(a.within), d.DueAt, "due")
				assert.Equal(t, a.within, d.DueAt.Sub(d.Start))
			})
		}
	}
}

func TestDeadlinesOrderAndNames(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	ds := inc.Deadlines(at(time.Minute))
	ids := make([]model.MilestoneID, 0, len(ds))
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	// The SLA milestones in policy order (§3.3, then the §6.1.1 review),
	// then the live clocks (the status update; the tier response only once
	// escalated).
	assert.Equal(t, []model.MilestoneID{
		model.MilestoneDetection, model.MilestoneAcknowledge, model.MilestoneInitialResolution,
		model.MilestoneResolution, model.MilestonePostMortem,
		model.MilestonePIRMeeting, model.MilestonePIRDocument, model.MilestoneActionItems, model.MilestoneReviewComplete,
		model.DeadlineStatusUpdate,
	}, ids)
	assert.Equal(t, "Acknowledgment", ds[1].Name)
	assert.Equal(t, "ACK", ds[1].Short)
}

// TestDeadlineStates walks one P1 incident's acknowledgment (15 min window,
// warning at 25% = 3m45s left) and its other milestones through every state.
func TestDeadlineStates(t *testing.T) {
	const ms = time.Millisecond
	due := at(15 * time.Minute)
	warnAt := due.Add(-15 * time.Minute / 4) // 3m45s left
	require.Equal(t, at(11*time.Minute+15*time.Second), warnAt)

	open := func(t *testing.T) *model.Incident { return declare(t, model.P1, at(0)) }
	acked := func(when time.Time) func(t *testing.T) *model.Incident {
		return func(t *testing.T) *model.Incident {
			inc := open(t)
			_, err := inc.Acknowledge(when, "bob")
			require.NoError(t, err)
			return inc
		}
	}
	closed := func(t *testing.T) *model.Incident {
		inc := open(t)
		_, err := inc.Resolve(at(time.Hour), "bob", "", skipVerification)
		require.NoError(t, err)
		_, err = inc.Close(at(2*time.Hour), "bob", skipReview)
		require.NoError(t, err)
		return inc
	}

	tests := []struct {
		name string
		inc  func(t *testing.T) *model.Incident
		id   model.MilestoneID
		now  time.Time
		want model.DeadlineState
	}{
		{"pending post-mortem before resolution", open, model.MilestonePostMortem, at(time.Minute), model.StatePending},
		{"ok at declaration", open, model.MilestoneAcknowledge, at(0), model.StateOK},
		{"ok well inside", open, model.MilestoneAcknowledge, at(5 * time.Minute), model.StateOK},
		{"ok one ms before the warning boundary", open, model.MilestoneAcknowledge, warnAt.Add(-ms), model.StateOK},
		{"warning exactly at 25% left", open, model.MilestoneAcknowledge, warnAt, model.StateWarning},
		{"warning one ms after the boundary", open, model.MilestoneAcknowledge, warnAt.Add(ms), model.StateWarning},
		{"warning one ms before due", open, model.MilestoneAcknowledge, due.Add(-ms), model.StateWarning},
		{"breached exactly at due", open, model.MilestoneAcknowledge, due, model.StateBreached},
		{"breached after due", open, model.MilestoneAcknowledge, due.Add(time.Hour), model.StateBreached},
		{"met before due", acked(at(time.Minute)), model.MilestoneAcknowledge, due.Add(time.Hour), model.StateMet},
		{"met exactly at due", acked(due), model.MilestoneAcknowledge, due.Add(time.Hour), model.StateMet},
		{"missed one ms after due", acked(due.Add(ms)), model.MilestoneAcknowledge, due.Add(time.Hour), model.StateMissed},
		{"detection met (detected when started)", open, model.MilestoneDetection, at(0), model.StateMet},
		{"post-mortem running after resolution", func(t *testing.T) *model.Incident {
			inc := open(t)
			_, err := inc.Resolve(at(time.Hour), "bob", "", skipVerification)
			require.NoError(t, err)
			return inc
		}, model.MilestonePostMortem, at(2 * time.Hour), model.StateOK},
		{"skipped: closed without post-mortem", closed, model.MilestonePostMortem, at(3 * time.Hour), model.StateSkipped},
		{"closed keeps met", closed, model.MilestoneResolution, at(3 * time.Hour), model.StateMet},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := deadline(t, tc.inc(t), tc.id, tc.now)
			assert.Equal(t, tc.want, d.State)
		})
	}
}

func TestDeadlineDetectionFromStarted(t *testing.T) {
	for _, tc := range []struct {
		name     string
		detected time.Time
		want     model.DeadlineState
	}{
		{"detected at due exactly", at(time.Minute), model.StateMet},
		{"detected one ms late", at(time.Minute + time.Millisecond), model.StateMissed},
		{"detected late", at(10 * time.Minute), model.StateMissed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inc, _, err := model.Declare(model.Declaration{
				Title: "x", Severity: model.P1, StartedAt: at(0), DetectedAt: tc.detected,
			}, testCatalog())
			require.NoError(t, err)
			d := deadline(t, inc, model.MilestoneDetection, tc.detected)
			assert.Equal(t, tc.want, d.State)
			assert.Equal(t, at(0), d.Start)
			assert.Equal(t, tc.detected, d.DoneAt)
			assert.Equal(t, tc.want == model.StateMissed, inc.Breached(tc.detected))
		})
	}
}

func TestDeadlinePendingAnchorClosedIsSkipped(t *testing.T) {
	// A closed incident whose anchor never happened (hand-built: Close
	// normally implies a resolution) reads skipped, not pending.
	inc := &model.Incident{Status: model.StatusClosed, DetectedAt: at(0), Policy: testPolicy(model.P2)}
	d := deadline(t, inc, model.MilestonePostMortem, at(time.Hour))
	assert.Equal(t, model.StateSkipped, d.State)
	assert.True(t, d.DueAt.IsZero())
	assert.True(t, d.Start.IsZero())
}

func TestDeadlineStartedZeroFallsBackToDetected(t *testing.T) {
	inc := &model.Incident{Status: model.StatusOpen, DetectedAt: at(time.Minute), Policy: testPolicy(model.P1)}
	d := deadline(t, inc, model.MilestoneDetection, at(time.Minute))
	assert.Equal(t, at(time.Minute), d.Start)
	assert.Equal(t, model.StateMet, d.State)
}

func TestWarnAtMost(t *testing.T) {
	// "warning when WarnRatio of the window is left, or at most WarnAtMost is
	// left, whichever comes first": for a 15 min window, 25% is 3m45s, so a
	// WarnAtMost of 5 min starts the warning earlier.
	pol := testPolicy(model.P1)
	pol.WarnAtMost = 5 * time.Minute
	inc := &model.Incident{Status: model.StatusOpen, StartedAt: at(0), DetectedAt: at(0), Policy: pol}
	due := at(15 * time.Minute)
	assert.Equal(t, model.StateOK, deadline(t, inc, model.MilestoneAcknowledge, due.Add(-5*time.Minute-time.Millisecond)).State)
	assert.Equal(t, model.StateWarning, deadline(t, inc, model.MilestoneAcknowledge, due.Add(-5*time.Minute)).State)
	// For a long window the ratio comes first: 24h resolution warns at 6h left.
	assert.Equal(t, model.StateWarning, deadline(t, inc, model.MilestoneResolution, at(18*time.Hour)).State)
	assert.Equal(t, model.StateOK, deadline(t, inc, model.MilestoneResolution, at(18*time.Hour-time.Millisecond)).State)
}

func TestDeadlineStateRunning(t *testing.T) {
	running := map[model.DeadlineState]bool{
		model.StatePending: false, model.StateOK: true, model.StateWarning: true, model.StateBreached: true,
		model.StateMet: false, model.StateMissed: false, model.StateSkipped: false,
	}
	for s, want := range running {
		assert.Equal(t, want, s.Running(), s)
	}
}

func TestRemaining(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	d := deadline(t, inc, model.MilestoneAcknowledge, at(10*time.Minute))
	assert.Equal(t, 5*time.Minute, d.Remaining(at(10*time.Minute)))
	assert.Equal(t, -5*time.Minute, d.Remaining(at(20*time.Minute)))
}

func TestBreached(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	assert.False(t, inc.Breached(at(15*time.Minute-time.Millisecond)))
	assert.True(t, inc.Breached(at(15*time.Minute)), "ack breached at due")

	late := declare(t, model.P1, at(0))
	_, err := late.Acknowledge(at(20*time.Minute), "bob")
	require.NoError(t, err)
	assert.True(t, late.Breached(at(21*time.Minute)), "a missed deadline stays a breach")

	onTime := declare(t, model.P1, at(0))
	_, err = onTime.Resolve(at(10*time.Minute), "bob", "", skipVerification)
	require.NoError(t, err)
	assert.False(t, onTime.Breached(at(11*time.Minute)))
}

func TestNextDeadline(t *testing.T) {
	// The SLA milestones alone: no status-update cadence (the live clocks
	// are TestNextDeadlineLiveClocks').
	inc := declare(t, model.P1, at(0))
	inc.Policy.StatusUpdateEvery = 0

	d, ok := inc.NextDeadline(at(time.Minute))
	require.True(t, ok)
	assert.Equal(t, model.MilestoneAcknowledge, d.ID)
	assert.Equal(t, model.StateOK, d.State)

	// Breached is still the next one: it is due soonest of all.
	d, ok = inc.NextDeadline(at(time.Hour))
	require.True(t, ok)
	assert.Equal(t, model.MilestoneAcknowledge, d.ID)
	assert.Equal(t, model.StateBreached, d.State)

	_, err := inc.Acknowledge(at(time.Hour), "bob")
	require.NoError(t, err)
	d, ok = inc.NextDeadline(at(time.Hour))
	require.True(t, ok)
	assert.Equal(t, model.MilestoneInitialResolution, d.ID)
	assert.Equal(t, at(4*time.Hour), d.DueAt)

	_, err = inc.Mitigate(at(2*time.Hour), "bob")
	require.NoError(t, err)
	d, ok = inc.NextDeadline(at(2 * time.Hour))
	require.True(t, ok)
	assert.Equal(t, model.MilestoneResolution, d.ID)

	_, err = inc.Resolve(at(3*time.Hour), "bob", "", skipVerification)
	require.NoError(t, err)
	d, ok = inc.NextDeadline(at(3 * time.Hour))
	require.True(t, ok)
	assert.Equal(t, model.MilestonePIRMeeting, d.ID, "the PIR meeting (24 h) before the post-mortem (72 h)")
	assert.Equal(t, at(3*time.Hour+24*time.Hour), d.DueAt)

	completeReview(t, inc, at(4*time.Hour))
	d, ok = inc.NextDeadline(at(4 * time.Hour))
	require.True(t, ok)
	assert.Equal(t, model.MilestonePostMortem, d.ID)
	assert.Equal(t, at(3*time.Hour+72*time.Hour), d.DueAt)

	for range model.PhaseImprovement - model.PhasePostMortem {
		_, err = inc.AdvancePhase(at(4*time.Hour), "bob")
		require.NoError(t, err)
	}
	_, ok = inc.NextDeadline(at(5 * time.Hour))
	assert.False(t, ok, "nothing runs once the review is complete and the post-mortem held")
}

func TestCustomMilestoneNeverReached(t *testing.T) {
	// A custom policy may name a milestone the incident has no field for:
	// it is never reached, so it runs until the incident is closed.
	pol := testPolicy(model.P3)
	pol.Milestones = append(pol.Milestones, model.MilestoneTarget{ID: "vip_update", Name: "VIP update", From: model.FromDetected, Within: 30 * time.Minute})
	inc := &model.Incident{Number: 1, Status: model.StatusOpen, DetectedAt: at(0), Policy: pol}
	d := deadline(t, inc, "vip_update", at(10*time.Minute))
	assert.Equal(t, model.StateOK, d.State)
	assert.True(t, d.DoneAt.IsZero())
	assert.Equal(t, model.StateBreached, deadline(t, inc, "vip_update", at(30*time.Minute)).State)
}
