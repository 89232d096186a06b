package ingest_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/ingest"
	"github.com/warroom/warroom/model"
)

// alert is a valid firing alert with one member changed (del removes it).
func alert(fp string, name string, v any) any {
	a := map[string]any{
		"status": "firing", "labels": map[string]any{"alertname": "A"},
		"annotations": map[string]any{"summary": "s"},
		"startsAt":    "2026-03-14T09:41:07Z", "endsAt": "0001-01-01T00:00:00Z",
		"generatorURL": "http://prom", "fingerprint": fp,
	}
	if name != "" {
		if v == del {
			delete(a, name)
		} else {
			a[name] = v
		}
	}
	return a
}

// A batch keeps its good alerts and says why each bad one was skipped.
func TestBatchWithBadAlerts(t *testing.T) {
	for _, format := range []string{"alertmanager", "grafana"} {
		t.Run(format, func(t *testing.T) {
			base := amBase
			if format == "grafana" {
				base = grafanaBase
			}
			resolved := alert("ok-resolved", "status", "resolved")
			delete(resolved.(map[string]any), "startsAt")
			body := set(base, "alerts", []any{
				alert("ok-1", "", nil),
				alert("no-start", "startsAt", del),
				alert("zero-start", "startsAt", "0001-01-01T00:00:00Z"),
				resolved, // a resolved alert may lack startsAt
				alert("null-labels", "labels", nil),
				alert("null-annotations", "annotations", nil), // fine: no annotations
				alert("", "", nil),
				alert("x", "fingerprint", del),
				nil,
				42,
				alert("ok-1", "", nil), // duplicate
				alert("bad-label", "labels", map[string]any{"severity": 1}),
				alert("bad-end", "endsAt", "soon"),
				alert("bad-url", "generatorURL", 5),
				alert("null-start", "startsAt", nil),
				alert("bad-status", "status", "pending"),
				alert("no-status", "status", del),
				alert("array-annotations", "annotations", []any{}),
				alert("offset-start", "startsAt", "2026-03-14T10:41:07+01:00"),
				alert(strings.Repeat("f", ingest.MaxKeyLen+1), "", nil),
			})
			n, err := ingest.Parse(format, strings.NewReader(body))
			require.NoError(t, err)
			var got []string
			for _, a := range n.Alerts {
				got = append(got, a.Fingerprint)
			}
			assert.Equal(t, []string{"ok-1", "ok-resolved", "null-annotations", "offset-start"}, got)
			assert.Equal(t, []ingest.Problem{
				{Index: 1, Field: "startsAt", Reason: "is missing: a firing alert needs its start time", Fingerprint: "no-start"},
				{Index: 2, Field: "startsAt", Reason: "is the zero date (0001-01-01): a firing alert needs its start time", Fingerprint: "zero-start"},
				{Index: 4, Field: "labels", Reason: "is null, want an object", Fingerprint: "null-labels"},
				{Index: 6, Field: "fingerprint", Reason: "is empty"},
				{Index: 7, Field: "fingerprint", Reason: "is missing"},
				{Index: 8, Field: "", Reason: "is null, want an object"},
				{Index: 9, Field: "", Reason: "is a number, want an object"},
				{Index: 10, Field: "fingerprint", Reason: "is the same as alerts[0]'s: skipped as a duplicate", Fingerprint: "ok-1"},
				{Index: 11, Field: "labels.severity", Reason: "is a number, want a string", Fingerprint: "bad-label"},
				{Index: 12, Field: "endsAt", Reason: `is "soon", not an RFC 3339 date`, Fingerprint: "bad-end"},
				{Index: 13, Field: "generatorURL", Reason: "is a number, want a string", Fingerprint: "bad-url"},
				{Index: 14, Field: "startsAt", Reason: "is null, want an RFC 3339 date string", Fingerprint: "null-start"},
				{Index: 15, Field: "status", Reason: `is "pending", want firing or resolved`, Fingerprint: "bad-status"},
				{Index: 16, Field: "status", Reason: "is missing", Fingerprint: "no-status"},
				{Index: 17, Field: "annotations", Reason: "is an array, want an object", Fingerprint: "array-annotations"},
				{Index: 19, Field: "fingerprint", Reason: "is 256 characters long, over the limit of 255"},
			}, n.Problems)
			assert.Equal(t, "alerts[1].startsAt: is missing: a firing alert needs its start time", n.Problems[0].String())
			assert.Equal(t, "alerts[8]: is null, want an object", n.Problems[5].String())

			byFP := map[string]ingest.Alert{}
			for _, a := range n.Alerts {
				byFP[a.Fingerprint] = a
				assert.Equal(t, format, a.Source)
				assert.Equal(t, n.GroupKey, a.GroupKey)
			}
			assert.True(t, byFP["ok-resolved"].StartsAt.IsZero())
			assert.Equal(t, map[string]string{}, byFP["null-annotations"].Annotations)
			assert.Equal(t, utc("2026-03-14T09:41:07Z"), byFP["offset-start"].StartsAt)
		})
	}
}

// A batch whose every alert is invalid is no error: nothing is taken and
// Problems says why.
func TestBatchAllBad(t *testing.T) {
	n, err := ingest.Parse("alertmanager", strings.NewReader(set(amBase, "alerts", []any{nil, alert("z", "startsAt", del)})))
	require.NoError(t, err)
	assert.NotNil(t, n.Alerts)
	assert.Empty(t, n.Alerts)
	assert.Len(t, n.Problems, 2)
}

// Text is kept as received; Title makes it safe.
func TestUntrustedText(t *testing.T) {
	evil := "\x1b]52;c;cm0gLXJmIH4=\x07Disk \x1b[2Jfull\u202e on\r\nnode-1\t\u200b"
	body := set(amBase, "alerts", []any{alert("f", "annotations", map[string]any{"summary": evil, "description": evil})})
	n, err := ingest.Parse("alertmanager", strings.NewReader(body))
	require.NoError(t, err)
	a := n.Alerts[0]
	assert.Equal(t, evil, a.Summary, "kept as received")
	assert.Equal(t, evil, a.Description)
	assert.Equal(t, evil, a.Annotations["summary"])
	assert.Equal(t, "Disk full on node-1", a.Title())
}

func TestTitle(t *testing.T) {
	long := strings.Repeat("ab", 150)
	cases := []struct {
		name  string
		a     ingest.Alert
		title string
	}{
		{"summary", ingest.Alert{Summary: "s", Labels: map[string]string{"alertname": "A"}, Fingerprint: "f"}, "s"},
		{"alertname", ingest.Alert{Labels: map[string]string{"alertname": "A"}, Fingerprint: "f"}, "A"},
		{"blank summary", ingest.Alert{Summary: " \x1b[0m\n", Labels: map[string]string{"alertname": "A"}}, "A"},
		{"fingerprint", ingest.Alert{Fingerprint: "f"}, "f"},
		{"nothing", ingest.Alert{}, ""},
		{"multi-line", ingest.Alert{Summary: "one\ntwo"}, "one two"},
		{"exactly 200", ingest.Alert{Summary: long[:200]}, long[:200]},
		{"cut", ingest.Alert{Summary: long}, long[:199] + "…"},
		{"cut in runes", ingest.Alert{Summary: strings.Repeat("界", 300)}, strings.Repeat("界", 199) + "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.a.Title()
			assert.Equal(t, c.title, got)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), ingest.TitleMax)
			assert.True(t, utf8.ValidString(got))
		})
	}
}

func TestSeverityMap(t *testing.T) {
	m := ingest.DefaultSeverityMap()
	require.NoError(t, m.Validate())
	withLabel := func(v string) ingest.Alert { return ingest.Alert{Labels: map[string]string{"severity": v}} }
	for v, want := range map[string]model.Severity{
		"critical": model.P1, "Critical ": model.P1, "CRITICAL": model.P1,
		"error": model.P2, "high": model.P2,
		"warning": model.P3, "warn": model.P3, "": model.P3, "page": model.P3, "P1": model.P3,
		"info": model.P4, "low": model.P4,
	} {
		assert.Equal(t, want, m.For(withLabel(v)), "%q", v)
	}
	assert.Equal(t, model.P3, m.For(ingest.Alert{}), "no labels at all")

	// Another label; "" means the Severity field.
	custom := ingest.SeverityMap{Label: "priority", Values: map[string]model.Severity{"p1": model.P1}, Default: model.P4}
	require.NoError(t, custom.Validate())
	assert.Equal(t, model.P1, custom.For(ingest.Alert{Labels: map[string]string{"priority": "P1", "severity": "info"}}))
	assert.Equal(t, model.P4, custom.For(ingest.Alert{Labels: map[string]string{"severity": "p1"}}))
	custom.Label = ""
	assert.Equal(t, model.P1, custom.For(ingest.Alert{Severity: "p1"}))

	// A plain value: copies are independent, and it encodes as data.
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"Label":"severity","Values":{"critical":"P1","error":"P2","high":"P2","warning":"P3","info":"P4","low":"P4"},"Default":"P3"}`, string(b))
	m2 := ingest.DefaultSeverityMap()
	m2.Values["critical"] = model.P2
	assert.Equal(t, model.P1, ingest.DefaultSeverityMap().Values["critical"])

	for _, bad := range []ingest.SeverityMap{
		{},
		{Default: model.P3, Values: map[string]model.Severity{"Critical": model.P1}},
		{Default: model.P3, Values: map[string]model.Severity{" high": model.P2}},
		{Default: model.P3, Values: map[string]model.Severity{"x": 9}},
	} {
		assert.Error(t, bad.Validate(), "%+v", bad)
	}
}
