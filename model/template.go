package model

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Audience is who a communication is for.
type Audience string

// The audiences of the seed's templates (§5).
const (
	AudienceInternal Audience = "internal"
	AudienceCustomer Audience = "customer"
)

// TemplateData is everything an incident knows that a communication
// template (seed §5, §7.3) can use. Times are written in the viewer's zone
// with its offset; every string is plain text (PlainText): a template
// filled from it can hold no escape sequence.
type TemplateData struct {
	Key              string
	Title            string
	Severity         string // "P1"
	SeverityName     string // "Critical"
	SeverityLabel    string // "P1 - Critical"
	Status           string // the seed's status words: Investigating, Resolved
	Phase            string
	Now              string // "2026-12-03 14:05 CET (+01:00)"
	StartedAt        string
	DetectedAt       string
	AcknowledgedAt   string // "" until acknowledged
	ResolvedAt       string // "" until resolved
	Duration         string // start to resolution (or to now while open): "2h 13m"
	CustomersPct     string // "62%"
	Impact           string // business impact: critical, important, other
	Services         []ServiceImpact
	ServiceNames     string        // "Registry Service, Transport Layer"; "" if none named
	Actions          []ActionTaken // ticked checklist steps, oldest first
	Roles            []RoleHolder  // assigned roles in the seed's order
	Commander        string
	Updates          []UpdateEntry // status updates and sent communications, oldest first
	NextUpdateAt     string        // when the next status update is due; "" if none
	Tier             int
	NextTier         int
	EscalationReason string
	EscalatedAt      string

	// UpdateEvery is the status-update cadence of the incident's policy,
	// "30m"; "" if it has none. NextUpdateIfSent is when the next update
	// falls due if a communication that counts as a status update is sent
	// now (Now plus the cadence); "" unless the incident is open and has a
	// cadence.
	UpdateEvery, NextUpdateIfSent string
	// Escalation is the escalation an escalation notification (seed §7.3)
	// announces.
	Escalation EscalationNotice

	// How the playbook was worked, for a review: its steps ticked of
	// those it has (retired ones left out), and the status updates and
	// communications that count as one recorded on the timeline.
	StepsDone, StepsTotal, UpdatesRecorded int

	// Participants are the people of the incident, for the after-action
	// review (seed §8.3): the role holders, in the seed's role order, then
	// everybody else the timeline records, in order of appearance; each
	// once, with the roles held: "alice (Incident Commander)", "dave".
	Participants []string
	// IsDrill: the incident is a drill's. Every filled template then
	// starts with DrillBanner.
	IsDrill bool
	// Drill is the drill with its score, for the after-action review; nil
	// unless set by WithDrill.
	Drill *DrillData
	// ActionItems are the incident's action items; nil unless set by
	// WithActionItems.
	ActionItems []ActionItemEntry
}

// EscalationNotice is the escalation an escalation notification announces:
// the last one recorded (Tier From -> Tier To, with the reason recorded on
// the timeline), or, before any, the one the trigger calls for next
// (Tier -> NextTier, with the trigger's reason).
type EscalationNotice struct {
	From, To      int    // tiers; To is 0 when there is no tier above From
	Reason        string // "" when unknown
	At            string // when it was recorded; "" before
	RespondWithin string // Tier To's response target (seed §7.1), "30m"; "" if none
}

// ServiceImpact is an affected service with its impact (seed §2.3).
type ServiceImpact struct {
	Name, Tier, DowntimeImpact, PerformanceImpact string
}

// ActionTaken is a ticked checklist step.
type ActionTaken struct {
	At, By, Text string
}

// RoleHolder is one assigned role.
type RoleHolder struct {
	Role, Person string
}

// UpdateEntry is one earlier update.
type UpdateEntry struct {
	At, By, Text string
}

// Role returns the person holding a role, "" if nobody does. The role is
// named as ParseRole reads it ("Incident Commander", "ic", "tech"); an
// unknown one is an error, so a template naming it is refused when loaded.
func (d TemplateData) Role(name string) (string, error) {
	r, err := ParseRole(name)
	if err != nil {
		return "", err
	}
	for _, h := range d.Roles {
		if h.Role == string(r) {
			return h.Person, nil
		}
	}
	return "", nil
}

// TimeWithZone formats an instant for people: "2026-12-03 14:05 CET (+01:00)".
func TimeWithZone(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04 MST (-07:00)")
}

// HumanDuration writes a duration as "2h 13m", "3d 4h", "45m", "30s".
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	days, hours, mins := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	case mins > 0:
		return fmt.Sprintf("%dm", mins)
	}
	return fmt.Sprintf("%ds", int(d/time.Second))
}

// NewTemplateData gathers what the incident knows, as of now, for the
// viewer's zone. The incident must be loaded whole (checklist, timeline).
func NewTemplateData(inc *Incident, cat Catalog, now time.Time, loc *time.Location) TemplateData {
	at := func(t time.Time) string { return TimeWithZone(t, loc) }
	d := TemplateData{
		Key: inc.Key(), Title: PlainLine(inc.Title),
		Severity: inc.Severity.String(), SeverityName: inc.Severity.Label(),
		SeverityLabel: inc.Severity.String() + " - " + inc.Severity.Label(),
		Phase:         inc.Phase.String(),
		Now:           at(now), StartedAt: at(inc.StartedAt), DetectedAt: at(inc.DetectedAt),
		AcknowledgedAt: at(inc.AcknowledgedAt), ResolvedAt: at(inc.ResolvedAt),
		CustomersPct: formatPct(inc.CustomersPct), Impact: string(inc.Impact),
		Commander: PlainLine(inc.Commander()),
		Tier:      inc.tier(), EscalatedAt: at(inc.EscalatedAt),
	}
	d.Status = "Investigating"
	end := now
	if !inc.ResolvedAt.IsZero() {
		d.Status = "Resolved"
		end = inc.ResolvedAt
	}
	start := inc.StartedAt
	if start.IsZero() {
		start = inc.DetectedAt
	}
	d.Duration = HumanDuration(end.Sub(start))
	var names []string
	for _, id := range inc.Services {
		svc, ok := cat.Service(id)
		if !ok {
			svc = Service{Name: id}
		}
		d.Services = append(d.Services, ServiceImpact{Name: svc.Name, Tier: svc.Tier,
			DowntimeImpact: svc.DowntimeImpact, PerformanceImpact: svc.PerformanceImpact})
		names = append(names, svc.Name)
	}
	d.ServiceNames = strings.Join(names, ", ")
	var done []ChecklistItem
	for _, it := range inc.Checklist {
		if !it.Retired {
			d.StepsTotal++
		}
		if it.Done && !it.Retired {
			done = append(done, it)
		}
	}
	d.StepsDone = len(done)
	sort.SliceStable(done, func(i, j int) bool { return done[i].DoneAt.Before(done[j].DoneAt) })
	for _, it := range done {
		d.Actions = append(d.Actions, ActionTaken{At: at(it.DoneAt), By: PlainLine(it.DoneBy), Text: PlainLine(it.Text)})
	}
	for _, r := range Roles {
		if p := inc.Roles[r]; p != "" {
			d.Roles = append(d.Roles, RoleHolder{Role: string(r), Person: PlainLine(p)})
		}
	}
	for _, e := range inc.Timeline {
		// Only the status updates typed as such: a sent draft is a whole
		// document, maybe internal, that must not be quoted into the next
		// customer message.
		if e.Kind == EventStatusUpdate {
			d.UpdatesRecorded++
		}
		if e.Kind == EventStatusUpdate && !e.IsSentDraft() {
			d.Updates = append(d.Updates, UpdateEntry{At: at(e.At), By: PlainLine(e.Actor), Text: PlainText(e.Text)})
		}
	}
	for _, dl := range inc.Deadlines(now) {
		if dl.ID == DeadlineStatusUpdate {
			d.NextUpdateAt = at(dl.DueAt)
		}
	}
	if every := inc.Policy.StatusUpdateEvery; every > 0 {
		d.UpdateEvery = spanText(every)
		if inc.Status == StatusOpen {
			d.NextUpdateIfSent = at(now.Add(every))
		}
	}
	esc := inc.Escalation(now)
	d.NextTier, d.EscalationReason = esc.NextTier, esc.Reason
	d.Escalation = escalationNotice(inc, esc, at)
	d.Participants = participants(inc)
	d.IsDrill = inc.IsDrill()
	return d
}

// escalationNotice finds the escalation a notification announces: the last
// one on the timeline (its text is Escalate's, "escalated Tier 1 -> Tier 2:
// reason"), else the incident's tier and the one above it, else, before
// any, the next one the trigger calls for.
func escalationNotice(inc *Incident, esc Escalation, at func(time.Time) string) EscalationNotice {
	var n EscalationNotice
	if inc.EscalatedAt.IsZero() {
		n = EscalationNotice{From: esc.Tier, To: esc.NextTier, Reason: esc.Reason}
	} else {
		n = EscalationNotice{From: max(inc.tier()-1, 1), To: inc.tier(), At: at(inc.EscalatedAt)}
		for i := len(inc.Timeline) - 1; i >= 0; i-- {
			e := inc.Timeline[i]
			if e.Kind != EventEscalated {
				continue
			}
			head, reason, _ := strings.Cut(e.Text, ": ")
			var from, to int
			if _, err := fmt.Sscanf(head, "escalated Tier %d -> Tier %d", &from, &to); err == nil {
				n.From, n.To = from, to
			}
			n.Reason = strings.TrimSpace(PlainLine(reason))
			break
		}
	}
	if tiers := inc.Policy.Escalation.Tiers; n.To >= 1 && n.To <= len(tiers) && tiers[n.To-1] > 0 {
		n.RespondWithin = spanText(tiers[n.To-1])
	}
	return n
}
