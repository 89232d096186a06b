package model

import (
	"fmt"
	"math"
	"time"
)

// Report is the metrics as `warroom report --json` prints them: the seed's
// two dashboard documents merged into one, §6.3.1 (incident_metrics,
// trend_analysis, top_causes) and §9.3 (incident_metrics again,
// performance_metrics, improvement_metrics), with the seed's keys.
//
// Durations are in minutes and rates in percent, rounded to one decimal.
// A figure the data cannot give (a mean time with nothing measured, a rate
// of no incidents, a change with no previous period) is null, never 0, and
// Unavailable says why, under the figure's dotted path
// ("performance_metrics.mttr_avg"). Counts are always given (no incident is
// a count of 0) but one: the repeat incidents, which only incidents with an
// RCA cause category can be, are null when none has one. Two figures of the seed warroom never records are always
// null: customer_satisfaction and prevention_success.
type Report struct {
	Period          ReportPeriod         `json:"period"`
	Units           ReportUnits          `json:"units"`
	Incident        IncidentFigures      `json:"incident_metrics"`
	Trend           TrendFigures         `json:"trend_analysis"`
	TopCauses       []CauseFigure        `json:"top_causes"`
	Performance     PerformanceFigures   `json:"performance_metrics"`
	Improvement     ImprovementFigures   `json:"improvement_metrics"`
	BreachesByStage []MilestoneBreachDoc `json:"sla_breaches_by_milestone"`
	// OverdueItems are the overdue action items of the real incidents of
	// the severity filtered (an item belongs to its incident's severity),
	// most overdue first, whatever the period: what is overdue is
	// overdue now. NewReport leaves it empty; the caller fills it.
	OverdueItems []OverdueItemDoc  `json:"overdue_action_items"`
	Unavailable  map[string]string `json:"unavailable"`
	// Definitions says, under a figure's dotted path as Unavailable
	// does, what the figures whose key does not say it all measure: the
	// file comment of metrics.go in a sentence each (ReportDefinitions).
	Definitions map[string]string `json:"definitions"`
}

// OverdueItemDoc is an overdue action item: its incident's key, its number
// within the incident, its due instant and how many whole days it is past
// it (0: less than a day).
type OverdueItemDoc struct {
	Incident    string `json:"incident"`
	Item        int    `json:"item"`
	Description string `json:"description"`
	Owner       string `json:"owner"`
	Due         string `json:"due"`
	Status      string `json:"status"`
	DaysOverdue int    `json:"days_overdue"`
}

// DaysOverdue is how many whole days (of 24 hours) now is past due: 0
// before due and during the first day after it.
func DaysOverdue(due, now time.Time) int {
	if !now.After(due) {
		return 0
	}
	return int(now.Sub(due) / (24 * time.Hour))
}

// ReportPeriod is the filter the figures are for: incidents detected in
// [since, until); since is null for all time.
type ReportPeriod struct {
	Since    *string `json:"since"`
	Until    string  `json:"until"`
	Severity string  `json:"severity"` // "all", "P1".."P4"
}

// ReportUnits states the units of the figures.
type ReportUnits struct {
	Durations string `json:"durations"`
	Rates     string `json:"rates"`
}

// IncidentFigures is incident_metrics: §6.3.1's keys and §9.3's.
type IncidentFigures struct {
	Total      int `json:"total_incidents"`
	P1         int `json:"p1_incidents"`
	P2         int `json:"p2_incidents"`
	P3         int `json:"p3_incidents"`
	P4         int `json:"p4_incidents"`
	Resolved   int `json:"resolved_incidents"`
	Unresolved int `json:"unresolved_incidents"`
	// Repeats is a count here, a percentage in trend_analysis (as in the
	// seed); null when no incident has a cause category (Metrics.WithCause).
	Repeats  *int `json:"repeat_incidents"`
	Breached int  `json:"sla_breaches"` // incidents with at least one milestone breached
	// AvgResolution is the mean time to initial resolution (MTTM): the
	// seed gives avg_resolution_time (18.5) and mean_time_to_resolve
	// (142.8) side by side, so the first must be the shorter one.
	AvgResolution *float64 `json:"avg_resolution_time"`
	MTTD          *float64 `json:"mean_time_to_detect"`
	MTTR          *float64 `json:"mean_time_to_resolve"`
}

// TrendFigures is trend_analysis.
type TrendFigures struct {
	Monthly         []int    `json:"monthly_incidents"` // 12 calendar months, oldest first
	Months          []string `json:"months"`            // their labels, 2026-01, in the report's zone: parallel to Monthly
	ResolutionTrend *string  `json:"resolution_trend"`  // improving, worsening or stable
	DetectionTrend  *string  `json:"detection_trend"`
	RepeatPercent   *float64 `json:"repeat_incidents"` // percent of the incidents
}

// CauseFigure is one entry of top_causes.
type CauseFigure struct {
	Cause      string  `json:"cause"` // the seed's label: "Network issues"
	Count      int     `json:"count"`
	Percentage float64 `json:"percentage"` // of all the incidents counted
}

// PerformanceFigures is performance_metrics.
type PerformanceFigures struct {
	MTTD                 *float64 `json:"mttd_avg"`
	MTTR                 *float64 `json:"mttr_avg"`
	MTTA                 *float64 `json:"mtta_avg"`
	ResolutionRate       *float64 `json:"resolution_rate"`
	CustomerSatisfaction *float64 `json:"customer_satisfaction"`
}

// ImprovementFigures is improvement_metrics: the changes of MTTD and MTTR
// against the previous period in percent (negative: faster), the repeat
// rate in percent of the incidents.
type ImprovementFigures struct {
	Detection         *float64 `json:"detection_improvement"`
	Resolution        *float64 `json:"resolution_improvement"`
	RepeatRate        *float64 `json:"repeat_rate"`
	PreventionSuccess *float64 `json:"prevention_success"`
}

// MilestoneBreachDoc is one milestone's breaches, by severity.
type MilestoneBreachDoc struct {
	Milestone string `json:"milestone"`
	Name      string `json:"name"`
	Total     int    `json:"total"`
	P1        int    `json:"p1"`
	P2        int    `json:"p2"`
	P3        int    `json:"p3"`
	P4        int    `json:"p4"`
}

// ReportDefinitions are the report's definitions: a sentence for each
// figure whose key alone could be misread, under its dotted path. They
// restate the definitions of metrics.go's file comment; keep them
// together.
func ReportDefinitions() map[string]string {
	window := fmt.Sprintf("%d days", int(RepeatWindow/(24*time.Hour)))
	trend := fmt.Sprintf("against the previous period of the same length: improving (down by more than %g%%), worsening (up by more than %g%%) or stable",
		TrendThreshold, TrendThreshold)
	const (
		mttd = "mean minutes from the problem's start to its detection, over the incidents whose start is known"
		mttr = "mean minutes from detection to resolution (resolved), over the resolved incidents"
	)
	repeats := "incidents that share a service and the RCA cause category with an earlier incident (of any severity) detected at most " +
		window + " before; null when no incident in the period has a cause category"
	repeatRate := "repeat incidents (the same service and cause within " + window + ") in percent of the incidents; null when no incident in the period has a cause category"
	return map[string]string{
		"incident_metrics.avg_resolution_time":       "mean minutes from detection to initial resolution (mitigated), over the incidents mitigated or resolved",
		"incident_metrics.mean_time_to_detect":       mttd,
		"incident_metrics.mean_time_to_resolve":      mttr,
		"incident_metrics.resolved_incidents":        "incidents resolved or closed",
		"incident_metrics.repeat_incidents":          repeats,
		"incident_metrics.sla_breaches":              "incidents with at least one SLA milestone reached after its deadline, or not reached with its deadline passed",
		"trend_analysis.monthly_incidents":           "incidents detected in each of the 12 calendar months ending with the current one (labelled in months), oldest first; the severity filter applies, the period does not",
		"trend_analysis.resolution_trend":            "mean time to resolve " + trend,
		"trend_analysis.detection_trend":             "mean time to detect " + trend,
		"trend_analysis.repeat_incidents":            repeatRate,
		"top_causes":                                 "the RCA cause categories of the incidents, most frequent first, in percent of all the incidents",
		"performance_metrics.mttd_avg":               mttd,
		"performance_metrics.mtta_avg":               "mean minutes from detection to acknowledgment, over the acknowledged incidents",
		"performance_metrics.mttr_avg":               mttr,
		"performance_metrics.resolution_rate":        "incidents resolved or closed, in percent of the incidents",
		"improvement_metrics.detection_improvement":  "change of the mean time to detect against the previous period of the same length, in percent: negative is faster, an improvement",
		"improvement_metrics.resolution_improvement": "change of the mean time to resolve against the previous period of the same length, in percent: negative is faster, an improvement",
		"improvement_metrics.repeat_rate":            repeatRate,
		"sla_breaches_by_milestone":                  "for each SLA milestone, the incidents that breached it, by severity",
		"overdue_action_items":                       "action items open or in progress past their due time, of the real incidents of the severity filtered, most overdue first; days_overdue counts whole days",
	}
}

// Round1 rounds a figure to one decimal, halves away from zero (6.25 is
// 6.3), as the report writes every figure; the dashboard writes them so
// too.
func Round1(v float64) float64 { return math.Round(v*10) / 10 }

// NewReport lays out m as the seed's dashboard documents.
func NewReport(m Metrics) Report {
	rep := Report{
		Units:        ReportUnits{Durations: "minutes", Rates: "percent"},
		TopCauses:    []CauseFigure{},
		OverdueItems: []OverdueItemDoc{},
		Unavailable:  map[string]string{},
		Definitions:  ReportDefinitions(),
	}
	rep.Period.Until = FormatTime(m.Filter.Until)
	if !m.Filter.Since.IsZero() {
		s := FormatTime(m.Filter.Since)
		rep.Period.Since = &s
	}
	rep.Period.Severity = "all"
	if m.Filter.Severity != 0 {
		rep.Period.Severity = m.Filter.Severity.String()
	}

	// stat is a figure, or null with the reason why under its path.
	stat := func(path string, s Stat, why string) *float64 {
		if !s.OK {
			rep.Unavailable[path] = why
			return nil
		}
		v := Round1(s.Value)
		return &v
	}
	const noIncident = "no incident in the period"
	// missing is why a figure of the incidents is missing: there are none,
	// or none has what it measures.
	missing := func(why string) string {
		if m.Total == 0 {
			return noIncident
		}
		return why
	}
	var (
		noStart    = missing("no incident with a known start time")
		noAck      = missing("no incident acknowledged yet")
		noMitigate = missing("no incident mitigated or resolved yet")
		noResolved = missing("no resolved incident yet")
		noCause    = missing("no incident in the period has an RCA cause category")
	)

	in := &rep.Incident
	in.Total, in.Resolved, in.Unresolved = m.Total, m.Resolved, m.Unresolved
	in.P1, in.P2, in.P3, in.P4 = m.BySeverity[P1], m.BySeverity[P2], m.BySeverity[P3], m.BySeverity[P4]
	in.Breached = m.BreachedIncidents
	if m.RepeatRate.OK {
		n := m.Repeats
		in.Repeats = &n
	} else {
		rep.Unavailable["incident_metrics.repeat_incidents"] = noCause
	}
	in.AvgResolution = stat("incident_metrics.avg_resolution_time", m.MTTM, noMitigate)
	in.MTTD = stat("incident_metrics.mean_time_to_detect", m.MTTD, noStart)
	in.MTTR = stat("incident_metrics.mean_time_to_resolve", m.MTTR, noResolved)

	rep.Trend.Monthly = make([]int, len(m.Monthly))
	rep.Trend.Months = make([]string, len(m.Monthly))
	for i, mc := range m.Monthly {
		rep.Trend.Monthly[i] = mc.Count
		rep.Trend.Months[i] = mc.Month.Format("2006-01")
	}
	// whyNoChange says why a mean time has no change against the previous
	// period: no previous period, no figure now, or none then (or zero).
	whyNoChange := func(cur Stat, noCur, noPrev string) string {
		switch {
		case m.Total == 0:
			return noIncident
		case m.Filter.Since.IsZero():
			return "no previous period to compare with (all time)"
		case !cur.OK:
			return noCur
		}
		return noPrev
	}
	const (
		noPrevDetect = "no incident with a known start time in the previous period of the same length"
		noPrevRes    = "no resolved incident in the previous period of the same length"
	)
	trend := func(path string, t Trend, why string) *string {
		if t == "" {
			rep.Unavailable[path] = why
			return nil
		}
		v := string(t)
		return &v
	}
	detWhy := whyNoChange(m.MTTD, noStart, noPrevDetect)
	resWhy := whyNoChange(m.MTTR, noResolved, noPrevRes)
	rep.Trend.ResolutionTrend = trend("trend_analysis.resolution_trend", m.ResolutionTrend, resWhy)
	rep.Trend.DetectionTrend = trend("trend_analysis.detection_trend", m.DetectionTrend, detWhy)
	rep.Trend.RepeatPercent = stat("trend_analysis.repeat_incidents", m.RepeatRate, noCause)

	for _, c := range m.TopCauses {
		rep.TopCauses = append(rep.TopCauses, CauseFigure{Cause: c.Label, Count: c.Count, Percentage: Round1(c.Percent)})
	}
	if len(rep.TopCauses) == 0 {
		rep.Unavailable["top_causes"] = missing("no incident in the period has a root cause category yet")
	}

	p := &rep.Performance
	p.MTTD = stat("performance_metrics.mttd_avg", m.MTTD, noStart)
	p.MTTR = stat("performance_metrics.mttr_avg", m.MTTR, noResolved)
	p.MTTA = stat("performance_metrics.mtta_avg", m.MTTA, noAck)
	p.ResolutionRate = stat("performance_metrics.resolution_rate", m.ResolutionRate, noIncident)
	rep.Unavailable["performance_metrics.customer_satisfaction"] = "warroom does not record customer satisfaction"

	imp := &rep.Improvement
	imp.Detection = stat("improvement_metrics.detection_improvement", m.DetectionChange, detWhy)
	imp.Resolution = stat("improvement_metrics.resolution_improvement", m.ResolutionChange, resWhy)
	imp.RepeatRate = stat("improvement_metrics.repeat_rate", m.RepeatRate, noCause)
	rep.Unavailable["improvement_metrics.prevention_success"] = "warroom does not record prevented incidents"

	rep.BreachesByStage = make([]MilestoneBreachDoc, 0, len(m.Breaches))
	for _, b := range m.Breaches {
		rep.BreachesByStage = append(rep.BreachesByStage, MilestoneBreachDoc{
			Milestone: string(b.Milestone), Name: b.Name, Total: b.Total,
			P1: b.BySeverity[P1], P2: b.BySeverity[P2], P3: b.BySeverity[P3], P4: b.BySeverity[P4],
		})
	}
	return rep
}
