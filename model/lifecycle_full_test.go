package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// boardStates is every deadline of the incident at now as the board would
// list it: "DET=met ACK=ok ... UPD=ok", in the policy's order.
func boardStates(inc *model.Incident, now time.Time) string {
	var parts []string
	for _, d := range inc.Deadlines(now) {
		parts = append(parts, d.Short+"="+string(d.State))
	}
	return strings.Join(parts, " ")
}

// TestFullLifecycleP1 walks one P1 incident from its declaration to its
// closing on a fake clock, and at every step writes down the state of every
// deadline as the seed's numbers give it:
//
//   - §3.3 (P1): detection 1 min from the start, acknowledgment 15 min,
//     initial resolution 4 h, resolution 24 h from detection, post-mortem
//     72 h from resolution;
//   - §6.1.1 (P1), from resolution: PIR meeting 24 h, PIR document 48 h,
//     action items 72 h, review complete 1 week;
//   - §4.1: a status update every 30 min while open;
//   - §7.1 (P1): Tier 2 responds within 30 min, Tier 3 within 60 min;
//   - §5.3 / §4.1 "Verification": stable for 30 minutes, then resolve.
//
// A running deadline warns when 25% of its window is left (the test
// policy's warn ratio): 3m45s of 15 min, 7m30s of 30 min, 1 h of 4 h, 6 h of
// 24 h, 12 h of 48 h, 18 h of 72 h, 42 h of 1 week.
func TestFullLifecycleP1(t *testing.T) {
	inc, declared, err := model.Declare(model.Declaration{
		Title: "Registry down", Impact: model.ImpactCritical, CustomersPct: 80, Services: []string{"registry"},
		StartedAt: at(-30 * time.Second), DetectedAt: at(0), Actor: "alice",
	}, testCatalog())
	require.NoError(t, err)
	inc.Number = 1
	require.Equal(t, model.P1, inc.Severity, "business-critical, 80% of customers: P1 by §2.2")
	require.False(t, inc.SeverityOverride)
	inc.Timeline = append(inc.Timeline, declared)

	// The resolution is at 2:35; R(d) is d after it.
	resolvedAt := 2*time.Hour + 35*time.Minute
	R := func(d time.Duration) time.Duration { return resolvedAt + d }
	const h, m = time.Hour, time.Minute

	type step struct {
		name string
		at   time.Duration // after detection
		// do acts at the step's instant; nil: only the clock moves.
		do func(now time.Time) (model.Event, error)
		// err: the action is refused with it (and changes nothing).
		err error
		// text: the event's text, when it matters.
		text  string
		phase model.Phase
		// want is every deadline's state after the step.
		want string
	}
	steps := []step{
		{
			name: "declared", at: 0, phase: model.PhaseDetected,
			// Detected 30 s after it started: detection met (due 1 min after the start).
			want: "DET=met ACK=ok MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok",
		},
		{
			name: "3m45s of the acknowledgment's 15 min left", at: 11*m + 15*time.Second, phase: model.PhaseDetected,
			want: "DET=met ACK=warning MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok",
		},
		{
			name: "acknowledged", at: 12 * m, phase: model.PhaseTriage,
			do:   func(now time.Time) (model.Event, error) { return inc.Acknowledge(now, "bob") },
			text: "acknowledged; phase -> Triage",
			want: "DET=met ACK=met MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok",
		},
		{
			name: "escalated to Tier 2 (P1: immediate activation), due to respond by 0:44", at: 14 * m, phase: model.PhaseTriage,
			do:   func(now time.Time) (model.Event, error) { return inc.Escalate(now, "bob", "") },
			text: "escalated Tier 1 -> Tier 2: immediate activation (P1)",
			want: "DET=met ACK=met MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T2=ok",
		},
		{
			name: "status update: the next one due 0:55", at: 25 * m, phase: model.PhaseTriage,
			do: func(now time.Time) (model.Event, error) {
				return inc.StatusUpdate(now, "carol", "failover in progress")
			},
			want: "DET=met ACK=met MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T2=ok",
		},
		{
			name: "4 min of Tier 2's 30 left; 15 of the update's 30", at: 40 * m, phase: model.PhaseTriage,
			want: "DET=met ACK=met MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T2=warning",
		},
		{
			name: "Tier 2 acknowledged", at: 41 * m, phase: model.PhaseTriage,
			do:   func(now time.Time) (model.Event, error) { return inc.AcknowledgeEscalation(now, "dave") },
			text: "Tier 2 acknowledged the escalation",
			want: "DET=met ACK=met MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T2=met",
		},
		{
			name: "escalated to Tier 3, due to respond by 1:45", at: 45 * m, phase: model.PhaseTriage,
			do:   func(now time.Time) (model.Event, error) { return inc.Escalate(now, "bob", "") },
			text: "escalated Tier 2 -> Tier 3: immediate activation (P1)",
			want: "DET=met ACK=met MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T3=ok",
		},
		{
			name: "the status update due 0:55 is not sent", at: 55 * m, phase: model.PhaseTriage,
			want: "DET=met ACK=met MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=breached T3=ok",
		},
		{
			name: "status update: the next one due 1:30", at: time.Hour, phase: model.PhaseTriage,
			do:   func(now time.Time) (model.Event, error) { return inc.StatusUpdate(now, "carol", "Tier 3 paged") },
			want: "DET=met ACK=met MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T3=ok",
		},
		{
			name: "Tier 3 acknowledged", at: h + 20*m, phase: model.PhaseTriage,
			do:   func(now time.Time) (model.Event, error) { return inc.AcknowledgeEscalation(now, "erin") },
			text: "Tier 3 acknowledged the escalation",
			want: "DET=met ACK=met MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T3=met",
		},
		{
			name: "status update: the next one due 2:05", at: h + 35*m, phase: model.PhaseTriage,
			do:   func(now time.Time) (model.Event, error) { return inc.StatusUpdate(now, "carol", "fix being deployed") },
			want: "DET=met ACK=met MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T3=met",
		},
		{
			name: "fix declared: the initial resolution is met, the stability clock runs to 2:10", at: h + 40*m, phase: model.PhaseVerification,
			do:   func(now time.Time) (model.Event, error) { return inc.DeclareFix(now, "bob") },
			text: "fix declared: stability clock started (30 min); phase Triage -> Verification",
			want: "DET=met ACK=met MIT=met RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T3=met",
		},
		{
			name: "customer connectivity confirmed", at: 2 * h, phase: model.PhaseVerification,
			do: func(now time.Time) (model.Event, error) {
				return inc.PassCheck(now, "qa", model.CheckConnectivity)
			},
			text: "verified: Customer connectivity confirmed",
			// 5 min of the update's 30 left.
			want: "DET=met ACK=met MIT=met RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=warning T3=met",
		},
		{
			name: "performance within SLA", at: 2 * h, phase: model.PhaseVerification,
			do:   func(now time.Time) (model.Event, error) { return inc.PassCheck(now, "qa", model.CheckPerformance) },
			text: "verified: Performance within SLA",
			want: "DET=met ACK=met MIT=met RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=warning T3=met",
		},
		{
			name: "stable for 30 minutes: not yet, 10 min to go", at: 2 * h, phase: model.PhaseVerification,
			do:  func(now time.Time) (model.Event, error) { return inc.PassCheck(now, "qa", model.CheckStable) },
			err: model.ErrConflict, text: "10m to go",
			want: "DET=met ACK=met MIT=met RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=warning T3=met",
		},
		{
			name: "resolving with two checks open: refused", at: 2 * h, phase: model.PhaseVerification,
			do:  func(now time.Time) (model.Event, error) { return inc.Resolve(now, "bob", "", "") },
			err: model.ErrInvalid, text: "2 verification check(s) open: Systems stable for 30 minutes, No recurrence detected",
			want: "DET=met ACK=met MIT=met RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=warning T3=met",
		},
		{
			name: "status update: the next one due 2:35", at: 2*h + 5*m, phase: model.PhaseVerification,
			do:   func(now time.Time) (model.Event, error) { return inc.StatusUpdate(now, "carol", "verifying") },
			want: "DET=met ACK=met MIT=met RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T3=met",
		},
		{
			name: "stable for 30 minutes, exactly 30 minutes after the fix", at: 2*h + 10*m, phase: model.PhaseVerification,
			do:   func(now time.Time) (model.Event, error) { return inc.PassCheck(now, "qa", model.CheckStable) },
			text: "verified: Systems stable for 30 minutes",
			want: "DET=met ACK=met MIT=met RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok T3=met",
		},
		{
			name: "no recurrence detected", at: 2*h + 30*m, phase: model.PhaseVerification,
			do:   func(now time.Time) (model.Event, error) { return inc.PassCheck(now, "qa", model.CheckNoRecurrence) },
			text: "verified: No recurrence detected",
			// 5 min of the update's 30 left.
			want: "DET=met ACK=met MIT=met RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=warning T3=met",
		},
		{
			// Verified: no override. Due the same instant, the status update
			// stops with the incident open; the post-incident clocks start.
			name: "resolved", at: resolvedAt, phase: model.PhasePostMortem,
			do: func(now time.Time) (model.Event, error) {
				return inc.Resolve(now, "bob", "restarted the registry nodes", "")
			},
			text: "resolved; phase Verification -> Post-Mortem: restarted the registry nodes",
			want: "DET=met ACK=met MIT=met RES=met PM=ok PIR=ok DOC=ok ACT=ok REV=ok T3=met",
		},
		{
			name: "closing before the review: refused", at: R(h), phase: model.PhasePostMortem,
			do:  func(now time.Time) (model.Event, error) { return inc.Close(now, "alice", "") },
			err: model.ErrInvalid, text: "the post-incident review is not complete",
			want: "DET=met ACK=met MIT=met RES=met PM=ok PIR=ok DOC=ok ACT=ok REV=ok T3=met",
		},
		{
			name: "6 h of the PIR meeting's 24 left", at: R(18 * h), phase: model.PhasePostMortem,
			want: "DET=met ACK=met MIT=met RES=met PM=ok PIR=warning DOC=ok ACT=ok REV=ok T3=met",
		},
		{
			name: "PIR meeting held", at: R(20 * h), phase: model.PhasePostMortem,
			do: func(now time.Time) (model.Event, error) {
				return inc.MarkReview(now, "alice", model.MilestonePIRMeeting)
			},
			text: "review: PIR meeting held",
			want: "DET=met ACK=met MIT=met RES=met PM=ok PIR=met DOC=ok ACT=ok REV=ok T3=met",
		},
		{
			name: "marking the review complete early: refused", at: R(21 * h), phase: model.PhasePostMortem,
			do: func(now time.Time) (model.Event, error) {
				return inc.MarkReview(now, "alice", model.MilestoneReviewComplete)
			},
			err: model.ErrConflict, text: "not yet: PIR document written, action items agreed",
			want: "DET=met ACK=met MIT=met RES=met PM=ok PIR=met DOC=ok ACT=ok REV=ok T3=met",
		},
		{
			name: "12 h of the PIR document's 48 left", at: R(36 * h), phase: model.PhasePostMortem,
			want: "DET=met ACK=met MIT=met RES=met PM=ok PIR=met DOC=warning ACT=ok REV=ok T3=met",
		},
		{
			name: "the PIR document due now", at: R(48 * h), phase: model.PhasePostMortem,
			want: "DET=met ACK=met MIT=met RES=met PM=ok PIR=met DOC=breached ACT=ok REV=ok T3=met",
		},
		{
			name: "PIR document written 2 h late", at: R(50 * h), phase: model.PhasePostMortem,
			do: func(now time.Time) (model.Event, error) {
				return inc.MarkReview(now, "carol", model.MilestonePIRDocument)
			},
			text: "review: PIR document written",
			want: "DET=met ACK=met MIT=met RES=met PM=ok PIR=met DOC=missed ACT=ok REV=ok T3=met",
		},
		{
			name: "16 h of the post-mortem's and the action items' 72 left", at: R(56 * h), phase: model.PhasePostMortem,
			want: "DET=met ACK=met MIT=met RES=met PM=warning PIR=met DOC=missed ACT=warning REV=ok T3=met",
		},
		{
			name: "post-mortem held: on to Documentation", at: R(60 * h), phase: model.PhaseDocumentation,
			do:   func(now time.Time) (model.Event, error) { return inc.AdvancePhase(now, "alice") },
			text: "phase Post-Mortem -> Documentation; post-mortem held",
			want: "DET=met ACK=met MIT=met RES=met PM=met PIR=met DOC=missed ACT=warning REV=ok T3=met",
		},
		{
			name: "action items agreed on their due time", at: R(72 * h), phase: model.PhaseDocumentation,
			do: func(now time.Time) (model.Event, error) {
				return inc.MarkReview(now, "alice", model.MilestoneActionItems)
			},
			text: "review: action items agreed",
			want: "DET=met ACK=met MIT=met RES=met PM=met PIR=met DOC=missed ACT=met REV=ok T3=met",
		},
		{
			name: "42 h of the review's week left", at: R(126 * h), phase: model.PhaseDocumentation,
			want: "DET=met ACK=met MIT=met RES=met PM=met PIR=met DOC=missed ACT=met REV=warning T3=met",
		},
		{
			name: "review complete, on day 6", at: R(144 * h), phase: model.PhaseDocumentation,
			do: func(now time.Time) (model.Event, error) {
				return inc.MarkReview(now, "alice", model.MilestoneReviewComplete)
			},
			text: "review: review complete",
			want: "DET=met ACK=met MIT=met RES=met PM=met PIR=met DOC=missed ACT=met REV=met T3=met",
		},
		{
			name: "closed: no override needed", at: R(145 * h), phase: model.PhaseDocumentation,
			do:   func(now time.Time) (model.Event, error) { return inc.Close(now, "alice", "") },
			text: "closed",
			want: "DET=met ACK=met MIT=met RES=met PM=met PIR=met DOC=missed ACT=met REV=met T3=met",
		},
		{
			name: "a month later: nothing moves", at: R(30 * 24 * h), phase: model.PhaseDocumentation,
			want: "DET=met ACK=met MIT=met RES=met PM=met PIR=met DOC=missed ACT=met REV=met T3=met",
		},
	}
	for _, s := range steps {
		now := at(s.at)
		if s.do != nil {
			before := *inc
			ev, err := s.do(now)
			if s.err != nil {
				require.ErrorIs(t, err, s.err, s.name)
				assert.Contains(t, err.Error(), s.text, s.name)
				assert.Equal(t, before.Status, inc.Status, "%s: a refused action changes nothing", s.name)
				assert.Equal(t, before.Verification, inc.Verification, s.name)
				assert.Equal(t, before.Review, inc.Review, s.name)
			} else {
				require.NoError(t, err, s.name)
				assert.Equal(t, now, ev.At, s.name)
				if s.text != "" {
					assert.Equal(t, s.text, ev.Text, s.name)
				}
				inc.Timeline = append(inc.Timeline, ev)
			}
		}
		assert.Equal(t, s.phase, inc.Phase, s.name)
		assert.Equal(t, s.want, boardStates(inc, now), "%s (at %s)", s.name, s.at)
	}

	// The instants the seed's numbers give, from detection at 0:00 and
	// resolution at 2:35.
	due := map[model.MilestoneID]time.Duration{
		model.MilestoneDetection: -30*time.Second + time.Minute, model.MilestoneAcknowledge: 15 * m,
		model.MilestoneInitialResolution: 4 * h, model.MilestoneResolution: 24 * h,
		model.MilestonePostMortem: R(72 * h), model.MilestonePIRMeeting: R(24 * h), model.MilestonePIRDocument: R(48 * h),
		model.MilestoneActionItems: R(72 * h), model.MilestoneReviewComplete: R(week),
		model.DeadlineTierResponse: 45*m + 60*m,
	}
	done := map[model.MilestoneID]time.Duration{
		model.MilestoneDetection: 0, model.MilestoneAcknowledge: 12 * m, model.MilestoneInitialResolution: h + 40*m,
		model.MilestoneResolution: resolvedAt, model.MilestonePostMortem: R(60 * h), model.MilestonePIRMeeting: R(20 * h),
		model.MilestonePIRDocument: R(50 * h), model.MilestoneActionItems: R(72 * h), model.MilestoneReviewComplete: R(144 * h),
		model.DeadlineTierResponse: h + 20*m,
	}
	final := inc.Deadlines(at(R(30 * 24 * h)))
	require.Len(t, final, len(due))
	for _, d := range final {
		assert.Equal(t, at(due[d.ID]), d.DueAt, "%s due", d.ID)
		assert.Equal(t, at(done[d.ID]), d.DoneAt, "%s done", d.ID)
	}

	assert.Equal(t, model.StatusClosed, inc.Status)
	assert.Equal(t, at(R(145*h)), inc.ClosedAt)
	assert.True(t, inc.Breached(at(R(30*24*h))), "the PIR document was missed")
	assert.Equal(t, 3, inc.Tier)
	assert.Empty(t, inc.Verification.Open())
	_, ok := inc.NextDeadline(at(R(145 * h)))
	assert.False(t, ok, "nothing runs once closed")

	var kinds []model.EventKind
	for _, ev := range inc.Timeline {
		kinds = append(kinds, ev.Kind)
	}
	assert.Equal(t, []model.EventKind{
		model.EventDeclared, model.EventAcknowledged,
		model.EventEscalated, model.EventStatusUpdate, model.EventEscalationAck,
		model.EventEscalated, model.EventStatusUpdate, model.EventEscalationAck, model.EventStatusUpdate,
		model.EventFixDeclared, model.EventVerified, model.EventVerified, model.EventStatusUpdate, model.EventVerified, model.EventVerified,
		model.EventResolved,
		model.EventReview, model.EventReview, model.EventPhase, model.EventReview, model.EventReview,
		model.EventClosed,
	}, kinds)
}

// TestFullLifecycleP1Overridden: the same P1 resolved without its
// verification and closed without its review, each by an override: the
// overrides are recorded and the review's deadlines end skipped, as does
// the Tier 2 response nobody gave.
func TestFullLifecycleP1Overridden(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	const h, m = time.Hour, time.Minute

	assert.Equal(t, "DET=met ACK=ok MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=ok",
		boardStates(inc, at(0)))
	must(t)(inc.Escalate(at(5*m), "bob", ""))
	assert.Equal(t, "DET=met ACK=breached MIT=ok RES=ok PM=pending PIR=pending DOC=pending ACT=pending REV=pending UPD=breached T2=breached",
		boardStates(inc, at(40*m)))

	ev := must(t)(inc.Resolve(at(h), "bob", "", "customer confirmed by phone"))
	assert.Equal(t, "resolved; phase Detected -> Post-Mortem (override: customer confirmed by phone; 4 check(s) open: "+
		"Systems stable for 30 minutes, Customer connectivity confirmed, Performance within SLA, No recurrence detected)", ev.Text)
	// Acknowledgment and initial resolution implied at 1:00: the first
	// missed (15 min), the second met (4 h). The unanswered tier: skipped.
	assert.Equal(t, "DET=met ACK=missed MIT=met RES=met PM=ok PIR=ok DOC=ok ACT=ok REV=ok T2=skipped",
		boardStates(inc, at(h)))
	assert.Equal(t, "DET=met ACK=missed MIT=met RES=met PM=ok PIR=breached DOC=ok ACT=ok REV=ok T2=skipped",
		boardStates(inc, at(25*h)), "the PIR meeting was due 24 h after the resolution")

	must(t)(inc.MarkReview(at(20*h), "alice", model.MilestonePIRMeeting))
	ev = must(t)(inc.Close(at(26*h), "alice", "duplicate of INC-0002, reviewed there"))
	assert.Equal(t, "closed (override, review not complete: duplicate of INC-0002, reviewed there)", ev.Text)
	assert.Equal(t, "DET=met ACK=missed MIT=met RES=met PM=skipped PIR=met DOC=skipped ACT=skipped REV=skipped T2=skipped",
		boardStates(inc, at(30*24*h)))
}
