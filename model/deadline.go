package model

import "time"

// DeadlineState is where an SLA milestone stands at an instant.
type DeadlineState string

// The states of a deadline.
//
//   - pending: its anchor has not happened (post-mortem before resolution);
//   - ok: running, more than the warning share of its window left;
//   - warning: running, at most WarnRatio of its window left, or at most
//     WarnAtMost (when set, > 0) left, whichever comes first;
//   - breached: running and past due;
//   - met: reached on or before its due time;
//   - missed: reached after its due time;
//   - skipped: the incident was closed without reaching it.
const (
	StatePending  DeadlineState = "pending"
	StateOK       DeadlineState = "ok"
	StateWarning  DeadlineState = "warning"
	StateBreached DeadlineState = "breached"
	StateMet      DeadlineState = "met"
	StateMissed   DeadlineState = "missed"
	StateSkipped  DeadlineState = "skipped"
)

// Running reports whether the deadline is still counting (ok, warning or
// breached).
func (s DeadlineState) Running() bool {
	return s == StateOK || s == StateWarning || s == StateBreached
}

// Deadline is one SLA milestone of one incident, evaluated at an instant.
type Deadline struct {
	ID     MilestoneID
	Name   string
	Short  string
	Start  time.Time // the anchor instant; zero while pending
	DueAt  time.Time // zero while pending
	DoneAt time.Time // when it was reached, zero if not yet
	State  DeadlineState
}

// Remaining is the time left until due (negative once breached).
func (d Deadline) Remaining(now time.Time) time.Duration { return d.DueAt.Sub(now) }

// Deadlines evaluates every milestone of the incident's SLA snapshot at now.
func (inc *Incident) Deadlines(now time.Time) []Deadline {
	out := make([]Deadline, 0, len(inc.Policy.Milestones)+2)
	for _, m := range inc.Policy.Milestones {
		out = append(out, inc.evaluate(m, now))
	}
	return append(out, inc.liveDeadlines(now)...)
}

func (inc *Incident) evaluate(m MilestoneTarget, now time.Time) Deadline {
	d := Deadline{ID: m.ID, Name: m.Name, Short: m.Short, DoneAt: inc.reachedAt(m.ID)}
	d.Start = inc.anchor(m.From)
	if d.Start.IsZero() {
		d.State = StatePending
		if inc.Status == StatusClosed {
			d.State = StateSkipped
		}
		return d
	}
	d.DueAt = d.Start.Add(m.Within)
	switch {
	case !d.DoneAt.IsZero() && !d.DoneAt.After(d.DueAt):
		d.State = StateMet
	case !d.DoneAt.IsZero():
		d.State = StateMissed
	case inc.Status == StatusClosed:
		d.State = StateSkipped
	case !now.Before(d.DueAt):
		d.State = StateBreached
	case float64(d.DueAt.Sub(now)) <= inc.Policy.WarnRatio*float64(m.Within),
		inc.Policy.WarnAtMost > 0 && d.DueAt.Sub(now) <= inc.Policy.WarnAtMost:
		d.State = StateWarning
	default:
		d.State = StateOK
	}
	return d
}

// NextDeadline is the running deadline due soonest (a breached one is due
// soonest of all), or false when nothing is running.
func (inc *Incident) NextDeadline(now time.Time) (Deadline, bool) {
	var best Deadline
	found := false
	for _, d := range inc.Deadlines(now) {
		if !d.State.Running() {
			continue
		}
		if !found || d.DueAt.Before(best.DueAt) {
			best, found = d, true
		}
	}
	return best, found
}

// Breached reports whether any deadline of the incident is breached or was
// missed.
func (inc *Incident) Breached(now time.Time) bool {
	for _, d := range inc.Deadlines(now) {
		if d.State == StateBreached || d.State == StateMissed {
			return true
		}
	}
	return false
}
