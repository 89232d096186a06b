package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

// DrillsScreen is the drill picker (seed §8.2): the scenarios, which enter
// starts, and the drills started, with their injects and score. An armed
// drill (started, its incident not declared yet) is declared from here:
// the time from its start to the declaration is the team's detection.
type DrillsScreen struct {
	env    *env
	drills []model.Drill // newest first
	incs   map[int64]*model.Incident
	cursor int // over scenarios then drills
	// drillID is the selected drill's id, kept when the list changes
	// under the cursor (another console starts a drill); 0 on a scenario
	drillID int64
	width   int
	height  int
}

func newDrillsScreen(e *env) DrillsScreen {
	return DrillsScreen{env: e}
}

// SetSize gives the screen its share of the terminal.
func (d *DrillsScreen) SetSize(l Layout) { d.width, d.height = l.Width, l.BodyHeight }

// SetDrills takes the drills as loaded, and the board's incidents to score
// the declared ones with.
func (d *DrillsScreen) SetDrills(drills []model.Drill, incs []*model.Incident) {
	d.drills = drills
	d.incs = make(map[int64]*model.Incident, len(incs))
	for _, inc := range incs {
		d.incs[inc.Number] = inc
	}
	if d.drillID != 0 {
		for i, dr := range drills {
			if dr.ID == d.drillID {
				d.cursor = len(d.env.cfg.Scenarios) + i
			}
		}
	}
	d.setCursor(d.cursor)
}

// setCursor moves the cursor, within the list, and remembers the drill
// it is on.
func (d *DrillsScreen) setCursor(i int) {
	d.cursor = min(max(0, i), max(0, len(d.env.cfg.Scenarios)+len(d.drills)-1))
	d.drillID = 0
	if _, dr := d.selection(); dr != nil {
		d.drillID = dr.ID
	}
}

// selection is the scenario or the drill under the cursor (one is nil).
func (d *DrillsScreen) selection() (*model.Scenario, *model.Drill) {
	switch {
	case d.cursor < len(d.env.cfg.Scenarios):
		return &d.env.cfg.Scenarios[d.cursor], nil
	case d.cursor-len(d.env.cfg.Scenarios) < len(d.drills):
		return nil, &d.drills[d.cursor-len(d.env.cfg.Scenarios)]
	}
	return nil, nil
}

// Messages of the drill screen to the root.
type (
	openDrillsMsg    struct{}
	openDrillFormMsg struct{ drill model.Drill }
	openAARMsg       struct{ drill model.Drill }
	drillStartedMsg  struct {
		drill model.Drill
		err   error
	}
)

// HandleKey handles a key on the drill screen.
func (d *DrillsScreen) HandleKey(msg tea.KeyMsg) tea.Cmd {
	k := d.env.keys
	n := len(d.env.cfg.Scenarios) + len(d.drills)
	switch {
	case key.Matches(msg, k.Quit, k.Back):
		return func() tea.Msg { return backMsg{} }
	case key.Matches(msg, k.Up):
		d.setCursor(d.cursor - 1)
	case key.Matches(msg, k.Down):
		d.setCursor(d.cursor + 1)
	case key.Matches(msg, k.Top):
		d.setCursor(0)
	case key.Matches(msg, k.Bottom):
		d.setCursor(n - 1)
	case key.Matches(msg, k.Open):
		sc, dr := d.selection()
		switch {
		case sc != nil:
			return d.confirmStart(*sc)
		case dr == nil:
		case dr.Incident != 0:
			num := dr.Incident
			return func() tea.Msg { return openIncidentMsg{number: num} }
		case dr.Armed():
			drill := *dr
			return func() tea.Msg { return openDrillFormMsg{drill: drill} }
		default:
			return flash(fmt.Sprintf("drill #%d was called off: %s", dr.ID, dr.EndReason), true)
		}
	case key.Matches(msg, k.AAR):
		if _, dr := d.selection(); dr != nil {
			if msg := noReview(*dr); msg != "" {
				return flash(msg, true)
			}
			drill := *dr
			return func() tea.Msg { return openAARMsg{drill: drill} }
		}
	case key.Matches(msg, k.Export):
		if _, dr := d.selection(); dr != nil {
			if msg := noReview(*dr); msg != "" {
				return flash(msg, true)
			}
			t, ok := playbooks.FindTemplate(d.env.cfg.Templates, playbooks.TemplateAAR)
			if !ok {
				return flash("no after-action-review template in the playbooks", true)
			}
			return exportAAR(d.env, *dr, t)
		}
	case key.Matches(msg, k.CallOff):
		if _, dr := d.selection(); dr != nil {
			return d.confirmCallOff(*dr)
		}
	}
	if sc, _ := d.selection(); sc != nil && key.Matches(msg, k.AAR, k.Export, k.CallOff) {
		return flash("a, x and c act on a drill started: choose one below the scenarios", true)
	}
	return nil
}

// noReview says why a drill has no after-action review yet, "" when it
// has one to draft.
func noReview(dr model.Drill) string {
	switch {
	case dr.Incident != 0:
		return ""
	case dr.Armed():
		return "the after-action review needs the drill's incident: declare it first (enter)"
	}
	return fmt.Sprintf("drill #%d was called off before its incident was declared: nothing to review", dr.ID)
}

func (d *DrillsScreen) confirmStart(sc model.Scenario) tea.Cmd {
	e := d.env
	p := newPrompt(e, fmt.Sprintf("Start the drill %q (%s) now?", sc.Title, sc.Severity))
	p.hint = "its clock starts at once; declare its incident (enter on it) when you have detected the failure · esc cancels"
	p.submit = func(int, string) (tea.Cmd, error) { return startDrill(e, sc), nil }
	return openPrompt(p)
}

func (d *DrillsScreen) confirmCallOff(dr model.Drill) tea.Cmd {
	switch {
	case dr.CalledOff():
		return flash(fmt.Sprintf("drill #%d was already called off", dr.ID), true)
	case dr.Over():
		return flash(fmt.Sprintf("drill #%d is over: its incident was resolved", dr.ID), true)
	}
	e := d.env
	p := newPrompt(e, fmt.Sprintf("Call off drill #%d (%s)?", dr.ID, dr.Scenario.Title)).withInput("why (required, recorded)", "")
	p.submit = func(_ int, reason string) (tea.Cmd, error) {
		if strings.TrimSpace(reason) == "" {
			return nil, errors.New("say why the drill is called off")
		}
		return endDrill(e, dr.ID, reason), nil
	}
	return openPrompt(p)
}

// tPlus writes the time since a drill's start: "T+01:42".
func tPlus(d time.Duration) string { return "T+" + strings.TrimPrefix(Countdown(-max(0, d)), "+") }

// drillState is a drill's state in a few words, with its incident.
func (d *DrillsScreen) drillState(dr model.Drill) string {
	now := d.env.now
	switch dr.State() {
	case model.DrillArmed:
		return fmt.Sprintf("ARMED %s · not declared yet", tPlus(now.Sub(dr.StartedAt)))
	case model.DrillRunning:
		return fmt.Sprintf("%s · running %s", model.FormatKey(dr.Incident), tPlus(now.Sub(dr.StartedAt)))
	case model.DrillOver:
		return model.FormatKey(dr.Incident) + " · over · " + model.ScoreDrill(dr, d.incs[dr.Incident], now).Summary()
	}
	if dr.Incident == 0 {
		return "called off: " + dr.EndReason
	}
	return model.FormatKey(dr.Incident) + " · called off: " + dr.EndReason
}

// View renders the scenarios, the drills and the selection's details.
func (d *DrillsScreen) View() string {
	s := d.env.styles
	var lines []string
	add := func(l ...string) { lines = append(lines, l...) }
	add(s.Section.Render("Drills")+s.Muted.Render(Fit(" · a drill runs as a real incident marked DRILL; it never counts in the metrics", max(0, d.width-6))), "")
	add(s.PaneTitle.Render("SCENARIOS · enter starts one"))
	if len(d.env.cfg.Scenarios) == 0 {
		add(s.Muted.Render("  no drill scenarios in the playbooks"))
	}
	for i, sc := range d.env.cfg.Scenarios {
		line := fmt.Sprintf("%s %s  %s", s.Badge[sc.Severity].Render(sc.Severity.String()), Pad(sc.Title, 30),
			s.Muted.Render(Fit(targetsText(sc.Targets)+fmt.Sprintf(" · %d injects", len(sc.Injects)), max(0, d.width-40))))
		add(d.cursorMark(i) + line)
	}
	add("", s.PaneTitle.Render("DRILLS STARTED · enter opens · a drafts the after-action review · x exports it · c calls off"))
	if len(d.drills) == 0 {
		add(s.Muted.Render("  none yet"))
	}
	for i, dr := range d.drills {
		st := d.drillState(dr)
		add(d.cursorMark(len(d.env.cfg.Scenarios)+i) + fmt.Sprintf("#%-3d %s %s  %s", dr.ID, s.Drill.Render("DRILL"), Pad(dr.Scenario.Title, 30), Fit(st, max(0, d.width-50))))
	}
	add("")
	add(d.details()...)
	if len(lines) > d.height {
		lines = lines[:d.height]
	}
	return strings.Join(lines, "\n")
}

func (d *DrillsScreen) cursorMark(i int) string {
	if i == d.cursor {
		return d.env.styles.Cursor.Render("▶ ")
	}
	return "  "
}

// targetsText is "detect < 1m · ack < 5m · resolve < 30m".
func targetsText(t model.DrillTargets) string {
	var parts []string
	for _, p := range []struct {
		name string
		d    time.Duration
	}{{"detect", t.Detection}, {"ack", t.Acknowledge}, {"resolve", t.Resolution}} {
		if p.d > 0 {
			parts = append(parts, fmt.Sprintf("%s < %s", p.name, Span(p.d)))
		}
	}
	if len(parts) == 0 {
		return "no targets"
	}
	return strings.Join(parts, " · ")
}

// details shows the selected scenario's situation, or the selected drill's
// revealed injects and score.
func (d *DrillsScreen) details() []string {
	s, now, w := d.env.styles, d.env.now, d.width
	sc, dr := d.selection()
	var out []string
	switch {
	case sc != nil:
		// The situation stays hidden: the team watching this screen finds
		// it out from the injects, as it would from monitoring.
		out = append(out, s.PaneTitle.Render(Fit(fmt.Sprintf("%s · %s", sc.Title, sc.Severity), w)))
		last := time.Duration(0)
		if n := len(sc.Injects); n > 0 {
			last = sc.Injects[n-1].At
		}
		out = append(out, Fit(fmt.Sprintf("  %d injects revealed over %s; the situation stays hidden until then", len(sc.Injects), Span(last)), w))
		out = append(out, "  targets: "+Fit(targetsText(sc.Targets), w-11))
		out = append(out, "  objectives:")
		for _, o := range sc.Objectives {
			out = append(out, "  - "+Fit(o, w-4))
		}
	case dr != nil:
		out = append(out, s.PaneTitle.Render(Fit(fmt.Sprintf("Drill #%d · started %s by %s", dr.ID, Clock(now, dr.StartedAt, d.env.loc), dr.StartedBy), w)))
		shown := dr.Revealed(now)
		for _, in := range shown {
			out = append(out, "  "+s.Muted.Render(Pad(tPlus(in.At), 9))+Fit(in.Text, w-11))
		}
		if hidden := len(dr.Scenario.Injects) - len(shown); hidden > 0 && (dr.Armed() || dr.Running()) {
			next := dr.Scenario.Injects[len(shown)]
			out = append(out, s.Muted.Render(fmt.Sprintf("  %d more inject(s); the next at %s", hidden, tPlus(next.At))))
		}
		var inc *model.Incident
		if dr.Incident != 0 {
			inc = d.incs[dr.Incident]
		}
		if dr.Incident == 0 || inc != nil {
			out = append(out, "")
			out = append(out, scoreLines(s, model.ScoreDrill(*dr, inc, now), w)...)
		} else {
			out = append(out, "", s.Muted.Render("  "+model.FormatKey(dr.Incident)+" is closed: its score is in the after-action review (a)"))
		}
	}
	return out
}

// scoreLines are a drill's score against its targets, a row each.
func scoreLines(s Styles, sc model.DrillScore, w int) []string {
	out := []string{s.PaneTitle.Render(fmt.Sprintf("SCORE %d/%d targets met", sc.Met, len(sc.Rows)))}
	for _, r := range sc.Rows {
		measured, verdict := "—", s.Muted.Render("not yet")
		if r.Reached {
			measured = model.PreciseDuration(r.Measured)
		}
		switch {
		case r.Met:
			verdict = s.Success.Render("met")
		case r.Reached || r.Missed:
			verdict = s.Error.Render("missed")
		case r.CalledOff:
			verdict = s.Muted.Render("not reached (called off)")
		}
		out = append(out, "  "+Pad(r.Name, 24)+PadLeft(measured, 9)+"  "+Pad("< "+Span(r.Target), 7)+" "+verdict)
	}
	return out
}

// ShortHelp is the footer's key list.
func (d *DrillsScreen) ShortHelp() []key.Binding {
	k := d.env.keys
	return []key.Binding{k.Open, k.AAR, k.Export, k.CallOff, k.Up, k.Down, k.Back, k.Help}
}

// FullHelp is the '?' overlay's key list.
func (d *DrillsScreen) FullHelp() [][]key.Binding {
	k := d.env.keys
	return [][]key.Binding{{k.Open, k.AAR, k.Export, k.CallOff}, {k.Up, k.Down, k.Top, k.Bottom}, {k.Back, k.Help, k.ForceQ}}
}
