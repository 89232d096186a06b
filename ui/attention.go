package ui

import (
	"fmt"
	"io"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/warroom/warroom/model"
)

// alert is one thing that needs the room's attention: a breached deadline,
// an escalation that fell due, an overdue status update.
type alert struct {
	key    string // identifies the event: one bell per key, ever
	number int64
	text   string
}

// attention turns deadline and escalation states into alerts, once per
// event: a bell and a banner until someone acknowledges it with a key.
// It never repeats an alarm for the same event.
type attention struct {
	seen   map[string]bool
	active []alert
}

// scan looks at every incident on the board and returns how many alerts
// are new. Alerts no longer true (the deadline was met elsewhere) leave
// the banner by themselves.
func (at *attention) scan(incs []*model.Incident, now time.Time) (fresh int) {
	if at.seen == nil {
		at.seen = map[string]bool{}
	}
	current := map[string]bool{}
	for _, inc := range incs {
		for _, a := range alertsOf(inc, now) {
			current[a.key] = true
			if at.seen[a.key] {
				continue
			}
			at.seen[a.key] = true
			at.active = append(at.active, a)
			fresh++
		}
	}
	kept := at.active[:0]
	for _, a := range at.active {
		if current[a.key] {
			kept = append(kept, a)
		}
	}
	at.active = kept
	return fresh
}

// acknowledge clears the banner; the events stay seen.
func (at *attention) acknowledge() { at.active = nil }

func alertsOf(inc *model.Incident, now time.Time) []alert {
	var out []alert
	key := inc.Key()
	if inc.IsDrill() {
		key += " DRILL" // an exercise's alarm must never read as a real one
	}
	for _, d := range inc.Deadlines(now) {
		if d.State != model.StateBreached {
			continue
		}
		text := fmt.Sprintf("%s: %s breached", key, d.Name)
		if d.ID == model.DeadlineStatusUpdate {
			text = fmt.Sprintf("%s: status update overdue", key)
		}
		out = append(out, alert{
			key:    fmt.Sprintf("%d/%s/%d", inc.Number, d.ID, d.DueAt.UnixMilli()),
			number: inc.Number, text: text,
		})
	}
	if esc := inc.Escalation(now); esc.Due {
		out = append(out, alert{
			key:    fmt.Sprintf("%d/escalate/%d", inc.Number, esc.NextTier),
			number: inc.Number,
			text:   fmt.Sprintf("%s: escalate to Tier %d (%s)", key, esc.NextTier, esc.Reason),
		})
	}
	return out
}

// ringBell writes one BEL: tmux marks the window, terminals beep or
// flash. A single write cannot split the renderer's frame (writes to one
// file are serialized).
func ringBell(w io.Writer) tea.Cmd {
	return func() tea.Msg {
		_, err := w.Write([]byte{'\a'})
		return bellDoneMsg{err: err}
	}
}
