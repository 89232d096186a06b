package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/warroom/warroom/model"
)

// seedBoard fills a store with a realistic board at the fake clock t0: a
// breached P1 in progress, a fresh P2, a P4, a resolved P3 and a hostile
// title.
func seedBoard(t *testing.T, h *harness) {
	ctx := context.Background()
	p1 := h.declare("Registry nodes down: no message routing possible", model.P1, t0.Add(-22*time.Minute))
	for i, it := range p1.Checklist[:7] {
		_, err := h.st.SetStep(ctx, p1.Number, it.ID, true, "alice", t0.Add(-time.Duration(20-i)*time.Minute))
		require.NoError(t, err)
	}
	_, err := h.st.Apply(ctx, p1.Number, func(inc *model.Incident) (model.Event, error) {
		return inc.AssignRole(t0.Add(-19*time.Minute), "alice", model.RoleCommander, "alice")
	})
	require.NoError(t, err)
	_, err = h.st.Apply(ctx, p1.Number, func(inc *model.Incident) (model.Event, error) {
		return inc.Note(t0.Add(-5*time.Minute), "carol", "failover to eu-west started")
	})
	require.NoError(t, err)

	h.declare("WebSocket connections dropping in eu-west", model.P2, t0.Add(-25*time.Minute))
	h.declare("Dashboard typo on the status page", model.P4, t0.Add(-3*time.Hour))
	p3 := h.declare("Session manager slow for premium tenants", model.P3, t0.Add(-26*time.Hour))
	_, err = h.st.Apply(ctx, p3.Number, func(inc *model.Incident) (model.Event, error) {
		return inc.Resolve(t0.Add(-2*time.Hour), "bob", "cache resized", "test: verified")
	})
	require.NoError(t, err)
	h.declare("evil\x1b[2J\x1b]52;c;ZXZpbA==\x07 title 🔥障害 \u202eoverride "+strings.Repeat("long ", 50), model.P3, t0.Add(-time.Hour))
}

func goldenRun(t *testing.T, w, hgt int, keys ...tea.KeyMsg) string {
	h := newHarness(t, w, hgt)
	seedBoard(t, h)
	app := New(Config{Store: h.st, Catalog: h.cat, Actor: "alice", DBPath: "w.db",
		Now: func() time.Time { return t0 }, Location: time.UTC})
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(w, hgt))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("INC-0001")) },
		teatest.WithDuration(10*time.Second))
	for _, k := range keys {
		tm.Send(k)
	}
	if len(keys) > 0 {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("CHECKLIST")) },
			teatest.WithDuration(10*time.Second))
	}
	require.NoError(t, tm.Quit())
	v := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	for i, line := range strings.Split(v, "\n") {
		assert.LessOrEqual(t, ansi.StringWidth(line), w, "line %d overflows: %q", i, line)
	}
	assert.Len(t, strings.Split(v, "\n"), hgt, "the view fills the terminal exactly")
	assert.NotContains(t, v, "\x1b]52")
	assert.NotContains(t, v, "\x07")
	return v
}

var enter = tea.KeyMsg{Type: tea.KeyEnter}

func TestGoldenBoard80x24(t *testing.T) {
	teatest.RequireEqualOutput(t, []byte(goldenRun(t, 80, 24)))
}

func TestGoldenBoard200x50(t *testing.T) {
	teatest.RequireEqualOutput(t, []byte(goldenRun(t, 200, 50)))
}

func TestGoldenIncident80x24(t *testing.T) {
	teatest.RequireEqualOutput(t, []byte(goldenRun(t, 80, 24, enter)))
}

func TestGoldenIncident200x50(t *testing.T) {
	teatest.RequireEqualOutput(t, []byte(goldenRun(t, 200, 50, enter)))
}
