package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/warroom/warroom/model"
)

// Prompt is a small modal at the bottom of the screen: an optional list of
// choices and an optional line of text. Keys go to it alone while it is
// open; a multi-line paste lands in the text as one line and never submits.
type Prompt struct {
	env      *env
	title    string
	hint     string
	choices  []string
	choice   int
	onChoice func(p *Prompt) // called when the choice changes
	hasInput bool
	input    textinput.Model
	err      string
	width    int
	submit   func(choice int, text string) (tea.Cmd, error)
}

func newPrompt(e *env, title string) *Prompt {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.CharLimit = 4000
	staticCursor(&ti)
	return &Prompt{env: e, title: title, input: ti}
}

func (p *Prompt) withInput(placeholder, value string) *Prompt {
	p.hasInput = true
	p.input.Placeholder = placeholder
	p.input.SetValue(value)
	p.input.Focus()
	return p
}

// SetWidth fits the prompt to the screen.
func (p *Prompt) SetWidth(w int) {
	p.width = w
	p.input.Width = max(10, w-8)
}

// Init has nothing to start: the cursor does not blink.
func (p *Prompt) Init() tea.Cmd { return nil }

// Update passes non-key messages (cursor blink) to the text input.
func (p *Prompt) Update(msg tea.Msg) tea.Cmd {
	if !p.hasInput {
		return nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

// HandleKey handles a key; done is true when the prompt should close.
func (p *Prompt) HandleKey(msg tea.KeyMsg) (cmd tea.Cmd, done bool) {
	k := p.env.keys
	switch {
	case key.Matches(msg, k.Cancel):
		return nil, true
	case msg.Type == tea.KeyEnter && !msg.Paste:
		cmd, err := p.submit(p.choice, p.input.Value())
		if err != nil {
			p.err = err.Error()
			return nil, false
		}
		return cmd, true
	case len(p.choices) > 0 && (msg.Type == tea.KeyUp || msg.Type == tea.KeyShiftTab):
		p.setChoice((p.choice + len(p.choices) - 1) % len(p.choices))
		return nil, false
	case len(p.choices) > 0 && (msg.Type == tea.KeyDown || msg.Type == tea.KeyTab):
		p.setChoice((p.choice + 1) % len(p.choices))
		return nil, false
	case len(p.choices) > 0 && !p.hasInput && msg.Type == tea.KeyRunes && len(msg.Runes) == 1 &&
		msg.Runes[0] >= '1' && int(msg.Runes[0]-'1') < len(p.choices):
		p.setChoice(int(msg.Runes[0] - '1'))
		return nil, false
	}
	if p.hasInput {
		p.err = ""
		var c tea.Cmd
		p.input, c = p.input.Update(msg)
		return c, false
	}
	return nil, false
}

func (p *Prompt) setChoice(i int) {
	p.choice = i
	p.err = ""
	if p.onChoice != nil {
		p.onChoice(p)
	}
}

// View renders the modal box.
func (p *Prompt) View() string {
	s := p.env.styles
	inner := max(10, p.width-4)
	var lines []string
	lines = append(lines, s.Section.Render(Fit(p.title, inner)))
	for i, c := range p.choices {
		if i == p.choice {
			lines = append(lines, s.Cursor.Render("▶ ")+s.Bold.Render(Fit(c, inner-2)))
		} else {
			lines = append(lines, "  "+Fit(c, inner-2))
		}
	}
	if p.hasInput {
		lines = append(lines, p.input.View())
	}
	if p.err != "" {
		lines = append(lines, s.Error.Render(Fit(p.err, inner)))
	} else if p.hint != "" {
		lines = append(lines, s.Muted.Render(Fit(p.hint, inner)))
	}
	return s.Overlay.Width(max(10, p.width-2)).Render(strings.Join(lines, "\n"))
}

// ShortHelp is the footer while the prompt is open.
func (p *Prompt) ShortHelp() []key.Binding {
	k := p.env.keys
	enter := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm"))
	if len(p.choices) > 0 {
		choose := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose"))
		return []key.Binding{choose, enter, k.Cancel}
	}
	return []key.Binding{enter, k.Cancel}
}

func notePrompt(e *env, number int64) *Prompt {
	p := newPrompt(e, "Add a note to the timeline of "+model.FormatKey(number)).withInput("what happened, what was decided…", "")
	p.submit = func(_ int, text string) (tea.Cmd, error) {
		if strings.TrimSpace(text) == "" {
			return nil, errors.New("the note is empty")
		}
		now, actor := e.now, e.cfg.Actor
		return apply(e.cfg.Store, number, "note added", func(inc *model.Incident) (model.Event, error) {
			return inc.Note(now, actor, text)
		}), nil
	}
	return p
}

func severityPrompt(e *env, inc *model.Incident) *Prompt {
	p := newPrompt(e, fmt.Sprintf("Change the severity of %s (now %s)", inc.Key(), inc.Severity)).
		withInput("reason for the change (required)", "")
	for _, sv := range model.Severities {
		c := fmt.Sprintf("%s %s", sv, sv.Label())
		if sv == inc.Severity {
			c += " (current)"
		}
		p.choices = append(p.choices, c)
	}
	p.choice = int(inc.Severity) - 1
	p.hint = "adds the new severity's playbook steps; done steps are kept"
	number, from := inc.Number, inc.Severity
	p.submit = func(choice int, reason string) (tea.Cmd, error) {
		to := model.Severities[choice]
		if to == from {
			return nil, fmt.Errorf("%s is already %s: choose another severity", model.FormatKey(number), to)
		}
		if strings.TrimSpace(reason) == "" {
			return nil, errors.New("a severity change needs a reason")
		}
		pol, err := e.cfg.Catalog.Policy.For(to)
		if err != nil {
			return nil, err
		}
		pb, ok := e.cfg.Catalog.Playbooks[to]
		if !ok {
			return nil, fmt.Errorf("no playbook for %s", to)
		}
		return changeSeverity(e.cfg.Store, number, from, pol, pb, reason, e.cfg.Actor, e.now), nil
	}
	return p
}

func rolePrompt(e *env, inc *model.Incident, actor string) *Prompt {
	p := newPrompt(e, "Assign a role on "+inc.Key()).withInput("name (empty clears the role)", "")
	roles := map[int]model.Role{}
	for i, r := range model.Roles {
		c := fmt.Sprintf("%-21s %s", r, Sanitize(inc.Roles[r]))
		p.choices = append(p.choices, c)
		roles[i] = r
	}
	current := inc.Roles
	p.onChoice = func(p *Prompt) {
		p.input.SetValue(current[roles[p.choice]])
		p.input.CursorEnd()
	}
	if current[model.RoleCommander] == "" {
		p.input.SetValue(actor) // the one declaring is usually the IC
		p.input.CursorEnd()
	} else {
		p.onChoice(p)
	}
	p.hint = "↑/↓ picks the role; type the person's name"
	number := inc.Number
	p.submit = func(choice int, person string) (tea.Cmd, error) {
		role := roles[choice]
		person = strings.TrimSpace(person)
		if person == current[role] {
			return nil, fmt.Errorf("%s is already %q", role, person)
		}
		what := fmt.Sprintf("%s: %s", role, person)
		if person == "" {
			what = string(role) + " unassigned"
		}
		now, by := e.now, e.cfg.Actor
		return apply(e.cfg.Store, number, what, func(inc *model.Incident) (model.Event, error) {
			return inc.AssignRole(now, by, role, person)
		}), nil
	}
	return p
}

func resolvePrompt(e *env, inc *model.Incident) *Prompt {
	open := inc.Verification.Open()
	var p *Prompt
	if len(open) == 0 {
		p = newPrompt(e, fmt.Sprintf("Resolve %s? Verified; the post-mortem and review clocks start now.", inc.Key())).
			withInput("what fixed it (optional)", "")
		p.hint = "enter resolves · esc cancels"
	} else {
		p = newPrompt(e, fmt.Sprintf("Resolve %s with %d verification check(s) open? (v walks them)", inc.Key(), len(open))).
			withInput("why resolve without them (required override)", "")
		p.hint = "the override and its reason are recorded · esc cancels"
	}
	number := inc.Number
	p.submit = func(_ int, text string) (tea.Cmd, error) {
		note, override := text, ""
		if len(open) > 0 {
			if strings.TrimSpace(text) == "" {
				return nil, errors.New("give a reason to resolve with checks open, or esc and verify (v)")
			}
			note, override = "", text
		}
		now, actor := e.now, e.cfg.Actor
		return apply(e.cfg.Store, number, "resolved", func(inc *model.Incident) (model.Event, error) {
			return inc.Resolve(now, actor, note, override)
		}), nil
	}
	return p
}

func closePrompt(e *env, inc *model.Incident) *Prompt {
	done := !inc.Review.CompletedAt.IsZero()
	var p *Prompt
	if done {
		p = newPrompt(e, fmt.Sprintf("Close %s? The review is complete; it leaves the board, its record stays.", inc.Key()))
		p.hint = "enter closes · esc cancels"
	} else {
		p = newPrompt(e, fmt.Sprintf("Close %s with the post-incident review not complete?", inc.Key())).
			withInput("why (required override, recorded)", "")
		p.hint = "esc cancels; the review screen (w) marks its steps"
	}
	number := inc.Number
	p.submit = func(_ int, override string) (tea.Cmd, error) {
		if !done && strings.TrimSpace(override) == "" {
			return nil, errors.New("give a reason to close without a complete review")
		}
		now, actor := e.now, e.cfg.Actor
		return apply(e.cfg.Store, number, "closed", func(inc *model.Incident) (model.Event, error) {
			return inc.Close(now, actor, override)
		}), nil
	}
	return p
}

func reopenPrompt(e *env, inc *model.Incident) *Prompt {
	p := newPrompt(e, fmt.Sprintf("Reopen %s? Its resolution clocks run again.", inc.Key())).
		withInput("why (required)", "")
	number := inc.Number
	p.submit = func(_ int, reason string) (tea.Cmd, error) {
		if strings.TrimSpace(reason) == "" {
			return nil, errors.New("reopening needs a reason")
		}
		now, actor := e.now, e.cfg.Actor
		return apply(e.cfg.Store, number, "reopened", func(inc *model.Incident) (model.Event, error) {
			return inc.Reopen(now, actor, reason)
		}), nil
	}
	return p
}

// staticCursor stops a text input's cursor from blinking: a war-room screen
// that repaints twice a second for a cursor costs CPU on every console and
// every tmux client for nothing.
func staticCursor(ti *textinput.Model) { ti.Cursor.SetMode(staticCursorMode) }

const staticCursorMode = cursor.CursorStatic

func escalatePrompt(e *env, inc *model.Incident, esc model.Escalation) *Prompt {
	title := fmt.Sprintf("Escalate %s from Tier %d to Tier %d", inc.Key(), esc.Tier, esc.NextTier)
	value := ""
	if esc.Due {
		value = esc.Reason
	}
	p := newPrompt(e, title).withInput("reason (required)", value)
	p.input.CursorEnd()
	p.hint = "records the tier, time, reason and you; starts the tier's response clock; opens the notification"
	number := inc.Number
	p.submit = func(_ int, reason string) (tea.Cmd, error) {
		if strings.TrimSpace(reason) == "" {
			return nil, errors.New("an escalation needs a reason")
		}
		now, actor := e.now, e.cfg.Actor
		return escalate(e.cfg.Store, number, func(inc *model.Incident) (model.Event, error) {
			return inc.Escalate(now, actor, reason)
		}), nil
	}
	return p
}

func updatePrompt(e *env, number int64) *Prompt {
	p := newPrompt(e, "Record a status update for "+model.FormatKey(number)+" (restarts the update clock)").
		withInput("what changed, current impact, next update at…", "")
	p.submit = func(_ int, text string) (tea.Cmd, error) {
		if strings.TrimSpace(text) == "" {
			return nil, errors.New("the status update is empty")
		}
		now, actor := e.now, e.cfg.Actor
		return apply(e.cfg.Store, number, "status update recorded", func(inc *model.Incident) (model.Event, error) {
			return inc.StatusUpdate(now, actor, text)
		}), nil
	}
	return p
}

// verifyPrompt walks the seed's verification checks (§5.3): enter passes
// the chosen one.
func verifyPrompt(e *env, inc *model.Incident) *Prompt {
	p := newPrompt(e, "Verification of "+inc.Key()+": choose a check, enter passes it")
	v := inc.Verification
	for _, c := range model.VerificationChecks {
		mark := "[ ] "
		if m, ok := v.Passed[c.ID]; ok {
			mark = fmt.Sprintf("[x] (%s %s) ", Sanitize(m.By), m.At.In(e.loc).Format("15:04"))
		}
		text := c.Text
		if c.ID == model.CheckStable && !v.FixedAt.IsZero() && e.now.Before(v.StableAt()) {
			text += fmt.Sprintf(" (can pass at %s, %s to go)", v.StableAt().In(e.loc).Format("15:04"), Countdown(v.StableAt().Sub(e.now)))
		}
		p.choices = append(p.choices, mark+text)
	}
	if open := v.Open(); len(open) > 0 {
		for i, c := range model.VerificationChecks {
			if c.ID == open[0] {
				p.choice = i
				break
			}
		}
	}
	p.hint = "1-4 or ↑/↓ choose · the stability check needs the fix declared 30 minutes ago (f)"
	number := inc.Number
	p.submit = func(choice int, _ string) (tea.Cmd, error) {
		c := model.VerificationChecks[choice]
		now, actor := e.now, e.cfg.Actor
		return apply(e.cfg.Store, number, "verified: "+c.Text, func(inc *model.Incident) (model.Event, error) {
			return inc.PassCheck(now, actor, c.ID)
		}), nil
	}
	return p
}
