package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key binding of the console. The footer, the '?' help and
// the README's key list come from these bindings, so help cannot drift from
// behaviour.
type KeyMap struct {
	// everywhere
	Quit      key.Binding
	ForceQ    key.Binding
	Help      key.Binding
	AckAlerts key.Binding
	Back      key.Binding
	Up        key.Binding
	Down      key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Top       key.Binding
	Bottom    key.Binding

	// board
	Open      key.Binding
	Declare   key.Binding
	Metrics   key.Binding
	DrillsKey key.Binding

	// metrics dashboard
	Period    key.Binding
	SevFilter key.Binding

	// drills
	AAR     key.Binding
	CallOff key.Binding

	// incident screen
	Tick        key.Binding
	Acknowledge key.Binding
	Mitigate    key.Binding
	Advance     key.Binding
	Severity    key.Binding
	Role        key.Binding
	Note        key.Binding
	Resolve     key.Binding
	CloseInc    key.Binding
	Reopen      key.Binding
	NextPane    key.Binding
	Escalate    key.Binding
	Update      key.Binding
	Copy        key.Binding
	Drafts      key.Binding
	Fix         key.Binding
	Verify      key.Binding
	ReviewKey   key.Binding
	Alerts      key.Binding

	// review screen
	Export      key.Binding
	CycleStatus key.Binding

	// draft editor
	Send      key.Binding
	SaveNow   key.Binding
	ExtEditor key.Binding
	CopyDraft key.Binding
	WriteFile key.Binding
	Preview   key.Binding
	// EditorHelp opens the help where ? is text
	EditorHelp key.Binding

	// forms and prompts
	NextField key.Binding
	PrevField key.Binding
	Submit    key.Binding
	Cancel    key.Binding
	Toggle    key.Binding
	Left      key.Binding
	Right     key.Binding
}

// DefaultKeyMap is warroom's key map.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit:      b("q", "quit", "q"),
		ForceQ:    b("ctrl+c", "quit now", "ctrl+c"),
		Help:      b("?", "help", "?"),
		AckAlerts: b("!", "acknowledge alert banner", "!"),
		Back:      b("esc", "back", "esc"),
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		PageUp:    b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown:  b("pgdn", "page down", "pgdown", "ctrl+d"),
		Top:       b("g/home", "first", "g", "home"),
		Bottom:    b("G/end", "last", "G", "end"),

		Open:      b("enter", "open", "enter"),
		Declare:   b("n", "declare incident", "n"),
		Metrics:   b("m", "metrics", "m"),
		DrillsKey: b("D", "drills", "D"),

		Period:    b("p", "period", "p"),
		SevFilter: b("s", "severity filter", "s"),
		AAR:       b("a", "after-action review", "a"),
		CallOff:   b("c", "call the drill off", "c"),

		Tick:        b("space/x", "tick step", " ", "x"),
		Acknowledge: b("a", "acknowledge", "a"),
		Mitigate:    b("m", "mitigated", "m"),
		Advance:     b("p", "next phase", "p"),
		Severity:    b("s", "severity", "s"),
		Role:        b("r", "assign role", "r"),
		Note:        b("n", "note", "n"),
		Resolve:     b("R", "resolve", "R"),
		CloseInc:    b("C", "close", "C"),
		Reopen:      b("O", "reopen", "O"),
		NextPane:    b("tab", "switch pane", "tab"),
		Escalate:    b("e", "escalate", "e"),
		Update:      b("u", "status update", "u"),
		Copy:        b("y", "copy (OSC 52)", "y"),
		Drafts:      b("d", "drafts & templates", "d"),
		Fix:         b("f", "fix declared (verify)", "f"),
		Verify:      b("v", "verification checks", "v"),
		ReviewKey:   b("w", "post-incident review", "w"),
		Alerts:      b("l", "monitoring alerts", "l"),
		Export:      b("x", "export Markdown", "x"),
		CycleStatus: b("s", "item status", "s"),

		Send:       b("ctrl+g", "mark sent", "ctrl+g"),
		SaveNow:    b("ctrl+s", "save now", "ctrl+s"),
		ExtEditor:  b("ctrl+e", "$EDITOR", "ctrl+e"),
		CopyDraft:  b("ctrl+y", "copy", "ctrl+y"),
		WriteFile:  b("ctrl+o", "save to file", "ctrl+o"),
		Preview:    b("ctrl+r", "preview", "ctrl+r"),
		EditorHelp: b("f1", "help", "f1"),

		NextField: b("tab", "next field", "tab", "down"),
		PrevField: b("shift+tab", "previous field", "shift+tab", "up"),
		Submit:    b("ctrl+s", "submit", "ctrl+s"),
		Cancel:    b("esc", "cancel", "esc"),
		Toggle:    b("space", "toggle", " "),
		Left:      b("←", "previous choice", "left"),
		Right:     b("→", "next choice", "right"),
	}
}
