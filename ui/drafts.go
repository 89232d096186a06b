package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

// DraftsScreen lists an incident's drafts and the templates to start a new
// one from (seed §5, §7.3).
type DraftsScreen struct {
	env    *env
	number int64
	inc    *model.Incident
	drafts []model.Draft
	cursor int // over templates first, then drafts
	lay    Layout
}

func newDraftsScreen(e *env) DraftsScreen { return DraftsScreen{env: e} }

// Open shows the drafts of an incident (data arrives with the next load).
func (s *DraftsScreen) Open(inc *model.Incident) {
	if s.number != inc.Number {
		*s = DraftsScreen{env: s.env, number: inc.Number, lay: s.lay}
	}
	s.inc = inc
}

// templates are the templates a draft of this incident can start from:
// the after-action review is a drill's only.
func (s *DraftsScreen) templates() []playbooks.Template {
	if s.inc != nil && s.inc.IsDrill() {
		return s.env.cfg.Templates
	}
	var out []playbooks.Template
	for _, t := range s.env.cfg.Templates {
		if t.Name != playbooks.TemplateAAR {
			out = append(out, t)
		}
	}
	return out
}

// SetSize fits the screen.
func (s *DraftsScreen) SetSize(l Layout) { s.lay = l }

// SetDrafts shows freshly loaded drafts, keeping the selection.
func (s *DraftsScreen) SetDrafts(ds []model.Draft) {
	var sel int64
	if i := s.cursor - len(s.templates()); i >= 0 && i < len(s.drafts) {
		sel = s.drafts[i].ID
	}
	s.drafts = ds
	for i, d := range ds {
		if d.ID == sel {
			s.cursor = len(s.templates()) + i
		}
	}
	s.cursor = min(s.cursor, max(0, s.count()-1))
}

func (s *DraftsScreen) count() int { return len(s.templates()) + len(s.drafts) }

// HandleKey handles a key on the drafts screen.
func (s *DraftsScreen) HandleKey(msg tea.KeyMsg) tea.Cmd {
	k := s.env.keys
	switch {
	case key.Matches(msg, k.Back, k.Quit):
		n := s.number
		return func() tea.Msg { return openIncidentMsg{number: n} }
	case key.Matches(msg, k.Up):
		s.cursor = max(0, s.cursor-1)
	case key.Matches(msg, k.Down):
		s.cursor = min(s.count()-1, s.cursor+1)
	case key.Matches(msg, k.Open):
		if s.inc == nil {
			return nil
		}
		nt := len(s.templates())
		if s.cursor < nt {
			return newDraft(s.env, s.inc.Number, s.templates()[s.cursor])
		}
		d := s.drafts[s.cursor-nt]
		return func() tea.Msg { return openDraftMsg{draft: d} }
	}
	return nil
}

// View renders the template list and the drafts.
func (s *DraftsScreen) View() string {
	st, now := s.env.styles, s.env.now
	w := s.lay.Width
	var b strings.Builder
	title := "Drafts"
	if s.inc != nil {
		title = fmt.Sprintf("Drafts · %s %s", s.inc.Key(), Sanitize(s.inc.Title))
	}
	b.WriteString(st.Section.Render(Fit(title, w)) + "\n\n")
	b.WriteString(st.PaneTitle.Render("NEW FROM TEMPLATE") + "\n")
	for i, t := range s.templates() {
		line := fmt.Sprintf("%-24s %-9s %s", t.Name, t.Audience, t.Title)
		b.WriteString(s.row(i, Fit(line, w-2)) + "\n")
	}
	b.WriteString("\n" + st.PaneTitle.Render("DRAFTS") + "\n")
	if len(s.drafts) == 0 {
		b.WriteString(st.Muted.Render("  none yet: pick a template above") + "\n")
	}
	room := max(0, s.lay.BodyHeight-len(s.templates())-6)
	first := max(0, s.cursor-len(s.templates())-room+1)
	for i := first; i < len(s.drafts) && i < first+room; i++ {
		d := s.drafts[i]
		state := "draft, edited " + Clock(now, d.UpdatedAt, s.env.loc) + " (" + Ago(now, d.UpdatedAt) + " ago)"
		if d.Sent() {
			state = "SENT " + Clock(now, d.SentAt, s.env.loc) + " by " + Sanitize(d.SentBy)
		}
		line := fmt.Sprintf("#%-3d %-24s %-9s %-12s %s · %s", d.ID, d.Template, d.Audience, Fit(d.Author, 12), state, Sanitize(d.Title()))
		b.WriteString(s.row(len(s.templates())+i, Fit(line, w-2)) + "\n")
	}
	return b.String()
}

func (s *DraftsScreen) row(i int, text string) string {
	if i == s.cursor {
		return s.env.styles.Cursor.Render("▶ ") + s.env.styles.Bold.Render(text)
	}
	return "  " + text
}

// ShortHelp is the footer's key list.
func (s *DraftsScreen) ShortHelp() []key.Binding {
	k := s.env.keys
	open := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "new draft / open"))
	return []key.Binding{open, k.Up, k.Down, k.Back, k.Help}
}

// FullHelp is the '?' overlay's key list.
func (s *DraftsScreen) FullHelp() [][]key.Binding {
	k := s.env.keys
	return [][]key.Binding{{k.Open, k.Up, k.Down}, {k.Back, k.Help, k.ForceQ}}
}
