package ui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/warroom/warroom/model"
)

type formField int

const (
	fieldTitle formField = iota
	fieldServices
	fieldCustomers
	fieldImpact
	fieldSeverity
	fieldReason
	fieldCount
)

// DeclareForm declares a new incident: title, affected services, share of
// customers affected and business impact. It proposes the severity by the
// seed's §2.2 rule and says why; choosing another severity is an override
// that needs a reason, recorded on the timeline.
type DeclareForm struct {
	env       *env
	focus     formField
	title     textinput.Model
	customers textinput.Model
	reason    textinput.Model
	services  []bool // parallel to the catalog's services
	svcCursor int
	impact    int // index into model.Impacts
	severity  int // 0 = the proposal, else P1..P4
	err       string
	width     int
	height    int
	submitted bool
	// confirmDiscard: esc was pressed once on a form with something in it
	confirmDiscard bool
	// drill is the armed drill this form declares the incident of; nil
	// for a real incident.
	drill *model.Drill
}

// SetDrill makes the form declare an armed drill's incident: its title and
// services come from the scenario; the team still judges the impact and
// the severity, as it would for real.
func (f *DeclareForm) SetDrill(d model.Drill) {
	f.drill = &d
	decl := d.Declaration(f.env.now, f.env.cfg.Actor)
	f.title.SetValue(decl.Title)
	for i, svc := range f.env.cfg.Catalog.Services {
		f.services[i] = slices.Contains(decl.Services, svc.ID)
	}
	for i, imp := range model.Impacts {
		if imp == decl.Impact {
			f.impact = i
		}
	}
	if decl.CustomersPct > 0 {
		f.customers.SetValue(strconv.FormatFloat(decl.CustomersPct, 'f', -1, 64))
	}
}

func newDeclareForm(e *env) *DeclareForm {
	mk := func(placeholder string, limit int) textinput.Model {
		ti := textinput.New()
		ti.Prompt = ""
		ti.Placeholder = placeholder
		ti.CharLimit = limit
		staticCursor(&ti)
		return ti
	}
	f := &DeclareForm{
		env:       e,
		title:     mk("what is broken, in a few words", 0),
		customers: mk("0-100", 5),
		reason:    mk("required when you override the proposal", 500),
		services:  make([]bool, len(e.cfg.Catalog.Services)),
		impact:    2, // other
	}
	f.title.Focus()
	return f
}

// Init has nothing to start: the cursor does not blink.
func (f *DeclareForm) Init() tea.Cmd { return nil }

// SetSize fits the form to the screen.
func (f *DeclareForm) SetSize(l Layout) {
	f.width, f.height = l.Width, l.BodyHeight
	w := max(10, l.Width-22)
	f.title.Width, f.reason.Width, f.customers.Width = w, w, 6
}

// SetError shows an error from the store.
func (f *DeclareForm) SetError(msg string) {
	f.err = msg
	f.submitted = false
}

// Update passes non-key messages (cursor blink) to the focused input.
func (f *DeclareForm) Update(msg tea.Msg) tea.Cmd {
	if in := f.input(); in != nil {
		var cmd tea.Cmd
		*in, cmd = in.Update(msg)
		return cmd
	}
	return nil
}

func (f *DeclareForm) input() *textinput.Model {
	switch f.focus {
	case fieldTitle:
		return &f.title
	case fieldCustomers:
		return &f.customers
	case fieldReason:
		return &f.reason
	}
	return nil
}

func (f *DeclareForm) setFocus(to formField) {
	if in := f.input(); in != nil {
		in.Blur()
	}
	f.focus = (to + fieldCount) % fieldCount
	if in := f.input(); in != nil {
		in.Focus()
	}
}

// HandleKey handles a key; done is true when the form should close.
func (f *DeclareForm) HandleKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := f.env.keys
	switch {
	case key.Matches(msg, k.Cancel):
		if f.touched() && !f.confirmDiscard {
			f.confirmDiscard = true
			f.err = "esc again discards this declaration; any other key keeps editing"
			return nil, false
		}
		return nil, true
	case key.Matches(msg, k.Submit):
		return f.submit(), false
	case msg.Type == tea.KeyTab:
		f.setFocus(f.focus + 1)
		return nil, false
	case msg.Type == tea.KeyShiftTab:
		f.setFocus(f.focus - 1)
		return nil, false
	case msg.Type == tea.KeyEnter && !msg.Paste:
		if f.focus == fieldReason {
			return f.submit(), false // enter on the last field declares
		}
		f.setFocus(f.focus + 1)
		return nil, false
	}
	f.err, f.confirmDiscard = "", false
	switch f.focus {
	case fieldServices:
		switch msg.Type {
		case tea.KeyUp, tea.KeyLeft:
			f.svcCursor = max(0, f.svcCursor-1)
		case tea.KeyDown, tea.KeyRight:
			f.svcCursor = min(len(f.services)-1, f.svcCursor+1)
		case tea.KeySpace:
			if len(f.services) > 0 {
				f.services[f.svcCursor] = !f.services[f.svcCursor]
			}
		}
		return nil, false
	case fieldImpact:
		f.impact = cycle(f.impact, len(model.Impacts), msg)
		return nil, false
	case fieldSeverity:
		f.severity = cycle(f.severity, 5, msg)
		return nil, false
	case fieldCustomers:
		// digits and one decimal point only
		if msg.Type == tea.KeyRunes {
			for _, r := range msg.Runes {
				if (r < '0' || r > '9') && r != '.' {
					f.err = "customers affected is a percentage, 0 to 100"
					return nil, false
				}
			}
		}
	}
	if in := f.input(); in != nil {
		var cmd tea.Cmd
		*in, cmd = in.Update(msg)
		return cmd, false
	}
	return nil, false
}

// touched reports whether anything was entered, so esc asks before
// throwing it away.
func (f *DeclareForm) touched() bool {
	if f.title.Value() != "" || f.customers.Value() != "" || f.reason.Value() != "" || f.severity != 0 || f.impact != 2 {
		return true
	}
	for _, on := range f.services {
		if on {
			return true
		}
	}
	return false
}

func cycle(i, n int, msg tea.KeyMsg) int {
	switch msg.Type {
	case tea.KeyLeft, tea.KeyUp:
		return (i + n - 1) % n
	case tea.KeyRight, tea.KeyDown, tea.KeySpace:
		return (i + 1) % n
	}
	return i
}

func (f *DeclareForm) pct() (float64, error) {
	s := strings.TrimSpace(f.customers.Value())
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v > 100 {
		return 0, fmt.Errorf("customers affected must be a percentage from 0 to 100, not %q", s)
	}
	return v, nil
}

func (f *DeclareForm) assessment() model.Assessment {
	p, _ := f.pct()
	return model.AssessSeverity(model.Impacts[f.impact], p)
}

// chosen is the severity the form would declare.
func (f *DeclareForm) chosen() model.Severity {
	if f.severity == 0 {
		return f.assessment().Severity
	}
	return model.Severity(f.severity)
}

func (f *DeclareForm) proposalKept() bool { return f.chosen() == f.assessment().Severity }

func (f *DeclareForm) submit() tea.Cmd {
	if f.submitted {
		return nil // one declaration per form, even if enter is pressed twice
	}
	title := f.title.Value()
	if strings.TrimSpace(title) == "" {
		f.err = "the title is empty: say what is broken"
		f.setFocus(fieldTitle)
		return nil
	}
	pct, err := f.pct()
	if err != nil {
		f.err = err.Error()
		f.setFocus(fieldCustomers)
		return nil
	}
	override := !f.proposalKept()
	if override && strings.TrimSpace(f.reason.Value()) == "" {
		f.err = fmt.Sprintf("overriding the proposed %s needs a reason", f.assessment().Severity)
		f.setFocus(fieldReason)
		return nil
	}
	var services []string
	for i, on := range f.services {
		if on {
			services = append(services, f.env.cfg.Catalog.Services[i].ID)
		}
	}
	d := model.Declaration{
		Title: title, Impact: model.Impacts[f.impact], CustomersPct: pct, Services: services,
		Severity: f.chosen(), OverrideReason: f.reason.Value(),
		DetectedAt: f.env.now, Actor: f.env.cfg.Actor,
	}
	if f.drill != nil {
		d.StartedAt = f.drill.StartedAt // T0: detection is measured from it
	}
	inc, ev, err := model.Declare(d, f.env.cfg.Catalog)
	if err != nil {
		f.err = strings.TrimPrefix(err.Error(), model.ErrInvalid.Error()+": ")
		if errors.Is(err, model.ErrInvalid) {
			return nil
		}
		return nil
	}
	f.submitted = true
	if f.drill != nil {
		return declareDrill(f.env.cfg.Store, f.drill.ID, inc, ev, f.env.now)
	}
	return declare(f.env.cfg.Store, inc, ev)
}

// View renders the form.
func (f *DeclareForm) View() string {
	s := f.env.styles
	label := func(fl formField, text string) string {
		st := s.Field
		mark := "  "
		if f.focus == fl {
			st, mark = s.FieldOn, s.Cursor.Render("▶ ")
		}
		return mark + st.Render(Pad(text, 19))
	}
	var b strings.Builder
	if f.drill != nil {
		b.WriteString(s.Drill.Render("DRILL") + " " + s.Section.Render(Fit(fmt.Sprintf("Declare the incident of drill #%d, %s", f.drill.ID, f.drill.Scenario.Title), max(0, f.width-6))) + "\n")
		b.WriteString(s.Muted.Render(Fit(fmt.Sprintf("  started %s ago: detection is measured from then to this declaration", model.PreciseDuration(f.env.now.Sub(f.drill.StartedAt))), f.width)) + "\n")
	} else {
		b.WriteString(s.Section.Render("Declare an incident") + "\n")
	}
	if f.height >= 20 {
		b.WriteString("\n")
	}
	b.WriteString(label(fieldTitle, "Title") + f.title.View() + "\n")

	b.WriteString(label(fieldServices, "Affected services"))
	if f.height < 20 {
		b.WriteString(f.servicesRow() + "\n")
	}
	for i, svc := range f.env.cfg.Catalog.Services {
		if f.height < 20 {
			break
		}
		box := "[ ]"
		if f.services[i] {
			box = "[x]"
		}
		line := box + " " + Pad(svc.Name, 18) + s.Muted.Render(Fit(fmt.Sprintf(" %s · down: %s", svc.Tier, svc.DowntimeImpact), max(0, f.width-44)))
		if f.focus == fieldServices && i == f.svcCursor {
			line = s.Bold.Render(box+" "+Pad(svc.Name, 18)) + s.Muted.Render(Fit(fmt.Sprintf(" %s · down: %s", svc.Tier, svc.DowntimeImpact), max(0, f.width-44)))
		}
		if i > 0 {
			b.WriteString(strings.Repeat(" ", 21))
		}
		b.WriteString(line + "\n")
	}

	b.WriteString(label(fieldCustomers, "Customers affected") + f.customers.View() + " %\n")
	b.WriteString(label(fieldImpact, "Business impact") + choiceRow(s, impactNames(), f.impact, f.focus == fieldImpact) + "\n")
	sevNames := []string{"proposed", "P1", "P2", "P3", "P4"}
	if f.width < 70 {
		sevNames[0] = "auto"
	}
	b.WriteString(label(fieldSeverity, "Severity") + choiceRow(s, sevNames, f.severity, f.focus == fieldSeverity) + "\n")
	b.WriteString(label(fieldReason, "Override reason") + f.reason.View() + "\n")
	if f.height >= 20 {
		b.WriteString("\n")
	}

	a := f.assessment()
	if _, err := f.pct(); err != nil {
		b.WriteString("  " + s.Error.Render(Fit("customers affected: a percentage from 0 to 100", f.width-2)) + "\n")
	} else {
		prop := fmt.Sprintf("Proposed %s: %s", a.Severity, a.Reason)
		b.WriteString("  " + s.Badge[a.Severity].Render(" "+a.Severity.String()+" ") + " " + Fit(prop, max(0, f.width-8)) + "\n")
	}
	if !f.proposalKept() {
		b.WriteString("  " + s.State[model.StateWarning].Render(Fit(fmt.Sprintf("Override: declaring %s instead of %s; the reason is recorded.", f.chosen(), a.Severity), f.width-2)) + "\n")
	} else {
		b.WriteString("\n")
	}
	if f.err != "" {
		b.WriteString("  " + s.Error.Render(Fit(f.err, f.width-2)))
	} else if f.submitted {
		b.WriteString("  " + s.Muted.Render("declaring…"))
	}
	return b.String()
}

func impactNames() []string {
	out := make([]string, len(model.Impacts))
	for i, im := range model.Impacts {
		out[i] = string(im)
	}
	return out
}

func choiceRow(s Styles, names []string, sel int, focused bool) string {
	parts := make([]string, len(names))
	for i, n := range names {
		switch {
		case i == sel && focused:
			parts[i] = s.FieldOn.Render("(•) " + n)
		case i == sel:
			parts[i] = s.Bold.Render("(•) " + n)
		default:
			parts[i] = s.Muted.Render("( ) " + n)
		}
	}
	return strings.Join(parts, " ")
}

// ShortHelp is the footer while the form is open.
func (f *DeclareForm) ShortHelp() []key.Binding {
	k := f.env.keys
	next := key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab/enter", "next field"))
	b := []key.Binding{next}
	switch f.focus {
	case fieldServices:
		b = append(b, k.Toggle)
	case fieldImpact, fieldSeverity:
		b = append(b, key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "choose")))
	}
	return append(b, k.Submit, k.Cancel)
}

// servicesRow is the service picker on one line, for short terminals.
func (f *DeclareForm) servicesRow() string {
	s := f.env.styles
	var parts []string
	for i, svc := range f.env.cfg.Catalog.Services {
		box := "[ ]"
		if f.services[i] {
			box = "[x]"
		}
		name := strings.Fields(svc.Name)[0] // "Registry", "Transport"...
		item := box + " " + name
		if f.focus == fieldServices && i == f.svcCursor {
			item = s.Bold.Render(item)
		}
		parts = append(parts, item)
	}
	// wrap under the label when the row is wider than the screen
	var b strings.Builder
	col := 21
	for i, p := range parts {
		w := ansi.StringWidth(p)
		if i > 0 && col+1+w > f.width {
			b.WriteString("\n" + strings.Repeat(" ", 21))
			col = 21
		} else if i > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(p)
		col += w
	}
	return b.String()
}
