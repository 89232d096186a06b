package ui

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/store"
	_ "modernc.org/sqlite"
)

// second opens another console on the same database, as another tmux pane
// would.
func (h *harness) second(t *testing.T) *harness {
	st, err := store.Open(context.Background(), h.st.Path())
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	o := &harness{t: t, st: st, cat: h.cat, now: h.now}
	o.app = New(Config{Store: st, Catalog: h.cat, Actor: "bob", DBPath: st.Path(),
		Now: func() time.Time { return o.now }, Location: time.UTC, Terminal: &bytes.Buffer{}})
	o.app.clock = func() tea.Cmd { return nil }
	o.app.poll = func() tea.Cmd { return nil }
	o.app.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	o.pollOnce()
	o.run(o.app.reloadBoard())
	return o
}

// pollOnce runs one data_version poll, as the 250 ms poller would.
func (h *harness) pollOnce() {
	h.t.Helper()
	msg := poll(h.st, 0)()
	_, cmd := h.app.Update(msg)
	h.run(cmd) // the reloads; the next poll is stopped in tests
}

func TestOtherConsolesChangesShowWithoutLosingPlace(t *testing.T) {
	a := newHarness(t, 120, 40)
	inc := a.declare("Registry nodes down", model.P1, t0)
	a.declare("Transport latency", model.P2, t0)
	a.run(a.app.reloadBoard())
	b := a.second(t)

	// b opens the P1, moves to the third step and starts typing a note
	b.key("enter")
	b.key("down")
	b.key("down")
	sel := b.app.incident.selected().StepID
	b.key("n")
	b.typeText("half a thought")

	// a ticks the first step and adds a note
	a.key("enter")
	a.key("space")
	a.key("n")
	a.typeText("failover started")
	a.key("enter")

	b.pollOnce()
	got := b.app.incident.inc
	require.NotNil(t, got)
	assert.Equal(t, 1, got.Progress.Done, "the tick shows on the other console")
	assert.Contains(t, b.view(), "failover started")
	assert.Equal(t, sel, b.app.incident.selected().StepID, "selection kept")
	require.NotNil(t, b.app.prompt, "the open prompt survives the refresh")
	assert.Equal(t, "half a thought", b.app.prompt.input.Value(), "text being typed survives")

	// a new incident appears on the other board
	b.key("esc")
	b.key("esc")
	a.declare("Session manager down", model.P3, t0)
	b.pollOnce()
	assert.Contains(t, b.view(), "Session manager down")
	_ = inc
}

func TestEscalationDueAndEscalate(t *testing.T) {
	h := newHarness(t, 120, 40)
	withTemplates(t, h)
	h.declare("Transport degraded", model.P2, t0.Add(-2*time.Hour-12*time.Minute))
	h.run(h.app.reloadBoard())
	assert.Contains(t, h.view(), "ESC T2 +12:00", "a P2 without progress for 2h: escalate")

	h.key("enter")
	assert.Contains(t, h.view(), "→T2 DUE +12:00 (e) · 2h without progress")
	h.key("e")
	require.NotNil(t, h.app.prompt)
	assert.Equal(t, "2h without progress", h.app.prompt.input.Value(), "the trigger is the default reason")
	h.key("enter")

	inc := h.get(1)
	assert.Equal(t, 2, inc.Tier)
	assert.Equal(t, t0, inc.EscalatedAt)
	last := inc.Timeline[len(inc.Timeline)-1]
	assert.Equal(t, model.EventEscalated, last.Kind)
	assert.Equal(t, "alice", last.Actor)
	assert.Contains(t, last.Text, "Tier 1 -> Tier 2: 2h without progress")

	require.Equal(t, screenEditor, h.app.screen, "the escalation notification opens as a draft")
	text := h.app.editor.ta.Value()
	assert.Equal(t, "escalation-notification", h.app.editor.draft.Template)
	assert.Contains(t, text, "ESCALATION NOTIFICATION")
	assert.Contains(t, text, "INC-0001")
	assert.Contains(t, text, "Tier 2")
	assert.Contains(t, text, "2h without progress")
	assert.Contains(t, text, "[Phone]", "what the console cannot know stays visible")

	var copied bytes.Buffer
	h.app.env.cfg.Terminal = &copied
	h.key("ctrl+y")
	assert.Contains(t, copied.String(), "\x1b]52;c;")
	h.key("esc") // to the drafts
	h.key("esc") // to the incident
	require.Equal(t, screenIncident, h.app.screen)

	// the tier's response clock runs; a acknowledges the escalation
	assert.Contains(t, h.view(), "T2  Tier 2 response")
	h.now = t0.Add(10 * time.Minute)
	h.key("a") // the incident itself was not acknowledged yet: that first
	h.key("a")
	inc = h.get(1)
	assert.Equal(t, t0.Add(10*time.Minute), inc.TierAckAt)
	for _, d := range inc.Deadlines(h.now) {
		if d.ID == model.DeadlineTierResponse {
			assert.Equal(t, model.StateMet, d.State)
		}
	}
}

func TestStatusUpdateOverdueAndRecorded(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.declare("Registry nodes down", model.P1, t0.Add(-31*time.Minute))
	h.run(h.app.reloadBoard())
	h.key("enter")
	assert.Regexp(t, `UPD Status update\s+13:59 \+01:00 BREACHED`, h.view())
	h.key("u")
	h.typeText("failover in progress, next update 14:30")
	h.key("enter")
	inc := h.get(1)
	assert.Equal(t, t0, inc.LastUpdateAt)
	assert.Equal(t, model.EventStatusUpdate, inc.Timeline[len(inc.Timeline)-1].Kind)
	assert.Regexp(t, `UPD Status update\s+14:30 in 30:00`, h.view())
}

func TestAttentionBellOncePerEvent(t *testing.T) {
	h := newHarness(t, 120, 40)
	var bell bytes.Buffer
	h.app.env.cfg.Terminal = &bell
	h.declare("Registry nodes down", model.P1, t0.Add(-14*time.Minute))
	h.run(h.app.reloadBoard())
	// P1 escalation is immediate: one alert, one bell
	assert.Equal(t, 1, strings.Count(bell.String(), "\a"))
	assert.Contains(t, h.view(), "⚠ INC-0001: escalate to Tier 2")

	// a minute later the acknowledgment deadline is breached: one more
	h.now = t0.Add(time.Minute)
	h.run(func() tea.Msg { return clockMsg(h.now) })
	assert.Equal(t, 2, strings.Count(bell.String(), "\a"))
	assert.Contains(t, h.view(), "⚠ 2 alerts, newest: INC-0001: Acknowledgment breached")

	// the same events never ring again
	for i := 0; i < 5; i++ {
		h.now = h.now.Add(time.Second)
		h.run(func() tea.Msg { return clockMsg(h.now) })
	}
	assert.Equal(t, 2, strings.Count(bell.String(), "\a"))

	// acknowledged with a key: the banner goes, the lines come back
	h.key("!")
	assert.NotContains(t, h.view(), "⚠")
	assert.Len(t, strings.Split(h.view(), "\n"), 40)
}

// TestUpdateNeverBlocksOnIO holds the database's write lock for two seconds
// while keys are sent: Update handles every key at once (it only returns
// commands), and the writes complete once the lock is released.
func TestUpdateNeverBlocksOnIO(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.declare("Registry nodes down", model.P1, t0)
	h.run(h.app.reloadBoard())
	h.key("enter")

	locker, err := sql.Open("sqlite", "file:"+filepath.ToSlash(h.st.Path())+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	defer locker.Close()
	tx, err := locker.Begin()
	require.NoError(t, err)
	_, err = tx.Exec("INSERT INTO schema_migrations(version, applied_at) VALUES (999, 0)") // takes the write lock
	require.NoError(t, err)

	var cmds []tea.Cmd
	send := func(k tea.KeyMsg) {
		_, cmd := h.app.Update(k)
		cmds = append(cmds, cmd)
	}
	send(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
	send(tea.KeyMsg{Type: tea.KeyDown})
	send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'n'}})
	require.IsType(t, openPromptMsg{}, cmds[2]()) // n opens the note prompt: no I/O
	h.app.Update(cmds[2]())
	require.NotNil(t, h.app.prompt, "keys were handled while the lock was held")
	assert.Equal(t, "p1.immediate-actions.alert-stakeholders.notify-ceo-and-executives", h.app.incident.selected().StepID, "the cursor moved")

	done := make(chan tea.Msg, 1)
	go func() { done <- cmds[0]() }()
	time.Sleep(2 * time.Second) // the lock is held this long
	require.NoError(t, tx.Rollback())
	msg := <-done
	require.IsType(t, actionDoneMsg{}, msg)
	assert.NoError(t, msg.(actionDoneMsg).err, "the write waited for the lock, then committed")
	assert.Equal(t, 1, h.get(1).Progress.Done)
}

// TestSeverityChangeOnAStaleScreenIsRefused: alice decides on a screen that
// still shows P2 while bob has made it P1: her change is refused, not
// applied over his.
func TestSeverityChangeOnAStaleScreenIsRefused(t *testing.T) {
	a := newHarness(t, 120, 40)
	a.declare("Transport degraded", model.P2, t0)
	a.run(a.app.reloadBoard())
	b := a.second(t)
	a.key("enter")
	a.key("s") // alice's prompt says "now P2"

	b.key("enter")
	b.key("s")
	b.key("up") // P1
	b.typeText("worse")
	b.key("enter")
	require.Equal(t, model.P1, b.get(1).Severity)

	a.key("down")
	a.key("down") // P4
	a.typeText("minor after all")
	a.key("enter")
	inc := a.get(1)
	assert.Equal(t, model.P1, inc.Severity, "bob's change stands")
	assert.Contains(t, a.view(), "is now P1 (changed meanwhile")
	n := 0
	for _, e := range inc.Timeline {
		if e.Kind == model.EventSeverity {
			n++
		}
	}
	assert.Equal(t, 1, n)
}

// TestIncidentFromAlertsShowsThem: an incident opened by monitoring shows
// its alerts' summary on the screen and, on l, every detail neutralised.
func TestIncidentFromAlertsShowsThem(t *testing.T) {
	h := newHarness(t, 120, 40)
	ctx := context.Background()
	alert := model.AlertRecord{Source: "alertmanager", GroupKey: "{}:{alertname=\"RegistryDown\"}", Fingerprint: "abc123",
		Status: model.AlertFiring, Summary: "Registry down\x1b[2J in eu-west", Description: "all nodes\nunreachable",
		RunbookURL: "https://runbooks.example/registry", GeneratorURL: "https://prom.example/graph",
		Labels: map[string]string{"severity": "critical", "service": "registry"}, StartsAt: t0.Add(-3 * time.Minute), LastSeen: t0}
	_, created, err := h.st.RecordAlerts(ctx, alert.Source, alert.GroupKey, []model.AlertRecord{alert},
		model.Declaration{Title: "Registry down in eu-west", Severity: model.P1, OverrideReason: "mapped from severity=critical",
			StartedAt: alert.StartsAt, DetectedAt: t0, Actor: "alertmanager"}, h.cat, "alertmanager", t0)
	require.NoError(t, err)
	require.True(t, created)
	h.run(h.app.reloadBoard())
	h.key("enter")
	v := h.view()
	assert.Contains(t, v, "ALR 1 firing, 0 resolved · Registry down i")
	assert.Contains(t, v, "DET Detection          missed: 14:00", "detection measured from the alert's start")
	assert.NotContains(t, v, "\x1b[2J")
	h.key("l")
	require.NotNil(t, h.app.doc)
	text := h.app.doc.Text()
	for _, want := range []string{"FIRING · alertmanager · abc123", "runbook:     https://runbooks.example/registry",
		"source:      https://prom.example/graph", "label        severity=critical", "               unreachable"} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "\x1b")
}
