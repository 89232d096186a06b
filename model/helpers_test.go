package model_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// The fake clock: every test instant is an offset from t0.
var t0 = time.Date(2025, time.March, 14, 9, 0, 0, 0, time.UTC)

// at is t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// seedWindows is the seed's §3.3 table, severity by severity: detection (from
// started), acknowledgment, initial resolution, resolution (from detected),
// post-mortem (from resolution).
var seedWindows = map[model.Severity][5]time.Duration{
	model.P1: {1 * time.Minute, 15 * time.Minute, 4 * time.Hour, 24 * time.Hour, 72 * time.Hour},
	model.P2: {5 * time.Minute, 30 * time.Minute, 8 * time.Hour, 48 * time.Hour, 5 * day},
	model.P3: {15 * time.Minute, 4 * time.Hour, 24 * time.Hour, 72 * time.Hour, week},
	model.P4: {30 * time.Minute, 8 * time.Hour, 72 * time.Hour, week, 2 * week},
}

// seedReview is the seed's §6.1.1 PIR timeline, severity by severity, every
// step counted from resolution: PIR meeting, PIR document, action items,
// review complete.
var seedReview = map[model.Severity][4]time.Duration{
	model.P1: {24 * time.Hour, 48 * time.Hour, 72 * time.Hour, week},
	model.P2: {3 * day, 5 * day, 7 * day, 2 * week},
	model.P3: {5 * day, 7 * day, 10 * day, 3 * week},
	model.P4: {7 * day, 10 * day, 14 * day, 4 * week},
}

// seedUpdateEvery is the status-update cadence: §4.1 "Update status every
// 30 minutes" for P1, and the cadence the built-in policy gives the others.
var seedUpdateEvery = map[model.Severity]time.Duration{
	model.P1: 30 * time.Minute,
	model.P2: time.Hour,
	model.P3: 4 * time.Hour,
	model.P4: 24 * time.Hour,
}

// seedEscalation is the seed's §7.1 escalation matrix: the trigger and the
// response targets of Tier 1, 2, 3 (P4 has no Tier 3: "N/A").
var seedEscalation = map[model.Severity]model.EscalationPolicy{
	model.P1: {Trigger: model.TriggerImmediate, Tiers: []time.Duration{15 * time.Minute, 30 * time.Minute, 60 * time.Minute}},
	model.P2: {Trigger: model.TriggerNoProgress, After: 2 * time.Hour, Tiers: []time.Duration{30 * time.Minute, 60 * time.Minute, 120 * time.Minute}},
	model.P3: {Trigger: model.TriggerNoResolution, After: 8 * time.Hour, Tiers: []time.Duration{4 * time.Hour, 8 * time.Hour, 24 * time.Hour}},
	model.P4: {Trigger: model.TriggerNoResolution, After: 24 * time.Hour, Tiers: []time.Duration{8 * time.Hour, 24 * time.Hour}},
}

// testPolicy builds the SLA policy of one severity by hand from the seed:
// its §3.3 milestones, its §6.1.1 post-incident review milestones, its
// status-update cadence and its §7.1 escalation row.
func testPolicy(s model.Severity) model.SeverityPolicy {
	w := seedWindows[s]
	r := seedReview[s]
	esc := seedEscalation[s]
	esc.Tiers = slices.Clone(esc.Tiers) // each incident its own snapshot
	return model.SeverityPolicy{
		Severity: s,
		Name:     s.Label(),
		Milestones: []model.MilestoneTarget{
			{ID: model.MilestoneDetection, Name: "Detection", Short: "DET", From: model.FromStarted, Within: w[0]},
			{ID: model.MilestoneAcknowledge, Name: "Acknowledgment", Short: "ACK", From: model.FromDetected, Within: w[1]},
			{ID: model.MilestoneInitialResolution, Name: "Initial Resolution", Short: "MIT", From: model.FromDetected, Within: w[2]},
			{ID: model.MilestoneResolution, Name: "Resolution", Short: "RES", From: model.FromDetected, Within: w[3]},
			{ID: model.MilestonePostMortem, Name: "Post-Mortem", Short: "PM", From: model.FromResolved, Within: w[4]},
			{ID: model.MilestonePIRMeeting, Name: "PIR meeting", Short: "PIR", From: model.FromResolved, Within: r[0]},
			{ID: model.MilestonePIRDocument, Name: "PIR document", Short: "DOC", From: model.FromResolved, Within: r[1]},
			{ID: model.MilestoneActionItems, Name: "Action items", Short: "ACT", From: model.FromResolved, Within: r[2]},
			{ID: model.MilestoneReviewComplete, Name: "Review complete", Short: "REV", From: model.FromResolved, Within: r[3]},
		},
		WarnRatio:         0.25,
		StatusUpdateEvery: seedUpdateEvery[s],
		Escalation:        esc,
	}
}

func step(id, group, text string) model.Step { return model.Step{ID: id, Group: group, Text: text} }

// testCatalog is a small hand-written catalog: the seed's SLA policy and a
// few steps of each severity's playbook.
func testCatalog() model.Catalog {
	pol := model.Policy{Severities: map[model.Severity]model.SeverityPolicy{}}
	for _, s := range model.Severities {
		pol.Severities[s] = testPolicy(s)
	}
	return model.Catalog{
		Policy: pol,
		Playbooks: map[model.Severity]model.Playbook{
			model.P1: {Severity: model.P1, Version: "1", Scenario: "Complete service outage", Phases: []model.PlaybookPhase{
				{Name: "Immediate Actions", From: model.FromDetected, Start: 0, End: 15 * time.Minute, HasWindow: true, Steps: []model.Step{
					step("p1.imm.page", "Alert Stakeholders", "Page on-call engineer"),
					step("p1.imm.ticket", "Initial Response", "Create incident ticket"),
					step("p1.imm.warroom", "Alert Stakeholders", "Initiate war room"),
				}},
				{Name: "Resolution Phase", From: model.FromDetected, Start: 15 * time.Minute, End: 240 * time.Minute, HasWindow: true, Steps: []model.Step{
					step("p1.res.fix", "Resolution", "Implement emergency fix"),
				}},
				{Name: "Verification", From: model.FromDetected, Steps: []model.Step{
					step("p1.ver.conn", "", "Customer connectivity test"),
				}},
				{Name: "Post-Incident", From: model.FromResolved, Start: 0, End: 72 * time.Hour, HasWindow: true, Steps: []model.Step{
					step("p1.post.rca", "", "Complete RCA within 72 hours"),
				}},
			}},
			model.P2: {Severity: model.P2, Version: "1", Scenario: "Major degradation", Phases: []model.PlaybookPhase{
				{Name: "Immediate Actions", From: model.FromDetected, Start: 0, End: 30 * time.Minute, HasWindow: true, Steps: []model.Step{
					step("p2.imm.sms", "Alert Stakeholders", "SMS engineering lead"),
					step("p2.imm.ticket", "Alert Stakeholders", "Create incident ticket"),
				}},
				{Name: "Resolution Phase", From: model.FromDetected, Start: 30 * time.Minute, End: 480 * time.Minute, HasWindow: true, Steps: []model.Step{
					step("p2.res.deploy", "Resolution", "Deploy fix"),
				}},
			}},
			model.P3: {Severity: model.P3, Version: "1", Phases: []model.PlaybookPhase{
				{Name: "Immediate Actions", From: model.FromDetected, End: 4 * time.Hour, HasWindow: true, Steps: []model.Step{
					step("p3.imm.email", "Alert Team", "Email team lead"),
					step("p3.imm.ticket", "Alert Team", "Create incident ticket"),
				}},
			}},
			model.P4: {Severity: model.P4, Version: "1", Phases: []model.PlaybookPhase{
				{Name: "Immediate Actions", From: model.FromDetected, End: 8 * time.Hour, HasWindow: true, Steps: []model.Step{
					step("p4.imm.ticket", "", "Create incident ticket"),
				}},
			}},
		},
		Services: []model.Service{
			{ID: "registry", Name: "Registry Service", Tier: "All", DowntimeImpact: "Complete outage", PerformanceImpact: "Message throughput drop"},
			{ID: "transport", Name: "Transport Layer", Tier: "Standard+", DowntimeImpact: "Connection loss", PerformanceImpact: "Latency increase"},
		},
	}
}

// declare declares an incident of severity s detected at det (started at
// det too), with the test catalog, and numbers it like the store would.
func declare(t *testing.T, s model.Severity, det time.Time) *model.Incident {
	t.Helper()
	inc, _, err := model.Declare(model.Declaration{
		Title: "Registry down", Impact: model.ImpactCritical, CustomersPct: 80,
		Severity: s, OverrideReason: "test", DetectedAt: det, Actor: "alice",
	}, testCatalog())
	require.NoError(t, err)
	inc.Number = 1
	return inc
}

// numberChecklist gives checklist items ids from next on, as the store would.
func numberChecklist(items []model.ChecklistItem, next int64) int64 {
	for i := range items {
		items[i].ID = next
		next++
	}
	return next
}

// deadline returns the incident's deadline id evaluated at now.
func deadline(t *testing.T, inc *model.Incident, id model.MilestoneID, now time.Time) model.Deadline {
	t.Helper()
	for _, d := range inc.Deadlines(now) {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no deadline %s", id)
	return model.Deadline{}
}

// The override reasons of tests that resolve or close an incident only to
// get on to something else: the verification and the review themselves are
// review_test.go's and lifecycle_full_test.go's.
const (
	skipVerification = "test: not verified"
	skipReview       = "test: not reviewed"
)

// verify declares the fix at fixed and passes every verification check
// once the stability window is over, 30 minutes later, as the QA lead
// would. It returns that instant: the incident can be resolved from then on
// without an override.
func verify(t *testing.T, inc *model.Incident, fixed time.Time) time.Time {
	t.Helper()
	_, err := inc.DeclareFix(fixed, "qa")
	require.NoError(t, err)
	stable := fixed.Add(model.StabilityWindow)
	for _, c := range model.VerificationChecks {
		_, err := inc.PassCheck(stable, "qa", c.ID)
		require.NoError(t, err, "pass %s", c.ID)
	}
	require.Empty(t, inc.Verification.Open())
	return stable
}

// completeReview marks every step of the post-incident review done at now,
// in order.
func completeReview(t *testing.T, inc *model.Incident, now time.Time) {
	t.Helper()
	for _, m := range model.ReviewMilestones {
		_, err := inc.MarkReview(now, "carol", m.ID)
		require.NoError(t, err, "mark %s", m.ID)
	}
}
