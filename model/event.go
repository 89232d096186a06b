package model

import "time"

// EventKind says what an entry of the timeline records.
type EventKind string

// The kinds of timeline entries. Every action on an incident appends one.
const (
	EventDeclared     EventKind = "declared"
	EventAcknowledged EventKind = "acknowledged"
	EventMitigated    EventKind = "mitigated"
	EventPhase        EventKind = "phase"
	EventTick         EventKind = "tick"
	EventUntick       EventKind = "untick"
	EventSeverity     EventKind = "severity"
	EventRole         EventKind = "role"
	EventNote         EventKind = "note"
	EventResolved     EventKind = "resolved"
	EventClosed       EventKind = "closed"
	EventReopened     EventKind = "reopened"
)

// Event is one entry of an incident's timeline: who did what, when.
type Event struct {
	ID     int64
	At     time.Time
	Actor  string
	Kind   EventKind
	Text   string
	ItemID int64 // the checklist item a tick or untick is about, else 0
}
