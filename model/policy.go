package model

import (
	"fmt"
	"time"
)

// Anchor is the instant a deadline is measured from.
type Anchor string

// The instants a milestone or a playbook phase can be measured from.
const (
	FromStarted  Anchor = "started"  // when the problem began (alert startsAt)
	FromDetected Anchor = "detected" // when it was detected (declared)
	FromResolved Anchor = "resolved" // when it was resolved
)

// MilestoneID names an SLA milestone of the seed's §3.3 table.
type MilestoneID string

// The milestones of the seed's workflow timelines (§3.3).
const (
	MilestoneDetection         MilestoneID = "detection"
	MilestoneAcknowledge       MilestoneID = "acknowledge"
	MilestoneInitialResolution MilestoneID = "initial_resolution"
	MilestoneResolution        MilestoneID = "resolution"
	MilestonePostMortem        MilestoneID = "post_mortem"
)

// MilestoneTarget is one SLA target: the milestone must be reached within
// Within of the anchor instant.
type MilestoneTarget struct {
	ID     MilestoneID   `json:"id"`
	Name   string        `json:"name"`  // "Acknowledgment"
	Short  string        `json:"short"` // "ACK", for the board's countdown
	From   Anchor        `json:"from"`
	Within time.Duration `json:"within"`
}

// SeverityPolicy is everything the SLA policy says about one severity. An
// incident keeps a copy of it (its snapshot), taken when it is declared and
// again when its severity changes.
type SeverityPolicy struct {
	Severity   Severity          `json:"severity"`
	Name       string            `json:"name"`         // "Critical"
	Milestones []MilestoneTarget `json:"milestones"`   // in display order
	WarnRatio  float64           `json:"warn_ratio"`   // warning when this share of the window is left
	WarnAtMost time.Duration     `json:"warn_at_most"` // ...or at most this long is left, whichever comes first
	// StatusUpdateEvery is the status-update cadence: while the incident
	// is open an update is due this long after the last one (or after
	// detection). Zero: no cadence.
	StatusUpdateEvery time.Duration    `json:"status_update_every"`
	Escalation        EscalationPolicy `json:"escalation"`
}

// TriggerKind is what makes an escalation fall due (seed §7.1, §7.2).
type TriggerKind string

// The escalation triggers of the seed's matrix.
const (
	TriggerImmediate    TriggerKind = "immediate"     // P1: at once
	TriggerNoProgress   TriggerKind = "no_progress"   // P2: After without progress
	TriggerNoResolution TriggerKind = "no_resolution" // P3, P4: After without resolution
)

// EscalationPolicy is one severity's row of the escalation matrix.
type EscalationPolicy struct {
	Trigger TriggerKind   `json:"trigger"`
	After   time.Duration `json:"after"`
	// Tiers are the response targets of Tier 1, 2, 3...: how soon a tier
	// must take the incident once it is escalated to it. Their number is
	// the number of tiers ("N/A" in the seed: the tier does not exist).
	Tiers []time.Duration `json:"tiers"`
}

// Policy is the SLA policy for every severity.
type Policy struct {
	Severities map[Severity]SeverityPolicy
}

// For returns the policy of one severity.
func (p Policy) For(s Severity) (SeverityPolicy, error) {
	sp, ok := p.Severities[s]
	if !ok {
		return SeverityPolicy{}, fmt.Errorf("no SLA policy for %s", s)
	}
	return sp, nil
}

// Milestone returns the target with the given id, if the policy has one.
func (sp SeverityPolicy) Milestone(id MilestoneID) (MilestoneTarget, bool) {
	for _, m := range sp.Milestones {
		if m.ID == id {
			return m, true
		}
	}
	return MilestoneTarget{}, false
}

// Service is a component of the seed's service impact map (§2.3).
type Service struct {
	ID                string `json:"id"`   // "registry"
	Name              string `json:"name"` // "Registry Service"
	Tier              string `json:"tier"` // "All", "Standard+", "Premium+"
	DowntimeImpact    string `json:"downtime_impact"`
	PerformanceImpact string `json:"performance_impact"`
}

// Playbook is the checklist for one severity (seed §4.1-4.4).
type Playbook struct {
	Severity Severity        `json:"severity"`
	Version  string          `json:"version"`
	Scenario string          `json:"scenario"`
	Phases   []PlaybookPhase `json:"phases"`
}

// PlaybookPhase is one phase of a playbook ("Immediate Actions", 0-15 min).
// Start and End are offsets from the anchor; HasWindow is false for phases
// the seed gives no time window (Verification).
type PlaybookPhase struct {
	Name      string        `json:"name"`
	From      Anchor        `json:"from"`
	Start     time.Duration `json:"start"`
	End       time.Duration `json:"end"`
	HasWindow bool          `json:"has_window"`
	Steps     []Step        `json:"steps"`
}

// Step is one checklist item of a playbook. ID is stable across versions of
// the playbook ("p1.immediate.alert-stakeholders.page-on-call").
type Step struct {
	ID    string `json:"id"`
	Group string `json:"group"` // "Alert Stakeholders"; empty for ungrouped steps
	Text  string `json:"text"`
}

// StepCount is the number of steps in the playbook.
func (pb Playbook) StepCount() int {
	n := 0
	for _, ph := range pb.Phases {
		n += len(ph.Steps)
	}
	return n
}

// Catalog is the built-in (or custom) content an incident is run with.
type Catalog struct {
	Policy    Policy
	Playbooks map[Severity]Playbook
	Services  []Service
}

// Service returns the service with the given id or name.
func (c Catalog) Service(idOrName string) (Service, bool) {
	for _, s := range c.Services {
		if s.ID == idOrName || s.Name == idOrName {
			return s, true
		}
	}
	return Service{}, false
}
