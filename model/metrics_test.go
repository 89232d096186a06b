package model_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// The metrics tests run on a small data set whose every figure is worked
// out by hand below, from the definitions in model/metrics.go, not from
// the code's output.

// mt is a UTC instant written "2006-01-02 15:04".
func mt(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// metricsPolicy is a small SLA policy, the same for every severity so that
// the breaches can be worked out by hand: detection within 5 minutes of the
// start, acknowledgment within 30 minutes and resolution within 4 hours of
// the detection.
func metricsPolicy(s model.Severity) model.SeverityPolicy {
	return model.SeverityPolicy{Severity: s, Name: s.Label(), WarnRatio: 0.25, Milestones: []model.MilestoneTarget{
		{ID: model.MilestoneDetection, Name: "Detection", Short: "DET", From: model.FromStarted, Within: 5 * time.Minute},
		{ID: model.MilestoneAcknowledge, Name: "Acknowledgment", Short: "ACK", From: model.FromDetected, Within: 30 * time.Minute},
		{ID: model.MilestoneResolution, Name: "Resolution", Short: "RES", From: model.FromDetected, Within: 4 * time.Hour},
	}}
}

// metricsNow is when the figures are computed: the 30-day period is
// [2025-05-21 12:00, 2025-06-20 12:00), the previous one
// [2025-04-21 12:00, 2025-05-21 12:00).
var metricsNow = mt("2025-06-20 12:00")

// rec builds a record; the instants are "" when they have not happened.
func rec(n int64, sev model.Severity, st model.Status, services []string, cause model.CauseCategory,
	started, detected, acked, mitigated, resolved string) model.MetricRecord {
	t := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		return mt(s)
	}
	r := model.MetricRecord{
		Number: n, Severity: sev, Status: st, Services: services, Cause: cause,
		StartedAt: t(started), DetectedAt: t(detected), AcknowledgedAt: t(acked),
		MitigatedAt: t(mitigated), ResolvedAt: t(resolved), Policy: metricsPolicy(sev),
	}
	if st == model.StatusClosed {
		r.ClosedAt = r.ResolvedAt.Add(24 * time.Hour)
	}
	return r
}

// metricsData is the hand-computed set. Per incident: the minutes from
// start to detection (MTTD), detection to acknowledgment (MTTA), to
// mitigation (MTTM), to resolution (MTTR), and the breaches at metricsNow.
//
// In the 30-day period:
//
//	A #10 P1 registry   network     closed   D 6 (start 10:00, detected 10:06), A 10, M 40, R 120
//	        breach: detection (6 > 5)
//	B #11 P2 transport  config      resolved start = detection (unknown), A 20, M 60, R 180
//	        no breach
//	C #12 P3 registry+transport network resolved D 2, A 60, M 180, R 330
//	        breach: ack (60 > 30), resolution (330 > 240); repeat of A
//	        (registry, network, 8 days 23 h earlier)
//	D #13 P3 registry   (no cause)  open     no start, A 10, not mitigated or resolved
//	        breach: resolution, due 06-18 16:00, not reached at 06-20 12:00
//	E #14 P4 transport  software    closed   D 4, A 30, M 60, R 90
//	        no breach (ack exactly at its 30 minutes is met); not a repeat
//	        of B (transport, but another cause)
//	F #15 P2 sessions   network     open     D 5, not acknowledged
//	        breach: ack (due 06-19 12:30), resolution (due 16:00), both
//	        passed at now; detection exactly at 5 minutes is met; not a
//	        repeat (no earlier sessions incident)
//	H #16 P4 backup     resource    closed   D 20, A 40, M 72, R 120
//	        breach: detection (20 > 5), ack (40 > 30); repeat of G (backup, resource
//	        exhaustion, 28 days earlier, before the period began)
//
// In the previous period: G #5 P2 (D 10, R 240) and Y #6 P3 (D 6, R 240).
// Before it: X #3 P4 transport configuration on 04-01, 65 days before B
// (outside the repeat window). Long before: Z #1, 2024-06-30 23:30 UTC,
// which is July 1st in Berlin.
func metricsData() []model.MetricRecord {
	return []model.MetricRecord{
		rec(1, model.P4, model.StatusClosed, []string{"monitoring"}, "", "", "2024-06-30 23:30", "2024-06-30 23:40", "2024-07-01 01:00", "2024-07-01 01:00"),
		rec(3, model.P4, model.StatusClosed, []string{"transport"}, model.CauseConfiguration, "", "2025-04-01 09:00", "2025-04-01 09:10", "2025-04-01 10:00", "2025-04-01 10:00"),
		rec(6, model.P3, model.StatusClosed, []string{"monitoring"}, "", "2025-05-01 08:54", "2025-05-01 09:00", "2025-05-01 09:30", "2025-05-01 12:00", "2025-05-01 13:00"),
		rec(5, model.P2, model.StatusClosed, []string{"backup"}, model.CauseResource, "2025-05-15 11:50", "2025-05-15 12:00", "2025-05-15 12:10", "2025-05-15 13:00", "2025-05-15 16:00"),
		rec(10, model.P1, model.StatusClosed, []string{"registry"}, model.CauseNetwork, "2025-06-01 10:00", "2025-06-01 10:06", "2025-06-01 10:16", "2025-06-01 10:46", "2025-06-01 12:06"),
		rec(11, model.P2, model.StatusResolved, []string{"transport"}, model.CauseConfiguration, "2025-06-05 08:00", "2025-06-05 08:00", "2025-06-05 08:20", "2025-06-05 09:00", "2025-06-05 11:00"),
		rec(12, model.P3, model.StatusResolved, []string{"registry", "transport"}, model.CauseNetwork, "2025-06-10 09:00", "2025-06-10 09:02", "2025-06-10 10:02", "2025-06-10 12:02", "2025-06-10 14:32"),
		rec(16, model.P4, model.StatusClosed, []string{"backup"}, model.CauseResource, "2025-06-12 11:40", "2025-06-12 12:00", "2025-06-12 12:40", "2025-06-12 13:12", "2025-06-12 14:00"),
		rec(14, model.P4, model.StatusClosed, []string{"transport"}, model.CauseSoftwareBug, "2025-06-15 09:00", "2025-06-15 09:04", "2025-06-15 09:34", "2025-06-15 10:04", "2025-06-15 10:34"),
		rec(13, model.P3, model.StatusOpen, []string{"registry"}, "", "", "2025-06-18 12:00", "2025-06-18 12:10", "", ""),
		rec(15, model.P2, model.StatusOpen, []string{"sessions"}, model.CauseNetwork, "2025-06-19 11:55", "2025-06-19 12:00", "", "", ""),
	}
}

// sevs is a BySeverity map in P1..P4 order.
func sevs(p1, p2, p3, p4 int) map[model.Severity]int {
	return map[model.Severity]int{model.P1: p1, model.P2: p2, model.P3: p3, model.P4: p4}
}

// months is Monthly for the 12 months ending June 2025 in loc.
func months(loc *time.Location, counts ...int) []model.MonthCount {
	out := make([]model.MonthCount, 12)
	for i := range out {
		out[i] = model.MonthCount{Month: time.Date(2024, time.July+time.Month(i), 1, 0, 0, 0, 0, loc), Count: counts[i]}
	}
	return out
}

func stat(v float64, n int) model.Stat { return model.Stat{Value: v, N: n, OK: true} }

// assertStat compares a Stat with a hand-computed one, the value to within
// rounding error.
func assertStat(t *testing.T, want, got model.Stat, name string) {
	t.Helper()
	assert.Equal(t, want.OK, got.OK, "%s: OK", name)
	assert.Equal(t, want.N, got.N, "%s: N", name)
	assert.InDelta(t, want.Value, got.Value, 1e-9, "%s: value", name)
}

func TestComputeMetrics(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	since30 := mt("2025-05-21 12:00")

	type breach struct {
		total          int
		p1, p2, p3, p4 int
	}
	cases := []struct {
		name string
		f    model.MetricsFilter
		loc  *time.Location

		total, resolved, unresolved int
		bySev                       map[model.Severity]int
		mttd, mtta, mttm, mttr      model.Stat
		resolutionRate              model.Stat
		breaches                    [3]breach // detection, acknowledgment, resolution
		breached                    int
		withCause, repeats          int
		repeatRate                  model.Stat
		causes                      []model.CauseShare
		monthly                     []model.MonthCount
		detChange, resChange        model.Stat
		detTrend, resTrend          model.Trend
	}{
		{
			name:  "30 days, every severity",
			f:     model.MetricsFilter{Since: since30, Until: metricsNow},
			loc:   time.UTC,
			total: 7, resolved: 5, unresolved: 2, // A B C E H resolved or closed; D F open
			bySev:          sevs(1, 2, 2, 2),
			mttd:           stat(37.0/5, 5),  // A 6 + C 2 + E 4 + F 5 + H 20 = 37 over 5 (B: start unknown, D: none)
			mtta:           stat(170.0/6, 6), // A 10 + B 20 + C 60 + D 10 + E 30 + H 40 = 170 over 6 (F not acknowledged)
			mttm:           stat(412.0/5, 5), // A 40 + B 60 + C 180 + E 60 + H 72 = 412 over 5
			mttr:           stat(840.0/5, 5), // A 120 + B 180 + C 330 + E 90 + H 120 = 840 over 5
			resolutionRate: stat(500.0/7, 7), // 5 of 7
			breaches: [3]breach{
				{total: 2, p1: 1, p4: 1},        // A (6 > 5), H (20 > 5)
				{total: 3, p2: 1, p3: 1, p4: 1}, // F, C, H
				{total: 3, p2: 1, p3: 2},        // F, C, D
			},
			breached:   5, // A C D F H
			withCause:  6, // all but D
			repeats:    2, // C (of A), H (of G)
			repeatRate: stat(200.0/7, 7),
			causes: []model.CauseShare{ // of 7 incidents; the ties by label
				{Cause: model.CauseNetwork, Label: "Network issues", Count: 3, Percent: 300.0 / 7}, // A C F
				{Cause: model.CauseConfiguration, Label: "Configuration errors", Count: 1, Percent: 100.0 / 7},
				{Cause: model.CauseResource, Label: "Resource exhaustion", Count: 1, Percent: 100.0 / 7},
				{Cause: model.CauseSoftwareBug, Label: "Software bugs", Count: 1, Percent: 100.0 / 7},
			},
			// Jul 2024 .. Jun 2025 in UTC: Z (June 30th) is before them;
			// April X; May Y G; June A B C D E F H.
			monthly: months(time.UTC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 7),
			// previous MTTD (G 10 + Y 6) / 2 = 8: (7.4 - 8) / 8 = -7.5%, stable
			detChange: stat(-7.5, 7), detTrend: model.TrendStable,
			// previous MTTR (240 + 240) / 2 = 240: (168 - 240) / 240 = -30%, improving
			resChange: stat(-30, 7), resTrend: model.TrendImproving,
		},
		{
			name:  "30 days, P3 only",
			f:     model.MetricsFilter{Since: since30, Until: metricsNow, Severity: model.P3},
			loc:   time.UTC,
			total: 2, resolved: 1, unresolved: 1, // C resolved, D open
			bySev:          sevs(0, 0, 2, 0),
			mttd:           stat(2, 1),   // C; D has no start
			mtta:           stat(35, 2),  // (C 60 + D 10) / 2
			mttm:           stat(180, 1), // C
			mttr:           stat(330, 1), // C
			resolutionRate: stat(50, 2),
			breaches: [3]breach{
				{},
				{total: 1, p3: 1}, // C
				{total: 2, p3: 2}, // C, D
			},
			breached:   2,
			withCause:  1, // C; D has no cause
			repeats:    1, // C repeats A, a P1: the earlier incident may be of any severity
			repeatRate: stat(50, 2),
			causes: []model.CauseShare{
				{Cause: model.CauseNetwork, Label: "Network issues", Count: 1, Percent: 50},
			},
			monthly: months(time.UTC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2), // May Y; June C D
			// previous: Y alone, D 6, R 240
			detChange: stat(100*(2-6)/6.0, 2), detTrend: model.TrendImproving, // -66.7%
			resChange: stat(100*(330-240)/240.0, 2), resTrend: model.TrendWorsening, // +37.5%
		},
		{
			name:  "all time, in Berlin",
			f:     model.MetricsFilter{},
			loc:   berlin,
			total: 11, resolved: 9, unresolved: 2,
			bySev:          sevs(1, 3, 3, 4),                 // A; B F G; C D Y; E H X Z
			mttd:           stat((37.0+10+6)/7, 7),           // the 30 days' 37 over 5, and G 10, Y 6 (X, Z: no start)
			mtta:           stat((170.0+10+10+30+10)/10, 10), // + Z 10, X 10, Y 30, G 10
			mttm:           stat((412.0+90+60+180+60)/9, 9),  // + Z 90 (23:30 to 01:00), X 60, Y 180, G 60
			mttr:           stat((840.0+90+60+240+240)/9, 9), // + Z 90, X 60, Y 240, G 240
			resolutionRate: stat(900.0/11, 11),
			breaches: [3]breach{
				{total: 4, p1: 1, p2: 1, p3: 1, p4: 1}, // A, G (10 > 5), Y (6 > 5), H
				{total: 3, p2: 1, p3: 1, p4: 1},        // F C H (Y's 30 is met; X, Z, G 10)
				{total: 3, p2: 1, p3: 2},               // F C D (Y's and G's 240 are met; Z 90, X 60)
			},
			breached:   7, // A C D F H, G Y
			withCause:  8, // all but Z, Y and D
			repeats:    2,
			repeatRate: stat(200.0/11, 11),
			causes: []model.CauseShare{
				{Cause: model.CauseNetwork, Label: "Network issues", Count: 3, Percent: 300.0 / 11},
				{Cause: model.CauseConfiguration, Label: "Configuration errors", Count: 2, Percent: 200.0 / 11}, // B X
				{Cause: model.CauseResource, Label: "Resource exhaustion", Count: 2, Percent: 200.0 / 11},       // G H
				{Cause: model.CauseSoftwareBug, Label: "Software bugs", Count: 1, Percent: 100.0 / 11},
			},
			// In Berlin Z's 23:30 UTC is July 1st, 01:30: the first month.
			monthly: months(berlin, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 7),
			// all time has no previous period
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := model.ComputeMetrics(metricsData(), c.f, metricsNow, c.loc)
			assert.Equal(t, c.total, m.Total, "total")
			assert.Equal(t, c.resolved, m.Resolved, "resolved")
			assert.Equal(t, c.unresolved, m.Unresolved, "unresolved")
			assert.Equal(t, c.bySev, m.BySeverity, "by severity")
			assertStat(t, c.mttd, m.MTTD, "MTTD")
			assertStat(t, c.mtta, m.MTTA, "MTTA")
			assertStat(t, c.mttm, m.MTTM, "MTTM")
			assertStat(t, c.mttr, m.MTTR, "MTTR")
			assertStat(t, c.resolutionRate, m.ResolutionRate, "resolution rate")

			require.Len(t, m.Breaches, 3, "every milestone of the policy, in its order")
			for i, id := range []model.MilestoneID{model.MilestoneDetection, model.MilestoneAcknowledge, model.MilestoneResolution} {
				b := m.Breaches[i]
				assert.Equal(t, id, b.Milestone)
				assert.Equal(t, c.breaches[i].total, b.Total, "%s total", id)
				assert.Equal(t, sevs(c.breaches[i].p1, c.breaches[i].p2, c.breaches[i].p3, c.breaches[i].p4), b.BySeverity, "%s by severity", id)
			}
			assert.Equal(t, []string{"Detection", "Acknowledgment", "Resolution"},
				[]string{m.Breaches[0].Name, m.Breaches[1].Name, m.Breaches[2].Name})
			assert.Equal(t, c.breached, m.BreachedIncidents, "incidents with a breach")

			assert.Equal(t, c.withCause, m.WithCause, "with a cause")
			assert.Equal(t, c.repeats, m.Repeats, "repeats")
			assertStat(t, c.repeatRate, m.RepeatRate, "repeat rate")
			require.Len(t, m.TopCauses, len(c.causes))
			for i, want := range c.causes {
				got := m.TopCauses[i]
				assert.Equal(t, want.Cause, got.Cause, "cause %d", i)
				assert.Equal(t, want.Label, got.Label, "cause %d", i)
				assert.Equal(t, want.Count, got.Count, "cause %d", i)
				assert.InDelta(t, want.Percent, got.Percent, 1e-9, "cause %d", i)
			}
			require.Len(t, m.Monthly, 12)
			for i, want := range c.monthly {
				assert.True(t, want.Month.Equal(m.Monthly[i].Month), "month %d: %v, want %v", i, m.Monthly[i].Month, want.Month)
				assert.Equal(t, want.Count, m.Monthly[i].Count, "month %s", want.Month.Format("2006-01"))
			}
			assertStat(t, c.detChange, m.DetectionChange, "detection change")
			assertStat(t, c.resChange, m.ResolutionChange, "resolution change")
			assert.Equal(t, c.detTrend, m.DetectionTrend)
			assert.Equal(t, c.resTrend, m.ResolutionTrend)
		})
	}
}

// TestComputeMetricsOrder: the records may come in any order; they are not
// reordered in place.
func TestComputeMetricsOrder(t *testing.T) {
	data := metricsData()
	reversed := make([]model.MetricRecord, len(data))
	for i, r := range data {
		reversed[len(data)-1-i] = r
	}
	first := reversed[0].Number
	f := model.MetricsFilter{Since: mt("2025-05-21 12:00"), Until: metricsNow}
	want := model.ComputeMetrics(data, f, metricsNow, time.UTC)
	got := model.ComputeMetrics(reversed, f, metricsNow, time.UTC)
	assert.Equal(t, want, got)
	assert.Equal(t, first, reversed[0].Number, "the caller's slice is left as it was")
	assert.Equal(t, 2, got.Repeats)
}

func TestComputeMetricsNoData(t *testing.T) {
	for _, c := range []struct {
		name    string
		records []model.MetricRecord
		f       model.MetricsFilter
	}{
		{"no incident at all", nil, model.MetricsFilter{}},
		{"none in the period", metricsData(), model.MetricsFilter{Since: mt("2025-06-20 11:00"), Until: metricsNow}},
		{"none of the severity", []model.MetricRecord{metricsData()[4]}, model.MetricsFilter{Severity: model.P4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := model.ComputeMetrics(c.records, c.f, metricsNow, time.UTC)
			assert.Zero(t, m.Total)
			for name, s := range map[string]model.Stat{
				"MTTD": m.MTTD, "MTTA": m.MTTA, "MTTM": m.MTTM, "MTTR": m.MTTR,
				"resolution rate": m.ResolutionRate, "repeat rate": m.RepeatRate,
				"detection change": m.DetectionChange, "resolution change": m.ResolutionChange,
			} {
				assert.Equal(t, model.Stat{}, s, "%s: not measured, not 0", name)
			}
			assert.Empty(t, m.TopCauses)
			assert.Equal(t, model.Trend(""), m.DetectionTrend)
			assert.Equal(t, model.Trend(""), m.ResolutionTrend)
			assert.Len(t, m.Monthly, 12, "the trend has its 12 months, zeros included")
			assert.Equal(t, sevs(0, 0, 0, 0), m.BySeverity)
		})
	}

	// Open incidents only: counted, but no mean time to resolve.
	m := model.ComputeMetrics([]model.MetricRecord{metricsData()[9]}, model.MetricsFilter{}, metricsNow, time.UTC)
	assert.Equal(t, 1, m.Total)
	assert.False(t, m.MTTR.OK, "no resolved incident: no MTTR")
	assert.False(t, m.MTTM.OK)
	assertStat(t, stat(0, 1), m.ResolutionRate, "0% resolved is measured: one incident, none resolved")
}

// TestComputeMetricsPeriodBounds: the period is [Since, Until); a zero
// Until is now.
func TestComputeMetricsPeriodBounds(t *testing.T) {
	since, until := mt("2025-06-01 00:00"), mt("2025-06-10 00:00")
	r := func(n int64, det string) model.MetricRecord {
		return rec(n, model.P3, model.StatusOpen, nil, "", "", det, "", "", "")
	}
	records := []model.MetricRecord{
		r(1, "2025-05-31 23:59"), // before
		r(2, "2025-06-01 00:00"), // at Since: in
		r(3, "2025-06-09 23:59"), // in
		r(4, "2025-06-10 00:00"), // at Until: out
	}
	m := model.ComputeMetrics(records, model.MetricsFilter{Since: since, Until: until}, metricsNow, time.UTC)
	assert.Equal(t, 2, m.Total)

	m = model.ComputeMetrics(records, model.MetricsFilter{Since: since}, mt("2025-06-10 00:00"), time.UTC)
	assert.Equal(t, 2, m.Total, "a zero Until is now")
	assert.True(t, m.Filter.Until.Equal(mt("2025-06-10 00:00")))
}

// TestRepeatsNeedACause: with no cause category in the filter no
// incident can be a repeat, so the repeat rate is not measured (not 0%);
// one incident with a cause makes it measured, over every incident.
func TestRepeatsNeedACause(t *testing.T) {
	noCause := []model.MetricRecord{
		rec(1, model.P2, model.StatusClosed, []string{"registry"}, "", "", "2025-06-01 12:00", "", "", ""),
		rec(2, model.P2, model.StatusOpen, []string{"registry"}, "", "", "2025-06-02 12:00", "", "", ""),
	}
	m := model.ComputeMetrics(noCause, model.MetricsFilter{}, metricsNow, time.UTC)
	assert.Equal(t, 2, m.Total)
	assert.Zero(t, m.WithCause)
	assert.Equal(t, model.Stat{}, m.RepeatRate, "nothing to tell a repeat by: not measured")

	// The earlier one with a cause, before the period: still none in it.
	withEarlier := slices.Clone(noCause)
	withEarlier[0].Cause = model.CauseNetwork
	m = model.ComputeMetrics(withEarlier, model.MetricsFilter{Since: mt("2025-06-02 00:00"), Until: metricsNow}, metricsNow, time.UTC)
	assert.Equal(t, 1, m.Total)
	assert.False(t, m.RepeatRate.OK, "the cause of an incident before the period does not count")

	// One in the period has a cause: 0 repeats of 2 incidents is measured.
	m = model.ComputeMetrics(withEarlier, model.MetricsFilter{}, metricsNow, time.UTC)
	assert.Equal(t, 1, m.WithCause)
	assertStat(t, stat(0, 2), m.RepeatRate, "repeat rate")
}

// TestRepeats: a repeat shares a service and the cause with an incident
// detected at most 30 days before it.
func TestRepeats(t *testing.T) {
	first := mt("2025-06-01 12:00")
	cases := []struct {
		name     string
		services []string
		cause    model.CauseCategory
		after    time.Duration
		repeat   bool
	}{
		{"same service and cause, a day later", []string{"registry"}, model.CauseNetwork, 24 * time.Hour, true},
		{"exactly 30 days later", []string{"registry"}, model.CauseNetwork, model.RepeatWindow, true},
		{"30 days and a minute later", []string{"registry"}, model.CauseNetwork, model.RepeatWindow + time.Minute, false},
		{"another cause", []string{"registry"}, model.CauseConfiguration, time.Hour, false},
		{"another service", []string{"transport"}, model.CauseNetwork, time.Hour, false},
		{"one of its services", []string{"transport", "registry"}, model.CauseNetwork, time.Hour, true},
		{"no cause", []string{"registry"}, "", time.Hour, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := rec(1, model.P2, model.StatusClosed, []string{"registry"}, model.CauseNetwork, "", "2025-06-01 12:00", "", "", "")
			b := rec(2, model.P3, model.StatusClosed, c.services, c.cause, "", "2025-06-01 12:00", "", "", "")
			b.DetectedAt = first.Add(c.after)
			now := b.DetectedAt.Add(time.Hour)
			m := model.ComputeMetrics([]model.MetricRecord{a, b}, model.MetricsFilter{Since: b.DetectedAt, Until: now}, now, time.UTC)
			require.Equal(t, 1, m.Total, "b alone is in the period")
			assert.Equal(t, c.repeat, m.Repeats == 1)
		})
	}
}

// TestTrendThresholds: a mean time is improving when it fell by more than
// 10% against the previous period, worsening when it rose by more than
// 10%, stable in between, 10% exactly included.
func TestTrendThresholds(t *testing.T) {
	since, now := mt("2025-06-11 00:00"), mt("2025-06-21 00:00") // previous period: from 06-01
	cases := []struct {
		mttr  time.Duration // this period's; the previous one's is 100 minutes
		trend model.Trend
	}{
		{89*time.Minute + 54*time.Second, model.TrendImproving}, // 89.9: -10.1%
		{90 * time.Minute, model.TrendStable},                   // -10%
		{100 * time.Minute, model.TrendStable},
		{110 * time.Minute, model.TrendStable},                  // +10%
		{110*time.Minute + 6*time.Second, model.TrendWorsening}, // 110.1: +10.1%
	}
	for _, c := range cases {
		t.Run(c.mttr.String(), func(t *testing.T) {
			prev := rec(1, model.P3, model.StatusResolved, nil, "", "", "2025-06-05 00:00", "", "", "2025-06-05 01:40")
			cur := rec(2, model.P3, model.StatusResolved, nil, "", "", "2025-06-15 00:00", "", "", "")
			cur.ResolvedAt = cur.DetectedAt.Add(c.mttr)
			m := model.ComputeMetrics([]model.MetricRecord{prev, cur}, model.MetricsFilter{Since: since, Until: now}, now, time.UTC)
			assert.Equal(t, c.trend, m.ResolutionTrend)
			assert.InDelta(t, 100*(c.mttr.Minutes()-100)/100, m.ResolutionChange.Value, 1e-9)
		})
	}

	// Nothing resolved in the previous period: no change, no trend.
	cur := rec(2, model.P3, model.StatusResolved, nil, "", "", "2025-06-15 00:00", "", "", "2025-06-15 01:00")
	m := model.ComputeMetrics([]model.MetricRecord{cur}, model.MetricsFilter{Since: since, Until: now}, now, time.UTC)
	assert.True(t, m.MTTR.OK)
	assert.False(t, m.ResolutionChange.OK)
	assert.Equal(t, model.Trend(""), m.ResolutionTrend)
}

// TestBreachesSeedPolicy: with the seed's policy, a resolved incident
// whose post-incident review is late breaches the review's milestones; a
// closed one that never held it skipped them.
func TestBreachesSeedPolicy(t *testing.T) {
	now := mt("2025-06-20 12:00")
	r := model.MetricRecord{
		Number: 1, Severity: model.P1, Status: model.StatusResolved,
		DetectedAt: mt("2025-06-10 12:00"), AcknowledgedAt: mt("2025-06-10 12:05"),
		MitigatedAt: mt("2025-06-10 13:00"), ResolvedAt: mt("2025-06-10 14:00"),
		Policy: testPolicy(model.P1),
	}
	// Resolved 10 days ago: post-mortem (72h), PIR meeting (24h), document
	// (48h), action items (72h) and review complete (1w) are all past due.
	m := model.ComputeMetrics([]model.MetricRecord{r}, model.MetricsFilter{}, now, time.UTC)
	got := map[model.MilestoneID]int{}
	for _, b := range m.Breaches {
		got[b.Milestone] = b.Total
	}
	assert.Equal(t, map[model.MilestoneID]int{
		model.MilestoneDetection: 0, model.MilestoneAcknowledge: 0, model.MilestoneInitialResolution: 0,
		model.MilestoneResolution: 0, model.MilestonePostMortem: 1, model.MilestonePIRMeeting: 1,
		model.MilestonePIRDocument: 1, model.MilestoneActionItems: 1, model.MilestoneReviewComplete: 1,
	}, got)
	assert.Len(t, m.Breaches, 9)
	assert.Equal(t, model.MilestonePostMortem, m.Breaches[4].Milestone, "in the policy's order")

	r.Status, r.ClosedAt = model.StatusClosed, mt("2025-06-11 12:00")
	m = model.ComputeMetrics([]model.MetricRecord{r}, model.MetricsFilter{}, now, time.UTC)
	assert.Zero(t, m.BreachedIncidents, "closed without a review: skipped, not breached")
}

func TestPeriods(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	now := time.Date(2025, time.March, 31, 10, 0, 0, 0, berlin) // the day after the clocks went forward
	cases := []struct {
		p     model.Period
		since time.Time
		label string
	}{
		{model.Period7d, time.Date(2025, time.March, 24, 10, 0, 0, 0, berlin), "last 7 days"},
		{model.Period30d, time.Date(2025, time.March, 1, 10, 0, 0, 0, berlin), "last 30 days"}, // 10:00 CET, not 09:00
		{model.Period90d, time.Date(2024, time.December, 31, 10, 0, 0, 0, berlin), "last 90 days"},
		{model.Period12m, time.Date(2024, time.March, 31, 10, 0, 0, 0, berlin), "last 12 months"},
		{model.PeriodAll, time.Time{}, "all time"},
	}
	for _, c := range cases {
		t.Run(string(c.p), func(t *testing.T) {
			got := c.p.Since(now, berlin)
			assert.True(t, c.since.Equal(got), "since %v, want %v", got, c.since)
			assert.Equal(t, c.label, c.p.Label())
			p, err := model.ParsePeriod(" " + string(c.p) + " ")
			require.NoError(t, err)
			assert.Equal(t, c.p, p)
			f := c.p.Filter(now, berlin, model.P2)
			assert.True(t, f.Since.Equal(c.since))
			assert.True(t, f.Until.Equal(now))
			assert.Equal(t, model.P2, f.Severity)
		})
	}
	// 12 months before February 29th is March 1st (there is no February
	// 29th in 2023).
	leap := time.Date(2024, time.February, 29, 12, 0, 0, 0, time.UTC)
	assert.Equal(t, time.Date(2023, time.March, 1, 12, 0, 0, 0, time.UTC), model.Period12m.Since(leap, time.UTC))

	p, err := model.ParsePeriod("30D")
	require.NoError(t, err)
	assert.Equal(t, model.Period30d, p)
	for _, bad := range []string{"", "1y", "30", "forever"} {
		_, err := model.ParsePeriod(bad)
		assert.ErrorIs(t, err, model.ErrInvalid, bad)
	}
}

// TestBreachedMatchesDeadlines: the breaches ComputeMetrics counts are the
// milestones the incident screen (Incident.Deadlines) shows as missed or
// breached, over a few hundred incidents in every state.
func TestBreachedMatchesDeadlines(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	now := mt("2025-06-20 12:00")
	// maybe is t plus up to 3 days, or zero (not reached) one time in three.
	maybe := func(t time.Time) time.Time {
		if t.IsZero() || rng.IntN(3) == 0 {
			return time.Time{}
		}
		return model.Millis(t.Add(time.Duration(rng.Int64N(int64(72 * time.Hour)))))
	}
	var records []model.MetricRecord
	want := map[model.MilestoneID]int{}
	wantIncidents := 0
	for n := range 400 {
		sev := model.Severities[rng.IntN(4)]
		det := model.Millis(now.Add(-time.Duration(rng.Int64N(int64(20 * 24 * time.Hour)))))
		inc := model.Incident{
			Number: int64(n + 1), Severity: sev, Status: model.StatusOpen, DetectedAt: det, Policy: testPolicy(sev),
		}
		if rng.IntN(2) == 0 {
			inc.StartedAt = det.Add(-time.Duration(rng.IntN(20)) * time.Minute)
		}
		inc.AcknowledgedAt = maybe(det)
		inc.MitigatedAt = maybe(inc.AcknowledgedAt)
		inc.ResolvedAt = maybe(inc.MitigatedAt)
		if !inc.ResolvedAt.IsZero() {
			inc.Status = model.StatusResolved
			inc.PostMortemAt = maybe(inc.ResolvedAt)
			inc.Review.MeetingAt = maybe(inc.ResolvedAt)
			inc.Review.DocumentAt = maybe(inc.Review.MeetingAt)
			if rng.IntN(2) == 0 {
				inc.Status, inc.ClosedAt = model.StatusClosed, inc.ResolvedAt.Add(time.Hour)
			}
		}
		breached := false
		for _, d := range inc.Deadlines(now) {
			if _, ok := inc.Policy.Milestone(d.ID); ok && (d.State == model.StateMissed || d.State == model.StateBreached) {
				want[d.ID]++
				breached = true
			}
		}
		if breached {
			wantIncidents++
		}
		records = append(records, model.MetricRecord{
			Number: inc.Number, Severity: inc.Severity, Status: inc.Status,
			StartedAt: inc.StartedAt, DetectedAt: inc.DetectedAt, AcknowledgedAt: inc.AcknowledgedAt,
			MitigatedAt: inc.MitigatedAt, ResolvedAt: inc.ResolvedAt, PostMortemAt: inc.PostMortemAt,
			ClosedAt: inc.ClosedAt, Review: inc.Review, Policy: inc.Policy,
		})
	}
	m := model.ComputeMetrics(records, model.MetricsFilter{}, now, time.UTC)
	got := map[model.MilestoneID]int{}
	for _, b := range m.Breaches {
		if b.Total > 0 {
			got[b.Milestone] = b.Total
		}
	}
	assert.Equal(t, want, got)
	assert.Len(t, want, 9, "every milestone breached by some")
	assert.Equal(t, wantIncidents, m.BreachedIncidents)
	assert.Less(t, wantIncidents, 400, "and some incidents breach none")
}
