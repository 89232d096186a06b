package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// The verification checks are the seed's §5.3 "Verification" list, in its
// order and words.
func TestVerificationChecksFromSeed(t *testing.T) {
	var got []string
	for _, c := range model.VerificationChecks {
		got = append(got, string(c.ID)+": "+c.Text)
	}
	assert.Equal(t, []string{
		"stable_30m: Systems stable for 30 minutes",
		"customer_connectivity: Customer connectivity confirmed",
		"performance_sla: Performance within SLA",
		"no_recurrence: No recurrence detected",
	}, got)
	assert.Equal(t, 30*time.Minute, model.StabilityWindow)

	var v model.Verification
	assert.True(t, v.StableAt().IsZero(), "no fix, no stability clock")
	assert.Equal(t, []model.VerificationCheck{model.CheckStable, model.CheckConnectivity, model.CheckPerformance, model.CheckNoRecurrence}, v.Open())
	v.FixedAt = at(time.Hour)
	assert.Equal(t, at(90*time.Minute), v.StableAt())
}

func TestDeclareFix(t *testing.T) {
	resolved := func(t *testing.T) *model.Incident {
		inc := declare(t, model.P1, at(0))
		_, err := inc.Resolve(at(time.Hour), "bob", "", skipVerification)
		require.NoError(t, err)
		return inc
	}
	tests := []struct {
		name  string
		setup func(t *testing.T) *model.Incident
		now   time.Time
		// want
		err       error
		text      string
		phase     model.Phase
		ack, mit  time.Time
		passedOut []model.VerificationCheck // the passed checks after it
	}{
		{
			name:  "first fix: Verification, the clock starts, acknowledgment and initial resolution implied",
			setup: func(t *testing.T) *model.Incident { return declare(t, model.P1, at(0)) },
			now:   at(time.Hour + 500*time.Microsecond), // stored truncated to the millisecond
			text:  "fix declared: stability clock started (30 min); phase Detected -> Verification",
			phase: model.PhaseVerification, ack: at(time.Hour), mit: at(time.Hour),
		},
		{
			name: "earlier times are kept",
			setup: func(t *testing.T) *model.Incident {
				inc := declare(t, model.P1, at(0))
				must(t)(inc.Acknowledge(at(5*time.Minute), "bob"))
				must(t)(inc.Mitigate(at(20*time.Minute), "bob"))
				inc.Phase = model.PhaseResolution
				return inc
			},
			now:   at(time.Hour),
			text:  "fix declared: stability clock started (30 min); phase Resolution -> Verification",
			phase: model.PhaseVerification, ack: at(5 * time.Minute), mit: at(20 * time.Minute),
		},
		{
			name: "a phase past Verification is kept",
			setup: func(t *testing.T) *model.Incident {
				inc := declare(t, model.P1, at(0))
				inc.Phase = model.PhaseRestoration
				return inc
			},
			now:   at(time.Hour),
			text:  "fix declared: stability clock started (30 min)",
			phase: model.PhaseRestoration, ack: at(time.Hour), mit: at(time.Hour),
		},
		{
			name: "declared again: the clock restarts and stable_30m is passed no more; the other checks stay",
			setup: func(t *testing.T) *model.Incident {
				inc := declare(t, model.P1, at(0))
				verify(t, inc, at(10*time.Minute)) // all four passed at 0:40
				return inc
			},
			now:   at(time.Hour),
			text:  "fix declared again: stability clock restarted (30 min)",
			phase: model.PhaseVerification, ack: at(10 * time.Minute), mit: at(10 * time.Minute),
			passedOut: []model.VerificationCheck{model.CheckConnectivity, model.CheckPerformance, model.CheckNoRecurrence},
		},
		{name: "resolved: refused", setup: resolved, now: at(2 * time.Hour), err: model.ErrConflict},
		{
			name: "closed: refused",
			setup: func(t *testing.T) *model.Incident {
				inc := resolved(t)
				must(t)(inc.Close(at(2*time.Hour), "bob", skipReview))
				return inc
			},
			now: at(3 * time.Hour), err: model.ErrConflict,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := tc.setup(t)
			before := *inc
			beforeFix := inc.Verification.FixedAt
			ev, err := inc.DeclareFix(tc.now, "qa")
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.Equal(t, before.Phase, inc.Phase, "a refused action changes nothing")
				assert.Equal(t, beforeFix, inc.Verification.FixedAt)
				return
			}
			require.NoError(t, err)
			fixed := model.Millis(tc.now)
			assert.Equal(t, model.EventFixDeclared, ev.Kind)
			assert.Equal(t, "qa", ev.Actor)
			assert.Equal(t, fixed, ev.At)
			assert.Equal(t, tc.text, ev.Text)
			assert.Equal(t, tc.phase, inc.Phase)
			assert.Equal(t, fixed, inc.Verification.FixedAt)
			assert.Equal(t, fixed.Add(30*time.Minute), inc.Verification.StableAt())
			assert.Equal(t, tc.ack, inc.AcknowledgedAt)
			assert.Equal(t, tc.mit, inc.MitigatedAt)
			var passed []model.VerificationCheck
			for _, c := range model.VerificationChecks {
				if _, ok := inc.Verification.Passed[c.ID]; ok {
					passed = append(passed, c.ID)
				}
			}
			assert.Equal(t, tc.passedOut, passed)
			assert.Equal(t, fixed, inc.UpdatedAt)
		})
	}
}

// TestDeclareFixRestartsTheClock: declared again, stable_30m counts from the
// new fix, not the first.
func TestDeclareFixRestartsTheClock(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	must(t)(inc.DeclareFix(at(time.Hour), "qa"))
	must(t)(inc.DeclareFix(at(time.Hour+20*time.Minute), "qa"))
	_, err := inc.PassCheck(at(90*time.Minute), "qa", model.CheckStable)
	require.ErrorIs(t, err, model.ErrConflict, "30 min after the first fix, 10 after the second")
	assert.Contains(t, err.Error(), "20m to go")
	must(t)(inc.PassCheck(at(time.Hour+50*time.Minute), "qa", model.CheckStable))
}

func TestPassCheck(t *testing.T) {
	const ms = time.Millisecond
	fixed := at(time.Hour)
	stable := fixed.Add(30 * time.Minute)
	open := func(t *testing.T) *model.Incident { return declare(t, model.P1, at(0)) }
	fixedAt := func(t *testing.T) *model.Incident {
		inc := open(t)
		must(t)(inc.DeclareFix(fixed, "qa"))
		return inc
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T) *model.Incident
		check   model.VerificationCheck
		now     time.Time
		err     error
		message []string // what the refusal says
	}{
		{"stable before the fix is declared", open, model.CheckStable, at(2 * time.Hour), model.ErrConflict,
			[]string{"declare the fix first"}},
		{"stable right after the fix", fixedAt, model.CheckStable, fixed, model.ErrConflict,
			[]string{"30m to go", "stable 30 minutes after the fix"}},
		{"stable 18 min after the fix", fixedAt, model.CheckStable, fixed.Add(18 * time.Minute), model.ErrConflict,
			[]string{"12m to go"}},
		{"stable 29m30s after the fix", fixedAt, model.CheckStable, fixed.Add(29*time.Minute + 30*time.Second), model.ErrConflict,
			[]string{"30s to go"}},
		{"stable one ms short of 30 min", fixedAt, model.CheckStable, stable.Add(-ms), model.ErrConflict, nil},
		{"stable at exactly 30 min", fixedAt, model.CheckStable, stable, nil, nil},
		{"stable long after", fixedAt, model.CheckStable, stable.Add(5 * time.Hour), nil, nil},
		{"connectivity before any fix", open, model.CheckConnectivity, at(time.Minute), nil, nil},
		{"performance right at the fix", fixedAt, model.CheckPerformance, fixed, nil, nil},
		{"no recurrence inside the window", fixedAt, model.CheckNoRecurrence, fixed.Add(time.Minute), nil, nil},
		{"unknown check", fixedAt, "smoke_test", stable, model.ErrInvalid, []string{`unknown check "smoke_test"`}},
		{"empty check", fixedAt, "", stable, model.ErrInvalid, nil},
		{"twice", func(t *testing.T) *model.Incident {
			inc := fixedAt(t)
			must(t)(inc.PassCheck(fixed.Add(time.Minute), "qa", model.CheckConnectivity))
			return inc
		}, model.CheckConnectivity, stable, model.ErrConflict, []string{`"Customer connectivity confirmed" already passed`}},
		{"stable twice", func(t *testing.T) *model.Incident {
			inc := fixedAt(t)
			must(t)(inc.PassCheck(stable, "qa", model.CheckStable))
			return inc
		}, model.CheckStable, stable.Add(time.Minute), model.ErrConflict, []string{"already passed"}},
		{"resolved", func(t *testing.T) *model.Incident {
			inc := fixedAt(t)
			must(t)(inc.Resolve(fixed.Add(time.Minute), "bob", "", skipVerification))
			return inc
		}, model.CheckConnectivity, stable, model.ErrConflict, []string{"resolved"}},
		{"closed", func(t *testing.T) *model.Incident {
			inc := fixedAt(t)
			must(t)(inc.Resolve(fixed.Add(time.Minute), "bob", "", skipVerification))
			must(t)(inc.Close(fixed.Add(2*time.Minute), "bob", skipReview))
			return inc
		}, model.CheckStable, stable, model.ErrConflict, []string{"closed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := tc.setup(t)
			passedBefore := len(inc.Verification.Passed)
			ev, err := inc.PassCheck(tc.now, "dana", tc.check)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				for _, m := range tc.message {
					assert.Contains(t, err.Error(), m)
				}
				assert.Len(t, inc.Verification.Passed, passedBefore, "a refused check changes nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, model.EventVerified, ev.Kind)
			assert.Equal(t, "dana", ev.Actor)
			assert.Equal(t, tc.now, ev.At)
			for _, c := range model.VerificationChecks {
				if c.ID == tc.check {
					assert.Equal(t, "verified: "+c.Text, ev.Text)
				}
			}
			assert.Equal(t, model.CheckMark{By: "dana", At: tc.now}, inc.Verification.Passed[tc.check])
			assert.NotContains(t, inc.Verification.Open(), tc.check)
			assert.Len(t, inc.Verification.Passed, passedBefore+1)
		})
	}
}

// TestResolveVerification: resolving needs every check passed or an
// override; the refusal lists the open checks in the seed's order, the
// override is recorded with them.
func TestResolveVerification(t *testing.T) {
	all := []model.VerificationCheck{model.CheckStable, model.CheckConnectivity, model.CheckPerformance, model.CheckNoRecurrence}
	tests := []struct {
		name     string
		passed   []model.VerificationCheck
		override string
		err      error
		text     string // the refusal's or the event's
	}{
		{
			name: "all passed: no override needed", passed: all,
			text: "resolved; phase Verification -> Post-Mortem",
		},
		{
			name: "all passed, an override given: nothing to record", passed: all, override: "just in case",
			text: "resolved; phase Verification -> Post-Mortem",
		},
		{
			name: "none passed: refused, all four listed", err: model.ErrInvalid,
			text: "4 verification check(s) open: Systems stable for 30 minutes, Customer connectivity confirmed, " +
				"Performance within SLA, No recurrence detected; resolve with an override reason",
		},
		{
			name: "two open: refused, those two listed in the seed's order", err: model.ErrInvalid,
			passed: []model.VerificationCheck{model.CheckStable, model.CheckPerformance},
			text:   "2 verification check(s) open: Customer connectivity confirmed, No recurrence detected;",
		},
		{
			name: "one open, a blank override: refused", err: model.ErrInvalid, override: " \t ",
			passed: []model.VerificationCheck{model.CheckStable, model.CheckConnectivity, model.CheckPerformance},
			text:   "1 verification check(s) open: No recurrence detected;",
		},
		{
			name:     "one open, overridden: recorded with the check",
			passed:   []model.VerificationCheck{model.CheckStable, model.CheckConnectivity, model.CheckPerformance},
			override: " watching it for a day ",
			text:     "resolved; phase Verification -> Post-Mortem (override: watching it for a day; 1 check(s) open: No recurrence detected)",
		},
		{
			name: "none passed, overridden", override: "drill",
			text: "resolved; phase Verification -> Post-Mortem (override: drill; 4 check(s) open: Systems stable for 30 minutes, " +
				"Customer connectivity confirmed, Performance within SLA, No recurrence detected)",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := declare(t, model.P1, at(0))
			must(t)(inc.DeclareFix(at(time.Hour), "qa"))
			for _, c := range tc.passed {
				must(t)(inc.PassCheck(at(90*time.Minute), "qa", c))
			}
			ev, err := inc.Resolve(at(2*time.Hour), "bob", "", tc.override)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.Contains(t, err.Error(), tc.text)
				assert.Equal(t, model.StatusOpen, inc.Status)
				assert.True(t, inc.ResolvedAt.IsZero())
				assert.Equal(t, model.PhaseVerification, inc.Phase)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, model.StatusResolved, inc.Status)
			assert.Equal(t, at(2*time.Hour), inc.ResolvedAt)
			assert.Equal(t, tc.text, ev.Text)
		})
	}
}

// TestReviewMilestonesFromSeed checks every cell of the seed's §6.1.1 PIR
// timeline: each step is due its window after the resolution. The windows
// are written out from the seed here, not taken from the helper policy.
func TestReviewMilestonesFromSeed(t *testing.T) {
	ids := []model.MilestoneID{model.MilestonePIRMeeting, model.MilestonePIRDocument, model.MilestoneActionItems, model.MilestoneReviewComplete}
	var got []model.MilestoneID
	for _, m := range model.ReviewMilestones {
		got = append(got, m.ID)
	}
	assert.Equal(t, ids, got, "the seed's order")

	table := map[model.Severity][4]time.Duration{
		model.P1: {24 * time.Hour, 48 * time.Hour, 72 * time.Hour, 7 * 24 * time.Hour},
		model.P2: {3 * 24 * time.Hour, 5 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour},
		model.P3: {5 * 24 * time.Hour, 7 * 24 * time.Hour, 10 * 24 * time.Hour, 21 * 24 * time.Hour},
		model.P4: {7 * 24 * time.Hour, 10 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour},
	}
	resolved := at(5 * time.Hour)
	for _, sev := range model.Severities {
		inc := declare(t, sev, at(0))
		for _, id := range ids {
			assert.Equal(t, model.StatePending, deadline(t, inc, id, at(time.Hour)).State, "%s %s before the resolution", sev, id)
		}
		must(t)(inc.Resolve(resolved, "bob", "", skipVerification))
		for i, id := range ids {
			d := deadline(t, inc, id, resolved)
			assert.Equal(t, resolved, d.Start, "%s %s", sev, id)
			assert.Equal(t, resolved.Add(table[sev][i]), d.DueAt, "%s %s", sev, id)
			assert.Equal(t, model.StateOK, d.State, "%s %s", sev, id)
		}
	}
}

func TestMarkReview(t *testing.T) {
	resolved := func(t *testing.T) *model.Incident {
		inc := declare(t, model.P1, at(0))
		must(t)(inc.Resolve(at(time.Hour), "bob", "", skipVerification))
		return inc
	}
	marked := func(steps ...model.MilestoneID) func(t *testing.T) *model.Incident {
		return func(t *testing.T) *model.Incident {
			inc := resolved(t)
			for _, s := range steps {
				must(t)(inc.MarkReview(at(2*time.Hour), "carol", s))
			}
			return inc
		}
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T) *model.Incident
		step    model.MilestoneID
		err     error
		message string
		text    string
	}{
		{"open: refused", func(t *testing.T) *model.Incident { return declare(t, model.P1, at(0)) },
			model.MilestonePIRMeeting, model.ErrConflict, "the review follows the resolution", ""},
		{"closed: refused", func(t *testing.T) *model.Incident {
			inc := resolved(t)
			must(t)(inc.Close(at(2*time.Hour), "bob", skipReview))
			return inc
		}, model.MilestonePIRMeeting, model.ErrConflict, "is closed", ""},
		{"unknown step", resolved, "retro", model.ErrInvalid, `unknown review step "retro"`, ""},
		{"a §3.3 milestone is no review step", resolved, model.MilestonePostMortem, model.ErrInvalid, "unknown review step", ""},
		{"meeting", resolved, model.MilestonePIRMeeting, nil, "", "review: PIR meeting held"},
		{"document before the meeting", resolved, model.MilestonePIRDocument, nil, "", "review: PIR document written"},
		{"action items", resolved, model.MilestoneActionItems, nil, "", "review: action items agreed"},
		{"meeting twice", marked(model.MilestonePIRMeeting), model.MilestonePIRMeeting, model.ErrConflict, "pir_meeting was already marked", ""},
		{"document twice", marked(model.MilestonePIRDocument), model.MilestonePIRDocument, model.ErrConflict, "already marked", ""},
		{"complete with nothing done", resolved, model.MilestoneReviewComplete, model.ErrConflict,
			"not yet: PIR meeting held, PIR document written, action items agreed", ""},
		{"complete with the meeting only", marked(model.MilestonePIRMeeting), model.MilestoneReviewComplete, model.ErrConflict,
			"not yet: PIR document written, action items agreed", ""},
		{"complete without the action items", marked(model.MilestonePIRMeeting, model.MilestonePIRDocument), model.MilestoneReviewComplete,
			model.ErrConflict, "not yet: action items agreed", ""},
		{"complete once the three are done, in any order",
			marked(model.MilestoneActionItems, model.MilestonePIRMeeting, model.MilestonePIRDocument), model.MilestoneReviewComplete,
			nil, "", "review: review complete"},
		{"complete twice", marked(model.MilestonePIRMeeting, model.MilestonePIRDocument, model.MilestoneActionItems, model.MilestoneReviewComplete),
			model.MilestoneReviewComplete, model.ErrConflict, "already marked", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := tc.setup(t)
			before := inc.Review
			now := at(3*time.Hour + 250*time.Microsecond)
			ev, err := inc.MarkReview(now, "carol", tc.step)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.Contains(t, err.Error(), tc.message)
				assert.Equal(t, before, inc.Review, "a refused step changes nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, model.EventReview, ev.Kind)
			assert.Equal(t, "carol", ev.Actor)
			assert.Equal(t, at(3*time.Hour), ev.At, "stored to the millisecond")
			assert.Equal(t, tc.text, ev.Text)
			d := deadline(t, inc, tc.step, now)
			assert.Equal(t, at(3*time.Hour), d.DoneAt)
			assert.Equal(t, model.StateMet, d.State)
		})
	}
}

// TestMarkReviewDeadlines: a step marked on its due time is met, a
// millisecond later missed; one not marked is breached from its due time.
func TestMarkReviewDeadlines(t *testing.T) {
	const ms = time.Millisecond
	inc := declare(t, model.P1, at(0))
	resolved := at(time.Hour)
	must(t)(inc.Resolve(resolved, "bob", "", skipVerification))

	meetingDue := resolved.Add(24 * time.Hour)
	assert.Equal(t, model.StateOK, deadline(t, inc, model.MilestonePIRMeeting, meetingDue.Add(-6*time.Hour-ms)).State)
	assert.Equal(t, model.StateWarning, deadline(t, inc, model.MilestonePIRMeeting, meetingDue.Add(-6*time.Hour)).State, "25% of 24h left")
	assert.Equal(t, model.StateBreached, deadline(t, inc, model.MilestonePIRMeeting, meetingDue).State)
	must(t)(inc.MarkReview(meetingDue, "carol", model.MilestonePIRMeeting))
	assert.Equal(t, model.StateMet, deadline(t, inc, model.MilestonePIRMeeting, meetingDue.Add(time.Hour)).State)

	docDue := resolved.Add(48 * time.Hour)
	must(t)(inc.MarkReview(docDue.Add(ms), "carol", model.MilestonePIRDocument))
	assert.Equal(t, model.StateMissed, deadline(t, inc, model.MilestonePIRDocument, docDue.Add(time.Hour)).State)
	assert.True(t, inc.Breached(docDue.Add(time.Hour)), "a missed review step is a breach")
}

func TestCloseReview(t *testing.T) {
	resolvedWith := func(steps ...model.MilestoneID) func(t *testing.T) *model.Incident {
		return func(t *testing.T) *model.Incident {
			inc := declare(t, model.P2, at(0))
			must(t)(inc.Resolve(at(time.Hour), "bob", "", skipVerification))
			for _, s := range steps {
				must(t)(inc.MarkReview(at(2*time.Hour), "carol", s))
			}
			return inc
		}
	}
	allSteps := []model.MilestoneID{model.MilestonePIRMeeting, model.MilestonePIRDocument, model.MilestoneActionItems, model.MilestoneReviewComplete}
	tests := []struct {
		name     string
		setup    func(t *testing.T) *model.Incident
		override string
		err      error
		text     string
	}{
		{"nothing reviewed, no override", resolvedWith(), "", model.ErrInvalid, "the post-incident review is not complete; close with an override reason"},
		{"nothing reviewed, a blank override", resolvedWith(), "\t ", model.ErrInvalid, "not complete"},
		{"three steps of four, no override", resolvedWith(allSteps[:3]...), "", model.ErrInvalid, "not complete"},
		{"nothing reviewed, overridden", resolvedWith(), " false alarm ", nil, "closed (override, review not complete: false alarm)"},
		{"three steps of four, overridden", resolvedWith(allSteps[:3]...), "merged into INC-0009", nil,
			"closed (override, review not complete: merged into INC-0009)"},
		{"review complete", resolvedWith(allSteps...), "", nil, "closed"},
		{"review complete, an override given: nothing to record", resolvedWith(allSteps...), "anyway", nil, "closed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := tc.setup(t)
			ev, err := inc.Close(at(3*time.Hour), "bob", tc.override)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.Contains(t, err.Error(), tc.text)
				assert.Equal(t, model.StatusResolved, inc.Status)
				assert.True(t, inc.ClosedAt.IsZero())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, model.StatusClosed, inc.Status)
			assert.Equal(t, at(3*time.Hour), inc.ClosedAt)
			assert.Equal(t, model.EventClosed, ev.Kind)
			assert.Equal(t, tc.text, ev.Text)
		})
	}
}

func TestReviewValidate(t *testing.T) {
	sections := map[string]string{}
	for _, s := range model.ReviewSections {
		sections[s.ID] = "text of " + s.Title
	}
	var factors []model.Factor
	for _, c := range model.FishboneCategories {
		factors = append(factors, model.Factor{Category: c, Text: string(c)})
	}
	tests := []struct {
		name    string
		review  model.Review
		message string // "" when valid
	}{
		{"empty", model.Review{}, ""},
		{"every section", model.Review{Sections: sections}, ""},
		{"an empty section", model.Review{Sections: map[string]string{model.SectionSummary: ""}}, ""},
		{"unknown section", model.Review{Sections: map[string]string{"timeline": "x"}}, `unknown review section "timeline"`},
		{"a section title is not its id", model.Review{Sections: map[string]string{"Summary": "x"}}, `unknown review section "Summary"`},
		{"full RCA", model.Review{RCA: model.RCA{
			Whys:      []string{"the registry died", "its disk filled", "logs were not rotated", "the rotation job was removed", "no review of cron changes"},
			RootCause: "no review of cron changes", Factors: factors, Category: model.CauseConfiguration, Prevention: "review cron changes",
		}}, ""},
		{"no category yet", model.Review{RCA: model.RCA{RootCause: "unknown so far"}}, ""},
		{"unknown cause category", model.Review{RCA: model.RCA{Category: "cosmic_rays"}}, `unknown cause category "cosmic_rays"`},
		{"a label is not a category", model.Review{RCA: model.RCA{Category: "Network issues"}}, "unknown cause category"},
		{"unknown fishbone category", model.Review{RCA: model.RCA{Factors: []model.Factor{{Category: model.FishPeople}, {Category: "money"}}}},
			`unknown fishbone category "money"`},
		{"a factor without a category", model.Review{RCA: model.RCA{Factors: []model.Factor{{Text: "x"}}}}, `unknown fishbone category ""`},
	}
	for _, c := range model.CauseCategories {
		tests = append(tests, struct {
			name    string
			review  model.Review
			message string
		}{"category " + string(c), model.Review{RCA: model.RCA{Category: c}}, ""})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.review.Validate()
			if tc.message == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, model.ErrInvalid)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestReviewSectionsFromSeed(t *testing.T) {
	// The free-text sections of the §6.1.2 template, in its order.
	var ids []string
	for _, s := range model.ReviewSections {
		ids = append(ids, s.ID)
	}
	assert.Equal(t, []string{"summary", "impact", "resolution_effectiveness", "communication", "lessons_learned", "process_improvements"}, ids)
	// §6.2.1's fishbone categories.
	assert.Equal(t, []model.FishboneCategory{"people", "process", "technology", "environment"}, model.FishboneCategories)
}

func TestActionItemValidate(t *testing.T) {
	valid := model.ActionItem{Seq: 1, Description: "Rotate the registry logs", Owner: "bob", DueAt: at(72 * time.Hour), Status: model.ActionOpen}
	with := func(f func(a *model.ActionItem)) model.ActionItem {
		a := valid
		f(&a)
		return a
	}
	tests := []struct {
		name    string
		item    model.ActionItem
		message string // "" when valid
	}{
		{"valid", valid, ""},
		{"in progress", with(func(a *model.ActionItem) { a.Status = model.ActionInProgress }), ""},
		{"done", with(func(a *model.ActionItem) { a.Status = model.ActionDone }), ""},
		{"won't do", with(func(a *model.ActionItem) { a.Status = model.ActionDropped }), ""},
		{"due in the past", with(func(a *model.ActionItem) { a.DueAt = at(-time.Hour) }), ""},
		{"no description", with(func(a *model.ActionItem) { a.Description = "" }), "needs a description"},
		{"a blank description", with(func(a *model.ActionItem) { a.Description = " \t\n" }), "needs a description"},
		{"no owner", with(func(a *model.ActionItem) { a.Owner = "" }), "needs an owner"},
		{"a blank owner", with(func(a *model.ActionItem) { a.Owner = "  " }), "needs an owner"},
		{"no due date", with(func(a *model.ActionItem) { a.DueAt = time.Time{} }), "needs a due date"},
		{"no status", with(func(a *model.ActionItem) { a.Status = "" }), `unknown action item status ""`},
		{"unknown status", with(func(a *model.ActionItem) { a.Status = "blocked" }), `unknown action item status "blocked"`},
		{"the description first", model.ActionItem{}, "needs a description"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.item.Validate()
			if tc.message == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, model.ErrInvalid)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestActionItemOverdue(t *testing.T) {
	const ms = time.Millisecond
	due := at(72 * time.Hour)
	tests := []struct {
		status model.ActionStatus
		now    time.Time
		want   bool
	}{
		{model.ActionOpen, due.Add(-ms), false},
		{model.ActionOpen, due, true},
		{model.ActionOpen, due.Add(ms), true},
		{model.ActionInProgress, due.Add(-ms), false},
		{model.ActionInProgress, due, true},
		{model.ActionDone, due, false},
		{model.ActionDone, due.Add(week), false},
		{model.ActionDropped, due, false},
		{model.ActionDropped, due.Add(week), false},
	}
	for _, tc := range tests {
		a := model.ActionItem{Description: "x", Owner: "bob", DueAt: due, Status: tc.status}
		assert.Equal(t, tc.want, a.Overdue(tc.now), "%s at due%+v", tc.status, tc.now.Sub(due))
	}
}

func TestCauseCategoryLabel(t *testing.T) {
	want := map[model.CauseCategory]string{
		// The seed's §6.3 top causes, in its words.
		model.CauseNetwork:       "Network issues",
		model.CauseConfiguration: "Configuration errors",
		model.CauseResource:      "Resource exhaustion",
		model.CauseSoftwareBug:   "Software bugs",
		model.CauseThirdParty:    "Third-party issues",
		// Ours.
		model.CauseHumanError: "Human error",
		model.CauseUnknown:    "Unknown",
		// Not a category.
		"":            "Unknown",
		"cosmic_rays": "Unknown",
	}
	for c, label := range want {
		assert.Equal(t, label, c.Label(), "%q", c)
	}
	assert.Len(t, model.CauseCategories, 7)
	assert.Equal(t, model.CauseNetwork, model.CauseCategories[0], "the seed's first")
	seen := map[string]bool{}
	for _, c := range model.CauseCategories {
		assert.False(t, seen[c.Label()], "labels are distinct: %s", c.Label())
		seen[c.Label()] = true
		assert.False(t, strings.TrimSpace(c.Label()) == "")
	}
}
