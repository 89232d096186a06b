package model

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file holds the metrics dashboard's types (seed §6.3, §9.3). The
// definitions, each measured per incident and averaged over the incidents
// that have both instants (an incident without one is left out of that
// mean, never counted as zero):
//
//   - MTTD, mean time to detect: DetectedAt - StartedAt, over incidents
//     whose start is known (from an alert's startsAt, or declare
//     --started-at); a start equal to the detection is taken as unknown.
//     A start equal to the detection is not known: it is what Declare
//     stores when no start was given, and counting it would pull the mean
//     towards a detection time of zero nobody measured.
//   - MTTA, mean time to acknowledge: AcknowledgedAt - DetectedAt.
//   - MTTM, mean time to initial resolution (the seed's
//     avg_resolution_time): MitigatedAt - DetectedAt.
//   - MTTR, mean time to resolve: ResolvedAt - DetectedAt.
//   - Resolution rate: resolved or closed incidents / all incidents, %.
//   - SLA breach: a milestone of the incident's SLA snapshot reached after
//     its deadline, or not reached while its deadline has passed (the
//     deadline states missed and breached of Incident.Deadlines). A
//     milestone a closed incident never reached is skipped, not breached,
//     as on the incident screen.
//   - Repeat incident: one that shares a service and its RCA cause category
//     with an earlier incident detected at most RepeatWindow before it
//     (of any severity: a P3 coming back as a P2 is still the same problem).
//     An incident without a cause category is never a repeat, nor repeated.
//   - Repeat rate: repeat incidents / all incidents, %. Repeats can only be
//     told among incidents with a cause category, so when none in the
//     filter has one, neither the rate nor the count of repeats is
//     measured (RepeatRate not OK): 0 would read as "no repeats" when
//     nobody recorded a cause.
//   - A change against the previous period: (this - previous) / previous,
//     in percent, the previous period being as long as this one and ending
//     where it begins.
//
// Drills never count: the store hands ComputeMetrics real incidents only.

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

	// WithCause counts the incidents with an RCA cause category: only
	// they can be repeats. Repeats means nothing while it is 0, when
	// RepeatRate is not OK.
	WithCause  int
	Repeats    int
	RepeatRate Stat // percent of Total; not OK when WithCause is 0

	TopCauses []CauseShare // most frequent first; ties by label
	Monthly   []MonthCount // the 12 calendar months ending with Now's, oldest first (Filter.Since ignored)

	// Against the previous period of the same length (none for PeriodAll):
	// the change in percent of MTTD and MTTR (negative: faster) and their
	// trends.
	DetectionChange, ResolutionChange Stat
	DetectionTrend, ResolutionTrend   Trend
}

// ParsePeriod reads a period as the CLI and the dashboard write it: 7d,
// 30d, 90d, 12m or all, in any case.
func ParsePeriod(s string) (Period, error) {
	p := Period(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Periods, p) {
		return p, nil
	}
	return "", fmt.Errorf("%w: unknown period %q (want 7d, 30d, 90d, 12m or all)", ErrInvalid, s)
}

// Since is the first instant of the period ending at now: the same time of
// day 7, 30 or 90 calendar days earlier, or on the same day 12 months
// earlier, in loc (a day across a daylight-saving change is a calendar
// day, not 24 hours). PeriodAll, and anything that is not a period, has no
// beginning: the zero time.
func (p Period) Since(now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	n := now.In(loc)
	switch p {
	case Period7d:
		return n.AddDate(0, 0, -7)
	case Period30d:
		return n.AddDate(0, 0, -30)
	case Period90d:
		return n.AddDate(0, 0, -90)
	case Period12m:
		return n.AddDate(-1, 0, 0)
	}
	return time.Time{}
}

// Label is how the period reads in a title: "last 30 days", "all time".
func (p Period) Label() string {
	switch p {
	case Period7d:
		return "last 7 days"
	case Period30d:
		return "last 30 days"
	case Period90d:
		return "last 90 days"
	case Period12m:
		return "last 12 months"
	case PeriodAll:
		return "all time"
	}
	return string(p)
}

// Filter is the filter of the period ending at now, for one severity (0:
// all).
func (p Period) Filter(now time.Time, loc *time.Location, sev Severity) MetricsFilter {
	return MetricsFilter{Since: p.Since(now, loc), Until: now, Severity: sev}
}

// MonthsShown is how many calendar months Metrics.Monthly holds.
const MonthsShown = 12

// TrendThreshold is the change, in percent, beyond which a mean time is
// improving or worsening rather than stable.
const TrendThreshold = 10.0

// mean accumulates durations in minutes.
type mean struct {
	sum float64
	n   int
}

func (a *mean) add(d time.Duration) {
	a.sum += d.Minutes()
	a.n++
}

// addSpan adds to - from when both instants are known.
func (a *mean) addSpan(from, to time.Time) {
	if !from.IsZero() && !to.IsZero() {
		a.add(to.Sub(from))
	}
}

func (a mean) stat() Stat {
	if a.n == 0 {
		return Stat{}
	}
	return Stat{Value: a.sum / float64(a.n), N: a.n, OK: true}
}

// rate is part of total in percent, not OK when total is zero.
func rate(part, total int) Stat {
	if total == 0 {
		return Stat{}
	}
	return Stat{Value: 100 * float64(part) / float64(total), N: total, OK: true}
}

// change compares a mean time with the previous period's: the change in
// percent and its trend. There is neither when either period has no figure,
// or the previous one is zero (no change in percent from nothing). N is
// the incidents of both periods.
func change(cur, prev Stat) (Stat, Trend) {
	if !cur.OK || !prev.OK || prev.Value <= 0 {
		return Stat{}, ""
	}
	pct := 100 * (cur.Value - prev.Value) / prev.Value
	t := TrendStable
	switch {
	case pct < -TrendThreshold:
		t = TrendImproving
	case pct > TrendThreshold:
		t = TrendWorsening
	}
	return Stat{Value: pct, N: cur.N + prev.N, OK: true}, t
}

// The trends of a mean time.
const (
	TrendImproving Trend = "improving"
	TrendWorsening Trend = "worsening"
	TrendStable    Trend = "stable"
)

// startKnown reports whether the record's start was given rather than
// taken as its detection (see the MTTD definition above).
func (r *MetricRecord) startKnown() bool {
	return !r.StartedAt.IsZero() && r.StartedAt.Before(r.DetectedAt)
}

// breached reports whether the incident's milestone m is missed or
// breached at now: the two states of Incident.Deadlines that are SLA
// breaches (see evaluate), worked out without the rest of a Deadline.
// TestBreachedMatchesDeadlines holds the two together.
func (inc *Incident) breached(m MilestoneTarget, now time.Time) bool {
	start := inc.anchor(m.From)
	if start.IsZero() {
		return false // pending, or skipped
	}
	due := start.Add(m.Within)
	if done := inc.reachedAt(m.ID); !done.IsZero() {
		return done.After(due) // missed; else met
	}
	return inc.Status != StatusClosed && !now.Before(due) // breached; else skipped or running
}

// load fills in, on an incident the caller reuses from record to record,
// the fields the deadlines read: much cheaper than a whole new Incident
// for each.
func (r *MetricRecord) load(inc *Incident) {
	inc.Status = r.Status
	inc.StartedAt, inc.DetectedAt, inc.AcknowledgedAt = r.StartedAt, r.DetectedAt, r.AcknowledgedAt
	inc.MitigatedAt, inc.ResolvedAt, inc.PostMortemAt = r.MitigatedAt, r.ResolvedAt, r.PostMortemAt
	inc.ClosedAt, inc.Review = r.ClosedAt, r.Review
}

// detectedOrder orders records by detection, then number.
func detectedOrder(a, b MetricRecord) int {
	if c := a.DetectedAt.Compare(b.DetectedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.Number, b.Number)
}

// inDetectedOrder is slices.IsSortedFunc(records, detectedOrder) without
// its copies: that passes each record, a few hundred bytes, to the
// comparison by value, which cost ComputeMetrics a fifth of its time over
// 10,000 records (the store's come in order).
func inDetectedOrder(records []MetricRecord) bool {
	for i := 1; i < len(records); i++ {
		a, b := &records[i-1], &records[i]
		if c := a.DetectedAt.Compare(b.DetectedAt); c > 0 || c == 0 && a.Number > b.Number {
			return false
		}
	}
	return true
}

// monthIndex is the month of t counted from first's (both in the same
// zone): 0 for the same month.
func monthIndex(first, t time.Time) int {
	return (t.Year()-first.Year())*12 + int(t.Month()) - int(first.Month())
}

// ComputeMetrics computes the dashboard's figures, as the file comment
// defines them, over records: real incidents only (drills never reach it),
// detected at any time. It applies f itself: the figures count the
// incidents of f's severity detected in [f.Since, f.Until), a zero Until
// being now. The incidents outside f are what the other figures need:
// Monthly counts the 12 calendar months ending with now's month in loc
// (the severity applies, the period does not), the previous period's mean
// times give the changes and trends, and an incident a repeat repeats may
// have been detected before f.Since. SLA deadlines are evaluated at now.
//
// It runs in one pass over records (sorted by detection first, on a copy,
// unless they already are) and a sort of the causes.
func ComputeMetrics(records []MetricRecord, f MetricsFilter, now time.Time, loc *time.Location) Metrics {
	if loc == nil {
		loc = time.UTC
	}
	if f.Until.IsZero() {
		f.Until = now
	}
	m := Metrics{Filter: f, Now: now, BySeverity: map[Severity]int{}}

	nl := now.In(loc)
	first := time.Date(nl.Year(), nl.Month()-(MonthsShown-1), 1, 0, 0, 0, 0, loc)
	m.Monthly = make([]MonthCount, MonthsShown)
	for i := range m.Monthly {
		m.Monthly[i].Month = time.Date(first.Year(), first.Month()+time.Month(i), 1, 0, 0, 0, 0, loc)
	}

	// The previous period: as long as this one, ending where it begins.
	hasPrev := !f.Since.IsZero() && f.Until.After(f.Since)
	prevSince := f.Since.Add(-f.Until.Sub(f.Since))

	if !inDetectedOrder(records) {
		records = slices.Clone(records)
		slices.SortFunc(records, detectedOrder)
	}

	type serviceCause struct {
		service string
		cause   CauseCategory
	}
	// counts by severity (index 1..4; 0 for an invalid one)
	type bySeverity [P4 + 1]int
	var (
		lastSeen               = map[serviceCause]time.Time{}
		mttd, mtta, mttm, mttr mean
		prevDetect, prevRes    mean
		causes                 = map[CauseCategory]int{}
		sevCount               bySeverity
		breachIdx              = map[MilestoneID]int{}
		breachSev              []bySeverity // by m.Breaches' index
		// the index in m.Breaches of each milestone of a policy, by its
		// milestones' backing array: the store shares one per snapshot
		policyIdx = map[*MilestoneTarget][]int{}
		inc       Incident
	)
	sevIndex := func(s Severity) int {
		if !s.Valid() {
			return 0
		}
		return int(s)
	}
	for i := range records {
		r := &records[i]
		// Every earlier incident counts for repeats, whatever the filter.
		repeat := false
		if r.Cause != "" {
			for _, s := range r.Services {
				k := serviceCause{s, r.Cause}
				if t, ok := lastSeen[k]; ok && r.DetectedAt.Sub(t) <= RepeatWindow {
					repeat = true
				}
				lastSeen[k] = r.DetectedAt
			}
		}
		if f.Severity != 0 && r.Severity != f.Severity {
			continue
		}
		if mi := monthIndex(first, r.DetectedAt.In(loc)); mi >= 0 && mi < MonthsShown {
			m.Monthly[mi].Count++
		}
		if hasPrev && !r.DetectedAt.Before(prevSince) && r.DetectedAt.Before(f.Since) {
			if r.startKnown() {
				prevDetect.addSpan(r.StartedAt, r.DetectedAt)
			}
			prevRes.addSpan(r.DetectedAt, r.ResolvedAt)
		}
		if r.DetectedAt.Before(f.Since) || !r.DetectedAt.Before(f.Until) {
			continue
		}

		m.Total++
		sev := sevIndex(r.Severity)
		sevCount[sev]++
		if r.Status == StatusResolved || r.Status == StatusClosed {
			m.Resolved++
		} else {
			m.Unresolved++
		}
		if r.startKnown() {
			mttd.addSpan(r.StartedAt, r.DetectedAt)
		}
		mtta.addSpan(r.DetectedAt, r.AcknowledgedAt)
		mttm.addSpan(r.DetectedAt, r.MitigatedAt)
		mttr.addSpan(r.DetectedAt, r.ResolvedAt)
		if repeat {
			m.Repeats++
		}
		if r.Cause != "" {
			causes[r.Cause]++
			m.WithCause++
		}

		ms := r.Policy.Milestones
		if len(ms) == 0 {
			continue
		}
		// Every milestone of the snapshots is listed, breached or not, in
		// the order of the first snapshot that has it.
		idx, ok := policyIdx[&ms[0]]
		if !ok || len(idx) != len(ms) {
			idx = make([]int, len(ms))
			for j, mt := range ms {
				bi, ok := breachIdx[mt.ID]
				if !ok {
					bi = len(m.Breaches)
					breachIdx[mt.ID] = bi
					m.Breaches = append(m.Breaches, BreachCount{Milestone: mt.ID, Name: mt.Name})
					breachSev = append(breachSev, bySeverity{})
				}
				idx[j] = bi
			}
			policyIdx[&ms[0]] = idx
		}
		r.load(&inc)
		breached := false
		for j, mt := range ms {
			if inc.breached(mt, now) {
				breached = true
				breachSev[idx[j]][sev]++
				m.Breaches[idx[j]].Total++
			}
		}
		if breached {
			m.BreachedIncidents++
		}
	}

	toMap := func(c bySeverity) map[Severity]int {
		out := make(map[Severity]int, len(Severities))
		for _, s := range Severities {
			out[s] = c[s]
		}
		return out
	}
	m.BySeverity = toMap(sevCount)
	for i := range m.Breaches {
		m.Breaches[i].BySeverity = toMap(breachSev[i])
	}
	m.MTTD, m.MTTA, m.MTTM, m.MTTR = mttd.stat(), mtta.stat(), mttm.stat(), mttr.stat()
	m.ResolutionRate = rate(m.Resolved, m.Total)
	if m.WithCause > 0 {
		m.RepeatRate = rate(m.Repeats, m.Total)
	}
	if hasPrev {
		m.DetectionChange, m.DetectionTrend = change(m.MTTD, prevDetect.stat())
		m.ResolutionChange, m.ResolutionTrend = change(m.MTTR, prevRes.stat())
	}
	for c, n := range causes {
		m.TopCauses = append(m.TopCauses, CauseShare{Cause: c, Label: c.Label(), Count: n, Percent: 100 * float64(n) / float64(m.Total)})
	}
	slices.SortFunc(m.TopCauses, func(a, b CauseShare) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Label, b.Label)
	})
	return m
}
