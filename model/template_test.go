package model_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

func TestHumanDuration(t *testing.T) {
	table := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{499 * time.Millisecond, "0s"},
		{500 * time.Millisecond, "1s"},
		{30 * time.Second, "30s"},
		{59*time.Second + 600*time.Millisecond, "1m"}, // rounded to the second first
		{time.Minute, "1m"},
		{45*time.Minute + 59*time.Second, "45m"}, // minutes are cut, not rounded
		{time.Hour, "1h 0m"},
		{2*time.Hour + 13*time.Minute, "2h 13m"},
		{23*time.Hour + 59*time.Minute, "23h 59m"},
		{24 * time.Hour, "1d 0h"},
		{3*24*time.Hour + 4*time.Hour + 30*time.Minute, "3d 4h"},
		{-5 * time.Minute, "5m"}, // the size of the span, whichever way
	}
	for _, tc := range table {
		assert.Equal(t, tc.want, model.HumanDuration(tc.in), "%v", tc.in)
	}
}

var cet = time.FixedZone("CET", 3600)

func TestTimeWithZone(t *testing.T) {
	assert.Equal(t, "", model.TimeWithZone(time.Time{}, cet))
	when := time.Date(2026, 12, 3, 13, 5, 59, 0, time.UTC)
	assert.Equal(t, "2026-12-03 14:05 CET (+01:00)", model.TimeWithZone(when, cet))
	assert.Equal(t, "2026-12-03 13:05 UTC (+00:00)", model.TimeWithZone(when, time.UTC))
	ny := time.FixedZone("EST", -5*3600)
	assert.Equal(t, "2026-12-03 08:05 EST (-05:00)", model.TimeWithZone(when, ny))
}

// templateIncident is the incident of the template tests: a P1 declared at
// t0 on the Registry Service and Transport Layer, with 62% of customers,
// two roles, three ticked steps (one out of order), an untick, one status
// update and a note.
func templateIncident(t *testing.T) *model.Incident {
	t.Helper()
	inc, ev, err := model.Declare(model.Declaration{
		Title: "Registry nodes down", Impact: model.ImpactCritical, CustomersPct: 62,
		Services: []string{"registry", "transport"}, DetectedAt: at(0), Actor: "alice",
	}, testCatalog())
	require.NoError(t, err)
	inc.Number = 7
	numberChecklist(inc.Checklist, 1)
	inc.Timeline = append(inc.Timeline, ev)
	record := func(ev model.Event, err error) {
		t.Helper()
		require.NoError(t, err)
		inc.Timeline = append(inc.Timeline, ev)
	}
	record(inc.AssignRole(at(time.Minute), "alice", model.RoleCommsLead, "carol"))
	record(inc.AssignRole(at(2*time.Minute), "alice", model.RoleCommander, "alice"))
	record(inc.Acknowledge(at(3*time.Minute), "alice"))
	tick := func(i int, by string, when time.Duration) {
		inc.Checklist[i].Done, inc.Checklist[i].DoneBy, inc.Checklist[i].DoneAt = true, by, at(when)
	}
	tick(2, "bob", 6*time.Minute) // Initiate war room, ticked after the next one
	tick(0, "alice", 4*time.Minute)
	tick(1, "alice", 5*time.Minute)
	tick(3, "bob", 7*time.Minute)
	inc.Checklist[3].Retired = true // from an earlier severity: not shown
	record(inc.Note(at(8*time.Minute), "bob", "failover started"))
	record(inc.StatusUpdate(at(10*time.Minute), "carol", "Failover in progress.\nNew sessions may fail."))
	return inc
}

func TestNewTemplateData(t *testing.T) {
	inc := templateIncident(t)
	now := at(25 * time.Minute)
	d := model.NewTemplateData(inc, testCatalog(), now, cet)

	assert.Equal(t, "INC-0007", d.Key)
	assert.Equal(t, "Registry nodes down", d.Title)
	assert.Equal(t, "P1", d.Severity)
	assert.Equal(t, "Critical", d.SeverityName)
	assert.Equal(t, "P1 - Critical", d.SeverityLabel)
	assert.Equal(t, "Investigating", d.Status)
	assert.Equal(t, "Triage", d.Phase)
	assert.Equal(t, "2025-03-14 10:25 CET (+01:00)", d.Now)
	assert.Equal(t, "2025-03-14 10:00 CET (+01:00)", d.StartedAt)
	assert.Equal(t, "2025-03-14 10:00 CET (+01:00)", d.DetectedAt)
	assert.Equal(t, "2025-03-14 10:03 CET (+01:00)", d.AcknowledgedAt)
	assert.Equal(t, "", d.ResolvedAt)
	assert.Equal(t, "25m", d.Duration, "start to now while open")
	assert.Equal(t, "62%", d.CustomersPct)
	assert.Equal(t, "critical", d.Impact)
	assert.Equal(t, []model.ServiceImpact{
		{Name: "Registry Service", Tier: "All", DowntimeImpact: "Complete outage", PerformanceImpact: "Message throughput drop"},
		{Name: "Transport Layer", Tier: "Standard+", DowntimeImpact: "Connection loss", PerformanceImpact: "Latency increase"},
	}, d.Services)
	assert.Equal(t, "Registry Service, Transport Layer", d.ServiceNames)
	assert.Equal(t, []model.ActionTaken{
		{At: "2025-03-14 10:04 CET (+01:00)", By: "alice", Text: "Page on-call engineer"},
		{At: "2025-03-14 10:05 CET (+01:00)", By: "alice", Text: "Create incident ticket"},
		{At: "2025-03-14 10:06 CET (+01:00)", By: "bob", Text: "Initiate war room"},
	}, d.Actions, "ticked steps, oldest first, retired ones left out")
	assert.Equal(t, []model.RoleHolder{
		{Role: "Incident Commander", Person: "alice"},
		{Role: "Communications Lead", Person: "carol"},
	}, d.Roles, "in the seed's order, not the order assigned")
	assert.Equal(t, "alice", d.Commander)
	assert.Equal(t, []model.UpdateEntry{
		{At: "2025-03-14 10:10 CET (+01:00)", By: "carol", Text: "Failover in progress.\nNew sessions may fail."},
	}, d.Updates, "status updates only, their lines kept")
	assert.Equal(t, "2025-03-14 10:40 CET (+01:00)", d.NextUpdateAt, "30 minutes after the last update")
	assert.Equal(t, "30m", d.UpdateEvery)
	assert.Equal(t, "2025-03-14 10:55 CET (+01:00)", d.NextUpdateIfSent, "30 minutes after now")
	assert.Equal(t, 1, d.Tier)
	assert.Equal(t, 2, d.NextTier)
	assert.Equal(t, "immediate activation (P1)", d.EscalationReason)
	assert.Equal(t, "", d.EscalatedAt)
	assert.Equal(t, model.EscalationNotice{From: 1, To: 2, Reason: "immediate activation (P1)", RespondWithin: "30m"},
		d.Escalation, "before any escalation: the one the trigger calls for")
}

func TestNewTemplateDataEscalated(t *testing.T) {
	inc := templateIncident(t)
	ev, err := inc.Escalate(at(12*time.Minute), "alice", "")
	require.NoError(t, err)
	inc.Timeline = append(inc.Timeline, ev)
	ev, err = inc.AcknowledgeEscalation(at(14*time.Minute), "dave")
	require.NoError(t, err)
	inc.Timeline = append(inc.Timeline, ev)

	d := model.NewTemplateData(inc, testCatalog(), at(25*time.Minute), cet)
	assert.Equal(t, 2, d.Tier)
	assert.Equal(t, 3, d.NextTier)
	assert.Equal(t, "2025-03-14 10:12 CET (+01:00)", d.EscalatedAt)
	assert.Equal(t, model.EscalationNotice{From: 1, To: 2, Reason: "immediate activation (P1)",
		At: "2025-03-14 10:12 CET (+01:00)", RespondWithin: "30m"}, d.Escalation,
		"the last escalation recorded, not the next one")

	ev, err = inc.Escalate(at(20*time.Minute), "alice", "needs the \x1b[31mdatabase\x1b[0m team:\nnow")
	require.NoError(t, err)
	inc.Timeline = append(inc.Timeline, ev)
	d = model.NewTemplateData(inc, testCatalog(), at(25*time.Minute), cet)
	assert.Equal(t, model.EscalationNotice{From: 2, To: 3, Reason: "needs the database team: now",
		At: "2025-03-14 10:20 CET (+01:00)", RespondWithin: "1h"}, d.Escalation)
	assert.Equal(t, 0, d.NextTier, "P1 has three tiers")

	// Without the timeline (a board load), the tier and time still tell.
	inc.Timeline = nil
	d = model.NewTemplateData(inc, testCatalog(), at(25*time.Minute), cet)
	assert.Equal(t, model.EscalationNotice{From: 2, To: 3, At: "2025-03-14 10:20 CET (+01:00)", RespondWithin: "1h"}, d.Escalation)
}

func TestNewTemplateDataResolved(t *testing.T) {
	inc := templateIncident(t)
	inc.StartedAt = at(-15 * time.Minute) // an alert said when it began
	verified := verify(t, inc, at(time.Hour+43*time.Minute))
	require.Equal(t, at(2*time.Hour+13*time.Minute), verified)
	_, err := inc.Resolve(verified, "alice", "", "")
	require.NoError(t, err)

	d := model.NewTemplateData(inc, testCatalog(), at(5*time.Hour), cet)
	assert.Equal(t, "Resolved", d.Status)
	assert.Equal(t, "Post-Mortem", d.Phase)
	assert.Equal(t, "2025-03-14 12:13 CET (+01:00)", d.ResolvedAt)
	assert.Equal(t, "2h 28m", d.Duration, "from the start to the resolution, not to now")
	assert.Equal(t, "", d.NextUpdateAt, "no updates are due once resolved")
	assert.Equal(t, "", d.NextUpdateIfSent)
	assert.Equal(t, "30m", d.UpdateEvery, "the policy's cadence still")
	assert.Equal(t, model.EscalationNotice{From: 1, To: 2, RespondWithin: "30m"}, d.Escalation,
		"never escalated: the next tier, with no trigger once resolved")
}

func TestNewTemplateDataNoCadence(t *testing.T) {
	inc := templateIncident(t)
	inc.Policy.StatusUpdateEvery = 0
	d := model.NewTemplateData(inc, testCatalog(), at(25*time.Minute), cet)
	assert.Equal(t, "", d.UpdateEvery)
	assert.Equal(t, "", d.NextUpdateIfSent)
	assert.Equal(t, "", d.NextUpdateAt)
}

func TestNewTemplateDataOddInput(t *testing.T) {
	inc := templateIncident(t)
	inc.Title = "\x1b]52;c;ZXZpbA==\x07Registry\x1b[2J\r\nnodes \u202edown"
	inc.Services = append(inc.Services, "gone") // no longer in the catalog
	inc.Roles[model.RoleTechLead] = "bob\x1b[8m"
	inc.Checklist[0].DoneBy = "eve\x07"
	inc.Checklist[0].Text = "Page\x1b]0;x\x07 on-call"
	inc.StartedAt = time.Time{} // an incident stored before started_at: detection counts

	d := model.NewTemplateData(inc, testCatalog(), at(25*time.Minute), cet)
	assert.Equal(t, "Registry nodes down", d.Title, "one plain line")
	assert.Equal(t, "Registry Service, Transport Layer, gone", d.ServiceNames)
	assert.Equal(t, model.ServiceImpact{Name: "gone"}, d.Services[2])
	assert.Equal(t, "bob", d.Roles[1].Person)
	assert.Equal(t, model.ActionTaken{At: "2025-03-14 10:04 CET (+01:00)", By: "eve", Text: "Page on-call"}, d.Actions[0])
	assert.Equal(t, "", d.StartedAt)
	assert.Equal(t, "25m", d.Duration)
}

func TestTemplateDataRole(t *testing.T) {
	d := model.NewTemplateData(templateIncident(t), testCatalog(), at(25*time.Minute), cet)
	for name, want := range map[string]string{
		"Incident Commander": "alice", "ic": "alice", "incident commander": "alice",
		"Communications Lead": "carol", "comms": "carol",
		"Technical Lead": "", "qa": "",
	} {
		got, err := d.Role(name)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
	_, err := d.Role("Chief Vibes Officer")
	assert.Error(t, err, "an unknown role is an error, so a template naming one is refused")
}

// TestTemplateDataStringsArePlain fills every string of TemplateData from an
// incident full of escape sequences and checks that none comes through.
func TestTemplateDataStringsArePlain(t *testing.T) {
	const evil = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\u009b31m\r\u202e"
	inc := templateIncident(t)
	inc.Title += evil
	inc.Roles[model.RoleCommander] += evil
	for i := range inc.Checklist {
		inc.Checklist[i].Text += evil
		inc.Checklist[i].DoneBy += evil
	}
	for i := range inc.Timeline {
		inc.Timeline[i].Actor += evil
		inc.Timeline[i].Text += evil
	}
	ev, err := inc.Escalate(at(12*time.Minute), "alice", "reason"+evil)
	require.NoError(t, err)
	inc.Timeline = append(inc.Timeline, ev)

	d := model.NewTemplateData(inc, testCatalog(), at(25*time.Minute), cet)
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			assertPlain(t, v.String())
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(d))
	assert.Equal(t, "alice", d.Commander[:5])
}
