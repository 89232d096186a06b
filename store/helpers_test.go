package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// The fake clock: every test instant is an offset from t0.
var t0 = time.Date(2025, time.March, 14, 9, 0, 0, 0, time.UTC)

// at is t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// testPolicy is a severity's SLA policy, with the seed's §3.3 windows, a
// status-update cadence and the seed's §7.1 escalation matrix.
func testPolicy(s model.Severity) model.SeverityPolicy {
	w := map[model.Severity][5]time.Duration{
		model.P1: {time.Minute, 15 * time.Minute, 4 * time.Hour, 24 * time.Hour, 72 * time.Hour},
		model.P2: {5 * time.Minute, 30 * time.Minute, 8 * time.Hour, 48 * time.Hour, 120 * time.Hour},
		model.P3: {15 * time.Minute, 4 * time.Hour, 24 * time.Hour, 72 * time.Hour, 168 * time.Hour},
		model.P4: {30 * time.Minute, 8 * time.Hour, 72 * time.Hour, 168 * time.Hour, 336 * time.Hour},
	}[s]
	return model.SeverityPolicy{
		Severity: s,
		Name:     s.Label(),
		Milestones: []model.MilestoneTarget{
			{ID: model.MilestoneDetection, Name: "Detection", Short: "DET", From: model.FromStarted, Within: w[0]},
			{ID: model.MilestoneAcknowledge, Name: "Acknowledgment", Short: "ACK", From: model.FromDetected, Within: w[1]},
			{ID: model.MilestoneInitialResolution, Name: "Initial Resolution", Short: "MIT", From: model.FromDetected, Within: w[2]},
			{ID: model.MilestoneResolution, Name: "Resolution", Short: "RES", From: model.FromDetected, Within: w[3]},
			{ID: model.MilestonePostMortem, Name: "Post-Mortem", Short: "PM", From: model.FromResolved, Within: w[4]},
		},
		WarnRatio:  0.25,
		WarnAtMost: 30 * time.Minute,
		StatusUpdateEvery: map[model.Severity]time.Duration{
			model.P1: 30 * time.Minute, model.P2: time.Hour, model.P3: 4 * time.Hour, model.P4: 24 * time.Hour,
		}[s],
		Escalation: map[model.Severity]model.EscalationPolicy{
			model.P1: {Trigger: model.TriggerImmediate, Tiers: []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour}},
			model.P2: {Trigger: model.TriggerNoProgress, After: 2 * time.Hour, Tiers: []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour}},
			model.P3: {Trigger: model.TriggerNoResolution, After: 8 * time.Hour, Tiers: []time.Duration{4 * time.Hour, 8 * time.Hour, 24 * time.Hour}},
			model.P4: {Trigger: model.TriggerNoResolution, After: 24 * time.Hour, Tiers: []time.Duration{8 * time.Hour, 24 * time.Hour}},
		}[s],
	}
}

func step(id, group, text string) model.Step { return model.Step{ID: id, Group: group, Text: text} }

func phase(name string, from model.Anchor, start, end time.Duration, steps ...model.Step) model.PlaybookPhase {
	return model.PlaybookPhase{Name: name, From: from, Start: start, End: end, HasWindow: end > 0, Steps: steps}
}

// testCatalog is a small hand-made catalog. P1 and P3 share the text
// "Create incident ticket" (under different step ids), so a severity change
// between them exercises the "done already, not asked twice" rule.
func testCatalog() model.Catalog {
	pol := model.Policy{Severities: map[model.Severity]model.SeverityPolicy{}}
	for _, s := range model.Severities {
		pol.Severities[s] = testPolicy(s)
	}
	return model.Catalog{
		Policy: pol,
		Playbooks: map[model.Severity]model.Playbook{
			model.P1: {Severity: model.P1, Version: "1", Scenario: "Complete outage", Phases: []model.PlaybookPhase{
				phase("Immediate Actions", model.FromDetected, 0, 15*time.Minute,
					step("p1.imm.page", "Alert Stakeholders", "Page on-call engineer"),
					step("p1.imm.ticket", "Initial Response", "Create incident ticket"),
					step("p1.imm.warroom", "Alert Stakeholders", "Initiate war room")),
				phase("Resolution Phase", model.FromDetected, 15*time.Minute, 240*time.Minute,
					step("p1.res.fix", "", "Implement emergency fix")),
				phase("Verification", model.FromDetected, 0, 0,
					step("p1.ver.conn", "", "Customer connectivity test")),
			}},
			model.P2: {Severity: model.P2, Version: "1", Phases: []model.PlaybookPhase{
				phase("Immediate Actions", model.FromDetected, 0, 30*time.Minute,
					step("p2.imm.sms", "", "SMS engineering lead")),
			}},
			model.P3: {Severity: model.P3, Version: "1", Phases: []model.PlaybookPhase{
				phase("Standard Response", model.FromDetected, 0, 4*time.Hour,
					step("p3.std.ticket", "", "Create  incident ticket"),
					step("p3.std.assess", "", "Assess impact"),
					step("p3.std.notify", "", "Notify team channel")),
				phase("Post-Incident", model.FromResolved, 0, 168*time.Hour,
					step("p3.post.review", "", "Schedule review")),
			}},
			model.P4: {Severity: model.P4, Version: "1", Phases: []model.PlaybookPhase{
				phase("Routine", model.FromDetected, 0, 8*time.Hour,
					step("p4.routine.log", "", "Log the issue")),
			}},
		},
		Services: []model.Service{
			{ID: "registry", Name: "Registry Service", Tier: "All"},
			{ID: "transport", Name: "Transport Layer", Tier: "All"},
			{ID: "sessions", Name: "Session Manager", Tier: "Standard+"},
		},
	}
}

// openTest opens a new database in a test directory; it is closed when the
// test ends.
func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "warroom.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// declaration is a P3 declaration (business-important, 30% of customers)
// at t0.
func declaration(title string) model.Declaration {
	return model.Declaration{
		Title: title, Impact: model.ImpactImportant, CustomersPct: 30,
		Services: []string{"transport", "Registry Service"}, DetectedAt: t0,
		StartedAt: at(-5 * time.Minute), Actor: "alice",
	}
}

// declare declares an incident from d and stores it.
func declare(t testing.TB, s *Store, d model.Declaration) *model.Incident {
	t.Helper()
	inc, ev, err := model.Declare(d, testCatalog())
	require.NoError(t, err)
	stored, err := s.Declare(context.Background(), inc, ev)
	require.NoError(t, err)
	return stored
}

// header is inc without what the board does not load.
func header(inc *model.Incident) model.Incident {
	h := *inc
	h.Checklist, h.Timeline, h.Progress = nil, nil, model.Progress{}
	return h
}

// withoutIDs is items with their IDs zeroed, to compare with items not yet
// stored.
func withoutIDs(items []model.ChecklistItem) []model.ChecklistItem {
	out := make([]model.ChecklistItem, len(items))
	for i, it := range items {
		it.ID = 0
		out[i] = it
	}
	return out
}

// item finds the checklist item of a step.
func item(t testing.TB, inc *model.Incident, stepID string) model.ChecklistItem {
	t.Helper()
	for _, it := range inc.Checklist {
		if it.StepID == stepID {
			return it
		}
	}
	t.Fatalf("%s has no item %s", inc.Key(), stepID)
	return model.ChecklistItem{}
}

// assertBookkeeping checks that an incident's header agrees with its
// timeline as model's Incident.Record would have it: UpdatedAt is the
// newest event, LastProgressAt the newest progress event (model.IsProgress)
// and LastUpdateAt the newest status update.
func assertBookkeeping(t testing.TB, inc *model.Incident) {
	t.Helper()
	var want model.Incident
	for _, ev := range inc.Timeline {
		want.Record(ev)
	}
	assert.Equal(t, want.UpdatedAt, inc.UpdatedAt, "%s: updated_at", inc.Key())
	assert.Equal(t, want.LastProgressAt, inc.LastProgressAt, "%s: last_progress_at", inc.Key())
	assert.Equal(t, want.LastUpdateAt, inc.LastUpdateAt, "%s: last_update_at", inc.Key())
}

// last is the last event of the timeline.
func last(t testing.TB, inc *model.Incident) model.Event {
	t.Helper()
	require.NotEmpty(t, inc.Timeline)
	return inc.Timeline[len(inc.Timeline)-1]
}

// queryPlan is EXPLAIN QUERY PLAN of query, one line per step.
func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.db.Query("EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &notUsed, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	return strings.Join(plan, "\n")
}
