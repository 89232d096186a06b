package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/warroom/warroom/ingest"
	"github.com/warroom/warroom/model"
)

// Alerts from monitoring: `warroom ingest` reads one notification on stdin,
// `warroom serve` takes them over HTTP. Both parse with ingest.Parse and
// store with ingest.Apply (one transaction per alert group, see
// store.RecordAlerts), against the catalog and the alert severity mapping
// (labels.yaml) of the playbook content, custom directories included.
//
// The timeline records an alert's events as --as when it is given, else as
// the monitoring system they came from ("alertmanager", "grafana",
// "pagerduty"): the operator who runs the command did not raise them.

// alertContent is the catalog and the severity mapping alerts are taken
// with: the playbook content (loadContent), whose labels.yaml holds the
// mapping.
func alertContent(g globals) (model.Catalog, ingest.SeverityMap, error) {
	c, err := loadContent(g)
	if err != nil {
		return model.Catalog{}, ingest.SeverityMap{}, err
	}
	sm := ingest.SeverityMap(c.Labels)
	if err := sm.Validate(); err != nil {
		return model.Catalog{}, ingest.SeverityMap{}, fmt.Errorf("playbooks: labels.yaml: %w", err)
	}
	return c.Catalog, sm, nil
}

// alertActor is who the timeline records an alert's events as: --as, else
// the source.
func alertActor(g globals, source string) string {
	if g.asSet {
		return actor(g)
	}
	return source
}

// ingestTimeout bounds one notification's trip to the database, waiting for
// the write lock included.
const ingestTimeout = 20 * time.Second

// clip is untrusted text for one line of output: plain (no escape
// sequences or control characters), at most n cells wide.
func clip(s string, n int) string {
	return ansi.Truncate(strings.TrimSpace(model.PlainLine(s)), n, "…")
}

// groupText is "alertmanager group <key>" for output.
func groupText(source, key string) string {
	return source + " group " + clip(key, 100)
}

func runIngest(g globals, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("ingest", &g, stderr)
	format := fs.String("format", "", "the payload's format: "+strings.Join(ingest.Formats, ", ")+" (default: told from the payload)")
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("ingest takes no arguments (got %q); it reads one payload on stdin", pos[0])}
	}
	f := strings.ToLower(strings.TrimSpace(*format))
	if f != "" && !slices.Contains(ingest.Formats, f) {
		return usageError{fmt.Sprintf("unknown format %q (want %s)", *format, strings.Join(ingest.Formats, ", "))}
	}
	b, err := ingest.ReadPayload(stdin)
	if err != nil {
		return usageError{err.Error()}
	}
	if f == "" {
		if f, err = ingest.Detect(b); err != nil {
			return usageError{err.Error()}
		}
	}
	n, err := ingest.Parse(f, bytes.NewReader(b))
	if err != nil {
		return usageError{err.Error()}
	}
	if len(n.Alerts) == 0 {
		return usageError{noAlertsText(n)}
	}
	cat, sm, err := alertContent(g)
	if err != nil {
		return err
	}
	st, _, err := open(g)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), ingestTimeout)
	defer cancel()
	res, err := ingest.Apply(ctx, st, n, cat, sm, alertActor(g, n.Source), time.Now())
	for _, p := range res.Problems {
		fmt.Fprintln(stderr, "warroom:", clip(p, 300))
	}
	for _, gr := range res.Groups {
		fmt.Fprintln(stdout, groupLine(res.Source, gr))
	}
	return err
}

// noAlertsText says why a notification whose every alert was invalid is
// refused.
func noAlertsText(n ingest.Notification) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s payload: no valid alert, nothing taken", n.Source)
	for _, p := range n.Problems {
		b.WriteString("\n  ")
		b.WriteString(clip(p.String(), 300))
	}
	return b.String()
}

// groupLine is what ingest prints for a group:
//
//	INC-0007 created (alertmanager group {}:{alertname="X"}, 2 alerts)
//	INC-0007 updated (alertmanager group {}:{alertname="X"}, 1 alert)
//	nothing noted (pagerduty group db/down): no alert fires and the group has no open incident
func groupLine(source string, gr ingest.GroupResult) string {
	if !gr.Noted() {
		return fmt.Sprintf("nothing noted (%s): %s", groupText(source, gr.GroupKey), strings.Join(gr.Problems, "; "))
	}
	verb := "updated"
	if gr.Created {
		verb = "created"
	}
	alerts := "1 alert"
	if gr.Alerts != 1 {
		alerts = fmt.Sprintf("%d alerts", gr.Alerts)
	}
	return fmt.Sprintf("%s %s (%s, %s)", gr.Key, verb, groupText(source, gr.GroupKey), alerts)
}

// The paths serve takes alerts on, by format.
var alertPaths = map[string]string{
	"/alertmanager": ingest.FormatAlertmanager,
	"/grafana":      ingest.FormatGrafana,
	"/pagerduty":    ingest.FormatPagerDuty,
}

// The HTTP server's timeouts. A request has serveReadTimeout to arrive
// whole (1 MiB at most), then ingestTimeout to be stored; its answer must
// be written within serveWriteTimeout of its headers.
const (
	serveReadHeaderTimeout = 5 * time.Second
	serveReadTimeout       = 15 * time.Second
	serveWriteTimeout      = serveReadTimeout + ingestTimeout + 10*time.Second
	serveIdleTimeout       = 2 * time.Minute
	serveShutdownTimeout   = 10 * time.Second
	// serveWriters is how many requests write to the database at once;
	// the others wait for a turn (within ingestTimeout). SQLite takes one
	// writer at a time anyway: this keeps a burst from holding a
	// connection per request.
	serveWriters = 4
)

func runServe(g globals, args []string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, g, args, stdout, stderr, nil)
}

// serve is runServe until ctx is done; ready, if not nil, is called with
// the address listened on once the server accepts connections.
func serve(ctx context.Context, g globals, args []string, stdout, stderr io.Writer, ready func(net.Addr)) error {
	fs := newFlagSet("serve", &g, stderr)
	listen := fs.String("listen", "127.0.0.1:9095", "address to listen on, host:port (loopback unless --allow-remote)")
	tokenFile := fs.String("token-file", "", "file holding the bearer token every request must send (Authorization: Bearer TOKEN)")
	logFile := fs.String("log", "", "append the request log to this file (mode 0600) instead of stderr")
	allowRemote := fs.Bool("allow-remote", false, "allow --listen on an address other than loopback")
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments (got %q)", pos[0])}
	}
	loopback, err := checkListen(*listen, *allowRemote)
	if err != nil {
		return err
	}
	var token []byte
	if *tokenFile != "" {
		if token, err = readToken(*tokenFile, stderr); err != nil {
			return err
		}
	} else if !loopback {
		fmt.Fprintln(stderr, "warroom: warning: listening beyond loopback without --token-file: anyone who can reach", *listen, "can open incidents")
	}
	logw := stderr
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("--log: %w", err)
		}
		defer f.Close()
		logw = f
	}
	cat, sm, err := alertContent(g)
	if err != nil {
		return err
	}
	st, _, err := open(g)
	if err != nil {
		return err
	}
	defer st.Close()

	h := newAlertServer(st, cat, sm, token, func(source string) string { return alertActor(g, source) }, logw)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      serveWriteTimeout,
		IdleTimeout:       serveIdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(h.log, "warroom serve: ", 0),
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "warroom: taking alerts on http://%s/alertmanager, /grafana and /pagerduty (database %s)\n", ln.Addr(), st.Path())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	// Finish the requests in flight: each is stored whole or not at all.
	sctx, cancel := context.WithTimeout(context.Background(), serveShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	<-done
	fmt.Fprintln(stderr, "warroom: stopped taking alerts")
	return err
}

// checkListen checks --listen: host:port, on a loopback address ("localhost"
// included) unless allowRemote. It reports whether the address is loopback.
func checkListen(addr string, allowRemote bool) (loopback bool, err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, usageError{fmt.Sprintf("--listen %q: want host:port, such as 127.0.0.1:9095", addr)}
	}
	ip := net.ParseIP(strings.Split(host, "%")[0])
	loopback = host == "localhost" || (ip != nil && ip.IsLoopback())
	if !loopback && !allowRemote {
		return false, usageError{fmt.Sprintf("--listen %s is not a loopback address: anyone on the network could open incidents; "+
			"add --allow-remote (with --token-file) to mean it", addr)}
	}
	return loopback, nil
}

// maxTokenFile is the largest token file read.
const maxTokenFile = 4 << 10

// readToken reads the bearer token: the file's content, trimmed, which must
// not be empty. A file others can read is used, with a warning.
func readToken(path string, stderr io.Writer) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--token-file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return nil, fmt.Errorf("--token-file: %w", err)
	}
	if len(b) > maxTokenFile {
		return nil, usageError{fmt.Sprintf("--token-file %s: over %d bytes, not a token", path, maxTokenFile)}
	}
	tok := bytes.TrimSpace(b)
	if len(tok) == 0 {
		return nil, usageError{fmt.Sprintf("--token-file %s is empty", path)}
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(stderr, "warroom: warning: --token-file %s can be read by others (mode %#o); chmod 600 it\n", path, fi.Mode().Perm())
	}
	return tok, nil
}

// alertServer is serve's HTTP handler: POST /alertmanager, /grafana or
// /pagerduty with one notification, answered with what became of it, and
// one log line per request.
//
// Statuses: 200 when every alert was taken; 202 when some were left out
// (invalid alerts of a batch, alerts the sender truncated, a resolution
// with no open incident to note it on), the body saying which; 400 for a
// payload that is not a JSON object (malformed, truncated, empty); 413 for
// one over 1 MiB; 422 for JSON that is not a notification of the path's
// format (a missing, null or mistyped field, a zero date, a PagerDuty
// change event, a batch without one valid alert); 401 without the bearer
// token; 404 for another path, 405 for another method; 503 when the
// database could not take it (busy, unavailable): retry. Never a 5xx for
// the sender's mistake. Error bodies are one line of plain text.
type alertServer struct {
	rec     ingest.Recorder
	cat     model.Catalog
	sm      ingest.SeverityMap
	token   []byte // the token's SHA-256; nil: no token asked
	actor   func(source string) string
	log     *lineWriter
	writers chan struct{}
	now     func() time.Time
	timeout time.Duration
}

func newAlertServer(rec ingest.Recorder, cat model.Catalog, sm ingest.SeverityMap, token []byte, actor func(string) string, logw io.Writer) *alertServer {
	h := &alertServer{
		rec: rec, cat: cat, sm: sm, actor: actor, log: &lineWriter{w: logw},
		writers: make(chan struct{}, serveWriters), now: time.Now, timeout: ingestTimeout,
	}
	if token != nil {
		sum := sha256.Sum256(token)
		h.token = sum[:]
	}
	return h
}

// lineWriter writes whole lines to w, one writer at a time.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// reply is a request's answer and what the log says of it.
type reply struct {
	status int
	body   []byte // plain text, or JSON when json is true
	json   bool
	result string
}

func textReply(status int, msg string) reply {
	line := clip(msg, 2000)
	return reply{status: status, body: []byte(line + "\n"), result: line}
}

// alertsReply is the body of a 200 or 202.
type alertsReply struct {
	Incidents []incidentReply `json:"incidents"`
	Problems  []string        `json:"problems"`
}

type incidentReply struct {
	Key     string `json:"key"`
	Created bool   `json:"created"`
	Group   string `json:"group"`
	Alerts  int    `json:"alerts"`
}

// ServeHTTP answers a request and logs it on one line:
//
//	2026-03-14T09:45:00.000Z remote=127.0.0.1:51234 method="POST" path="/alertmanager" status=200 bytes=2345 duration=3.2ms result="INC-0001 created"
//
// bytes counts the request body read; path and result are untrusted,
// made plain and quoted.
func (h *alertServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body := &countingReader{r: r.Body}
	r.Body = body
	rp := h.handle(w, r)
	if rp.json {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(rp.status)
	w.Write(rp.body)
	fmt.Fprintf(h.log, "%s remote=%s method=%s path=%s status=%d bytes=%d duration=%s result=%s\n",
		start.UTC().Format("2006-01-02T15:04:05.000Z07:00"), r.RemoteAddr, strconv.Quote(r.Method),
		strconv.Quote(clip(r.URL.Path, 200)), rp.status, body.n, time.Since(start).Round(time.Microsecond),
		strconv.Quote(clip(rp.result, 300)))
}

// countingReader counts the bytes of the request body read.
type countingReader struct {
	r io.ReadCloser
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Close() error { return c.r.Close() }

func (h *alertServer) handle(w http.ResponseWriter, r *http.Request) reply {
	if h.token != nil && !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="warroom"`)
		return textReply(http.StatusUnauthorized, "unauthorized: send Authorization: Bearer with the token of --token-file")
	}
	format, ok := alertPaths[r.URL.Path]
	if !ok {
		return textReply(http.StatusNotFound, "not found: POST alerts to /alertmanager, /grafana or /pagerduty")
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return textReply(http.StatusMethodNotAllowed, "method not allowed: POST a notification to "+r.URL.Path)
	}
	tooLarge := textReply(http.StatusRequestEntityTooLarge,
		fmt.Sprintf("%s payload: over the %d-byte limit (1 MiB): refused whole", format, ingest.MaxPayload))
	if r.ContentLength > ingest.MaxPayload {
		return tooLarge
	}
	r.Body = http.MaxBytesReader(w, r.Body, ingest.MaxPayload)
	b, err := ingest.ReadPayload(r.Body)
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe), errors.Is(err, ingest.ErrTooLarge):
		return tooLarge
	case err != nil:
		var e *ingest.Error
		if errors.As(err, &e) {
			e.Format = format
		}
		return textReply(http.StatusBadRequest, err.Error())
	}
	n, err := ingest.Parse(format, bytes.NewReader(b))
	if err != nil {
		return textReply(parseStatus(err), err.Error())
	}
	if len(n.Alerts) == 0 {
		return textReply(http.StatusUnprocessableEntity, strings.ReplaceAll(noAlertsText(n), "\n  ", "; "))
	}

	ctx, cancel := context.WithTimeout(r.Context(), h.timeout)
	defer cancel()
	select {
	case h.writers <- struct{}{}:
		defer func() { <-h.writers }()
	case <-ctx.Done():
		return textReply(http.StatusServiceUnavailable, "busy: the database did not take the alerts in time; retry")
	}
	res, err := ingest.Apply(ctx, h.rec, n, h.cat, h.sm, h.actor(n.Source), h.now())
	if errors.Is(err, model.ErrInvalid) {
		return textReply(http.StatusUnprocessableEntity, err.Error())
	}
	if err != nil {
		rp := textReply(http.StatusServiceUnavailable, "unavailable: the database could not store the alerts; retry")
		rp.result = "store: " + err.Error()
		return rp
	}
	out := alertsReply{Incidents: []incidentReply{}, Problems: slices.Clone(res.Problems)}
	var results []string
	for _, gr := range res.Groups {
		if !gr.Noted() {
			for _, p := range gr.Problems {
				out.Problems = append(out.Problems, groupText(res.Source, gr.GroupKey)+": nothing noted: "+p)
			}
			results = append(results, "nothing noted")
			continue
		}
		out.Incidents = append(out.Incidents, incidentReply{Key: gr.Key, Created: gr.Created, Group: gr.GroupKey, Alerts: gr.Alerts})
		verb := "updated"
		if gr.Created {
			verb = "created"
		}
		results = append(results, gr.Key+" "+verb)
	}
	if out.Problems == nil {
		out.Problems = []string{}
	}
	status := http.StatusOK
	if len(out.Problems) > 0 {
		status = http.StatusAccepted
		results = append(results, fmt.Sprintf("%d problem(s)", len(out.Problems)))
	}
	body, err := json.Marshal(out)
	if err != nil {
		return textReply(http.StatusServiceUnavailable, "unavailable: "+err.Error())
	}
	return reply{status: status, body: append(body, '\n'), json: true, result: strings.Join(results, "; ")}
}

// authorized reports whether the request carries the bearer token,
// compared in constant time (as SHA-256 sums, so that not even the
// token's length shows).
func (h *alertServer) authorized(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	return subtle.ConstantTimeCompare(sum[:], h.token) == 1
}

// parseStatus is the status of a payload Parse refused: 413 when too
// large, 400 when it is not a JSON object at all (malformed, truncated,
// empty: the error is about the payload as a whole), else 422 (JSON that
// is not a notification of the format: a field is missing, null,
// mistyped or wrong, or a PagerDuty change event).
func parseStatus(err error) int {
	var e *ingest.Error
	switch {
	case errors.Is(err, ingest.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ingest.ErrNotIncident):
		return http.StatusUnprocessableEntity
	case errors.As(err, &e) && e.Field == "":
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}
