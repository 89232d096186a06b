package model

import "time"

// This file holds the metrics dashboard's types (seed §6.3, §9.3). The
// definitions, each measured per incident and averaged over the incidents
// that have both instants (an incident without one is left out of that
// mean, never counted as zero):
//
//   - MTTD, mean time to detect: DetectedAt - StartedAt, over incidents
//     whose start is known (StartedAt set, from an alert or --started-at).
//   - MTTA, mean time to acknowledge: AcknowledgedAt - DetectedAt.
//   - MTTM, mean time to initial resolution (the seed's
//     avg_resolution_time): MitigatedAt - DetectedAt.
//   - MTTR, mean time to resolve: ResolvedAt - DetectedAt.
//   - Resolution rate: resolved or closed incidents / all incidents, %.
//   - SLA breach: a milestone of the incident's SLA snapshot reached after
//     its deadline, or not reached while its deadline has passed.
//   - Repeat incident: one that shares a service and its RCA cause category
//     with an earlier incident detected at most RepeatWindow before it.
//
// Drills never count: the store hands Compute real incidents only.

// RepeatWindow is how far back a repeat incident looks for an earlier one
// with the same service and cause.
const RepeatWindow = 30 * 24 * time.Hour

// Period is the dashboard's period filter: incidents detected within the
// last 7, 30 or 90 days, the last 12 months, or all.
type Period string

// The periods, in the order the dashboard cycles through them.
const (
	Period7d  Period = "7d"
	Period30d Period = "30d"
	Period90d Period = "90d"
	Period12m Period = "12m"
	PeriodAll Period = "all"
)

// Periods lists the periods in cycling order.
var Periods = []Period{Period7d, Period30d, Period90d, Period12m, PeriodAll}

// MetricsFilter selects the incidents a Metrics counts: those detected in
// [Since, Until) (a zero Since: from the first), of Severity (0: all).
type MetricsFilter struct {
	Since, Until time.Time
	Severity     Severity
}

// Stat is a figure the data may not give: OK is false when nothing was
// measured (no resolved incident for an MTTR, no incident for a rate), and
// Value must not be shown then. N is how many incidents the figure is
// measured over. Durations are in minutes, rates in percent.
type Stat struct {
	Value float64
	N     int
	OK    bool
}

// MetricRecord is an incident as the metrics read it: one row of the
// store's metrics query.
type MetricRecord struct {
	Number   int64
	Severity Severity
	Status   Status
	Services []string
	Cause    CauseCategory // the RCA's cause category, "" when not given

	StartedAt, DetectedAt, AcknowledgedAt, MitigatedAt, ResolvedAt time.Time
	PostMortemAt, ClosedAt                                         time.Time
	Review                                                         ReviewState
	Policy                                                         SeverityPolicy
}

// BreachCount is how many incidents breached one milestone, by severity.
type BreachCount struct {
	Milestone  MilestoneID
	Name       string
	BySeverity map[Severity]int
	Total      int
}

// CauseShare is a root cause category's share of the incidents.
type CauseShare struct {
	Cause   CauseCategory
	Label   string
	Count   int
	Percent float64 // of all incidents in the filter
}

// MonthCount is the number of incidents detected in a calendar month (in
// the dashboard's zone), Month being its first instant.
type MonthCount struct {
	Month time.Time
	Count int
}

// Trend is how a mean time moved against the previous period of the same
// length: "improving" (down by more than 10%), "worsening" (up by more than
// 10%), "stable", or "" when either period has no figure.
type Trend string

// Metrics are the dashboard's figures for a filter at an instant.
type Metrics struct {
	Filter MetricsFilter
	Now    time.Time

	Total      int
	BySeverity map[Severity]int // every severity present, zero included
	Resolved   int              // resolved or closed
	Unresolved int

	MTTD, MTTA, MTTM, MTTR Stat // minutes
	ResolutionRate         Stat // percent

	// Breaches per milestone (the policy's milestones, in its order);
	// BreachedIncidents counts incidents with at least one breach.
	Breaches          []BreachCount
	BreachedIncidents int

	Repeats    int
	RepeatRate Stat // percent of Total

	TopCauses []CauseShare // most frequent first; ties by label
	Monthly   []MonthCount // the 12 calendar months ending with Now's, oldest first (Filter.Since ignored)

	// Against the previous period of the same length (none for PeriodAll):
	// the change in percent of MTTD and MTTR (negative: faster) and their
	// trends.
	DetectionChange, ResolutionChange Stat
	DetectionTrend, ResolutionTrend   Trend
}
