package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/ingest"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/store"
)

// alertSamplesDir holds the shared sample payloads: shared/ sits beside the
// repository.
const alertSamplesDir = "../shared/cases/alerts"

// alertSample reads a sample payload; the test skips when the shared cases
// are not there.
func alertSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(alertSamplesDir, name))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("sample payloads not found: %s is expected in %s (shared/ beside the repository)", name, alertSamplesDir)
	}
	require.NoError(t, err)
	return b
}

// ingestGlobals are the globals of a test: a new database, the built-in
// playbooks only (an empty configuration directory), $USER alice.
func ingestGlobals(t *testing.T) globals {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("USER", "alice")
	return globals{db: filepath.Join(t.TempDir(), "warroom.db"), dbSet: true}
}

// logBuffer is a request log tests can read while the server writes.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSuffix(l.b.String(), "\n"), "\n")
}

// alertHarness is an alert server over a new database, in httptest.
type alertHarness struct {
	srv *httptest.Server
	st  *store.Store
	log *logBuffer
}

func newAlertHarness(t *testing.T, token string, rec ingest.Recorder) *alertHarness {
	g := ingestGlobals(t)
	cat, sm, err := alertContent(g)
	require.NoError(t, err)
	st, err := store.Open(context.Background(), g.db)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	if rec == nil {
		rec = st
	}
	var tok []byte
	if token != "" {
		tok = []byte(token)
	}
	h := &alertHarness{st: st, log: &logBuffer{}}
	handler := newAlertServer(rec, cat, sm, tok, func(source string) string { return source }, h.log)
	h.srv = httptest.NewServer(handler)
	t.Cleanup(h.srv.Close)
	return h
}

// post sends body to path with the given Authorization ("" for none).
func (h *alertHarness) post(t testing.TB, path string, body []byte, auth string) (int, string) {
	t.Helper()
	return h.do(t, http.MethodPost, path, bytes.NewReader(body), auth)
}

func (h *alertHarness) do(t testing.TB, method, path string, body io.Reader, auth string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := h.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// decodeReply decodes a 200 or 202 body.
func decodeReply(t testing.TB, body string) alertsReply {
	t.Helper()
	var r alertsReply
	require.NoError(t, json.Unmarshal([]byte(body), &r), body)
	require.NotNil(t, r.Incidents, "incidents is a list, never null")
	require.NotNil(t, r.Problems, "problems is a list, never null")
	return r
}

func (h *alertHarness) board(t testing.TB) []*model.Incident {
	t.Helper()
	incs, err := h.st.Board(context.Background())
	require.NoError(t, err)
	return incs
}

// sampleCases are the firing samples, their path and what they declare.
var sampleCases = []struct {
	file, path, format string
	start              time.Time
	alerts             int
}{
	{"alertmanager-webhook.json", "/alertmanager", "alertmanager", time.Date(2026, 3, 14, 9, 41, 7, 512e6, time.UTC), 2},
	{"grafana-webhook.json", "/grafana", "grafana", time.Date(2026, 3, 14, 9, 43, 0, 0, time.UTC), 1},
	{"pagerduty-events-v2.json", "/pagerduty", "pagerduty", time.Date(2026, 3, 14, 9, 41, 7, 512e6, time.UTC), 1},
}

// Each sample posted once then twice: one incident, started when the alert
// started; the second post updates it and moves no clock.
func TestServeSamplesDedup(t *testing.T) {
	for _, c := range sampleCases {
		t.Run(c.format, func(t *testing.T) {
			h := newAlertHarness(t, "", nil)
			body := alertSample(t, c.file)
			status, out := h.post(t, c.path, body, "")
			require.Equal(t, http.StatusOK, status, out)
			r := decodeReply(t, out)
			require.Len(t, r.Incidents, 1)
			assert.Equal(t, incidentReply{Key: "INC-0001", Created: true, Group: r.Incidents[0].Group, Alerts: c.alerts}, r.Incidents[0])
			assert.NotEmpty(t, r.Incidents[0].Group)
			assert.Empty(t, r.Problems)
			first, err := h.st.Get(context.Background(), 1)
			require.NoError(t, err)
			assert.Equal(t, c.start, first.StartedAt, "the start comes from the alert")
			assert.Equal(t, model.PhaseDetected, first.Phase)
			assert.Equal(t, model.P1, first.Severity, "severity=critical")
			assert.Equal(t, c.format, first.CreatedBy)

			status, out = h.post(t, c.path, body, "")
			require.Equal(t, http.StatusOK, status, out)
			r = decodeReply(t, out)
			require.Len(t, r.Incidents, 1)
			assert.Equal(t, "INC-0001", r.Incidents[0].Key)
			assert.False(t, r.Incidents[0].Created)
			assert.Len(t, h.board(t), 1, "no second incident")
			again, err := h.st.Get(context.Background(), 1)
			require.NoError(t, err)
			assert.Equal(t, first.StartedAt, again.StartedAt)
			assert.Equal(t, first.DetectedAt, again.DetectedAt)
			assert.Equal(t, first.LastProgressAt, again.LastProgressAt)
			now := first.DetectedAt.Add(time.Hour)
			assert.Equal(t, first.Deadlines(now), again.Deadlines(now), "no clock restarted")
			assert.Contains(t, again.Timeline[len(again.Timeline)-1].Text, "still firing")
			assert.Len(t, h.log.lines(), 2)
		})
	}
}

// Resolutions, acknowledgments and the nothing-to-note case.
func TestServeResolutions(t *testing.T) {
	h := newAlertHarness(t, "", nil)
	status, out := h.post(t, "/pagerduty", alertSample(t, "pagerduty-events-v2-resolve.json"), "")
	require.Equal(t, http.StatusAccepted, status, out)
	r := decodeReply(t, out)
	assert.Empty(t, r.Incidents)
	require.Len(t, r.Problems, 1)
	assert.Contains(t, r.Problems[0], "nothing noted")
	assert.Empty(t, h.board(t), "a resolution opens nothing")

	for _, f := range []string{"pagerduty-events-v2.json", "pagerduty-events-v2-acknowledge.json", "pagerduty-events-v2-resolve.json"} {
		status, out := h.post(t, "/pagerduty", alertSample(t, f), "")
		require.Equal(t, http.StatusOK, status, "%s: %s", f, out)
		assert.Equal(t, "INC-0001", decodeReply(t, out).Incidents[0].Key)
	}
	for _, f := range []string{"alertmanager-webhook.json", "alertmanager-webhook-resolved.json"} {
		status, out := h.post(t, "/alertmanager", alertSample(t, f), "")
		require.Equal(t, http.StatusOK, status, "%s: %s", f, out)
		assert.Equal(t, "INC-0002", decodeReply(t, out).Incidents[0].Key)
	}
	inc, err := h.st.Get(context.Background(), 1)
	require.NoError(t, err)
	assert.Equal(t, "the only alert of the group resolved", inc.Timeline[len(inc.Timeline)-1].Text)
	assert.Equal(t, model.StatusOpen, inc.Status, "the commander resolves incidents, not alerts")
	inc, err = h.st.Get(context.Background(), 2)
	require.NoError(t, err)
	assert.Contains(t, inc.Timeline[len(inc.Timeline)-1].Text, "alert resolved: ")
}

// amPayload is an Alertmanager notification for a group with one alert per
// fingerprint given.
func amPayload(group, summary string, fps ...string) []byte {
	alerts := make([]map[string]any, len(fps))
	for i, fp := range fps {
		alerts[i] = map[string]any{
			"status": "firing", "labels": map[string]string{"alertname": "Burst", "severity": "warning"},
			"annotations": map[string]string{"summary": summary},
			"startsAt":    "2026-03-14T09:41:07Z", "endsAt": "0001-01-01T00:00:00Z",
			"generatorURL": "http://prom/graph", "fingerprint": fp,
		}
	}
	b, err := json.Marshal(map[string]any{
		"version": "4", "groupKey": group, "status": "firing", "receiver": "warroom",
		"truncatedAlerts": 0, "alerts": alerts,
	})
	if err != nil {
		panic(err)
	}
	return b
}

// editAlert changes alert i of a payload.
func editAlert(t testing.TB, payload []byte, i int, f func(a map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(payload, &m))
	f(m["alerts"].([]any)[i].(map[string]any))
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

// Bad payloads: a 4xx with the reason, never a 5xx, nothing stored.
func TestServeBadPayloads(t *testing.T) {
	h := newAlertHarness(t, "", nil)
	valid := string(amPayload("g", "s", "f1"))
	zeroStart := strings.Replace(valid, `"startsAt":"2026-03-14T09:41:07Z"`, `"startsAt":"0001-01-01T00:00:00Z"`, 1)
	require.NotEqual(t, valid, zeroStart)
	big := append([]byte(`{"version":"4","pad":"`), bytes.Repeat([]byte("x"), ingest.MaxPayload)...)
	big = append(big, `"}`...)
	cases := []struct {
		name, path string
		body       []byte
		status     int
		reason     string
	}{
		{"malformed", "/alertmanager", []byte(`{"version": "4", "status": firing}`), 400, "malformed JSON"},
		{"truncated", "/alertmanager", []byte(valid[:len(valid)/2]), 400, "truncated"},
		{"empty", "/grafana", nil, 400, "is empty"},
		{"array", "/pagerduty", []byte(`[]`), 400, "want an object"},
		{"null group key", "/alertmanager", []byte(strings.Replace(valid, `"groupKey":"g"`, `"groupKey":null`, 1)), 422, "groupKey: is null"},
		{"missing alerts", "/alertmanager", []byte(`{"version":"4","status":"firing","groupKey":"g"}`), 422, "alerts: is missing"},
		{"old version", "/alertmanager", []byte(strings.Replace(valid, `"version":"4"`, `"version":"3"`, 1)), 422, `version: is "3", want "4"`},
		{"zero start", "/alertmanager", []byte(zeroStart), 422, "zero date"},
		{"grafana to alertmanager", "/alertmanager", alertSample(t, "grafana-webhook.json"), 422, `want "4"`},
		{"goalert", "/alertmanager", alertSample(t, "goalert-generic-api.json"), 422, "version: is missing"},
		{"change event", "/pagerduty", alertSample(t, "pagerduty-change-event.json"), 422, "change event"},
		{"pagerduty without dedup_key", "/pagerduty", []byte(`{"routing_key":"r","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info"}}`), 422, "dedup_key"},
		{"over 1 MiB", "/alertmanager", big, 413, "1 MiB"},
		{"1 MiB + 1", "/alertmanager", bytes.Repeat([]byte(" "), ingest.MaxPayload+1), 413, "1 MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, out := h.post(t, c.path, c.body, "")
			assert.Equal(t, c.status, status, out)
			assert.Contains(t, out, c.reason)
			assert.NotContains(t, out, "\x1b")
		})
	}
	t.Run("1 MiB + 1 chunked", func(t *testing.T) {
		// No Content-Length: refused while reading.
		body := io.MultiReader(bytes.NewReader([]byte(valid[:len(valid)-1])), bytes.NewReader(bytes.Repeat([]byte(" "), ingest.MaxPayload)))
		status, out := h.do(t, http.MethodPost, "/alertmanager", body, "")
		assert.Equal(t, http.StatusRequestEntityTooLarge, status, out)
	})
	assert.Empty(t, h.board(t), "nothing half-stored")
	assert.Len(t, h.log.lines(), len(cases)+1)

	// A batch with a bad alert: the good one is taken.
	mixed := editAlert(t, amPayload("g", "s", "good", "bad"), 1, func(a map[string]any) { delete(a, "startsAt") })
	status, out := h.post(t, "/alertmanager", mixed, "")
	require.Equal(t, http.StatusAccepted, status, out)
	r := decodeReply(t, out)
	require.Len(t, r.Incidents, 1)
	assert.Equal(t, 1, r.Incidents[0].Alerts)
	assert.Equal(t, []string{"skipped alerts[1].startsAt: is missing: a firing alert needs its start time"}, r.Problems)
	assert.Len(t, h.board(t), 1)
}

func TestServeMethodsAndPaths(t *testing.T) {
	h := newAlertHarness(t, "", nil)
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/alertmanager", 405},
		{http.MethodPut, "/grafana", 405},
		{http.MethodDelete, "/pagerduty", 405},
		{http.MethodPost, "/", 404},
		{http.MethodPost, "/alertmanager/", 404},
		{http.MethodPost, "/prometheus", 404},
		{http.MethodGet, "/", 404},
	} {
		status, out := h.do(t, c.method, c.path, strings.NewReader("{}"), "")
		assert.Equal(t, c.status, status, "%s %s: %s", c.method, c.path, out)
		if status == 405 {
			req, _ := http.NewRequest(c.method, h.srv.URL+c.path, nil)
			resp, err := h.srv.Client().Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, "POST", resp.Header.Get("Allow"))
		}
	}
	assert.Empty(t, h.board(t))
}

func TestServeAuth(t *testing.T) {
	h := newAlertHarness(t, "s3cret-token", nil)
	body := amPayload("g", "s", "f1")
	for _, c := range []struct {
		auth   string
		status int
	}{
		{"", 401},
		{"Bearer wrong", 401},
		{"Bearer s3cret-toke", 401},
		{"Bearer s3cret-token-and-more", 401},
		{"Basic czNjcmV0LXRva2Vu", 401},
		{"s3cret-token", 401},
		{"Bearer s3cret-token", 200},
		{"bearer s3cret-token", 200},
	} {
		status, out := h.post(t, "/alertmanager", body, c.auth)
		assert.Equal(t, c.status, status, "%q: %s", c.auth, out)
		if status == 401 {
			assert.Contains(t, out, "unauthorized")
		}
	}
	status, _ := h.post(t, "/nowhere", body, "")
	assert.Equal(t, 401, status, "nothing is told before the token")
	assert.Len(t, h.board(t), 1)
}

// failingRecorder fails every delivery with err.
type failingRecorder struct{ err error }

func (f failingRecorder) RecordAlerts(context.Context, string, string, []model.AlertRecord, model.Declaration, model.Catalog, string, time.Time) (int64, bool, error) {
	return 0, false, f.err
}

func TestServeStoreFailure(t *testing.T) {
	h := newAlertHarness(t, "", failingRecorder{errors.New("database is locked (5) /secret/path")})
	status, out := h.post(t, "/alertmanager", amPayload("g", "s", "f1"), "")
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Contains(t, out, "retry")
	assert.NotContains(t, out, "/secret/path", "the details go to the log, not to the sender")
	assert.Contains(t, h.log.lines()[0], "database is locked")

	h = newAlertHarness(t, "", failingRecorder{fmt.Errorf("record alerts: %w: bad", model.ErrInvalid)})
	status, _ = h.post(t, "/alertmanager", amPayload("g", "s", "f1"), "")
	assert.Equal(t, http.StatusUnprocessableEntity, status)
}

// One log line per request: time, remote, method, path, status, bytes,
// duration, result; untrusted parts quoted.
func TestServeLog(t *testing.T) {
	h := newAlertHarness(t, "", nil)
	body := amPayload("g", "s", "f1")
	h.post(t, "/alertmanager", body, "")
	h.post(t, "/alertmanager", body, "")
	h.do(t, http.MethodPost, "/x%1b%5b2J", strings.NewReader("{}"), "")
	lines := h.log.lines()
	require.Len(t, lines, 3)
	re := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z remote=127\.0\.0\.1:\d+ method="POST" path="(.*)" status=(\d+) bytes=(\d+) duration=\S+ result="(.*)"$`)
	m := re.FindStringSubmatch(lines[0])
	require.NotNil(t, m, lines[0])
	assert.Equal(t, []string{"/alertmanager", "200", fmt.Sprint(len(body)), "INC-0001 created"}, m[1:])
	m = re.FindStringSubmatch(lines[1])
	require.NotNil(t, m, lines[1])
	assert.Equal(t, "INC-0001 updated", m[4])
	m = re.FindStringSubmatch(lines[2])
	require.NotNil(t, m, lines[2])
	assert.Equal(t, "404", m[2])
	assert.NotContains(t, lines[2], "\x1b")
}

// A burst of 1,000 notifications for 50 groups, posted concurrently:
// exactly 50 incidents, every notification on a timeline, no error.
func TestServeBurst(t *testing.T) {
	h := newAlertHarness(t, "", nil)
	const groups, posts, clients = 50, 1000, 50
	jobs := make(chan int)
	go func() {
		for i := range posts {
			jobs <- i
		}
		close(jobs)
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	created := 0
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				g := i % groups
				body := amPayload(fmt.Sprintf("group-%02d", g), fmt.Sprintf("burst %02d", g), fmt.Sprintf("n-%04d", i))
				req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/alertmanager", bytes.NewReader(body))
				resp, err := h.srv.Client().Do(req)
				if err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					continue
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mu.Lock()
				if resp.StatusCode != http.StatusOK {
					failures = append(failures, fmt.Sprintf("post %d: %d %s", i, resp.StatusCode, out))
				} else if strings.Contains(string(out), `"created":true`) {
					created++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	require.Empty(t, failures)
	assert.Equal(t, groups, created)
	board := h.board(t)
	require.Len(t, board, groups, "exactly one incident per group")
	for _, b := range board {
		inc, err := h.st.Get(context.Background(), b.Number)
		require.NoError(t, err)
		g := -1
		_, err = fmt.Sscanf(inc.Title, "burst %d", &g)
		require.NoError(t, err, inc.Title)
		var firing []string
		for _, ev := range inc.Timeline {
			if ev.Kind == model.EventAlert {
				firing = append(firing, ev.Text)
			}
		}
		require.Len(t, firing, posts/groups, inc.Key())
		texts := strings.Join(firing, "\n")
		for i := g; i < posts; i += groups {
			assert.Contains(t, texts, fmt.Sprintf("alert firing: burst %02d [n-%04d]", g, i))
		}
	}
	assert.Len(t, h.log.lines(), posts)
}

// warroom ingest reads stdin: each sample once and twice.
func TestIngestStdin(t *testing.T) {
	for _, c := range sampleCases {
		t.Run(c.format, func(t *testing.T) {
			g := ingestGlobals(t)
			body := alertSample(t, c.file)
			for i, args := range [][]string{nil, {"--format", c.format}} {
				var stdout, stderr bytes.Buffer
				require.NoError(t, runIngest(g, args, bytes.NewReader(body), &stdout, &stderr), stderr.String())
				verb := map[int]string{0: "created", 1: "updated"}[i]
				alerts := map[bool]string{true: "1 alert", false: fmt.Sprintf("%d alerts", c.alerts)}[c.alerts == 1]
				assert.Regexp(t, fmt.Sprintf(`^INC-0001 %s \(%s group .+, %s\)\n$`, verb, c.format, alerts), stdout.String())
				assert.Empty(t, stderr.String())
			}
			st, err := store.Open(context.Background(), g.db)
			require.NoError(t, err)
			defer st.Close()
			board, err := st.Board(context.Background())
			require.NoError(t, err)
			require.Len(t, board, 1)
			assert.Equal(t, c.start, board[0].StartedAt)
			assert.Equal(t, c.format, board[0].CreatedBy, "recorded as the source")
		})
	}
}

func TestIngestStdinErrors(t *testing.T) {
	g := ingestGlobals(t)
	valid := amPayload("g", "s", "f1")
	for _, c := range []struct {
		name   string
		args   []string
		stdin  []byte
		reason string
	}{
		{"malformed", nil, []byte(`{"alerts": [`), "truncated"},
		{"empty", nil, nil, "is empty"},
		{"unknown shape", nil, []byte(`{"hello": 1}`), "name the format"},
		{"wrong format", []string{"--format", "grafana"}, valid, `want "1"`},
		{"bad format flag", []string{"--format", "nagios"}, valid, "unknown format"},
		{"argument", []string{"file.json"}, valid, "no arguments"},
		{"too large", nil, bytes.Repeat([]byte(" "), ingest.MaxPayload+1), "1 MiB"},
		{"no valid alert", nil, []byte(strings.Replace(string(valid), `"fingerprint":"f1"`, `"fingerprint":""`, 1)), "no valid alert"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := runIngest(g, c.args, bytes.NewReader(c.stdin), &stdout, &stderr)
			var ue usageError
			require.ErrorAs(t, err, &ue, "exit status 2")
			assert.Contains(t, err.Error(), c.reason)
			assert.Empty(t, stdout.String())
		})
	}
	_, err := os.Stat(g.db)
	assert.ErrorIs(t, err, fs.ErrNotExist, "a bad payload does not even open the database")

	// A resolution with nothing open: exit 0, said so.
	var stdout, stderr bytes.Buffer
	require.NoError(t, runIngest(g, nil, bytes.NewReader(alertSample(t, "pagerduty-events-v2-resolve.json")), &stdout, &stderr))
	assert.Equal(t, "nothing noted (pagerduty group checkout-api/CheckoutHighErrorRate/eu-west-1): no alert fires and the group has no open incident\n", stdout.String())

	// Skipped alerts are reported; the others taken; --as names the actor.
	g.as, g.asSet = "bob", true
	stdout.Reset()
	mixed := editAlert(t, amPayload("g2", "s", "ok", "bad"), 1, func(a map[string]any) { a["status"] = "pending" })
	require.NoError(t, runIngest(g, nil, bytes.NewReader(mixed), &stdout, &stderr))
	assert.Equal(t, "INC-0001 created (alertmanager group g2, 1 alert)\n", stdout.String())
	assert.Contains(t, stderr.String(), "warroom: skipped alerts[1]")
	st, err := store.Open(context.Background(), g.db)
	require.NoError(t, err)
	defer st.Close()
	inc, err := st.Get(context.Background(), 1)
	require.NoError(t, err)
	assert.Equal(t, "bob", inc.CreatedBy)
}

func TestServeListenChecks(t *testing.T) {
	for _, c := range []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"127.0.0.1:9095", false, true},
		{"localhost:9095", false, true},
		{"[::1]:9095", false, true},
		{"127.0.0.2:0", false, true},
		{"0.0.0.0:9095", false, false},
		{":9095", false, false},
		{"[::]:9095", false, false},
		{"192.0.2.7:9095", false, false},
		{"example.com:9095", false, false},
		{"0.0.0.0:9095", true, true},
		{"127.0.0.1", false, false},
	} {
		_, err := checkListen(c.addr, c.remote)
		if c.ok {
			assert.NoError(t, err, c.addr)
		} else {
			var ue usageError
			assert.ErrorAs(t, err, &ue, c.addr)
		}
	}
}

func TestServeFlagErrors(t *testing.T) {
	g := ingestGlobals(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, []byte(" \n"), 0o600))
	for _, args := range [][]string{
		{"--listen", "0.0.0.0:0"},
		{"--listen", "nonsense"},
		{"--token-file", empty},
		{"extra"},
	} {
		var stderr bytes.Buffer
		err := serve(context.Background(), g, args, io.Discard, &stderr, func(net.Addr) { t.Errorf("%v: served", args) })
		var ue usageError
		assert.ErrorAs(t, err, &ue, "%v", args)
	}
	err := serve(context.Background(), g, []string{"--token-file", filepath.Join(dir, "missing")}, io.Discard, io.Discard, nil)
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// serve end to end: listen, take a sample with the token, log to the
// file, stop when told.
func TestServeRuns(t *testing.T) {
	g := ingestGlobals(t)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("tok-123\n"), 0o600))
	require.NoError(t, os.Chmod(tokenFile, 0o644))
	logFile := filepath.Join(dir, "serve.log")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	var stderr logBuffer
	go func() {
		done <- serve(ctx, g, []string{"--listen", "127.0.0.1:0", "--token-file", tokenFile, "--log", logFile},
			io.Discard, &stderr, func(a net.Addr) { addrs <- a })
	}()
	var addr net.Addr
	select {
	case addr = <-addrs:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	post := func(auth string) int {
		req, err := http.NewRequest(http.MethodPost, "http://"+addr.String()+"/grafana", bytes.NewReader(alertSample(t, "grafana-webhook.json")))
		require.NoError(t, err)
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, 401, post("Bearer nope"))
	assert.Equal(t, 200, post("Bearer tok-123"))
	cancel()
	require.NoError(t, <-done)

	text := strings.Join(stderr.lines(), "\n")
	assert.Contains(t, text, "can be read by others", "a token file others can read is used, with a warning")
	assert.Contains(t, text, "taking alerts on http://127.0.0.1:")
	b, err := os.ReadFile(logFile)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], "status=401")
	assert.Contains(t, lines[1], `path="/grafana" status=200`)
	assert.Contains(t, lines[1], `result="INC-0001 created"`)
	fi, err := os.Stat(logFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	st, err := store.Open(context.Background(), g.db)
	require.NoError(t, err)
	defer st.Close()
	alerts, err := st.IncidentAlerts(context.Background(), 1)
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	assert.Equal(t, "https://runbooks.example.internal/checkout-api/latency", alerts[0].RunbookURL)
}
