package model

import (
	"fmt"
	"strings"
	"time"
)

// Draft is a communication being written for an incident from one of the
// templates (seed §5, §7.3). It saves itself as it is typed; once sent it
// is final and on the timeline.
type Draft struct {
	ID             int64
	IncidentNumber int64
	Template       string // "customer-initial-alert"
	Audience       Audience
	CountsAsUpdate bool // sending it restarts the status-update clock
	Body           string
	Author         string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	SentAt         time.Time // zero until sent
	SentBy         string
}

// Sent reports whether the draft has been sent.
func (d Draft) Sent() bool { return !d.SentAt.IsZero() }

// Title is the draft's first non-empty line, for lists.
func (d Draft) Title() string {
	for _, l := range strings.Split(d.Body, "\n") {
		if t := strings.TrimSpace(strings.TrimLeft(l, "# ")); t != "" {
			return t
		}
	}
	return "(empty)"
}

// MaxDraftLen is the most characters a draft may hold: far above any
// status page or e-mail, low enough that a runaway paste is refused with a
// notice instead of filling the database.
const MaxDraftLen = 20000

// EventCommunication records a sent communication that is not a status
// update (an escalation notification).
const EventCommunication EventKind = "communication"

// SendDraft records a draft as sent on the incident's timeline, with its
// full text, audience and author. A draft that still holds placeholders
// (unfilled) is refused unless an override reason is given; the override
// is recorded. A draft that counts as an update restarts the status-update
// clock.
func (inc *Incident) SendDraft(now time.Time, actor string, d Draft, unfilled []string, override string) (Event, error) {
	if d.Sent() {
		return Event{}, fmt.Errorf("%w: the draft was already sent %s by %s", ErrConflict, FormatTime(d.SentAt), d.SentBy)
	}
	if inc.Status == StatusClosed {
		return Event{}, fmt.Errorf("%w: %s is closed", ErrConflict, inc.Key())
	}
	if strings.TrimSpace(d.Body) == "" {
		return Event{}, fmt.Errorf("%w: the draft is empty", ErrInvalid)
	}
	override = strings.TrimSpace(override)
	if len(unfilled) > 0 && override == "" {
		return Event{}, fmt.Errorf("%w: %d placeholder(s) still unfilled: %s", ErrInvalid, len(unfilled), strings.Join(unfilled, ", "))
	}
	unmarked := inc.IsDrill() && !DrillMarked(d.Body)
	if unmarked && override == "" {
		return Event{}, fmt.Errorf("%w: %s is a drill and this message no longer says DRILL: put the mark back, or give a reason to send it unmarked", ErrInvalid, inc.Key())
	}
	kind := EventCommunication
	if d.CountsAsUpdate {
		kind = EventStatusUpdate
	}
	head := fmt.Sprintf("%s%s (%s, by %s)", sentPrefix, d.Template, d.Audience, d.Author)
	if len(unfilled) > 0 {
		head += fmt.Sprintf(" with %d placeholder(s) unfilled (override: %s)", len(unfilled), override)
	}
	if unmarked {
		head += fmt.Sprintf(" WITHOUT the DRILL mark (override: %s)", override)
	}
	return inc.event(Millis(now), actor, kind, head+"\n"+d.Body), nil
}

// DrillMarked reports whether a message says it is a drill's: the word
// DRILL, in capitals, anywhere in it (the banner every drill's template
// starts with has it).
func DrillMarked(body string) bool { return strings.Contains(body, "DRILL") }

// sentPrefix starts the first line of a sent draft's timeline entry; the
// full text follows on the next lines.
const sentPrefix = "sent "

// IsSentDraft reports whether a timeline entry records a sent draft (as
// opposed to a one-line status update typed with u): its first line is
// the sent summary and the draft's text follows.
func (e Event) IsSentDraft() bool {
	first, _, multi := strings.Cut(e.Text, "\n")
	return (e.Kind == EventStatusUpdate || e.Kind == EventCommunication) && multi && strings.HasPrefix(first, sentPrefix)
}
