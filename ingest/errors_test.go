package ingest_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/ingest"
)

// Inline payloads, so that these tests do not depend on the shared samples.
const (
	amBase = `{
  "version": "4", "groupKey": "{}:{alertname=\"A\"}", "truncatedAlerts": 0,
  "status": "firing", "receiver": "warroom",
  "alerts": [{
    "status": "firing", "labels": {"alertname": "A", "severity": "warning"},
    "annotations": {"summary": "a is broken"},
    "startsAt": "2026-03-14T09:41:07Z", "endsAt": "0001-01-01T00:00:00Z",
    "generatorURL": "http://prom/graph", "fingerprint": "f1"
  }]
}`
	grafanaBase = `{
  "version": "1", "groupKey": "{}:{alertname=\"G\"}", "truncatedAlerts": 0,
  "status": "firing", "state": "alerting", "orgId": 1, "title": "[FIRING:1] G", "message": "m",
  "alerts": [{
    "status": "firing", "labels": {"alertname": "G"}, "annotations": {},
    "startsAt": "2026-03-14T09:43:00Z", "endsAt": "0001-01-01T00:00:00Z",
    "generatorURL": "http://grafana/view", "fingerprint": "g1", "valueString": "x"
  }]
}`
	pdBase = `{
  "routing_key": "R0UT1NGKEY", "event_action": "trigger", "dedup_key": "d1",
  "client": "c", "client_url": "http://c",
  "payload": {"summary": "s", "source": "h", "severity": "error", "timestamp": "2026-03-14T09:41:07Z"},
  "links": [{"href": "http://rb", "text": "Runbook"}]
}`
)

// edit decodes a base payload, applies f to it and encodes it again.
func edit(base string, f func(m map[string]any)) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(base), &m); err != nil {
		panic(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// set sets (or with del, deletes) a member of the payload; "alerts.0.x"
// reaches into the first alert, "payload.x" into PagerDuty's payload.
func set(base, path string, v any) string {
	return edit(base, func(m map[string]any) {
		parts := strings.Split(path, ".")
		cur := m
		for i := 0; i < len(parts)-1; i++ {
			switch next := cur[parts[i]].(type) {
			case []any:
				cur = next[0].(map[string]any)
				i++ // skip the index
			case map[string]any:
				cur = next
			}
		}
		last := parts[len(parts)-1]
		if v == del {
			delete(cur, last)
		} else {
			cur[last] = v
		}
	})
}

var del = &struct{ x int }{} // set's "delete the member"

func TestBasesParse(t *testing.T) {
	for format, body := range map[string]string{"alertmanager": amBase, "grafana": grafanaBase, "pagerduty": pdBase} {
		n, err := ingest.Parse(format, strings.NewReader(body))
		require.NoError(t, err, format)
		require.Len(t, n.Alerts, 1, format)
		assert.Empty(t, n.Problems)
	}
	n, err := ingest.Parse("pagerduty", strings.NewReader(pdBase))
	require.NoError(t, err)
	assert.Equal(t, "http://rb", n.Alerts[0].RunbookURL, "from the link named Runbook")
}

// Every refused payload: an *Error with the field and reason, and a zero
// Notification (nothing taken).
func TestParseErrors(t *testing.T) {
	tooBig := `{"version":"4","pad":"` + strings.Repeat("x", ingest.MaxPayload) + `"}`
	long := strings.Repeat("k", ingest.MaxKeyLen+1)
	cases := []struct {
		name, format, body string
		field, reason      string // reason: a substring
		is                 error
	}{
		// Size and syntax.
		{"over 1 MiB", "alertmanager", tooBig, "", "over the 1048576-byte limit", ingest.ErrTooLarge},
		{"empty", "alertmanager", "", "", "is empty", nil},
		{"blank", "grafana", " \n\t ", "", "is empty", nil},
		{"truncated", "alertmanager", amBase[:120], "", "malformed JSON: truncated", nil},
		{"truncated pagerduty", "pagerduty", pdBase[:len(pdBase)-1], "", "truncated", nil},
		{"trailing comma", "alertmanager", `{"version": "4",}`, "", "malformed JSON at byte 17", nil},
		{"trailing garbage", "alertmanager", amBase + " x", "", "malformed JSON at byte", nil},
		{"two values", "pagerduty", pdBase + pdBase, "", "malformed JSON", nil},
		{"not JSON", "grafana", "version=1", "", "malformed JSON", nil},
		{"null payload", "alertmanager", "null", "", "is null, want an object", nil},
		{"array payload", "grafana", "[" + grafanaBase + "]", "", "is an array, want an object", nil},
		{"string payload", "pagerduty", `"trigger"`, "", "is a string, want an object", nil},
		{"unknown format", "prometheus", amBase, "", `unknown format "prometheus" (want alertmanager, grafana, pagerduty)`, ingest.ErrUnknownFormat},
		{"format case", "Alertmanager", amBase, "", "unknown format", ingest.ErrUnknownFormat},

		// Alertmanager envelope.
		{"am version missing", "alertmanager", set(amBase, "version", del), "version", "is missing", nil},
		{"am version 3", "alertmanager", set(amBase, "version", "3"), "version", `is "3", want "4"`, nil},
		{"am version number", "alertmanager", set(amBase, "version", 4), "version", "is a number, want a string", nil},
		{"am version null", "alertmanager", set(amBase, "version", nil), "version", "is null, want a string", nil},
		{"am grafana payload", "alertmanager", grafanaBase, "version", `is "1", want "4"`, nil},
		{"am status missing", "alertmanager", set(amBase, "status", del), "status", "is missing", nil},
		{"am status unknown", "alertmanager", set(amBase, "status", "pending"), "status", `is "pending", want firing or resolved`, nil},
		{"am status null", "alertmanager", set(amBase, "status", nil), "status", "is null", nil},
		{"am status bool", "alertmanager", set(amBase, "status", true), "status", "is a boolean, want a string", nil},
		{"am groupKey missing", "alertmanager", set(amBase, "groupKey", del), "groupKey", "is missing", nil},
		{"am groupKey empty", "alertmanager", set(amBase, "groupKey", " "), "groupKey", "is empty", nil},
		{"am groupKey object", "alertmanager", set(amBase, "groupKey", map[string]any{}), "groupKey", "is an object, want a string", nil},
		{"am truncated string", "alertmanager", set(amBase, "truncatedAlerts", "0"), "truncatedAlerts", "is a string, want a whole number", nil},
		{"am truncated negative", "alertmanager", set(amBase, "truncatedAlerts", -1), "truncatedAlerts", "is -1, want 0 or more", nil},
		{"am truncated fraction", "alertmanager", set(amBase, "truncatedAlerts", 1.5), "truncatedAlerts", `is "1.5", want a whole number`, nil},
		{"am truncated null", "alertmanager", set(amBase, "truncatedAlerts", nil), "truncatedAlerts", "is null", nil},
		{"am alerts missing", "alertmanager", set(amBase, "alerts", del), "alerts", "is missing", nil},
		{"am alerts null", "alertmanager", set(amBase, "alerts", nil), "alerts", "is null, want an array", nil},
		{"am alerts object", "alertmanager", set(amBase, "alerts", map[string]any{}), "alerts", "is an object, want an array", nil},
		{"am alerts empty", "alertmanager", set(amBase, "alerts", []any{}), "alerts", "is empty", nil},

		// Grafana envelope.
		{"grafana version 4", "grafana", set(grafanaBase, "version", "4"), "version", `is "4", want "1"`, nil},
		{"grafana alertmanager payload", "grafana", amBase, "version", `is "4", want "1"`, nil},
		{"grafana state unknown", "grafana", set(grafanaBase, "state", "pending"), "state", `is "pending", want alerting or ok`, nil},
		{"grafana state null", "grafana", set(grafanaBase, "state", nil), "state", "is null", nil},
		{"grafana groupKey null", "grafana", set(grafanaBase, "groupKey", nil), "groupKey", "is null", nil},
		{"grafana alerts string", "grafana", set(grafanaBase, "alerts", "[]"), "alerts", "is a string, want an array", nil},

		// PagerDuty.
		{"pd routing_key missing", "pagerduty", set(pdBase, "routing_key", del), "routing_key", "is missing", nil},
		{"pd routing_key number", "pagerduty", set(pdBase, "routing_key", 5), "routing_key", "is a number", nil},
		{"pd event_action missing", "pagerduty", set(set(pdBase, "event_action", del), "payload", del), "event_action", "is missing", nil},
		{"pd event_action unknown", "pagerduty", set(pdBase, "event_action", "escalate"), "event_action", `is "escalate", want trigger or acknowledge or resolve`, nil},
		{"pd event_action null", "pagerduty", set(pdBase, "event_action", nil), "event_action", "is null", nil},
		{"pd change event", "pagerduty", set(pdBase, "event_action", del), "", "change event", ingest.ErrNotIncident},
		{"pd dedup_key missing", "pagerduty", set(pdBase, "dedup_key", del), "dedup_key", "is missing: warroom needs a dedup_key", nil},
		{"pd dedup_key missing on resolve", "pagerduty", `{"routing_key":"r","event_action":"resolve"}`, "dedup_key", "is missing", nil},
		{"pd dedup_key empty", "pagerduty", set(pdBase, "dedup_key", ""), "dedup_key", "is empty", nil},
		{"pd dedup_key null", "pagerduty", set(pdBase, "dedup_key", nil), "dedup_key", "is null", nil},
		{"pd dedup_key too long", "pagerduty", set(pdBase, "dedup_key", long), "dedup_key", "is 256 characters long, over the limit of 255", nil},
		{"pd client_url number", "pagerduty", set(pdBase, "client_url", 1), "client_url", "is a number", nil},
		{"pd payload missing", "pagerduty", set(pdBase, "payload", del), "payload", "is missing: a trigger needs one", nil},
		{"pd payload null", "pagerduty", set(pdBase, "payload", nil), "payload", "is null, want an object", nil},
		{"pd payload string", "pagerduty", set(pdBase, "payload", "s"), "payload", "is a string, want an object", nil},
		{"pd summary missing", "pagerduty", set(pdBase, "payload.summary", del), "payload.summary", "is missing", nil},
		{"pd summary blank", "pagerduty", set(pdBase, "payload.summary", "  "), "payload.summary", "is empty", nil},
		{"pd source missing", "pagerduty", set(pdBase, "payload.source", del), "payload.source", "is missing", nil},
		{"pd severity missing", "pagerduty", set(pdBase, "payload.severity", del), "payload.severity", "is missing", nil},
		{"pd severity capitalised", "pagerduty", set(pdBase, "payload.severity", "Critical"), "payload.severity", `is "Critical", want critical or error or warning or info`, nil},
		{"pd severity number", "pagerduty", set(pdBase, "payload.severity", 1), "payload.severity", "is a number", nil},
		{"pd timestamp not a date", "pagerduty", set(pdBase, "payload.timestamp", "yesterday"), "payload.timestamp", `is "yesterday", not an RFC 3339 date`, nil},
		{"pd timestamp zero date", "pagerduty", set(pdBase, "payload.timestamp", "0001-01-01T00:00:00Z"), "payload.timestamp", "is the zero date", nil},
		{"pd timestamp null", "pagerduty", set(pdBase, "payload.timestamp", nil), "payload.timestamp", "is null", nil},
		{"pd timestamp unix", "pagerduty", set(pdBase, "payload.timestamp", 1773481267), "payload.timestamp", "is a number, want an RFC 3339 date string", nil},
		{"pd component number", "pagerduty", set(pdBase, "payload.component", 7), "payload.component", "is a number", nil},
		{"pd links object", "pagerduty", set(pdBase, "links", map[string]any{}), "links", "is an object, want an array", nil},
		{"pd link string", "pagerduty", set(pdBase, "links", []any{"http://x"}), "links[0]", "is a string, want an object", nil},
		{"pd link without href", "pagerduty", set(pdBase, "links", []any{map[string]any{"text": "x"}}), "links[0].href", "is missing", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := ingest.Parse(c.format, strings.NewReader(c.body))
			var e *ingest.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, ingest.Notification{}, n, "an error takes nothing")
			assert.Equal(t, c.field, e.Field)
			assert.Contains(t, e.Reason, c.reason)
			if c.is != nil {
				assert.ErrorIs(t, err, c.is)
			}
			if c.format == "prometheus" || c.format == "Alertmanager" {
				assert.Empty(t, e.Format)
			} else {
				assert.Equal(t, c.format, e.Format)
				assert.True(t, strings.HasPrefix(err.Error(), c.format+" payload: "), err.Error())
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	_, err := ingest.Parse("alertmanager", strings.NewReader(set(amBase, "version", "3")))
	assert.EqualError(t, err, `alertmanager payload: version: is "3", want "4"`)

	_, err = ingest.Parse("pagerduty", strings.NewReader(set(pdBase, "payload.severity", "\x1b[2Jhigh")))
	assert.EqualError(t, err, `pagerduty payload: payload.severity: is "\x1b[2Jhigh", want critical or error or warning or info`,
		"untrusted values are quoted, escapes escaped")

	_, err = ingest.Parse("grafana", strings.NewReader(set(grafanaBase, "version", strings.Repeat("9", 100))))
	assert.EqualError(t, err, `grafana payload: version: is "`+strings.Repeat("9", 63)+`…", want "1"`, "and cut short")

	_, err = ingest.Parse("alertmanager", strings.NewReader(amBase[:50]))
	assert.EqualError(t, err, "alertmanager payload: malformed JSON: truncated (the input ends at byte 50 inside a value)")
}

func TestReadErrors(t *testing.T) {
	_, err := ingest.Parse("alertmanager", iotest.ErrReader(iotest.ErrTimeout))
	assert.ErrorIs(t, err, iotest.ErrTimeout)
	assert.EqualError(t, err, "alertmanager payload: reading the payload: timeout")

	_, err = ingest.Parse("alertmanager", nil)
	var e *ingest.Error
	assert.ErrorAs(t, err, &e)

	// A reader that would go on for ever is read no further than the limit.
	_, err = ingest.Parse("alertmanager", endless{})
	assert.ErrorIs(t, err, ingest.ErrTooLarge)
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// The limit is inclusive: exactly MaxPayload bytes is fine, one more is not.
func TestMaxPayloadBoundary(t *testing.T) {
	body := amBase + strings.Repeat(" ", ingest.MaxPayload-len(amBase))
	require.Len(t, body, ingest.MaxPayload)
	n, err := ingest.Parse("alertmanager", strings.NewReader(body))
	require.NoError(t, err)
	assert.Len(t, n.Alerts, 1)
	f, err := ingest.Detect([]byte(body))
	require.NoError(t, err)
	assert.Equal(t, "alertmanager", f)

	_, err = ingest.Parse("alertmanager", strings.NewReader(body+" "))
	assert.ErrorIs(t, err, ingest.ErrTooLarge)
	_, err = ingest.Detect([]byte(body + " "))
	assert.ErrorIs(t, err, ingest.ErrTooLarge)
	_, err = ingest.ReadPayload(strings.NewReader(body + " "))
	assert.ErrorIs(t, err, ingest.ErrTooLarge)
}

func TestDetect(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"alertmanager", amBase, "alertmanager"},
		{"alertmanager, other version", set(amBase, "version", "3"), "alertmanager"}, // Parse says why not
		{"alertmanager, no version", set(amBase, "version", del), "alertmanager"},
		{"grafana", grafanaBase, "grafana"},
		{"grafana by version", set(set(set(set(grafanaBase, "state", del), "orgId", del), "title", del), "message", del), "grafana"},
		{"grafana by its members", set(grafanaBase, "version", del), "grafana"},
		{"pagerduty", pdBase, "pagerduty"},
		{"pagerduty resolve", `{"routing_key":"r","event_action":"resolve","dedup_key":"d"}`, "pagerduty"},
		{"pagerduty without routing key", `{"event_action":"resolve","dedup_key":"d"}`, "pagerduty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ingest.Detect([]byte(c.body))
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
	for name, body := range map[string]string{
		"empty":        "",
		"null":         "null",
		"array":        "[]",
		"truncated":    amBase[:30],
		"no shape":     `{"summary":"s","dedup":"d"}`,
		"legacy graf":  `{"ruleName":"r","state":"alerting","evalMatches":[]}`,
		"empty object": `{}`,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := ingest.Detect([]byte(body))
			var e *ingest.Error
			require.ErrorAs(t, err, &e)
			assert.Empty(t, got)
			assert.Empty(t, e.Format)
		})
	}
	_, err := ingest.Detect([]byte(`{"summary":"s"}`))
	assert.ErrorIs(t, err, ingest.ErrUnknownFormat)
}

// Fields Parse does not read may hold anything, and the newer Alertmanager
// members are accepted and ignored.
func TestIgnoredFields(t *testing.T) {
	body := edit(amBase, func(m map[string]any) {
		m["notification_reason"] = "repeat interval elapsed"
		m["routeLabels"] = map[string]any{"team": "payments"}
		m["receiver"] = nil
		m["externalURL"] = 42
		m["commonLabels"] = "whatever"
		m["alerts"].([]any)[0].(map[string]any)["extra"] = []any{1, nil}
	})
	n, err := ingest.Parse("alertmanager", strings.NewReader(body))
	require.NoError(t, err)
	require.Len(t, n.Alerts, 1)
	assert.Empty(t, n.Problems)

	// Keys are matched exactly: "Status" is not "status".
	_, err = ingest.Parse("alertmanager", strings.NewReader(set(set(amBase, "status", del), "Status", "firing")))
	var e *ingest.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "status", e.Field)

	// PagerDuty: payload and links are ignored on acknowledge and resolve.
	n, err = ingest.Parse("pagerduty", strings.NewReader(`{"routing_key":"r","event_action":"resolve","dedup_key":"d","payload":"junk","links":7}`))
	require.NoError(t, err)
	assert.Equal(t, "resolved", n.Status)
	assert.Equal(t, "d", n.Alerts[0].Fingerprint)

	// images is never read.
	_, err = ingest.Parse("pagerduty", strings.NewReader(set(pdBase, "images", "junk")))
	require.NoError(t, err)
}

func TestTruncated(t *testing.T) {
	n, err := ingest.Parse("alertmanager", strings.NewReader(set(amBase, "truncatedAlerts", 7)))
	require.NoError(t, err)
	assert.Equal(t, 7, n.Truncated)
	n, err = ingest.Parse("alertmanager", strings.NewReader(set(amBase, "truncatedAlerts", del)))
	require.NoError(t, err, "absent in Alertmanager before v0.22")
	assert.Equal(t, 0, n.Truncated)
}

func TestPagerDutyDetails(t *testing.T) {
	t.Run("no timestamp: zero StartsAt, stamped by the caller", func(t *testing.T) {
		n, err := ingest.Parse("pagerduty", strings.NewReader(set(pdBase, "payload.timestamp", del)))
		require.NoError(t, err)
		assert.True(t, n.Alerts[0].StartsAt.IsZero())
		assert.Equal(t, "firing", n.Alerts[0].Status)
	})
	t.Run("offset timestamps become UTC", func(t *testing.T) {
		n, err := ingest.Parse("pagerduty", strings.NewReader(set(pdBase, "payload.timestamp", "2026-03-14T10:41:07.5+01:00")))
		require.NoError(t, err)
		assert.Equal(t, utc("2026-03-14T09:41:07.5Z"), n.Alerts[0].StartsAt)
	})
	t.Run("custom_details of every kind", func(t *testing.T) {
		n, err := ingest.Parse("pagerduty", strings.NewReader(set(pdBase, "payload.custom_details", map[string]any{
			"s": "x", "n": 1.5, "b": true, "z": nil, "o": map[string]any{"k": []any{1, "v"}},
			"runbook_url": 3, // not a string: not a runbook
		})))
		require.NoError(t, err)
		a := n.Alerts[0]
		assert.Equal(t, map[string]string{"s": "x", "n": "1.5", "b": "true", "z": "null", "o": `{"k":[1,"v"]}`, "runbook_url": "3"}, a.Annotations)
		assert.Equal(t, "http://rb", a.RunbookURL, "the link, since runbook_url is not a string")
	})
	t.Run("custom_details not an object", func(t *testing.T) {
		n, err := ingest.Parse("pagerduty", strings.NewReader(set(pdBase, "payload.custom_details", "free text")))
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"custom_details": "free text"}, n.Alerts[0].Annotations)
		n, err = ingest.Parse("pagerduty", strings.NewReader(set(pdBase, "payload.custom_details", []any{1, 2})))
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"custom_details": "[1,2]"}, n.Alerts[0].Annotations)
		n, err = ingest.Parse("pagerduty", strings.NewReader(set(pdBase, "payload.custom_details", nil)))
		require.NoError(t, err)
		assert.Equal(t, map[string]string{}, n.Alerts[0].Annotations)
	})
	t.Run("dedup_key of 255 characters", func(t *testing.T) {
		key := strings.Repeat("é", ingest.MaxKeyLen) // characters, not bytes
		n, err := ingest.Parse("pagerduty", strings.NewReader(set(pdBase, "dedup_key", key)))
		require.NoError(t, err)
		assert.Equal(t, key, n.Alerts[0].Fingerprint)
		assert.Equal(t, key, n.GroupKey)
	})
	t.Run("the routing key is not kept", func(t *testing.T) {
		n, err := ingest.Parse("pagerduty", strings.NewReader(pdBase))
		require.NoError(t, err)
		b, _ := json.Marshal(n)
		assert.NotContains(t, string(b), "R0UT1NGKEY")
	})
}

func TestErrorUnwrap(t *testing.T) {
	_, err := ingest.Parse("alertmanager", bytes.NewReader([]byte(`{"version": 4`)))
	var se *json.SyntaxError
	assert.ErrorAs(t, err, &se, "the JSON error is wrapped")
}

// The version is checked first: a payload of the wrong format says so.
func TestVersionFirst(t *testing.T) {
	_, err := ingest.Parse("grafana", strings.NewReader(set(set(grafanaBase, "version", "4"), "state", "pending")))
	var e *ingest.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "version", e.Field)
}
