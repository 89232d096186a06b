package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

const ms = time.Millisecond

// findDeadline returns the incident's deadline id evaluated at now, and
// whether it has one.
func findDeadline(inc *model.Incident, id model.MilestoneID, now time.Time) (model.Deadline, bool) {
	for _, d := range inc.Deadlines(now) {
		if d.ID == id {
			return d, true
		}
	}
	return model.Deadline{}, false
}

// escalate escalates inc at when with the trigger's reason.
func escalate(t *testing.T, inc *model.Incident, when time.Time) model.Event {
	t.Helper()
	ev, err := inc.Escalate(when, "carol", "")
	require.NoError(t, err)
	return ev
}

// must fails the test on an action's error.
func must(t *testing.T) func(model.Event, error) model.Event {
	return func(ev model.Event, err error) model.Event {
		t.Helper()
		require.NoError(t, err)
		return ev
	}
}

// TestSeedEscalationMatrix checks the helper policy against the seed's §7.1
// matrix, written out again on purpose, and the premise of liveDeadlines:
// Tier 1's response target is the acknowledgment target.
func TestSeedEscalationMatrix(t *testing.T) {
	table := []struct {
		sev     model.Severity
		trigger model.TriggerKind
		after   time.Duration
		tiers   []time.Duration
		update  time.Duration
	}{
		{model.P1, model.TriggerImmediate, 0, []time.Duration{15 * time.Minute, 30 * time.Minute, 60 * time.Minute}, 30 * time.Minute},
		{model.P2, model.TriggerNoProgress, 2 * time.Hour, []time.Duration{30 * time.Minute, 60 * time.Minute, 120 * time.Minute}, time.Hour},
		{model.P3, model.TriggerNoResolution, 8 * time.Hour, []time.Duration{4 * time.Hour, 8 * time.Hour, 24 * time.Hour}, 4 * time.Hour},
		{model.P4, model.TriggerNoResolution, 24 * time.Hour, []time.Duration{8 * time.Hour, 24 * time.Hour}, 24 * time.Hour},
	}
	for _, tc := range table {
		t.Run(tc.sev.String(), func(t *testing.T) {
			pol := testPolicy(tc.sev)
			assert.Equal(t, tc.trigger, pol.Escalation.Trigger)
			assert.Equal(t, tc.after, pol.Escalation.After)
			assert.Equal(t, tc.tiers, pol.Escalation.Tiers)
			assert.Equal(t, tc.update, pol.StatusUpdateEvery)
			ack, ok := pol.Milestone(model.MilestoneAcknowledge)
			require.True(t, ok)
			assert.Equal(t, ack.Within, pol.Escalation.Tiers[0], "Tier 1 response = acknowledgment")
		})
	}
}

// TestEscalationTrigger: for each severity, an escalation to Tier 2 is not
// due one ms before its trigger and due exactly at it.
func TestEscalationTrigger(t *testing.T) {
	table := []struct {
		sev    model.Severity
		dueAt  time.Time
		reason string
	}{
		{model.P1, at(0), "immediate activation (P1)"},
		{model.P2, at(2 * time.Hour), "2h without progress"},
		{model.P3, at(8 * time.Hour), "8h without resolution"},
		{model.P4, at(24 * time.Hour), "24h without resolution"},
	}
	for _, tc := range table {
		t.Run(tc.sev.String(), func(t *testing.T) {
			inc := declare(t, tc.sev, at(0))
			require.Equal(t, 1, inc.Tier)

			before := inc.Escalation(tc.dueAt.Add(-ms))
			assert.Equal(t, model.Escalation{Tier: 1, NextTier: 2, Due: false, DueAt: tc.dueAt, Reason: tc.reason}, before)

			for _, now := range []time.Time{tc.dueAt, tc.dueAt.Add(ms), tc.dueAt.Add(week)} {
				e := inc.Escalation(now)
				assert.Equal(t, model.Escalation{Tier: 1, NextTier: 2, Due: true, DueAt: tc.dueAt, Reason: tc.reason}, e, now)
			}
		})
	}
}

// TestEscalationNoProgress: for a P2 the "2h without progress" clock runs
// from the last progress; only progress events push it.
func TestEscalationNoProgress(t *testing.T) {
	const when = time.Hour
	table := []struct {
		name     string
		declared model.Severity // P2 unless set
		act      func(t *testing.T, inc *model.Incident)
		progress bool
	}{
		{"checklist tick", 0, func(t *testing.T, inc *model.Incident) {
			inc.Record(model.Event{At: at(when), Kind: model.EventTick, Text: "done: SMS engineering lead", ItemID: 1})
		}, true},
		{"note", 0, func(t *testing.T, inc *model.Incident) {
			must(t)(inc.Note(at(when), "bob", "failover started"))
		}, true},
		{"phase", 0, func(t *testing.T, inc *model.Incident) {
			must(t)(inc.AdvancePhase(at(when), "bob"))
		}, true},
		{"acknowledgment", 0, func(t *testing.T, inc *model.Incident) {
			must(t)(inc.Acknowledge(at(when), "bob"))
		}, true},
		{"mitigation", 0, func(t *testing.T, inc *model.Incident) {
			must(t)(inc.Mitigate(at(when), "bob"))
		}, true},
		{"status update", 0, func(t *testing.T, inc *model.Incident) {
			must(t)(inc.StatusUpdate(at(when), "bob", "still degraded, failover in progress"))
		}, true},
		{"checklist untick", 0, func(t *testing.T, inc *model.Incident) {
			inc.Record(model.Event{At: at(when), Kind: model.EventUntick, Text: "undone: SMS engineering lead", ItemID: 1})
		}, false},
		{"role assignment", 0, func(t *testing.T, inc *model.Incident) {
			must(t)(inc.AssignRole(at(when), "bob", model.RoleCommander, "bob"))
		}, false},
		{"severity change (P3 -> P2)", model.P3, func(t *testing.T, inc *model.Incident) {
			must(t)(inc.ChangeSeverity(at(when), "bob", testPolicy(model.P2), "most customers degraded"))
		}, false},
	}
	for _, tc := range table {
		t.Run(tc.name, func(t *testing.T) {
			sev := tc.declared
			if sev == 0 {
				sev = model.P2
			}
			inc := declare(t, sev, at(0))
			tc.act(t, inc)
			require.Equal(t, model.P2, inc.Severity)

			due := at(2 * time.Hour)
			if tc.progress {
				due = at(when + 2*time.Hour)
				assert.Equal(t, at(when), inc.LastProgressAt)
			} else {
				assert.Equal(t, at(0), inc.LastProgressAt, "not progress")
			}
			assert.Equal(t, at(when), inc.UpdatedAt, "every event is a change")
			e := inc.Escalation(due.Add(-ms))
			assert.False(t, e.Due)
			assert.Equal(t, due, e.DueAt)
			assert.Equal(t, "2h without progress", e.Reason)
			assert.True(t, inc.Escalation(due).Due)
		})
	}
}

// TestEscalationRearms: after an escalation the tier it went to has its
// response target to acknowledge (the next escalation falls due only if
// that passes); once it has, the trigger re-arms from the acknowledgment.
func TestEscalationRearms(t *testing.T) {
	t.Run("P1 climbs every tier, one acknowledgment at a time", func(t *testing.T) {
		inc := declare(t, model.P1, at(0))
		escalate(t, inc, at(time.Minute))
		e := inc.Escalation(at(time.Minute))
		assert.Equal(t, model.Escalation{Tier: 2, NextTier: 3, Due: false, DueAt: at(31 * time.Minute),
			Reason: "Tier 2 did not respond within 30m"}, e, "Tier 2 has 30 min to take it")
		assert.True(t, inc.Escalation(at(31*time.Minute)).Due, "Tier 2 silent past its target: Tier 3 is due")
		must(t)(inc.AcknowledgeEscalation(at(5*time.Minute), "dave"))
		assert.Equal(t, model.Escalation{Tier: 2, NextTier: 3, Due: true, DueAt: at(5 * time.Minute),
			Reason: "immediate activation (P1)"}, inc.Escalation(at(5*time.Minute)))
		escalate(t, inc, at(6*time.Minute))
		assert.Equal(t, model.Escalation{Tier: 3}, inc.Escalation(at(6*time.Minute)), "top tier: never due")
		assert.Equal(t, model.Escalation{Tier: 3}, inc.Escalation(at(week)))
	})
	t.Run("P2 re-arms 2h after the acknowledgment or the last progress", func(t *testing.T) {
		inc := declare(t, model.P2, at(0))
		escalate(t, inc, at(2*time.Hour))
		e := inc.Escalation(at(2*time.Hour + 30*time.Minute))
		assert.False(t, e.Due, "awaiting Tier 2 (60 min)")
		assert.Equal(t, at(3*time.Hour), e.DueAt)
		must(t)(inc.AcknowledgeEscalation(at(2*time.Hour+10*time.Minute), "dave"))
		e = inc.Escalation(at(4*time.Hour + 10*time.Minute - ms))
		assert.Equal(t, model.Escalation{Tier: 2, NextTier: 3, Due: false, DueAt: at(4*time.Hour + 10*time.Minute), Reason: "2h without progress"}, e)
		assert.True(t, inc.Escalation(at(4*time.Hour+10*time.Minute)).Due)
		must(t)(inc.Note(at(3*time.Hour), "bob", "progress"))
		assert.Equal(t, at(5*time.Hour), inc.Escalation(at(3*time.Hour)).DueAt, "progress pushes it")
		escalate(t, inc, at(5*time.Hour))
		must(t)(inc.AcknowledgeEscalation(at(5*time.Hour), "erin"))
		assert.Equal(t, model.Escalation{Tier: 3}, inc.Escalation(at(week)))
	})
	t.Run("P3 re-arms 8h after the acknowledgment, whatever the progress", func(t *testing.T) {
		inc := declare(t, model.P3, at(0))
		must(t)(inc.Note(at(7*time.Hour), "bob", "working on it"))
		assert.Equal(t, at(8*time.Hour), inc.Escalation(at(0)).DueAt, "progress does not matter without resolution")
		escalate(t, inc, at(9*time.Hour))
		must(t)(inc.AcknowledgeEscalation(at(9*time.Hour), "dave"))
		e := inc.Escalation(at(17*time.Hour - ms))
		assert.Equal(t, model.Escalation{Tier: 2, NextTier: 3, Due: false, DueAt: at(17 * time.Hour), Reason: "8h without resolution"}, e)
		assert.True(t, inc.Escalation(at(17*time.Hour)).Due)
		escalate(t, inc, at(17*time.Hour))
		assert.Equal(t, model.Escalation{Tier: 3}, inc.Escalation(at(week)))
	})
}

func TestEscalationNeverDueWhenNotOpen(t *testing.T) {
	for _, sev := range model.Severities {
		t.Run(sev.String(), func(t *testing.T) {
			inc := declare(t, sev, at(0))
			must(t)(inc.Resolve(at(time.Minute), "bob", "", skipVerification))
			e := inc.Escalation(at(52 * week))
			assert.False(t, e.Due)
			assert.True(t, e.DueAt.IsZero())
			assert.Empty(t, e.Reason)
			assert.Equal(t, 1, e.Tier)

			must(t)(inc.Close(at(time.Hour), "bob", skipReview))
			assert.False(t, inc.Escalation(at(52*week)).Due)

			// Reopened, the clock counts again.
			must(t)(inc.Reopen(at(2*time.Hour), "bob", "it came back"))
			assert.True(t, inc.Escalation(at(52*week)).Due)
		})
	}
}

func TestEscalationEdgePolicies(t *testing.T) {
	t.Run("no tiers: nowhere to go", func(t *testing.T) {
		inc := declare(t, model.P3, at(0))
		inc.Policy.Escalation = model.EscalationPolicy{}
		assert.Equal(t, model.Escalation{Tier: 1}, inc.Escalation(at(week)))
	})
	t.Run("unknown trigger: never due", func(t *testing.T) {
		inc := declare(t, model.P3, at(0))
		inc.Policy.Escalation.Trigger = "on_full_moon"
		assert.Equal(t, model.Escalation{Tier: 1, NextTier: 2}, inc.Escalation(at(week)))
		ev, err := inc.Escalate(at(week), "carol", "")
		require.NoError(t, err, "the commander can still escalate")
		assert.Equal(t, "escalated Tier 1 -> Tier 2: by the commander's decision", ev.Text)
	})
	t.Run("tier 0 (not stored yet) reads as Tier 1", func(t *testing.T) {
		inc := &model.Incident{Number: 1, Severity: model.P3, Status: model.StatusOpen, DetectedAt: at(0), Policy: testPolicy(model.P3)}
		assert.Equal(t, model.Escalation{Tier: 1, NextTier: 2, Due: true, DueAt: at(8 * time.Hour), Reason: "8h without resolution"}, inc.Escalation(at(8*time.Hour)))
	})
	t.Run("above the top tier after a severity change", func(t *testing.T) {
		inc := declare(t, model.P1, at(0))
		escalate(t, inc, at(0))
		escalate(t, inc, at(0))
		must(t)(inc.ChangeSeverity(at(time.Hour), "bob", testPolicy(model.P4), "a single customer"))
		assert.Equal(t, model.Escalation{Tier: 3}, inc.Escalation(at(week)))
		_, ok := findDeadline(inc, model.DeadlineTierResponse, at(time.Hour))
		assert.False(t, ok, "P4 has no Tier 3")
		_, err := inc.Escalate(at(week), "carol", "")
		assert.ErrorIs(t, err, model.ErrConflict)
		assert.Contains(t, err.Error(), "top tier (Tier 3)")
	})
	t.Run("reason texts", func(t *testing.T) {
		for _, tc := range []struct {
			trigger model.TriggerKind
			after   time.Duration
			want    string
		}{
			{model.TriggerNoProgress, 2 * time.Hour, "2h without progress"},
			{model.TriggerNoProgress, 90 * time.Minute, "90m without progress"},
			{model.TriggerNoProgress, 90 * time.Second, "1m30s without progress"},
			{model.TriggerNoResolution, 8 * time.Hour, "8h without resolution"},
			{model.TriggerNoResolution, 24 * time.Hour, "24h without resolution"}, // seed: "24 hours"
			{model.TriggerNoResolution, 72 * time.Hour, "72h without resolution"},
			{model.TriggerNoResolution, 5 * day, "5d without resolution"},
			{model.TriggerNoResolution, 0, "0m without resolution"},
			{model.TriggerImmediate, 0, "immediate activation (P3)"},
		} {
			inc := declare(t, model.P3, at(0))
			inc.Policy.Escalation.Trigger, inc.Policy.Escalation.After = tc.trigger, tc.after
			assert.Equal(t, tc.want, inc.Escalation(at(0)).Reason)
		}
	})
}

func TestEscalate(t *testing.T) {
	t.Run("due: the trigger's reason", func(t *testing.T) {
		inc := declare(t, model.P3, at(0))
		ev, err := inc.Escalate(at(8*time.Hour+time.Microsecond), "carol", "  ")
		require.NoError(t, err)
		assert.Equal(t, model.Event{At: at(8 * time.Hour), Actor: "carol", Kind: model.EventEscalated,
			Text: "escalated Tier 1 -> Tier 2: 8h without resolution"}, ev)
		assert.Equal(t, 2, inc.Tier)
		assert.Equal(t, at(8*time.Hour), inc.EscalatedAt, "stored truncated to the ms")
		assert.True(t, inc.TierAckAt.IsZero())
		assert.Equal(t, at(8*time.Hour), inc.UpdatedAt)
		assert.Equal(t, at(8*time.Hour), inc.LastProgressAt, "an escalation is progress")
	})
	t.Run("not due: the commander's decision", func(t *testing.T) {
		inc := declare(t, model.P2, at(0))
		ev := escalate(t, inc, at(time.Hour))
		assert.Equal(t, "escalated Tier 1 -> Tier 2: by the commander's decision", ev.Text)
	})
	t.Run("a reason given is recorded, trimmed", func(t *testing.T) {
		inc := declare(t, model.P1, at(0))
		ev, err := inc.Escalate(at(time.Minute), "carol", "  the database team is needed \n")
		require.NoError(t, err)
		assert.Equal(t, "escalated Tier 1 -> Tier 2: the database team is needed", ev.Text)
		must(t)(inc.AcknowledgeEscalation(at(2*time.Minute), "dave"))
		ev = escalate(t, inc, at(2*time.Minute))
		assert.Equal(t, "escalated Tier 2 -> Tier 3: immediate activation (P1)", ev.Text)
		assert.Equal(t, 3, inc.Tier)
	})
	t.Run("refused at the top tier", func(t *testing.T) {
		inc := declare(t, model.P4, at(0))
		escalate(t, inc, at(time.Hour))
		before := *inc
		_, err := inc.Escalate(at(2*time.Hour), "carol", "more")
		assert.ErrorIs(t, err, model.ErrConflict)
		assert.Contains(t, err.Error(), "top tier (Tier 2)")
		assert.Equal(t, before, *inc, "a refused escalation changes nothing")
	})
	for _, tc := range []struct {
		name  string
		close bool
	}{{"refused when resolved", false}, {"refused when closed", true}} {
		t.Run(tc.name, func(t *testing.T) {
			inc := declare(t, model.P1, at(0))
			must(t)(inc.Resolve(at(time.Minute), "bob", "", skipVerification))
			if tc.close {
				must(t)(inc.Close(at(2*time.Minute), "bob", skipReview))
			}
			_, err := inc.Escalate(at(time.Hour), "carol", "")
			assert.ErrorIs(t, err, model.ErrConflict)
			assert.Equal(t, 1, inc.Tier)
			assert.True(t, inc.EscalatedAt.IsZero())
		})
	}
}

func TestAcknowledgeEscalation(t *testing.T) {
	inc := declare(t, model.P2, at(0))
	assert.False(t, inc.AwaitingTierAck(), "never escalated")
	_, err := inc.AcknowledgeEscalation(at(time.Minute), "dave")
	assert.ErrorIs(t, err, model.ErrConflict)

	escalate(t, inc, at(2*time.Hour))
	assert.True(t, inc.AwaitingTierAck())
	ev, err := inc.AcknowledgeEscalation(at(2*time.Hour+10*time.Minute+time.Microsecond), "dave")
	require.NoError(t, err)
	assert.Equal(t, model.Event{At: at(2*time.Hour + 10*time.Minute), Actor: "dave", Kind: model.EventEscalationAck,
		Text: "Tier 2 acknowledged the escalation"}, ev)
	assert.Equal(t, at(2*time.Hour+10*time.Minute), inc.TierAckAt)
	assert.False(t, inc.AwaitingTierAck())
	assert.Equal(t, at(2*time.Hour+10*time.Minute), inc.LastProgressAt)

	_, err = inc.AcknowledgeEscalation(at(3*time.Hour), "dave")
	assert.ErrorIs(t, err, model.ErrConflict, "already acknowledged")
	assert.Equal(t, at(2*time.Hour+10*time.Minute), inc.TierAckAt)

	// The next escalation waits for the next tier.
	escalate(t, inc, at(5*time.Hour))
	assert.True(t, inc.AwaitingTierAck())
	assert.True(t, inc.TierAckAt.IsZero())
	ev = must(t)(inc.AcknowledgeEscalation(at(6*time.Hour), "erin"))
	assert.Equal(t, "Tier 3 acknowledged the escalation", ev.Text)

	// Resolved while waiting: nothing to acknowledge any more.
	waiting := declare(t, model.P1, at(0))
	escalate(t, waiting, at(0))
	must(t)(waiting.Resolve(at(time.Minute), "bob", "", skipVerification))
	assert.False(t, waiting.AwaitingTierAck())
	_, err = waiting.AcknowledgeEscalation(at(2*time.Minute), "dave")
	assert.ErrorIs(t, err, model.ErrConflict)
}

// TestStatusUpdateDeadline walks each severity's status-update clock
// through ok, warning (the last 25% of the cadence) and breached.
func TestStatusUpdateDeadline(t *testing.T) {
	for _, tc := range []struct {
		sev   model.Severity
		every time.Duration
	}{
		{model.P1, 30 * time.Minute},
		{model.P2, time.Hour},
		{model.P3, 4 * time.Hour},
		{model.P4, 24 * time.Hour},
	} {
		t.Run(tc.sev.String(), func(t *testing.T) {
			inc := declare(t, tc.sev, at(0))
			due := at(tc.every)
			warnAt := due.Add(-tc.every / 4)
			d := deadline(t, inc, model.DeadlineStatusUpdate, at(0))
			assert.Equal(t, model.Deadline{ID: model.DeadlineStatusUpdate, Name: "Status update", Short: "UPD",
				Start: at(0), DueAt: due, State: model.StateOK}, d)
			for _, c := range []struct {
				now  time.Time
				want model.DeadlineState
			}{
				{warnAt.Add(-ms), model.StateOK},
				{warnAt, model.StateWarning},
				{due.Add(-ms), model.StateWarning},
				{due, model.StateBreached},
				{due.Add(week), model.StateBreached},
			} {
				assert.Equal(t, c.want, deadline(t, inc, model.DeadlineStatusUpdate, c.now).State, c.now.Sub(t0))
			}
		})
	}
	// P1: "Update status every 30 minutes", warning at 22m30s.
	inc := declare(t, model.P1, at(0))
	assert.Equal(t, model.StateOK, deadline(t, inc, model.DeadlineStatusUpdate, at(22*time.Minute+30*time.Second-ms)).State)
	assert.Equal(t, model.StateWarning, deadline(t, inc, model.DeadlineStatusUpdate, at(22*time.Minute+30*time.Second)).State)
	assert.Equal(t, model.StateBreached, deadline(t, inc, model.DeadlineStatusUpdate, at(30*time.Minute)).State)
}

func TestStatusUpdate(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	ev, err := inc.StatusUpdate(at(20*time.Minute+time.Microsecond), "bob", "  failover to backup in progress\n")
	require.NoError(t, err)
	assert.Equal(t, model.Event{At: at(20 * time.Minute), Actor: "bob", Kind: model.EventStatusUpdate,
		Text: "failover to backup in progress"}, ev)
	assert.Equal(t, at(20*time.Minute), inc.LastUpdateAt)
	assert.Equal(t, at(20*time.Minute), inc.LastProgressAt)
	assert.Equal(t, at(20*time.Minute), inc.UpdatedAt)

	d := deadline(t, inc, model.DeadlineStatusUpdate, at(30*time.Minute))
	assert.Equal(t, at(20*time.Minute), d.Start, "the clock restarts")
	assert.Equal(t, at(50*time.Minute), d.DueAt)
	assert.Equal(t, model.StateOK, d.State)
	assert.Equal(t, model.StateWarning, deadline(t, inc, model.DeadlineStatusUpdate, at(42*time.Minute+30*time.Second)).State)
	assert.Equal(t, model.StateBreached, deadline(t, inc, model.DeadlineStatusUpdate, at(50*time.Minute)).State)

	// Empty: refused, nothing changes.
	for _, text := range []string{"", "  \t\n"} {
		_, err = inc.StatusUpdate(at(25*time.Minute), "bob", text)
		assert.ErrorIs(t, err, model.ErrInvalid)
	}
	assert.Equal(t, at(20*time.Minute), inc.LastUpdateAt)
	assert.Equal(t, at(20*time.Minute), inc.UpdatedAt)

	// Resolved: an update may still be posted, but none is due.
	must(t)(inc.Resolve(at(time.Hour), "bob", "", skipVerification))
	_, ok := findDeadline(inc, model.DeadlineStatusUpdate, at(2*time.Hour))
	assert.False(t, ok, "no status update is due once resolved")
	must(t)(inc.StatusUpdate(at(90*time.Minute), "bob", "resolved; monitoring"))
	assert.Equal(t, at(90*time.Minute), inc.LastUpdateAt)
	_, ok = findDeadline(inc, model.DeadlineStatusUpdate, at(2*time.Hour))
	assert.False(t, ok)

	// Closed: refused.
	must(t)(inc.Close(at(2*time.Hour), "bob", skipReview))
	_, err = inc.StatusUpdate(at(3*time.Hour), "bob", "late word")
	assert.ErrorIs(t, err, model.ErrConflict)
	_, ok = findDeadline(inc, model.DeadlineStatusUpdate, at(3*time.Hour))
	assert.False(t, ok)

	// No cadence in the policy: no deadline.
	none := declare(t, model.P3, at(0))
	none.Policy.StatusUpdateEvery = 0
	_, ok = findDeadline(none, model.DeadlineStatusUpdate, at(0))
	assert.False(t, ok)
}

func TestTierResponseDeadline(t *testing.T) {
	// P2 escalated to Tier 2 at 2h: Tier 2 responds within 60 min, warning
	// in the last 15 min.
	escalated := func(t *testing.T) *model.Incident {
		inc := declare(t, model.P2, at(0))
		escalate(t, inc, at(2*time.Hour))
		return inc
	}
	acked := func(when time.Time) func(t *testing.T) *model.Incident {
		return func(t *testing.T) *model.Incident {
			inc := escalated(t)
			must(t)(inc.AcknowledgeEscalation(when, "dave"))
			return inc
		}
	}
	resolved := func(ack bool) func(t *testing.T) *model.Incident {
		return func(t *testing.T) *model.Incident {
			inc := escalated(t)
			if ack {
				must(t)(inc.AcknowledgeEscalation(at(2*time.Hour+5*time.Minute), "dave"))
			}
			must(t)(inc.Resolve(at(4*time.Hour), "bob", "", skipVerification))
			return inc
		}
	}
	due := at(3 * time.Hour)

	t.Run("absent before any escalation", func(t *testing.T) {
		inc := declare(t, model.P2, at(0))
		_, ok := findDeadline(inc, model.DeadlineTierResponse, at(week))
		assert.False(t, ok)
		// Hand-built Tier 2 without an escalation time: nothing to count from.
		inc.Tier = 2
		_, ok = findDeadline(inc, model.DeadlineTierResponse, at(week))
		assert.False(t, ok)
	})
	t.Run("present after", func(t *testing.T) {
		inc := escalated(t)
		d := deadline(t, inc, model.DeadlineTierResponse, at(2*time.Hour))
		assert.Equal(t, model.Deadline{ID: model.DeadlineTierResponse, Name: "Tier 2 response", Short: "T2",
			Start: at(2 * time.Hour), DueAt: due, State: model.StateOK}, d)
	})

	for _, tc := range []struct {
		name string
		inc  func(t *testing.T) *model.Incident
		now  time.Time
		want model.DeadlineState
	}{
		{"ok one ms before the warning", escalated, due.Add(-15*time.Minute - ms), model.StateOK},
		{"warning at 25% left", escalated, due.Add(-15 * time.Minute), model.StateWarning},
		{"warning one ms before due", escalated, due.Add(-ms), model.StateWarning},
		{"breached exactly at due", escalated, due, model.StateBreached},
		{"met when acknowledged in time", acked(at(2*time.Hour + 10*time.Minute)), due.Add(time.Hour), model.StateMet},
		{"met when acknowledged exactly at due", acked(due), due.Add(time.Hour), model.StateMet},
		{"missed when acknowledged one ms late", acked(due.Add(ms)), due.Add(time.Hour), model.StateMissed},
		{"skipped when resolved unacknowledged", resolved(false), at(5 * time.Hour), model.StateSkipped},
		{"met stays met when resolved", resolved(true), at(5 * time.Hour), model.StateMet},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := deadline(t, tc.inc(t), model.DeadlineTierResponse, tc.now)
			assert.Equal(t, tc.want, d.State)
			assert.Equal(t, due, d.DueAt)
		})
	}

	t.Run("missed is a breach; met and skipped are not", func(t *testing.T) {
		late := acked(due.Add(ms))(t)
		assert.True(t, late.Breached(due.Add(time.Hour)))

		// Every other clock of these P2s is kept: acknowledged at once,
		// a status update before the escalation.
		inTime := func(t *testing.T) *model.Incident {
			inc := declare(t, model.P2, at(0))
			must(t)(inc.Acknowledge(at(time.Minute), "bob"))
			must(t)(inc.StatusUpdate(at(15*time.Minute), "bob", "investigating"))
			escalate(t, inc, at(20*time.Minute)) // Tier 2 due 1:20
			return inc
		}
		met := inTime(t)
		must(t)(met.AcknowledgeEscalation(at(30*time.Minute), "dave"))
		assert.Equal(t, model.StateMet, deadline(t, met, model.DeadlineTierResponse, at(time.Hour)).State)
		assert.False(t, met.Breached(at(time.Hour)))

		skipped := inTime(t)
		must(t)(skipped.Resolve(at(40*time.Minute), "bob", "", skipVerification)) // before the tier's due time
		assert.Equal(t, model.StateSkipped, deadline(t, skipped, model.DeadlineTierResponse, at(2*time.Hour)).State)
		assert.False(t, skipped.Breached(at(2*time.Hour)))
	})

	t.Run("each tier its own target", func(t *testing.T) {
		inc := declare(t, model.P1, at(0))
		escalate(t, inc, at(time.Minute))
		d := deadline(t, inc, model.DeadlineTierResponse, at(time.Minute))
		assert.Equal(t, "Tier 2 response", d.Name)
		assert.Equal(t, at(31*time.Minute), d.DueAt, "P1 Tier 2: 30 min")
		must(t)(inc.AcknowledgeEscalation(at(5*time.Minute), "dave"))
		escalate(t, inc, at(10*time.Minute))
		d = deadline(t, inc, model.DeadlineTierResponse, at(10*time.Minute))
		assert.Equal(t, "Tier 3 response", d.Name)
		assert.Equal(t, "T3", d.Short)
		assert.Equal(t, at(10*time.Minute), d.Start)
		assert.Equal(t, at(70*time.Minute), d.DueAt, "P1 Tier 3: 60 min")
		assert.True(t, d.DoneAt.IsZero(), "the new tier has not acknowledged")
		assert.Equal(t, model.StateOK, d.State)
	})

	t.Run("a tier without a target has no deadline", func(t *testing.T) {
		inc := declare(t, model.P2, at(0))
		inc.Policy.Escalation.Tiers = []time.Duration{30 * time.Minute, 0}
		escalate(t, inc, at(time.Hour))
		_, ok := findDeadline(inc, model.DeadlineTierResponse, at(time.Hour))
		assert.False(t, ok)
	})

	t.Run("order: milestones, status update, tier response", func(t *testing.T) {
		inc := escalated(t)
		var ids []model.MilestoneID
		for _, d := range inc.Deadlines(at(2 * time.Hour)) {
			ids = append(ids, d.ID)
		}
		assert.Equal(t, []model.MilestoneID{
			model.MilestoneDetection, model.MilestoneAcknowledge, model.MilestoneInitialResolution,
			model.MilestoneResolution, model.MilestonePostMortem,
			model.MilestonePIRMeeting, model.MilestonePIRDocument, model.MilestoneActionItems, model.MilestoneReviewComplete,
			model.DeadlineStatusUpdate, model.DeadlineTierResponse,
		}, ids)
	})
}

func TestIsProgress(t *testing.T) {
	kinds := []struct {
		kind model.EventKind
		want bool
	}{
		{model.EventDeclared, true},
		{model.EventAcknowledged, true},
		{model.EventMitigated, true},
		{model.EventPhase, true},
		{model.EventTick, true},
		{model.EventUntick, false},
		{model.EventSeverity, false},
		{model.EventRole, false},
		{model.EventNote, true},
		{model.EventResolved, true},
		{model.EventClosed, false},
		{model.EventReopened, false},
		{model.EventStatusUpdate, true},
		{model.EventEscalated, true},
		{model.EventEscalationAck, true},
		{"", false},
		{"unknown", false},
	}
	seen := map[model.EventKind]bool{}
	for _, tc := range kinds {
		assert.Equal(t, tc.want, model.IsProgress(tc.kind), string(tc.kind))
		seen[tc.kind] = true
	}
	assert.Len(t, seen, 15+2, "every EventKind constant, each once")
}

func TestRecordOnlyMovesForward(t *testing.T) {
	inc := declare(t, model.P2, at(0))
	require.Equal(t, at(0), inc.UpdatedAt)
	require.Equal(t, at(0), inc.LastProgressAt)
	require.True(t, inc.LastUpdateAt.IsZero())

	type times struct{ updated, progress, update time.Time }
	zero := time.Time{}
	steps := []struct {
		name string
		ev   model.Event
		want times
	}{
		{"status update", model.Event{At: at(2 * time.Hour), Kind: model.EventStatusUpdate}, times{at(2 * time.Hour), at(2 * time.Hour), at(2 * time.Hour)}},
		{"an older status update", model.Event{At: at(time.Hour), Kind: model.EventStatusUpdate}, times{at(2 * time.Hour), at(2 * time.Hour), at(2 * time.Hour)}},
		{"an older note", model.Event{At: at(time.Hour), Kind: model.EventNote}, times{at(2 * time.Hour), at(2 * time.Hour), at(2 * time.Hour)}},
		{"an older role change", model.Event{At: at(time.Hour), Kind: model.EventRole}, times{at(2 * time.Hour), at(2 * time.Hour), at(2 * time.Hour)}},
		{"a later untick", model.Event{At: at(3 * time.Hour), Kind: model.EventUntick}, times{at(3 * time.Hour), at(2 * time.Hour), at(2 * time.Hour)}},
		{"a later tick", model.Event{At: at(4 * time.Hour), Kind: model.EventTick}, times{at(4 * time.Hour), at(4 * time.Hour), at(2 * time.Hour)}},
		{"same instant", model.Event{At: at(4 * time.Hour), Kind: model.EventStatusUpdate}, times{at(4 * time.Hour), at(4 * time.Hour), at(4 * time.Hour)}},
		{"zero time", model.Event{Kind: model.EventStatusUpdate}, times{at(4 * time.Hour), at(4 * time.Hour), at(4 * time.Hour)}},
	}
	for _, s := range steps {
		inc.Record(s.ev)
		assert.Equal(t, s.want, times{inc.UpdatedAt, inc.LastProgressAt, inc.LastUpdateAt}, s.name)
	}

	// A fresh, hand-built incident starts from zero.
	bare := &model.Incident{}
	bare.Record(model.Event{At: at(time.Minute), Kind: model.EventRole})
	assert.Equal(t, times{at(time.Minute), zero, zero}, times{bare.UpdatedAt, bare.LastProgressAt, bare.LastUpdateAt})
}

// TestNextDeadlineLiveClocks: the next deadline may be the status update or
// the tier response when they fall before every milestone.
func TestNextDeadlineLiveClocks(t *testing.T) {
	next := func(t *testing.T, inc *model.Incident, now time.Time) model.Deadline {
		t.Helper()
		d, ok := inc.NextDeadline(now)
		require.True(t, ok)
		return d
	}
	inc := declare(t, model.P2, at(0))
	d := next(t, inc, at(10*time.Minute))
	assert.Equal(t, model.MilestoneAcknowledge, d.ID, "ack 0:30 before the update 1:00")

	must(t)(inc.Acknowledge(at(10*time.Minute), "bob"))
	d = next(t, inc, at(10*time.Minute))
	assert.Equal(t, model.DeadlineStatusUpdate, d.ID, "the update 1:00 before initial resolution 8:00")
	assert.Equal(t, at(time.Hour), d.DueAt)

	d = next(t, inc, at(90*time.Minute))
	assert.Equal(t, model.DeadlineStatusUpdate, d.ID)
	assert.Equal(t, model.StateBreached, d.State)

	must(t)(inc.StatusUpdate(at(2*time.Hour), "bob", "update"))                  // next due 3:00
	escalate(t, inc, at(2*time.Hour+10*time.Minute))                             // Tier 2 due 3:10
	must(t)(inc.StatusUpdate(at(2*time.Hour+20*time.Minute), "bob", "update 2")) // next due 3:20
	d = next(t, inc, at(2*time.Hour+20*time.Minute))
	assert.Equal(t, model.DeadlineTierResponse, d.ID)
	assert.Equal(t, at(3*time.Hour+10*time.Minute), d.DueAt)

	must(t)(inc.AcknowledgeEscalation(at(2*time.Hour+30*time.Minute), "dave"))
	d = next(t, inc, at(2*time.Hour+30*time.Minute))
	assert.Equal(t, model.DeadlineStatusUpdate, d.ID, "the acknowledged tier stops counting")
	assert.Equal(t, at(3*time.Hour+20*time.Minute), d.DueAt)

	must(t)(inc.Resolve(at(4*time.Hour), "bob", "", skipVerification))
	d = next(t, inc, at(4*time.Hour))
	assert.Equal(t, model.MilestonePIRMeeting, d.ID, "no live clock once resolved: the review's first step")
}

// TestSortBoardLiveClocks: the status update and the tier response order the
// board like the milestones do.
func TestSortBoardLiveClocks(t *testing.T) {
	now := at(time.Hour)
	mk := func(num int64, sev model.Severity, det time.Time, setup func(inc *model.Incident)) *model.Incident {
		inc := declare(t, sev, det)
		inc.Number = num
		must(t)(inc.Acknowledge(det.Add(time.Minute), "bob")) // initial resolution next: P1 det+4h, P2 det+8h
		setup(inc)
		return inc
	}
	update := func(when time.Time) func(*model.Incident) {
		return func(inc *model.Incident) { must(t)(inc.StatusUpdate(when, "bob", "update")) }
	}
	// Open P1s, all detected at 0: on their milestones alone they tie (the
	// initial resolution at 4:00) and the number decides, 1 first. The
	// live clocks decide the other way round.
	p1UpdateOverdue := mk(4, model.P1, at(0), func(*model.Incident) {}) // update due 0:30, 30 min overdue
	p1TierSoon := mk(3, model.P1, at(0), func(inc *model.Incident) {
		escalate(t, inc, at(45*time.Minute))                           // Tier 2 due 1:15
		must(t)(inc.StatusUpdate(at(50*time.Minute), "bob", "update")) // due 1:20
	})
	p1UpdateSoon := mk(2, model.P1, at(0), update(at(55*time.Minute)))  // due 1:25
	p1UpdateLater := mk(1, model.P1, at(0), update(at(59*time.Minute))) // due 1:29
	// An open P2 whose tier response is long overdue: severity first.
	p2TierOverdue := mk(5, model.P2, at(-2*time.Hour), func(inc *model.Incident) {
		escalate(t, inc, at(-time.Hour))                               // Tier 2 due 0:00
		must(t)(inc.StatusUpdate(at(50*time.Minute), "bob", "update")) // due 1:50
	})
	// Resolved with the tier never acknowledged (skipped): the PIR meeting.
	r1 := mk(6, model.P1, at(0), func(inc *model.Incident) {
		escalate(t, inc, at(2*time.Minute))
		must(t)(inc.Resolve(at(5*time.Minute), "bob", "", skipVerification))
	})

	want := []*model.Incident{p1UpdateOverdue, p1TierSoon, p1UpdateSoon, p1UpdateLater, p2TierOverdue, r1}
	nums := func(incs []*model.Incident) []int64 {
		out := make([]int64, len(incs))
		for i, inc := range incs {
			out[i] = inc.Number
		}
		return out
	}
	for name, in := range map[string][]*model.Incident{
		"reversed":    reversed(want),
		"interleaved": interleave(want),
	} {
		t.Run(name, func(t *testing.T) {
			model.SortBoard(in, now)
			assert.Equal(t, nums(want), nums(in))
		})
	}

	// The premises.
	for _, p := range []struct {
		inc       *model.Incident
		id        model.MilestoneID
		remaining time.Duration
	}{
		{p1UpdateOverdue, model.DeadlineStatusUpdate, -30 * time.Minute},
		{p1TierSoon, model.DeadlineTierResponse, 15 * time.Minute},
		{p1UpdateSoon, model.DeadlineStatusUpdate, 25 * time.Minute},
		{p1UpdateLater, model.DeadlineStatusUpdate, 29 * time.Minute},
		{p2TierOverdue, model.DeadlineTierResponse, -time.Hour},
		{r1, model.MilestonePIRMeeting, 23*time.Hour + 5*time.Minute},
	} {
		d, ok := p.inc.NextDeadline(now)
		require.True(t, ok)
		assert.Equal(t, p.id, d.ID, p.inc.Number)
		assert.Equal(t, p.remaining, d.Remaining(now), p.inc.Number)
	}
	assert.Equal(t, model.StateSkipped, deadline(t, r1, model.DeadlineTierResponse, now).State)
}
