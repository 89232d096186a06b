package model_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// registryFailure is the seed's §8.2.1 scenario as a test writes it by
// hand: targets detection 1m, acknowledgment 5m, resolution 30m; injects at
// T+0, T+2m, T+5m, T+10m.
func registryFailure() model.Scenario {
	return model.Scenario{
		Name: "registry-failure", Title: "Complete Registry Failure", Severity: model.P1,
		Services: []string{"registry"}, Impact: model.ImpactCritical, CustomersPct: 100,
		Situation:  []string{"All registry nodes are down", "No message routing possible"},
		Objectives: []string{"Assess incident handling", "Measure response time"},
		Targets:    model.DrillTargets{Detection: time.Minute, Acknowledge: 5 * time.Minute, Resolution: 30 * time.Minute},
		Injects: []model.Inject{
			{At: 0, Text: "Registry health checks failing"},
			{At: 2 * time.Minute, Text: "WebSocket connections dropping"},
			{At: 5 * time.Minute, Text: "Customer sessions dropping"},
			{At: 10 * time.Minute, Text: "Support queue flooded"},
		},
		MeasuredObjective: "Measure response time",
	}
}

// drillAt is a drill of registryFailure started at t0.
func drillAt() model.Drill {
	return model.Drill{ID: 3, Scenario: registryFailure(), StartedAt: t0, StartedBy: "facilitator"}
}

func injectTexts(ins []model.Inject) []string {
	out := []string{}
	for _, in := range ins {
		out = append(out, in.Text)
	}
	return out
}

// TestDrillRevealed: an inject is revealed exactly at T0 plus its offset,
// not a millisecond before, and none after the drill ended.
func TestDrillRevealed(t *testing.T) {
	running := drillAt()
	running.Incident = 9
	calledOff := running
	calledOff.EndedAt = at(3 * time.Minute)
	over := running
	over.IncidentResolvedAt = at(6 * time.Minute)
	tests := []struct {
		name string
		d    model.Drill
		now  time.Time
		want int
	}{
		{"before T0", drillAt(), at(-time.Second), 0},
		{"at T0: the T+0 inject", drillAt(), at(0), 1},
		{"a millisecond before T+2m", drillAt(), at(2*time.Minute - time.Millisecond), 1},
		{"exactly T+2m", drillAt(), at(2 * time.Minute), 2},
		{"exactly T+10m: all", drillAt(), at(10 * time.Minute), 4},
		{"long after", drillAt(), at(24 * time.Hour), 4},
		{"called off at T+3m: none after", calledOff, at(time.Hour), 2},
		{"resolved at T+6m: none after", over, at(time.Hour), 3},
		{"resolved at T+6m, asked at T+4m", over, at(4 * time.Minute), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.d.Revealed(tc.now)
			assert.Equal(t, injectTexts(registryFailure().Injects[:tc.want]), injectTexts(got))
		})
	}
}

// TestDrillDue: the injects revealed but not written to the timeline.
func TestDrillDue(t *testing.T) {
	d := drillAt()
	assert.Equal(t, []string{"Registry health checks failing", "WebSocket connections dropping"},
		injectTexts(d.Due(at(2*time.Minute))), "armed: every revealed inject is due at the declaration")
	d.Incident, d.InjectsDelivered = 9, 2
	assert.Empty(t, d.Due(at(4*time.Minute)), "the two revealed are delivered")
	assert.Equal(t, []string{"Customer sessions dropping"}, injectTexts(d.Due(at(5*time.Minute))))
	assert.Equal(t, []string{"Customer sessions dropping", "Support queue flooded"}, injectTexts(d.Due(at(time.Hour))))
	d.InjectsDelivered = 4
	assert.Empty(t, d.Due(at(time.Hour)))
}

func TestDrillNextInject(t *testing.T) {
	d := drillAt()
	_, ok := d.NextInjectAt()
	assert.False(t, ok, "armed: nothing is delivered before the declaration")
	next, ok := d.NextRevealAt(at(30 * time.Second))
	require.True(t, ok)
	assert.Equal(t, at(2*time.Minute), next, "the next revealed after now")
	next, ok = d.NextRevealAt(at(2 * time.Minute))
	require.True(t, ok)
	assert.Equal(t, at(5*time.Minute), next, "one revealed exactly now is not next")

	d.Incident, d.InjectsDelivered = 9, 2
	next, ok = d.NextInjectAt()
	require.True(t, ok)
	assert.Equal(t, at(5*time.Minute), next)

	d.InjectsDelivered = 4
	_, ok = d.NextInjectAt()
	assert.False(t, ok, "all delivered")
	_, ok = d.NextRevealAt(at(11 * time.Minute))
	assert.False(t, ok, "all revealed")

	d.InjectsDelivered = 1
	d.EndedAt = at(time.Minute)
	_, ok = d.NextInjectAt()
	assert.False(t, ok, "called off")
	_, ok = d.NextRevealAt(at(time.Minute))
	assert.False(t, ok, "called off")
}

func TestDrillState(t *testing.T) {
	tests := []struct {
		name                         string
		incident                     int64
		ended, resolved              time.Time
		want                         model.DrillState
		armed, running, over, called bool
	}{
		{"armed", 0, time.Time{}, time.Time{}, model.DrillArmed, true, false, false, false},
		{"armed, called off", 0, at(time.Minute), time.Time{}, model.DrillCalledOff, false, false, false, true},
		{"running", 9, time.Time{}, time.Time{}, model.DrillRunning, false, true, false, false},
		{"running, called off", 9, at(time.Minute), time.Time{}, model.DrillCalledOff, false, false, false, true},
		{"resolved", 9, time.Time{}, at(20 * time.Minute), model.DrillOver, false, false, true, false},
		{"called off, then its incident resolved", 9, at(time.Minute), at(20 * time.Minute), model.DrillCalledOff, false, false, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := drillAt()
			d.Incident, d.EndedAt, d.IncidentResolvedAt = tc.incident, tc.ended, tc.resolved
			assert.Equal(t, tc.want, d.State())
			assert.Equal(t, []bool{tc.armed, tc.running, tc.over, tc.called},
				[]bool{d.Armed(), d.Running(), d.Over(), d.CalledOff()}, "armed, running, over, called off")
		})
	}
}

// drillIncident is the drill's incident declared at T0+det (StartedAt T0),
// acknowledged at T0+ack and resolved at T0+res, each left out when 0.
func drillIncident(t *testing.T, sev model.Severity, det, ack, res time.Duration) *model.Incident {
	t.Helper()
	inc := declare(t, sev, at(det))
	inc.StartedAt, inc.DrillID = t0, 3
	if ack != 0 {
		_, err := inc.Acknowledge(at(ack), "bob")
		require.NoError(t, err)
	}
	if res != 0 {
		_, err := inc.Resolve(at(res), "bob", "", skipVerification)
		require.NoError(t, err)
	}
	return inc
}

// TestDrillDeclaration: the scenario proposes the declaration; the
// assessment then proposes its severity.
func TestDrillDeclaration(t *testing.T) {
	d := drillAt()
	decl := d.Declaration(at(45*time.Second), "alice")
	assert.Equal(t, model.Declaration{
		Title: "DRILL: Complete Registry Failure", Impact: model.ImpactCritical, CustomersPct: 100,
		Services: []string{"registry"}, DetectedAt: at(45 * time.Second), StartedAt: t0, Actor: "alice",
	}, decl)
	decl.Services[0] = "changed"
	assert.Equal(t, "registry", d.Scenario.Services[0], "the declaration's services are its own")
	inc, _, err := model.Declare(d.Declaration(at(45*time.Second), "alice"), testCatalog())
	require.NoError(t, err)
	assert.Equal(t, model.P1, inc.Severity)
	assert.Equal(t, t0, inc.StartedAt)
}

// row is a score row as the tests write it: whether reached, the time
// measured, met, missed.
type row struct {
	reached  bool
	measured time.Duration
	met      bool
	missed   bool
}

// TestScoreDrill: the targets are "< 1 min", "< 5 min", "< 30 min":
// strictly below is met; an instant not reached is pending until its
// target passes, then missed.
func TestScoreDrill(t *testing.T) {
	const m = time.Minute
	tests := []struct {
		name          string
		det, ack, res time.Duration // 0: not happened; det 0 means armed
		now           time.Duration
		want          [3]row // detection, acknowledgment, resolution
		complete      bool
	}{
		{name: "armed, 59s in: detection pending", now: 59 * time.Second,
			want: [3]row{{}, {}, {}}},
		{name: "armed, 60s in: detection missed already", now: m,
			want: [3]row{{missed: true}, {}, {}}},
		{name: "declared at 59s: met", det: 59 * time.Second, now: m,
			want: [3]row{{reached: true, measured: 59 * time.Second, met: true}, {}, {}}},
		{name: "declared at 60s: missed (not below 1 min)", det: m, now: m,
			want: [3]row{{reached: true, measured: m, missed: true}, {}, {}}},
		{name: "ack 4m59s after the declaration: met", det: 30 * time.Second, ack: 30*time.Second + 4*m + 59*time.Second, now: 6 * m,
			want: [3]row{{true, 30 * time.Second, true, false}, {true, 4*m + 59*time.Second, true, false}, {}}},
		{name: "ack exactly 5 min after: missed", det: 30 * time.Second, ack: 30*time.Second + 5*m, now: 6 * m,
			want: [3]row{{true, 30 * time.Second, true, false}, {true, 5 * m, false, true}, {}}},
		{name: "not acked 5 min after the declaration: missed already", det: 30 * time.Second, now: 30*time.Second + 5*m,
			want: [3]row{{true, 30 * time.Second, true, false}, {missed: true}, {}}},
		{name: "not acked 4m59s after: pending", det: 30 * time.Second, now: 30*time.Second + 4*m + 59*time.Second,
			want: [3]row{{true, 30 * time.Second, true, false}, {}, {}}},
		{name: "resolved 29m after the declaration: all met", det: 40 * time.Second, ack: 3 * m, res: 40*time.Second + 29*m, now: time.Hour,
			want:     [3]row{{true, 40 * time.Second, true, false}, {true, 3*m - 40*time.Second, true, false}, {true, 29 * m, true, false}},
			complete: true},
		{name: "resolved 30m after: resolution missed", det: 40 * time.Second, ack: 3 * m, res: 40*time.Second + 30*m, now: time.Hour,
			want:     [3]row{{true, 40 * time.Second, true, false}, {true, 3*m - 40*time.Second, true, false}, {true, 30 * m, false, true}},
			complete: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var inc *model.Incident
			if tc.det != 0 {
				inc = drillIncident(t, model.P1, tc.det, tc.ack, tc.res)
			}
			s := model.ScoreDrill(drillAt(), inc, at(tc.now))
			require.Len(t, s.Rows, 3)
			met, missed := 0, 0
			for i, name := range []string{model.ScoreDetection, model.ScoreAcknowledge, model.ScoreResolution} {
				r := s.Rows[i]
				assert.Equal(t, name, r.Name)
				got := row{r.Reached, r.Measured, r.Met, r.Missed}
				assert.Equal(t, tc.want[i], got, name)
				if tc.want[i].met {
					met++
				}
				if tc.want[i].missed {
					missed++
				}
			}
			assert.Equal(t, []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute},
				[]time.Duration{s.Rows[0].Target, s.Rows[1].Target, s.Rows[2].Target})
			assert.Equal(t, met, s.Met)
			assert.Equal(t, missed, s.Missed)
			assert.Equal(t, tc.complete, s.Complete)
		})
	}
}

// TestScoreDrillDueAt: each row's target passes at its start plus the
// target; the acknowledgment and resolution clocks start at the
// declaration, not at T0.
func TestScoreDrillDueAt(t *testing.T) {
	s := model.ScoreDrill(drillAt(), nil, at(0))
	assert.Equal(t, at(time.Minute), s.Rows[0].DueAt)
	assert.True(t, s.Rows[1].DueAt.IsZero(), "no acknowledgment clock before the declaration")
	assert.True(t, s.Rows[2].DueAt.IsZero())

	s = model.ScoreDrill(drillAt(), drillIncident(t, model.P1, 45*time.Second, 0, 0), at(time.Minute))
	assert.Equal(t, at(45*time.Second+5*time.Minute), s.Rows[1].DueAt)
	assert.Equal(t, at(45*time.Second+30*time.Minute), s.Rows[2].DueAt)
}

// TestScoreDrillCalledOff: once called off the clock stands at the
// call-off: a target that had not passed then is never missed, and a row
// not reached is not pending either: it never will be reached.
func TestScoreDrillCalledOff(t *testing.T) {
	d := drillAt()
	d.Incident, d.EndedAt = 9, at(10*time.Minute)
	inc := drillIncident(t, model.P1, 30*time.Second, 0, 0)
	s := model.ScoreDrill(d, inc, at(5*time.Hour))
	assert.Equal(t, "met", s.Rows[0].Result())
	assert.False(t, s.Rows[0].CalledOff, "reached before the call-off")
	assert.Equal(t, "missed", s.Rows[1].Result(), "5 min passed before the call-off")
	assert.True(t, s.Rows[1].CalledOff)
	assert.Equal(t, "not reached (called off)", s.Rows[1].MeasuredText())
	r := s.Rows[2]
	assert.Equal(t, "called off", r.Result(), "30 min had not passed at the call-off")
	assert.Equal(t, "not reached (called off)", r.MeasuredText())
	assert.True(t, r.CalledOff)
	assert.False(t, r.Reached || r.Met || r.Missed, "neither reached, met nor missed")
	assert.False(t, s.Complete)
	assert.Equal(t, "1/3 met, 1 missed, 1 not reached (called off)", s.Summary())
	assert.Equal(t, []model.ScoreLine{
		{Name: model.ScoreDetection, Target: "< 1m", Measured: "30s", Result: "met"},
		{Name: model.ScoreAcknowledge, Target: "< 5m", Measured: "not reached (called off)", Result: "missed"},
		{Name: model.ScoreResolution, Target: "< 30m", Measured: "not reached (called off)", Result: "called off"},
	}, model.ScoreLines(s), "the after-action review's table")

	// Before the call-off, the same drill was running: pending.
	s = model.ScoreDrill(d, inc, at(9*time.Minute))
	assert.Equal(t, "pending", s.Rows[2].Result())
	assert.False(t, s.Rows[2].CalledOff)
	assert.Equal(t, "not reached", s.Rows[2].MeasuredText())

	// Armed and called off: the detection, not missed by then, was never
	// reached; the other clocks never started.
	armed := drillAt()
	armed.EndedAt = at(30 * time.Second)
	s = model.ScoreDrill(armed, nil, at(time.Hour))
	for _, r := range s.Rows {
		assert.True(t, r.CalledOff, r.Name)
		assert.Equal(t, "called off", r.Result(), r.Name)
	}
	assert.Equal(t, "0/3 met, 3 not reached (called off)", s.Summary())

	// Resolved first, then called off: the drill is over, nothing is
	// called off.
	over := drillAt()
	over.Incident, over.IncidentResolvedAt, over.EndedAt = 9, at(20*time.Minute), at(25*time.Minute)
	s = model.ScoreDrill(over, drillIncident(t, model.P1, 30*time.Second, time.Minute, 20*time.Minute), at(time.Hour))
	for _, r := range s.Rows {
		assert.False(t, r.CalledOff, r.Name)
	}
}

func TestScoreDrillTargets(t *testing.T) {
	d := drillAt()
	d.Scenario.Targets.Acknowledge = 0
	s := model.ScoreDrill(d, nil, at(0))
	require.Len(t, s.Rows, 2, "a zero target is not scored")
	assert.Equal(t, []string{model.ScoreDetection, model.ScoreResolution}, []string{s.Rows[0].Name, s.Rows[1].Name})

	d.Scenario.Targets = model.DrillTargets{}
	s = model.ScoreDrill(d, nil, at(time.Hour))
	assert.Empty(t, s.Rows)
	assert.True(t, s.Complete)
	assert.Equal(t, "no targets", s.Summary())
}

func TestScoreDrillSeverity(t *testing.T) {
	s := model.ScoreDrill(drillAt(), nil, at(0))
	assert.Equal(t, model.P1, s.Expected)
	assert.Equal(t, model.Severity(0), s.Declared)
	assert.False(t, s.SeverityMismatch(), "nothing declared yet")

	s = model.ScoreDrill(drillAt(), drillIncident(t, model.P2, 30*time.Second, 0, 0), at(time.Minute))
	assert.Equal(t, model.P2, s.Declared)
	assert.True(t, s.SeverityMismatch())

	s = model.ScoreDrill(drillAt(), drillIncident(t, model.P1, 30*time.Second, 0, 0), at(time.Minute))
	assert.False(t, s.SeverityMismatch())
}

func TestScoreSummaryAndText(t *testing.T) {
	inc := drillIncident(t, model.P1, 45*time.Second, 45*time.Second+6*time.Minute+10*time.Second, 0)
	s := model.ScoreDrill(drillAt(), inc, at(10*time.Minute))
	assert.Equal(t, "1/3 met, 1 missed, 1 pending", s.Summary())
	assert.Equal(t, []model.ScoreLine{
		{Name: model.ScoreDetection, Target: "< 1m", Measured: "45s", Result: "met"},
		{Name: model.ScoreAcknowledge, Target: "< 5m", Measured: "6m 10s", Result: "missed"},
		{Name: model.ScoreResolution, Target: "< 30m", Measured: "not reached", Result: "pending"},
	}, model.ScoreLines(s))

	long := model.ScoreRow{Reached: true, Measured: time.Hour + 2*time.Minute + 3*time.Second + 900*time.Millisecond}
	assert.Equal(t, "1h 2m 3s", long.MeasuredText(), "to the second, truncated")
	assert.Equal(t, "2h", model.PreciseDuration(2*time.Hour))
	assert.Equal(t, "2h 0m 1s", model.PreciseDuration(2*time.Hour+time.Second))
	assert.Equal(t, "0s", model.PreciseDuration(999*time.Millisecond))

	assert.Equal(t, "detection < 1m, acknowledgment < 5m, resolution < 30m", registryFailure().Targets.String())
	assert.Equal(t, "resolution < 2h", model.DrillTargets{Resolution: 2 * time.Hour}.String())
	assert.Equal(t, "none", model.DrillTargets{}.String())
}

func TestScenarioValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(sc *model.Scenario)
		want   string // "" for valid
	}{
		{"valid", func(*model.Scenario) {}, ""},
		{"no name", func(sc *model.Scenario) { sc.Name = " " }, "no name"},
		{"no title", func(sc *model.Scenario) { sc.Title = "" }, "no title"},
		{"bad severity", func(sc *model.Scenario) { sc.Severity = 7 }, "not P1-P4"},
		{"negative target", func(sc *model.Scenario) { sc.Targets.Resolution = -time.Second }, "negative target"},
		{"negative inject", func(sc *model.Scenario) { sc.Injects[0].At = -time.Second }, "negative offset"},
		{"out of order", func(sc *model.Scenario) { sc.Injects[2].At = time.Minute }, "inject 3 (1m0s) comes before inject 2 (2m0s)"},
		{"same time is fine", func(sc *model.Scenario) { sc.Injects[2].At = 2 * time.Minute }, ""},
		{"empty text", func(sc *model.Scenario) { sc.Injects[1].Text = "  " }, "inject 2 has no text"},
		{"no injects is fine", func(sc *model.Scenario) { sc.Injects = nil }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := registryFailure()
			tc.change(&sc)
			err := sc.Validate()
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, model.ErrInvalid))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestInjectsAreNotProgress: an inject or a call-off on the timeline moves
// no clock: it is not progress, and not a status update.
func TestInjectsAreNotProgress(t *testing.T) {
	assert.False(t, model.IsProgress(model.EventInject))
	assert.False(t, model.IsProgress(model.EventDrillEnded))
	inc := declare(t, model.P2, at(0))
	before := *inc
	inc.Record(model.Event{At: at(time.Hour), Actor: model.DrillActor, Kind: model.EventInject, Text: "x"})
	assert.Equal(t, before.LastProgressAt, inc.LastProgressAt)
	assert.Equal(t, before.LastUpdateAt, inc.LastUpdateAt)
	assert.Equal(t, at(time.Hour), inc.UpdatedAt)
	assert.Equal(t, "DRILL inject: WebSocket connections dropping", model.InjectText(model.Inject{Text: "WebSocket connections dropping"}))
}

// TestWithDrill: the after-action review's data from a drill resolved in
// time but acknowledged late.
func TestWithDrill(t *testing.T) {
	inc := drillIncident(t, model.P1, 45*time.Second, 45*time.Second+6*time.Minute+10*time.Second, 20*time.Minute)
	_, err := inc.AssignRole(at(time.Minute), "alice", model.RoleCommander, "alice")
	require.NoError(t, err)
	inc.Roles[model.RoleTechLead] = "bob"
	inc.Timeline = []model.Event{
		{At: at(0), Actor: model.DrillActor, Kind: model.EventInject, Text: "DRILL inject: x"},
		{At: at(45 * time.Second), Actor: "alice", Kind: model.EventDeclared},
		{At: at(2 * time.Minute), Actor: "dave", Kind: model.EventNote, Text: "looking"},
		{At: at(3 * time.Minute), Actor: "bob", Kind: model.EventNote, Text: "found it"},
	}
	d := drillAt()
	d.Incident, d.IncidentResolvedAt = 1, inc.ResolvedAt
	cet := time.FixedZone("CET", 3600)
	now := at(time.Hour)
	data := model.NewTemplateData(inc, testCatalog(), now, cet)
	assert.True(t, data.IsDrill, "the incident's DrillID marks it")
	assert.Nil(t, data.Drill)
	assert.Equal(t, []string{"alice (Incident Commander)", "bob (Technical Lead)", "dave"}, data.Participants,
		"role holders first, then the timeline's people; the drill's own actor is nobody")

	data = data.WithDrill(d, model.ScoreDrill(d, inc, now), now, cet)
	dd := data.Drill
	require.NotNil(t, dd)
	assert.Equal(t, "Complete Registry Failure", dd.Title)
	assert.Equal(t, "2025-03-14", dd.Date)
	assert.Equal(t, "2025-03-14 10:00 CET (+01:00)", dd.StartedAt)
	assert.Equal(t, "over", dd.State)
	assert.Equal(t, "", dd.SeverityNote)
	assert.Equal(t, "2/3 met, 1 missed", dd.ScoreSummary)
	// the clocks, then how the playbook was worked: alice commands, none
	// of the 6 steps ticked, no status update
	assert.Equal(t, []string{"Time to detection: 45s, within the 1m target", "Time to resolution: 19m 15s, within the 30m target",
		"Incident Commander assigned: alice"}, dd.Strengths)
	assert.Equal(t, []string{"Time to acknowledgment: 6m 10s, over the 5m target",
		"Only 0 of 6 playbook steps ticked", "No status update was recorded"}, dd.Improvements)
	assert.Equal(t, []model.ObjectiveReview{
		{Text: "Assess incident handling"},
		{Text: "Measure response time", Achieved: true, Note: "all 3 target times measured, 2 met"},
	}, dd.Objectives)
	require.Len(t, dd.Injects, 4, "resolved after the last inject")
	assert.Equal(t, model.InjectEntry{Offset: "T+2m", At: "2025-03-14 10:02 CET (+01:00)", Text: "WebSocket connections dropping"}, dd.Injects[1])
}

// TestWithDrillUnfinished: before the resolution, "Measure response time"
// is the facilitator's to judge, and a target that passed unreached is an
// area for improvement.
func TestWithDrillUnfinished(t *testing.T) {
	inc := drillIncident(t, model.P2, 2*time.Minute, 0, 0)
	d := drillAt()
	d.Incident = 1
	now := at(10 * time.Minute)
	data := model.NewTemplateData(inc, testCatalog(), now, time.UTC).WithDrill(d, model.ScoreDrill(d, inc, now), now, time.UTC)
	dd := data.Drill
	assert.Equal(t, "declared P2; the scenario expects P1", dd.SeverityNote)
	assert.Empty(t, dd.Strengths)
	assert.Equal(t, []string{
		"Time to detection: 2m, over the 1m target",
		"Time to acknowledgment: not reached; the 5m target passed at 2025-03-14 09:07 UTC (+00:00)",
		"No Incident Commander was assigned", "Only 0 of 3 playbook steps ticked", "No status update was recorded",
	}, dd.Improvements)
	assert.False(t, dd.Objectives[1].Achieved)
	assert.Len(t, dd.Injects, 4, "the T+10m inject is revealed at T+10m exactly")
}

func TestWithActionItems(t *testing.T) {
	items := []model.ActionItem{
		{Seq: 2, Description: "Page on quorum loss", Owner: "erin", DueAt: at(24 * time.Hour), Status: model.ActionOpen},
		{Seq: 1, Description: "Runbook\x1b[2J for failover", Owner: "dave", DueAt: at(-time.Hour), Status: model.ActionInProgress},
	}
	d := model.TemplateData{}.WithActionItems(items, at(0), time.UTC)
	assert.Equal(t, []model.ActionItemEntry{
		{ID: 1, Action: "Runbook for failover", Owner: "dave", Due: "2025-03-14", Status: "in_progress (overdue)"},
		{ID: 2, Action: "Page on quorum loss", Owner: "erin", Due: "2025-03-15", Status: "open"},
	}, d.ActionItems)
}

// TestDrillDoc: the JSON of a drill, times in seconds, nulls for what has
// not happened.
func TestDrillDoc(t *testing.T) {
	d := drillAt()
	raw, err := json.Marshal(d.Doc(nil, at(90*time.Second)))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Equal(t, map[string]any{
		"id": 3.0, "scenario": "registry-failure", "title": "Complete Registry Failure", "expected_severity": "P1",
		"state": "armed", "started_at": "2025-03-14T09:00:00.000Z", "started_by": "facilitator", "incident": nil,
		"injects": 4.0, "injects_revealed": 1.0, "injects_delivered": 0.0,
		"next_inject_at": "2025-03-14T09:02:00.000Z", "ended_at": nil, "end_reason": "",
		"score": map[string]any{
			"met": 0.0, "missed": 1.0, "total": 3.0, "complete": false, "summary": "0/3 met, 1 missed, 2 pending",
			"declared_severity": nil,
			"rows": []any{
				map[string]any{"name": "Time to detection", "target_seconds": 60.0, "measured_seconds": nil,
					"due_at": "2025-03-14T09:01:00.000Z", "result": "missed"},
				map[string]any{"name": "Time to acknowledgment", "target_seconds": 300.0, "measured_seconds": nil,
					"due_at": nil, "result": "pending"},
				map[string]any{"name": "Time to resolution", "target_seconds": 1800.0, "measured_seconds": nil,
					"due_at": nil, "result": "pending"},
			},
		},
		"revealed": []any{
			map[string]any{"offset_seconds": 0.0, "at": "2025-03-14T09:00:00.000Z", "text": "Registry health checks failing"},
		},
	}, doc)

	d.Incident, d.InjectsDelivered = 1, 2
	inc := drillIncident(t, model.P1, 45500*time.Millisecond, 0, 0)
	dd := d.Doc(inc, at(3*time.Minute))
	require.NotNil(t, dd.Incident)
	assert.Equal(t, "INC-0001", *dd.Incident)
	assert.Equal(t, model.DrillRunning, dd.State)
	require.NotNil(t, dd.Score.Rows[0].MeasuredSeconds)
	assert.Equal(t, 45.5, *dd.Score.Rows[0].MeasuredSeconds)
	assert.Equal(t, "P1", *dd.Score.DeclaredSeverity)
}

// TestDrillExport: a drill's incident is marked DRILL in the report's
// title, and its score closes the report; the JSON has the drill.
func TestDrillExport(t *testing.T) {
	inc := drillIncident(t, model.P1, 45*time.Second, 3*time.Minute, 0)
	d := drillAt()
	d.Incident = 1
	now := at(10 * time.Minute)
	md := model.DrillMarkdown(d, inc, model.Review{}, nil, testCatalog(), now, time.UTC)
	lines := strings.Split(md, "\n")
	assert.Equal(t, "# Post-Incident Review Report - DRILL", lines[0])
	assert.Equal(t, "**DRILL - EXERCISE ONLY - NOT A REAL INCIDENT**", lines[2])
	_, score, ok := strings.Cut(md, "\n## Drill Score\n")
	require.True(t, ok, md)
	assert.Equal(t, `
**Scenario**: Complete Registry Failure (registry-failure, expected P1)\
**Drill**: 3, started (T0) 2025-03-14 09:00 UTC (+00:00) by facilitator\
**State**: running\
**Severity**: declared P1

| Target | Goal | Measured | Result |
|--------|------|----------|--------|
| Time to detection | \< 1m | 45s | met |
| Time to acknowledgment | \< 5m | 2m 15s | met |
| Time to resolution | \< 30m | not reached | pending |

**Score**: 2/3 met, 1 pending
`, score)

	inc.Timeline = append(inc.Timeline,
		model.Event{At: at(2 * time.Minute), Actor: model.DrillActor, Kind: model.EventInject, Text: "DRILL inject: WebSocket *connections* dropping"},
		model.Event{At: at(9 * time.Minute), Actor: "bob", Kind: model.EventDrillEnded, Text: "DRILL called off: real incident"})
	md = model.DrillMarkdown(d, inc, model.Review{}, nil, testCatalog(), now, time.UTC)
	assert.Contains(t, md, "\n- 2025-03-14 09:02 UTC (+00:00): DRILL inject: WebSocket \\*connections\\* dropping\n", "injects are on the report's timeline, escaped")
	assert.Contains(t, md, "\n- 2025-03-14 09:09 UTC (+00:00): DRILL called off: real incident\n")

	plain := model.Markdown(inc, model.Review{}, nil, testCatalog(), now, time.UTC)
	assert.True(t, strings.HasPrefix(plain, "# Post-Incident Review Report - DRILL\n"))
	assert.Contains(t, plain, "## Drill Score\n\nThis incident is the exercise of drill 3; `warroom drill show 3` has its score.\n")

	real := declare(t, model.P1, at(0))
	md = model.Markdown(real, model.Review{}, nil, testCatalog(), now, time.UTC)
	assert.NotContains(t, md, "DRILL")
	assert.NotContains(t, md, "Drill Score")

	raw, err := json.Marshal(inc.DrillExport(d, model.Review{}, nil, now))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	drill := doc["drill"].(map[string]any)
	assert.Equal(t, "registry-failure", drill["scenario"])
	assert.Equal(t, "2025-03-14T09:00:00.000Z", drill["started_at"])
	assert.Equal(t, "2/3 met, 1 pending", drill["score"].(map[string]any)["summary"])

	raw, err = json.Marshal(real.Export(model.Review{}, nil, now))
	require.NoError(t, err)
	doc = map[string]any{}
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Contains(t, doc, "drill")
	assert.Nil(t, doc["drill"], "a real incident's drill is null")
}
