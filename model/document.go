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

// IncidentDoc is the stable JSON shape of an incident for scripts
// (`warroom show KEY --json`). Field names are a contract: add, never rename.
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
	AcknowledgedAt   string            `json:"acknowledged_at,omitempty"`
	MitigatedAt      string            `json:"mitigated_at,omitempty"`
	ResolvedAt       string            `json:"resolved_at,omitempty"`
	PostMortemAt     string            `json:"post_mortem_at,omitempty"`
	ClosedAt         string            `json:"closed_at,omitempty"`
	Progress         ProgressDoc       `json:"progress"`
	Deadlines        []DeadlineDoc     `json:"deadlines"`
	Checklist        []ChecklistDoc    `json:"checklist"`
	Roles            map[string]string `json:"roles"`
	Timeline         []EventDoc        `json:"timeline"`
	Escalation       EscalationDoc     `json:"escalation"`
}

// EscalationDoc is the escalation state (seed §7) when the document was
// made.
type EscalationDoc struct {
	Tier           int    `json:"tier"`
	NextTier       int    `json:"next_tier,omitempty"` // 0 (left out) at the top tier
	Due            bool   `json:"due"`
	DueSince       string `json:"due_since,omitempty"` // when it fell due, if due
	DueAt          string `json:"due_at,omitempty"`    // when it will fall due, if not yet
	Reason         string `json:"reason,omitempty"`
	EscalatedAt    string `json:"escalated_at,omitempty"`
	AcknowledgedAt string `json:"acknowledged_at,omitempty"` // the tier took it
}

// ProgressDoc is checklist progress.
type ProgressDoc struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// DeadlineDoc is one SLA milestone as evaluated when the document was made.
type DeadlineDoc struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	StartAt string `json:"start_at,omitempty"`
	DueAt   string `json:"due_at,omitempty"`
	DoneAt  string `json:"done_at,omitempty"`
	State   string `json:"state"`
}

// ChecklistDoc is one visible checklist item.
type ChecklistDoc struct {
	StepID   string `json:"step_id"`
	Severity string `json:"severity"`
	Phase    string `json:"phase"`
	Group    string `json:"group,omitempty"`
	Text     string `json:"text"`
	Done     bool   `json:"done"`
	DoneBy   string `json:"done_by,omitempty"`
	DoneAt   string `json:"done_at,omitempty"`
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
		AcknowledgedAt: FormatTime(inc.AcknowledgedAt), MitigatedAt: FormatTime(inc.MitigatedAt),
		ResolvedAt: FormatTime(inc.ResolvedAt), PostMortemAt: FormatTime(inc.PostMortemAt),
		ClosedAt:  FormatTime(inc.ClosedAt),
		Deadlines: []DeadlineDoc{}, Checklist: []ChecklistDoc{},
		Roles: map[string]string{}, Timeline: []EventDoc{},
	}
	p := CountProgress(inc.Checklist)
	d.Progress = ProgressDoc{p.Done, p.Total}
	for _, dl := range inc.Deadlines(now) {
		d.Deadlines = append(d.Deadlines, DeadlineDoc{
			ID: string(dl.ID), Name: dl.Name, StartAt: FormatTime(dl.Start),
			DueAt: FormatTime(dl.DueAt), DoneAt: FormatTime(dl.DoneAt), State: string(dl.State),
		})
	}
	for _, sec := range inc.Sections() {
		for _, it := range sec.Items {
			d.Checklist = append(d.Checklist, ChecklistDoc{
				StepID: it.StepID, Severity: it.Severity.String(), Phase: it.Phase,
				Group: it.Group, Text: it.Text, Done: it.Done, DoneBy: it.DoneBy,
				DoneAt: FormatTime(it.DoneAt),
			})
		}
	}
	for r, who := range inc.Roles {
		d.Roles[string(r)] = who
	}
	for _, e := range inc.Timeline {
		d.Timeline = append(d.Timeline, EventDoc{At: FormatTime(e.At), Actor: e.Actor, Kind: string(e.Kind), Text: e.Text})
	}
	esc := inc.Escalation(now)
	d.Escalation = EscalationDoc{Tier: esc.Tier, NextTier: esc.NextTier, Due: esc.Due, Reason: esc.Reason,
		EscalatedAt: FormatTime(inc.EscalatedAt), AcknowledgedAt: FormatTime(inc.TierAckAt)}
	if esc.Due {
		d.Escalation.DueSince = FormatTime(esc.DueAt)
	} else {
		d.Escalation.DueAt = FormatTime(esc.DueAt)
	}
	return d
}

// SummaryDoc is one incident in `warroom list --json`.
type SummaryDoc struct {
	Key          string       `json:"key"`
	Title        string       `json:"title"`
	Severity     string       `json:"severity"`
	Phase        string       `json:"phase"`
	Status       string       `json:"status"`
	Commander    string       `json:"commander"`
	DetectedAt   string       `json:"detected_at"`
	Progress     ProgressDoc  `json:"progress"`
	NextDeadline *DeadlineDoc `json:"next_deadline"`
}

// Summary builds the incident's list entry as of now. The incident needs
// its Progress and Roles, not its checklist.
func (inc *Incident) Summary(now time.Time) SummaryDoc {
	s := SummaryDoc{
		Key: inc.Key(), Title: inc.Title, Severity: inc.Severity.String(),
		Phase: inc.Phase.String(), Status: string(inc.Status), Commander: inc.Commander(),
		DetectedAt: FormatTime(inc.DetectedAt),
		Progress:   ProgressDoc{inc.Progress.Done, inc.Progress.Total},
	}
	if d, ok := inc.NextDeadline(now); ok {
		s.NextDeadline = &DeadlineDoc{
			ID: string(d.ID), Name: d.Name, StartAt: FormatTime(d.Start),
			DueAt: FormatTime(d.DueAt), State: string(d.State),
		}
	}
	return s
}
