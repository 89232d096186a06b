// Package ui is warroom's Bubble Tea program: the board, the incident
// screen, the declaration form and prompts, one key map and one theme.
//
// All I/O runs in tea.Cmds (commands.go); Update only changes state and
// View only renders it. One clock message a second drives every countdown.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
	"github.com/warroom/warroom/store"
)

// Config is what the console is run with.
type Config struct {
	Store    Store
	Catalog  model.Catalog
	Actor    string           // who the actions are recorded as
	DBPath   string           // shown in the help screen
	Now      func() time.Time // the clock; nil is time.Now
	Location *time.Location   // the viewer's zone; nil is time.Local
	// Session identifies this console in the presence table; empty
	// turns presence off.
	Session string
	Host    string
	PID     int
	// Terminal receives what the console writes around the renderer: the
	// bell (BEL) and clipboard copies (OSC 52). nil is standard output.
	Terminal io.Writer
	// Templates are the communication templates drafts start from.
	Templates []playbooks.Template
	// ExportDir is where drafts are saved as files; "" is the working
	// directory.
	ExportDir string
	// Scenarios are the drill scenarios the drill screen offers.
	Scenarios []model.Scenario
}

// env is what every screen shares: configuration, keys, styles and the
// current instant. Only App.Update changes it.
type env struct {
	writing atomic.Int32 // store writes under way (pendingStore)
	cfg     Config
	keys    KeyMap
	styles  Styles
	now     time.Time
	loc     *time.Location
}

type screen int

const (
	screenBoard screen = iota
	screenIncident
	screenDrafts
	screenEditor
	screenReview
	screenDashboard
	screenDrills
)

// Messages the screens send to the root to change screen or open a modal.
type (
	openIncidentMsg struct{ number int64 }
	openDashMsg     struct{}
	backMsg         struct{}
	openFormMsg     struct{}
	openPromptMsg   struct{ p *Prompt }
	openDocMsg      struct{ doc *Document }
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
	drafts   DraftsScreen
	editor   *EditorScreen
	review   ReviewScreen
	dash     Dashboard
	drillScr DrillsScreen
	drills   []model.Drill // every drill started, newest first
	// delivering: a DeliverInjects is under way (one at a time)
	delivering bool
	// aarFrom: the editor holds an after-action review opened from the
	// drill screen, to which esc returns
	aarFrom  int64
	overdue  map[int64]int // overdue action items per incident, for the board
	form     *DeclareForm
	prompt   *Prompt
	doc      *Document
	showHelp bool

	flash    string
	flashErr bool
	flashAt  time.Time

	boardSeq int
	incSeq   int

	version   int64 // the database's data_version when last polled
	polled    bool
	others    []store.Presence // who else has the database open
	attention attention
	width     int // the terminal's size, before the banner takes a line
	height    int
	startedAt time.Time

	clock func() tea.Cmd // the one 1-second clock; tests stop it
	poll  func() tea.Cmd // the next data_version poll; tests stop it

	frame      string // the last frame rendered, valid until the next message
	frameValid bool
}

// New builds the console.
func New(cfg Config) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Terminal == nil {
		cfg.Terminal = os.Stdout
	}
	loc := cfg.Location
	if loc == nil {
		loc = time.Local
	}
	e := &env{cfg: cfg, keys: DefaultKeyMap(), styles: NewStyles(DefaultTheme), now: cfg.Now(), loc: loc}
	if cfg.Store != nil {
		e.cfg.Store = pendingStore{Store: cfg.Store, n: &e.writing}
	}
	h := help.New()
	h.Styles.ShortKey = e.styles.Accent
	h.Styles.FullKey = e.styles.Accent
	a := &App{env: e, help: h, board: newBoard(e), incident: newIncidentScreen(e), drafts: newDraftsScreen(e), review: newReviewScreen(e), dash: newDashboard(e), drillScr: newDrillsScreen(e), clock: tick, startedAt: e.now}
	a.poll = func() tea.Cmd { return poll(cfg.Store, PollInterval) }
	a.resize(80, 24)
	return a
}

// Init starts the clock and loads the board.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{a.clock(), a.reloadBoard(), a.poll()}
	if a.env.cfg.Session != "" {
		cmds = append(cmds, a.heartbeat(0))
	}
	return tea.Batch(cmds...)
}

func (a *App) heartbeat(delay time.Duration) tea.Cmd {
	c := a.env.cfg
	me := store.Presence{Session: c.Session, Actor: c.Actor, Host: c.Host, PID: c.PID, StartedAt: a.startedAt}
	return heartbeat(c.Store, me, c.Now, delay)
}

func (a *App) reloadBoard() tea.Cmd {
	a.boardSeq++
	return tea.Batch(loadBoard(a.env.cfg.Store, a.boardSeq), loadOverdue(a.env.cfg.Store, a.boardSeq, a.env.cfg.Now()),
		loadDrills(a.env.cfg.Store, a.boardSeq))
}

func (a *App) reloadIncident() tea.Cmd {
	if a.screen == screenDrafts {
		return loadDrafts(a.env.cfg.Store, a.drafts.number)
	}
	if a.screen == screenDashboard {
		return a.dash.Load()
	}
	if a.screen == screenReview {
		return loadReview(a.env.cfg.Store, a.review.number)
	}
	if a.screen != screenIncident {
		return nil
	}
	a.incSeq++
	return loadIncident(a.env.cfg.Store, a.incident.number, a.incSeq)
}

func (a *App) resize(w, h int) {
	a.width, a.height = w, h
	a.lay = layout(w, h)
	if !a.lay.TooSmall && len(a.attention.active) > 0 {
		a.lay.BodyHeight-- // the banner's line
	}
	a.help.Width = a.lay.Width
	a.board.SetSize(a.lay)
	a.incident.SetSize(a.lay)
	a.drafts.SetSize(a.lay)
	a.review.SetSize(a.lay)
	a.dash.SetSize(a.lay)
	a.drillScr.SetSize(a.lay)
	if a.editor != nil {
		a.editor.SetSize(a.lay)
	}
	if a.form != nil {
		a.form.SetSize(a.lay)
	}
	if a.doc != nil {
		a.doc.SetSize(a.lay)
	}
	if a.prompt != nil {
		a.prompt.SetWidth(a.lay.Width)
	}
}

// isDrill reports whether an incident the console has loaded is a drill's.
func (a *App) isDrill(number int64) bool {
	if inc := a.incident.inc; inc != nil && inc.Number == number {
		return inc.IsDrill()
	}
	for _, inc := range a.board.incs {
		if inc.Number == number {
			return inc.IsDrill()
		}
	}
	for _, d := range a.drills {
		if d.Incident == number {
			return true
		}
	}
	return false
}

// deliverDue writes the drill injects that have fallen due to their
// incidents' timelines: one store call at a time, only when one is due.
func (a *App) deliverDue() tea.Cmd {
	if a.delivering || a.env.cfg.Store == nil {
		return nil
	}
	for _, d := range a.drills {
		if at, ok := d.NextInjectAt(); ok && !at.After(a.env.now) {
			a.delivering = true
			return deliverInjects(a.env.cfg.Store, a.env.now)
		}
	}
	return nil
}

func (a *App) setFlash(text string, isErr bool) {
	a.flash, a.flashErr, a.flashAt = text, isErr, a.env.now
}

// Update handles one message. Bubble Tea renders after every message; a
// poll that found nothing new leaves the frame as it was, so View returns
// the frame it made last (a console idles at four polls a second).
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m, ok := msg.(dataVersionMsg); ok && m.err == nil && a.polled && m.version == a.version {
		return a, a.poll()
	}
	a.frameValid = false
	return a.update(msg)
}

func (a *App) update(msg tea.Msg) (tea.Model, tea.Cmd) {
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
		return a, tea.Batch(a.clock(), a.scanAttention(), a.deliverDue())

	case dataVersionMsg:
		next := a.poll()
		if msg.err != nil {
			a.setFlash("checking for changes: "+msg.err.Error(), true)
			return a, next
		}
		if a.polled && msg.version == a.version {
			return a, next
		}
		// Another console committed: reload what is on screen.
		first := !a.polled
		a.version, a.polled = msg.version, true
		if first {
			return a, next
		}
		cmds := []tea.Cmd{next, a.reloadBoard(), a.reloadIncident()}
		if a.env.cfg.Session != "" {
			cmds = append(cmds, readPresence(a.env.cfg.Store, a.env.cfg.Session, a.env.cfg.Now()))
		}
		return a, tea.Batch(cmds...)

	case othersMsg:
		if msg.err == nil {
			a.others = msg.others
		}
		return a, nil

	case presenceMsg:
		if msg.err == nil {
			a.others = msg.others
		}
		return a, a.heartbeat(HeartbeatInterval)

	case bellDoneMsg:
		return a, nil

	case boardLoadedMsg:
		if msg.seq != a.boardSeq {
			return a, nil // a newer load is on its way
		}
		if msg.err != nil {
			a.setFlash("loading the board: "+msg.err.Error(), true)
			return a, nil
		}
		a.board.SetIncidents(msg.incs)
		return a, a.scanAttention()

	case incidentLoadedMsg:
		if a.screen != screenIncident || msg.number != a.incident.number || msg.seq != a.incSeq {
			return a, nil
		}
		if msg.err != nil {
			a.setFlash(fmt.Sprintf("loading %s: %v", model.FormatKey(msg.number), msg.err), true)
			return a, nil
		}
		a.incident.SetIncident(msg.inc)
		a.incident.alerts = msg.alerts
		a.incident.drill = msg.drill
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
		cmds := []tea.Cmd{a.reloadBoard(), a.reloadIncident()}
		if msg.notice && msg.err == nil {
			// the escalation notification (§7.3), as a draft ready to copy or send
			if t, ok := playbooks.FindTemplate(a.env.cfg.Templates, "escalation-notification"); ok {
				cmds = append(cmds, newDraft(a.env, msg.number, t))
			}
		}
		return a, tea.Batch(cmds...)

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
		if msg.inc.IsDrill() {
			// declared from the drill screen: the board shows it now
			a.setFlash(fmt.Sprintf("declared %s (%s), the drill's incident: detection %s", msg.inc.Key(), msg.inc.Severity,
				model.PreciseDuration(msg.inc.DetectedAt.Sub(msg.inc.StartedAt))), false)
			a.screen = screenBoard
		}
		a.board.Select(msg.inc.Number)
		return a, a.reloadBoard()

	case openDrillsMsg:
		a.screen = screenDrills
		return a, a.reloadBoard()

	case drillsLoadedMsg:
		if msg.seq != a.boardSeq {
			return a, nil
		}
		if msg.err != nil {
			a.setFlash("loading the drills: "+msg.err.Error(), true)
			return a, nil
		}
		a.drills = msg.drills
		a.board.SetDrills(msg.drills)
		a.drillScr.SetDrills(msg.drills, a.board.incs)
		a.resize(a.width, a.height)
		return a, a.deliverDue()

	case drillStartedMsg:
		if msg.err != nil {
			a.setFlash("drill not started: "+describeErr(msg.err), true)
			return a, nil
		}
		a.setFlash(fmt.Sprintf("drill #%d %q started: T0 is now; its injects show on the board as they come", msg.drill.ID, msg.drill.Scenario.Title), false)
		a.drillScr.drillID = msg.drill.ID // the new drill, once the list has it
		return a, a.reloadBoard()

	case drillEndedMsg:
		if msg.err != nil {
			a.setFlash(fmt.Sprintf("drill #%d: %s", msg.id, describeErr(msg.err)), true)
		} else {
			a.setFlash(fmt.Sprintf("drill #%d called off; its incident, if declared, is closed with it", msg.id), false)
		}
		return a, a.reloadBoard()

	case injectsDeliveredMsg:
		a.delivering = false
		if msg.err != nil {
			a.setFlash("drill injects: "+describeErr(msg.err), true)
			return a, nil
		}
		if msg.n > 0 {
			return a, tea.Batch(a.reloadBoard(), a.reloadIncident())
		}
		return a, nil

	case openDrillFormMsg:
		a.form = newDeclareForm(a.env)
		a.form.SetDrill(msg.drill)
		a.form.SetSize(a.lay)
		return a, a.form.Init()

	case openAARMsg:
		t, ok := playbooks.FindTemplate(a.env.cfg.Templates, playbooks.TemplateAAR)
		if !ok {
			a.setFlash("no after-action-review template in the playbooks", true)
			return a, nil
		}
		a.aarFrom = msg.drill.Incident
		return a, openAAR(a.env, msg.drill, t)

	case openDashMsg:
		a.screen = screenDashboard
		return a, a.dash.Load()

	case metricsLoadedMsg:
		a.dash.SetData(msg)
		return a, nil

	case openIncidentMsg:
		a.aarFrom = 0
		a.screen = screenIncident
		a.incident.Open(msg.number)
		return a, a.reloadIncident()

	case overdueMsg:
		if msg.seq == a.boardSeq && msg.err == nil {
			a.board.SetOverdue(msg.overdue)
		}
		return a, nil

	case openReviewMsg:
		a.screen, a.editor = screenReview, nil
		a.review.Open(msg.number)
		return a, loadReview(a.env.cfg.Store, msg.number)

	case reviewLoadedMsg:
		if msg.err != nil {
			a.setFlash("loading the review: "+describeErr(msg.err), true)
		} else if msg.number == a.review.number {
			a.review.SetData(msg.inc, msg.review, msg.items)
		}
		return a, nil

	case openSectionMsg:
		a.editor = newSectionEditor(a.env, msg.number, msg.section, msg.title, msg.body)
		a.editor.SetSize(a.lay)
		a.screen = screenEditor
		return a, nil

	case openDraftsMsg:
		if a.aarFrom != 0 && a.aarFrom == msg.number {
			// back where the after-action review was opened from
			a.aarFrom, a.screen, a.editor = 0, screenDrills, nil
			return a, a.reloadBoard()
		}
		if a.incident.inc == nil || a.incident.inc.Number != msg.number {
			// a draft opened from elsewhere (the drill screen's
			// after-action review): back to its incident
			a.screen, a.editor = screenIncident, nil
			a.incident.Open(msg.number)
			return a, a.reloadIncident()
		}
		a.screen, a.editor = screenDrafts, nil
		a.drafts.Open(a.incident.inc)
		return a, loadDrafts(a.env.cfg.Store, msg.number)

	case draftsLoadedMsg:
		if msg.err != nil {
			a.setFlash("loading drafts: "+msg.err.Error(), true)
		} else if msg.number == a.drafts.number {
			a.drafts.SetDrafts(msg.drafts)
		}
		return a, nil

	case draftCreatedMsg:
		if msg.err != nil {
			a.setFlash("new draft: "+describeErr(msg.err), true)
			return a, nil
		}
		return a, a.openEditor(msg.draft)

	case openDraftMsg:
		if msg.draft.Sent() {
			a.doc = newDocument(a.env, fmt.Sprintf("Draft #%d · %s · sent %s by %s · y copies · esc closes",
				msg.draft.ID, msg.draft.Template, msg.draft.SentAt.In(a.env.loc).Format("2006-01-02 15:04"), Sanitize(msg.draft.SentBy)),
				msg.draft.Body)
			a.doc.SetSize(a.lay)
			return a, nil
		}
		return a, a.openEditor(msg.draft)

	case autosaveMsg:
		if a.editor != nil && a.editor.draft.ID == msg.id {
			return a, a.editor.autosave()
		}
		return a, nil

	case draftSavedMsg:
		if a.editor != nil && a.editor.draft.ID == msg.id {
			return a, a.editor.savedDone(msg)
		}
		if msg.err != nil {
			a.setFlash(fmt.Sprintf("draft #%d NOT SAVED: %v", msg.id, msg.err), true)
		}
		return a, nil

	case externalDoneMsg:
		if a.editor != nil && a.editor.draft.ID == msg.id {
			return a, a.editor.externalEdited(msg)
		}
		return a, nil

	case draftSentMsg:
		if msg.err != nil {
			if a.editor != nil {
				a.editor.saving = false
			}
			a.setFlash(fmt.Sprintf("draft #%d not sent: %s", msg.draft.ID, describeErr(msg.err)), true)
			return a, nil
		}
		what := fmt.Sprintf("sent %s (#%d): on the timeline", msg.draft.Template, msg.draft.ID)
		if msg.draft.CountsAsUpdate {
			what += "; status-update clock restarted"
		}
		a.setFlash(model.FormatKey(msg.draft.IncidentNumber)+": "+what, false)
		a.editor = nil
		n := msg.draft.IncidentNumber
		if a.aarFrom == n {
			a.aarFrom, a.screen = 0, screenDrills
			return a, a.reloadBoard()
		}
		if a.drafts.number != n {
			// sent from a draft opened elsewhere (an escalation): back to
			// its incident, never to another incident's drafts
			a.screen = screenIncident
			a.incident.Open(n)
			return a, tea.Batch(a.reloadBoard(), a.reloadIncident())
		}
		a.screen = screenDrafts
		return a, tea.Batch(a.reloadBoard(), loadDrafts(a.env.cfg.Store, n))

	case backMsg:
		a.aarFrom = 0
		a.screen = screenBoard
		return a, a.reloadBoard()

	case openFormMsg:
		a.form = newDeclareForm(a.env)
		a.form.SetSize(a.lay)
		return a, a.form.Init()

	case openDocMsg:
		a.doc = msg.doc
		a.doc.SetSize(a.lay)
		return a, nil

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
		if msg.Type == tea.KeyRunes {
			// typed or pasted text: no control, bidi or format characters
			// reach an input (they would reach the terminal as they are).
			// Terminals paste lines separated by CR: they stay lines.
			text := string(msg.Runes)
			if msg.Paste {
				text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
			}
			msg.Runes = []rune(model.PlainText(text))
		}
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
	if a.lay.TooSmall {
		// Nothing acts blind: with the screen too small to show what a key
		// would do, only quitting works.
		if a.screen == screenBoard && a.prompt == nil && a.form == nil && key.Matches(msg, k.Quit) {
			return tea.Quit
		}
		return nil
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
	case a.doc != nil:
		cmd, done := a.doc.HandleKey(msg)
		if done {
			a.doc = nil
		}
		return cmd
	case a.showHelp:
		if key.Matches(msg, k.Help, k.Back, k.Quit) {
			a.showHelp = false
		}
		return nil
	}
	if a.screen == screenEditor {
		if key.Matches(msg, k.EditorHelp) {
			a.showHelp = true
			return nil
		}
		return a.editor.HandleKey(msg) // every key is text, but the editor's own
	}
	if key.Matches(msg, k.Help) {
		a.showHelp = true
		return nil
	}
	if key.Matches(msg, k.AckAlerts) && len(a.attention.active) > 0 {
		a.attention.acknowledge()
		a.resize(a.width, a.height)
		return nil
	}
	if a.flashErr && key.Matches(msg, k.Back) && a.flash != "" {
		a.flash = "" // esc first dismisses an error
		return nil
	}
	return a.current().HandleKey(msg)
}

func (a *App) openEditor(d model.Draft) tea.Cmd {
	a.editor = newEditorScreen(a.env, d)
	a.editor.drill = a.isDrill(d.IncidentNumber)
	a.editor.SetSize(a.lay)
	a.screen = screenEditor
	return nil
}

// View renders the screen.
func (a *App) View() string {
	if a.frameValid {
		return a.frame
	}
	a.frame, a.frameValid = a.render(), true
	return a.frame
}

func (a *App) render() string {
	if a.lay.TooSmall {
		return a.tooSmall()
	}
	var body string
	switch {
	case a.showHelp:
		body = a.helpView()
	case a.form != nil:
		body = a.form.View()
	case a.doc != nil:
		body = a.doc.View()
	default:
		body = a.current().View()
	}
	if a.prompt != nil {
		body = a.overlayBottom(body, a.prompt.View())
	}
	var b strings.Builder
	b.WriteString(a.header())
	b.WriteByte('\n')
	if len(a.attention.active) > 0 {
		b.WriteString(a.banner())
		b.WriteByte('\n')
	}
	b.WriteString(fitBlock(body, a.lay.Width, a.lay.BodyHeight))
	b.WriteByte('\n')
	b.WriteString(a.statusLine())
	b.WriteByte('\n')
	b.WriteString(a.footer())
	return b.String()
}

func (a *App) tooSmall() string {
	lines := []string{"terminal too small", fmt.Sprintf("need %dx%d", MinWidth, MinHeight), fmt.Sprintf("now %dx%d", a.lay.Width, a.lay.Height)}
	if a.lay.Width >= 40 {
		lines = []string{fmt.Sprintf("terminal too small: need %dx%d, now %dx%d", MinWidth, MinHeight, a.lay.Width, a.lay.Height)}
	}
	for i := range lines {
		lines[i] = Fit(lines[i], a.lay.Width)
	}
	if a.lay.Height < len(lines) {
		lines = lines[:a.lay.Height]
	}
	return strings.Join(lines, "\n")
}

func (a *App) header() string {
	s := a.env.styles
	open, resolved, breached := a.board.Counts()
	openText := fmt.Sprintf("%d open", open)
	if n := a.board.drills; n > 0 {
		openText += fmt.Sprintf(" (%d drill)", n) // as warroom status says it
		if n > 1 {
			openText = fmt.Sprintf("%d open (%d drills)", open, n)
		}
	}
	left := s.Title.Render("WARROOM") + " " + s.Muted.Render(fmt.Sprintf("%s · %d resolved", openText, resolved))
	if breached > 0 {
		left += " " + s.State[model.StateBreached].Render(fmt.Sprintf("· %d breached", breached))
	}
	now := a.env.now.In(a.env.loc)
	right := s.Muted.Render(Fit(a.env.cfg.Actor, 20)+" · ") + s.Bold.Render(now.Format("15:04:05")) + s.Muted.Render(" "+now.Format("MST"))
	if len(a.others) > 0 {
		room := a.lay.Width - lipglossWidth(left) - lipglossWidth(right) - 4
		if w := a.watching(room); w != "" {
			left += "  " + s.Accent.Render(w)
		}
	}
	return joinEnds(left, right, a.lay.Width)
}

// watching lists the other consoles on this database with how long ago
// each was last seen: "also here: bob 3s, carol 12s".
func (a *App) watching(room int) string {
	if room < 16 {
		return ""
	}
	text := "also here:"
	for i, p := range a.others {
		item := fmt.Sprintf(" %s %s", Sanitize(p.Actor), Ago(a.env.now, p.LastSeen))
		if i > 0 {
			item = "," + item
		}
		if len(text)+len(item) > room {
			return text + fmt.Sprintf(" +%d", len(a.others)-i)
		}
		text += item
	}
	return text
}

// scanAttention rings the bell once for new alerts and shows the banner.
func (a *App) scanAttention() tea.Cmd {
	before := len(a.attention.active)
	fresh := a.attention.scan(a.board.incs, a.env.now)
	if (before == 0) != (len(a.attention.active) == 0) {
		a.resize(a.width, a.height)
	}
	if fresh == 0 {
		return nil
	}
	return ringBell(a.env.cfg.Terminal)
}

// banner names what is due: the newest alert, and how many more.
func (a *App) banner() string {
	act := a.attention.active
	text := "⚠ " + act[len(act)-1].text
	if n := len(act); n > 1 {
		text = fmt.Sprintf("⚠ %d alerts, newest: %s", n, act[n-1].text)
	}
	hint := " · ! acknowledges"
	w := a.lay.Width
	return a.env.styles.Banner.Render(padStyled(Fit(text, max(0, w-ansi.StringWidth(hint)))+hint, w))
}

func (a *App) statusLine() string {
	if a.flash == "" || (!a.flashErr && a.env.writing.Load() > 0) {
		if a.env.writing.Load() > 0 {
			return a.env.styles.State[model.StateWarning].Render(Fit("saving… (waiting for the database: another process is writing)", a.lay.Width))
		}
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
	case a.doc != nil:
		keys = a.doc.ShortHelp()
	case a.showHelp:
		keys = []key.Binding{a.env.keys.Back}
	default:
		keys = a.current().ShortHelp()
	}
	return a.help.ShortHelpView(keys)
}

func (a *App) helpView() string {
	groups, title := a.current().FullHelp(), screenTitles[a.screen]
	s := a.env.styles
	out := s.Section.Render("Keys · "+title) + "\n\n" + fullHelp(groups, a.lay.Width, s)
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
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("not saved: the database stayed locked by another process for %s; try again", opTimeout)
	}
	return "not saved: " + err.Error()
}

func lipglossWidth(s string) int { return ansi.StringWidth(s) }

// fullHelp lays every binding out in as many columns as the width takes,
// so none is cut off at 80 columns (bubbles' help drops whole columns).
func fullHelp(groups [][]key.Binding, width int, s Styles) string {
	type entry struct{ k, d string }
	var es []entry
	kw, dw := 0, 0
	for _, g := range groups {
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			es = append(es, entry{h.Key, h.Desc})
			kw, dw = max(kw, ansi.StringWidth(h.Key)), max(dw, ansi.StringWidth(h.Desc))
		}
	}
	colW := kw + 1 + dw + 3
	cols := max(1, width/colW)
	if cols == 1 && width >= 2*(kw+16) {
		// two columns with the descriptions cut short beat one long one
		cols, dw = 2, width/2-kw-4
		colW = kw + 1 + dw + 3
	}
	rows := (len(es) + cols - 1) / cols
	var b strings.Builder
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			i := c*rows + r
			if i >= len(es) {
				break
			}
			b.WriteString(s.Accent.Render(PadLeft(es[i].k, kw)) + " " + Pad(es[i].d, dw+3))
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// screenView is what every screen offers the root: keys, a view and the
// bindings for the footer and the ? help.
type screenView interface {
	HandleKey(tea.KeyMsg) tea.Cmd
	View() string
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

var screenTitles = map[screen]string{
	screenBoard: "Board", screenIncident: "Incident screen", screenDrafts: "Drafts",
	screenEditor: "Editor", screenReview: "Post-incident review", screenDashboard: "Metrics dashboard", screenDrills: "Drills",
}

// current is the screen on display.
func (a *App) current() screenView {
	switch a.screen {
	case screenIncident:
		return &a.incident
	case screenDrafts:
		return &a.drafts
	case screenReview:
		return &a.review
	case screenDashboard:
		return &a.dash
	case screenDrills:
		return &a.drillScr
	case screenEditor:
		if a.editor != nil {
			return a.editor
		}
	}
	return &a.board
}
