package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/ingest"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
	"github.com/warroom/warroom/store"
)

// call is one RecordAlerts call a fakeRecorder saw.
type call struct {
	source, groupKey string
	alerts           []model.AlertRecord
	declare          model.Declaration
	actor            string
	now              time.Time
}

// fakeRecorder records the calls; a group opens an incident on its first
// call with a firing alert, as the store does.
type fakeRecorder struct {
	calls []call
	open  map[string]int64
	err   error
}

func (f *fakeRecorder) RecordAlerts(_ context.Context, source, groupKey string, alerts []model.AlertRecord, d model.Declaration, _ model.Catalog, actor string, now time.Time) (int64, bool, error) {
	f.calls = append(f.calls, call{source, groupKey, alerts, d, actor, now})
	if f.err != nil {
		return 0, false, f.err
	}
	if f.open == nil {
		f.open = map[string]int64{}
	}
	k := source + "\x00" + groupKey
	if n, ok := f.open[k]; ok {
		return n, false, nil
	}
	for _, a := range alerts {
		if a.Status == model.AlertFiring {
			f.open[k] = int64(len(f.open) + 1)
			return f.open[k], true, nil
		}
	}
	return 0, false, nil
}

func catalog(t testing.TB) model.Catalog {
	t.Helper()
	cat, err := playbooks.Builtin()
	require.NoError(t, err)
	return cat
}

// parse parses a payload that must be valid.
func parse(t testing.TB, format, payload string) ingest.Notification {
	t.Helper()
	n, err := ingest.Parse(format, strings.NewReader(payload))
	require.NoError(t, err)
	return n
}

// resolvedAt is a resolved alert that started at start.
func resolvedAt(fp, start string) any {
	a := alert(fp, "status", "resolved").(map[string]any)
	a["startsAt"] = start
	return a
}

var applyNow = time.Date(2026, 3, 14, 9, 45, 0, 0, time.UTC)

func TestApplyDeclaration(t *testing.T) {
	cat := catalog(t)
	svc := cat.Services[0]
	payload := set(amBase, "alerts", []any{
		alert("w", "labels", map[string]any{"alertname": "A", "severity": "warning", "service": svc.Name}),
		alert("c", "labels", map[string]any{"alertname": "B", "severity": "Critical ", "service": svc.ID}),
		"junk", // invalid: skipped
		resolvedAt("early-but-resolved", "2026-03-14T09:00:00Z"),
		alert("early", "startsAt", "2026-03-14T09:30:00Z"),
	})
	n := parse(t, "alertmanager", payload)
	var rec fakeRecorder
	res, err := ingest.Apply(context.Background(), &rec, n, cat, ingest.DefaultSeverityMap(), "alertmanager", applyNow)
	require.NoError(t, err)
	require.Len(t, rec.calls, 1, "one group, one transaction")
	c := rec.calls[0]
	assert.Equal(t, "alertmanager", c.source)
	assert.Equal(t, n.GroupKey, c.groupKey)
	assert.Len(t, c.alerts, 4)
	d := c.declare
	assert.Equal(t, "s", d.Title, "the first firing alert's title")
	assert.Equal(t, model.P1, d.Severity, "the most severe of the firing alerts")
	assert.Equal(t, "mapped from alert label severity=critical", d.OverrideReason)
	assert.Equal(t, time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC), d.StartedAt, "the earliest firing start")
	assert.Equal(t, applyNow, d.DetectedAt)
	assert.Equal(t, []string{svc.ID}, d.Services, "one service, named by id and by name")
	assert.Equal(t, model.ImpactOther, d.Impact)
	assert.Equal(t, "alertmanager", d.Actor)
	assert.Equal(t, applyNow, c.now)

	assert.Equal(t, "alertmanager", res.Source)
	require.Len(t, res.Groups, 1)
	assert.Equal(t, ingest.GroupResult{GroupKey: n.GroupKey, Number: 1, Key: "INC-0001", Created: true, Alerts: 4}, res.Groups[0])
	assert.Equal(t, []string{"skipped alerts[2]: is a string, want an object"}, res.Problems)

	// The declaration is a valid one.
	_, _, err = model.Declare(d, cat)
	require.NoError(t, err)
}

func TestApplySeverityReason(t *testing.T) {
	cat := catalog(t)
	for _, c := range []struct {
		labels map[string]any
		sev    model.Severity
		reason string
	}{
		{map[string]any{"alertname": "A", "severity": "info"}, model.P4, "mapped from alert label severity=info"},
		{map[string]any{"alertname": "A"}, model.P3, "default severity: alert label severity (absent)"},
		{map[string]any{"alertname": "A", "severity": "sev\x1b[31m9"}, model.P3, `default severity: alert label severity="sev9" is not mapped`},
	} {
		n := parse(t, "alertmanager", set(amBase, "alerts", []any{alert("f", "labels", c.labels)}))
		var rec fakeRecorder
		_, err := ingest.Apply(context.Background(), &rec, n, cat, ingest.DefaultSeverityMap(), "x", applyNow)
		require.NoError(t, err)
		assert.Equal(t, c.sev, rec.calls[0].declare.Severity)
		assert.Equal(t, c.reason, rec.calls[0].declare.OverrideReason)
	}
}

// A start in the future (the sender's clock ahead) is not after detection;
// a PagerDuty trigger without a timestamp starts when warroom heard.
func TestApplyStartTimes(t *testing.T) {
	cat := catalog(t)
	n := parse(t, "alertmanager", set(amBase, "alerts.0.startsAt", "2026-03-14T10:00:00Z"))
	var rec fakeRecorder
	_, err := ingest.Apply(context.Background(), &rec, n, cat, ingest.DefaultSeverityMap(), "x", applyNow)
	require.NoError(t, err)
	assert.Equal(t, applyNow, rec.calls[0].declare.StartedAt)
	assert.Equal(t, time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC), rec.calls[0].alerts[0].StartsAt, "the alert keeps its own")

	n = parse(t, "pagerduty", set(pdBase, "payload.timestamp", del))
	rec = fakeRecorder{}
	_, err = ingest.Apply(context.Background(), &rec, n, cat, ingest.DefaultSeverityMap(), "x", applyNow)
	require.NoError(t, err)
	assert.Equal(t, applyNow, rec.calls[0].alerts[0].StartsAt)
	assert.Equal(t, applyNow, rec.calls[0].declare.StartedAt)
	assert.Equal(t, "d1", rec.calls[0].groupKey)
	assert.Equal(t, model.P2, rec.calls[0].declare.Severity, "PagerDuty error")
}

func TestApplyResolvedWithoutIncident(t *testing.T) {
	n := parse(t, "pagerduty", string(sample(t, "pagerduty-events-v2-resolve.json")))
	var rec fakeRecorder
	res, err := ingest.Apply(context.Background(), &rec, n, catalog(t), ingest.DefaultSeverityMap(), "pd", applyNow)
	require.NoError(t, err)
	require.Len(t, res.Groups, 1)
	g := res.Groups[0]
	assert.False(t, g.Noted())
	assert.Empty(t, g.Key)
	assert.Zero(t, g.Alerts)
	assert.Equal(t, []string{"no alert fires and the group has no open incident"}, g.Problems)
}

func TestApplyTruncatedAndStoreError(t *testing.T) {
	n := parse(t, "alertmanager", set(amBase, "truncatedAlerts", 3))
	boom := errors.New("disk on fire")
	rec := fakeRecorder{err: boom}
	res, err := ingest.Apply(context.Background(), &rec, n, catalog(t), ingest.DefaultSeverityMap(), "x", applyNow)
	require.ErrorIs(t, err, boom)
	assert.Empty(t, res.Groups)
	assert.Equal(t, []string{"the sender left out 3 alert(s) of the group (truncatedAlerts)"}, res.Problems)
}

// Every sample, ingested once and twice, into a real store: one incident,
// started when the alert says, detected when warroom heard; the second
// delivery changes no clock.
func TestApplySamplesDedup(t *testing.T) {
	cat := catalog(t)
	for _, c := range []struct {
		file, format string
		start        time.Time
		title        string
	}{
		{"alertmanager-webhook.json", "alertmanager", utc("2026-03-14T09:41:07.512Z"), amSummary},
		{"grafana-webhook.json", "grafana", utc("2026-03-14T09:43:00Z"), "checkout-api p99 latency above 2s"},
		{"pagerduty-events-v2.json", "pagerduty", utc("2026-03-14T09:41:07.512Z"), "[P1] checkout-api 5xx ratio above 5% for 5m (eu-west-1)"},
	} {
		t.Run(c.format, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
			require.NoError(t, err)
			defer st.Close()
			b := sample(t, c.file)
			ingestAt := func(now time.Time) ingest.GroupResult {
				n, err := ingest.Parse(c.format, bytes.NewReader(b))
				require.NoError(t, err)
				res, err := ingest.Apply(ctx, st, n, cat, ingest.DefaultSeverityMap(), c.format, now)
				require.NoError(t, err)
				require.Len(t, res.Groups, 1)
				return res.Groups[0]
			}
			first := ingestAt(applyNow)
			assert.True(t, first.Created)
			inc1, err := st.Get(ctx, first.Number)
			require.NoError(t, err)
			assert.Equal(t, c.title, inc1.Title)
			assert.Equal(t, c.start, inc1.StartedAt)
			assert.Equal(t, applyNow, inc1.DetectedAt)
			assert.Equal(t, model.P1, inc1.Severity)
			assert.Contains(t, inc1.SeverityReason, "mapped from alert label severity=critical")

			later := applyNow.Add(5 * time.Minute)
			second := ingestAt(later)
			assert.False(t, second.Created)
			assert.Equal(t, first.Number, second.Number)
			inc2, err := st.Get(ctx, first.Number)
			require.NoError(t, err)
			assert.Equal(t, inc1.StartedAt, inc2.StartedAt)
			assert.Equal(t, inc1.DetectedAt, inc2.DetectedAt)
			assert.Equal(t, inc1.Deadlines(later), inc2.Deadlines(later))
			board, err := st.Board(ctx)
			require.NoError(t, err)
			assert.Len(t, board, 1, "no second incident")
			assert.Greater(t, len(inc2.Timeline), len(inc1.Timeline), "the repeat is on the timeline")
			assert.Contains(t, inc2.Timeline[len(inc2.Timeline)-1].Text, "still firing")

			alerts, err := st.IncidentAlerts(ctx, first.Number)
			require.NoError(t, err)
			require.NotEmpty(t, alerts)
			assert.NotEmpty(t, alerts[0].RunbookURL)
			assert.NotEmpty(t, alerts[0].GeneratorURL)
			assert.NotEmpty(t, alerts[0].Labels)
		})
	}
}

// The resolved samples after their firing ones: noted, the incident stays
// open.
func TestApplySampleResolutions(t *testing.T) {
	cat := catalog(t)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	require.NoError(t, err)
	defer st.Close()
	take := func(format, file string, now time.Time) ingest.GroupResult {
		n, err := ingest.Parse(format, bytes.NewReader(sample(t, file)))
		require.NoError(t, err)
		res, err := ingest.Apply(ctx, st, n, cat, ingest.DefaultSeverityMap(), format, now)
		require.NoError(t, err)
		require.Len(t, res.Groups, 1)
		return res.Groups[0]
	}
	pd := take("pagerduty", "pagerduty-events-v2.json", applyNow)
	take("pagerduty", "pagerduty-events-v2-acknowledge.json", applyNow.Add(time.Minute))
	g := take("pagerduty", "pagerduty-events-v2-resolve.json", applyNow.Add(2*time.Minute))
	assert.Equal(t, pd.Number, g.Number)
	inc, err := st.Get(ctx, pd.Number)
	require.NoError(t, err)
	var texts []string
	for _, ev := range inc.Timeline[1:] {
		texts = append(texts, ev.Text)
	}
	assert.Equal(t, []string{
		"alert firing: [P1] checkout-api 5xx ratio above 5% for 5m (eu-west-1) [" + pdDedup + "]",
		"alert acknowledged: [P1] checkout-api 5xx ratio above 5% for 5m (eu-west-1) [" + pdDedup + "]",
		"alert resolved: [P1] checkout-api 5xx ratio above 5% for 5m (eu-west-1) [" + pdDedup + "]",
		"the only alert of the group resolved",
	}, texts)
	assert.Equal(t, model.StatusOpen, inc.Status)
	assert.True(t, inc.AcknowledgedAt.IsZero(), "PagerDuty's acknowledgment is the alert's, not the commander's")

	am := take("alertmanager", "alertmanager-webhook.json", applyNow)
	g = take("alertmanager", "alertmanager-webhook-resolved.json", applyNow.Add(time.Hour))
	assert.Equal(t, am.Number, g.Number)
	assert.False(t, g.Created)
	inc, err = st.Get(ctx, am.Number)
	require.NoError(t, err)
	assert.Equal(t, "alert resolved: "+amSummary+" [a3f1c2b4d5e6f708]", inc.Timeline[len(inc.Timeline)-1].Text)
	alerts, err := st.IncidentAlerts(ctx, am.Number)
	require.NoError(t, err)
	require.Len(t, alerts, 2)
	assert.Equal(t, "b7e2d91c0a4f3e65", alerts[0].Fingerprint, "the one still firing first")
	assert.Equal(t, model.AlertResolved, alerts[1].Status)
	assert.Equal(t, utc("2026-03-14T10:26:52.004Z"), alerts[1].EndsAt)
	assert.Equal(t, "https://runbooks.example.internal/checkout-api/high-error-rate", alerts[1].Annotations["runbook_url"],
		"the resolved notification's fewer annotations are merged over the firing one's")
	assert.Equal(t, "http://prometheus.example.internal:9090/graph?g0.expr=up&g0.tab=1", alerts[1].GeneratorURL, "the latest link")
}
