package ui

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/warroom/warroom/model"
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

// escalationNotice fills the seed's escalation notification (§7.3) from the
// incident just escalated. What the console cannot know stays a visible
// [placeholder].
func escalationNotice(inc *model.Incident, now time.Time, loc *time.Location) string {
	tier := max(inc.Tier, 1)
	var reason, target string
	for i := len(inc.Timeline) - 1; i >= 0; i-- {
		if e := inc.Timeline[i]; e.Kind == model.EventEscalated {
			if _, r, ok := strings.Cut(e.Text, ": "); ok {
				reason = r
			}
			break
		}
	}
	if reason == "" {
		reason = "[Reason]"
	}
	if tier-1 < len(inc.Policy.Escalation.Tiers) {
		target = Span(inc.Policy.Escalation.Tiers[tier-1])
	} else {
		target = "15m"
	}
	at := inc.EscalatedAt
	if at.IsZero() {
		at = now
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# ESCALATION NOTIFICATION\n\n")
	fmt.Fprintf(&b, "Incident ID: %s\n", inc.Key())
	fmt.Fprintf(&b, "Title: %s\n", Sanitize(inc.Title))
	fmt.Fprintf(&b, "Current Severity: %s (%s)\n", inc.Severity, inc.Severity.Label())
	fmt.Fprintf(&b, "Current Level: Tier %d\n", tier)
	fmt.Fprintf(&b, "Escalation Trigger: %s\n", Sanitize(reason))
	fmt.Fprintf(&b, "Time: %s\n\n", at.In(loc).Format("2006-01-02 15:04 MST (-07:00)"))
	fmt.Fprintf(&b, "Escalating to Tier %d due to %s.\n\n", tier, Sanitize(reason))
	fmt.Fprintf(&b, "Actions Required:\n")
	fmt.Fprintf(&b, "- [ ] Acknowledge escalation within %s\n", target)
	fmt.Fprintf(&b, "- [ ] Take ownership of incident\n")
	fmt.Fprintf(&b, "- [ ] Provide status update within 30 minutes\n")
	fmt.Fprintf(&b, "- [ ] Follow Tier %d procedures\n\n", tier)
	fmt.Fprintf(&b, "Previous Actions:\n")
	n := 0
	for _, sec := range inc.Sections() {
		for _, it := range sec.Items {
			if it.Done {
				fmt.Fprintf(&b, "- [x] %s (%s, %s)\n", Sanitize(it.Text), it.DoneAt.In(loc).Format("15:04"), Sanitize(it.DoneBy))
				n++
			}
		}
	}
	if n == 0 {
		fmt.Fprintf(&b, "- [ ] none recorded yet\n")
	}
	fmt.Fprintf(&b, "\nContact Information:\n")
	ic := Sanitize(inc.Roles[model.RoleCommander])
	if ic == "" {
		ic = "[Name]"
	}
	fmt.Fprintf(&b, "- On-call: %s - [Phone]\n", ic)
	fmt.Fprintf(&b, "- Backup: [Name] - [Phone]\n")
	fmt.Fprintf(&b, "- Manager: [Name] - [Email]\n")
	return b.String()
}
