// Package ui is warroom's Bubble Tea program: the board, the incident
// screen, the declaration form and prompts, one key map and one theme.
//
// All I/O runs in tea.Cmds (commands.go); Update only changes state and
// View only renders it. One clock message a second drives every countdown.
package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/warroom/warroom/model"
)

// Config is what the console is run with.
type Config struct {
	Store    Store
	Catalog  model.Catalog
	Actor    string           // who the actions are recorded as
	DBPath   string           // shown in the help screen
	Now      func() time.Time // the clock; nil is time.Now
	Location *time.Location   // the viewer's zone; nil is time.Local
}

// env is what every screen shares: configuration, keys, styles and the
// current instant. Only App.Update changes it.
type env struct {
	cfg    Config
	keys   KeyMap
	styles Styles
	now    time.Time
	loc    *time.Location
}

type screen int

const (
	screenBoard screen = iota
	screenIncident
)

// Messages the screens send to the root to change screen or open a modal.
type (
	openIncidentMsg struct{ number int64 }
	backMsg         struct{}
	openFormMsg     struct{}
	openPromptMsg   struct{ p *Prompt }
	flashMsg        struct {
		text string
		err  bool
	}
)

// App is the root model: it owns the screen, the modals and the clock.
type App struct {
	env      *env
	help     help.Model
	lay      Layout
	screen   screen
	board    Board
	incident IncidentScreen
	form     *DeclareForm
	prompt   *Prompt
	showHelp bool

	flash    string
	flashErr bool
	flashAt  time.Time

	boardSeq int
	incSeq   int

	clock func() tea.Cmd // the one 1-second clock; tests stop it
}

// New builds the console.
func New(cfg Config) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	loc := cfg.Location
	if loc == nil {
		loc = time.Local
	}
	e := &env{cfg: cfg, keys: DefaultKeyMap(), styles: NewStyles(DefaultTheme), now: cfg.Now(), loc: loc}
	h := help.New()
	h.Styles.ShortKey = e.styles.Accent
	h.Styles.FullKey = e.styles.Accent
	a := &App{env: e, help: h, board: newBoard(e), incident: newIncidentScreen(e), clock: tick}
	a.resize(80, 24)
	return a
}

// Init starts the clock and loads the board.
func (a *App) Init() tea.Cmd {
	return tea.Batch(a.clock(), a.reloadBoard())
}

func (a *App) reloadBoard() tea.Cmd {
	a.boardSeq++
	return loadBoard(a.env.cfg.Store, a.boardSeq)
}

func (a *App) reloadIncident() tea.Cmd {
	if a.screen != screenIncident {
		return nil
	}
	a.incSeq++
	return loadIncident(a.env.cfg.Store, a.incident.number, a.incSeq)
}

func (a *App) resize(w, h int) {
	a.lay = layout(w, h)
	a.help.Width = a.lay.Width
	a.board.SetSize(a.lay)
	a.incident.SetSize(a.lay)
	if a.form != nil {
		a.form.SetSize(a.lay)
	}
	if a.prompt != nil {
		a.prompt.SetWidth(a.lay.Width)
	}
}

func (a *App) setFlash(text string, isErr bool) {
	a.flash, a.flashErr, a.flashAt = text, isErr, a.env.now
}

// Update handles one message.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.resize(msg.Width, msg.Height)
		return a, nil

	case clockMsg:
		a.env.now = a.env.cfg.Now()
		a.board.Tick()
		if a.flash != "" && !a.flashErr && a.env.now.Sub(a.flashAt) > 8*time.Second {
			a.flash = ""
		}
		return a, a.clock()

	case boardLoadedMsg:
		if msg.seq != a.boardSeq {
			return a, nil // a newer load is on its way
		}
		if msg.err != nil {
			a.setFlash("loading the board: "+msg.err.Error(), true)
			return a, nil
		}
		a.board.SetIncidents(msg.incs)
		return a, nil

	case incidentLoadedMsg:
		if a.screen != screenIncident || msg.number != a.incident.number || msg.seq != a.incSeq {
			return a, nil
		}
		if msg.err != nil {
			a.setFlash(fmt.Sprintf("loading %s: %v", model.FormatKey(msg.number), msg.err), true)
			return a, nil
		}
		a.incident.SetIncident(msg.inc)
		return a, nil

	case actionDoneMsg:
		if msg.err != nil {
			a.setFlash(model.FormatKey(msg.number)+": "+describeErr(msg.err), true)
		} else {
			a.setFlash(model.FormatKey(msg.number)+": "+msg.what, false)
			if msg.inc != nil && a.screen == screenIncident && msg.number == a.incident.number {
				a.incident.SetIncident(msg.inc)
			}
		}
		return a, tea.Batch(a.reloadBoard(), a.reloadIncident())

	case declaredMsg:
		if msg.err != nil {
			if a.form != nil {
				a.form.SetError(describeErr(msg.err))
			} else {
				a.setFlash("declare: "+describeErr(msg.err), true)
			}
			return a, nil
		}
		a.form = nil
		a.setFlash(fmt.Sprintf("declared %s (%s)", msg.inc.Key(), msg.inc.Severity), false)
		a.board.Select(msg.inc.Number)
		return a, a.reloadBoard()

	case openIncidentMsg:
		a.screen = screenIncident
		a.incident.Open(msg.number)
		return a, a.reloadIncident()

	case backMsg:
		a.screen = screenBoard
		return a, a.reloadBoard()

	case openFormMsg:
		a.form = newDeclareForm(a.env)
		a.form.SetSize(a.lay)
		return a, a.form.Init()

	case openPromptMsg:
		a.prompt = msg.p
		a.prompt.SetWidth(a.lay.Width)
		return a, a.prompt.Init()

	case flashMsg:
		a.setFlash(msg.text, msg.err)
		return a, nil

	case tea.KeyMsg:
		// Actions are stamped with the instant of the key press, not the
		// last clock tick.
		a.env.now = a.env.cfg.Now()
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			// Fast typing (or tmux send-keys) can deliver several runes
			// as one message whose String() is a word such as "down" or
			// "end", which key bindings would take for that key: the
			// runes are handled one by one, as if typed.
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				cmds = append(cmds, a.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
			}
			return a, tea.Batch(cmds...)
		}
		return a, a.handleKey(msg)
	}

	// Anything else (cursor blink, paste) goes to the focused input.
	switch {
	case a.prompt != nil:
		return a, a.prompt.Update(msg)
	case a.form != nil:
		return a, a.form.Update(msg)
	}
	return a, nil
}

// handleKey routes a key to the focused thing only: a prompt, else the
// form, else the help overlay, else the current screen.
func (a *App) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := a.env.keys
	if key.Matches(msg, k.ForceQ) {
		return tea.Quit
	}
	switch {
	case a.prompt != nil:
		cmd, done := a.prompt.HandleKey(msg)
		if done {
			a.prompt = nil
		}
		return cmd
	case a.form != nil:
		cmd, done := a.form.HandleKey(msg)
		if done {
			a.form = nil
		}
		return cmd
	case a.showHelp:
		if key.Matches(msg, k.Help, k.Back, k.Quit) {
			a.showHelp = false
		}
		return nil
	}
	if key.Matches(msg, k.Help) {
		a.showHelp = true
		return nil
	}
	if a.flashErr && key.Matches(msg, k.Back) && a.flash != "" {
		a.flash = "" // esc first dismisses an error
		return nil
	}
	switch a.screen {
	case screenIncident:
		return a.incident.HandleKey(msg)
	default:
		return a.board.HandleKey(msg)
	}
}

// View renders the screen.
func (a *App) View() string {
	if a.lay.TooSmall {
		return a.tooSmall()
	}
	var body string
	switch {
	case a.showHelp:
		body = a.helpView()
	case a.form != nil:
		body = a.form.View()
	case a.screen == screenIncident:
		body = a.incident.View()
	default:
		body = a.board.View()
	}
	if a.prompt != nil {
		body = a.overlayBottom(body, a.prompt.View())
	}
	var b strings.Builder
	b.WriteString(a.header())
	b.WriteByte('\n')
	b.WriteString(fitBlock(body, a.lay.Width, a.lay.BodyHeight))
	b.WriteByte('\n')
	b.WriteString(a.statusLine())
	b.WriteByte('\n')
	b.WriteString(a.footer())
	return b.String()
}

func (a *App) tooSmall() string {
	msg := fmt.Sprintf("terminal too small (need %dx%d)", MinWidth, MinHeight)
	lines := []string{Fit(msg, a.lay.Width), Fit(fmt.Sprintf("now %dx%d", a.lay.Width, a.lay.Height), a.lay.Width)}
	if a.lay.Height < len(lines) {
		lines = lines[:a.lay.Height]
	}
	return strings.Join(lines, "\n")
}

func (a *App) header() string {
	s := a.env.styles
	open, resolved, breached := a.board.Counts()
	left := s.Title.Render("WARROOM") + " " + s.Muted.Render(fmt.Sprintf("%d open · %d resolved", open, resolved))
	if breached > 0 {
		left += " " + s.State[model.StateBreached].Render(fmt.Sprintf("· %d breached", breached))
	}
	now := a.env.now.In(a.env.loc)
	right := s.Muted.Render(Fit(a.env.cfg.Actor, 20)+" · ") + s.Bold.Render(now.Format("15:04:05")) + s.Muted.Render(" "+now.Format("MST"))
	return joinEnds(left, right, a.lay.Width)
}

func (a *App) statusLine() string {
	if a.flash == "" {
		return ""
	}
	st := a.env.styles.Success
	if a.flashErr {
		st = a.env.styles.Error
	}
	return st.Render(Fit(a.flash, a.lay.Width))
}

func (a *App) footer() string {
	var keys []key.Binding
	switch {
	case a.prompt != nil:
		keys = a.prompt.ShortHelp()
	case a.form != nil:
		keys = a.form.ShortHelp()
	case a.showHelp:
		keys = []key.Binding{a.env.keys.Back}
	case a.screen == screenIncident:
		keys = a.incident.ShortHelp()
	default:
		keys = a.board.ShortHelp()
	}
	return a.help.ShortHelpView(keys)
}

func (a *App) helpView() string {
	var groups [][]key.Binding
	title := "Board"
	if a.screen == screenIncident {
		groups = a.incident.FullHelp()
		title = "Incident screen"
	} else {
		groups = a.board.FullHelp()
	}
	h := a.help
	h.ShowAll = true
	s := a.env.styles
	out := s.Section.Render("Keys · "+title) + "\n\n" + h.FullHelpView(groups)
	out += "\n\n" + s.Muted.Render(Fit("database: "+a.env.cfg.DBPath, a.lay.Width))
	out += "\n" + s.Muted.Render(Fit("acting as: "+a.env.cfg.Actor, a.lay.Width))
	return out
}

// overlayBottom replaces the last lines of body with a modal box.
func (a *App) overlayBottom(body, box string) string {
	lines := strings.Split(fitBlock(body, a.lay.Width, a.lay.BodyHeight), "\n")
	boxLines := strings.Split(box, "\n")
	start := max(0, len(lines)-len(boxLines))
	for i, bl := range boxLines {
		if start+i < len(lines) {
			lines[start+i] = bl
		}
	}
	return strings.Join(lines, "\n")
}

// fitBlock makes s exactly h lines of at most w cells.
func fitBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// joinEnds puts left at the start and right at the end of a w-cell line.
func joinEnds(left, right string, w int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw+1 > w {
		return ansi.Truncate(left, max(0, w-rw-1), "…") + " " + right
	}
	return left + strings.Repeat(" ", w-lw-rw) + right
}

// describeErr turns an error into the sentence the status line shows.
func describeErr(err error) string {
	switch {
	case errors.Is(err, model.ErrConflict), errors.Is(err, model.ErrInvalid), errors.Is(err, model.ErrNotFound):
		return err.Error()
	}
	return "not saved: " + err.Error()
}
