package ui

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Document is a read-only text overlay: a notification ready to copy.
// y copies it to the clipboard through OSC 52 (in tmux with
// set-clipboard on, too); the text is also selectable on screen.
type Document struct {
	env    *env
	title  string
	lines  []string
	offset int
	height int
	width  int
}

func newDocument(e *env, title, text string) *Document {
	return &Document{env: e, title: title, lines: strings.Split(text, "\n")}
}

// Text is the whole document.
func (d *Document) Text() string { return strings.Join(d.lines, "\n") }

// SetSize fits the document to the body.
func (d *Document) SetSize(l Layout) { d.width, d.height = l.Width, max(1, l.BodyHeight-2) }

// HandleKey scrolls, copies or closes.
func (d *Document) HandleKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := d.env.keys
	switch {
	case key.Matches(msg, k.Back, k.Quit):
		return nil, true
	case key.Matches(msg, k.Up):
		d.offset = max(0, d.offset-1)
	case key.Matches(msg, k.Down):
		d.offset = min(max(0, len(d.lines)-d.height), d.offset+1)
	case key.Matches(msg, k.Copy):
		return copyOSC52(d.env.cfg.Terminal, d.Text()), false
	}
	return nil, false
}

// View renders the visible part of the document.
func (d *Document) View() string {
	s := d.env.styles
	var b strings.Builder
	b.WriteString(s.Section.Render(Fit(d.title, d.width)) + "\n\n")
	end := min(len(d.lines), d.offset+d.height)
	for i := d.offset; i < end; i++ {
		b.WriteString(Fit(d.lines[i], d.width))
		if i < end-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// ShortHelp is the footer while the document is open.
func (d *Document) ShortHelp() []key.Binding {
	k := d.env.keys
	return []key.Binding{k.Copy, k.Up, k.Down, k.Back}
}

// copyOSC52 puts text on the clipboard with the OSC 52 escape sequence,
// which terminals and tmux (set-clipboard on) pass to the system clipboard.
func copyOSC52(w io.Writer, text string) tea.Cmd {
	return func() tea.Msg {
		seq := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\x07"
		if _, err := io.WriteString(w, seq); err != nil {
			return flashMsg{text: "copy failed: " + err.Error(), err: true}
		}
		return flashMsg{text: fmt.Sprintf("copied %d characters to the clipboard (OSC 52)", len(text))}
	}
}
