package playbooks

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/warroom/warroom/model"
)

// The names of the built-in templates: a contract, other code asks for a
// template by its name.
const (
	TemplateDetection       = "detection-notification"  // seed §5.1
	TemplateStatusUpdate    = "status-update"           // seed §5.2
	TemplateResolution      = "resolution-confirmation" // seed §5.3
	TemplateCustomerAlert   = "customer-initial-alert"  // seed §5.4.1
	TemplateCustomerResolve = "customer-resolution"     // seed §5.4.2
	TemplateEscalation      = "escalation-notification" // seed §7.3
	TemplateAAR             = "after-action-review"     // seed §8.3, a drill's
)

// templateOrder is the order templates are listed in: the built-ins in the
// seed's order; any other name comes after them, by name.
var templateOrder = []string{
	TemplateDetection, TemplateStatusUpdate, TemplateResolution,
	TemplateCustomerAlert, TemplateCustomerResolve, TemplateEscalation,
	TemplateAAR,
}

// templateGlob matches the template files LoadTemplates reads.
const templateGlob = "*.tmpl"

//go:embed templates/*.tmpl
var builtinTemplates embed.FS

// Template is a communication template (seed §5, §7.3), loaded and checked.
// It is a value: copies share the parsed template, which is safe to fill
// from several goroutines at once.
type Template struct {
	Name     string // "status-update"
	Title    string // "Status update"
	Audience model.Audience
	// CountsAsUpdate: sending it is a status update, which restarts the
	// status-update clock (seed §4.1). True for every built-in but the
	// escalation notification.
	CountsAsUpdate bool
	File           string // the file it came from, "status-update.tmpl"
	Line           int    // the file line the template text begins on, after the front matter

	tmpl *template.Template
}

// templateFuncs are the functions a template may call besides text/template's
// own.
var templateFuncs = template.FuncMap{
	"lower": strings.ToLower,
	// add1 numbers the items of a list from 1: {{add1 $i}}.
	"add1": func(i int) int { return i + 1 },
}

// Templates returns the built-in templates, in the order of the seed: the
// detection notification, status update, resolution confirmation, customer
// initial alert, customer resolution and escalation notification. An error
// means the embedded files are broken, which the package's tests rule out.
func Templates() ([]Template, error) {
	sub, err := fs.Sub(builtinTemplates, "templates")
	if err != nil {
		return nil, err
	}
	return LoadTemplates(sub)
}

// LoadTemplates reads and checks every *.tmpl file at the root of fsys. The
// templates come back in the built-ins' order, other names after them by
// name. When anything is wrong it returns no template and a
// *ValidationError listing every problem found, each with its file and
// line: front matter problems with their field, template problems (a
// syntax error, an unknown field, a call that fails) at the line of the
// file they are on.
func LoadTemplates(fsys fs.FS) ([]Template, error) {
	names, _ := fs.Glob(fsys, templateGlob) // the pattern is valid: no error
	var problems []Problem
	if len(names) == 0 {
		problems = append(problems, Problem{File: templateGlob, Msg: "no template files"})
	}
	var out []Template
	first := map[string]*file{} // the file that has each name
	for _, name := range names {
		t, f, ok := loadTemplate(fsys, name, first)
		problems = append(problems, f.sortedProblems()...)
		if ok {
			out = append(out, t)
		}
	}
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	slices.SortStableFunc(out, func(a, b Template) int {
		return cmp.Or(cmp.Compare(orderOf(a.Name), orderOf(b.Name)), strings.Compare(a.Name, b.Name))
	})
	return out, nil
}

// orderOf is the place of a template name in templateOrder, or after it.
func orderOf(name string) int {
	if i := slices.Index(templateOrder, name); i >= 0 {
		return i
	}
	return len(templateOrder)
}

// FindTemplate returns the template of the given name.
func FindTemplate(ts []Template, name string) (Template, bool) {
	i := slices.IndexFunc(ts, func(t Template) bool { return t.Name == name })
	if i < 0 {
		return Template{}, false
	}
	return ts[i], true
}

var templateNameRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// loadTemplate reads one template file. first maps each template name to the
// file that has it, and gets this file's name unless an earlier file has
// it. ok is false when the file has a problem.
func loadTemplate(fsys fs.FS, name string, first map[string]*file) (Template, *file, bool) {
	f := &file{name: name, empty: "the front matter is empty"}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		f.add(0, nil, err.Error())
		return Template{}, f, false
	}
	front, body, bodyLine, ok := splitFrontMatter(data)
	if !ok {
		f.add(1, nil, `no front matter: the file must begin with a line "---", then name, title, audience and counts_as_update, then a line "---"`)
		return Template{}, f, false
	}
	if bodyLine == 0 {
		f.add(1, nil, `the front matter is not closed: no line "---" after it`)
		return Template{}, f, false
	}

	t := Template{File: name, Line: bodyLine}
	var doc templateDoc
	if f.decode(front, &doc) {
		t.Name, t.Title = doc.Name, strings.TrimSpace(doc.Title)
		switch {
		case strings.TrimSpace(doc.Name) == "":
			f.errorf(loc{"name"}, "missing")
		case !templateNameRE.MatchString(doc.Name):
			f.errorf(loc{"name"}, "invalid name %q (want lowercase letters and digits, words joined by dashes: status-update)", doc.Name)
		case first[doc.Name] != nil:
			g := first[doc.Name]
			f.errorf(loc{"name"}, "duplicate template name %q (first in %s:%d)", doc.Name, g.name, lineOf(g.root, loc{"name"}))
		default:
			first[doc.Name] = f
		}
		if t.Title == "" {
			t.Title = t.Name
		}
		switch a := model.Audience(doc.Audience); a {
		case model.AudienceInternal, model.AudienceCustomer:
			t.Audience = a
		case "":
			f.errorf(loc{"audience"}, "missing")
		default:
			f.errorf(loc{"audience"}, "unknown audience %q (want %s or %s)", doc.Audience, model.AudienceInternal, model.AudienceCustomer)
		}
		if doc.CountsAsUpdate == nil {
			f.errorf(loc{"counts_as_update"}, "missing (true if sending it is a status update, which restarts the update clock)")
		} else {
			t.CountsAsUpdate = *doc.CountsAsUpdate
		}
	}

	if strings.TrimSpace(body) == "" {
		f.add(bodyLine-1, nil, "the template is empty: no text after the front matter")
		return Template{}, f, false
	}
	tmpl, err := template.New(name).Option("missingkey=error").Funcs(templateFuncs).Parse(body)
	if err != nil {
		f.templateError(err, bodyLine)
		return Template{}, f, false
	}
	// Run it on a fully filled incident and on an empty one, so that an
	// unknown field or a failing call is found now, on either side of an
	// {{if}}, rather than when the incident commander needs the text.
	for _, d := range []model.TemplateData{sampleData(), {}} {
		if err := tmpl.Execute(&cappedWriter{w: io.Discard}, d); err != nil {
			f.templateError(err, bodyLine)
			return Template{}, f, false
		}
	}
	t.tmpl = tmpl
	return t, f, len(f.problems) == 0
}

// splitFrontMatter splits a template file into its front matter, its first
// line "---" included and the closing "---" left out (so YAML reads the
// front matter with the file's line numbers), and the template text after
// it, which begins on file line bodyLine. ok is false when the file does
// not begin with a line "---"; bodyLine is 0 when no line "---" closes it.
func splitFrontMatter(data []byte) (front []byte, body string, bodyLine int, ok bool) {
	isFence := func(line []byte) bool { return string(bytes.TrimRight(line, " \t\r")) == "---" }
	for off, line := 0, 1; ; line++ {
		l, _, found := bytes.Cut(data[off:], []byte("\n"))
		next := off + len(l) + 1
		switch {
		case line == 1 && !isFence(l):
			return nil, "", 0, false
		case line > 1 && isFence(l):
			return data[:off], string(data[min(next, len(data)):]), line + 1, true
		case !found:
			return nil, "", 0, true
		}
		off = next
	}
}

var (
	// templatePosRE splits what follows "template: NAME:" in text/template's
	// errors: "12:7: msg" (execution) or "12: msg" (parsing).
	templatePosRE = regexp.MustCompile(`(?s)^(\d+)(?::\d+)?: (.*)$`)
	// executingRE is the part of an execution error that names the template.
	executingRE = regexp.MustCompile(`^executing ".*?" at `)
)

// templateError records an error of text/template at its line of the file:
// the error names a line of the template text, which begins on file line
// bodyLine.
func (f *file) templateError(err error, bodyLine int) {
	msg, line := err.Error(), 0
	if rest, ok := strings.CutPrefix(msg, "template: "+f.name+":"); ok {
		if m := templatePosRE.FindStringSubmatch(rest); m != nil {
			n, _ := strconv.Atoi(m[1])
			line, msg = bodyLine+n-1, m[2]
		}
	}
	msg = strings.TrimPrefix(msg, "template: ")
	msg = executingRE.ReplaceAllString(msg, "")
	f.add(line, nil, msg)
}

// Fill writes the template out for an incident. The text is plain: every
// escape sequence and control character but the newline is removed from
// it (model.PlainText), whatever the data or the template holds. What the
// incident does not know stays a visible placeholder ("[Customer Name]"):
// see Placeholders. For a drill's incident (d.IsDrill) the text starts
// with the line model.DrillBanner, whatever the template: no message of an
// exercise can be taken for a real one.
func (t Template) Fill(d model.TemplateData) (string, error) {
	if t.tmpl == nil {
		return "", errors.New("playbooks: fill of a template that was not loaded")
	}
	var b strings.Builder
	if d.IsDrill {
		b.WriteString(model.DrillBanner + "\n\n")
	}
	if err := t.tmpl.Execute(&cappedWriter{w: &b}, d); err != nil {
		return "", fmt.Errorf("template %s: %w", t.Name, err)
	}
	return model.PlainText(b.String()), nil
}

// maxFilled is the most bytes a filled template may hold: far above any
// message (a draft holds at most model.MaxDraftLen characters), low enough
// that a runaway template ({{range 100000000}}) stops soon.
const maxFilled = 1 << 20

var errTooLong = fmt.Errorf("the filled text is longer than %d bytes", maxFilled)

// cappedWriter fails a write that would take what was written past
// maxFilled, which ends the template's execution.
type cappedWriter struct {
	w io.Writer
	n int
}

func (c *cappedWriter) Write(p []byte) (int, error) {
	if c.n+len(p) > maxFilled {
		return 0, errTooLong
	}
	c.n += len(p)
	return c.w.Write(p)
}

// placeholderRE matches a placeholder of the seed's templates: text in
// square brackets that begins with a letter and holds no bracket or line
// break, "[Customer Name]", "[P1/P2/P3/P4]", "[phone number]",
// "[Time or TBE]". The optional group catches a "(" right after it, which
// makes it a Markdown link, "[text](url)", and not a placeholder.
var placeholderRE = regexp.MustCompile(`\[([A-Za-z][^\[\]\n]*)\](\()?`)

// Placeholders returns the distinct placeholders left in a text, in the
// order they first appear: what somebody has to fill in by hand before
// sending it. Markdown checkboxes ("[ ]", "[x]") and links ("[text](url)")
// are not placeholders. Text the incident itself holds in square brackets
// (a title "[prod] registry down") looks like a placeholder and is
// reported too: better one warning too many than a "[phone number]" sent
// to a customer.
func Placeholders(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(text, -1) {
		if m[4] >= 0 { // followed by "(": a link
			continue
		}
		inner := text[m[2]:m[3]]
		if inner == "x" || inner == "X" { // a ticked checkbox
			continue
		}
		p := text[m[0]:m[1]]
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// sampleData is an incident with every field of TemplateData filled, two of
// every list, on which LoadTemplates runs each template.
func sampleData() model.TemplateData {
	const at = "2026-12-03 14:05 CET (+01:00)"
	return model.TemplateData{
		Key: "INC-0001", Title: "Sample incident",
		Severity: "P1", SeverityName: "Critical", SeverityLabel: "P1 - Critical",
		Status: "Resolved", Phase: "Post-Mortem", Now: at,
		StartedAt: at, DetectedAt: at, AcknowledgedAt: at, ResolvedAt: at,
		Duration: "2h 13m", CustomersPct: "62%", Impact: "critical",
		Services: []model.ServiceImpact{
			{Name: "Registry Service", Tier: "All", DowntimeImpact: "Complete outage", PerformanceImpact: "Message throughput drop"},
			{Name: "Transport Layer", Tier: "Standard+", DowntimeImpact: "Connection loss", PerformanceImpact: "Latency increase"},
		},
		ServiceNames: "Registry Service, Transport Layer",
		Actions: []model.ActionTaken{
			{At: at, By: "alice", Text: "Page on-call engineer"},
			{At: at, By: "bob", Text: "Create incident ticket"},
		},
		Roles: []model.RoleHolder{
			{Role: string(model.RoleCommander), Person: "alice"},
			{Role: string(model.RoleTechLead), Person: "bob"},
		},
		Commander: "alice",
		Updates: []model.UpdateEntry{
			{At: at, By: "carol", Text: "Investigating"},
			{At: at, By: "carol", Text: "Failover done"},
		},
		NextUpdateAt: at, UpdateEvery: "30m", NextUpdateIfSent: at,
		Tier: 2, NextTier: 3, EscalationReason: "immediate activation (P1)", EscalatedAt: at,
		StepsDone: 9, StepsTotal: 24, UpdatesRecorded: 2,
		Escalation:   model.EscalationNotice{From: 1, To: 2, Reason: "immediate activation (P1)", At: at, RespondWithin: "30m"},
		Participants: []string{"alice (Incident Commander)", "bob (Technical Lead)"},
		IsDrill:      true,
		Drill: &model.DrillData{
			ID: 1, Name: "registry-failure", Title: "Complete Registry Failure", Severity: "P1",
			SeverityNote: "declared P2; the scenario expects P1", Date: "2026-12-03", StartedAt: at,
			StartedBy: "facilitator", State: "called off", EndReason: "time is up",
			Situation:  []string{"All registry nodes are down", "No message routing possible"},
			Challenges: []string{"Identifying affected regions", "Implementing circuit breakers"},
			Objectives: []model.ObjectiveReview{
				{Text: "Assess incident handling"},
				{Text: "Measure response time", Achieved: true, Note: "all 3 target times measured, 2 met"},
			},
			Score: []model.ScoreLine{
				{Name: "Time to detection", Target: "< 1m", Measured: "45s", Result: "met"},
				{Name: "Time to acknowledgment", Target: "< 5m", Measured: "6m 10s", Result: "missed"},
			},
			ScoreSummary: "1/2 met, 1 missed",
			Strengths:    []string{"Time to detection: 45s, within the 1m target", "Escalated at once"},
			Improvements: []string{"Time to acknowledgment: 6m 10s, over the 5m target", "Paging took long"},
			Ratings:      []string{"Communication quality: Score 1-5", "Clarity: Score 1-5"},
			Injects: []model.InjectEntry{
				{Offset: "T+0s", At: at, Text: "Registry health checks failing"},
				{Offset: "T+2m", At: at, Text: "WebSocket connections dropping"},
			},
		},
		ActionItems: []model.ActionItemEntry{
			{ID: 1, Action: "Write the failover runbook", Owner: "dave", Due: "2026-12-10", Status: "open"},
			{ID: 2, Action: "Page on quorum loss", Owner: "erin", Due: "2026-12-10", Status: "in_progress (overdue)"},
		},
	}
}
