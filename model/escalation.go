package model

import (
	"fmt"
	"strings"
	"time"
)

// Escalation is where an incident stands against the escalation matrix
// (seed §7) at an instant.
type Escalation struct {
	Tier     int       // the tier the incident is at, 1 before any escalation
	NextTier int       // the tier it would go to; 0 at the top tier
	Due      bool      // an escalation to NextTier is due
	DueAt    time.Time // when it falls (or fell) due; zero if it never will
	Reason   string    // the trigger, "2h without progress"
}

// tier is the incident's current tier (1 if never escalated).
func (inc *Incident) tier() int { return max(inc.Tier, 1) }

// Escalation evaluates the escalation trigger at now.
//
// After an escalation the tier it went to has its response target (§7.1)
// to acknowledge; while it has not, the next escalation falls due only if
// that target passes. Otherwise the trigger's clock starts at the later of
// detection and the last escalation's acknowledgment, so each escalation
// re-arms it for the next tier:
//
//   - immediate (P1): due at once; a P1 climbs every tier ("immediate
//     activation"), one recorded escalation and acknowledgment at a time;
//   - no_progress (P2): due After (2h) since the later of that start and
//     the last progress (IsProgress);
//   - no_resolution (P3, P4): due After (8h, 24h) since that start while
//     the incident is unresolved.
//
// Nothing is due once the incident is resolved or at its top tier.
func (inc *Incident) Escalation(now time.Time) Escalation {
	pol := inc.Policy.Escalation
	e := Escalation{Tier: inc.tier()}
	if e.Tier < len(pol.Tiers) {
		e.NextTier = e.Tier + 1
	}
	if e.NextTier == 0 || inc.Status != StatusOpen {
		return e
	}
	if inc.AwaitingTierAck() {
		// The tier escalated to has its response target to take the
		// incident; if it lets that pass, the next tier is due.
		if t := e.Tier; t-1 < len(pol.Tiers) && pol.Tiers[t-1] > 0 {
			e.DueAt = inc.EscalatedAt.Add(pol.Tiers[t-1])
			e.Reason = fmt.Sprintf("Tier %d did not respond within %s", t, spanText(pol.Tiers[t-1]))
			e.Due = !now.Before(e.DueAt)
		}
		return e
	}
	start := inc.DetectedAt
	if inc.TierAckAt.After(start) {
		start = inc.TierAckAt
	} else if inc.EscalatedAt.After(start) {
		start = inc.EscalatedAt
	}
	switch pol.Trigger {
	case TriggerImmediate:
		e.DueAt = start
		e.Reason = "immediate activation (" + inc.Severity.String() + ")"
	case TriggerNoProgress:
		if inc.LastProgressAt.After(start) {
			start = inc.LastProgressAt
		}
		e.DueAt = start.Add(pol.After)
		e.Reason = fmt.Sprintf("%s without progress", spanText(pol.After))
	case TriggerNoResolution:
		e.DueAt = start.Add(pol.After)
		e.Reason = fmt.Sprintf("%s without resolution", spanText(pol.After))
	default:
		return e
	}
	e.Due = !now.Before(e.DueAt)
	return e
}

// Escalate moves the incident to the next tier. The reason is recorded with
// the tier; an empty reason records the trigger's.
func (inc *Incident) Escalate(now time.Time, actor, reason string) (Event, error) {
	if inc.Status != StatusOpen {
		return Event{}, fmt.Errorf("%w: %s is %s", ErrConflict, inc.Key(), inc.Status)
	}
	esc := inc.Escalation(now)
	if esc.NextTier == 0 {
		return Event{}, fmt.Errorf("%w: %s is at the top tier (Tier %d)", ErrConflict, inc.Key(), esc.Tier)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = esc.Reason
		if !esc.Due {
			reason = "by the commander's decision"
		}
	}
	now = Millis(now)
	inc.Tier = esc.NextTier
	inc.EscalatedAt = now
	inc.TierAckAt = time.Time{}
	return inc.event(now, actor, EventEscalated, fmt.Sprintf("escalated Tier %d -> Tier %d: %s", esc.Tier, esc.NextTier, reason)), nil
}

// AwaitingTierAck reports whether the incident was escalated and the tier
// has not acknowledged it yet.
func (inc *Incident) AwaitingTierAck() bool {
	return !inc.EscalatedAt.IsZero() && inc.TierAckAt.IsZero() && inc.Status == StatusOpen
}

// AcknowledgeEscalation records that the tier the incident was escalated to
// has taken it: its response clock stops.
func (inc *Incident) AcknowledgeEscalation(now time.Time, actor string) (Event, error) {
	if !inc.AwaitingTierAck() {
		return Event{}, fmt.Errorf("%w: %s has no escalation waiting for acknowledgment", ErrConflict, inc.Key())
	}
	now = Millis(now)
	inc.TierAckAt = now
	return inc.event(now, actor, EventEscalationAck, fmt.Sprintf("Tier %d acknowledged the escalation", inc.tier())), nil
}

// StatusUpdate records a status update (seed §4.1 "Update status every 30
// minutes", §5.2): the update clock restarts.
func (inc *Incident) StatusUpdate(now time.Time, actor, text string) (Event, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Event{}, fmt.Errorf("%w: the status update is empty", ErrInvalid)
	}
	if inc.Status == StatusClosed {
		return Event{}, fmt.Errorf("%w: %s is closed", ErrConflict, inc.Key())
	}
	return inc.event(Millis(now), actor, EventStatusUpdate, text), nil
}

// The ids of the deadlines that are not SLA milestones.
const (
	DeadlineStatusUpdate MilestoneID = "status_update"
	DeadlineTierResponse MilestoneID = "tier_response"
)

// liveDeadlines are the rolling clocks besides the SLA milestones: the
// next status update while open, and the response of the tier the
// incident was escalated to. Tier 1's response target equals the
// acknowledgment target for every severity in the seed, so it is the
// acknowledgment milestone and not shown twice.
func (inc *Incident) liveDeadlines(now time.Time) []Deadline {
	var out []Deadline
	if every := inc.Policy.StatusUpdateEvery; every > 0 && inc.Status == StatusOpen {
		start := inc.DetectedAt
		if inc.LastUpdateAt.After(start) {
			start = inc.LastUpdateAt
		}
		d := Deadline{ID: DeadlineStatusUpdate, Name: "Status update", Short: "UPD", Start: start, DueAt: start.Add(every)}
		d.State = inc.runningState(d.DueAt, every, now)
		out = append(out, d)
	}
	if t := inc.tier(); t > 1 && t <= len(inc.Policy.Escalation.Tiers) && !inc.EscalatedAt.IsZero() {
		target := inc.Policy.Escalation.Tiers[t-1]
		if target > 0 {
			d := Deadline{ID: DeadlineTierResponse, Name: fmt.Sprintf("Tier %d response", t), Short: fmt.Sprintf("T%d", t),
				Start: inc.EscalatedAt, DueAt: inc.EscalatedAt.Add(target), DoneAt: inc.TierAckAt}
			switch {
			case !d.DoneAt.IsZero() && !d.DoneAt.After(d.DueAt):
				d.State = StateMet
			case !d.DoneAt.IsZero():
				d.State = StateMissed
			case inc.Status != StatusOpen:
				d.State = StateSkipped
			default:
				d.State = inc.runningState(d.DueAt, target, now)
			}
			out = append(out, d)
		}
	}
	return out
}

// runningState is ok, warning or breached for a running clock.
func (inc *Incident) runningState(due time.Time, window time.Duration, now time.Time) DeadlineState {
	left := due.Sub(now)
	switch {
	case left <= 0:
		return StateBreached
	case float64(left) <= inc.Policy.WarnRatio*float64(window),
		inc.Policy.WarnAtMost > 0 && left <= inc.Policy.WarnAtMost:
		return StateWarning
	}
	return StateOK
}

// spanText writes a policy duration the way the seed does: "2h", "5d". The
// seed counts in hours up to 72 ("24 hours without resolution", "72
// hours") and in days beyond ("5 days").
func spanText(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0 && d > 72*time.Hour:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0 && d > 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}
