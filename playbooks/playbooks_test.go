package playbooks

import (
	"errors"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

func builtin(t *testing.T) model.Catalog {
	t.Helper()
	cat, err := Builtin()
	require.NoError(t, err)
	return cat
}

func TestBuiltinLoads(t *testing.T) {
	cat := builtin(t)
	for _, sev := range model.Severities {
		assert.Contains(t, cat.Policy.Severities, sev)
		assert.Contains(t, cat.Playbooks, sev)
	}
	assert.Len(t, cat.Policy.Severities, 4)
	assert.Len(t, cat.Playbooks, 4)
}

func TestBuiltinStepCounts(t *testing.T) {
	cat := builtin(t)
	for sev, want := range map[model.Severity]int{model.P1: 24, model.P2: 18, model.P3: 15, model.P4: 9} {
		assert.Equal(t, want, cat.Playbooks[sev].StepCount(), sev)
	}
}

// TestBuiltinPolicy checks every cell of the seed's §3.3 and §6.1.1 tables.
func TestBuiltinPolicy(t *testing.T) {
	type cell struct {
		sev    model.Severity
		id     model.MilestoneID
		within time.Duration
	}
	// Seed §3.3, Workflow Timelines, row by row.
	cells := []cell{
		{model.P1, model.MilestoneDetection, 1 * minute},
		{model.P2, model.MilestoneDetection, 5 * minute},
		{model.P3, model.MilestoneDetection, 15 * minute},
		{model.P4, model.MilestoneDetection, 30 * minute},

		{model.P1, model.MilestoneAcknowledge, 15 * minute},
		{model.P2, model.MilestoneAcknowledge, 30 * minute},
		{model.P3, model.MilestoneAcknowledge, 4 * hour},
		{model.P4, model.MilestoneAcknowledge, 8 * hour},

		{model.P1, model.MilestoneInitialResolution, 4 * hour},
		{model.P2, model.MilestoneInitialResolution, 8 * hour},
		{model.P3, model.MilestoneInitialResolution, 24 * hour},
		{model.P4, model.MilestoneInitialResolution, 72 * hour},

		{model.P1, model.MilestoneResolution, 24 * hour},
		{model.P2, model.MilestoneResolution, 48 * hour},
		{model.P3, model.MilestoneResolution, 72 * hour},
		{model.P4, model.MilestoneResolution, 7 * day},

		{model.P1, model.MilestonePostMortem, 72 * hour},
		{model.P2, model.MilestonePostMortem, 5 * day},
		{model.P3, model.MilestonePostMortem, 7 * day},
		{model.P4, model.MilestonePostMortem, 14 * day},
	}
	// Seed §6.1.1, PIR Timeline, row by row, measured from resolution.
	week := 7 * day
	cells = append(cells,
		// | PIR Meeting | Within 24 hours | Within 3 days | Within 5 days | Within 7 days |
		cell{model.P1, model.MilestonePIRMeeting, 24 * hour},
		cell{model.P2, model.MilestonePIRMeeting, 3 * day},
		cell{model.P3, model.MilestonePIRMeeting, 5 * day},
		cell{model.P4, model.MilestonePIRMeeting, 7 * day},
		// | PIR Document | Within 48 hours | Within 5 days | Within 7 days | Within 10 days |
		cell{model.P1, model.MilestonePIRDocument, 48 * hour},
		cell{model.P2, model.MilestonePIRDocument, 5 * day},
		cell{model.P3, model.MilestonePIRDocument, 7 * day},
		cell{model.P4, model.MilestonePIRDocument, 10 * day},
		// | Action Items | Within 72 hours | Within 7 days | Within 10 days | Within 14 days |
		cell{model.P1, model.MilestoneActionItems, 72 * hour},
		cell{model.P2, model.MilestoneActionItems, 7 * day},
		cell{model.P3, model.MilestoneActionItems, 10 * day},
		cell{model.P4, model.MilestoneActionItems, 14 * day},
		// | Review Complete | Within 1 week | Within 2 weeks | Within 3 weeks | Within 4 weeks |
		cell{model.P1, model.MilestoneReviewComplete, 1 * week},
		cell{model.P2, model.MilestoneReviewComplete, 2 * week},
		cell{model.P3, model.MilestoneReviewComplete, 3 * week},
		cell{model.P4, model.MilestoneReviewComplete, 4 * week},
	)
	cat := builtin(t)
	for _, c := range cells {
		t.Run(c.sev.String()+"/"+string(c.id), func(t *testing.T) {
			sp, err := cat.Policy.For(c.sev)
			require.NoError(t, err)
			m, ok := sp.Milestone(c.id)
			require.True(t, ok)
			assert.Equal(t, c.within, m.Within)
		})
	}
}

func TestBuiltinPolicyMilestones(t *testing.T) {
	want := []struct {
		id          model.MilestoneID
		name, short string
		from        model.Anchor
	}{
		{model.MilestoneDetection, "Detection", "DET", model.FromStarted},
		{model.MilestoneAcknowledge, "Acknowledgment", "ACK", model.FromDetected},
		{model.MilestoneInitialResolution, "Initial resolution", "MIT", model.FromDetected},
		{model.MilestoneResolution, "Resolution", "RES", model.FromDetected},
		{model.MilestonePostMortem, "Post-mortem", "PM", model.FromResolved},
		{model.MilestonePIRMeeting, "PIR meeting", "PIR", model.FromResolved},
		{model.MilestonePIRDocument, "PIR document", "DOC", model.FromResolved},
		{model.MilestoneActionItems, "Action items", "ACT", model.FromResolved},
		{model.MilestoneReviewComplete, "Review complete", "REV", model.FromResolved},
	}
	names := map[model.Severity]string{model.P1: "Critical", model.P2: "High", model.P3: "Medium", model.P4: "Low"}
	cat := builtin(t)
	for sev, name := range names {
		sp := cat.Policy.Severities[sev]
		assert.Equal(t, sev, sp.Severity)
		assert.Equal(t, name, sp.Name)
		assert.InDelta(t, 0.25, sp.WarnRatio, 1e-9)
		require.Len(t, sp.Milestones, len(want), sev)
		for i, w := range want {
			m := sp.Milestones[i]
			assert.Equal(t, w.id, m.ID, "%s milestone %d", sev, i)
			assert.Equal(t, w.name, m.Name, "%s %s", sev, w.id)
			assert.Equal(t, w.short, m.Short, "%s %s", sev, w.id)
			assert.Equal(t, w.from, m.From, "%s %s", sev, w.id)
		}
	}
}

// TestBuiltinEscalation checks the seed's §7.1 escalation matrix, row by
// row, and the §7.2 triggers (should_escalate: p2 2h, p3 8h, p4 24h).
func TestBuiltinEscalation(t *testing.T) {
	tiers := func(d ...time.Duration) []time.Duration { return d }
	want := map[model.Severity]model.EscalationPolicy{
		// | P1 | 15 min | 30 min | 60 min | Immediate activation |
		model.P1: {Trigger: model.TriggerImmediate, After: 0, Tiers: tiers(15*minute, 30*minute, 60*minute)},
		// | P2 | 30 min | 60 min | 120 min | 2 hours without progress |
		model.P2: {Trigger: model.TriggerNoProgress, After: 2 * hour, Tiers: tiers(30*minute, 60*minute, 120*minute)},
		// | P3 | 4 hours | 8 hours | 24 hours | 8 hours without resolution |
		model.P3: {Trigger: model.TriggerNoResolution, After: 8 * hour, Tiers: tiers(4*hour, 8*hour, 24*hour)},
		// | P4 | 8 hours | 24 hours | N/A | 24 hours without resolution |
		model.P4: {Trigger: model.TriggerNoResolution, After: 24 * hour, Tiers: tiers(8*hour, 24*hour)},
	}
	cat := builtin(t)
	for _, sev := range model.Severities {
		assert.Equal(t, want[sev], cat.Policy.Severities[sev].Escalation, sev)
	}
}

// TestBuiltinTier1IsAcknowledgment checks what model relies on to show Tier
// 1's response as the acknowledgment milestone: in the seed, Tier 1's
// response (§7.1) equals the acknowledgment target (§3.3) of every
// severity: 15 min, 30 min, 4 hours, 8 hours.
func TestBuiltinTier1IsAcknowledgment(t *testing.T) {
	cat := builtin(t)
	for sev, want := range map[model.Severity]time.Duration{model.P1: 15 * minute, model.P2: 30 * minute, model.P3: 4 * hour, model.P4: 8 * hour} {
		sp := cat.Policy.Severities[sev]
		ack, ok := sp.Milestone(model.MilestoneAcknowledge)
		require.True(t, ok, sev)
		require.NotEmpty(t, sp.Escalation.Tiers, sev)
		assert.Equal(t, want, ack.Within, sev)
		assert.Equal(t, want, sp.Escalation.Tiers[0], sev)
	}
}

// TestBuiltinStatusUpdates checks the status-update cadence: P1's is the
// seed's (§4.1 "Update status every 30 minutes"); the seed gives none for
// P2-P4, whose cadences are the ones policy.yaml documents choosing.
func TestBuiltinStatusUpdates(t *testing.T) {
	want := map[model.Severity]time.Duration{
		model.P1: 30 * minute, // seed §4.1
		model.P2: 1 * hour,    // chosen
		model.P3: 4 * hour,    // chosen
		model.P4: 24 * hour,   // chosen: a daily update
	}
	cat := builtin(t)
	for _, sev := range model.Severities {
		sp := cat.Policy.Severities[sev]
		assert.Equal(t, want[sev], sp.StatusUpdateEvery, sev)
		assert.Zero(t, sp.WarnAtMost, "%s: warn_at_most is off in the built-in policy", sev)
	}
}

// TestLoadPolicyOptions loads the optional and boundary forms of the
// policy's fields.
func TestLoadPolicyOptions(t *testing.T) {
	load := func(t *testing.T, pairs ...string) model.Policy {
		t.Helper()
		fsys := builtinFS(t)
		fsys["policy.yaml"] = &fstest.MapFile{Data: []byte(replaceAll(t, builtinFile(t, "policy.yaml"), pairs...))}
		cat, err := Load(fsys)
		require.NoError(t, err)
		return cat.Policy
	}
	t.Run("warn_at_most applies to every severity", func(t *testing.T) {
		pol := load(t, "warn_ratio: 0.25\n", "warn_ratio: 0.25\nwarn_at_most: 5m\n")
		for _, sev := range model.Severities {
			assert.Equal(t, 5*minute, pol.Severities[sev].WarnAtMost, sev)
			assert.InDelta(t, 0.25, pol.Severities[sev].WarnRatio, 1e-9, sev)
		}
	})
	t.Run("warn_at_most 0 is off", func(t *testing.T) {
		pol := load(t, "warn_ratio: 0.25\n", "warn_ratio: 0.25\nwarn_at_most: 0\n")
		for _, sev := range model.Severities {
			assert.Zero(t, pol.Severities[sev].WarnAtMost, sev)
		}
	})
	t.Run("immediate without after", func(t *testing.T) {
		pol := load(t, "after: 0m,  ", "")
		assert.Equal(t, model.EscalationPolicy{Trigger: model.TriggerImmediate, Tiers: []time.Duration{15 * minute, 30 * minute, 60 * minute}},
			pol.Severities[model.P1].Escalation)
	})
	t.Run("no status-update cadence, more tiers", func(t *testing.T) {
		pol := load(t, "status_update_every: 24h", "status_update_every: 0",
			"tiers: [4h, 8h, 24h]", "tiers: [4h, 8h, 24h, 1w]")
		assert.Zero(t, pol.Severities[model.P4].StatusUpdateEvery)
		assert.Equal(t, []time.Duration{4 * hour, 8 * hour, 24 * hour, 7 * day}, pol.Severities[model.P3].Escalation.Tiers)
	})
}

func TestBuiltinServices(t *testing.T) {
	// Seed §2.3, Service Impact Mapping.
	want := []model.Service{
		{ID: "registry", Name: "Registry Service", Tier: "All", DowntimeImpact: "Complete outage", PerformanceImpact: "Message throughput drop"},
		{ID: "transport", Name: "Transport Layer", Tier: "Standard+", DowntimeImpact: "Connection loss", PerformanceImpact: "Latency increase"},
		{ID: "session-manager", Name: "Session Manager", Tier: "Premium+", DowntimeImpact: "User sessions lost", PerformanceImpact: "Connection stability"},
		{ID: "monitoring", Name: "Monitoring System", Tier: "All", DowntimeImpact: "Visibility loss", PerformanceImpact: "Alert delay"},
		{ID: "backup", Name: "Backup Service", Tier: "Premium+", DowntimeImpact: "Data loss risk", PerformanceImpact: "Recovery time impact"},
	}
	assert.Equal(t, want, builtin(t).Services)
}

// phase is a phase as the tests describe it: its window and its steps, each
// "Group: text" (or the text alone when ungrouped).
type phase struct {
	name       string
	window     bool
	from       model.Anchor
	start, end time.Duration
	steps      []string
}

// seedPlaybooks are the seed's §4.1-4.4 playbooks, copied from the seed.
var seedPlaybooks = map[model.Severity]struct {
	scenario string
	phases   []phase
}{
	model.P1: {"Complete service outage or major data loss", []phase{
		{"Immediate Actions", true, model.FromDetected, 0, 15 * minute, []string{
			"Alert Stakeholders: Page on-call engineer",
			"Alert Stakeholders: Notify CEO and executives",
			"Alert Stakeholders: Initiate war room",
			"Initial Response: Create incident ticket",
			"Initial Response: Activate incident commander",
			"Initial Response: Assemble emergency team",
			"Containment: Enable emergency failover",
			"Containment: Isolate primary systems",
			"Containment: Redirect traffic to backup",
		}},
		{"Resolution Phase", true, model.FromDetected, 15 * minute, 240 * minute, []string{
			"Diagnostics: Check backup systems status",
			"Diagnostics: Verify failover success",
			"Diagnostics: Identify failure point",
			"Resolution: Implement emergency fix",
			"Resolution: Test system stability",
			"Resolution: Monitor recovery progress",
			"Communication: Update status every 30 minutes",
			"Communication: Notify VIP customers directly",
			"Communication: Update status page",
		}},
		{"Verification", false, "", 0, 0, []string{
			"System health check for 30 minutes",
			"Customer connectivity test",
			"Performance validation",
		}},
		{"Post-Incident", true, model.FromResolved, 0, 72 * hour, []string{
			"Complete RCA within 72 hours",
			"Customer compensation discussion",
			"System hardening",
		}},
	}},
	model.P2: {"Major service degradation affecting most customers", []phase{
		{"Immediate Actions", true, model.FromDetected, 0, 30 * minute, []string{
			"Alert Stakeholders: SMS engineering lead",
			"Alert Stakeholders: Notify VP of Operations",
			"Alert Stakeholders: Create incident ticket",
			"Initial Assessment: Determine affected systems",
			"Initial Assessment: Calculate customer impact",
			"Initial Assessment: Escalate to appropriate level",
		}},
		{"Resolution Phase", true, model.FromDetected, 30 * minute, 480 * minute, []string{
			"Containment: Enable circuit breakers",
			"Containment: Implement rate limiting",
			"Containment: Redirect traffic",
			"Investigation: Analyze logs and metrics",
			"Investigation: Identify root cause",
			"Investigation: Implement workaround",
			"Resolution: Deploy fix",
			"Resolution: Test recovery",
			"Resolution: Monitor stability",
		}},
		{"Verification", false, "", 0, 0, []string{
			"Performance metrics check",
			"Customer impact validation",
			"Service restoration confirmation",
		}},
	}},
	model.P3: {"Limited functionality affecting some customers", []phase{
		{"Immediate Actions", true, model.FromDetected, 0, 4 * hour, []string{
			"Alert Team: Email team lead",
			"Alert Team: Create incident ticket",
			"Alert Team: Assign to Tier 2",
			"Assessment: Verify customer reports",
			"Assessment: Check system health",
			"Assessment: Determine priority",
		}},
		{"Resolution Phase", true, model.FromDetected, 4 * hour, 72 * hour, []string{
			"Investigation: Review error logs",
			"Investigation: Check configuration",
			"Investigation: Analyze user patterns",
			"Resolution: Apply fix",
			"Resolution: Test solution",
			"Resolution: Monitor for recurrence",
			"Communication: Update ticket status",
			"Communication: Inform affected customers",
			"Communication: Document resolution",
		}},
	}},
	model.P4: {"Minor issue affecting individual customers", []phase{
		{"Response", true, model.FromDetected, 0, 8 * hour, []string{
			"Triage: Validate customer report",
			"Triage: Check for similar issues",
			"Triage: Assign to Tier 1",
			"Resolution: Troubleshoot with customer",
			"Resolution: Apply workaround if needed",
			"Resolution: Document solution",
			"Follow-up: Verify fix effectiveness",
			"Follow-up: Update knowledge base",
			"Follow-up: Monitor for patterns",
		}},
	}},
}

func TestBuiltinPlaybooks(t *testing.T) {
	cat := builtin(t)
	for sev, want := range seedPlaybooks {
		t.Run(sev.String(), func(t *testing.T) {
			pb := cat.Playbooks[sev]
			assert.Equal(t, sev, pb.Severity)
			assert.Equal(t, "seed-1", pb.Version)
			assert.Equal(t, want.scenario, pb.Scenario)
			got := make([]phase, len(pb.Phases))
			for i, ph := range pb.Phases {
				got[i] = phase{ph.Name, ph.HasWindow, ph.From, ph.Start, ph.End, nil}
				for _, st := range ph.Steps {
					s := st.Text
					if st.Group != "" {
						s = st.Group + ": " + s
					}
					got[i].steps = append(got[i].steps, s)
				}
			}
			assert.Equal(t, want.phases, got)
		})
	}
}

func TestBuiltinStepIDs(t *testing.T) {
	cat := builtin(t)
	again := builtin(t)
	idRE := regexp.MustCompile(`^p[1-4](\.[a-z0-9]+(-[a-z0-9]+)*){2,3}$`)
	for sev, pb := range cat.Playbooks {
		seen := map[string]bool{}
		for i, ph := range pb.Phases {
			for j, st := range ph.Steps {
				assert.Regexp(t, idRE, st.ID)
				assert.False(t, seen[st.ID], "%s: duplicate step id %s", sev, st.ID)
				seen[st.ID] = true
				assert.Equal(t, st.ID, again.Playbooks[sev].Phases[i].Steps[j].ID, "ids are stable")
			}
		}
	}
	p1 := cat.Playbooks[model.P1]
	assert.Equal(t, "p1.immediate-actions.alert-stakeholders.page-on-call-engineer", p1.Phases[0].Steps[0].ID)
	assert.Equal(t, "p1.verification.system-health-check-for-30-minutes", p1.Phases[2].Steps[0].ID)
}

func TestBuiltinReturnsACopy(t *testing.T) {
	cat := builtin(t)
	cat.Playbooks[model.P1].Phases[0].Steps[0].Text = "changed"
	cat.Policy.Severities[model.P1].Milestones[0].Within = 0
	cat.Policy.Severities[model.P1].Escalation.Tiers[0] = 0
	cat.Services[0].Name = "changed"
	fresh := builtin(t)
	assert.Equal(t, "Page on-call engineer", fresh.Playbooks[model.P1].Phases[0].Steps[0].Text)
	assert.Equal(t, minute, fresh.Policy.Severities[model.P1].Milestones[0].Within)
	assert.Equal(t, 15*minute, fresh.Policy.Severities[model.P1].Escalation.Tiers[0])
	assert.Equal(t, "Registry Service", fresh.Services[0].Name)
}

// builtinFS returns a copy of the built-in files that a test may change.
func builtinFS(t testing.TB) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(builtinFiles, "data", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := builtinFiles.ReadFile(path)
		m[strings.TrimPrefix(path, "data/")] = &fstest.MapFile{Data: data}
		return err
	})
	require.NoError(t, err)
	return m
}

func TestLoadCustom(t *testing.T) {
	fsys := builtinFS(t)
	delete(fsys, "p4.yaml")
	fsys["p-low.yaml"] = &fstest.MapFile{Data: []byte(`
severity: p4
version: custom-2
phases:
  - name: Triage
    steps:
      - {id: low.check, text: Check the report}
      - {text: Reply to the customer}
      - Close the ticket
`)}
	fsys["README.md"] = &fstest.MapFile{Data: []byte("not a playbook")}
	cat, err := Load(fsys)
	require.NoError(t, err)
	pb := cat.Playbooks[model.P4]
	assert.Equal(t, "custom-2", pb.Version)
	assert.Equal(t, []model.PlaybookPhase{{Name: "Triage", Steps: []model.Step{
		{ID: "low.check", Text: "Check the report"},
		{ID: "p4.triage.reply-to-the-customer", Text: "Reply to the customer"},
		{ID: "p4.triage.close-the-ticket", Text: "Close the ticket"},
	}}}, pb.Phases)
}

// problem is the part of a Problem a test checks: Msg need only contain msg.
type problem struct {
	file  string
	line  int
	field string
	msg   string
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // replaced files; "" deletes the file
		want  []problem
	}{
		{
			name: "syntax error",
			files: map[string]string{"p2.yaml": `severity: P2
version: seed-1
phases:
  - name: Verification
    steps: [Deploy fix
`},
			want: []problem{{"p2.yaml", 5, "", "did not find expected ',' or ']'"}},
		},
		{
			name: "unknown field",
			files: map[string]string{"p3.yaml": `severity: P3
version: seed-1
phases:
  - name: Response
    windw: {from: detected, start: 0m, end: 4h}
    steps: [Apply fix]
`},
			want: []problem{{"p3.yaml", 5, "phases[0].windw", `unknown field "windw" (known fields: name, window, groups, steps)`}},
		},
		{
			name: "unknown field in the long form of a step",
			files: map[string]string{"p3.yaml": `severity: P3
version: seed-1
phases:
  - name: Response
    steps:
      - {id: a, txt: Apply fix}
`},
			want: []problem{
				{"p3.yaml", 6, "phases[0].steps[0].txt", `unknown field "txt" (known fields: id, text)`},
			},
		},
		{
			name: "wrong kind of value",
			files: map[string]string{"p3.yaml": `severity: P3
version: seed-1
phases:
  name: Response
  steps: [Apply fix]
`},
			want: []problem{{"p3.yaml", 4, "phases", "want a list, got a mapping"}},
		},
		{
			name: "wrong kind of value in a step",
			files: map[string]string{"p3.yaml": `severity: P3
version: seed-1
phases:
  - name: Response
    steps:
      - {id: p3.fix, text: [Apply fix]}
      - [Test solution]
`},
			want: []problem{
				{"p3.yaml", 6, "phases[0].steps[0].text", "want text, got a list"},
				{"p3.yaml", 7, "phases[0].steps[1]", "want text, got a list"},
			},
		},
		{
			name: "bad duration",
			files: map[string]string{"policy.yaml": strings.Replace(builtinFile(t, "policy.yaml"),
				"within: 15m}", "within: 15 minutes}", 1)},
			want: []problem{{"policy.yaml", 49, "severities.P1.milestones[1].within", `invalid duration "15 minutes"`}},
		},
		{
			name: "negative duration",
			files: map[string]string{"p1.yaml": strings.Replace(builtinFile(t, "p1.yaml"),
				"start: 15m", "start: -15m", 1)},
			want: []problem{{"p1.yaml", 29, "phases[1].window.start", `duration "-15m" is negative`}},
		},
		{
			name: "zero deadline",
			files: map[string]string{"policy.yaml": strings.Replace(builtinFile(t, "policy.yaml"),
				"within: 5m}", "within: 0d}", 1)},
			want: []problem{{"policy.yaml", 62, "severities.P2.milestones[0].within", "must be more than zero"}},
		},
		{
			name:  "missing severity in a playbook",
			files: map[string]string{"p2.yaml": strings.Replace(builtinFile(t, "p2.yaml"), "severity: P2\n", "", 1)},
			want:  []problem{{"p2.yaml", 4, "severity", "missing"}},
		},
		{
			name:  "missing severity in the policy",
			files: map[string]string{"policy.yaml": cutLines(builtinFile(t, "policy.yaml"), "  P3:", 14)},
			want:  []problem{{"policy.yaml", 42, "severities", "no policy for P3"}},
		},
		{
			name:  "playbook file missing",
			files: map[string]string{"p3.yaml": ""},
			want:  []problem{{"p*.yaml", 0, "", "no playbook for P3"}},
		},
		{
			name:  "two playbooks for one severity",
			files: map[string]string{"p5.yaml": builtinFile(t, "p4.yaml")},
			want:  []problem{{"p5.yaml", 4, "severity", "P4 already has a playbook, in p4.yaml"}},
		},
		{
			name: "duplicate step id",
			files: map[string]string{"p4.yaml": `severity: P4
version: seed-1
phases:
  - name: Response
    steps:
      - Apply fix
      - {id: p4.response.triage, text: Triage}
      - apply  FIX
      - {id: p4.response.triage, text: Triage again}
`},
			want: []problem{
				{"p4.yaml", 8, "phases[0].steps[2]", `duplicate step id "p4.response.apply-fix" (first at line 6)`},
				{"p4.yaml", 9, "phases[0].steps[3]", `duplicate step id "p4.response.triage" (first at line 7)`},
			},
		},
		{
			name: "window start not before end",
			files: map[string]string{"p4.yaml": strings.Replace(builtinFile(t, "p4.yaml"),
				"start: 0h, end: 8h", "start: 8h, end: 480m", 1)},
			want: []problem{{"p4.yaml", 9, "phases[0].window", "start 8h is not before end 480m"}},
		},
		{
			name: "empty step",
			files: map[string]string{"p4.yaml": strings.Replace(builtinFile(t, "p4.yaml"),
				"- Assign to Tier 1", `- "  "`, 1)},
			want: []problem{{"p4.yaml", 15, "phases[0].groups[0].steps[2]", "empty step text"}},
		},
		{
			name: "phase without steps",
			files: map[string]string{"p4.yaml": `severity: P4
version: seed-1
phases:
  - name: Response
    steps: []
  - name: Follow-up
    groups:
      - name: Check
`},
			want: []problem{
				{"p4.yaml", 5, "phases[0].steps", "no steps"},
				{"p4.yaml", 8, "phases[1].groups[0].steps", "no steps"},
			},
		},
		{
			name: "bad policy values",
			files: map[string]string{"policy.yaml": `version: 2
warn_ratio: 1
severities:
  P1:
    name: Critical
    status_update_every: 30m
    escalation: {trigger: immediate, tiers: [15m]}
    milestones:
      - {id: detection, name: Detection, short: DET, from: started, within: 1m}
      - {id: detection, name: Detection, short: DET, from: started, within: 1m}
      - {id: ack, name: Acknowledgment, short: ACK, from: declared, within: 15m}
  p1: {name: Critical, status_update_every: 0, escalation: {trigger: immediate, tiers: [15m]},
       milestones: [{id: detection, name: Detection, short: DET, from: started, within: 1m}]}
  P2: {name: High}
  P7: {name: Made up}
`},
			want: []problem{
				{"policy.yaml", 1, "version", "unsupported version 2 (want 1)"},
				{"policy.yaml", 2, "warn_ratio", "must be more than 0 and less than 1, not 1"},
				{"policy.yaml", 3, "severities", "no policy for P3"},
				{"policy.yaml", 3, "severities", "no policy for P4"},
				{"policy.yaml", 10, "severities.P1.milestones[1].id", `milestone "detection" is listed twice`},
				{"policy.yaml", 11, "severities.P1.milestones[2].id", `unknown milestone "ack"`},
				{"policy.yaml", 11, "severities.P1.milestones[2].from", `unknown anchor "declared" (want started, detected or resolved)`},
				{"policy.yaml", 12, "severities.p1", `P1 is already defined as "P1"`},
				{"policy.yaml", 14, "severities.P2.status_update_every", "missing"},
				{"policy.yaml", 14, "severities.P2.escalation", "missing"},
				{"policy.yaml", 14, "severities.P2.milestones", "no milestones"},
				{"policy.yaml", 15, "severities.P7", `unknown severity "P7"`},
			},
		},
		{
			name:  "unknown trigger",
			files: map[string]string{"policy.yaml": policyWith(t, "trigger: no_progress,", "trigger: no_news,")},
			want: []problem{{"policy.yaml", 60, "severities.P2.escalation.trigger",
				`unknown trigger "no_news" (want immediate, no_progress or no_resolution)`}},
		},
		{
			name:  "missing trigger",
			files: map[string]string{"policy.yaml": policyWith(t, "{trigger: no_resolution, after: 8h, ", "{after: 8h, ")},
			want:  []problem{{"policy.yaml", 74, "severities.P3.escalation.trigger", "missing"}},
		},
		{
			name: "negative policy durations",
			files: map[string]string{"policy.yaml": policyWith(t,
				"status_update_every: 30m", "status_update_every: -30m",
				"after: 2h", "after: -2h",
				"tiers: [4h, 8h, 24h]", "tiers: [4h, -8h, 24h]")},
			want: []problem{
				{"policy.yaml", 45, "severities.P1.status_update_every", `duration "-30m" is negative`},
				{"policy.yaml", 60, "severities.P2.escalation.after", `duration "-2h" is negative`},
				{"policy.yaml", 74, "severities.P3.escalation.tiers[1]", `duration "-8h" is negative`},
			},
		},
		{
			name:  "negative warn_at_most",
			files: map[string]string{"policy.yaml": policyWith(t, "warn_ratio: 0.25\n", "warn_ratio: 0.25\nwarn_at_most: -1m\n")},
			want:  []problem{{"policy.yaml", 42, "warn_at_most", `duration "-1m" is negative`}},
		},
		{
			name:  "bad warn_at_most",
			files: map[string]string{"policy.yaml": policyWith(t, "warn_ratio: 0.25\n", "warn_ratio: 0.25\nwarn_at_most: soon\n")},
			want:  []problem{{"policy.yaml", 42, "warn_at_most", `invalid duration "soon"`}},
		},
		{
			name:  "after zero for no_progress",
			files: map[string]string{"policy.yaml": policyWith(t, "after: 2h", "after: 0m")},
			want:  []problem{{"policy.yaml", 60, "severities.P2.escalation.after", "must be more than zero for trigger no_progress"}},
		},
		{
			name:  "after missing for no_resolution",
			files: map[string]string{"policy.yaml": policyWith(t, "after: 24h, ", "")},
			want:  []problem{{"policy.yaml", 88, "severities.P4.escalation.after", "missing"}},
		},
		{
			name:  "after set for immediate",
			files: map[string]string{"policy.yaml": policyWith(t, "after: 0m,", "after: 15m,")},
			want:  []problem{{"policy.yaml", 46, "severities.P1.escalation.after", "must be 0 or left out for trigger immediate, not 15m"}},
		},
		{
			name: "no tiers",
			files: map[string]string{"policy.yaml": policyWith(t,
				"tiers: [15m, 30m, 60m]", "tiers: []",
				", tiers: [8h, 24h]}", "}")},
			want: []problem{
				{"policy.yaml", 46, "severities.P1.escalation.tiers", "no tiers"},
				{"policy.yaml", 88, "severities.P4.escalation.tiers", "no tiers"},
			},
		},
		{
			name:  "zero tier",
			files: map[string]string{"policy.yaml": policyWith(t, "tiers: [30m, 60m, 120m]", "tiers: [30m, 0m, 120m]")},
			want:  []problem{{"policy.yaml", 60, "severities.P2.escalation.tiers[1]", "must be more than zero"}},
		},
		{
			name: "missing cadence and escalation",
			files: map[string]string{"policy.yaml": policyWith(t,
				"    status_update_every: 4h\n", "",
				"    escalation: {trigger: no_resolution, after: 24h, tiers: [8h, 24h]}  # Tier 3: N/A\n", "")},
			want: []problem{
				{"policy.yaml", 71, "severities.P3.status_update_every", "missing"},
				{"policy.yaml", 84, "severities.P4.escalation", "missing"},
			},
		},
		{
			name:  "unknown field in the escalation",
			files: map[string]string{"policy.yaml": policyWith(t, "after: 2h,", "afer: 2h,")},
			want: []problem{
				{"policy.yaml", 60, "severities.P2.escalation.afer", `unknown field "afer" (known fields: trigger, after, tiers)`},
				{"policy.yaml", 60, "severities.P2.escalation.after", "missing"},
			},
		},
		{
			name: "escalation of the wrong kind",
			files: map[string]string{"policy.yaml": policyWith(t,
				"tiers: [15m, 30m, 60m]", "tiers: 15m",
				"escalation: {trigger: no_resolution, after: 8h,  tiers: [4h, 8h, 24h]}", "escalation: no_resolution")},
			want: []problem{
				{"policy.yaml", 46, "severities.P1.escalation.tiers", "want a list, got text"},
				{"policy.yaml", 74, "severities.P3.escalation", "want a mapping, got text"},
			},
		},
		{
			name: "bad services",
			files: map[string]string{"services.yaml": `services:
  - {id: registry, name: Registry Service}
  - {id: registry, name: Transport Layer}
  - {id: "", name: Registry Service}
  - {id: backup, tier: All}
`},
			want: []problem{
				{"services.yaml", 3, "services[1].id", `duplicate service id "registry" (first at line 2)`},
				{"services.yaml", 4, "services[2].id", "missing"},
				{"services.yaml", 4, "services[2].name", `duplicate service name "Registry Service" (first at line 2)`},
				{"services.yaml", 5, "services[3].name", "missing"},
			},
		},
		{
			name: "duplicate key",
			files: map[string]string{"services.yaml": `services:
  - id: registry
    name: Registry Service
    id: transport
`},
			want: []problem{{"services.yaml", 4, "services[0].id", `"id" is already defined at line 2`}},
		},
		{
			name:  "empty file",
			files: map[string]string{"services.yaml": "# nothing yet\n"},
			want:  []problem{{"services.yaml", 0, "", "the file is empty"}},
		},
		{
			name:  "missing file",
			files: map[string]string{"policy.yaml": ""},
			want:  []problem{{"policy.yaml", 0, "", "file not found"}},
		},
		{
			name:  "two documents",
			files: map[string]string{"services.yaml": builtinFile(t, "services.yaml") + "---\nservices: []\n"},
			want:  []problem{{"services.yaml", 28, "", "only one YAML document is allowed per file"}},
		},
		{
			name: "problems in several files",
			files: map[string]string{
				"p1.yaml": strings.Replace(builtinFile(t, "p1.yaml"), "version: seed-1", "versoin: seed-1", 1),
				"p2.yaml": strings.Replace(builtinFile(t, "p2.yaml"), "from: detected, start: 0m", "from: now, start: 0m", 1),
			},
			want: []problem{
				{"p1.yaml", 6, "version", "missing"},
				{"p1.yaml", 7, "versoin", `unknown field "versoin" (known fields: severity, version, scenario, phases)`},
				{"p2.yaml", 9, "phases[0].window.from", `unknown anchor "now"`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := builtinFS(t)
			for name, data := range tt.files {
				if data == "" {
					delete(fsys, name)
					continue
				}
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			cat, err := Load(fsys)
			assert.Equal(t, model.Catalog{}, cat)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			got := make([]problem, len(verr.Problems))
			for i, p := range verr.Problems {
				got[i] = problem{p.File, p.Line, p.Field, p.Msg}
				if i < len(tt.want) && strings.Contains(p.Msg, tt.want[i].msg) {
					got[i].msg = tt.want[i].msg
				}
			}
			assert.Equal(t, tt.want, got, "%v", err)
		})
	}
}

// builtinFile returns the text of one built-in file.
func builtinFile(t *testing.T, name string) string {
	t.Helper()
	data, err := builtinFiles.ReadFile("data/" + name)
	require.NoError(t, err)
	return string(data)
}

// replaceAll applies each pair of old and new text to s in turn; each old
// text must occur in s exactly once.
func replaceAll(t *testing.T, s string, pairs ...string) string {
	t.Helper()
	require.Zero(t, len(pairs)%2, "pairs of old and new text")
	for i := 0; i < len(pairs); i += 2 {
		require.Equal(t, 1, strings.Count(s, pairs[i]), "occurrences of %q", pairs[i])
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// policyWith returns the built-in policy.yaml changed by replaceAll.
func policyWith(t *testing.T, pairs ...string) string {
	t.Helper()
	return replaceAll(t, builtinFile(t, "policy.yaml"), pairs...)
}

// cutLines removes n lines from s, starting with the line first.
func cutLines(s, first string, n int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l == first {
			return strings.Join(append(lines[:i:i], lines[i+n:]...), "\n")
		}
	}
	panic("no line " + first)
}

func TestValidationError(t *testing.T) {
	err := error(&ValidationError{Problems: []Problem{
		{File: "p1.yaml", Line: 12, Field: "phases[0].window.end", Msg: "missing"},
		{File: "p1.yaml", Line: 3, Msg: "did not find expected key"},
		{File: "p*.yaml", Msg: "no playbook for P2"},
	}})
	assert.Equal(t, "p1.yaml:12: phases[0].window.end: missing\n"+
		"p1.yaml:3: did not find expected key\n"+
		"p*.yaml: no playbook for P2", err.Error())
	assert.ErrorIs(t, err, model.ErrInvalid)
	assert.NotErrorIs(t, err, model.ErrNotFound)
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"0", 0, ""},
		{"0m", 0, ""},
		{"90s", 90 * time.Second, ""},
		{"15m", 15 * minute, ""},
		{"4h", 4 * hour, ""},
		{"1h30m", 90 * minute, ""},
		{"240m", 4 * hour, ""},
		{"5d", 5 * day, ""},
		{"0d", 0, ""},
		{"14d", 14 * day, ""},
		{"1w", 7 * day, ""},
		{"-1h", 0, "negative"},
		{"-5d", 0, "negative"},
		{"", 0, "invalid"},
		{"d", 0, "invalid"},
		{"5", 0, "invalid"},
		{"1.5d", 0, "invalid"},
		{"+5d", 0, "invalid"},
		{"5 d", 0, "invalid"},
		{"1w2d", 0, "invalid"},
		{"99999999999999999999d", 0, "too long"},
		{"106752d", 0, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDuration(tt.in)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Page on-call engineer":          "page-on-call-engineer",
		"Update status every 30 minutes": "update-status-every-30-minutes",
		"  Notify VIP -- customers!  ":   "notify-vip-customers",
		"Vérifier l'état":                "vérifier-l-état",
		"!!!":                            "",
	} {
		assert.Equal(t, want, slug(in), in)
	}
}

// FuzzLoad replaces one of the built-in files with arbitrary bytes: Load
// must return either a catalog or a *ValidationError, and never panic.
func FuzzLoad(f *testing.F) {
	base := builtinFS(f)
	names := slices.Sorted(maps.Keys(base))
	for i, name := range names {
		f.Add(uint8(i), base[name].Data)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		fsys := fstest.MapFS{}
		for name, file := range base {
			fsys[name] = file
		}
		fsys[names[int(which)%len(names)]] = &fstest.MapFile{Data: data}
		cat, err := Load(fsys)
		if err == nil {
			require.Len(t, cat.Playbooks, 4)
			return
		}
		var verr *ValidationError
		require.True(t, errors.As(err, &verr), "%T: %v", err, err)
		require.NotEmpty(t, verr.Problems)
		for _, p := range verr.Problems {
			require.NotEmpty(t, p.File)
			require.NotEmpty(t, p.Msg)
		}
	})
}
