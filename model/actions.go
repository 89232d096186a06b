package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The actions on an incident. Each one checks that it applies, changes the
// incident's header fields and returns the timeline event that records it;
// the store runs it inside one write transaction (read, apply, write the
// incident and the event, commit), so concurrent consoles never lose a
// change. None of them touches the checklist: ticks and severity changes of
// the checklist are separate store operations.

// Acknowledge records that a responder has taken the incident. It moves the
// phase on to Triage if it was still Detected.
func (inc *Incident) Acknowledge(now time.Time, actor string) (Event, error) {
	if inc.Status != StatusOpen {
		return Event{}, fmt.Errorf("%w: %s is %s", ErrConflict, inc.Key(), inc.Status)
	}
	if !inc.AcknowledgedAt.IsZero() {
		return Event{}, fmt.Errorf("%w: %s was already acknowledged", ErrConflict, inc.Key())
	}
	now = Millis(now)
	inc.AcknowledgedAt = now
	text := "acknowledged"
	if inc.Phase < PhaseTriage {
		inc.Phase = PhaseTriage
		text += "; phase -> " + PhaseTriage.String()
	}
	return inc.event(now, actor, EventAcknowledged, text), nil
}

// Mitigate records the initial resolution: the impact is contained or worked
// around, the real fix may still be to come (seed §3.3 "Initial
// Resolution").
func (inc *Incident) Mitigate(now time.Time, actor string) (Event, error) {
	if inc.Status != StatusOpen {
		return Event{}, fmt.Errorf("%w: %s is %s", ErrConflict, inc.Key(), inc.Status)
	}
	if !inc.MitigatedAt.IsZero() {
		return Event{}, fmt.Errorf("%w: %s was already mitigated", ErrConflict, inc.Key())
	}
	now = Millis(now)
	inc.MitigatedAt = now
	text := "mitigated (initial resolution)"
	if inc.AcknowledgedAt.IsZero() {
		inc.AcknowledgedAt = now
		text += "; acknowledged"
	}
	return inc.event(now, actor, EventMitigated, text), nil
}

// LastOpenPhase is the last phase an open incident can reach: the phases
// after it (Post-Mortem on) are the post-incident work, which starts when
// the incident is resolved.
const LastOpenPhase = PhaseRestoration

// AdvancePhase moves the incident to the next lifecycle phase. An open
// incident goes no further than Restoration: resolving (Resolve) is what
// moves it on to Post-Mortem. Leaving Post-Mortem records the post-mortem
// as held.
func (inc *Incident) AdvancePhase(now time.Time, actor string) (Event, error) {
	if inc.Status == StatusClosed {
		return Event{}, fmt.Errorf("%w: %s is closed", ErrConflict, inc.Key())
	}
	next, ok := inc.Phase.Next()
	if !ok {
		return Event{}, fmt.Errorf("%w: %s is in the last phase (%s); close it instead", ErrConflict, inc.Key(), inc.Phase)
	}
	if inc.Status == StatusOpen && next > LastOpenPhase {
		return Event{}, fmt.Errorf("%w: %s is still open: resolve it (R) to move on to %s", ErrConflict, inc.Key(), next)
	}
	now = Millis(now)
	text := fmt.Sprintf("phase %s -> %s", inc.Phase, next)
	if inc.Phase == PhasePostMortem && inc.PostMortemAt.IsZero() {
		inc.PostMortemAt = now
		text += "; post-mortem held"
	}
	if inc.AcknowledgedAt.IsZero() && inc.Status == StatusOpen {
		inc.AcknowledgedAt = now
		text += "; acknowledged"
	}
	inc.Phase = next
	return inc.event(now, actor, EventPhase, text), nil
}

// Resolve records that the incident is resolved: the fix is in. It implies
// acknowledgement and initial resolution if they were not recorded, moves
// the phase on to Post-Mortem (the verification is the resolver's call) and
// starts the post-mortem clock.
//
// The fix must have passed the verification checks (§5.3); resolving with
// checks open needs an override reason, which is recorded.
func (inc *Incident) Resolve(now time.Time, actor, note, override string) (Event, error) {
	if inc.Status != StatusOpen {
		return Event{}, fmt.Errorf("%w: %s is already %s", ErrConflict, inc.Key(), inc.Status)
	}
	open := inc.Verification.Open()
	texts := make([]string, len(open))
	for i, c := range open {
		texts[i] = checkText(c)
	}
	override = strings.TrimSpace(override)
	if len(open) > 0 && override == "" {
		return Event{}, fmt.Errorf("%w: %d verification check(s) open: %s; resolve with an override reason", ErrInvalid, len(open), strings.Join(texts, ", "))
	}
	now = Millis(now)
	inc.Status = StatusResolved
	inc.ResolvedAt = now
	if inc.AcknowledgedAt.IsZero() {
		inc.AcknowledgedAt = now
	}
	if inc.MitigatedAt.IsZero() {
		inc.MitigatedAt = now
	}
	text := "resolved"
	if inc.Phase < PhasePostMortem {
		text += fmt.Sprintf("; phase %s -> %s", inc.Phase, PhasePostMortem)
		inc.Phase = PhasePostMortem
	}
	if n := strings.TrimSpace(note); n != "" {
		text += ": " + n
	}
	if len(open) > 0 {
		text += fmt.Sprintf(" (override: %s; %d check(s) open: %s)", override, len(open), strings.Join(texts, ", "))
	}
	return inc.event(now, actor, EventResolved, text), nil
}

// Close ends a resolved incident: it leaves the board.
//
// The post-incident review must be complete, or an override reason given
// (recorded).
func (inc *Incident) Close(now time.Time, actor, override string) (Event, error) {
	if inc.Status != StatusResolved {
		return Event{}, fmt.Errorf("%w: only a resolved incident can be closed (%s is %s)", ErrConflict, inc.Key(), inc.Status)
	}
	override = strings.TrimSpace(override)
	if inc.Review.CompletedAt.IsZero() && override == "" {
		return Event{}, fmt.Errorf("%w: the post-incident review is not complete; close with an override reason", ErrInvalid)
	}
	now = Millis(now)
	inc.Status = StatusClosed
	inc.ClosedAt = now
	text := "closed"
	if inc.Review.CompletedAt.IsZero() {
		text += " (override, review not complete: " + override + ")"
	}
	return inc.event(now, actor, EventClosed, text), nil
}

// Reopen puts a resolved or closed incident back on the board as open; the
// resolution and post-mortem times are cleared so their clocks run again,
// and so are the verification (the fix did not hold: it is verified again
// before the next resolution) and the post-incident review's steps (their
// clocks count from the next resolution).
func (inc *Incident) Reopen(now time.Time, actor, reason string) (Event, error) {
	if inc.Status == StatusOpen {
		return Event{}, fmt.Errorf("%w: %s is open", ErrConflict, inc.Key())
	}
	if strings.TrimSpace(reason) == "" {
		return Event{}, fmt.Errorf("%w: reopening needs a reason", ErrInvalid)
	}
	now = Millis(now)
	inc.Status = StatusOpen
	inc.ResolvedAt, inc.PostMortemAt, inc.ClosedAt = time.Time{}, time.Time{}, time.Time{}
	inc.Verification, inc.Review = Verification{}, ReviewState{}
	if inc.Phase > PhaseResolution {
		inc.Phase = PhaseResolution
	}
	return inc.event(now, actor, EventReopened, "reopened: "+strings.TrimSpace(reason)), nil
}

// ChangeSeverity moves the incident to another severity with its SLA
// snapshot; the checklist follows separately (SeverityChangeChecklist). A
// reason is required: it is recorded on the timeline.
func (inc *Incident) ChangeSeverity(now time.Time, actor string, to SeverityPolicy, reason string) (Event, error) {
	if inc.Status == StatusClosed {
		return Event{}, fmt.Errorf("%w: %s is closed", ErrConflict, inc.Key())
	}
	if !to.Severity.Valid() {
		return Event{}, fmt.Errorf("%w: severity %d", ErrInvalid, to.Severity)
	}
	if to.Severity == inc.Severity {
		return Event{}, fmt.Errorf("%w: %s is already %s", ErrConflict, inc.Key(), to.Severity)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Event{}, fmt.Errorf("%w: a severity change needs a reason", ErrInvalid)
	}
	now = Millis(now)
	from := inc.Severity
	inc.Severity = to.Severity
	inc.Policy = to
	inc.SeverityReason = reason
	inc.SeverityOverride = true
	return inc.event(now, actor, EventSeverity, fmt.Sprintf("severity %s -> %s: %s", from, to.Severity, reason)), nil
}

// AssignRole gives a role to a person ("" clears it).
func (inc *Incident) AssignRole(now time.Time, actor string, role Role, person string) (Event, error) {
	if _, ok := RoleDuty[role]; !ok {
		return Event{}, fmt.Errorf("%w: unknown role %q", ErrInvalid, role)
	}
	person = strings.TrimSpace(person)
	if inc.Roles == nil {
		inc.Roles = map[Role]string{}
	}
	prev := inc.Roles[role]
	if prev == person {
		return Event{}, fmt.Errorf("%w: %s is already %q", ErrConflict, role, person)
	}
	now = Millis(now)
	var text string
	switch {
	case person == "":
		delete(inc.Roles, role)
		text = fmt.Sprintf("%s: %s unassigned", role, prev)
	case prev == "":
		inc.Roles[role] = person
		text = fmt.Sprintf("%s: %s", role, person)
	default:
		inc.Roles[role] = person
		text = fmt.Sprintf("%s: %s -> %s", role, prev, person)
	}
	return inc.event(now, actor, EventRole, text), nil
}

// Note appends a free-text note to the timeline.
func (inc *Incident) Note(now time.Time, actor, text string) (Event, error) {
	if strings.TrimSpace(text) == "" {
		return Event{}, fmt.Errorf("%w: the note is empty", ErrInvalid)
	}
	return inc.event(Millis(now), actor, EventNote, text), nil
}

func (inc *Incident) event(now time.Time, actor string, kind EventKind, text string) Event {
	ev := Event{At: now, Actor: actor, Kind: kind, Text: text}
	inc.Record(ev)
	return ev
}

// Record updates the incident's bookkeeping for an event appended to its
// timeline: the last change, the last progress and the last status
// update. The store calls it for events it writes itself (ticks).
func (inc *Incident) Record(ev Event) {
	if ev.At.After(inc.UpdatedAt) {
		inc.UpdatedAt = ev.At
	}
	if IsProgress(ev.Kind) && ev.At.After(inc.LastProgressAt) {
		inc.LastProgressAt = ev.At
	}
	if ev.Kind == EventStatusUpdate && ev.At.After(inc.LastUpdateAt) {
		inc.LastUpdateAt = ev.At
	}
}

// Declaration is what it takes to declare an incident.
type Declaration struct {
	Title        string
	Impact       Impact
	CustomersPct float64
	Services     []string
	// Severity is the commander's choice; 0 takes the §2.2 assessment.
	Severity Severity
	// OverrideReason is required when Severity differs from the assessment.
	OverrideReason string
	DetectedAt     time.Time
	StartedAt      time.Time // zero: the same as DetectedAt
	Actor          string
}

// Declare builds a new incident (not yet numbered: the store gives it its
// number) with its SLA snapshot and its playbook's checklist, and the
// timeline's first event.
func Declare(d Declaration, cat Catalog) (*Incident, Event, error) {
	if strings.TrimSpace(d.Title) == "" {
		return nil, Event{}, fmt.Errorf("%w: the title is empty", ErrInvalid)
	}
	imp, err := ParseImpact(string(d.Impact))
	if err != nil {
		return nil, Event{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	// Keep the parsed form: "Critical" is critical (AssessSeverity compares
	// exactly), and NaN customers fails the range check.
	d.Impact = imp
	if !(d.CustomersPct >= 0 && d.CustomersPct <= 100) {
		return nil, Event{}, fmt.Errorf("%w: customers affected must be 0-100%%, not %v", ErrInvalid, d.CustomersPct)
	}
	for _, s := range d.Services {
		if _, ok := cat.Service(s); !ok {
			return nil, Event{}, fmt.Errorf("%w: unknown service %q", ErrInvalid, s)
		}
	}

	proposed := AssessSeverity(d.Impact, d.CustomersPct)
	sev, reason, override := proposed.Severity, proposed.Reason, false
	if d.Severity != 0 && d.Severity != proposed.Severity {
		if !d.Severity.Valid() {
			return nil, Event{}, fmt.Errorf("%w: severity %d is not P1-P4", ErrInvalid, d.Severity)
		}
		sev, override = d.Severity, true
		reason = strings.TrimSpace(d.OverrideReason)
		if reason == "" {
			reason = "set by the commander"
		}
		reason = fmt.Sprintf("%s (proposed %s: %s)", reason, proposed.Severity, proposed.Reason)
	}
	pol, err := cat.Policy.For(sev)
	if err != nil {
		return nil, Event{}, err
	}
	pb, ok := cat.Playbooks[sev]
	if !ok {
		return nil, Event{}, fmt.Errorf("no playbook for %s", sev)
	}
	det := Millis(d.DetectedAt)
	start := Millis(d.StartedAt)
	if start.IsZero() {
		start = det
	}
	services := make([]string, 0, len(d.Services))
	for _, s := range d.Services {
		svc, _ := cat.Service(s)
		if !slices.Contains(services, svc.ID) { // "registry,Registry Service" is one service
			services = append(services, svc.ID)
		}
	}
	inc := &Incident{
		Title: d.Title, Severity: sev, SeverityReason: reason, SeverityOverride: override,
		Phase: PhaseDetected, Status: StatusOpen, Impact: d.Impact,
		CustomersPct: d.CustomersPct, Services: services, CreatedBy: d.Actor,
		StartedAt: start, DetectedAt: det, UpdatedAt: det, LastProgressAt: det, Tier: 1,
		Policy: pol, Roles: map[Role]string{},
		Checklist: ChecklistFromPlaybook(pb, 1),
	}
	if err := inc.Validate(); err != nil {
		return nil, Event{}, err
	}
	inc.Progress = CountProgress(inc.Checklist)
	text := fmt.Sprintf("declared %s: %s", sev, reason)
	if override {
		text = fmt.Sprintf("declared %s (override): %s", sev, reason)
	}
	return inc, Event{At: det, Actor: d.Actor, Kind: EventDeclared, Text: text}, nil
}
