package model_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// reportJSON marshals the report of m and reads it back as generic JSON,
// the way a script sees it.
func reportJSON(t *testing.T, m model.Metrics) map[string]any {
	t.Helper()
	b, err := json.Marshal(model.NewReport(m))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	return doc
}

// lookup is the value at a dotted path of doc, and whether it is there.
func lookup(doc map[string]any, path string) (any, bool) {
	var cur any = doc
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// seedKeys are the keys of the seed's two dashboard documents (§6.3.1,
// §9.3), each with the JSON type its value has in the seed: a number, a
// string or an array. Each may also be null when the data cannot give it,
// except the counts and the arrays.
var seedKeys = []struct {
	path     string
	kind     string // number, string, array
	nullable bool
}{
	{"incident_metrics.total_incidents", "number", false},
	{"incident_metrics.p1_incidents", "number", false},
	{"incident_metrics.p2_incidents", "number", false},
	{"incident_metrics.p3_incidents", "number", false},
	{"incident_metrics.p4_incidents", "number", false},
	{"incident_metrics.avg_resolution_time", "number", true},
	{"incident_metrics.mean_time_to_detect", "number", true},
	{"incident_metrics.mean_time_to_resolve", "number", true},
	{"incident_metrics.resolved_incidents", "number", false},
	{"incident_metrics.unresolved_incidents", "number", false},
	{"incident_metrics.repeat_incidents", "number", true}, // a count, but of nothing without a cause category
	{"incident_metrics.sla_breaches", "number", false},
	{"trend_analysis.monthly_incidents", "array", false},
	{"trend_analysis.resolution_trend", "string", true},
	{"trend_analysis.detection_trend", "string", true},
	{"trend_analysis.repeat_incidents", "number", true},
	{"top_causes", "array", false},
	{"performance_metrics.mttd_avg", "number", true},
	{"performance_metrics.mttr_avg", "number", true},
	{"performance_metrics.mtta_avg", "number", true},
	{"performance_metrics.resolution_rate", "number", true},
	{"performance_metrics.customer_satisfaction", "number", true},
	{"improvement_metrics.detection_improvement", "number", true},
	{"improvement_metrics.resolution_improvement", "number", true},
	{"improvement_metrics.repeat_rate", "number", true},
	{"improvement_metrics.prevention_success", "number", true},
}

// checkShape checks that every seed key is there with its type, and that
// every null is explained in "unavailable" and nothing else is.
func checkShape(t *testing.T, doc map[string]any) {
	t.Helper()
	unavailable, ok := doc["unavailable"].(map[string]any)
	require.True(t, ok, "unavailable is an object")
	for _, k := range seedKeys {
		v, ok := lookup(doc, k.path)
		if !assert.True(t, ok, "%s is missing", k.path) {
			continue
		}
		if v == nil {
			assert.True(t, k.nullable, "%s is null", k.path)
			assert.NotEmpty(t, unavailable[k.path], "%s is null without a reason", k.path)
			continue
		}
		_, explained := unavailable[k.path]
		assert.False(t, explained && k.path != "top_causes", "%s has a value and a reason for not having one", k.path)
		switch k.kind {
		case "number":
			assert.IsType(t, float64(0), v, k.path)
		case "string":
			assert.IsType(t, "", v, k.path)
		case "array":
			assert.IsType(t, []any{}, v, k.path)
		}
	}
	for path := range unavailable {
		if path == "top_causes" {
			continue
		}
		v, ok := lookup(doc, path)
		assert.True(t, ok && v == nil, "unavailable names %s, which is not a null figure", path)
	}
	assert.Equal(t, map[string]any{"durations": "minutes", "rates": "percent"}, doc["units"])
}

func TestReport(t *testing.T) {
	m := model.ComputeMetrics(metricsData(), model.MetricsFilter{Since: mt("2025-05-21 12:00"), Until: metricsNow}, metricsNow, time.UTC)
	doc := reportJSON(t, m)
	checkShape(t, doc)

	// The figures of TestComputeMetrics' "30 days" case, in minutes and
	// percent rounded to one decimal.
	want := map[string]any{
		"incident_metrics.total_incidents":           7.0,
		"incident_metrics.p1_incidents":              1.0,
		"incident_metrics.p2_incidents":              2.0,
		"incident_metrics.p3_incidents":              2.0,
		"incident_metrics.p4_incidents":              2.0,
		"incident_metrics.resolved_incidents":        5.0,
		"incident_metrics.unresolved_incidents":      2.0,
		"incident_metrics.repeat_incidents":          2.0,  // a count here
		"incident_metrics.sla_breaches":              5.0,  // incidents with a breach
		"incident_metrics.avg_resolution_time":       82.4, // MTTM 412 / 5
		"incident_metrics.mean_time_to_detect":       7.4,  // 37 / 5
		"incident_metrics.mean_time_to_resolve":      168.0,
		"trend_analysis.resolution_trend":            "improving", // -30%
		"trend_analysis.detection_trend":             "stable",    // -7.5%
		"trend_analysis.repeat_incidents":            28.6,        // a percentage here: 2 / 7
		"performance_metrics.mttd_avg":               7.4,
		"performance_metrics.mttr_avg":               168.0,
		"performance_metrics.mtta_avg":               28.3, // 170 / 6 = 28.33
		"performance_metrics.resolution_rate":        71.4, // 5 / 7
		"performance_metrics.customer_satisfaction":  nil,
		"improvement_metrics.detection_improvement":  -7.5,
		"improvement_metrics.resolution_improvement": -30.0,
		"improvement_metrics.repeat_rate":            28.6,
		"improvement_metrics.prevention_success":     nil,
		"period.since":                               "2025-05-21T12:00:00.000Z",
		"period.until":                               "2025-06-20T12:00:00.000Z",
		"period.severity":                            "all",
	}
	for path, w := range want {
		v, _ := lookup(doc, path)
		assert.Equal(t, w, v, path)
	}
	assert.Equal(t, []any{0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 7.0}, doc["trend_analysis"].(map[string]any)["monthly_incidents"])
	assert.Equal(t, []any{"2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12",
		"2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"}, doc["trend_analysis"].(map[string]any)["months"],
		"the months of monthly_incidents, oldest first")
	assert.Equal(t, []any{
		map[string]any{"cause": "Network issues", "count": 3.0, "percentage": 42.9}, // 3 / 7
		map[string]any{"cause": "Configuration errors", "count": 1.0, "percentage": 14.3},
		map[string]any{"cause": "Resource exhaustion", "count": 1.0, "percentage": 14.3},
		map[string]any{"cause": "Software bugs", "count": 1.0, "percentage": 14.3},
	}, doc["top_causes"])
	assert.Equal(t, []any{
		map[string]any{"milestone": "detection", "name": "Detection", "total": 2.0, "p1": 1.0, "p2": 0.0, "p3": 0.0, "p4": 1.0},
		map[string]any{"milestone": "acknowledge", "name": "Acknowledgment", "total": 3.0, "p1": 0.0, "p2": 1.0, "p3": 1.0, "p4": 1.0},
		map[string]any{"milestone": "resolution", "name": "Resolution", "total": 3.0, "p1": 0.0, "p2": 1.0, "p3": 2.0, "p4": 0.0},
	}, doc["sla_breaches_by_milestone"])
	assert.Equal(t, map[string]any{
		"performance_metrics.customer_satisfaction": "warroom does not record customer satisfaction",
		"improvement_metrics.prevention_success":    "warroom does not record prevented incidents",
	}, doc["unavailable"], "only the figures warroom never records are missing")
}

// TestReportNoData: with no incident every figure but the counts is null,
// with its reason; the counts are 0 (nothing was counted: that is
// measured), the trend has its 12 months.
func TestReportNoData(t *testing.T) {
	now := metricsNow
	for _, c := range []struct {
		name string
		f    model.MetricsFilter
	}{
		{"all time", model.MetricsFilter{}},
		{"30 days of P1", model.Period30d.Filter(now, time.UTC, model.P1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := reportJSON(t, model.ComputeMetrics(nil, c.f, now, time.UTC))
			checkShape(t, doc)
			for _, k := range seedKeys {
				v, _ := lookup(doc, k.path)
				switch {
				case k.kind == "array":
				case k.nullable:
					assert.Nil(t, v, "%s: not measured, so null", k.path)
				default:
					assert.Equal(t, 0.0, v, k.path)
				}
			}
			unavailable := doc["unavailable"].(map[string]any)
			assert.Equal(t, "no incident in the period", unavailable["performance_metrics.mttr_avg"])
			assert.Equal(t, "no incident in the period", unavailable["top_causes"])
			assert.Equal(t, []any{}, doc["top_causes"])
			assert.Len(t, doc["trend_analysis"].(map[string]any)["monthly_incidents"], 12)
		})
	}
	doc := reportJSON(t, model.ComputeMetrics(nil, model.Period30d.Filter(now, time.UTC, model.P1), now, time.UTC))
	assert.Equal(t, "P1", doc["period"].(map[string]any)["severity"])
	assert.Equal(t, "2025-05-21T12:00:00.000Z", doc["period"].(map[string]any)["since"])
	doc = reportJSON(t, model.ComputeMetrics(nil, model.MetricsFilter{}, now, time.UTC))
	assert.Nil(t, doc["period"].(map[string]any)["since"], "all time: since is null")
	assert.Equal(t, "2025-06-20T12:00:00.000Z", doc["period"].(map[string]any)["until"], "a zero until is now")
}

// TestReportMonths: the month labels are the calendar months of the
// report's zone, across a year's end: in Berlin, 2025-01-01 00:30 is
// still December 31st in UTC.
func TestReportMonths(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	now := time.Date(2025, time.January, 1, 0, 30, 0, 0, berlin)
	doc := reportJSON(t, model.ComputeMetrics(nil, model.MetricsFilter{}, now, berlin))
	months := doc["trend_analysis"].(map[string]any)["months"].([]any)
	require.Len(t, months, 12)
	assert.Equal(t, "2024-02", months[0])
	assert.Equal(t, "2025-01", months[11])
}

// TestReportReasons: a null says what is missing.
func TestReportReasons(t *testing.T) {
	// One open P3 detected on 06-18 with no start known (D of the data
	// set), over all time and over 30 days.
	d := metricsData()[9]
	all := reportJSON(t, model.ComputeMetrics([]model.MetricRecord{d}, model.MetricsFilter{}, metricsNow, time.UTC))
	checkShape(t, all)
	u := all["unavailable"].(map[string]any)
	assert.Equal(t, "no resolved incident yet", u["performance_metrics.mttr_avg"])
	assert.Equal(t, "no incident mitigated or resolved yet", u["incident_metrics.avg_resolution_time"])
	assert.Contains(t, u["performance_metrics.mttd_avg"], "no incident with a known start")
	assert.Equal(t, "no previous period to compare with (all time)", u["improvement_metrics.resolution_improvement"])
	assert.Contains(t, u["top_causes"], "root cause category")
	assert.Equal(t, 10.0, all["performance_metrics"].(map[string]any)["mtta_avg"])
	assert.Equal(t, 0.0, all["performance_metrics"].(map[string]any)["resolution_rate"], "one incident, none resolved: 0% is measured")
	// D has no cause category: whether it is a repeat cannot be told.
	for _, path := range []string{"incident_metrics.repeat_incidents", "trend_analysis.repeat_incidents", "improvement_metrics.repeat_rate"} {
		v, ok := lookup(all, path)
		assert.True(t, ok && v == nil, "%s: null", path)
		assert.Equal(t, "no incident in the period has an RCA cause category", u[path], path)
	}

	// Resolved now, nothing resolved in the previous 30 days.
	c := metricsData()[6] // C, resolved on 06-10
	p30 := reportJSON(t, model.ComputeMetrics([]model.MetricRecord{c}, model.Period30d.Filter(metricsNow, time.UTC, 0), metricsNow, time.UTC))
	checkShape(t, p30)
	u = p30["unavailable"].(map[string]any)
	assert.Equal(t, "no resolved incident in the previous period of the same length", u["improvement_metrics.resolution_improvement"])
	assert.Equal(t, "no resolved incident in the previous period of the same length", u["trend_analysis.resolution_trend"])
	assert.Equal(t, 330.0, p30["performance_metrics"].(map[string]any)["mttr_avg"])
}

// TestDaysOverdue: whole days of 24 hours past due, 0 on the first day
// and before due.
func TestDaysOverdue(t *testing.T) {
	due := mt("2025-06-10 12:00")
	for _, c := range []struct {
		now  string
		want int
	}{
		{"2025-06-09 12:00", 0}, // not due yet
		{"2025-06-10 12:00", 0}, // due now
		{"2025-06-11 11:59", 0}, // 23h59m late
		{"2025-06-11 12:00", 1},
		{"2025-06-20 11:00", 9}, // 9 days 23 hours
	} {
		assert.Equal(t, c.want, model.DaysOverdue(due, mt(c.now)), c.now)
	}
	doc := reportJSON(t, model.ComputeMetrics(nil, model.MetricsFilter{}, metricsNow, time.UTC))
	assert.Equal(t, []any{}, doc["overdue_action_items"], "an array even when the caller gives none")
}

// TestReportDefinitions: the figures whose key could be misread are
// defined, under paths the report has, and say what the definitions of
// metrics.go say.
func TestReportDefinitions(t *testing.T) {
	m := model.ComputeMetrics(metricsData(), model.MetricsFilter{Since: mt("2025-05-21 12:00"), Until: metricsNow}, metricsNow, time.UTC)
	doc := reportJSON(t, m)
	defs, ok := doc["definitions"].(map[string]any)
	require.True(t, ok, "definitions is an object")
	for path := range defs {
		_, ok := lookup(doc, path)
		assert.True(t, ok, "a definition of %s, which the report does not have", path)
	}
	for _, path := range []string{
		"incident_metrics.avg_resolution_time", "incident_metrics.mean_time_to_detect", "incident_metrics.mean_time_to_resolve",
		"incident_metrics.repeat_incidents", "incident_metrics.sla_breaches", "trend_analysis.repeat_incidents",
		"performance_metrics.mtta_avg", "performance_metrics.resolution_rate", "improvement_metrics.detection_improvement",
		"improvement_metrics.repeat_rate",
	} {
		assert.NotEmpty(t, defs[path], "%s is defined", path)
	}
	assert.Equal(t, "mean minutes from detection to initial resolution (mitigated), over the incidents mitigated or resolved",
		defs["incident_metrics.avg_resolution_time"], "not the resolution: the seed's 18.5 beside its 142.8")
	assert.Contains(t, defs["incident_metrics.mean_time_to_resolve"], "from detection to resolution")
	assert.Contains(t, defs["incident_metrics.mean_time_to_detect"], "from the problem's start to its detection")
	assert.Contains(t, defs["performance_metrics.mtta_avg"], "from detection to acknowledgment")
	assert.Contains(t, defs["improvement_metrics.detection_improvement"], "negative is faster")
	for _, path := range []string{"incident_metrics.repeat_incidents", "trend_analysis.repeat_incidents", "improvement_metrics.repeat_rate"} {
		assert.Contains(t, defs[path], "30 days", path)
	}
	assert.Contains(t, defs["trend_analysis.repeat_incidents"], "percent")
	assert.Equal(t, defs["incident_metrics.mean_time_to_resolve"], defs["performance_metrics.mttr_avg"], "one figure, two keys of the seed")
}
