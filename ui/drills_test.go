package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

func withDrills(t *testing.T, h *harness) {
	withTemplates(t, h)
	scs, err := playbooks.BuiltinDrills()
	require.NoError(t, err)
	h.app.env.cfg.Scenarios = scs
}

// tickAt moves the fake clock and delivers the clock's message, as the
// runtime would once a second.
func (h *harness) tickAt(at time.Time) {
	h.now = at
	_, cmd := h.app.Update(clockMsg(at))
	h.run(cmd)
}

func selectScenario(t *testing.T, h *harness, name string) {
	for i, sc := range h.app.env.cfg.Scenarios {
		if sc.Name == name {
			h.app.drillScr.cursor = i
			return
		}
	}
	t.Fatalf("no scenario %q", name)
}

// TestDrillRunFromTheConsole runs the registry-failure drill the way a
// facilitator and a team would, on a fake clock: start it, see the
// injects come in on the board, declare it 45 s after T0, have the later
// injects written to the timeline at their times, acknowledge and resolve
// it, then export the after-action review with the measured times.
func TestDrillRunFromTheConsole(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDrills(t, h)
	ctx := context.Background()

	h.key("D")
	require.Equal(t, screenDrills, h.app.screen)
	v := h.view()
	assert.Contains(t, v, "Complete Registry Failure")
	assert.Contains(t, v, "Transport Layer Degradation")
	assert.Contains(t, v, "detect < 1m · ack < 5m · resolve < 30m")

	selectScenario(t, h, "registry-failure")
	h.key("enter") // the prompt asks first
	require.NotNil(t, h.app.prompt)
	h.key("enter")
	ds, err := h.st.Drills(ctx)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, t0, ds[0].StartedAt, "T0 is the instant of the key press")
	assert.Equal(t, "alice", ds[0].StartedBy)

	// On the board: the drill is armed, with what has been revealed.
	h.key("esc")
	h.tickAt(t0.Add(35 * time.Second))
	v = h.view()
	assert.Contains(t, v, "DRILL armed T+00:35 Complete Registry Failure: Message routing error rate at 100%")
	h.tickAt(t0.Add(45 * time.Second))

	// Declared from the drill screen: the form is the drill's.
	h.key("D")
	h.app.drillScr.cursor = len(h.app.env.cfg.Scenarios) // the drill, first of the started ones
	h.key("enter")
	require.NotNil(t, h.app.form)
	assert.Contains(t, h.view(), "Declare the incident of drill #1")
	h.key("ctrl+s")
	require.Nil(t, h.app.form, h.view())
	inc := h.get(1)
	assert.Equal(t, ds[0].ID, inc.DrillID)
	assert.Equal(t, t0, inc.StartedAt, "started at T0")
	assert.Equal(t, t0.Add(45*time.Second), inc.DetectedAt, "detected at the declaration")
	assert.Equal(t, model.P1, inc.Severity, "the scenario's impact proposes its severity")
	var injects []model.Event
	for _, e := range inc.Timeline {
		if e.Kind == model.EventInject {
			injects = append(injects, e)
		}
	}
	require.Len(t, injects, 2, "the two injects revealed by the declaration are on the timeline")
	assert.Equal(t, t0.Add(30*time.Second), injects[1].At, "each at its own time")

	// The next inject (T+2m) is written by the clock, once.
	h.tickAt(t0.Add(2*time.Minute - time.Second))
	assert.Len(t, timelineKinds(h.get(1), model.EventInject), 2, "not before its time")
	h.tickAt(t0.Add(2 * time.Minute))
	h.tickAt(t0.Add(2*time.Minute + time.Second))
	assert.Len(t, timelineKinds(h.get(1), model.EventInject), 3)

	// The incident screen marks the drill and scores it as it goes.
	h.key("esc")
	h.key("enter")
	require.Equal(t, screenIncident, h.app.screen)
	v = h.view()
	assert.Contains(t, v, " DRILL ")
	assert.Contains(t, v, "detect 45s ✓")
	assert.Contains(t, v, "⚠ INC-0001 DRILL: escalate to Tier 2", "the banner says it is a drill")

	// Acknowledged at T+3m (2m15s after the declaration), resolved at
	// T+20m45s (20m after it).
	h.tickAt(t0.Add(3 * time.Minute))
	h.key("a")
	h.tickAt(t0.Add(20*time.Minute + 45*time.Second))
	_, err = h.st.Apply(ctx, 1, func(inc *model.Incident) (model.Event, error) {
		return inc.Resolve(h.now, "alice", "registry restored", "drill: verification skipped")
	})
	require.NoError(t, err)

	h.key("esc")
	h.key("D")
	h.app.drillScr.cursor = len(h.app.env.cfg.Scenarios)
	v = h.view()
	assert.Contains(t, v, "INC-0001 · over · 3/3 met")
	h.key("x")
	aar, err := os.ReadFile(filepath.Join(h.app.env.cfg.ExportDir, "INC-0001-aar.md"))
	require.NoError(t, err, h.app.flash)
	text := string(aar)
	assert.Contains(t, text, model.DrillBanner)
	assert.Contains(t, text, "After Action Review - Simulation Complete Registry Failure")
	assert.Contains(t, text, "45s")
	assert.Contains(t, text, "2m 15s")
	assert.Contains(t, text, "20m")
}

func timelineKinds(inc *model.Incident, kind model.EventKind) []model.Event {
	var out []model.Event
	for _, e := range inc.Timeline {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// TestDrillCalledOffCannotBeDeclared: a drill called off from the console
// is over; enter on it says why instead of opening the form.
func TestDrillCalledOffCannotBeDeclared(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDrills(t, h)
	h.key("D")
	selectScenario(t, h, "transport-degradation")
	h.key("enter")
	h.key("enter")
	h.app.drillScr.cursor = len(h.app.env.cfg.Scenarios)
	h.key("c")
	require.NotNil(t, h.app.prompt)
	h.key("enter")
	assert.NotNil(t, h.app.prompt, "a reason is required")
	h.typeText("facilitator called away")
	h.key("enter")
	require.Nil(t, h.app.prompt)
	d, err := h.st.Drill(context.Background(), 1)
	require.NoError(t, err)
	assert.True(t, d.CalledOff())
	assert.Equal(t, "facilitator called away", d.EndReason)

	h.key("enter")
	assert.Nil(t, h.app.form)
	assert.Contains(t, h.app.flash, "called off")
	assert.NotContains(t, h.view(), "DRILL armed")
}

// TestAARTemplateOnlyForDrills: the after-action review is offered in the
// drafts of a drill's incident only.
func TestAARTemplateOnlyForDrills(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDrills(t, h)
	h.declare("real one", model.P3, t0)
	h.run(h.app.reloadBoard())
	h.key("enter")
	h.key("d")
	require.Equal(t, screenDrafts, h.app.screen)
	assert.NotContains(t, h.view(), "After-action review")
	for _, tm := range h.app.drafts.templates() {
		assert.NotEqual(t, playbooks.TemplateAAR, tm.Name)
	}
}

// TestAARFromTheDrillScreen: a drafts the review and esc comes back to the
// drill screen; a again reopens the same draft; x writes what was written
// in it, to a new file each time, never over one.
func TestAARFromTheDrillScreen(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDrills(t, h)
	ctx := context.Background()
	declaredDrill(t, h, "registry-failure", t0.Add(-time.Minute), t0)

	h.key("D")
	h.app.drillScr.cursor = len(h.app.env.cfg.Scenarios)
	h.key("a")
	require.Equal(t, screenEditor, h.app.screen)
	first := h.app.editor.draft.ID
	h.typeText("LEARNED")
	h.key("esc")
	assert.Equal(t, screenDrills, h.app.screen, "esc goes back to the drill screen")

	h.key("a")
	require.Equal(t, screenEditor, h.app.screen)
	assert.Equal(t, first, h.app.editor.draft.ID, "the same draft, not a second copy")
	h.key("esc")

	h.key("x")
	h.key("x")
	dir := h.app.env.cfg.ExportDir
	one, err := os.ReadFile(filepath.Join(dir, "INC-0001-aar.md"))
	require.NoError(t, err, h.app.flash)
	assert.Contains(t, string(one), "LEARNED", "the review as written")
	two, err := os.ReadFile(filepath.Join(dir, "INC-0001-aar-2.md"))
	require.NoError(t, err, "a second export is a second file")
	assert.Equal(t, string(one), string(two))
	drafts, err := h.st.Drafts(ctx, 1)
	require.NoError(t, err)
	assert.Len(t, drafts, 1)
}

// TestDrillMessagesSayDrill: a drill's customer message says DRILL in its
// banner and its subject; with the mark removed, sending it asks why and
// records the reason.
func TestDrillMessagesSayDrill(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDrills(t, h)
	declaredDrill(t, h, "registry-failure", t0.Add(-time.Minute), t0)
	h.run(h.app.reloadBoard())

	openNewDraft(t, h, "customer-initial-alert")
	body := h.app.editor.ta.Value()
	assert.True(t, strings.HasPrefix(body, model.DrillBanner), body)
	assert.Contains(t, body, "Subject: DRILL - URGENT: Service Issue - INC-0001")
	assert.NotContains(t, playbooks.Placeholders(body), "[DRILL]", "the mark is no placeholder to fill")

	h.app.editor.ta.SetValue("Subject: URGENT: Service Issue - INC-0001\n\nDear all, it is down.")
	h.key("ctrl+g")
	require.NotNil(t, h.app.prompt)
	assert.Contains(t, h.view(), "no longer says DRILL")
	h.key("enter")
	require.NotNil(t, h.app.prompt, "a reason is required")
	h.typeText("test inbox only")
	h.key("enter")
	got := h.get(1)
	last := got.Timeline[len(got.Timeline)-1]
	assert.Contains(t, last.Text, "WITHOUT the DRILL mark (override: test inbox only)")
}

// TestBoardWidensTheKeyColumn: INC-10000 shows whole; the title gives way.
func TestBoardWidensTheKeyColumn(t *testing.T) {
	h := newHarness(t, 120, 40)
	incs := []*model.Incident{h.declare("first", model.P3, t0)}
	big := *incs[0]
	big.Number, big.Title = 10000, "ten thousandth"
	incs = append(incs, &big)
	h.app.board.SetIncidents(incs)
	v := h.view()
	assert.Contains(t, v, "INC-10000 P3 ten thousandth")
	assert.Contains(t, v, "INC-0001  P3 first")
}

// TestDeclaredDrillIsSelected: once declared, the drill's incident is the
// board's selection, though it sorts below the real incidents.
func TestDeclaredDrillIsSelected(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDrills(t, h)
	h.declare("real one", model.P4, t0)
	h.run(h.app.reloadBoard())
	h.key("D")
	selectScenario(t, h, "registry-failure")
	h.key("enter")
	h.key("enter")
	h.key("enter") // on the new drill: the form
	require.NotNil(t, h.app.form)
	h.key("ctrl+s")
	require.Equal(t, screenBoard, h.app.screen)
	assert.Contains(t, h.view(), "▶ INC-0002 P1 DRILL")
	assert.Contains(t, h.view(), "WARROOM 2 open (1 drill) · 0 resolved")
}

// TestDrillScreenKeepsItsSelection: a drill started by another console
// does not move the selection to another drill.
func TestDrillScreenKeepsItsSelection(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDrills(t, h)
	ctx := context.Background()
	sc, ok := playbooks.FindScenario(h.app.env.cfg.Scenarios, "transport-degradation")
	require.True(t, ok)
	first, err := h.st.StartDrill(ctx, sc, "carol", t0)
	require.NoError(t, err)
	h.key("D")
	h.key("G") // the only drill started
	require.Equal(t, first.ID, h.app.drillScr.drillID)

	_, err = h.st.StartDrill(ctx, sc, "bob", t0.Add(time.Second)) // another console
	require.NoError(t, err)
	h.run(h.app.reloadBoard())
	_, dr := h.app.drillScr.selection()
	require.NotNil(t, dr)
	assert.Equal(t, first.ID, dr.ID, "still the same drill, now second in the list")

	h.key("up")
	h.key("up") // onto the last scenario
	h.key("a")
	assert.Contains(t, h.app.flash, "act on a drill started")
}

// TestAARBegunBeforeTheEndIsNotExported: a review drafted while the drill
// ran holds a score that has moved on: once the drill is over, a opens a
// new one and x writes a fresh fill, saying why.
func TestAARBegunBeforeTheEndIsNotExported(t *testing.T) {
	h := newHarness(t, 120, 40)
	withDrills(t, h)
	ctx := context.Background()
	declaredDrill(t, h, "registry-failure", t0.Add(-time.Minute), t0.Add(-30*time.Second))

	h.key("D")
	h.key("G")
	h.key("a") // while it runs
	require.Equal(t, screenEditor, h.app.screen)
	early := h.app.editor.draft.ID
	h.key("esc")

	h.now = t0.Add(5 * time.Minute)
	for _, act := range []func(*model.Incident) (model.Event, error){
		func(inc *model.Incident) (model.Event, error) { return inc.Acknowledge(t0.Add(time.Minute), "carol") },
		func(inc *model.Incident) (model.Event, error) {
			return inc.Resolve(t0.Add(5*time.Minute), "carol", "", "drill")
		},
	} {
		_, err := h.st.Apply(ctx, 1, act)
		require.NoError(t, err)
	}
	h.run(h.app.reloadBoard())

	h.key("x")
	assert.Contains(t, h.app.flash, fmt.Sprintf("draft #%d was begun before the drill ended", early))
	text, err := os.ReadFile(filepath.Join(h.app.env.cfg.ExportDir, "INC-0001-aar.md"))
	require.NoError(t, err)
	assert.Contains(t, string(text), "**Score**: 3/3 met")
	assert.True(t, strings.HasSuffix(string(text), "\n"))

	h.key("a")
	require.Equal(t, screenEditor, h.app.screen)
	assert.NotEqual(t, early, h.app.editor.draft.ID, "a new draft with the final score")
}

// declaredDrill starts a scenario's drill at start and declares its
// incident at declared, as carol, straight through the store.
func declaredDrill(t *testing.T, h *harness, name string, start, declared time.Time) model.Drill {
	t.Helper()
	ctx := context.Background()
	sc, ok := playbooks.FindScenario(h.app.env.cfg.Scenarios, name)
	require.True(t, ok, name)
	d, err := h.st.StartDrill(ctx, sc, "carol", start)
	require.NoError(t, err)
	inc, ev, err := model.Declare(d.Declaration(declared, "carol"), h.cat)
	require.NoError(t, err)
	_, err = h.st.DeclareDrill(ctx, d.ID, inc, ev, declared)
	require.NoError(t, err)
	d, err = h.st.Drill(ctx, d.ID)
	require.NoError(t, err)
	return d
}
