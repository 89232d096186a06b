package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/warroom/warroom/model"
)

// Board is the home screen: every open and resolved incident, most urgent
// first, each with its next deadline counting down.
type Board struct {
	env      *env
	incs     []*model.Incident
	rows     []boardRow // what the list shows: incidents and section rules
	selected int64      // the selected incident's number (kept across reloads)
	want     int64      // an incident to select once it is loaded (just declared)
	cursor   int        // index into rows of the selected incident
	offset   int        // first row shown
	width    int
	height   int // rows available for the list
	cols     boardCols
	counts   [3]int // open, resolved, breached
	drills   int    // of the open, how many are drills'
	overdue  map[int64]int
	armed    []model.Drill // drills started whose incident is not declared yet
	body     int           // the body's height, before the drill lines
}

// boardRow is one line of the list; static text is rendered once per data
// or size change so View only adds the countdown.
type boardRow struct {
	inc    *model.Incident // nil for a section rule
	static string          // key, badge, title, phase, commander, progress
	rule   string
}

type boardCols struct {
	key, sev, title, phase, ic, prog, next int
}

func newBoard(e *env) Board { return Board{env: e} }

// SetSize gives the board its share of the screen.
func (b *Board) SetSize(l Layout) {
	b.width = l.Width
	b.body = l.BodyHeight
	b.height = max(0, b.body-2-len(b.armed)) // a column header, a blank line and a line per armed drill
	b.cols = boardColumns(l.Width, b.keyWidth())
	b.rebuild()
}

// keyWidth is the width of the longest key on the board: INC-0001, or
// INC-10000 once there are that many.
func (b *Board) keyWidth() int {
	w := len(model.FormatKey(1))
	for _, inc := range b.incs {
		w = max(w, len(inc.Key()))
	}
	return w
}

func boardColumns(w, keyW int) boardCols {
	c := boardCols{key: keyW, sev: 2, phase: 11, ic: 9, prog: 5, next: 15}
	if w >= 120 {
		c.phase, c.ic, c.prog, c.next = 19, 16, 7, 14
	}
	fixed := 2 + c.key + c.sev + c.phase + c.ic + c.prog + c.next + 6 // cursor gutter, 6 gaps
	c.title = max(8, w-fixed)
	return c
}

// SetIncidents replaces the board's data, keeping the selection.
func (b *Board) SetIncidents(incs []*model.Incident) {
	b.incs = incs
	model.SortBoard(b.incs, b.env.now)
	b.count()
	if kw := b.keyWidth(); kw != b.cols.key {
		b.cols = boardColumns(b.width, kw)
	}
	b.rebuild()
}

// Tick re-sorts the board as deadlines move (a deadline breached now may
// move an incident up).
func (b *Board) Tick() {
	b.count()
	if len(b.incs) < 2 {
		return
	}
	order := make([]int64, len(b.incs))
	for i, inc := range b.incs {
		order[i] = inc.Number
	}
	model.SortBoard(b.incs, b.env.now)
	for i, inc := range b.incs {
		if order[i] != inc.Number {
			b.rebuild()
			return
		}
	}
}

// Select moves the selection to an incident (it may arrive with the next
// load).
func (b *Board) Select(number int64) {
	b.selected, b.want = number, number
	b.rebuild()
}

// Counts are the open, resolved and breached incidents for the header,
// as of the last data change or clock tick.
func (b *Board) Counts() (open, resolved, breached int) {
	return b.counts[0], b.counts[1], b.counts[2]
}

func (b *Board) count() {
	b.counts, b.drills = [3]int{}, 0
	for _, inc := range b.incs {
		if inc.Status == model.StatusOpen && inc.IsDrill() {
			b.drills++
		}
		if inc.Status == model.StatusOpen {
			b.counts[0]++
		} else {
			b.counts[1]++
		}
		if d, ok := inc.NextDeadline(b.env.now); ok && d.State == model.StateBreached {
			b.counts[2]++
		}
	}
}

func (b *Board) rebuild() {
	b.rows = b.rows[:0]
	s := b.env.styles
	resolvedShown := false
	for _, inc := range b.incs {
		if inc.Status != model.StatusOpen && !resolvedShown {
			resolvedShown = true
			b.rows = append(b.rows, boardRow{rule: s.Muted.Render(Pad("  ── resolved · post-incident work due "+strings.Repeat("─", max(0, b.width-39)), b.width))})
		}
		b.rows = append(b.rows, boardRow{inc: inc, static: b.renderStatic(inc)})
	}
	b.cursor = -1
	if b.want != 0 {
		b.selected = b.want
	}
	for i, r := range b.rows {
		if r.inc != nil && r.inc.Number == b.selected {
			b.cursor, b.want = i, 0
		}
	}
	if b.cursor < 0 {
		b.cursor = b.firstSelectable(0, 1)
	}
	if b.cursor >= 0 {
		b.selected = b.rows[b.cursor].inc.Number
	}
	b.scrollTo(b.cursor)
}

func (b *Board) renderStatic(inc *model.Incident) string {
	c, s := b.cols, b.env.styles
	ic := inc.Commander()
	if ic == "" {
		ic = "—"
	}
	var sb strings.Builder
	sb.WriteString(Pad(inc.Key(), c.key))
	sb.WriteByte(' ')
	sb.WriteString(s.Badge[inc.Severity].Render(inc.Severity.String()))
	sb.WriteByte(' ')
	if inc.IsDrill() && c.title > 12 {
		sb.WriteString(s.Drill.Render("DRILL") + " " + Pad(drillTitle(inc), c.title-6))
	} else {
		sb.WriteString(Pad(inc.Title, c.title))
	}
	sb.WriteByte(' ')
	sb.WriteString(s.Muted.Render(Pad(inc.Phase.String(), c.phase)))
	sb.WriteByte(' ')
	sb.WriteString(Pad(ic, c.ic))
	sb.WriteByte(' ')
	sb.WriteString(PadLeft(inc.Progress.String(), c.prog))
	sb.WriteByte(' ')
	return sb.String()
}

func (b *Board) firstSelectable(from, dir int) int {
	for i := from; i >= 0 && i < len(b.rows); i += dir {
		if b.rows[i].inc != nil {
			return i
		}
	}
	return -1
}

func (b *Board) move(delta int) {
	if len(b.rows) == 0 {
		return
	}
	dir := 1
	if delta < 0 {
		dir = -1
	}
	target := min(max(b.cursor+delta, 0), len(b.rows)-1)
	i := b.firstSelectable(target, dir)
	if i < 0 {
		i = b.firstSelectable(target, -dir)
	}
	if i < 0 {
		return
	}
	b.cursor, b.want = i, 0
	b.selected = b.rows[i].inc.Number
	b.scrollTo(i)
}

func (b *Board) scrollTo(i int) {
	if b.height <= 0 {
		b.offset = 0
		return
	}
	if i < b.offset {
		b.offset = i
	}
	if i >= b.offset+b.height {
		b.offset = i - b.height + 1
	}
	b.offset = max(0, min(b.offset, len(b.rows)-b.height))
}

// HandleKey handles a key on the board.
func (b *Board) HandleKey(msg tea.KeyMsg) tea.Cmd {
	k := b.env.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Up):
		b.move(-1)
	case key.Matches(msg, k.Down):
		b.move(1)
	case key.Matches(msg, k.PageUp):
		b.move(-max(1, b.height-1))
	case key.Matches(msg, k.PageDown):
		b.move(max(1, b.height-1))
	case key.Matches(msg, k.Top):
		b.move(-len(b.rows))
	case key.Matches(msg, k.Bottom):
		b.move(len(b.rows))
	case key.Matches(msg, k.Open):
		if b.cursor >= 0 {
			n := b.rows[b.cursor].inc.Number
			return func() tea.Msg { return openIncidentMsg{number: n} }
		}
	case key.Matches(msg, k.Declare):
		return func() tea.Msg { return openFormMsg{} }
	case key.Matches(msg, k.Metrics):
		return func() tea.Msg { return openDashMsg{} }
	case key.Matches(msg, k.DrillsKey):
		return func() tea.Msg { return openDrillsMsg{} }
	}
	return nil
}

// View renders the visible rows only: its cost does not grow with the
// number of incidents.
func (b *Board) View() string {
	s, c := b.env.styles, b.cols
	var sb strings.Builder
	head := "  " + Pad("KEY", c.key) + " " + Pad("SV", c.sev) + " " + Pad("TITLE", c.title) + " " +
		Pad("PHASE", c.phase) + " " + Pad("COMMANDER", c.ic) + " " + PadLeft("STEPS", c.prog) + " " + Pad(nextHeading(c.next), c.next)
	for _, d := range b.armed {
		sb.WriteString(b.drillLine(d))
		sb.WriteByte('\n')
	}
	sb.WriteString(s.Muted.Render(head))
	sb.WriteByte('\n')
	if len(b.rows) == 0 {
		sb.WriteString("\n")
		sb.WriteString(s.Muted.Render(Fit("  No open incidents: n declares one.", b.width)))
		return sb.String()
	}
	end := min(len(b.rows), b.offset+b.height)
	for i := b.offset; i < end; i++ {
		r := b.rows[i]
		if r.inc == nil {
			sb.WriteString(r.rule)
		} else {
			if i == b.cursor {
				sb.WriteString(s.Cursor.Render("▶ "))
			} else {
				sb.WriteString("  ")
			}
			sb.WriteString(r.static)
			sb.WriteString(b.countdown(r.inc))
		}
		if i < end-1 {
			sb.WriteByte('\n')
		}
	}
	if more := len(b.rows) - end; more > 0 {
		sb.WriteString("\n" + s.Muted.Render(fmt.Sprintf("  ↓ %d more", more)))
	}
	return sb.String()
}

// countdown is the next deadline of an incident: "ACK 12:03", or after a
// breach "ACK +04:12" in the breach colour.
// SetDrills keeps the armed drills, a line each above the list: the team
// must see the failure coming in and declare it.
func (b *Board) SetDrills(ds []model.Drill) {
	b.armed = b.armed[:0]
	for _, d := range ds {
		if d.Armed() && len(b.armed) < 2 {
			b.armed = append(b.armed, d)
		}
	}
	b.height = max(0, b.body-2-len(b.armed))
	b.scrollTo(b.cursor)
}

// drillLine is an armed drill: its clock since T0 and the newest inject
// revealed, "DRILL armed T+01:42 Complete Registry Failure: Customer
// sessions dropping · D declares it".
func (b *Board) drillLine(d model.Drill) string {
	s := b.env.styles
	text := fmt.Sprintf(" armed %s %s", tPlus(b.env.now.Sub(d.StartedAt)), d.Scenario.Title)
	if shown := d.Revealed(b.env.now); len(shown) > 0 {
		text += ": " + shown[len(shown)-1].Text
	} else {
		text += ": nothing revealed yet"
	}
	hint := " · D, enter declares it"
	return s.Drill.Render("DRILL") + Fit(text, max(0, b.width-5-len(hint))) + s.Muted.Render(hint)
}

// SetOverdue sets how many action items are overdue per incident.
func (b *Board) SetOverdue(m map[int64]int) { b.overdue = m }

func (b *Board) countdown(inc *model.Incident) string {
	if n := b.overdue[inc.Number]; n > 0 && inc.Status != model.StatusOpen {
		return b.env.styles.State[model.StateBreached].Render(Fit(fmt.Sprintf("%d ITEM(S) LATE", n), b.cols.next))
	}
	if esc := inc.Escalation(b.env.now); esc.Due {
		txt := fmt.Sprintf("ESC T%d %s", esc.NextTier, Countdown(esc.DueAt.Sub(b.env.now)))
		return b.env.styles.State[model.StateBreached].Render(Fit(txt, b.cols.next))
	}
	d, ok := inc.NextDeadline(b.env.now)
	if !ok {
		return b.env.styles.Muted.Render("—")
	}
	txt := d.Short + " " + Countdown(d.Remaining(b.env.now))
	return b.env.styles.State[d.State].Render(Fit(txt, b.cols.next))
}

// ShortHelp is the footer's key list.
func (b *Board) ShortHelp() []key.Binding {
	k := b.env.keys
	return []key.Binding{k.Open, k.Declare, k.Metrics, k.DrillsKey, k.Help, k.Quit, k.Up, k.Down}
}

// FullHelp is the '?' overlay's key list.
func (b *Board) FullHelp() [][]key.Binding {
	k := b.env.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Open, k.Declare, k.Metrics, k.DrillsKey},
		{k.AckAlerts, k.Help, k.Quit, k.ForceQ},
	}
}

func nextHeading(w int) string {
	if w >= len("NEXT DEADLINE") {
		return "NEXT DEADLINE"
	}
	return "NEXT"
}
