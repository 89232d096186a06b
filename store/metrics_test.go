package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// metricsIncident is what a metrics test declares and does to an
// incident.
type metricsIncident struct {
	sev      model.Severity
	services []string
	started  time.Duration // before detection; 0: no start given
	detected time.Time
	ack, res time.Duration // after detection; 0: not done
	closed   bool
	cause    model.CauseCategory // saved in the review's RCA; "": no review
	factors  []model.Factor
}

// metricsSetup stores the incidents of specs with the store's own writes
// (Declare, Apply, SaveReview) and returns them as loaded back.
func metricsSetup(t *testing.T, s *Store, specs []metricsIncident) []*model.Incident {
	t.Helper()
	ctx := context.Background()
	var out []*model.Incident
	for _, sp := range specs {
		d := model.Declaration{
			Title: "Incident", Severity: sp.sev, OverrideReason: "test", Services: sp.services,
			DetectedAt: sp.detected, Actor: "alice",
		}
		if sp.started > 0 {
			d.StartedAt = sp.detected.Add(-sp.started)
		}
		inc := declare(t, s, d)
		if sp.ack > 0 {
			_, err := s.Apply(ctx, inc.Number, func(inc *model.Incident) (model.Event, error) {
				return inc.Acknowledge(sp.detected.Add(sp.ack), "bob")
			})
			require.NoError(t, err)
		}
		if sp.res > 0 {
			_, err := s.Apply(ctx, inc.Number, func(inc *model.Incident) (model.Event, error) {
				return inc.Resolve(sp.detected.Add(sp.res), "bob", "", "test: not verified")
			})
			require.NoError(t, err)
		}
		if sp.closed {
			_, err := s.Apply(ctx, inc.Number, func(inc *model.Incident) (model.Event, error) {
				return inc.Close(sp.detected.Add(sp.res+time.Hour), "bob", "test: no review")
			})
			require.NoError(t, err)
		}
		if sp.cause != "" {
			require.NoError(t, s.SaveReview(ctx, inc.Number, model.Review{
				Sections:  map[string]string{model.SectionSummary: `It broke; "category":"network" was in the logs`},
				RCA:       model.RCA{Whys: []string{"why?"}, RootCause: "a cause", Factors: sp.factors, Category: sp.cause},
				UpdatedAt: sp.detected.Add(sp.res + 2*time.Hour), UpdatedBy: "carol",
			}))
		}
		got, err := s.Get(ctx, inc.Number)
		require.NoError(t, err)
		out = append(out, got)
	}
	return out
}

// addDrill makes incident number a drill's, as the drills code does: a
// drills row and the incident's drill_id.
func addDrill(t *testing.T, s *Store, number int64) {
	t.Helper()
	ctx := context.Background()
	res, err := s.db.ExecContext(ctx, `INSERT INTO drills (scenario, scenario_json, started_at, started_by)
		VALUES ('registry-failure', '{}', ?, 'alice')`, at(0).UnixMilli())
	require.NoError(t, err)
	id, err := res.LastInsertId()
	require.NoError(t, err)
	_, err = s.db.ExecContext(ctx, "UPDATE incidents SET drill_id = ? WHERE number = ?", id, number)
	require.NoError(t, err)
}

// recordOf is the record the metrics should read of inc, built by hand
// from the whole incident.
func recordOf(inc *model.Incident, cause model.CauseCategory) model.MetricRecord {
	return model.MetricRecord{
		Number: inc.Number, Severity: inc.Severity, Status: inc.Status, Services: inc.Services, Cause: cause,
		StartedAt: inc.StartedAt, DetectedAt: inc.DetectedAt, AcknowledgedAt: inc.AcknowledgedAt,
		MitigatedAt: inc.MitigatedAt, ResolvedAt: inc.ResolvedAt, PostMortemAt: inc.PostMortemAt,
		ClosedAt: inc.ClosedAt, Review: inc.Review, Policy: inc.Policy,
	}
}

// sortedServices is records with their services sorted: MetricRecords
// gives them in no particular order.
func sortedServices(records []model.MetricRecord) []model.MetricRecord {
	out := slices.Clone(records)
	for i := range out {
		out[i].Services = slices.Sorted(slices.Values(out[i].Services))
	}
	return out
}

// metricsSpecs: six incidents over a month before at(30 days), the fourth
// of which will be made a drill's.
func metricsSpecs() []metricsIncident {
	day := 24 * time.Hour
	return []metricsIncident{
		{sev: model.P1, services: []string{"registry"}, started: 3 * time.Minute, detected: at(0), ack: 5 * time.Minute, res: 2 * time.Hour, closed: true, cause: model.CauseNetwork,
			factors: []model.Factor{{Category: model.FishTechnology, Text: "a switch"}}},
		{sev: model.P2, services: []string{"transport", "registry"}, detected: at(2 * day), ack: 20 * time.Minute, res: 5 * time.Hour, cause: model.CauseConfiguration},
		{sev: model.P3, services: []string{"registry"}, started: time.Minute, detected: at(9 * day), ack: time.Hour, res: 30 * time.Hour, cause: model.CauseNetwork},
		{sev: model.P1, services: []string{"registry"}, started: 2 * time.Minute, detected: at(10 * day), ack: time.Minute, res: time.Hour, cause: model.CauseNetwork}, // the drill
		{sev: model.P4, services: nil, detected: at(20 * day), ack: 2 * time.Hour},
		{sev: model.P3, services: []string{"sessions"}, detected: at(29 * day)},
	}
}

// TestMetricRecords: the records are the real incidents, by detection,
// with what the metrics read of them; drills are left out.
func TestMetricRecords(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	specs := metricsSpecs()
	incs := metricsSetup(t, s, specs)
	addDrill(t, s, incs[3].Number)

	var want []model.MetricRecord
	for i, inc := range incs {
		if i != 3 {
			want = append(want, recordOf(inc, specs[i].cause))
		}
	}
	got, err := s.MetricRecords(ctx, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, sortedServices(want), sortedServices(got))
	assert.Nil(t, got[3].Services, "an incident without services has none")
	assert.Equal(t, model.MilestoneDetection, got[0].Policy.Milestones[0].ID, "the SLA snapshot is decoded")

	// Read again: the snapshots are known now and sent as indexes; the
	// records are the same.
	again, err := s.MetricRecords(ctx, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, sortedServices(got), sortedServices(again))

	// since: detected at or after it, to the millisecond.
	for _, c := range []struct {
		since time.Time
		want  []int64
	}{
		{at(9 * 24 * time.Hour), []int64{3, 5, 6}},
		{at(9*24*time.Hour - time.Millisecond), []int64{3, 5, 6}},
		{at(9*24*time.Hour + 500*time.Microsecond), []int64{5, 6}}, // within 9 days' millisecond, after it
		{at(29 * 24 * time.Hour), []int64{6}},
		{at(40 * 24 * time.Hour), nil},
	} {
		got, err := s.MetricRecords(ctx, c.since)
		require.NoError(t, err)
		var numbers []int64
		for _, r := range got {
			numbers = append(numbers, r.Number)
		}
		assert.Equal(t, c.want, numbers, "since %v", c.since)
	}
}

// TestMetricsStoreMatchesModel: the store's figures are ComputeMetrics'
// over the same incidents built by hand, drill left out, for every period
// and a severity.
func TestMetricsStoreMatchesModel(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	specs := metricsSpecs()
	incs := metricsSetup(t, s, specs)
	addDrill(t, s, incs[3].Number)
	var records []model.MetricRecord
	for i, inc := range incs {
		if i != 3 {
			records = append(records, recordOf(inc, specs[i].cause))
		}
	}
	now := at(30 * 24 * time.Hour)
	for _, p := range model.Periods {
		for _, sev := range []model.Severity{0, model.P1, model.P3} {
			f := p.Filter(now, time.UTC, sev)
			want := model.ComputeMetrics(records, f, now, time.UTC)
			got, err := s.Metrics(ctx, f, now, time.UTC)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%s %s", p, sev)
		}
	}
	all, err := s.Metrics(ctx, model.MetricsFilter{}, now, time.UTC)
	require.NoError(t, err)
	assert.Equal(t, 5, all.Total, "the drill does not count")
	assert.Equal(t, 1, all.BySeverity[model.P1])
	assert.Equal(t, 1, all.Repeats, "the third repeats the first (registry, network, 9 days); the drill's would have repeated it")
	require.NotEmpty(t, all.TopCauses)
	assert.Equal(t, model.CauseNetwork, all.TopCauses[0].Cause)
	assert.Equal(t, 2, all.TopCauses[0].Count)
}

// TestMetricsEmpty: no incident, no figure; a database of drills only is
// as empty.
func TestMetricsEmpty(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m, err := s.Metrics(ctx, model.MetricsFilter{}, at(0), time.UTC)
	require.NoError(t, err)
	assert.Zero(t, m.Total)
	assert.False(t, m.MTTR.OK)
	assert.Len(t, m.Monthly, 12)

	inc := declare(t, s, declaration("Drill"))
	addDrill(t, s, inc.Number)
	records, err := s.MetricRecords(ctx, time.Time{})
	require.NoError(t, err)
	assert.Empty(t, records)
}

// TestMetricsFrom: the figures read from the earliest detection any of
// them needs.
func TestMetricsFrom(t *testing.T) {
	now := time.Date(2025, time.June, 20, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		f    model.MetricsFilter
		want time.Time
	}{
		{"all time: everything", model.MetricsFilter{}, time.Time{}},
		// 7 days: the trend's first month (July 1st, 2024) is earlier than
		// the previous week or the repeat window.
		{"7 days", model.Period7d.Filter(now, time.UTC, 0), time.Date(2024, time.July, 1, 0, 0, 0, 0, time.UTC)},
		// 12 months: the previous 365 days (2024-06-20 back to 2023-06-21,
		// February 29th between) begin earlier still.
		{"12 months", model.Period12m.Filter(now, time.UTC, 0), time.Date(2023, time.June, 21, 12, 0, 0, 0, time.UTC)},
		// A day in July 2024: the repeat window, 30 days before it, begins
		// before the trend's first month.
		{"repeat window", model.MetricsFilter{Since: time.Date(2024, time.July, 10, 0, 0, 0, 0, time.UTC), Until: time.Date(2024, time.July, 11, 0, 0, 0, 0, time.UTC)},
			time.Date(2024, time.June, 10, 0, 0, 0, 0, time.UTC)},
		{"a zero until is now", model.MetricsFilter{Since: time.Date(2025, time.June, 10, 12, 0, 0, 0, time.UTC)},
			time.Date(2024, time.July, 1, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.True(t, c.want.Equal(MetricsFrom(c.f, now, time.UTC)), "got %v", MetricsFrom(c.f, now, time.UTC))
		})
	}
}

// TestMetricCauses: the cause of a record is its review's cause column,
// read from the reviews_cause index alone (no review body), and a known
// category read back is the model's value.
func TestMetricCauses(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	plan := queryPlan(t, s, metricsQuery, 0)
	assert.Contains(t, plan, "reviews USING COVERING INDEX reviews_cause", plan)

	a := declare(t, s, declaration("With a cause"))
	b := declare(t, s, declaration("Without a review"))
	c := declare(t, s, declaration("A review without a cause"))
	require.NoError(t, s.SaveReview(ctx, a.Number, model.Review{RCA: model.RCA{Category: model.CauseHumanError}, UpdatedAt: at(time.Hour)}))
	require.NoError(t, s.SaveReview(ctx, c.Number, model.Review{RCA: model.RCA{RootCause: "unclear"}, UpdatedAt: at(time.Hour)}))
	records, err := s.MetricRecords(ctx, time.Time{})
	require.NoError(t, err)
	got := map[int64]model.CauseCategory{}
	for _, r := range records {
		got[r.Number] = r.Cause
	}
	assert.Equal(t, map[int64]model.CauseCategory{a.Number: model.CauseHumanError, b.Number: "", c.Number: ""}, got)

	for _, sizes := range [][2]int64{{12, 12}, {0, 0}} { // dense ids, sparse
		causes, err := unpackCauses("3 7:network12 11:third_party5 8:sunspots", sizes[0], sizes[1])
		require.NoError(t, err)
		for id, want := range map[int64]model.CauseCategory{3: model.CauseNetwork, 12: model.CauseThirdParty, 5: "sunspots", 4: "", 13: ""} {
			assert.Equal(t, want, causes.get(id), "id %d, sizes %v", id, sizes)
		}
	}
	_, err = unpackCauses("3 9:network", 3, 3)
	assert.Error(t, err, "a length past the end")
}

// TestByID: a value per id, dense or sparse, any id.
func TestByID(t *testing.T) {
	for _, c := range []struct {
		name         string
		maxID, count int64
		dense        bool
	}{
		{"dense", 10, 10, true},
		{"a few ids skipped", 30, 10, true},
		{"sparse", 1 << 40, 3, false},
		{"no incidents", 0, 0, true},
	} {
		m := newByID[string](c.maxID, c.count)
		assert.Equal(t, c.dense, m.dense != nil, c.name)
		ids := []int64{-1, 0, 1, c.maxID, c.maxID + 1, 1 << 41}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for _, id := range ids {
			assert.Empty(t, m.get(id), "%s: %d before set", c.name, id)
			m.set(id, fmt.Sprint(id))
		}
		for _, id := range ids {
			assert.Equal(t, fmt.Sprint(id), m.get(id), "%s: %d", c.name, id)
		}
		assert.Empty(t, m.get(2), c.name)
	}
}

// TestInDetectionOrder: MetricRecords sorts the records should SQLite
// concatenate the headers in another order than the index's.
func TestInDetectionOrder(t *testing.T) {
	rec := func(detected time.Duration, number int64) model.MetricRecord {
		return model.MetricRecord{Number: number, DetectedAt: at(detected)}
	}
	for _, c := range []struct {
		name    string
		records []model.MetricRecord
		want    bool
	}{
		{"none", nil, true},
		{"one", []model.MetricRecord{rec(0, 1)}, true},
		{"by detection", []model.MetricRecord{rec(0, 2), rec(time.Minute, 1)}, true},
		{"same detection, by number", []model.MetricRecord{rec(0, 1), rec(0, 2)}, true},
		{"detection backwards", []model.MetricRecord{rec(time.Minute, 1), rec(0, 2)}, false},
		{"same detection, numbers backwards", []model.MetricRecord{rec(0, 2), rec(0, 1)}, false},
		{"out of order at the end", []model.MetricRecord{rec(0, 1), rec(time.Hour, 2), rec(time.Minute, 3)}, false},
	} {
		assert.Equal(t, c.want, inDetectionOrder(c.records), c.name)
	}
}

// TestMetricsQueryPlan: the metrics read the header of the real incidents
// from incidents_detected alone, in the order they return: no table row,
// no sort, whether the period is short or all time.
func TestMetricsQueryPlan(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	check := func(when string) {
		t.Helper()
		for _, from := range []int64{math.MinInt64, at(0).UnixMilli()} {
			plan := queryPlan(t, s, metricsQuery, from)
			assert.Contains(t, plan, "SEARCH i USING COVERING INDEX incidents_detected (detected_at>?)", when+"\n"+plan)
			// The count of incidents walks the smallest index; no query reads
			// the table's rows.
			assert.NotRegexp(t, `(?m)SCAN (i|incidents)$|TEMP B-TREE`, plan, when)
		}
	}
	check("empty, no statistics")
	for i := range 20 {
		declare(t, s, declaration(fmt.Sprintf("Incident %d", i)))
	}
	_, err := s.db.ExecContext(ctx, "ANALYZE") // the planner weighs the table's statistics
	require.NoError(t, err)
	check("after ANALYZE")
}

// TestUnpack: the packed texts of the queries read back exactly, odd
// service ids included, and malformed ones are errors.
func TestUnpack(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Odd services"))
	// Service ids the catalog would never hold, written directly.
	odd := []string{"a b", "c:d", "10 4:x", "é€", ""}
	for i, name := range odd[:4] {
		_, err := s.db.ExecContext(ctx, "INSERT INTO incident_services (incident_id, service, position) VALUES (?, ?, ?)", inc.ID, name, 10+i)
		require.NoError(t, err)
	}
	records, err := s.MetricRecords(ctx, time.Time{})
	require.NoError(t, err)
	require.Len(t, records, 1)
	assert.ElementsMatch(t, append([]string{"transport", "registry"}, odd[:4]...), records[0].Services)

	_, err = unpackServices("12 5:abc", 12, 12)
	assert.Error(t, err, "a length past the end")
	_, err = unpackServices("12 x:abc", 12, 12)
	assert.Error(t, err)
	_, err = unpackServices("12abc", 12, 12)
	assert.Error(t, err)

	var r model.MetricRecord
	id, policyID, err := unpackHeader("7 3 2 resolved n 1000 2000 n 3000 n n n n n 4000 12", &r)
	require.NoError(t, err)
	assert.Equal(t, int64(7), id)
	assert.Equal(t, sql.NullInt64{Int64: 12, Valid: true}, policyID)
	assert.Equal(t, model.MetricRecord{Number: 3, Severity: model.P2, Status: model.StatusResolved,
		DetectedAt: time.UnixMilli(1000).UTC(), AcknowledgedAt: time.UnixMilli(2000).UTC(), ResolvedAt: time.UnixMilli(3000).UTC(),
		Review: model.ReviewState{CompletedAt: time.UnixMilli(4000).UTC()}}, r)
	for _, bad := range []string{
		"7 3 2 pending n 1000 n n n n n n n n n 1",                  // unknown status
		"7 3 2 open n 1000 n n n n n n n n n 1 5",                   // a field too many
		"7 3 2 open n 10x0 n n n n n n n n n 1",                     // not a number
		"7 3 2 open n -1000 n n n n n n n n 99999999999999999999 1", // out of range
		"7 3 2 open n -1000 n n n n n n n n n 1x",                   // not a snapshot id
	} {
		_, _, err := unpackHeader(bad, &model.MetricRecord{})
		assert.Error(t, err, bad)
	}
}

// TestMetricRecordsBadSnapshot: an SLA snapshot that does not decode is an
// error naming the incident, not a panic or a silent zero policy.
func TestMetricRecordsBadSnapshot(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Bad snapshot"))
	_, err := s.db.ExecContext(ctx, `INSERT INTO policy_snapshots (id, json) VALUES (100, '{"milestones": 5}')`)
	require.NoError(t, err)
	_, err = s.db.ExecContext(ctx, `UPDATE incidents SET policy_id = 100 WHERE id = ?`, inc.ID)
	require.NoError(t, err)
	_, err = s.Metrics(ctx, model.MetricsFilter{}, at(time.Hour), time.UTC)
	require.Error(t, err)
	assert.Contains(t, err.Error(), inc.Key())
	assert.Contains(t, err.Error(), "SLA snapshot")
}

// TestOverdueItems lists the overdue action items, most overdue first,
// with their incident and whether it is a drill's.
func TestOverdueItems(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	now := at(72*time.Hour + 500*time.Microsecond)

	none, err := s.OverdueItems(ctx, now)
	require.NoError(t, err)
	assert.Empty(t, none)

	a := declare(t, s, declaration("Real")).Number
	b := declare(t, s, declaration("Drill")).Number
	addDrill(t, s, b)
	add := func(n int64, desc string, due time.Time, st model.ActionStatus) {
		_, err := s.AddActionItem(ctx, n, model.ActionItem{Description: desc, Owner: "dave", DueAt: due, Status: st}, "alice", at(time.Minute))
		require.NoError(t, err)
	}
	add(a, "due an hour in", at(time.Hour), model.ActionOpen)
	add(a, "done", at(time.Hour), model.ActionDone)
	add(a, "due now", at(72*time.Hour), model.ActionInProgress)
	add(b, "drill's, oldest", at(-time.Hour), model.ActionOpen)
	add(b, "not due yet", at(73*time.Hour), model.ActionOpen)
	add(b, "dropped", at(-2*time.Hour), model.ActionDropped)

	got, err := s.OverdueItems(ctx, now)
	require.NoError(t, err)
	want := []OverdueItem{
		{Key: model.FormatKey(b), Number: b, Seq: 1, Description: "drill's, oldest", Owner: "dave", Due: at(-time.Hour), Status: model.ActionOpen, Drill: true},
		{Key: model.FormatKey(a), Number: a, Seq: 1, Description: "due an hour in", Owner: "dave", Due: at(time.Hour), Status: model.ActionOpen},
		{Key: model.FormatKey(a), Number: a, Seq: 3, Description: "due now", Owner: "dave", Due: at(72 * time.Hour), Status: model.ActionInProgress},
	}
	assert.Equal(t, want, got)
	// The same items as the board's count.
	counts, err := s.OverdueActionItems(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, map[int64]int{a: 2, b: 1}, counts)
}

// TestOverdueItemsQueryPlan: the list reads the unfinished items through
// their partial index, in its order, so finished ones cost it nothing.
func TestOverdueItemsQueryPlan(t *testing.T) {
	s := openTest(t)
	text := queryPlan(t, s, overdueItemsQuery, 0)
	assert.Contains(t, text, "USING INDEX action_items_unfinished (due_at<?)", text)
	assert.NotRegexp(t, `SCAN (a|action_items)\b`, text)
}

// TestMetricRecordsManySnapshots: ten SLA snapshots in use, one of them by
// two incidents, and one that no incident has: each record has its own
// incident's.
func TestMetricRecordsManySnapshots(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for i := range 11 {
		d := declaration(fmt.Sprint("incident ", i))
		d.DetectedAt = at(time.Duration(i) * time.Hour)
		inc := declare(t, s, d)
		p := testPolicy(model.P3)
		p.Name = fmt.Sprint("variant ", i%10) // the first and the last share one
		text, err := json.Marshal(p)
		require.NoError(t, err)
		_, err = s.db.ExecContext(ctx, "INSERT OR IGNORE INTO policy_snapshots (json) VALUES (?)", string(text))
		require.NoError(t, err)
		_, err = s.db.ExecContext(ctx, "UPDATE incidents SET policy_id = (SELECT id FROM policy_snapshots WHERE json = ?) WHERE id = ?",
			string(text), inc.ID)
		require.NoError(t, err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO policy_snapshots (json) VALUES ('{"milestones": 5}')`) // unused: never decoded
	require.NoError(t, err)
	records, err := s.MetricRecords(ctx, time.Time{})
	require.NoError(t, err)
	require.Len(t, records, 11)
	for i, r := range records {
		assert.Equal(t, fmt.Sprint("variant ", i%10), r.Policy.Name)
		assert.Equal(t, testPolicy(model.P3).Milestones, r.Policy.Milestones)
	}
}
