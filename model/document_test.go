package model_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

func TestDocJSON(t *testing.T) {
	inc, ev, err := model.Declare(model.Declaration{
		Title: "Registry down", Impact: model.ImpactCritical, CustomersPct: 80,
		Services: []string{"registry"}, DetectedAt: at(0), Actor: "alice",
	}, testCatalog())
	require.NoError(t, err)
	inc.Number = 42
	numberChecklist(inc.Checklist, 1)
	inc.Timeline = append(inc.Timeline, ev)
	record := func(ev model.Event, err error) {
		t.Helper()
		require.NoError(t, err)
		inc.Timeline = append(inc.Timeline, ev)
	}
	record(inc.AssignRole(at(time.Minute), "alice", model.RoleCommander, "alice"))
	record(inc.Acknowledge(at(2*time.Minute), "alice"))
	inc.Checklist[0].Done, inc.Checklist[0].DoneBy, inc.Checklist[0].DoneAt = true, "bob", at(3*time.Minute)
	inc.Checklist[5].Retired = true

	now := at(13 * time.Minute) // initial resolution ok, ack met
	raw, err := json.Marshal(inc.Doc(now))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))

	assert.Equal(t, "INC-0042", doc["key"])
	assert.Equal(t, "Registry down", doc["title"])
	assert.Equal(t, "P1", doc["severity"])
	assert.Equal(t, "Critical", doc["severity_name"])
	assert.Equal(t, false, doc["severity_override"])
	assert.Equal(t, "Triage", doc["phase"])
	assert.Equal(t, "open", doc["status"])
	assert.Equal(t, "critical", doc["impact"])
	assert.Equal(t, 80.0, doc["customers_pct"])
	assert.Equal(t, []any{"registry"}, doc["services"])
	assert.Equal(t, "alice", doc["commander"])
	assert.Equal(t, "2025-03-14T09:00:00.000Z", doc["detected_at"])
	assert.Equal(t, "2025-03-14T09:00:00.000Z", doc["started_at"])
	assert.Equal(t, "2025-03-14T09:02:00.000Z", doc["acknowledged_at"])
	for _, k := range []string{"mitigated_at", "resolved_at", "post_mortem_at", "closed_at"} {
		require.Contains(t, doc, k, "every contract field is present")
		assert.Nil(t, doc[k], "%s: an instant not reached is null", k)
	}
	assert.Equal(t, map[string]any{"done": 1.0, "total": 5.0}, doc["progress"])

	deadlines := doc["deadlines"].([]any)
	require.Len(t, deadlines, 10)
	// §3.3's five, §6.1.1's four (pending until resolved), the status update.
	wantStates := []string{"met", "met", "ok", "ok", "pending", "pending", "pending", "pending", "pending", "ok"}
	for i, x := range deadlines {
		d := x.(map[string]any)
		for _, k := range []string{"id", "name", "start_at", "due_at", "done_at", "state"} {
			assert.Contains(t, d, k)
		}
		assert.Equal(t, wantStates[i], d["state"], d["id"])
	}
	ack := deadlines[1].(map[string]any)
	assert.Equal(t, "acknowledge", ack["id"])
	assert.Equal(t, "Acknowledgment", ack["name"])
	assert.Equal(t, "2025-03-14T09:15:00.000Z", ack["due_at"])
	assert.Equal(t, "2025-03-14T09:02:00.000Z", ack["done_at"])
	pm := deadlines[4].(map[string]any)
	require.Contains(t, pm, "due_at")
	assert.Nil(t, pm["due_at"], "a pending deadline has no due time: null")
	assert.Nil(t, pm["start_at"])
	assert.Nil(t, pm["done_at"])
	upd := deadlines[9].(map[string]any)
	assert.Equal(t, map[string]any{
		"id": "status_update", "name": "Status update", "start_at": "2025-03-14T09:00:00.000Z",
		"due_at": "2025-03-14T09:30:00.000Z", "done_at": nil, "state": "ok",
	}, upd, "the status update is a deadline of the document too")

	checklist := doc["checklist"].([]any)
	require.Len(t, checklist, 5, "retired items are left out")
	first := checklist[0].(map[string]any)
	assert.Equal(t, "Immediate Actions", first["phase"])
	assert.Equal(t, "Page on-call engineer", first["text"])
	assert.Equal(t, true, first["done"])
	assert.Equal(t, "bob", first["done_by"])
	assert.Equal(t, "2025-03-14T09:03:00.000Z", first["done_at"])
	assert.Equal(t, "p1.imm.page", first["step_id"])
	assert.Equal(t, "P1", first["severity"])
	assert.Equal(t, "Alert Stakeholders", first["group"])
	second := checklist[1].(map[string]any)
	assert.Equal(t, false, second["done"])
	for _, k := range []string{"done_by", "done_at"} {
		require.Contains(t, second, k, "every contract field is present")
		assert.Nil(t, second[k], "%s: null while not done", k)
	}
	fifth := checklist[4].(map[string]any)
	require.Contains(t, fifth, "group")
	assert.Equal(t, "", fifth["group"], "a step outside any group: empty, not left out")

	assert.Equal(t, map[string]any{"Incident Commander": "alice"}, doc["roles"])

	timeline := doc["timeline"].([]any)
	require.Len(t, timeline, 3)
	e := timeline[2].(map[string]any)
	assert.Equal(t, map[string]any{
		"at": "2025-03-14T09:02:00.000Z", "actor": "alice", "kind": "acknowledged",
		"text": "acknowledged; phase -> Triage",
	}, e)
	assert.Equal(t, "declared", timeline[0].(map[string]any)["kind"])
}

func TestDocEmptyCollectionsAreArrays(t *testing.T) {
	inc := &model.Incident{Number: 1, Title: "bare", Severity: model.P4, Status: model.StatusOpen, DetectedAt: at(0)}
	raw, err := json.Marshal(inc.Doc(at(0)))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	for _, k := range []string{"services", "deadlines", "checklist", "timeline"} {
		assert.Equal(t, []any{}, doc[k], k)
	}
	assert.Equal(t, map[string]any{}, doc["roles"])
	assert.Equal(t, "", doc["commander"])
}

func TestDocResolvedAndClosed(t *testing.T) {
	inc := declare(t, model.P2, at(0))
	_, err := inc.Resolve(at(time.Hour), "bob", "", skipVerification)
	require.NoError(t, err)
	_, err = inc.Close(at(2*time.Hour), "bob", skipReview)
	require.NoError(t, err)
	d := inc.Doc(at(3 * time.Hour))
	assert.Equal(t, "closed", d.Status)
	assert.Equal(t, "Post-Mortem", d.Phase)
	require.NotNil(t, d.ResolvedAt)
	require.NotNil(t, d.ClosedAt)
	assert.Equal(t, "2025-03-14T10:00:00.000Z", *d.ResolvedAt)
	assert.Equal(t, "2025-03-14T11:00:00.000Z", *d.ClosedAt)
	assert.True(t, d.SeverityOverride)
	require.Len(t, d.Deadlines, 9)
	for _, x := range d.Deadlines[4:] {
		assert.Equal(t, "skipped", x.State, x.ID) // the post-mortem and the review
	}
	require.NotNil(t, d.Deadlines[4].StartAt)
	assert.Equal(t, "2025-03-14T10:00:00.000Z", *d.Deadlines[4].StartAt)
}

func TestSummaryJSON(t *testing.T) {
	inc := declare(t, model.P1, at(0))
	inc.Number = 7
	_, err := inc.AssignRole(at(time.Minute), "alice", model.RoleCommander, "alice")
	require.NoError(t, err)
	inc.Progress = model.Progress{Done: 2, Total: 6}

	raw, err := json.Marshal(inc.Summary(at(20 * time.Minute)))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Equal(t, "INC-0007", doc["key"])
	assert.Equal(t, "Registry down", doc["title"])
	assert.Equal(t, "P1", doc["severity"])
	assert.Equal(t, "Detected", doc["phase"])
	assert.Equal(t, "open", doc["status"])
	assert.Equal(t, "alice", doc["commander"])
	assert.Equal(t, "2025-03-14T09:00:00.000Z", doc["detected_at"])
	assert.Equal(t, map[string]any{"done": 2.0, "total": 6.0}, doc["progress"])
	assert.Equal(t, map[string]any{
		"id": "acknowledge", "name": "Acknowledgment", "start_at": "2025-03-14T09:00:00.000Z",
		"due_at": "2025-03-14T09:15:00.000Z", "done_at": nil, "state": "breached",
	}, doc["next_deadline"])
	// A P1 escalates at once (§7.1 "immediate activation"): list says so,
	// as the board does.
	assert.Equal(t, map[string]any{
		"tier": 1.0, "next_tier": 2.0, "due": true, "due_since": "2025-03-14T09:00:00.000Z",
		"due_at": nil, "reason": "immediate activation (P1)", "escalated_at": nil, "acknowledged_at": nil,
	}, doc["escalation"])

	// Nothing running: next_deadline is null.
	_, err = inc.Resolve(at(time.Hour), "bob", "", skipVerification)
	require.NoError(t, err)
	_, err = inc.AdvancePhase(at(2*time.Hour), "bob")
	require.NoError(t, err)
	completeReview(t, inc, at(2*time.Hour))
	raw, err = json.Marshal(inc.Summary(at(3 * time.Hour)))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Contains(t, doc, "next_deadline")
	assert.Nil(t, doc["next_deadline"])
}

// TestDocNullsUnsetInstants: every contract field is in the document, an
// instant not reached yet as null, so that scripts need not guess whether a
// field is missing or unset.
func TestDocNullsUnsetInstants(t *testing.T) {
	inc := declare(t, model.P2, at(0))
	raw, err := json.Marshal(inc.Doc(at(time.Hour)))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	for _, k := range []string{"acknowledged_at", "mitigated_at", "resolved_at", "post_mortem_at", "closed_at"} {
		require.Contains(t, doc, k)
		assert.Nil(t, doc[k], k)
	}
	esc := doc["escalation"].(map[string]any)
	assert.Equal(t, map[string]any{
		"tier": 1.0, "next_tier": 2.0, "due": false, "due_since": nil,
		"due_at": "2025-03-14T11:00:00.000Z", "reason": "2h without progress",
		"escalated_at": nil, "acknowledged_at": nil,
	}, esc, "a P2 falls due after 2h without progress")

	// Escalated, acknowledged, then due again at the top: the tier's
	// instants are set and the tier after the top is null.
	_, err = inc.Escalate(at(3*time.Hour), "bob", "2h without progress")
	require.NoError(t, err)
	_, err = inc.AcknowledgeEscalation(at(3*time.Hour+5*time.Minute), "carol")
	require.NoError(t, err)
	_, err = inc.Escalate(at(6*time.Hour), "bob", "2h without progress")
	require.NoError(t, err)
	raw, err = json.Marshal(inc.Doc(at(6 * time.Hour)))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &doc))
	esc = doc["escalation"].(map[string]any)
	require.Contains(t, esc, "acknowledged_at")
	assert.Nil(t, esc["acknowledged_at"], "Tier 3 has not taken it yet")
	_, err = inc.AcknowledgeEscalation(at(6*time.Hour+10*time.Minute), "dave")
	require.NoError(t, err)
	raw, err = json.Marshal(inc.Doc(at(6*time.Hour + 10*time.Minute)))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &doc))
	esc = doc["escalation"].(map[string]any)
	assert.Equal(t, 3.0, esc["tier"])
	require.Contains(t, esc, "next_tier")
	assert.Nil(t, esc["next_tier"], "no tier above the top one")
	assert.Equal(t, false, esc["due"])
	assert.Nil(t, esc["due_since"])
	assert.Nil(t, esc["due_at"])
	assert.Equal(t, "2025-03-14T15:00:00.000Z", esc["escalated_at"])
	assert.Equal(t, "2025-03-14T15:10:00.000Z", esc["acknowledged_at"])
}

// TestDocDrillID: show --json and list --json say whose exercise a
// drill's incident is, and null for a real incident; the export, which
// embeds the document, says the same next to its drill object.
func TestDocDrillID(t *testing.T) {
	asJSON := func(v any) map[string]any {
		t.Helper()
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(raw, &doc))
		return doc
	}
	real := declare(t, model.P2, at(0))
	drill := declare(t, model.P1, at(0))
	drill.DrillID = 3
	now := at(time.Hour)
	for name, doc := range map[string]map[string]any{
		"show": asJSON(real.Doc(now)), "list": asJSON(real.Summary(now)), "export": asJSON(real.Export(model.Review{}, nil, now)),
	} {
		require.Contains(t, doc, "drill_id", name)
		assert.Nil(t, doc["drill_id"], "%s: a real incident's is null", name)
	}
	d := model.Drill{ID: 3, StartedAt: at(0), Incident: drill.Number}
	for name, doc := range map[string]map[string]any{
		"show": asJSON(drill.Doc(now)), "list": asJSON(drill.Summary(now)), "export": asJSON(drill.DrillExport(d, model.Review{}, nil, now)),
	} {
		assert.Equal(t, 3.0, doc["drill_id"], name)
	}
}
