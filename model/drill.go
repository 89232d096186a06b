package model

import "time"

// This file holds the drill types (seed §8.2, §8.3). A drill starts at T0,
// when the simulated failure begins; its scenario's injects are revealed at
// T0 plus their offsets. The team declares the drill's incident when it has
// detected the failure (detection = declared - T0: the incident's StartedAt
// is T0), then works it with the normal playbook and clocks. Its score
// compares the measured times with the scenario's targets.

// EventInject is the timeline event of a drill inject revealed.
const EventInject EventKind = "inject"

// Inject is a piece of the situation revealed At after the drill's start:
// "WebSocket connections dropping" at T+2m.
type Inject struct {
	At   time.Duration `json:"at"`
	Text string        `json:"text"`
}

// DrillTargets are a scenario's target times (seed §8.2.1 "Metrics"); a
// zero target is not scored.
type DrillTargets struct {
	Detection   time.Duration `json:"detection,omitempty"`   // T0 to declared
	Acknowledge time.Duration `json:"acknowledge,omitempty"` // declared to acknowledged
	Resolution  time.Duration `json:"resolution,omitempty"`  // declared to resolved
}

// Scenario is a drill scenario as its data file gives it
// (playbooks/data/drills/NAME.yaml), snapshotted in a drill when started.
type Scenario struct {
	Name         string       `json:"name"`  // "registry-failure"
	Title        string       `json:"title"` // "Complete Registry Failure"
	Severity     Severity     `json:"severity"`
	Services     []string     `json:"services"`
	Impact       Impact       `json:"impact"`
	CustomersPct float64      `json:"customers_pct"`
	Situation    []string     `json:"situation"`            // the seed's "Scenario" bullets
	Objectives   []string     `json:"objectives"`           // the seed's "Objectives"
	Challenges   []string     `json:"challenges,omitempty"` // the seed's "Challenges"
	Targets      DrillTargets `json:"targets"`
	Injects      []Inject     `json:"injects"` // in At order
}

// Drill is a scenario run: started at StartedAt (T0) by StartedBy.
// Incident is the number of its declared incident, 0 until declared.
// InjectsDelivered counts the injects already on that incident's timeline.
// EndedAt is set when it was called off (EndReason says why).
type Drill struct {
	ID               int64
	Scenario         Scenario
	StartedAt        time.Time
	StartedBy        string
	Incident         int64
	InjectsDelivered int
	EndedAt          time.Time
	EndReason        string
}

// ScoreRow is one target of a drill's score.
type ScoreRow struct {
	Name     string        // "Time to detection"
	Target   time.Duration // "< Target" to meet it
	Measured time.Duration // valid when Reached
	Reached  bool          // the instant has happened
	Met      bool          // Reached and Measured < Target
}

// DrillScore is a drill's score against its scenario's targets.
type DrillScore struct {
	Rows     []ScoreRow
	Met      int
	Complete bool // every target's instant has been reached
}
