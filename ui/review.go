package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/warroom/warroom/model"
)

// ReviewScreen is the post-incident review of one incident (seed §6.1,
// §6.2): the review's steps against their deadlines, the free-text
// sections of the PIR template, the 5-whys RCA with contributing factors
// and the cause category, and the action items with their due countdowns.
type ReviewScreen struct {
	env    *env
	number int64
	inc    *model.Incident
	review model.Review
	items  []model.ActionItem
	rows   []reviewRow
	cursor int
	offset int
	lay    Layout
}

type rowKind int

const (
	rowStep rowKind = iota
	rowSection
	rowWhy
	rowAddWhy
	rowRootCause
	rowCategory
	rowFactor
	rowAddFactor
	rowPrevention
	rowItem
	rowAddItem
	rowHeading
)

type reviewRow struct {
	kind  rowKind
	index int    // which why, factor, item, section or step
	text  string // headings
}

func newReviewScreen(e *env) ReviewScreen { return ReviewScreen{env: e} }

// Open shows the review of an incident (data arrives with the next load).
func (s *ReviewScreen) Open(number int64) {
	if s.number != number {
		*s = ReviewScreen{env: s.env, number: number, lay: s.lay}
	}
}

// SetSize fits the screen.
func (s *ReviewScreen) SetSize(l Layout) {
	s.lay = l
	if len(s.rows) > 0 {
		s.scroll()
	}
}

// SetData shows freshly loaded data, keeping the selection.
func (s *ReviewScreen) SetData(inc *model.Incident, r model.Review, items []model.ActionItem) {
	var sel reviewRow
	if s.cursor < len(s.rows) {
		sel = s.rows[s.cursor]
	}
	s.inc, s.review, s.items = inc, r, items
	s.rows = s.rows[:0]
	add := func(k rowKind, i int) { s.rows = append(s.rows, reviewRow{kind: k, index: i}) }
	head := func(t string) { s.rows = append(s.rows, reviewRow{kind: rowHeading, text: t}) }
	head("REVIEW STEPS (enter marks one done)")
	for i := range model.ReviewMilestones {
		add(rowStep, i)
	}
	head("ROOT CAUSE ANALYSIS: 5 whys")
	for i := range r.RCA.Whys {
		add(rowWhy, i)
	}
	add(rowAddWhy, 0)
	add(rowRootCause, 0)
	add(rowCategory, 0)
	for i := range r.RCA.Factors {
		add(rowFactor, i)
	}
	add(rowAddFactor, 0)
	add(rowPrevention, 0)
	head("ACTION ITEMS (enter edits; s cycles the status)")
	for i := range items {
		add(rowItem, i)
	}
	add(rowAddItem, 0)
	head("PIR SECTIONS (enter opens the editor)")
	for i := range model.ReviewSections {
		add(rowSection, i)
	}
	s.cursor = 1
	for i, row := range s.rows {
		if row.kind == sel.kind && row.index == sel.index {
			s.cursor = i
		}
	}
	s.scroll()
}

func (s *ReviewScreen) listHeight() int { return max(1, s.lay.BodyHeight-3) }

func (s *ReviewScreen) move(d int) {
	if len(s.rows) == 0 {
		return
	}
	i := min(max(s.cursor+d, 0), len(s.rows)-1)
	for i >= 0 && i < len(s.rows) && s.rows[i].kind == rowHeading {
		if d < 0 {
			i--
		} else {
			i++
		}
	}
	if i >= 0 && i < len(s.rows) {
		s.cursor = i
	}
	s.scroll()
}

func (s *ReviewScreen) scroll() {
	h := s.listHeight()
	if s.cursor > 0 && s.rows[s.cursor-1].kind == rowHeading && s.cursor-1 < s.offset {
		s.offset = s.cursor - 1
	}
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+h {
		s.offset = s.cursor - h + 1
	}
	s.offset = max(0, min(s.offset, len(s.rows)-h))
}

// HandleKey handles a key on the review screen.
func (s *ReviewScreen) HandleKey(msg tea.KeyMsg) tea.Cmd {
	k := s.env.keys
	switch {
	case key.Matches(msg, k.Back, k.Quit):
		n := s.number
		return func() tea.Msg { return openIncidentMsg{number: n} }
	case key.Matches(msg, k.Up):
		s.move(-1)
	case key.Matches(msg, k.Down):
		s.move(1)
	case key.Matches(msg, k.PageUp):
		s.move(-s.listHeight())
	case key.Matches(msg, k.PageDown):
		s.move(s.listHeight())
	case key.Matches(msg, k.Export):
		if s.inc != nil {
			return exportReview(s.env, s.number)
		}
	case key.Matches(msg, k.CycleStatus):
		if row := s.row(); row.kind == rowItem {
			it := s.items[row.index]
			for i, st := range model.ActionStatuses {
				if st == it.Status {
					it.Status = model.ActionStatuses[(i+1)%len(model.ActionStatuses)]
					break
				}
			}
			return updateActionItem(s.env, s.number, it)
		}
	case key.Matches(msg, k.Open):
		return s.activate()
	}
	return nil
}

func (s *ReviewScreen) row() reviewRow {
	if s.cursor < 0 || s.cursor >= len(s.rows) {
		return reviewRow{kind: rowHeading}
	}
	return s.rows[s.cursor]
}

// activate does what enter does on the selected row.
func (s *ReviewScreen) activate() tea.Cmd {
	if s.inc == nil {
		return nil
	}
	e, n, r := s.env, s.number, s.review
	row := s.row()
	edit := func(title, value string, apply func(r *model.Review, v string)) tea.Cmd {
		p := newPrompt(e, title).withInput("empty removes it", value)
		p.input.CursorEnd()
		p.submit = func(_ int, v string) (tea.Cmd, error) {
			return saveReview(e, n, func(r *model.Review) { apply(r, strings.TrimSpace(v)) }), nil
		}
		return openPrompt(p)
	}
	switch row.kind {
	case rowStep:
		m := model.ReviewMilestones[row.index]
		now, actor := e.now, e.cfg.Actor
		return apply(e.cfg.Store, n, m.Text, func(inc *model.Incident) (model.Event, error) {
			return inc.MarkReview(now, actor, m.ID)
		})
	case rowWhy:
		i, orig := row.index, r.RCA.Whys[row.index]
		return edit(fmt.Sprintf("Why #%d?", i+1), orig, func(r *model.Review, v string) {
			// the why as stored now: found by its text, since another
			// console may have added or removed one meanwhile
			j := slices.Index(r.RCA.Whys, orig)
			switch {
			case j < 0 && v != "":
				r.RCA.Whys = append(r.RCA.Whys, v) // removed meanwhile: keep the edit
			case j < 0:
			case v == "":
				r.RCA.Whys = slices.Delete(r.RCA.Whys, j, j+1)
			default:
				r.RCA.Whys[j] = v
			}
		})
	case rowAddWhy:
		return edit(fmt.Sprintf("Why #%d? (ask why the previous answer happened)", len(r.RCA.Whys)+1), "", func(r *model.Review, v string) {
			if v != "" {
				r.RCA.Whys = append(r.RCA.Whys, v)
			}
		})
	case rowRootCause:
		return edit("Root cause (where the whys end)", r.RCA.RootCause, func(r *model.Review, v string) { r.RCA.RootCause = v })
	case rowPrevention:
		return edit("Prevention opportunities", r.RCA.Prevention, func(r *model.Review, v string) { r.RCA.Prevention = v })
	case rowCategory:
		next := model.CauseCategories[0]
		for i, c := range model.CauseCategories {
			if c == r.RCA.Category {
				next = model.CauseCategories[(i+1)%len(model.CauseCategories)]
			}
		}
		return saveReview(e, n, func(r *model.Review) { r.RCA.Category = next })
	case rowFactor, rowAddFactor:
		return openPrompt(factorPrompt(e, n, r, row))
	case rowItem, rowAddItem:
		return openPrompt(actionItemPrompt(e, n, s.items, row))
	case rowSection:
		sec := model.ReviewSections[row.index]
		return func() tea.Msg {
			return openSectionMsg{number: n, section: sec.ID, title: sec.Title, body: r.Sections[sec.ID]}
		}
	}
	return nil
}

// View renders the review.
func (s *ReviewScreen) View() string {
	st := s.env.styles
	w := s.lay.Width
	if s.inc == nil {
		return st.Muted.Render("loading the review of " + model.FormatKey(s.number) + "…")
	}
	var b strings.Builder
	title := fmt.Sprintf("Post-incident review · %s %s · %s", s.inc.Key(), s.inc.Severity, Sanitize(s.inc.Title))
	b.WriteString(st.Section.Render(Fit(title, w)) + "\n")
	sub := fmt.Sprintf("resolved %s · x exports Markdown · C closes once complete", Clock(s.env.now, s.inc.ResolvedAt, s.env.loc))
	if s.inc.Status == model.StatusOpen {
		sub = "not resolved yet: the review's clocks start at resolution · x exports Markdown"
	}
	b.WriteString(st.Muted.Render(Fit(sub, w)) + "\n\n")
	h := s.listHeight()
	end := min(len(s.rows), s.offset+h)
	for i := s.offset; i < end; i++ {
		b.WriteString(s.rowView(s.rows[i], w, i == s.cursor))
		if i < end-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func (s *ReviewScreen) rowView(row reviewRow, w int, selected bool) string {
	st, now, r := s.env.styles, s.env.now, s.review
	cur := "  "
	if selected {
		cur = st.Cursor.Render("▶ ")
	}
	line := func(text string) string {
		if selected {
			return cur + st.Bold.Render(Fit(text, w-2))
		}
		return cur + Fit(text, w-2)
	}
	switch row.kind {
	case rowHeading:
		return st.Section.Render(Fit(row.text, w))
	case rowStep:
		m := model.ReviewMilestones[row.index]
		for _, d := range s.inc.Deadlines(now) {
			if d.ID == m.ID {
				var state string
				switch d.State {
				case model.StatePending:
					state = "starts at resolution"
				case model.StateMet, model.StateMissed:
					state = fmt.Sprintf("%s %s", d.State, Clock(now, d.DoneAt, s.env.loc))
				case model.StateBreached:
					state = "due " + Clock(now, d.DueAt, s.env.loc) + " " + Countdown(d.Remaining(now)) + " OVERDUE"
				default:
					state = "due " + Clock(now, d.DueAt, s.env.loc) + " in " + Countdown(d.Remaining(now))
				}
				box := "[ ]"
				if !d.DoneAt.IsZero() {
					box = "[x]"
				}
				head := fmt.Sprintf("%s %-4s %-22s ", box, d.Short, m.Text)
				return cur + Fit(head, w-2) + st.State[d.State].Render(Fit(state, max(0, w-2-len(head))))
			}
		}
		return line(m.Text)
	case rowWhy:
		return line(fmt.Sprintf("Why %d: %s", row.index+1, Sanitize(r.RCA.Whys[row.index])))
	case rowAddWhy:
		return cur + st.Muted.Render(Fit(fmt.Sprintf("+ add why #%d", len(r.RCA.Whys)+1), w-2))
	case rowRootCause:
		return line("Root cause: " + orPlaceholder(r.RCA.RootCause, "[where the whys end]"))
	case rowCategory:
		c := "[enter picks: network, configuration, resource exhaustion, software bug, third party…]"
		if r.RCA.Category != "" {
			c = r.RCA.Category.Label() + " (" + string(r.RCA.Category) + ")"
		}
		return line("Cause category: " + c)
	case rowFactor:
		f := r.RCA.Factors[row.index]
		return line(fmt.Sprintf("Factor (%s): %s", f.Category, Sanitize(f.Text)))
	case rowAddFactor:
		return cur + st.Muted.Render(Fit("+ add a contributing factor (people, process, technology, environment)", w-2))
	case rowPrevention:
		return line("Prevention: " + orPlaceholder(r.RCA.Prevention, "[prevention opportunities]"))
	case rowItem:
		it := s.items[row.index]
		due := "due " + Clock(now, it.DueAt, s.env.loc)
		state := model.StateOK
		switch {
		case it.Status == model.ActionDone || it.Status == model.ActionDropped:
			state = model.StateMet
		case it.Overdue(now):
			due += " OVERDUE " + Countdown(it.DueAt.Sub(now))
			state = model.StateBreached
		default:
			due += " in " + Countdown(it.DueAt.Sub(now))
		}
		head := fmt.Sprintf("#%d %-11s %-12s %s ", it.Seq, statusLabel(it.Status), Fit(it.Owner, 12), Sanitize(it.Description))
		dueW := min(38, max(0, w-2-24))
		return cur + Pad(head, max(0, w-2-dueW)) + st.State[state].Render(Fit(due, dueW))
	case rowAddItem:
		return cur + st.Muted.Render(Fit("+ add an action item (description, owner, due date)", w-2))
	case rowSection:
		sec := model.ReviewSections[row.index]
		body := strings.TrimSpace(r.Sections[sec.ID])
		first, _, _ := strings.Cut(body, "\n")
		return line(fmt.Sprintf("%s: %s", sec.Title, orPlaceholder(first, "[empty]")))
	}
	return ""
}

func orPlaceholder(s, ph string) string {
	if strings.TrimSpace(s) == "" {
		return ph
	}
	return Sanitize(s)
}

// ShortHelp is the footer's key list.
func (s *ReviewScreen) ShortHelp() []key.Binding {
	k := s.env.keys
	edit := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit/mark"))
	return []key.Binding{edit, k.CycleStatus, k.Export, k.Up, k.Down, k.Back, k.Help}
}

// FullHelp is the '?' overlay's key list.
func (s *ReviewScreen) FullHelp() [][]key.Binding {
	k := s.env.keys
	return [][]key.Binding{{k.Open, k.CycleStatus, k.Export}, {k.Up, k.Down, k.PageUp, k.PageDown}, {k.Back, k.Help, k.ForceQ}}
}

func factorPrompt(e *env, n int64, r model.Review, row reviewRow) *Prompt {
	value, cat := "", 0
	if row.kind == rowFactor {
		f := r.RCA.Factors[row.index]
		value = f.Text
		for i, c := range model.FishboneCategories {
			if c == f.Category {
				cat = i
			}
		}
	}
	p := newPrompt(e, "Contributing factor: pick its fishbone category (↑/↓), then describe it").withInput("empty removes it", value)
	for _, c := range model.FishboneCategories {
		p.choices = append(p.choices, string(c))
	}
	p.choice = cat
	idx, editing := row.index, row.kind == rowFactor
	p.submit = func(choice int, text string) (tea.Cmd, error) {
		f := model.Factor{Category: model.FishboneCategories[choice], Text: strings.TrimSpace(text)}
		return saveReview(e, n, func(r *model.Review) {
			switch {
			case editing && idx < len(r.RCA.Factors) && f.Text == "":
				r.RCA.Factors = append(r.RCA.Factors[:idx], r.RCA.Factors[idx+1:]...)
			case editing && idx < len(r.RCA.Factors):
				r.RCA.Factors[idx] = f
			case f.Text != "":
				r.RCA.Factors = append(r.RCA.Factors, f)
			}
		}), nil
	}
	return p
}

// actionItemPrompt adds or edits an action item on one line:
// "description ; owner ; due", due as 2026-12-10 or +7d.
func actionItemPrompt(e *env, n int64, items []model.ActionItem, row reviewRow) *Prompt {
	value := ""
	var orig model.ActionItem
	if row.kind == rowItem {
		orig = items[row.index]
		value = fmt.Sprintf("%s ; %s ; %s", orig.Description, orig.Owner, orig.DueAt.In(e.loc).Format("2006-01-02"))
	}
	p := newPrompt(e, "Action item: description ; owner ; due (2026-12-10 or +7d)").withInput("Add a circuit breaker to the registry client ; bob ; +7d", value)
	p.input.CursorEnd()
	p.submit = func(_ int, text string) (tea.Cmd, error) {
		parts := strings.Split(text, ";")
		if len(parts) != 3 {
			return nil, fmt.Errorf("write it as: description ; owner ; due date")
		}
		due, err := parseDue(strings.TrimSpace(parts[2]), e.now, e.loc)
		if err != nil {
			return nil, err
		}
		it := orig
		it.Description, it.Owner, it.DueAt = strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1]), due
		if it.Status == "" {
			it.Status = model.ActionOpen
		}
		if err := it.Validate(); err != nil {
			return nil, err
		}
		if row.kind == rowItem {
			return editActionItem(e, n, it), nil
		}
		return addActionItem(e, n, it), nil
	}
	return p
}

// parseDue reads a due date: 2026-12-10 (end of that day, local), or +7d,
// +36h from now.
func parseDue(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if strings.HasPrefix(s, "+") {
		body := s[1:]
		if strings.HasSuffix(body, "d") {
			var d int
			if _, err := fmt.Sscanf(body, "%dd", &d); err == nil && d > 0 {
				return now.Add(time.Duration(d) * 24 * time.Hour), nil
			}
		} else if d, err := time.ParseDuration(body); err == nil && d > 0 {
			return now.Add(d), nil
		}
		return time.Time{}, fmt.Errorf("due %q: write +7d or +36h", s)
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("due %q: write a date, 2026-12-10, or +7d", s)
	}
	return t.Add(24*time.Hour - time.Minute), nil // the end of that day
}

// exportReview writes the review as Markdown next to the drafts and says
// where.
func exportReview(e *env, number int64) tea.Cmd {
	st, cat, loc, dir, now := e.cfg.Store, e.cfg.Catalog, e.loc, e.cfg.ExportDir, e.cfg.Now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		inc, err := st.Get(ctx, number)
		if err != nil {
			return flashMsg{text: "export: " + describeErr(err), err: true}
		}
		r, err := st.Review(ctx, number)
		if err != nil {
			return flashMsg{text: "export: " + describeErr(err), err: true}
		}
		items, err := st.ActionItems(ctx, number)
		if err != nil {
			return flashMsg{text: "export: " + describeErr(err), err: true}
		}
		text := model.Markdown(inc, r, items, cat, now, loc)
		if inc.IsDrill() {
			// a drill's export carries its score against the targets
			d, err := st.DrillOfIncident(ctx, number)
			if err != nil {
				return flashMsg{text: "export: " + describeErr(err), err: true}
			}
			text = model.DrillMarkdown(d, inc, r, items, cat, now, loc)
		}
		path := filepath.Join(dir, inc.Key()+"-review.md")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			return flashMsg{text: "export: " + err.Error(), err: true}
		}
		abs, _ := filepath.Abs(path)
		return flashMsg{text: "wrote " + abs}
	}
}

// statusLabel is how an action item's status reads.
func statusLabel(s model.ActionStatus) string {
	switch s {
	case model.ActionInProgress:
		return "in progress"
	case model.ActionDropped:
		return "won't do"
	}
	return string(s)
}
