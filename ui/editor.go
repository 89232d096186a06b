package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

// AutosaveDelay bounds how far the stored draft lags behind the typing: a
// save starts at most this long after the first unsaved keystroke, however
// fast one types, so a killed console loses at most about a second.
const AutosaveDelay = time.Second

// EditorScreen edits one draft: a text area with word wrap and scrolling,
// autosave, the template's placeholders highlighted, $EDITOR on ctrl+e,
// copy, save to a file, and marking it sent.
type EditorScreen struct {
	env   *env
	draft model.Draft
	// section is set when the editor edits a free-text section of a
	// post-incident review instead of a draft (draft holds only the
	// incident number then).
	section, sectionTitle string
	ta                    textarea.Model
	saved                 string // the body as last stored
	dirty                 bool   // typed since the last save started
	saving                bool
	saveErr               string
	savedAt               time.Time
	notice                string
	preview               bool
	lay                   Layout
	// drill: the draft is a drill's incident's, whose messages must say
	// DRILL (model.DrillMarked)
	drill bool
}

func newEditorScreen(e *env, d model.Draft) *EditorScreen {
	ta := textarea.New()
	ta.ShowLineNumbers = false
	ta.Prompt = ""
	ta.CharLimit = model.MaxDraftLen
	ta.MaxHeight = 0 // no line limit: a long update is allowed
	ta.MaxWidth = 0
	ta.Cursor.SetMode(staticCursorMode)
	ta.SetValue(d.Body)
	ta.Focus()
	toStart(&ta)
	return &EditorScreen{env: e, draft: d, ta: ta, saved: d.Body, savedAt: d.UpdatedAt}
}

// newSectionEditor edits a free-text section of a post-incident review,
// with the same autosave as drafts.
func newSectionEditor(e *env, number int64, section, title, body string) *EditorScreen {
	s := newEditorScreen(e, model.Draft{IncidentNumber: number, Body: body, UpdatedAt: e.now})
	s.section, s.sectionTitle = section, title
	return s
}

// SetSize fits the editor to the screen: the text area takes what the
// header lines and the placeholder line leave.
func (s *EditorScreen) SetSize(l Layout) {
	s.lay = l
	w := l.Width
	if s.sideBySide() {
		w = l.Width / 2
	}
	s.ta.SetWidth(max(10, w))
	s.ta.SetHeight(max(1, l.BodyHeight-4))
}

func (s *EditorScreen) sideBySide() bool { return s.lay.Width >= 140 }

// HandleKey handles a key: the editor's own keys first, then the text area.
func (s *EditorScreen) HandleKey(msg tea.KeyMsg) tea.Cmd {
	k := s.env.keys
	switch {
	case key.Matches(msg, k.Back):
		cmd := s.flush()
		n := s.draft.IncidentNumber
		if s.section != "" {
			return tea.Batch(cmd, func() tea.Msg { return openReviewMsg{number: n} })
		}
		return tea.Batch(cmd, func() tea.Msg { return openDraftsMsg{number: n} })
	case s.section != "" && key.Matches(msg, k.Send, k.WriteFile):
		return flash("this is a review section: it saves itself; x on the review exports the whole review", true)
	case key.Matches(msg, k.ExtEditor):
		return s.openExternal()
	case key.Matches(msg, k.SaveNow):
		return s.flush()
	case key.Matches(msg, k.Send):
		return openPrompt(sendPrompt(s.env, s))
	case key.Matches(msg, k.CopyDraft):
		return copyOSC52(s.env.cfg.Terminal, s.ta.Value())
	case key.Matches(msg, k.WriteFile):
		return writeDraftFile(s.env, s.draft, s.ta.Value())
	case key.Matches(msg, k.Preview):
		s.preview = !s.preview
		return nil
	}
	if s.preview && !s.sideBySide() {
		s.notice = "preview: ctrl+r goes back to editing"
		return nil
	}
	if msg.Type == tea.KeyEnter && s.ta.Length() >= model.MaxDraftLen {
		s.notice = fmt.Sprintf("character limit (%d) reached: a new line would go past it", model.MaxDraftLen)
		return nil
	}
	before := s.ta.Length()
	var cmd tea.Cmd
	s.ta, cmd = s.ta.Update(msg)
	s.notice = ""
	if msg.Paste || msg.Type == tea.KeyRunes {
		if lost := len(msg.Runes) - (s.ta.Length() - before); lost > 0 {
			s.notice = fmt.Sprintf("character limit (%d) reached: %d character(s) were not inserted", model.MaxDraftLen, lost)
		}
	}
	return tea.Batch(cmd, s.changed())
}

// changed schedules an autosave when the text first differs from what is
// stored; later keystrokes ride on the same save.
func (s *EditorScreen) changed() tea.Cmd {
	if s.dirty || s.ta.Value() == s.saved {
		return nil
	}
	s.dirty = true
	id := s.draft.ID
	return tea.Tick(AutosaveDelay, func(time.Time) tea.Msg { return autosaveMsg{id: id} })
}

// flush saves now if anything is unsaved.
func (s *EditorScreen) flush() tea.Cmd {
	body := s.ta.Value()
	if body == s.saved && !s.dirty {
		return nil
	}
	s.dirty, s.saving = false, true
	if s.section != "" {
		return saveSection(s.env.cfg.Store, s.draft.IncidentNumber, s.section, body, s.env.cfg.Actor, s.env.cfg.Now())
	}
	return saveDraft(s.env.cfg.Store, s.draft.ID, body, s.env.cfg.Now())
}

// autosave is the autosave timer firing.
func (s *EditorScreen) autosave() tea.Cmd {
	if s.saving {
		id := s.draft.ID // one save at a time: try again shortly
		return tea.Tick(AutosaveDelay/4, func(time.Time) tea.Msg { return autosaveMsg{id: id} })
	}
	return s.flush()
}

// saved records the outcome of a save.
func (s *EditorScreen) savedDone(msg draftSavedMsg) tea.Cmd {
	s.saving = false
	if msg.err != nil {
		s.saveErr = "NOT SAVED: " + msg.err.Error()
		s.dirty = false
		return s.changed() // retry
	}
	s.saveErr, s.saved, s.savedAt = "", msg.body, msg.at
	return s.changed() // typed during the save
}

// View renders the editor.
func (s *EditorScreen) View() string {
	st, now := s.env.styles, s.env.now
	w := s.lay.Width
	d := s.draft
	var b strings.Builder
	head := fmt.Sprintf("Draft #%d · %s · %s · by %s", d.ID, d.Template, d.Audience, Sanitize(d.Author))
	if s.section != "" {
		head = fmt.Sprintf("Post-incident review of %s · %s", model.FormatKey(d.IncidentNumber), s.sectionTitle)
	}
	b.WriteString(st.Section.Render(Fit(head, w)) + "\n")

	var status string
	switch {
	case s.saveErr != "":
		status = st.Error.Render(s.saveErr)
	case s.saving:
		status = st.Muted.Render("saving…")
	case s.dirty:
		status = st.State[model.StateWarning].Render("unsaved (autosave within 1s)")
	default:
		status = st.Success.Render("saved " + Clock(now, s.savedAt, s.env.loc))
	}
	count := fmt.Sprintf("%d/%d", s.ta.Length(), model.MaxDraftLen)
	b.WriteString(joinEnds(status, st.Muted.Render(count), w) + "\n")

	ph := playbooks.Placeholders(s.ta.Value())
	if s.section != "" {
		b.WriteString(st.Muted.Render(Fit("saves itself as you type · ctrl+e opens $EDITOR · esc back to the review", w)) + "\n")
	} else if len(ph) == 0 {
		b.WriteString(st.Success.Render(Fit("no placeholders left", w)) + "\n")
	} else {
		line := st.Placeholder.Render(fmt.Sprintf(" %d to fill ", len(ph)))
		for _, p := range ph {
			line += " " + st.Placeholder.Render(p)
		}
		b.WriteString(padStyled(line, w) + "\n")
	}
	if s.notice != "" {
		b.WriteString(st.State[model.StateWarning].Render(Fit(s.notice, w)) + "\n")
	} else {
		b.WriteString("\n")
	}
	switch {
	case s.sideBySide():
		b.WriteString(sideBySide(s.ta.View(), s.renderPreview(w-w/2-2), w/2, s.lay.BodyHeight-4, st.Muted.Render("│ ")))
	case s.preview:
		b.WriteString(st.Section.Render(Fit("PREVIEW · ctrl+r goes back to editing", w)) + "\n")
		b.WriteString(s.renderPreview(w))
	default:
		b.WriteString(s.ta.View())
	}
	return b.String()
}

// renderPreview shows the text with its placeholders highlighted, wrapped
// to the width.
func (s *EditorScreen) renderPreview(w int) string {
	st := s.env.styles
	var out []string
	for _, line := range strings.Split(s.ta.Value(), "\n") {
		for _, wl := range strings.Split(ansi.Wrap(Sanitize(line), max(10, w), ""), "\n") {
			out = append(out, highlightPlaceholders(wl, st))
		}
	}
	if h := s.lay.BodyHeight - 4; len(out) > h {
		out = out[:max(0, h)]
	}
	return strings.Join(out, "\n")
}

// highlightPlaceholders styles every [Placeholder] of a line.
func highlightPlaceholders(line string, st Styles) string {
	ph := playbooks.Placeholders(line)
	for _, p := range ph {
		line = strings.ReplaceAll(line, p, st.Placeholder.Render(p))
	}
	return line
}

// ShortHelp is the footer's key list.
func (s *EditorScreen) ShortHelp() []key.Binding {
	k := s.env.keys
	if s.section != "" {
		return []key.Binding{k.Back, k.ExtEditor, k.CopyDraft, k.SaveNow, k.EditorHelp}
	}
	return []key.Binding{k.Send, k.Back, k.ExtEditor, k.CopyDraft, k.WriteFile, k.Preview, k.EditorHelp}
}

// FullHelp is the '?' overlay's key list.
func (s *EditorScreen) FullHelp() [][]key.Binding {
	k := s.env.keys
	if s.section != "" {
		return [][]key.Binding{{k.SaveNow, k.ExtEditor, k.CopyDraft}, {k.Back, k.ForceQ}}
	}
	return [][]key.Binding{
		{k.Send, k.SaveNow, k.ExtEditor},
		{k.CopyDraft, k.WriteFile, k.Preview},
		{k.Back, k.ForceQ},
	}
}

// editorArgv is the user's editor: $VISUAL, else $EDITOR, else vi. It may
// carry arguments ("code --wait").
func editorArgv() []string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if f := strings.Fields(os.Getenv(v)); len(f) > 0 {
			return f
		}
	}
	return []string{"vi"}
}

// openExternal hands the draft to $EDITOR through a private temporary
// file; the program gives the terminal to the editor and repaints after.
func (s *EditorScreen) openExternal() tea.Cmd {
	body := s.ta.Value()
	f, err := os.CreateTemp("", fmt.Sprintf("warroom-%s-%s-*.md", model.FormatKey(s.draft.IncidentNumber), s.draft.Template))
	if err != nil {
		return flash("cannot hand the draft to the editor: "+err.Error(), true)
	}
	path := f.Name()
	_, werr := f.WriteString(body)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return flash("cannot hand the draft to the editor: "+werr.Error(), true)
	}
	argv := editorArgv()
	c := exec.Command(argv[0], append(argv[1:], path)...)
	id := s.draft.ID
	return tea.ExecProcess(c, func(err error) tea.Msg { return finishExternal(id, argv[0], path, body, err) })
}

// finishExternal reads back what the editor left. If the editor is missing
// or fails, the draft is unchanged and the message says why.
func finishExternal(id int64, editor, path, before string, err error) tea.Msg {
	defer os.Remove(path)
	editor = filepath.Base(editor)
	if err != nil {
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit):
			err = fmt.Errorf("%s exited with status %d; the draft is unchanged", editor, exit.ExitCode())
		case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
			err = fmt.Errorf("editor %q not found (set $VISUAL or $EDITOR); the draft is unchanged", editor)
		default:
			err = fmt.Errorf("%s: %v; the draft is unchanged", editor, err)
		}
		return externalDoneMsg{id: id, err: err}
	}
	b, rerr := os.ReadFile(path)
	if rerr != nil {
		return externalDoneMsg{id: id, err: fmt.Errorf("reading the edited draft: %v; the draft is unchanged", rerr)}
	}
	text := string(b)
	// Editors end the file with a newline; keep the draft's own ending.
	if strings.HasSuffix(text, "\n") && !strings.HasSuffix(before, "\n") {
		text = strings.TrimSuffix(text, "\n")
	}
	return externalDoneMsg{id: id, text: text}
}

// externalEdited puts the editor's text into the draft.
func (s *EditorScreen) externalEdited(msg externalDoneMsg) tea.Cmd {
	if msg.err != nil {
		return flash(msg.err.Error(), true)
	}
	text := model.PlainText(msg.text)
	if n := len([]rune(text)); n > model.MaxDraftLen {
		s.notice = fmt.Sprintf("character limit (%d) reached: the editor's text was cut by %d character(s)", model.MaxDraftLen, n-model.MaxDraftLen)
	}
	s.ta.SetValue(text)
	toStart(&s.ta)
	return tea.Batch(flash("draft updated from the editor", false), s.changed(), s.flush())
}

// writeDraftFile saves the draft as a file and says where.
func writeDraftFile(e *env, d model.Draft, body string) tea.Cmd {
	dir := e.cfg.ExportDir
	return func() tea.Msg {
		name := fmt.Sprintf("%s-%s-%d.md", model.FormatKey(d.IncidentNumber), d.Template, d.ID)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			return flashMsg{text: "saving to a file: " + err.Error(), err: true}
		}
		abs, _ := filepath.Abs(path)
		return flashMsg{text: "wrote " + abs}
	}
}

func sendPrompt(e *env, s *EditorScreen) *Prompt {
	body := s.ta.Value()
	unfilled := playbooks.Placeholders(body)
	d := s.draft
	unmarked := s.drill && !model.DrillMarked(body)
	var p *Prompt
	switch {
	case unmarked:
		title := "This is a drill and the message no longer says DRILL"
		if len(unfilled) > 0 {
			title += fmt.Sprintf("; %d placeholder(s) still unfilled: %s", len(unfilled), strings.Join(unfilled, " "))
		}
		p = newPrompt(e, title).withInput("why send it anyway (required, recorded)", "")
		p.hint = "esc goes back to put the mark back"
	case len(unfilled) > 0:
		p = newPrompt(e, fmt.Sprintf("%d placeholder(s) still unfilled: %s", len(unfilled), strings.Join(unfilled, " "))).
			withInput("why send it anyway (required to override)", "")
		p.hint = "esc goes back to fill them in"
	default:
		p = newPrompt(e, fmt.Sprintf("Mark draft #%d (%s, %s) as sent?", d.ID, d.Template, d.Audience))
		p.hint = "records it on the timeline with its full text"
		if d.CountsAsUpdate {
			p.hint += " and restarts the status-update clock"
		}
	}
	p.submit = func(_ int, override string) (tea.Cmd, error) {
		if unmarked && strings.TrimSpace(override) == "" {
			return nil, errors.New("give a reason to send a drill's message without DRILL, or esc to put it back")
		}
		if len(unfilled) > 0 && strings.TrimSpace(override) == "" {
			return nil, errors.New("give a reason to send with placeholders unfilled, or esc to fill them")
		}
		s.dirty, s.saving = false, true
		return sendDraft(e.cfg.Store, d, body, unfilled, override, e.cfg.Actor, e.cfg.Now()), nil
	}
	return p
}

// toStart puts the cursor at the top of the text, where a draft is read
// from (SetValue leaves it at the end).
func toStart(ta *textarea.Model) {
	*ta, _ = ta.Update(tea.KeyMsg{Type: tea.KeyCtrlHome})
}
