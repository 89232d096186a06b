package model

import "time"

// EventKind says what an entry of the timeline records.
type EventKind string

// The kinds of timeline entries. Every action on an incident appends one.
const (
	EventDeclared      EventKind = "declared"
	EventAcknowledged  EventKind = "acknowledged"
	EventMitigated     EventKind = "mitigated"
	EventPhase         EventKind = "phase"
	EventTick          EventKind = "tick"
	EventUntick        EventKind = "untick"
	EventSeverity      EventKind = "severity"
	EventRole          EventKind = "role"
	EventNote          EventKind = "note"
	EventResolved      EventKind = "resolved"
	EventClosed        EventKind = "closed"
	EventReopened      EventKind = "reopened"
	EventStatusUpdate  EventKind = "status-update"
	EventEscalated     EventKind = "escalated"
	EventEscalationAck EventKind = "escalation-ack"
)

// IsProgress reports whether an event of this kind is progress, for the
// "without progress" escalation trigger (P2, seed §7.1): work visibly
// moving the incident forward. That is a checklist tick, a phase change,
// a timeline note, an acknowledgment (of the incident or of an
// escalation), mitigation, a fix declared, a verification check passed,
// resolution, a status update or an escalation.
// Not progress: an untick, a role or severity change, reopening, a sent
// communication that is not a status update. The declaration counts: the
// clock starts at it.
func IsProgress(k EventKind) bool {
	switch k {
	case EventTick, EventPhase, EventNote, EventAcknowledged, EventMitigated, EventResolved,
		EventStatusUpdate, EventEscalated, EventEscalationAck, EventDeclared,
		EventFixDeclared, EventVerified:
		return true
	}
	return false
}

// Event is one entry of an incident's timeline: who did what, when.
type Event struct {
	ID     int64
	At     time.Time
	Actor  string
	Kind   EventKind
	Text   string
	ItemID int64 // the checklist item a tick or untick is about, else 0
}
