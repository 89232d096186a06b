package model

import "time"

// TimeFormat is how instants are written for scripts: RFC 3339 in UTC with
// milliseconds, the precision they are stored with.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// FormatTime writes t in TimeFormat, "" for the zero time.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

// docTime is t in TimeFormat for a document, nil (JSON null) for the zero
// time: a field that is not set yet is still there, so scripts see every
// field of the contract.
func docTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := FormatTime(t)
	return &s
}

// IncidentDoc is the stable JSON shape of an incident for scripts
// (`warroom show KEY --json`). Field names are a contract: add, never rename.
// Every field is always present: an instant not reached yet is null.
type IncidentDoc struct {
	Key              string            `json:"key"`
	Title            string            `json:"title"`
	Severity         string            `json:"severity"`
	SeverityName     string            `json:"severity_name"`
	SeverityReason   string            `json:"severity_reason"`
	SeverityOverride bool              `json:"severity_override"`
	Phase            string            `json:"phase"`
	Status           string            `json:"status"`
	Impact           string            `json:"impact"`
	CustomersPct     float64           `json:"customers_pct"`
	Services         []string          `json:"services"`
	Commander        string            `json:"commander"`
	CreatedBy        string            `json:"created_by"`
	StartedAt        string            `json:"started_at"`
	DetectedAt       string            `json:"detected_at"`
	AcknowledgedAt   *string           `json:"acknowledged_at"`
	MitigatedAt      *string           `json:"mitigated_at"`
	ResolvedAt       *string           `json:"resolved_at"`
	PostMortemAt     *string           `json:"post_mortem_at"`
	ClosedAt         *string           `json:"closed_at"`
	Progress         ProgressDoc       `json:"progress"`
	Deadlines        []DeadlineDoc     `json:"deadlines"`
	Checklist        []ChecklistDoc    `json:"checklist"`
	Roles            map[string]string `json:"roles"`
	Timeline         []EventDoc        `json:"timeline"`
	Escalation       EscalationDoc     `json:"escalation"`
	DrillID          *int64            `json:"drill_id"` // the drill whose exercise this is; null for a real incident
}

// drillID is an incident's drill id for a document: null for a real
// incident, so that a script tells an exercise from an incident by the
// field alone.
func drillID(inc *Incident) *int64 {
	if !inc.IsDrill() {
		return nil
	}
	id := inc.DrillID
	return &id
}

// EscalationDoc is the escalation state (seed §7) when the document was
// made.
type EscalationDoc struct {
	Tier           int     `json:"tier"`
	NextTier       *int    `json:"next_tier"` // null at the top tier
	Due            bool    `json:"due"`
	DueSince       *string `json:"due_since"` // when it fell due, if due; else null
	DueAt          *string `json:"due_at"`    // when it will fall due, if not yet; else null
	Reason         string  `json:"reason"`    // the trigger; "" when none applies
	EscalatedAt    *string `json:"escalated_at"`
	AcknowledgedAt *string `json:"acknowledged_at"` // the tier took it
}

// ProgressDoc is checklist progress.
type ProgressDoc struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// DeadlineDoc is one SLA milestone as evaluated when the document was made.
type DeadlineDoc struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	StartAt *string `json:"start_at"` // null until the clock starts
	DueAt   *string `json:"due_at"`   // null while pending
	DoneAt  *string `json:"done_at"`  // null until met (or missed)
	State   string  `json:"state"`
}

// ChecklistDoc is one visible checklist item.
type ChecklistDoc struct {
	StepID   string  `json:"step_id"`
	Severity string  `json:"severity"`
	Phase    string  `json:"phase"`
	Group    string  `json:"group"` // "" for a step outside any group
	Text     string  `json:"text"`
	Done     bool    `json:"done"`
	DoneBy   *string `json:"done_by"` // null while not done
	DoneAt   *string `json:"done_at"` // null while not done
}

// EventDoc is one timeline entry.
type EventDoc struct {
	At    string `json:"at"`
	Actor string `json:"actor"`
	Kind  string `json:"kind"`
	Text  string `json:"text"`
}

// Doc builds the incident's document as of now. The incident must be loaded
// whole (checklist and timeline).
func (inc *Incident) Doc(now time.Time) IncidentDoc {
	d := IncidentDoc{
		Key: inc.Key(), Title: inc.Title,
		Severity: inc.Severity.String(), SeverityName: inc.Severity.Label(),
		SeverityReason: inc.SeverityReason, SeverityOverride: inc.SeverityOverride,
		Phase: inc.Phase.String(), Status: string(inc.Status), Impact: string(inc.Impact),
		CustomersPct: inc.CustomersPct, Services: append([]string{}, inc.Services...),
		Commander: inc.Commander(), CreatedBy: inc.CreatedBy,
		StartedAt: FormatTime(inc.StartedAt), DetectedAt: FormatTime(inc.DetectedAt),
		AcknowledgedAt: docTime(inc.AcknowledgedAt), MitigatedAt: docTime(inc.MitigatedAt),
		ResolvedAt: docTime(inc.ResolvedAt), PostMortemAt: docTime(inc.PostMortemAt),
		ClosedAt:  docTime(inc.ClosedAt),
		Deadlines: []DeadlineDoc{}, Checklist: []ChecklistDoc{},
		Roles: map[string]string{}, Timeline: []EventDoc{},
		Escalation: inc.escalationDoc(now),
		DrillID:    drillID(inc),
	}
	p := CountProgress(inc.Checklist)
	d.Progress = ProgressDoc{p.Done, p.Total}
	for _, dl := range inc.Deadlines(now) {
		d.Deadlines = append(d.Deadlines, deadlineDoc(dl))
	}
	for _, sec := range inc.Sections() {
		for _, it := range sec.Items {
			c := ChecklistDoc{
				StepID: it.StepID, Severity: it.Severity.String(), Phase: it.Phase,
				Group: it.Group, Text: it.Text, Done: it.Done, DoneAt: docTime(it.DoneAt),
			}
			if it.Done {
				by := it.DoneBy
				c.DoneBy = &by
			}
			d.Checklist = append(d.Checklist, c)
		}
	}
	for r, who := range inc.Roles {
		d.Roles[string(r)] = who
	}
	for _, e := range inc.Timeline {
		d.Timeline = append(d.Timeline, EventDoc{At: FormatTime(e.At), Actor: e.Actor, Kind: string(e.Kind), Text: e.Text})
	}
	return d
}

// deadlineDoc is a deadline as evaluated.
func deadlineDoc(dl Deadline) DeadlineDoc {
	return DeadlineDoc{
		ID: string(dl.ID), Name: dl.Name, StartAt: docTime(dl.Start),
		DueAt: docTime(dl.DueAt), DoneAt: docTime(dl.DoneAt), State: string(dl.State),
	}
}

// escalationDoc is the escalation state at now, for show and list.
func (inc *Incident) escalationDoc(now time.Time) EscalationDoc {
	esc := inc.Escalation(now)
	d := EscalationDoc{Tier: esc.Tier, Due: esc.Due, Reason: esc.Reason,
		EscalatedAt: docTime(inc.EscalatedAt), AcknowledgedAt: docTime(inc.TierAckAt)}
	if esc.NextTier != 0 {
		next := esc.NextTier
		d.NextTier = &next
	}
	if esc.Due {
		d.DueSince = docTime(esc.DueAt)
	} else {
		d.DueAt = docTime(esc.DueAt)
	}
	return d
}

// SummaryDoc is one incident in `warroom list --json`.
type SummaryDoc struct {
	Key          string        `json:"key"`
	Title        string        `json:"title"`
	Severity     string        `json:"severity"`
	Phase        string        `json:"phase"`
	Status       string        `json:"status"`
	Commander    string        `json:"commander"`
	DetectedAt   string        `json:"detected_at"`
	Progress     ProgressDoc   `json:"progress"`
	NextDeadline *DeadlineDoc  `json:"next_deadline"` // null when no clock runs
	Escalation   EscalationDoc `json:"escalation"`    // as in show --json
	DrillID      *int64        `json:"drill_id"`      // as in show --json: null for a real incident
}

// Summary builds the incident's list entry as of now. The incident needs
// its Progress and Roles, not its checklist.
func (inc *Incident) Summary(now time.Time) SummaryDoc {
	s := SummaryDoc{
		Key: inc.Key(), Title: inc.Title, Severity: inc.Severity.String(),
		Phase: inc.Phase.String(), Status: string(inc.Status), Commander: inc.Commander(),
		DetectedAt: FormatTime(inc.DetectedAt),
		Progress:   ProgressDoc{inc.Progress.Done, inc.Progress.Total},
		Escalation: inc.escalationDoc(now),
		DrillID:    drillID(inc),
	}
	if d, ok := inc.NextDeadline(now); ok {
		dd := deadlineDoc(d)
		s.NextDeadline = &dd
	}
	return s
}
