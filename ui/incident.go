package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/warroom/warroom/model"
)

type pane int

const (
	paneChecklist pane = iota
	paneTimeline
)

// IncidentScreen is one incident: its playbook checklist on the left; its
// SLA clocks, roles and timeline on the right.
type IncidentScreen struct {
	env    *env
	number int64
	inc    *model.Incident
	lines  []checkLine // section headings and items, flattened
	cursor int         // index into lines of the selected item
	offset int
	focus  pane
	tlOff  int // timeline scroll (entries from the newest)
	lay    Layout
	alerts []model.AlertRecord // what monitoring said, if it opened it
	drill  *model.Drill        // its drill, if it is a drill's incident
}

// checkLine is one line of the checklist pane: a phase heading, a group
// heading ("Alert Stakeholders") or an item.
type checkLine struct {
	section *model.ChecklistSection
	group   string
	item    *model.ChecklistItem
}

func newIncidentScreen(e *env) IncidentScreen { return IncidentScreen{env: e} }

// SetSize gives the screen its share of the terminal.
func (s *IncidentScreen) SetSize(l Layout) {
	s.lay = l
	s.scrollTo(s.cursor)
}

// Open switches the screen to another incident, to be loaded.
func (s *IncidentScreen) Open(number int64) {
	if s.number != number {
		*s = IncidentScreen{env: s.env, number: number, lay: s.lay}
	}
}

// SetIncident shows freshly loaded data, keeping the selected step.
func (s *IncidentScreen) SetIncident(inc *model.Incident) {
	var selStep string
	if it := s.selected(); it != nil {
		selStep = it.StepID
	}
	s.inc = inc
	s.lines = s.lines[:0]
	secs := inc.Sections()
	for i := range secs {
		sec := &secs[i]
		s.lines = append(s.lines, checkLine{section: sec})
		group := ""
		for j := range sec.Items {
			if g := sec.Items[j].Group; g != "" && g != group {
				s.lines = append(s.lines, checkLine{group: g})
			}
			group = sec.Items[j].Group
			s.lines = append(s.lines, checkLine{item: &sec.Items[j]})
		}
	}
	s.cursor = -1
	for i, l := range s.lines {
		if l.item != nil && (l.item.StepID == selStep || (selStep == "" && s.cursor < 0)) {
			s.cursor = i
			if selStep != "" {
				break
			}
		}
	}
	if s.cursor < 0 {
		s.cursor = s.nextItem(0, 1)
	}
	s.scrollTo(s.cursor)
}

func (s *IncidentScreen) selected() *model.ChecklistItem {
	if s.cursor < 0 || s.cursor >= len(s.lines) {
		return nil
	}
	return s.lines[s.cursor].item
}

func (s *IncidentScreen) nextItem(from, dir int) int {
	for i := from; i >= 0 && i < len(s.lines); i += dir {
		if s.lines[i].item != nil {
			return i
		}
	}
	return -1
}

func (s *IncidentScreen) listHeight() int { return max(0, s.lay.BodyHeight-3) }

func (s *IncidentScreen) move(delta int) {
	if s.focus == paneTimeline {
		// newest first: down goes to older entries
		if s.inc != nil {
			last := max(0, len(s.inc.Timeline)-s.timelineRoom())
			s.tlOff = min(max(s.tlOff+delta, 0), last)
		}
		return
	}
	if len(s.lines) == 0 {
		return
	}
	dir := 1
	if delta < 0 {
		dir = -1
	}
	target := min(max(s.cursor+delta, 0), len(s.lines)-1)
	i := s.nextItem(target, dir)
	if i < 0 {
		i = s.nextItem(target, -dir)
	}
	if i >= 0 {
		s.cursor = i
		s.scrollTo(i)
	}
}

func (s *IncidentScreen) scrollTo(i int) {
	h := s.listHeight()
	if h <= 0 || i < 0 {
		return
	}
	// keep the headings above the first item of a section in view
	for j := i - 1; j >= 0 && s.lines[j].item == nil; j-- {
		if j < s.offset {
			s.offset = j
		}
	}
	if i < s.offset {
		s.offset = i
	}
	if i >= s.offset+h {
		s.offset = i - h + 1
	}
	s.offset = max(0, min(s.offset, len(s.lines)-h))
}

// HandleKey handles a key on the incident screen.
func (s *IncidentScreen) HandleKey(msg tea.KeyMsg) tea.Cmd {
	k := s.env.keys
	switch {
	case key.Matches(msg, k.Back, k.Quit):
		return func() tea.Msg { return backMsg{} }
	case key.Matches(msg, k.Up):
		s.move(-1)
	case key.Matches(msg, k.Down):
		s.move(1)
	case key.Matches(msg, k.PageUp):
		s.move(-max(1, s.listHeight()-1))
	case key.Matches(msg, k.PageDown):
		s.move(max(1, s.listHeight()-1))
	case key.Matches(msg, k.Top):
		s.move(-len(s.lines))
	case key.Matches(msg, k.Bottom):
		s.move(len(s.lines))
	case key.Matches(msg, k.NextPane):
		s.focus = 1 - s.focus
	case key.Matches(msg, k.Open) && s.focus == paneTimeline && s.inc != nil:
		doc := s.timelineDoc()
		return func() tea.Msg { return openDocMsg{doc: doc} }
	}
	if s.inc == nil {
		return nil
	}
	return s.action(msg)
}

// action handles the keys that change the incident.
func (s *IncidentScreen) action(msg tea.KeyMsg) tea.Cmd {
	k, e, inc := s.env.keys, s.env, s.inc
	st, actor, n := e.cfg.Store, e.cfg.Actor, inc.Number
	switch {
	case key.Matches(msg, k.Tick):
		it := s.selected()
		if it == nil {
			return nil
		}
		what := "ticked: " + it.Text
		if it.Done {
			what = "unticked: " + it.Text
		}
		return setStep(st, n, it.ID, !it.Done, actor, e.now, what)
	case key.Matches(msg, k.Acknowledge):
		now := e.now
		if !inc.AcknowledgedAt.IsZero() && inc.AwaitingTierAck() {
			// a acknowledges whatever waits: here, the escalation
			return apply(st, n, fmt.Sprintf("Tier %d acknowledged the escalation", inc.Tier), func(inc *model.Incident) (model.Event, error) {
				return inc.AcknowledgeEscalation(now, actor)
			})
		}
		return apply(st, n, "acknowledged", func(inc *model.Incident) (model.Event, error) {
			return inc.Acknowledge(now, actor)
		})
	case key.Matches(msg, k.Escalate):
		esc := inc.Escalation(e.now)
		if inc.Status != model.StatusOpen {
			return flash(fmt.Sprintf("%s is %s: nothing to escalate", inc.Key(), inc.Status), true)
		}
		if esc.NextTier == 0 {
			return flash(fmt.Sprintf("%s is at the top tier (Tier %d)", inc.Key(), esc.Tier), true)
		}
		return openPrompt(escalatePrompt(e, inc, esc))
	case key.Matches(msg, k.Update):
		if inc.Status == model.StatusClosed {
			return flash(inc.Key()+" is closed", true)
		}
		return openPrompt(updatePrompt(e, n))
	case key.Matches(msg, k.Mitigate):
		now := e.now
		return apply(st, n, "mitigated (initial resolution)", func(inc *model.Incident) (model.Event, error) {
			return inc.Mitigate(now, actor)
		})
	case key.Matches(msg, k.Advance):
		now := e.now
		next, ok := inc.Phase.Next()
		if !ok {
			return flash(fmt.Sprintf("%s is in the last phase; press C to close it", inc.Key()), true)
		}
		return apply(st, n, "phase is now "+next.String(), func(inc *model.Incident) (model.Event, error) {
			return inc.AdvancePhase(now, actor)
		})
	case key.Matches(msg, k.Note):
		return openPrompt(notePrompt(e, n))
	case key.Matches(msg, k.Drafts):
		return func() tea.Msg { return openDraftsMsg{number: n} }
	case key.Matches(msg, k.Alerts):
		if len(s.alerts) == 0 {
			return flash(inc.Key()+" was not opened from monitoring alerts", true)
		}
		doc := s.alertsDoc()
		return func() tea.Msg { return openDocMsg{doc: doc} }
	case key.Matches(msg, k.ReviewKey):
		return func() tea.Msg { return openReviewMsg{number: n} }
	case key.Matches(msg, k.Fix):
		now := e.now
		return apply(st, n, "fix declared: the 30-minute stability clock runs", func(inc *model.Incident) (model.Event, error) {
			return inc.DeclareFix(now, actor)
		})
	case key.Matches(msg, k.Verify):
		if inc.Status != model.StatusOpen {
			return flash(inc.Key()+" is "+string(inc.Status)+": verification is done before resolving", true)
		}
		return openPrompt(verifyPrompt(e, inc))
	case key.Matches(msg, k.Severity):
		return openPrompt(severityPrompt(e, inc))
	case key.Matches(msg, k.Role):
		return openPrompt(rolePrompt(e, inc, s.env.cfg.Actor))
	case key.Matches(msg, k.Resolve):
		if inc.Status != model.StatusOpen {
			return flash(fmt.Sprintf("%s is already %s", inc.Key(), inc.Status), true)
		}
		return openPrompt(resolvePrompt(e, inc))
	case key.Matches(msg, k.CloseInc):
		if inc.Status != model.StatusResolved {
			return flash(fmt.Sprintf("%s is %s: only a resolved incident can be closed", inc.Key(), inc.Status), true)
		}
		return openPrompt(closePrompt(e, inc))
	case key.Matches(msg, k.Reopen):
		if inc.Status == model.StatusOpen {
			return flash(inc.Key()+" is open", true)
		}
		return openPrompt(reopenPrompt(e, inc))
	}
	return nil
}

func openPrompt(p *Prompt) tea.Cmd {
	if p == nil {
		return nil
	}
	return func() tea.Msg { return openPromptMsg{p: p} }
}

func flash(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: text, err: isErr} }
}

// View renders the incident screen.
func (s *IncidentScreen) View() string {
	st := s.env.styles
	if s.inc == nil {
		return st.Muted.Render("loading " + model.FormatKey(s.number) + "…")
	}
	inc, now := s.inc, s.env.now
	w := s.lay.Width

	// Two heading lines: who and what; where it stands.
	badge := " " + inc.Severity.String() + " " + inc.Severity.Label() + " "
	top := st.Bold.Render(inc.Key()) + " " + st.Badge[inc.Severity].Render(badge) + " "
	titleW := max(0, w-len(inc.Key())-len(badge)-2)
	if inc.IsDrill() {
		// an exercise must never be taken for the real thing
		top += st.Drill.Render(" DRILL ") + " "
		titleW = max(0, titleW-8)
	}
	top += st.Title.Render(Fit(drillTitle(inc), titleW))
	ic := inc.Commander()
	if ic == "" {
		ic = "unassigned"
	}
	meta := fmt.Sprintf("%s · %s · IC %s · detected %s (%s ago) · %s",
		inc.Phase, inc.Status, Sanitize(ic), Clock(now, inc.DetectedAt, s.env.loc), Ago(now, inc.DetectedAt), s.servicesText())
	var b strings.Builder
	b.WriteString(top)
	b.WriteByte('\n')
	b.WriteString(st.Muted.Render(Fit(meta, w)))
	b.WriteByte('\n')

	left := s.checklistView(s.lay.LeftWidth, s.lay.BodyHeight-2)
	right := s.sideView(s.lay.RightWidth-1, s.lay.BodyHeight-2)
	b.WriteString(sideBySide(left, right, s.lay.LeftWidth, s.lay.BodyHeight-2, st.Muted.Render("│ ")))
	return b.String()
}

func (s *IncidentScreen) servicesText() string {
	if len(s.inc.Services) == 0 {
		return "no services named"
	}
	names := make([]string, 0, len(s.inc.Services))
	for _, id := range s.inc.Services {
		if svc, ok := s.env.cfg.Catalog.Service(id); ok {
			names = append(names, svc.Name)
		} else {
			names = append(names, id)
		}
	}
	return strings.Join(names, ", ")
}

func (s *IncidentScreen) checklistView(w, h int) string {
	st := s.env.styles
	var b strings.Builder
	title := fmt.Sprintf("CHECKLIST %s", s.inc.Progress)
	if s.focus == paneChecklist {
		b.WriteString(st.PaneTitle.Render(title))
	} else {
		b.WriteString(st.Muted.Render(title))
	}
	b.WriteByte('\n')
	lh := h - 1
	end := min(len(s.lines), s.offset+lh)
	for i := s.offset; i < end; i++ {
		l := s.lines[i]
		switch {
		case l.section != nil:
			b.WriteString(s.sectionLine(l.section, w))
		case l.item == nil:
			b.WriteString(" " + st.Bold.Render(Fit(l.group, w-1)))
		default:
			b.WriteString(s.itemLine(l.item, w, i == s.cursor && s.focus == paneChecklist))
		}
		if i < end-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// sectionLine: "Immediate Actions 0–15m · due 14:17 in 03:12".
func (s *IncidentScreen) sectionLine(sec *model.ChecklistSection, w int) string {
	st, now := s.env.styles, s.env.now
	name := sec.Phase
	if sec.Severity != s.inc.Severity {
		name = fmt.Sprintf("%s (done under %s)", sec.Phase, sec.Severity)
	}
	head := st.Section.Render(Fit(name, w))
	if !sec.HasWindow {
		return head
	}
	var win string
	if sec.From == model.FromResolved {
		win = fmt.Sprintf(" within %s of resolution", Span(sec.End))
	} else {
		win = fmt.Sprintf(" %s–%s", Span(sec.Start), Span(sec.End))
	}
	avail := max(0, w-ansi.StringWidth(Fit(name, w)))
	due := sec.DueAt(s.inc)
	if due.IsZero() || (s.inc.Status != model.StatusOpen && sec.From != model.FromResolved) {
		// no clock yet, or the incident is resolved: its response
		// windows no longer run
		return head + st.Muted.Render(Fit(win, avail))
	}
	done := true
	for _, it := range sec.Items {
		done = done && it.Done
	}
	state := model.StateOK
	left := due.Sub(now)
	switch {
	case done:
		state = model.StateMet
	case left <= 0:
		state = model.StateBreached
	case float64(left) <= s.inc.Policy.WarnRatio*float64(sec.End-sec.Start):
		state = model.StateWarning
	}
	clock := fmt.Sprintf(" · due %s ", Clock(now, due, s.env.loc))
	cd := Countdown(left)
	if done {
		cd = "done"
	} else if left > 0 {
		cd = "in " + cd
	}
	winClock := Fit(win+clock, avail)
	return head + st.Muted.Render(winClock) + st.State[state].Render(Fit(cd, avail-ansi.StringWidth(winClock)))
}

// itemLine: "[x] Page on-call engineer        alice 14:05".
func (s *IncidentScreen) itemLine(it *model.ChecklistItem, w int, selected bool) string {
	st := s.env.styles
	box := "[ ] "
	if it.Done {
		box = "[x] "
	}
	var who string
	if it.Done {
		who = " " + Clock(s.env.now, it.DoneAt, s.env.loc) + " " + Fit(it.DoneBy, max(4, min(12, w/6)))
	}
	text := it.Text
	cur := "  "
	if selected {
		cur = st.Cursor.Render("▶ ")
	}
	// the text column is capped so who ticked it stays near the step
	textW := min(max(0, w-2-4-ansi.StringWidth(who)), 64)
	line := box + Pad(text, textW)
	if it.Done {
		return cur + st.Done.Render(line) + st.Muted.Render(who)
	}
	if selected {
		return cur + st.Bold.Render(line)
	}
	return cur + line
}

// sideView: the SLA clocks, the roles and the newest timeline entries.
func (s *IncidentScreen) sideView(w, h int) string {
	st, now, inc := s.env.styles, s.env.now, s.inc
	var lines []string
	lines = append(lines, st.PaneTitle.Render("SLA"))
	for _, d := range s.sideDeadlines() {
		lines = append(lines, s.deadlineLine(d, w))
	}
	lines = append(lines, s.escalationLine(w), s.verificationLine(w))
	if s.drill != nil {
		lines = append(lines, s.drillLine(w))
	}
	if len(s.alerts) > 0 {
		lines = append(lines, s.alertsLine(w))
	}
	lines = append(lines, "", st.PaneTitle.Render("ROLES"))
	for _, r := range model.Roles {
		who := inc.Roles[r]
		if who == "" {
			lines = append(lines, Pad(string(r), 21)+" "+st.Muted.Render("—"))
		} else {
			lines = append(lines, Pad(string(r), 21)+" "+Fit(who, max(0, w-22)))
		}
	}
	room := s.timelineRoom()
	n := len(inc.Timeline)
	title := "TIMELINE, newest first"
	switch {
	case room == 0:
		title = fmt.Sprintf("TIMELINE: %d entries (tab, enter)", n)
	case n > room:
		title = fmt.Sprintf("TIMELINE %d–%d of %d, newest first", s.tlOff+1, min(n, s.tlOff+room), n)
	}
	if s.focus == paneTimeline {
		lines = append(lines, "", st.PaneTitle.Render(Fit(title+" · enter: all", w)))
	} else {
		lines = append(lines, "", st.Muted.Render(Fit(title, w)))
	}
	for i := n - 1 - s.tlOff; i >= 0 && room > 0; i-- {
		e := inc.Timeline[i]
		who := Clock(now, e.At, s.env.loc) + " " + Fit(e.Actor, 10) + " "
		lines = append(lines, st.Muted.Render(who)+Fit(eventText(e), max(0, w-ansi.StringWidth(who))))
		room--
	}
	return strings.Join(lines, "\n")
}

// drillLine is the drill's score so far on one line: "DRILL 2/3 met ·
// detect 42s ✓ · ack 3m 10s ✓ · resolve …".
func (s *IncidentScreen) drillLine(w int) string {
	st := s.env.styles
	sc := model.ScoreDrill(*s.drill, s.inc, s.env.now)
	text := fmt.Sprintf(" %d/%d met", sc.Met, len(sc.Rows))
	for _, r := range sc.Rows {
		name := shortScoreName(r.Name)
		switch {
		case r.Met:
			text += fmt.Sprintf(" · %s %s ✓", name, model.PreciseDuration(r.Measured))
		case r.Reached:
			text += fmt.Sprintf(" · %s %s ✗", name, model.PreciseDuration(r.Measured))
		case r.Missed:
			text += fmt.Sprintf(" · %s ✗ over %s", name, Span(r.Target))
		case r.CalledOff:
			text += fmt.Sprintf(" · %s called off", name)
		default:
			text += fmt.Sprintf(" · %s < %s", name, Span(r.Target))
		}
	}
	return st.Drill.Render("DRILL") + Fit(text, max(0, w-5))
}

// drillTitle is the title to show next to a DRILL badge: without a
// leading "DRILL: ", which the badge says already.
func drillTitle(inc *model.Incident) string {
	t := inc.Title
	if inc.IsDrill() && len(t) > 7 && strings.EqualFold(t[:7], "DRILL: ") {
		return t[7:]
	}
	return t
}

// shortScoreName is a score row's name in a word: "Time to
// acknowledgment" is "ack".
func shortScoreName(name string) string {
	n := strings.TrimPrefix(name, "Time to ")
	switch {
	case strings.HasPrefix(n, "detect"):
		return "detect"
	case strings.HasPrefix(n, "ack"):
		return "ack"
	case strings.HasPrefix(n, "resol"):
		return "resolve"
	}
	return n
}

// timelineRoom is how many timeline entries fit under the clocks and
// roles of the side pane.
func (s *IncidentScreen) timelineRoom() int {
	if s.inc == nil {
		return 0
	}
	above := 1 + len(s.sideDeadlines()) + 2 + 2 + len(model.Roles) + 2
	if len(s.alerts) > 0 {
		above++
	}
	if s.drill != nil {
		above++
	}
	return max(0, s.lay.BodyHeight-2-above)
}

// timelineDoc is the whole timeline, every entry in full, oldest first.
func (s *IncidentScreen) timelineDoc() *Document {
	var b strings.Builder
	for _, e := range s.inc.Timeline {
		fmt.Fprintf(&b, "%s  %s  %s\n", e.At.In(s.env.loc).Format("2006-01-02 15:04:05"), Sanitize(e.Actor), e.Kind)
		for _, l := range strings.Split(model.PlainText(e.Text), "\n") {
			for _, wl := range strings.Split(ansi.Wrap(l, max(20, s.lay.Width-4), ""), "\n") {
				b.WriteString("    " + wl + "\n")
			}
		}
	}
	return newDocument(s.env, fmt.Sprintf("Timeline of %s · %d entries · y copies · esc closes", s.inc.Key(), len(s.inc.Timeline)), b.String())
}

// deadlineLine: "ACK Acknowledgment     13:53 in 03:12"; a breach counts
// up, "13:53 +07:00 BREACHED". The name is dropped on a narrow pane.
func (s *IncidentScreen) deadlineLine(d model.Deadline, w int) string {
	st, now := s.env.styles, s.env.now
	name := Pad(d.Short, 4)
	if w >= 44 {
		name += Pad(d.Name, 19)
	}
	due := Clock(now, d.DueAt, s.env.loc)
	var status string
	switch d.State {
	case model.StatePending:
		status = "not started"
	case model.StateMet:
		status = "met " + Clock(now, d.DoneAt, s.env.loc)
		if w >= 44 {
			status += " (due " + due + ")"
		}
	case model.StateMissed:
		status = "missed: " + Clock(now, d.DoneAt, s.env.loc) + " (due " + due + ")"
	case model.StateSkipped:
		status = "skipped"
	case model.StateBreached:
		status = due + " " + Countdown(d.Remaining(now)) + " BREACHED"
	default:
		status = due + " in " + Countdown(d.Remaining(now))
	}
	return name + st.State[d.State].Render(Fit(status, max(0, w-ansi.StringWidth(name))))
}

// ShortHelp is the footer's key list.
func (s *IncidentScreen) ShortHelp() []key.Binding {
	k := s.env.keys
	return []key.Binding{k.Tick, k.Acknowledge, k.Advance, k.Note, k.Update, k.Drafts, k.Escalate, k.Role, k.Severity, k.Resolve, k.Back, k.Help}
}

// FullHelp is the '?' overlay's key list.
func (s *IncidentScreen) FullHelp() [][]key.Binding {
	k := s.env.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.NextPane},
		{k.Tick, k.Acknowledge, k.Mitigate, k.Advance, k.Severity, k.Escalate},
		{k.Role, k.Note, k.Update, k.Drafts, k.Fix, k.Verify},
		{k.Resolve, k.ReviewKey, k.CloseInc, k.Reopen, k.Alerts},
		{k.Back, k.AckAlerts, k.Help, k.ForceQ},
	}
}

// sideBySide joins two blocks into h lines: left padded to lw cells, a
// separator, then right.
func sideBySide(left, right string, lw, h int, sep string) string {
	ll := strings.Split(left, "\n")
	rl := strings.Split(right, "\n")
	var b strings.Builder
	for i := 0; i < h; i++ {
		var l, r string
		if i < len(ll) {
			l = ll[i]
		}
		if i < len(rl) {
			r = rl[i]
		}
		b.WriteString(padStyled(l, lw))
		b.WriteString(sep)
		b.WriteString(r)
		if i < h-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// eventText is how a timeline entry reads: ticks look like the checklist.
func eventText(e model.Event) string {
	switch e.Kind {
	case model.EventTick:
		return "[x] " + e.Text
	case model.EventUntick:
		return "[ ] " + e.Text + " (unticked)"
	}
	if e.IsSentDraft() {
		first, _, _ := strings.Cut(e.Text, "\n")
		return first + " (enter on the timeline shows it)"
	}
	if e.Kind == model.EventStatusUpdate {
		return "UPDATE: " + e.Text
	}
	return e.Text
}

// escalationLine: the tier and what is next: "Tier 1 · ESCALATE to Tier 2
// +12:00 (2h without progress)" once due.
func (s *IncidentScreen) escalationLine(w int) string {
	st, now, inc := s.env.styles, s.env.now, s.inc
	esc := inc.Escalation(now)
	head := fmt.Sprintf("ESC T%d ", esc.Tier)
	var text string
	state := model.StateMet
	switch {
	case inc.AwaitingTierAck():
		text, state = fmt.Sprintf("escalated %s, awaiting its ack (a)", Clock(now, inc.EscalatedAt, s.env.loc)), model.StateWarning
	case esc.Due:
		text, state = fmt.Sprintf("→T%d DUE %s (e) · %s", esc.NextTier, Countdown(esc.DueAt.Sub(now)), esc.Reason), model.StateBreached
	case esc.NextTier == 0:
		text = "top tier"
	case inc.Status != model.StatusOpen:
		text = "no escalation once resolved"
	default:
		text = fmt.Sprintf("Tier %d due %s · %s", esc.NextTier, Clock(now, esc.DueAt, s.env.loc), esc.Reason)
		state = model.StateOK
	}
	return Fit(head, w) + st.State[state].Render(Fit(text, max(0, w-ansi.StringWidth(head))))
}

// verificationLine: "VER fix 14:05 · stable at 14:35 (in 12:00) · 2/4 (v)".
func (s *IncidentScreen) verificationLine(w int) string {
	st, now, inc := s.env.styles, s.env.now, s.inc
	v := inc.Verification
	done := len(model.VerificationChecks) - len(v.Open())
	head := "VER "
	var text string
	state := model.StateOK
	switch {
	case inc.Status != model.StatusOpen:
		text, state = fmt.Sprintf("%d/%d checks passed", done, len(model.VerificationChecks)), model.StateMet
	case v.FixedAt.IsZero():
		text, state = "no fix declared yet (f starts the 30-minute clock)", model.StatePending
	case now.Before(v.StableAt()):
		text = fmt.Sprintf("fix %s · stable at %s (in %s) · %d/%d (v)", Clock(now, v.FixedAt, s.env.loc),
			Clock(now, v.StableAt(), s.env.loc), Countdown(v.StableAt().Sub(now)), done, len(model.VerificationChecks))
	default:
		text = fmt.Sprintf("fix %s · stable 30 min · %d/%d checks (v)", Clock(now, v.FixedAt, s.env.loc), done, len(model.VerificationChecks))
		if done == len(model.VerificationChecks) {
			text, state = "verified: ready to resolve (R)", model.StateMet
		}
	}
	return head + st.State[state].Render(Fit(text, max(0, w-len(head))))
}

// sideDeadlines are the clocks the side pane shows: every one, but the
// review's steps before resolution (they start then; the review screen
// shows them).
func (s *IncidentScreen) sideDeadlines() []model.Deadline {
	all := s.inc.Deadlines(s.env.now)
	out := all[:0:0]
	for _, d := range all {
		if d.State == model.StatePending && isReviewStep(d.ID) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func isReviewStep(id model.MilestoneID) bool {
	for _, m := range model.ReviewMilestones {
		if m.ID == id {
			return true
		}
	}
	return false
}

// alertsLine: "ALR 2 firing, 1 resolved · HighErrorRate: 5xx above 5% (l)".
func (s *IncidentScreen) alertsLine(w int) string {
	st := s.env.styles
	firing, resolved := 0, 0
	var headline string
	for _, a := range s.alerts {
		if a.Status == model.AlertResolved {
			resolved++
			continue
		}
		firing++
		if headline == "" {
			headline = a.Summary
		}
	}
	text := fmt.Sprintf("%d firing, %d resolved", firing, resolved)
	if headline != "" {
		text += " · " + Sanitize(headline)
	}
	state := model.StateBreached
	if firing == 0 {
		state = model.StateMet
	}
	text = Fit(text, max(0, w-4-4)) + " (l)"
	return "ALR " + st.State[state].Render(text)
}

// alertsDoc is every alert of the incident in full: summary, description,
// labels, runbook and generator links, times. All of it neutralised.
func (s *IncidentScreen) alertsDoc() *Document {
	var b strings.Builder
	at := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(s.env.loc).Format("2006-01-02 15:04:05 MST")
	}
	for i, a := range s.alerts {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s · %s · %s\n", strings.ToUpper(a.Status), Sanitize(a.Source), Sanitize(a.Fingerprint))
		fmt.Fprintf(&b, "  summary:     %s\n", Sanitize(a.Summary))
		for j, l := range strings.Split(model.PlainText(a.Description), "\n") {
			if j == 0 {
				fmt.Fprintf(&b, "  description: %s\n", l)
			} else {
				fmt.Fprintf(&b, "               %s\n", l)
			}
		}
		fmt.Fprintf(&b, "  started:     %s   ended: %s   last seen: %s\n", at(a.StartsAt), at(a.EndsAt), at(a.LastSeen))
		if a.RunbookURL != "" {
			fmt.Fprintf(&b, "  runbook:     %s\n", Sanitize(a.RunbookURL))
		}
		if a.GeneratorURL != "" {
			fmt.Fprintf(&b, "  source:      %s\n", Sanitize(a.GeneratorURL))
		}
		keys := make([]string, 0, len(a.Labels))
		for k := range a.Labels {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "  label        %s=%s\n", Sanitize(k), Sanitize(a.Labels[k]))
		}
	}
	return newDocument(s.env, fmt.Sprintf("Alerts of %s · %d · y copies · esc closes", s.inc.Key(), len(s.alerts)), b.String())
}
