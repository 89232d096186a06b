package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/store"
)

// `warroom report` prints the metrics dashboard's figures (seed §6.3, §9.3)
// for a period and a severity: a summary for people, or with --json the
// seed's dashboard documents (model.Report), for scripts. Drills never
// count. A figure the data cannot give is "no data" with the reason (null
// in the JSON, the reason under "unavailable"), never 0.

// reportFilter reads report's period flags: --since DATE (2006-01-02, a
// local midnight, or RFC 3339) or --period 7d|30d|90d|12m|all, not both
// (neither: all time), and --severity P1..P4 or all, into a filter ending
// at now.
func reportFilter(since, period, severity string, now time.Time, loc *time.Location) (model.MetricsFilter, error) {
	f := model.MetricsFilter{Until: now}
	since, period = strings.TrimSpace(since), strings.TrimSpace(period)
	switch {
	case since != "" && period != "":
		return f, usageError{"report: --since or --period, not both"}
	case since != "":
		t, err := time.ParseInLocation(time.DateOnly, since, loc)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, since); err != nil {
				return f, usageError{fmt.Sprintf("--since %q is not a date (2026-01-31) or an RFC 3339 time (2026-01-31T09:00:00Z)", since)}
			}
		}
		if t.After(now) {
			return f, usageError{fmt.Sprintf("--since %s is in the future", since)}
		}
		f.Since = t
	case period != "":
		p, err := model.ParsePeriod(period)
		if err != nil {
			return f, usageError{fmt.Sprintf("--period %q: want 7d, 30d, 90d, 12m or all", period)}
		}
		f.Since = p.Since(now, loc)
	}
	if s := strings.TrimSpace(severity); s != "" && !strings.EqualFold(s, "all") {
		sev, err := model.ParseSeverity(s)
		if err != nil {
			return f, usageError{"--severity: " + err.Error() + " or all"}
		}
		f.Severity = sev
	}
	return f, nil
}

func runReport(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", &g, stderr)
	asJSON := fs.Bool("json", false, "print the seed's dashboard JSON (§6.3.1, §9.3): durations in minutes, rates in percent")
	since := fs.String("since", "", "count the incidents detected from DATE (2026-01-31, local midnight) or an RFC 3339 time")
	period := fs.String("period", "", "count the incidents of the last 7d, 30d, 90d, 12m, or all (default all)")
	severity := fs.String("severity", "", "count one severity, P1-P4 (default all)")
	clock := clockFlag(fs)
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("report takes no arguments (got %q)", pos[0])}
	}
	now, err := clock()
	if err != nil {
		return err
	}
	loc := time.Local
	f, err := reportFilter(*since, *period, *severity, now, loc)
	if err != nil {
		return err
	}
	st, _, err := open(g)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := st.Metrics(ctx, f, now, loc)
	if err != nil {
		return err
	}
	rep := model.NewReport(m)
	overdue, err := st.OverdueItems(ctx, now)
	if err != nil {
		return err
	}
	if overdue, err = store.FilterOverdue(ctx, st, overdue, f.Severity); err != nil {
		return err
	}
	rep.OverdueItems = overdueDocs(overdue, now)
	if *asJSON {
		return writeJSON(stdout, rep)
	}
	_, err = io.WriteString(stdout, reportText(m, rep, overdue, *period, now, loc))
	return err
}

// overdueDocs are the overdue action items as the report's JSON lists
// them, in their order.
func overdueDocs(items []store.OverdueItem, now time.Time) []model.OverdueItemDoc {
	out := make([]model.OverdueItemDoc, 0, len(items))
	for _, it := range items {
		out = append(out, model.OverdueItemDoc{
			Incident: it.Key, Item: it.Seq, Description: it.Description, Owner: it.Owner,
			Due: model.FormatTime(it.Due), Status: string(it.Status), DaysOverdue: model.DaysOverdue(it.Due, now),
		})
	}
	return out
}

// reportText is the report for people: the figures as the JSON rounds
// them, with their units, and "no data" and the reason where the JSON has
// null.
func reportText(m model.Metrics, rep model.Report, overdue []store.OverdueItem, period string, now time.Time, loc *time.Location) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	scope := "all time"
	if p, err := model.ParsePeriod(period); err == nil {
		scope = p.Label()
	}
	if !m.Filter.Since.IsZero() {
		if period == "" {
			scope = "since " + model.TimeWithZone(m.Filter.Since, loc)
		} else {
			scope += ", since " + model.TimeWithZone(m.Filter.Since, loc)
		}
	}
	sev := "every severity"
	if m.Filter.Severity != 0 {
		sev = m.Filter.Severity.String() + " only"
	}
	line("warroom report · %s · %s · drills never count", scope, sev)
	line("")

	in := rep.Incident
	line("incidents         %d  (P1 %d · P2 %d · P3 %d · P4 %d)", in.Total, in.P1, in.P2, in.P3, in.P4)
	line("resolved          %d · unresolved %d · resolution rate %s", in.Resolved, in.Unresolved,
		figure(rep.Performance.ResolutionRate, "%", rep.Unavailable["performance_metrics.resolution_rate"]))
	line("")
	line("mean times, from detection unless said")
	line("  MTTD  detect                          %s", minutes(rep.Performance.MTTD, m.MTTD.N, "from the start", rep.Unavailable["performance_metrics.mttd_avg"]))
	line("  MTTA  acknowledge                     %s", minutes(rep.Performance.MTTA, m.MTTA.N, "", rep.Unavailable["performance_metrics.mtta_avg"]))
	// The seed's avg_resolution_time: the initial resolution, not the
	// resolution (see model.IncidentFigures).
	line("  MTTM  initial resolution (mitigated)  %s", minutes(rep.Incident.AvgResolution, m.MTTM.N, "", rep.Unavailable["incident_metrics.avg_resolution_time"]))
	line("  MTTR  resolve                         %s", minutes(rep.Performance.MTTR, m.MTTR.N, "", rep.Unavailable["performance_metrics.mttr_avg"]))
	line("")
	line("against the previous period of the same length")
	line("  detection   %s", trend(rep.Trend.DetectionTrend, rep.Improvement.Detection, rep.Unavailable["trend_analysis.detection_trend"]))
	line("  resolution  %s", trend(rep.Trend.ResolutionTrend, rep.Improvement.Resolution, rep.Unavailable["trend_analysis.resolution_trend"]))
	line("")

	line("SLA breaches      %d incident(s) with at least one milestone breached", in.Breached)
	var t table
	for _, bc := range rep.BreachesByStage {
		if bc.Total == 0 {
			continue
		}
		t.add(bc.Name, strconv.Itoa(bc.Total), fmt.Sprintf("P1 %d · P2 %d · P3 %d · P4 %d", bc.P1, bc.P2, bc.P3, bc.P4))
	}
	t.write(&b, "  ")
	if in.Repeats == nil {
		line("repeat incidents  no data (%s)", rep.Unavailable["incident_metrics.repeat_incidents"])
	} else {
		line("repeat incidents  %d, %s (the same service and cause within %d days)",
			*in.Repeats, figure(rep.Improvement.RepeatRate, "% of the incidents", rep.Unavailable["improvement_metrics.repeat_rate"]),
			int(model.RepeatWindow/(24*time.Hour)))
	}
	line("")

	if len(rep.TopCauses) == 0 {
		line("top causes        no data (%s)", rep.Unavailable["top_causes"])
	} else {
		line("top causes (root cause category of the review)")
		var t table
		for _, c := range rep.TopCauses {
			t.add(c.Cause, strconv.Itoa(c.Count), strconv.FormatFloat(c.Percentage, 'f', 1, 64)+"%")
		}
		t.write(&b, "  ")
	}
	line("")

	line("incidents by month, the 12 months to %s", now.In(loc).Format("January 2006"))
	b.WriteString(monthlyChart(m.Monthly))
	line("")

	// overdue is the real incidents' of the severity filtered (FilterOverdue).
	line("overdue action items: %d", len(overdue))
	const shown = 10
	var o table
	for i, it := range overdue {
		if i == shown {
			break
		}
		late := fmt.Sprintf("due %s, %d day(s) overdue", it.Due.In(loc).Format(time.DateOnly), model.DaysOverdue(it.Due, now))
		o.add(it.Key, "#"+strconv.Itoa(it.Seq), it.Owner, late, it.Description)
	}
	o.write(&b, "  ")
	if len(overdue) > shown {
		line("  ... and %d more", len(overdue)-shown)
	}
	return b.String()
}

// figure is a rounded figure with its unit, or "no data" and why.
func figure(v *float64, unit, why string) string {
	if v == nil {
		return "no data (" + why + ")"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64) + unit
}

// minutes is a mean time in minutes, with the same as a duration and how
// many incidents it is over, or "no data" and why.
func minutes(v *float64, n int, note, why string) string {
	if v == nil {
		return "no data (" + why + ")"
	}
	s := fmt.Sprintf("%s min", strconv.FormatFloat(*v, 'f', 1, 64))
	if d := time.Duration(*v * float64(time.Minute)); d >= time.Hour {
		s += " (" + model.HumanDuration(d) + ")"
	}
	s += fmt.Sprintf(" over %d incident(s)", n)
	if note != "" {
		s += ", " + note
	}
	return s
}

// trend is a trend with its change in percent (negative: faster), or "no
// data" and why.
func trend(t *string, change *float64, why string) string {
	if t == nil {
		return "no data (" + why + ")"
	}
	if change == nil {
		return *t
	}
	return fmt.Sprintf("%s (%+.1f%%)", *t, *change)
}

// monthlyChart draws the monthly counts as a bar of eighth blocks a month,
// with the months' initials and the counts below: a sparkline that any
// terminal shows.
func monthlyChart(months []model.MonthCount) string {
	blocks := []rune(" ▁▂▃▄▅▆▇█")
	most := 0
	for _, mc := range months {
		most = max(most, mc.Count)
	}
	var bars, names, counts strings.Builder
	for _, mc := range months {
		level := 0
		if most > 0 {
			level = (mc.Count*8 + most - 1) / most // any incident shows
		}
		w := max(3, len(strconv.Itoa(mc.Count))) + 1
		bars.WriteString(strings.Repeat(string(blocks[level]), w-1) + " ")
		names.WriteString(fmt.Sprintf("%-*s", w, mc.Month.Format("Jan")))
		counts.WriteString(fmt.Sprintf("%-*d", w, mc.Count))
	}
	return "  " + strings.TrimRight(bars.String(), " ") + "\n  " + strings.TrimRight(names.String(), " ") +
		"\n  " + strings.TrimRight(counts.String(), " ") + "\n"
}
