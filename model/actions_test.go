package model_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

func TestAcknowledge(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	// Sub-millisecond input is stored truncated.
	ev, err := inc.Acknowledge(at(2*time.Minute+time.Microsecond), "bob")
	require.NoError(t, err)
	assert.Equal(t, at(2*time.Minute), inc.AcknowledgedAt)
	assert.Equal(t, model.PhaseTriage, inc.Phase)
	assert.Equal(t, model.EventAcknowledged, ev.Kind)
	assert.Equal(t, "bob", ev.Actor)
	assert.Equal(t, at(2*time.Minute), ev.At)
	assert.Equal(t, "acknowledged; phase -> Triage", ev.Text)
	assert.Equal(t, at(2*time.Minute), inc.UpdatedAt)

	_, err = inc.Acknowledge(at(3*time.Minute), "carol")
	assert.ErrorIs(t, err, model.ErrConflict)
	assert.Equal(t, at(2*time.Minute), inc.AcknowledgedAt, "a refused action changes nothing")

	// Past Detected, the phase is left alone.
	inc2 := declare(t, model.P2, at(0))
	inc2.Phase = model.PhaseContainment
	ev, err = inc2.Acknowledge(at(time.Minute), "bob")
	require.NoError(t, err)
	assert.Equal(t, model.PhaseContainment, inc2.Phase)
	assert.Equal(t, "acknowledged", ev.Text)

	// Not open: refused.
	inc3 := declare(t, model.P2, at(0))
	_, err = inc3.Resolve(at(time.Minute), "bob", "", skipVerification)
	require.NoError(t, err)
	_, err = inc3.Acknowledge(at(2*time.Minute), "bob")
	assert.ErrorIs(t, err, model.ErrConflict)
}

func TestMitigate(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	ev, err := inc.Mitigate(at(time.Hour), "bob")
	require.NoError(t, err)
	assert.Equal(t, at(time.Hour), inc.MitigatedAt)
	assert.Equal(t, at(time.Hour), inc.AcknowledgedAt, "mitigating implies acknowledging")
	assert.Equal(t, model.EventMitigated, ev.Kind)
	assert.Equal(t, "mitigated (initial resolution); acknowledged", ev.Text)

	_, err = inc.Mitigate(at(2*time.Hour), "bob")
	assert.ErrorIs(t, err, model.ErrConflict)

	acked := declare(t, model.P1, at(0))
	_, err = acked.Acknowledge(at(time.Minute), "bob")
	require.NoError(t, err)
	ev, err = acked.Mitigate(at(time.Hour), "bob")
	require.NoError(t, err)
	assert.Equal(t, at(time.Minute), acked.AcknowledgedAt)
	assert.Equal(t, "mitigated (initial resolution)", ev.Text)
	assert.Equal(t, model.StateMet, deadline(t, acked, model.MilestoneInitialResolution, at(time.Hour)).State)

	_, err = acked.Resolve(at(2*time.Hour), "bob", "", skipVerification)
	require.NoError(t, err)
	_, err = acked.Mitigate(at(3*time.Hour), "bob")
	assert.ErrorIs(t, err, model.ErrConflict)
}

func TestAdvancePhaseThroughLifecycle(t *testing.T) {
	inc := declare(t, model.P2, at(0))
	require.Equal(t, model.PhaseDetected, inc.Phase)
	for i := 1; i < len(model.Phases); i++ {
		now := at(time.Duration(i) * time.Minute)
		from := inc.Phase
		if model.Phases[i] > model.LastOpenPhase && inc.Status == model.StatusOpen {
			_, err := inc.AdvancePhase(now, "bob")
			require.ErrorIs(t, err, model.ErrConflict, "an open incident stops at %s", model.LastOpenPhase)
			assert.Contains(t, err.Error(), "resolve it (R)")
			assert.Equal(t, model.LastOpenPhase, inc.Phase)
			_, err = inc.Resolve(now, "bob", "", skipVerification)
			require.NoError(t, err)
			require.Equal(t, model.PhasePostMortem, inc.Phase, "resolving moves on to Post-Mortem")
			continue
		}
		ev, err := inc.AdvancePhase(now, "bob")
		require.NoError(t, err, "advance %d", i)
		assert.Equal(t, model.Phases[i], inc.Phase)
		assert.Equal(t, model.EventPhase, ev.Kind)
		assert.Contains(t, ev.Text, "phase "+from.String()+" -> "+inc.Phase.String())
		switch from {
		case model.PhaseDetected:
			assert.Contains(t, ev.Text, "; acknowledged")
			assert.Equal(t, now, inc.AcknowledgedAt)
		case model.PhasePostMortem:
			assert.Contains(t, ev.Text, "; post-mortem held")
			assert.Equal(t, now, inc.PostMortemAt)
		default:
			assert.NotContains(t, ev.Text, "post-mortem held")
			assert.NotContains(t, ev.Text, "acknowledged")
		}
		if from < model.PhasePostMortem {
			assert.True(t, inc.PostMortemAt.IsZero())
		}
	}
	assert.Equal(t, model.LastPhase, inc.Phase)
	assert.Equal(t, model.StatusResolved, inc.Status, "resolved by Resolve, never by advancing")

	_, err := inc.AdvancePhase(at(time.Hour), "bob")
	assert.ErrorIs(t, err, model.ErrConflict)
	assert.Equal(t, model.LastPhase, inc.Phase)
}

func TestAdvancePhaseResolvedAndClosed(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	_, err := inc.Resolve(at(time.Hour), "bob", "", skipVerification)
	require.NoError(t, err)
	require.Equal(t, model.PhasePostMortem, inc.Phase)

	ev, err := inc.AdvancePhase(at(30*time.Hour), "carol")
	require.NoError(t, err)
	assert.Equal(t, "phase Post-Mortem -> Documentation; post-mortem held", ev.Text)
	assert.Equal(t, at(30*time.Hour), inc.PostMortemAt)
	assert.Equal(t, model.StateMet, deadline(t, inc, model.MilestonePostMortem, at(30*time.Hour)).State)

	_, err = inc.Close(at(31*time.Hour), "carol", skipReview)
	require.NoError(t, err)
	_, err = inc.AdvancePhase(at(32*time.Hour), "carol")
	assert.ErrorIs(t, err, model.ErrConflict)
}

func TestResolve(t *testing.T) {
	// Resolved the normal way: the fix declared at 2:30 (which implies the
	// acknowledgment and the initial resolution), every verification check
	// passed at 3:00, once it has been stable for 30 minutes.
	inc := declare(t, model.P1, at(0))
	require.Equal(t, at(3*time.Hour), verify(t, inc, at(2*time.Hour+30*time.Minute)))
	ev, err := inc.Resolve(at(3*time.Hour), "bob", "  rolled back the deploy ", "")
	require.NoError(t, err)
	assert.Equal(t, model.StatusResolved, inc.Status)
	assert.Equal(t, at(3*time.Hour), inc.ResolvedAt)
	assert.Equal(t, at(2*time.Hour+30*time.Minute), inc.AcknowledgedAt, "implied by the fix")
	assert.Equal(t, at(2*time.Hour+30*time.Minute), inc.MitigatedAt, "implied by the fix")
	assert.Equal(t, model.PhasePostMortem, inc.Phase)
	assert.Equal(t, model.EventResolved, ev.Kind)
	assert.Equal(t, "resolved; phase Verification -> Post-Mortem: rolled back the deploy", ev.Text)

	// The post-mortem clock starts at the resolution: 72 h for P1.
	pm := deadline(t, inc, model.MilestonePostMortem, at(3*time.Hour))
	assert.Equal(t, at(3*time.Hour), pm.Start)
	assert.Equal(t, at(75*time.Hour), pm.DueAt)
	assert.Equal(t, model.StateOK, pm.State)
	assert.Equal(t, model.StateWarning, deadline(t, inc, model.MilestonePostMortem, at(57*time.Hour)).State)
	assert.Equal(t, model.StateBreached, deadline(t, inc, model.MilestonePostMortem, at(75*time.Hour)).State)
	// Acknowledgment was implied late: missed, not met.
	assert.Equal(t, model.StateMissed, deadline(t, inc, model.MilestoneAcknowledge, at(3*time.Hour)).State)
	assert.Equal(t, model.StateMet, deadline(t, inc, model.MilestoneInitialResolution, at(3*time.Hour)).State)
	assert.Equal(t, model.StateMet, deadline(t, inc, model.MilestoneResolution, at(3*time.Hour)).State)

	_, err = inc.Resolve(at(4*time.Hour), "bob", "", "")
	assert.ErrorIs(t, err, model.ErrConflict)

	// Earlier times are kept; a phase past Post-Mortem is kept. An override
	// given with every check passed overrides nothing: not recorded.
	inc2 := declare(t, model.P2, at(0))
	_, err = inc2.Acknowledge(at(time.Minute), "bob")
	require.NoError(t, err)
	_, err = inc2.Mitigate(at(time.Hour), "bob")
	require.NoError(t, err)
	verify(t, inc2, at(time.Hour))
	inc2.Phase = model.PhaseReview
	ev, err = inc2.Resolve(at(2*time.Hour), "bob", "", "not needed")
	require.NoError(t, err)
	assert.Equal(t, at(time.Minute), inc2.AcknowledgedAt)
	assert.Equal(t, at(time.Hour), inc2.MitigatedAt)
	assert.Equal(t, model.PhaseReview, inc2.Phase)
	assert.Equal(t, "resolved", ev.Text)
}

// TestResolveOverride: resolving without the verification is refused unless
// an override reason is given; the override and the checks it skipped are
// recorded, and the acknowledgment and initial resolution are implied.
func TestResolveOverride(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	for _, override := range []string{"", "  \t"} {
		_, err := inc.Resolve(at(3*time.Hour), "bob", "rolled back the deploy", override)
		require.ErrorIs(t, err, model.ErrInvalid)
		assert.Contains(t, err.Error(), "4 verification check(s) open: Systems stable for 30 minutes, "+
			"Customer connectivity confirmed, Performance within SLA, No recurrence detected")
	}
	assert.Equal(t, model.StatusOpen, inc.Status, "a refused resolution changes nothing")
	assert.True(t, inc.ResolvedAt.IsZero())
	assert.True(t, inc.AcknowledgedAt.IsZero())

	ev, err := inc.Resolve(at(3*time.Hour), "bob", "  rolled back the deploy ", " checked by hand ")
	require.NoError(t, err)
	assert.Equal(t, model.StatusResolved, inc.Status)
	assert.Equal(t, at(3*time.Hour), inc.ResolvedAt)
	assert.Equal(t, at(3*time.Hour), inc.AcknowledgedAt)
	assert.Equal(t, at(3*time.Hour), inc.MitigatedAt)
	assert.Equal(t, model.PhasePostMortem, inc.Phase)
	assert.Equal(t, "resolved; phase Detected -> Post-Mortem: rolled back the deploy (override: checked by hand; "+
		"4 check(s) open: Systems stable for 30 minutes, Customer connectivity confirmed, Performance within SLA, No recurrence detected)", ev.Text)
	assert.Equal(t, model.StateMissed, deadline(t, inc, model.MilestoneAcknowledge, at(3*time.Hour)).State)
	assert.Equal(t, model.StateMet, deadline(t, inc, model.MilestoneResolution, at(3*time.Hour)).State)
}

func TestClose(t *testing.T) {
	inc := declare(t, model.P3, at(0))
	_, err := inc.Close(at(time.Hour), "bob", "")
	assert.ErrorIs(t, err, model.ErrConflict, "an open incident cannot be closed")
	_, err = inc.Close(at(time.Hour), "bob", "with a reason")
	assert.ErrorIs(t, err, model.ErrConflict, "not even with an override")

	// Closed the normal way: verified, resolved, the review complete.
	verified := verify(t, inc, at(time.Hour))
	_, err = inc.Resolve(verified, "bob", "", "")
	require.NoError(t, err)
	completeReview(t, inc, at(3*time.Hour))
	ev, err := inc.Close(at(4*time.Hour), "bob", "")
	require.NoError(t, err)
	assert.Equal(t, model.StatusClosed, inc.Status)
	assert.Equal(t, at(4*time.Hour), inc.ClosedAt)
	assert.Equal(t, model.EventClosed, ev.Kind)
	assert.Equal(t, "closed", ev.Text)

	_, err = inc.Close(at(5*time.Hour), "bob", "")
	assert.ErrorIs(t, err, model.ErrConflict)

	// The review not complete: refused without an override, recorded with.
	inc2 := declare(t, model.P3, at(0))
	_, err = inc2.Resolve(at(time.Hour), "bob", "", skipVerification)
	require.NoError(t, err)
	for _, override := range []string{"", "   "} {
		_, err = inc2.Close(at(2*time.Hour), "bob", override)
		require.ErrorIs(t, err, model.ErrInvalid)
		assert.Contains(t, err.Error(), "review is not complete")
	}
	assert.Equal(t, model.StatusResolved, inc2.Status)
	ev, err = inc2.Close(at(2*time.Hour), "bob", " duplicate of INC-0002 ")
	require.NoError(t, err)
	assert.Equal(t, model.StatusClosed, inc2.Status)
	assert.Equal(t, "closed (override, review not complete: duplicate of INC-0002)", ev.Text)
}

func TestReopen(t *testing.T) {
	inc := declare(t, model.P2, at(0))
	_, err := inc.Reopen(at(time.Hour), "bob", "still broken")
	assert.ErrorIs(t, err, model.ErrConflict, "an open incident cannot be reopened")

	_, err = inc.Acknowledge(at(time.Minute), "bob")
	require.NoError(t, err)
	verified := verify(t, inc, at(30*time.Minute))
	_, err = inc.Resolve(verified, "bob", "", "")
	require.NoError(t, err)
	_, err = inc.AdvancePhase(at(2*time.Hour), "bob") // post-mortem held
	require.NoError(t, err)
	completeReview(t, inc, at(2*time.Hour))
	_, err = inc.Close(at(3*time.Hour), "bob", "")
	require.NoError(t, err)

	_, err = inc.Reopen(at(4*time.Hour), "bob", "   ")
	assert.ErrorIs(t, err, model.ErrInvalid)
	assert.Equal(t, model.StatusClosed, inc.Status)

	ev, err := inc.Reopen(at(4*time.Hour), "bob", " came back ")
	require.NoError(t, err)
	assert.Equal(t, model.StatusOpen, inc.Status)
	assert.True(t, inc.ResolvedAt.IsZero())
	assert.True(t, inc.PostMortemAt.IsZero())
	assert.True(t, inc.ClosedAt.IsZero())
	assert.Equal(t, at(time.Minute), inc.AcknowledgedAt, "acknowledgment is kept")
	assert.Equal(t, at(30*time.Minute), inc.MitigatedAt, "initial resolution is kept")
	assert.Equal(t, model.PhaseResolution, inc.Phase)
	assert.Equal(t, model.EventReopened, ev.Kind)
	assert.Equal(t, "reopened: came back", ev.Text)

	// The fix did not hold: it is verified again, and the review's steps
	// count from the next resolution.
	assert.Equal(t, model.Verification{}, inc.Verification)
	assert.Equal(t, model.ReviewState{}, inc.Review)
	_, err = inc.Resolve(at(5*time.Hour), "bob", "", "")
	assert.ErrorIs(t, err, model.ErrInvalid, "the checks are open again")

	// Clocks run again: resolution (48 h for P2) is breached from 48 h on.
	assert.Equal(t, model.StatePending, deadline(t, inc, model.MilestonePostMortem, at(5*time.Hour)).State)
	for _, m := range model.ReviewMilestones {
		assert.Equal(t, model.StatePending, deadline(t, inc, m.ID, at(5*time.Hour)).State, m.ID)
	}
	assert.Equal(t, model.StateOK, deadline(t, inc, model.MilestoneResolution, at(5*time.Hour)).State)
	assert.Equal(t, model.StateBreached, deadline(t, inc, model.MilestoneResolution, at(48*time.Hour)).State)

	// Verified and resolved again, its review runs from the new resolution.
	verified = verify(t, inc, at(5*time.Hour))
	_, err = inc.Resolve(verified, "bob", "", "")
	require.NoError(t, err)
	pir := deadline(t, inc, model.MilestonePIRMeeting, verified)
	assert.Equal(t, verified, pir.Start)
	assert.Equal(t, verified.Add(3*day), pir.DueAt, "P2: PIR meeting within 3 days")
	assert.Equal(t, model.StateOK, pir.State)
	_, err = inc.Close(at(6*time.Hour), "bob", "")
	assert.ErrorIs(t, err, model.ErrInvalid, "the first round's review does not count")

	// Reopening a resolved one early in the lifecycle keeps its phase.
	inc2 := declare(t, model.P2, at(0))
	_, err = inc2.Resolve(at(time.Hour), "bob", "", skipVerification)
	require.NoError(t, err)
	inc2.Phase = model.PhaseContainment
	_, err = inc2.Reopen(at(2*time.Hour), "bob", "x")
	require.NoError(t, err)
	assert.Equal(t, model.PhaseContainment, inc2.Phase)
}

func TestChangeSeverity(t *testing.T) {
	inc := declare(t, model.P3, at(0))

	_, err := inc.ChangeSeverity(at(time.Minute), "bob", testPolicy(model.P1), " ")
	assert.ErrorIs(t, err, model.ErrInvalid, "a reason is required")
	_, err = inc.ChangeSeverity(at(time.Minute), "bob", testPolicy(model.P3), "same")
	assert.ErrorIs(t, err, model.ErrConflict)
	_, err = inc.ChangeSeverity(at(time.Minute), "bob", model.SeverityPolicy{Severity: 9}, "bad")
	assert.ErrorIs(t, err, model.ErrInvalid)
	assert.Equal(t, model.P3, inc.Severity, "refused changes change nothing")

	// P3 ack is 4 h; as a P1 it is 15 min, so at 20 min it is breached.
	assert.Equal(t, model.StateOK, deadline(t, inc, model.MilestoneAcknowledge, at(20*time.Minute)).State)
	ev, err := inc.ChangeSeverity(at(20*time.Minute), "bob", testPolicy(model.P1), " whole region down ")
	require.NoError(t, err)
	assert.Equal(t, model.P1, inc.Severity)
	assert.Equal(t, model.P1, inc.Policy.Severity)
	assert.True(t, inc.SeverityOverride)
	assert.Equal(t, "whole region down", inc.SeverityReason)
	assert.Equal(t, model.EventSeverity, ev.Kind)
	assert.Equal(t, "severity P3 -> P1: whole region down", ev.Text)
	assert.Equal(t, model.StateBreached, deadline(t, inc, model.MilestoneAcknowledge, at(20*time.Minute)).State)

	_, err = inc.Resolve(at(time.Hour), "bob", "", skipVerification)
	require.NoError(t, err)
	_, err = inc.ChangeSeverity(at(time.Hour), "bob", testPolicy(model.P2), "resolved ones may still change")
	require.NoError(t, err)
	_, err = inc.Close(at(2*time.Hour), "bob", skipReview)
	require.NoError(t, err)
	_, err = inc.ChangeSeverity(at(3*time.Hour), "bob", testPolicy(model.P4), "too late")
	assert.ErrorIs(t, err, model.ErrConflict)
}

func TestAssignRole(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	assert.Equal(t, "", inc.Commander())

	ev, err := inc.AssignRole(at(time.Minute), "bob", model.RoleCommander, " alice ")
	require.NoError(t, err)
	assert.Equal(t, "alice", inc.Commander())
	assert.Equal(t, model.EventRole, ev.Kind)
	assert.Equal(t, "Incident Commander: alice", ev.Text)

	_, err = inc.AssignRole(at(time.Minute), "bob", model.RoleCommander, "alice")
	assert.ErrorIs(t, err, model.ErrConflict)

	ev, err = inc.AssignRole(at(2*time.Minute), "bob", model.RoleCommander, "carol")
	require.NoError(t, err)
	assert.Equal(t, "carol", inc.Commander())
	assert.Equal(t, "Incident Commander: alice -> carol", ev.Text)

	ev, err = inc.AssignRole(at(3*time.Minute), "bob", model.RoleCommander, "")
	require.NoError(t, err)
	assert.Equal(t, "", inc.Commander())
	_, present := inc.Roles[model.RoleCommander]
	assert.False(t, present, "clearing removes the role")
	assert.Equal(t, "Incident Commander: carol unassigned", ev.Text)

	_, err = inc.AssignRole(at(4*time.Minute), "bob", model.RoleCommander, "")
	assert.ErrorIs(t, err, model.ErrConflict, "clearing an empty role")

	_, err = inc.AssignRole(at(4*time.Minute), "bob", model.Role("Janitor"), "dave")
	assert.ErrorIs(t, err, model.ErrInvalid)

	// A nil roles map (an incident loaded without roles) is fine.
	bare := &model.Incident{Number: 2}
	_, err = bare.AssignRole(at(0), "bob", model.RoleQALead, "erin")
	require.NoError(t, err)
	assert.Equal(t, "erin", bare.Roles[model.RoleQALead])
}

func TestNote(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	_, err := inc.Note(at(time.Minute), "bob", " \n\t ")
	assert.ErrorIs(t, err, model.ErrInvalid)

	ev, err := inc.Note(at(time.Minute+time.Nanosecond), "bob", "failover started")
	require.NoError(t, err)
	assert.Equal(t, model.EventNote, ev.Kind)
	assert.Equal(t, "failover started", ev.Text)
	assert.Equal(t, at(time.Minute), ev.At)
	assert.Equal(t, at(time.Minute), inc.UpdatedAt)
}

func TestDeclare(t *testing.T) {
	cat := testCatalog()
	base := func() model.Declaration {
		return model.Declaration{
			Title: "Registry down", Impact: model.ImpactCritical, CustomersPct: 80,
			Services: []string{"registry", "Transport Layer"}, DetectedAt: at(0), Actor: "alice",
		}
	}

	t.Run("auto severity from the assessment", func(t *testing.T) {
		inc, ev, err := model.Declare(base(), cat)
		require.NoError(t, err)
		assert.Equal(t, model.P1, inc.Severity)
		assert.False(t, inc.SeverityOverride)
		assert.Equal(t, "business-critical, 80% of customers (over 50%) -> P1", inc.SeverityReason)
		assert.Equal(t, model.PhaseDetected, inc.Phase)
		assert.Equal(t, model.StatusOpen, inc.Status)
		assert.Equal(t, []string{"registry", "transport"}, inc.Services, "services by id")
		assert.Equal(t, "alice", inc.CreatedBy)
		assert.Equal(t, at(0), inc.DetectedAt)
		assert.Equal(t, at(0), inc.StartedAt, "started defaults to detected")
		assert.Equal(t, at(0), inc.UpdatedAt)
		assert.Equal(t, testPolicy(model.P1), inc.Policy)
		assert.NotNil(t, inc.Roles)
		assert.Empty(t, inc.Roles)
		assert.Equal(t, model.EventDeclared, ev.Kind)
		assert.Equal(t, at(0), ev.At)
		assert.Equal(t, "alice", ev.Actor)
		assert.Equal(t, "declared P1: business-critical, 80% of customers (over 50%) -> P1", ev.Text)
		assert.NoError(t, inc.Validate())
	})

	t.Run("checklist copied from the playbook", func(t *testing.T) {
		inc, _, err := model.Declare(base(), cat)
		require.NoError(t, err)
		require.Len(t, inc.Checklist, 6)
		wantSteps := []string{"p1.imm.page", "p1.imm.ticket", "p1.imm.warroom", "p1.res.fix", "p1.ver.conn", "p1.post.rca"}
		wantPhase := []int{0, 0, 0, 1, 2, 3}
		for i, it := range inc.Checklist {
			assert.Equal(t, i+1, it.Position)
			assert.Equal(t, wantSteps[i], it.StepID)
			assert.Equal(t, wantPhase[i], it.PhaseOrder)
			assert.Equal(t, model.P1, it.Severity)
			assert.False(t, it.Done)
			assert.False(t, it.Retired)
		}
		first := inc.Checklist[0]
		assert.Equal(t, "Immediate Actions", first.Phase)
		assert.Equal(t, "Alert Stakeholders", first.Group)
		assert.Equal(t, "Page on-call engineer", first.Text)
		assert.Equal(t, model.FromDetected, first.From)
		assert.Equal(t, 15*time.Minute, first.End)
		assert.True(t, first.HasWindow)
		assert.False(t, inc.Checklist[4].HasWindow)
		assert.Equal(t, model.FromResolved, inc.Checklist[5].From)
		assert.Equal(t, model.Progress{Done: 0, Total: 6}, inc.Progress)
	})

	t.Run("override recorded with reason and proposal", func(t *testing.T) {
		d := base()
		d.CustomersPct = 30 // proposes P2
		d.Severity = model.P1
		d.OverrideReason = " VIP customer affected "
		inc, ev, err := model.Declare(d, cat)
		require.NoError(t, err)
		assert.Equal(t, model.P1, inc.Severity)
		assert.True(t, inc.SeverityOverride)
		assert.Equal(t, "VIP customer affected (proposed P2: business-critical, 30% of customers (50% or less) -> P2)", inc.SeverityReason)
		assert.Equal(t, "declared P1 (override): "+inc.SeverityReason, ev.Text)
		assert.Equal(t, model.P1, inc.Policy.Severity)
		assert.Equal(t, model.P1, inc.Checklist[0].Severity)
	})

	t.Run("override without a reason", func(t *testing.T) {
		d := base()
		d.Severity = model.P3
		inc, _, err := model.Declare(d, cat)
		require.NoError(t, err)
		assert.True(t, inc.SeverityOverride)
		assert.Contains(t, inc.SeverityReason, "set by the commander (proposed P1:")
	})

	t.Run("choosing the proposed severity is no override", func(t *testing.T) {
		d := base()
		d.Severity = model.P1
		d.OverrideReason = "ignored"
		inc, _, err := model.Declare(d, cat)
		require.NoError(t, err)
		assert.False(t, inc.SeverityOverride)
		assert.NotContains(t, inc.SeverityReason, "ignored")
	})

	t.Run("impact defaults to other", func(t *testing.T) {
		d := base()
		d.Impact = ""
		inc, _, err := model.Declare(d, cat)
		require.NoError(t, err)
		assert.Equal(t, model.ImpactOther, inc.Impact)
		assert.Equal(t, model.P4, inc.Severity)
	})

	t.Run("impact in another case is normalised", func(t *testing.T) {
		d := base()
		d.Impact = "Critical"
		inc, _, err := model.Declare(d, cat)
		require.NoError(t, err)
		assert.Equal(t, model.ImpactCritical, inc.Impact)
		assert.Equal(t, model.P1, inc.Severity)
	})

	t.Run("started before detected", func(t *testing.T) {
		d := base()
		d.StartedAt = at(-10 * time.Minute)
		inc, _, err := model.Declare(d, cat)
		require.NoError(t, err)
		assert.Equal(t, at(-10*time.Minute), inc.StartedAt)
		assert.Equal(t, model.StateMissed, deadline(t, inc, model.MilestoneDetection, at(0)).State)
	})

	t.Run("instants truncated to the millisecond, in UTC", func(t *testing.T) {
		d := base()
		d.DetectedAt = time.Date(2025, 3, 14, 10, 0, 0, 999_999, time.FixedZone("CET", 3600))
		inc, ev, err := model.Declare(d, cat)
		require.NoError(t, err)
		assert.Equal(t, at(0), inc.DetectedAt)
		assert.Equal(t, time.UTC, inc.DetectedAt.Location())
		assert.Equal(t, at(0), ev.At)
	})

	refused := []struct {
		name string
		mut  func(*model.Declaration)
	}{
		{"empty title", func(d *model.Declaration) { d.Title = "" }},
		{"whitespace title", func(d *model.Declaration) { d.Title = " \t\n " }},
		{"unknown service", func(d *model.Declaration) { d.Services = []string{"registry", "database"} }},
		{"unknown impact", func(d *model.Declaration) { d.Impact = "catastrophic" }},
		{"negative customers", func(d *model.Declaration) { d.CustomersPct = -0.1 }},
		{"customers over 100", func(d *model.Declaration) { d.CustomersPct = 100.1 }},
		{"customers NaN", func(d *model.Declaration) { d.CustomersPct = math.NaN() }},
		{"customers +Inf", func(d *model.Declaration) { d.CustomersPct = math.Inf(1) }},
		{"invalid severity", func(d *model.Declaration) { d.Severity = 7 }},
		{"started after detected", func(d *model.Declaration) { d.StartedAt = at(time.Millisecond) }},
		{"no detection time", func(d *model.Declaration) { d.DetectedAt = time.Time{} }},
	}
	for _, tc := range refused {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			d := base()
			tc.mut(&d)
			inc, _, err := model.Declare(d, cat)
			assert.ErrorIs(t, err, model.ErrInvalid)
			assert.Nil(t, inc)
		})
	}

	t.Run("catalog without the severity", func(t *testing.T) {
		noPolicy := testCatalog()
		delete(noPolicy.Policy.Severities, model.P1)
		_, _, err := model.Declare(base(), noPolicy)
		assert.Error(t, err)

		noPlaybook := testCatalog()
		delete(noPlaybook.Playbooks, model.P1)
		_, _, err = model.Declare(base(), noPlaybook)
		assert.Error(t, err)
	})
}

func TestIncidentValidateNaN(t *testing.T) {
	inc := &model.Incident{Title: "x", Severity: model.P2, CustomersPct: math.NaN(), DetectedAt: at(0)}
	assert.ErrorIs(t, inc.Validate(), model.ErrInvalid)
}
