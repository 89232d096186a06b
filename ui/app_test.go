package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
	"github.com/warroom/warroom/store"
)

// t0 is the fake clock's instant for every UI test.
var t0 = time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

type harness struct {
	t   *testing.T
	app *App
	st  *store.Store
	cat model.Catalog
	now time.Time
}

func newHarness(t *testing.T, w, h int) *harness {
	t.Helper()
	cat, err := playbooks.Builtin()
	require.NoError(t, err)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	hs := &harness{t: t, st: st, cat: cat, now: t0}
	hs.app = New(Config{Store: st, Catalog: cat, Actor: "alice", DBPath: "w.db",
		Now: func() time.Time { return hs.now }, Location: time.UTC})
	hs.app.clock = func() tea.Cmd { return nil }
	hs.app.poll = func() tea.Cmd { return nil }
	hs.app.Update(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(hs.app.Init())
	return hs
}

// run executes a command and feeds what it returns back into Update, until
// nothing is left: the way the Bubble Tea runtime would, synchronously.
// Cursor blinks are dropped (they would go on forever).
func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		require.Less(h.t, steps, 1000, "runaway command loop")
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch m := msg.(type) {
		case nil:
			continue
		case tea.BatchMsg:
			queue = append(queue, m...)
			continue
		}
		if strings.HasPrefix(fmt.Sprintf("%T", msg), "cursor.") {
			continue
		}
		if _, quit := msg.(tea.QuitMsg); quit {
			continue
		}
		_, next := h.app.Update(msg)
		queue = append(queue, next)
	}
}

// key sends one key press and runs what it causes.
func (h *harness) key(k string) {
	h.t.Helper()
	var msg tea.KeyMsg
	switch k {
	case "enter":
		msg = tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		msg = tea.KeyMsg{Type: tea.KeyEsc}
	case "space":
		msg = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "tab":
		msg = tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		msg = tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		msg = tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		msg = tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		msg = tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		msg = tea.KeyMsg{Type: tea.KeyRight}
	case "ctrl+c":
		msg = tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+s":
		msg = tea.KeyMsg{Type: tea.KeyCtrlS}
	case "ctrl+g":
		msg = tea.KeyMsg{Type: tea.KeyCtrlG}
	case "ctrl+o":
		msg = tea.KeyMsg{Type: tea.KeyCtrlO}
	case "ctrl+y":
		msg = tea.KeyMsg{Type: tea.KeyCtrlY}
	case "ctrl+r":
		msg = tea.KeyMsg{Type: tea.KeyCtrlR}
	case "ctrl+e":
		msg = tea.KeyMsg{Type: tea.KeyCtrlE}
	default:
		msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
	}
	_, cmd := h.app.Update(msg)
	h.run(cmd)
}

// typeText types a string one key at a time.
func (h *harness) typeText(s string) {
	for _, r := range s {
		if r == ' ' {
			h.key("space")
			continue
		}
		h.key(string(r))
	}
}

func (h *harness) paste(s string) {
	_, cmd := h.app.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
	h.run(cmd)
}

// declare stores an incident directly, as another console would.
func (h *harness) declare(title string, sev model.Severity, detected time.Time) *model.Incident {
	h.t.Helper()
	inc, ev, err := model.Declare(model.Declaration{Title: title, Severity: sev, OverrideReason: "test",
		DetectedAt: detected, Actor: "bob"}, h.cat)
	require.NoError(h.t, err)
	out, err := h.st.Declare(context.Background(), inc, ev)
	require.NoError(h.t, err)
	return out
}

func (h *harness) get(n int64) *model.Incident {
	h.t.Helper()
	inc, err := h.st.Get(context.Background(), n)
	require.NoError(h.t, err)
	return inc
}

func (h *harness) view() string { return h.app.View() }

func TestDeclareFromTheForm(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.key("n")
	require.NotNil(t, h.app.form)

	// an empty title is refused with a message, nothing stored
	h.key("ctrl+s")
	assert.Contains(t, h.view(), "the title is empty")
	incs, err := h.st.Board(context.Background())
	require.NoError(t, err)
	assert.Empty(t, incs)

	h.typeText("Registry nodes down")
	h.key("tab")   // services
	h.key("space") // Registry Service
	h.key("tab")   // customers
	h.typeText("62")
	h.key("tab")   // impact: other -> critical
	h.key("right") // wraps to critical
	assert.Contains(t, h.view(), "business-critical, 62% of customers (over 50%) -> P1")
	h.key("ctrl+s")
	assert.Nil(t, h.app.form, "the form closes once declared")
	assert.Contains(t, h.view(), "declared INC-0001 (P1)")

	inc := h.get(1)
	assert.Equal(t, "Registry nodes down", inc.Title)
	assert.Equal(t, model.P1, inc.Severity)
	assert.Equal(t, []string{"registry"}, inc.Services)
	assert.Equal(t, 62.0, inc.CustomersPct)
	assert.False(t, inc.SeverityOverride)
	assert.Equal(t, t0, inc.DetectedAt)
	assert.Contains(t, h.view(), "INC-0001")
}

func TestDeclareOverrideNeedsReason(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.key("n")
	h.typeText("Docs typo")
	for i := 0; i < 4; i++ {
		h.key("tab") // to severity
	}
	h.key("right") // proposed -> P1
	h.key("ctrl+s")
	assert.Contains(t, h.view(), "overriding the proposed P4 needs a reason")
	assert.Equal(t, fieldReason, h.app.form.focus)
	h.typeText("VIP customer")
	h.key("enter")
	inc := h.get(1)
	assert.Equal(t, model.P1, inc.Severity)
	assert.True(t, inc.SeverityOverride)
	assert.Contains(t, inc.SeverityReason, "VIP customer")
	assert.Contains(t, inc.SeverityReason, "proposed P4")
}

func TestFormKeysGoToTheFormOnly(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.key("n")
	h.typeText("q?n") // would quit, open help, open a form on the board
	assert.NotNil(t, h.app.form)
	assert.False(t, h.app.showHelp)
	assert.Equal(t, "q?n", h.app.form.title.Value())
	// a multi-line paste lands in the title and submits nothing
	h.paste("line one\nline two\n")
	assert.NotNil(t, h.app.form)
	assert.Equal(t, fieldTitle, h.app.form.focus)
	h.key("esc")
	require.NotNil(t, h.app.form, "esc on a form with something in it asks first")
	assert.Contains(t, h.view(), "esc again discards")
	h.key("esc")
	assert.Nil(t, h.app.form)
	incs, _ := h.st.Board(context.Background())
	assert.Empty(t, incs)
}

func TestTickUntickAndActions(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.declare("Registry nodes down", model.P1, t0)
	h.run(h.app.reloadBoard())
	h.key("enter")
	require.Equal(t, screenIncident, h.app.screen)
	require.NotNil(t, h.app.incident.inc)

	h.now = t0.Add(2 * time.Minute)
	h.key("space") // first step
	h.key("down")
	h.key("space")
	h.key("down")
	h.key("space")
	inc := h.get(1)
	assert.Equal(t, 3, inc.Progress.Done)
	assert.Contains(t, h.view(), "CHECKLIST 3/24")
	for _, it := range inc.Checklist[:3] {
		assert.True(t, it.Done)
		assert.Equal(t, "alice", it.DoneBy)
		assert.Equal(t, t0.Add(2*time.Minute), it.DoneAt)
	}

	// untick the third: recorded, not deleted
	h.key("space")
	inc = h.get(1)
	assert.Equal(t, 2, inc.Progress.Done)
	kinds := map[model.EventKind]int{}
	for _, e := range inc.Timeline {
		kinds[e.Kind]++
	}
	assert.Equal(t, 3, kinds[model.EventTick])
	assert.Equal(t, 1, kinds[model.EventUntick])

	h.key("a")
	inc = h.get(1)
	assert.Equal(t, t0.Add(2*time.Minute), inc.AcknowledgedAt)
	assert.Equal(t, model.PhaseTriage, inc.Phase)

	h.key("p")
	assert.Equal(t, model.PhaseClassification, h.get(1).Phase)

	// a note through the prompt; keys go to the prompt while it is open
	h.key("n")
	require.NotNil(t, h.app.prompt)
	h.typeText("failover started, q? is fine")
	h.key("enter")
	assert.Nil(t, h.app.prompt)
	inc = h.get(1)
	last := inc.Timeline[len(inc.Timeline)-1]
	assert.Equal(t, model.EventNote, last.Kind)
	assert.Equal(t, "failover started, q? is fine", last.Text)
	assert.Equal(t, "alice", last.Actor)

	// assign a role: the IC defaults to the one acting
	h.key("r")
	h.key("enter")
	assert.Equal(t, "alice", h.get(1).Roles[model.RoleCommander])
	h.key("r")
	h.key("down") // Technical Lead
	h.typeText("carol")
	h.key("enter")
	assert.Equal(t, "carol", h.get(1).Roles[model.RoleTechLead])

	// severity change needs a reason, adds the P2 steps, keeps done ones
	h.key("s")
	h.key("down") // P2
	h.key("enter")
	assert.Contains(t, h.view(), "needs a reason")
	h.typeText("impact smaller than thought")
	h.key("enter")
	inc = h.get(1)
	assert.Equal(t, model.P2, inc.Severity)
	assert.Equal(t, 2, inc.Progress.Done, "done steps are kept")

	// resolve
	h.key("R")
	h.typeText("failed over")
	h.key("enter")
	inc = h.get(1)
	assert.Equal(t, model.StatusResolved, inc.Status)
	assert.Contains(t, inc.Timeline[len(inc.Timeline)-1].Text, "failed over")

	h.key("esc")
	assert.Equal(t, screenBoard, h.app.screen)
	assert.Contains(t, h.view(), "resolved · post-incident")
}

func TestQuitKeys(t *testing.T) {
	h := newHarness(t, 100, 30)
	_, cmd := h.app.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	require.NotNil(t, cmd)
	assert.IsType(t, tea.QuitMsg{}, cmd())

	h.declare("x", model.P3, t0)
	h.run(h.app.reloadBoard())
	h.key("enter")
	h.key("q") // on the incident screen q goes back, it does not quit
	assert.Equal(t, screenBoard, h.app.screen)

	h.key("enter")
	_, cmd = h.app.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	require.NotNil(t, cmd)
	assert.IsType(t, tea.QuitMsg{}, cmd(), "ctrl+c quits from anywhere")
}

func TestHelpShowsEveryBinding(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.key("?")
	v := h.view()
	for _, b := range h.app.board.FullHelp() {
		for _, k := range b {
			assert.Contains(t, v, k.Help().Key)
			assert.Contains(t, v, k.Help().Desc)
		}
	}
	h.key("?")
	assert.False(t, h.app.showHelp)

	h.declare("x", model.P1, t0)
	h.run(h.app.reloadBoard())
	h.key("enter")
	h.key("?")
	v = h.view()
	for _, b := range h.app.incident.FullHelp() {
		for _, k := range b {
			assert.Contains(t, v, k.Help().Desc)
		}
	}
}

func TestBoardOrderAndCountdowns(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.declare("minor bug", model.P4, t0.Add(-time.Hour))
	h.declare("slow", model.P2, t0.Add(-35*time.Minute)) // ACK (30m) breached 5 min ago
	h.declare("outage", model.P1, t0.Add(-20*time.Minute))
	h.declare("fresh", model.P2, t0.Add(-time.Minute))
	h.run(h.app.reloadBoard())
	v := h.view()
	order := []string{"outage", "slow", "fresh", "minor bug"}
	for i := 1; i < len(order); i++ {
		a, b := strings.Index(v, order[i-1]), strings.Index(v, order[i])
		require.True(t, a > 0 && b > 0, v)
		assert.Less(t, a, b, "most urgent first:\n%s", v)
	}
	assert.Contains(t, v, "ACK +05:00", "a breach counts up")
	assert.Contains(t, v, "ESC T2 +20:00", "a P1's escalation is due at once")
	assert.Contains(t, v, "2 breached")

	// one clock moves every countdown
	h.now = h.now.Add(3 * time.Second)
	h.app.Update(clockMsg(h.now))
	assert.Contains(t, h.view(), "ACK +05:03")
	assert.Contains(t, h.view(), "ESC T2 +20:03")
}

func TestTooSmall(t *testing.T) {
	h := newHarness(t, 20, 5)
	v := h.view()
	assert.Contains(t, v, "terminal too")
	assert.LessOrEqual(t, len(strings.Split(v, "\n")), 5)
	h.key("n") // keys still work, nothing panics
	_ = h.view()
}

// TestRuneBurstIsTyped: several runes in one message (fast typing, tmux
// send-keys) are text, even when they spell a key name such as "down",
// "end" or "esc".
func TestRuneBurstIsTyped(t *testing.T) {
	h := newHarness(t, 100, 30)
	h.key("n")
	for _, word := range []string{"Registry", " ", "nodes", " ", "down", " ", "end", " ", "esc", "q"} {
		_, cmd := h.app.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(word)})
		h.run(cmd)
	}
	require.NotNil(t, h.app.form, "a typed word never cancels the form")
	assert.Equal(t, "Registry nodes down end escq", h.app.form.title.Value())
}
