package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// firing is a firing alert of a group, started at start.
func firing(fp, summary string, start time.Time) model.AlertRecord {
	return model.AlertRecord{
		Source: "alertmanager", GroupKey: "group-a", Fingerprint: fp, Status: model.AlertFiring,
		Summary: summary, Description: "details of " + fp,
		RunbookURL: "https://runbooks.example/" + fp, GeneratorURL: "http://prom/graph?" + fp,
		Labels:      map[string]string{"alertname": "HighErrorRate", "severity": "critical", "fp": fp},
		Annotations: map[string]string{"summary": summary},
		StartsAt:    start,
	}
}

// resolved is the alert resolved at end.
func resolved(a model.AlertRecord, end time.Time) model.AlertRecord {
	a.Status, a.EndsAt = model.AlertResolved, end
	return a
}

// alertDeclaration is what ingest would declare for a group: P1 by the
// severity label, started at start, detected at det.
func alertDeclaration(title string, start, det time.Time) model.Declaration {
	return model.Declaration{
		Title: title, Impact: model.ImpactOther, Severity: model.P1,
		OverrideReason: "mapped from alert label severity=critical",
		StartedAt:      start, DetectedAt: det, Actor: "alertmanager",
	}
}

// alertEvents are the texts of an incident's alert events, in order.
func alertEvents(inc *model.Incident) []string {
	var out []string
	for _, ev := range inc.Timeline {
		if ev.Kind == model.EventAlert {
			out = append(out, ev.Text)
		}
	}
	return out
}

func countIncidents(t testing.TB, s *Store) int {
	t.Helper()
	var n int
	require.NoError(t, s.db.QueryRow("SELECT count(*) FROM incidents").Scan(&n))
	return n
}

func TestRecordAlertsOpensThenUpdates(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cat := testCatalog()
	start := at(-3 * time.Minute)
	batch := []model.AlertRecord{
		firing("fp-1", "checkout 5xx above 5%", start),
		firing("fp-2", "checkout 5xx above 5%", start.Add(30*time.Second)),
	}
	d := alertDeclaration("checkout 5xx above 5%", start, t0)

	n, created, err := s.RecordAlerts(ctx, "alertmanager", "group-a", batch, d, cat, "alertmanager", t0)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, int64(1), n)
	first, err := s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, model.PhaseDetected, first.Phase)
	assert.Equal(t, model.StatusOpen, first.Status)
	assert.Equal(t, model.P1, first.Severity)
	assert.True(t, first.SeverityOverride)
	assert.Contains(t, first.SeverityReason, "mapped from alert label severity=critical")
	assert.Equal(t, start, first.StartedAt, "the start comes from the alert")
	assert.Equal(t, t0, first.DetectedAt, "detection is when warroom heard")
	assert.Equal(t, "alertmanager", first.CreatedBy)
	assert.Equal(t, model.EventDeclared, first.Timeline[0].Kind)
	assert.Equal(t, []string{
		"alert firing: checkout 5xx above 5% [fp-1]",
		"alert firing: checkout 5xx above 5% [fp-2]",
	}, alertEvents(first))
	assertBookkeeping(t, first)

	// The same delivery again, later: same incident, one event, no clock moved.
	later := at(10 * time.Minute)
	n2, created, err := s.RecordAlerts(ctx, "alertmanager", "group-a", batch, alertDeclaration("other", later, later), cat, "alertmanager", later)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, n, n2)
	again, err := s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"alert firing: checkout 5xx above 5% [fp-1]",
		"alert firing: checkout 5xx above 5% [fp-2]",
		"2 alerts still firing: checkout 5xx above 5% [fp-1, fp-2]",
	}, alertEvents(again))
	assert.Equal(t, first.Title, again.Title)
	assert.Equal(t, first.StartedAt, again.StartedAt)
	assert.Equal(t, first.DetectedAt, again.DetectedAt)
	assert.Equal(t, first.LastProgressAt, again.LastProgressAt, "an alert is not progress")
	assert.Equal(t, first.Deadlines(later), again.Deadlines(later), "no clock restarted")
	assert.Equal(t, first.Escalation(later), again.Escalation(later))
	assert.Equal(t, later, again.UpdatedAt)
	assertBookkeeping(t, again)
	assert.Equal(t, 1, countIncidents(t, s))

	alerts, err := s.IncidentAlerts(ctx, n)
	require.NoError(t, err)
	require.Len(t, alerts, 2)
	want := batch[0]
	want.LastSeen = later
	assert.Equal(t, want, alerts[0])
	assert.Equal(t, "fp-2", alerts[1].Fingerprint)
}

func TestRecordAlertsResolution(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cat := testCatalog()
	a1, a2 := firing("fp-1", "disk full", at(-time.Minute)), firing("fp-2", "disk full", at(-time.Minute))
	d := alertDeclaration("disk full", at(-time.Minute), t0)
	n, _, err := s.RecordAlerts(ctx, "alertmanager", "group-a", []model.AlertRecord{a1, a2}, d, cat, "am", t0)
	require.NoError(t, err)

	// One resolves: noted, the group still fires.
	_, created, err := s.RecordAlerts(ctx, "alertmanager", "group-a",
		[]model.AlertRecord{resolved(a1, at(4*time.Minute)), a2}, d, cat, "am", at(5*time.Minute))
	require.NoError(t, err)
	assert.False(t, created)
	// The other resolves, in a delivery that repeats the first's resolution.
	_, _, err = s.RecordAlerts(ctx, "alertmanager", "group-a",
		[]model.AlertRecord{resolved(a1, at(4*time.Minute)), resolved(a2, time.Time{})}, d, cat, "am", at(9*time.Minute))
	require.NoError(t, err)

	inc, err := s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"alert firing: disk full [fp-1]",
		"alert firing: disk full [fp-2]",
		"alert resolved: disk full [fp-1]",
		"alert still firing: disk full [fp-2]",
		"alert resolved: disk full [fp-2]",
		"alert already resolved: disk full [fp-1]",
		"all 2 alerts of the group resolved",
	}, alertEvents(inc))
	assert.Equal(t, model.StatusOpen, inc.Status, "an alert's resolution does not resolve the incident")
	assert.True(t, inc.ResolvedAt.IsZero())
	assertBookkeeping(t, inc)

	alerts, err := s.IncidentAlerts(ctx, n)
	require.NoError(t, err)
	require.Len(t, alerts, 2)
	ends := map[string]time.Time{}
	for _, a := range alerts {
		assert.Equal(t, model.AlertResolved, a.Status)
		ends[a.Fingerprint] = a.EndsAt
	}
	assert.Equal(t, at(4*time.Minute), ends["fp-1"], "the source's end time")
	assert.Equal(t, at(9*time.Minute), ends["fp-2"], "no end time: when warroom heard")
}

func TestRecordAlertsResolvedWithoutIncident(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a := resolved(firing("fp-1", "gone", at(-time.Hour)), at(-time.Minute))
	n, created, err := s.RecordAlerts(ctx, "alertmanager", "group-a", []model.AlertRecord{a},
		alertDeclaration("gone", at(-time.Hour), t0), testCatalog(), "am", t0)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.False(t, created)
	assert.Zero(t, countIncidents(t, s), "nothing created")
	var groups int
	require.NoError(t, s.db.QueryRow("SELECT count(*) FROM alert_groups").Scan(&groups))
	assert.Zero(t, groups)
}

// Once the group's incident is resolved, the next firing delivery opens a
// new one; a resolution alone opens nothing.
func TestRecordAlertsAfterIncidentResolved(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cat := testCatalog()
	a := firing("fp-1", "queue backlog", at(-time.Minute))
	d := alertDeclaration("queue backlog", at(-time.Minute), t0)
	n1, _, err := s.RecordAlerts(ctx, "alertmanager", "group-a", []model.AlertRecord{a}, d, cat, "am", t0)
	require.NoError(t, err)
	_, err = s.Apply(ctx, n1, func(inc *model.Incident) (model.Event, error) {
		return inc.Resolve(at(time.Hour), "alice", "drained", "test")
	})
	require.NoError(t, err)

	n, created, err := s.RecordAlerts(ctx, "alertmanager", "group-a", []model.AlertRecord{resolved(a, at(time.Hour))}, d, cat, "am", at(61*time.Minute))
	require.NoError(t, err)
	assert.Zero(t, n, "a resolution for a resolved incident notes nothing")
	assert.False(t, created)

	d2 := alertDeclaration("queue backlog", at(2*time.Hour), at(2*time.Hour))
	again := firing("fp-1", "queue backlog", at(2*time.Hour))
	n2, created, err := s.RecordAlerts(ctx, "alertmanager", "group-a", []model.AlertRecord{again}, d2, cat, "am", at(2*time.Hour))
	require.NoError(t, err)
	assert.True(t, created)
	assert.NotEqual(t, n1, n2)
	n3, created, err := s.RecordAlerts(ctx, "alertmanager", "group-a", []model.AlertRecord{again}, d2, cat, "am", at(3*time.Hour))
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, n2, n3, "the group now feeds the new incident")

	old, err := s.Get(ctx, n1)
	require.NoError(t, err)
	assert.Equal(t, []string{"alert firing: queue backlog [fp-1]"}, alertEvents(old))
	assert.Equal(t, model.StatusResolved, old.Status)
}

// Groups are identified by source and key, never by summary.
func TestRecordAlertsDistinctGroups(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cat := testCatalog()
	d := alertDeclaration("same summary", at(-time.Minute), t0)
	a := firing("fp-1", "same summary", at(-time.Minute))
	numbers := map[int64]bool{}
	for _, g := range []struct{ source, key string }{
		{"alertmanager", "group-a"}, {"alertmanager", "group-b"}, {"grafana", "group-a"}, {"pagerduty", "fp-1"},
	} {
		n, created, err := s.RecordAlerts(ctx, g.source, g.key, []model.AlertRecord{a}, d, cat, "x", t0)
		require.NoError(t, err)
		assert.True(t, created, "%s %s", g.source, g.key)
		numbers[n] = true
	}
	assert.Len(t, numbers, 4)
	alerts, err := s.IncidentAlerts(ctx, 3)
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	assert.Equal(t, "grafana", alerts[0].Source, "the record takes its group's source")
}

// A terse delivery (a PagerDuty acknowledge or resolve carries no summary
// or labels) keeps what earlier ones said; the start never moves later.
func TestRecordAlertsMerge(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cat := testCatalog()
	trigger := model.AlertRecord{
		Source: "pagerduty", GroupKey: "dk", Fingerprint: "dk", Status: model.AlertFiring,
		Summary: "db down", Labels: map[string]string{"severity": "critical"},
		Annotations: map[string]string{"region": "eu"}, RunbookURL: "https://rb", StartsAt: at(-time.Minute),
	}
	terse := model.AlertRecord{Source: "pagerduty", GroupKey: "dk", Fingerprint: "dk"}
	ack, resolve := terse, terse
	ack.Status, resolve.Status = model.AlertAcknowledged, model.AlertResolved
	d := alertDeclaration("db down", at(-time.Minute), t0)
	n, _, err := s.RecordAlerts(ctx, "pagerduty", "dk", []model.AlertRecord{trigger}, d, cat, "pd", t0)
	require.NoError(t, err)
	later := trigger
	later.StartsAt = at(time.Minute) // a retried trigger stamped later
	for i, a := range []model.AlertRecord{later, ack, ack, resolve} {
		_, _, err := s.RecordAlerts(ctx, "pagerduty", "dk", []model.AlertRecord{a}, d, cat, "pd", at(time.Duration(i+1)*time.Minute))
		require.NoError(t, err)
	}
	inc, err := s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"alert firing: db down [dk]",
		"alert still firing: db down [dk]",
		"alert acknowledged: db down [dk]",
		"alert still acknowledged: db down [dk]",
		"alert resolved: db down [dk]",
		"the only alert of the group resolved",
	}, alertEvents(inc))
	alerts, err := s.IncidentAlerts(ctx, n)
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	got := alerts[0]
	assert.Equal(t, "db down", got.Summary)
	assert.Equal(t, "https://rb", got.RunbookURL)
	assert.Equal(t, map[string]string{"severity": "critical"}, got.Labels)
	assert.Equal(t, map[string]string{"region": "eu"}, got.Annotations)
	assert.Equal(t, at(-time.Minute), got.StartsAt, "the start never moves later")
	assert.Equal(t, at(4*time.Minute), got.EndsAt)
	assert.Equal(t, at(4*time.Minute), got.LastSeen)
}

// Untrusted text reaches the timeline as one plain line, cut.
func TestRecordAlertsHostileText(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	a := firing("fp\x1b[2J-1", "\x1b]52;c;SGVsbG8=\x07evil\nsummary\x1b[31m"+strings.Repeat("x", 500), at(-time.Minute))
	n, _, err := s.RecordAlerts(ctx, "alertmanager", "group-a", []model.AlertRecord{a},
		alertDeclaration("t", at(-time.Minute), t0), testCatalog(), "am", t0)
	require.NoError(t, err)
	inc, err := s.Get(ctx, n)
	require.NoError(t, err)
	ev := alertEvents(inc)
	require.Len(t, ev, 1)
	assert.NotContains(t, ev[0], "\x1b")
	assert.NotContains(t, ev[0], "\n")
	assert.True(t, strings.HasPrefix(ev[0], "alert firing: evil summaryxxx"), ev[0])
	assert.True(t, strings.HasSuffix(ev[0], "… [fp-1]"), ev[0])
	alerts, err := s.IncidentAlerts(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, a.Summary, alerts[0].Summary, "kept as received")
}

// Bad input changes nothing.
func TestRecordAlertsInvalid(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cat := testCatalog()
	good := firing("fp-1", "s", at(-time.Minute))
	d := alertDeclaration("s", at(-time.Minute), t0)
	noFP, badStatus := good, good
	noFP.Fingerprint = " "
	badStatus.Status = "pending"
	untitled := d
	untitled.Title = " "
	late := d
	late.StartedAt = at(time.Minute) // after detection
	for name, c := range map[string]struct {
		source, key string
		alerts      []model.AlertRecord
		d           model.Declaration
	}{
		"no source":         {"", "g", []model.AlertRecord{good}, d},
		"no key":            {"alertmanager", "", []model.AlertRecord{good}, d},
		"no alerts":         {"alertmanager", "g", nil, d},
		"no fingerprint":    {"alertmanager", "g", []model.AlertRecord{good, noFP}, d},
		"unknown status":    {"alertmanager", "g", []model.AlertRecord{good, badStatus}, d},
		"no title":          {"alertmanager", "g", []model.AlertRecord{good}, untitled},
		"started after det": {"alertmanager", "g", []model.AlertRecord{good}, late},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := s.RecordAlerts(ctx, c.source, c.key, c.alerts, c.d, cat, "am", t0)
			require.ErrorIs(t, err, model.ErrInvalid)
			assert.Zero(t, countIncidents(t, s))
			var rows int
			require.NoError(t, s.db.QueryRow("SELECT (SELECT count(*) FROM alert_groups) + (SELECT count(*) FROM incident_alerts)").Scan(&rows))
			assert.Zero(t, rows)
		})
	}
}

func TestIncidentAlertsNotFound(t *testing.T) {
	s := openTest(t)
	_, err := s.IncidentAlerts(context.Background(), 42)
	require.ErrorIs(t, err, model.ErrNotFound)
	n := declare(t, s, declaration("declared by hand")).Number
	alerts, err := s.IncidentAlerts(context.Background(), n)
	require.NoError(t, err)
	assert.Empty(t, alerts)
}

// A burst of 1,000 deliveries for 50 groups through four Stores on one
// file (as four processes would): exactly one incident per group, every
// delivery's event on its timeline, no error.
func TestRecordAlertsBurst(t *testing.T) {
	ctx := context.Background()
	first := openTest(t)
	stores := []*Store{first}
	for range 3 {
		s, err := Open(ctx, first.Path())
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		stores = append(stores, s)
	}
	cat := testCatalog()
	const groups, deliveries, workers = 50, 1000, 32
	type job struct{ group, seq int }
	jobs := make(chan job)
	go func() {
		for i := range deliveries {
			jobs <- job{group: i % groups, seq: i}
		}
		close(jobs)
	}()
	var mu sync.Mutex
	numbers := map[int]map[int64]bool{}
	created := 0
	var wg sync.WaitGroup
	errs := make(chan error, deliveries)
	for w := range workers {
		s := stores[w%len(stores)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				key := fmt.Sprintf("group-%02d", j.group)
				// Every delivery carries a new alert of its own and the
				// group's standing one: one "firing" event names it.
				alerts := []model.AlertRecord{
					firing("standing", "group "+key, at(-time.Minute)),
					firing(fmt.Sprintf("d-%04d", j.seq), "group "+key, at(-time.Minute)),
				}
				n, c, err := s.RecordAlerts(ctx, "alertmanager", key, alerts,
					alertDeclaration("group "+key, at(-time.Minute), t0), cat, "am", t0.Add(time.Duration(j.seq)*time.Millisecond))
				if err != nil {
					errs <- err
					continue
				}
				mu.Lock()
				if numbers[j.group] == nil {
					numbers[j.group] = map[int64]bool{}
				}
				numbers[j.group][n] = true
				if c {
					created++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, groups, countIncidents(t, first))
	assert.Equal(t, groups, created)
	seen := map[int64]bool{}
	for g, ns := range numbers {
		require.Len(t, ns, 1, "group %d fed one incident", g)
		for n := range ns {
			assert.False(t, seen[n], "INC %d fed by two groups", n)
			seen[n] = true
		}
	}
	for g, ns := range numbers {
		for n := range ns {
			inc, err := first.Get(ctx, n)
			require.NoError(t, err)
			texts := strings.Join(alertEvents(inc), "\n")
			for seq := g; seq < deliveries; seq += groups {
				assert.Contains(t, texts, fmt.Sprintf("alert firing: group group-%02d [d-%04d]", g, seq))
			}
			// first delivery: two firing events; each later one: its own
			// alert firing and the standing one still firing.
			assert.Len(t, alertEvents(inc), 2*deliveries/groups)
			alerts, err := first.IncidentAlerts(ctx, n)
			require.NoError(t, err)
			assert.Len(t, alerts, 1+deliveries/groups)
		}
	}
}

// TestMigration0005 upgrades a version-4 database holding an incident
// declared by hand: kept, with no alerts, and a group's first delivery
// then opens the next number.
func TestMigration0005(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	ms, err := migrations()
	require.NoError(t, err)
	var stmts []string
	for _, m := range ms[:4] {
		stmts = append(stmts, m.sql, fmt.Sprintf("INSERT INTO schema_migrations (version, applied_at) VALUES (%d, 0)", m.version))
	}
	policy, err := json.Marshal(testPolicy(model.P3))
	require.NoError(t, err)
	stmts = append(stmts, "PRAGMA user_version = 4",
		fmt.Sprintf(`INSERT INTO incidents (id, number, title, severity, phase, status, impact, customers_pct,
			detected_at, updated_at, last_progress_at, policy_json)
			VALUES (1, 1, 'by hand', 3, 0, 'open', 'important', 30, %d, %d, %d, '%s')`,
			t0.UnixMilli(), t0.UnixMilli(), t0.UnixMilli(), policy),
		fmt.Sprintf("INSERT INTO events (incident_id, at, actor, kind, text) VALUES (1, %d, 'alice', 'declared', 'declared')", t0.UnixMilli()))
	rawExec(t, path, stmts...)

	s, err := Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	var userVersion int
	require.NoError(t, s.db.QueryRow("PRAGMA user_version").Scan(&userVersion))
	assert.Equal(t, SchemaVersion, userVersion, "0005 and every later migration applied")
	alerts, err := s.IncidentAlerts(ctx, 1)
	require.NoError(t, err)
	assert.Empty(t, alerts)
	n, created, err := s.RecordAlerts(ctx, "alertmanager", "g", []model.AlertRecord{firing("fp", "s", at(-time.Minute))},
		alertDeclaration("s", at(-time.Minute), t0), testCatalog(), "am", t0)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, int64(2), n)
	inc, err := s.Get(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, "by hand", inc.Title)
}
