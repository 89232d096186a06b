package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
	"github.com/warroom/warroom/store"
	"github.com/warroom/warroom/ui"
)

// `warroom drill`: the seed's simulation scenarios (§8.2) run as real
// incidents marked DRILL. A drill starts at T0, when the simulated failure
// begins; the team declares its incident when it has noticed (detection is
// measured from T0 to the declaration), then works it with the normal
// playbook and clocks. Its injects, the situation revealed over time, go on
// the timeline at T0 plus their offsets. Once the incident is resolved the
// drill is over: its score against the scenario's targets is final, and the
// after-action review (§8.3) comes prefilled.
//
// A drill is named by its id ("3") or by its incident's key ("INC-0004").
// `drill show` and `drill aar` first write any inject due, as a console's
// clock tick does, so that the timeline is whole without a console.

const drillUsage = `usage:
  warroom drill list [--json]             the scenarios, then the drills started, newest first
  warroom drill start NAME                start a drill of a scenario: its failure begins now (T0)
  warroom drill declare ID [--title TEXT] [--severity P1|P2|P3|P4|auto] [--impact LEVEL]
                           [--customers-pct N] [--services a,b] [--reason TEXT] [--json]
                                          declare the drill's incident; defaults from its
                                          scenario (also: warroom declare --drill ID)
  warroom drill show ID|KEY [--json]      the injects revealed and the score against the targets
  warroom drill aar ID|KEY [--output FILE]
                                          the after-action review (seed §8.3), prefilled
  warroom drill stop ID|KEY [--reason TEXT]
                                          call a drill off
`

func runDrill(g globals, args []string, stdout, stderr io.Writer) error {
	// The global flags may come between drill and its command, "drill
	// --db X list", as before drill and after the command: each
	// command's flag set starts from what they set here.
	fs := newFlagSet("drill", &g, stderr)
	fs.SetOutput(io.Discard) // the error is returned, with drillUsage
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, err := io.WriteString(stdout, drillUsage)
			return err
		}
		return usageError{fmt.Sprintf("drill: %v (only --db, --as and --playbooks may come before the drill command)\n%s", err, drillUsage)}
	}
	if err := g.noteSet(fs); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) == 0 {
		return usageError{"drill needs a command: list, start, declare, show, aar or stop\n" + drillUsage}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "list":
		return runDrillList(g, rest, stdout, stderr)
	case "start":
		return runDrillStart(g, rest, stdout, stderr)
	case "declare":
		return runDrillDeclare(g, rest, stdout, stderr)
	case "show":
		return runDrillShow(g, rest, stdout, stderr)
	case "aar":
		return runDrillAAR(g, rest, stdout, stderr)
	case "stop":
		return runDrillStop(g, rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		_, err := io.WriteString(stdout, drillUsage)
		return err
	default:
		return usageError{fmt.Sprintf("unknown drill command %q\n%s", cmd, drillUsage)}
	}
}

// clockFlag registers the drill commands' hidden --now flag: the instant
// to act at, RFC 3339, which the testscripts use as a fake clock. It is
// left out of the flags' usage. Without it, the real clock.
func clockFlag(fs *flag.FlagSet) func() (time.Time, error) {
	s := fs.String("now", "", "")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage of %s:\n", fs.Name())
		fs.VisitAll(func(f *flag.Flag) {
			if f.Name == "now" {
				return
			}
			name, usage := flag.UnquoteUsage(f)
			line := "  -" + f.Name
			if name != "" {
				line += " " + name
			}
			fmt.Fprintf(fs.Output(), "%s\n    \t%s\n", line, usage)
		})
	}
	return func() (time.Time, error) {
		if *s == "" {
			return time.Now(), nil
		}
		t, err := time.Parse(time.RFC3339, *s)
		if err != nil {
			return time.Time{}, usageError{fmt.Sprintf("--now %q is not an RFC 3339 time (2026-12-03T14:05:00Z)", *s)}
		}
		return t, nil
	}
}

// openContent loads the playbooks and opens the database, as open does,
// keeping the whole content: the drills need their scenarios and the
// after-action review template.
func openContent(g globals) (*store.Store, playbooks.Content, error) {
	c, err := loadContent(g)
	if err != nil {
		return nil, c, err
	}
	path, err := dbPath(g)
	if err != nil {
		return nil, c, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, c, err
	}
	return st, c, nil
}

// loadDrillRef loads the drill a command names: by its id, "3", or by
// its incident's key, "INC-0004". Anything else, or a drill that does not
// exist, is bad input.
func loadDrillRef(ctx context.Context, st *store.Store, ref string) (model.Drill, error) {
	ref = strings.TrimSpace(ref)
	if strings.HasPrefix(strings.ToUpper(ref), model.KeyPrefix) {
		number, err := model.ParseKey(ref)
		if err != nil {
			return model.Drill{}, usageError{err.Error()}
		}
		d, err := st.DrillOfIncident(ctx, number)
		if errors.Is(err, model.ErrNotFound) {
			return model.Drill{}, usageError{fmt.Sprintf("%s is not a drill's incident", model.FormatKey(number))}
		}
		return d, err
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		return model.Drill{}, usageError{fmt.Sprintf("not a drill: %q (want its id, 3, or its incident's key, INC-0004)", ref)}
	}
	d, err := st.Drill(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return model.Drill{}, usageError{fmt.Sprintf("no drill %d (warroom drill list shows them)", id)}
	}
	return d, err
}

// drillIncident is the drill's incident, loaded whole, nil while armed.
func drillIncident(ctx context.Context, st *store.Store, d model.Drill) (*model.Incident, error) {
	if d.Incident == 0 {
		return nil, nil
	}
	return st.Get(ctx, d.Incident)
}

// deliverAndReload writes every inject due at now, as a console's tick
// would, and reloads the drill and its incident.
func deliverAndReload(ctx context.Context, st *store.Store, d model.Drill, now time.Time) (model.Drill, *model.Incident, error) {
	if d.Incident != 0 {
		if _, err := st.DeliverInjects(ctx, now); err != nil {
			return d, nil, err
		}
		var err error
		if d, err = st.Drill(ctx, d.ID); err != nil {
			return d, nil, err
		}
	}
	inc, err := drillIncident(ctx, st, d)
	return d, inc, err
}

// oneRef checks that a command got exactly one drill.
func oneRef(pos []string, cmd string) (string, error) {
	if len(pos) != 1 {
		return "", usageError{fmt.Sprintf("drill %s takes one drill: its id or its incident's key (warroom drill %s 3)", cmd, cmd)}
	}
	return pos[0], nil
}

// drillAt is an instant for people, as show writes them.
func drillAt(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(time.Local).Format("2006-01-02 15:04:05 MST")
}

// scenarioDoc is a scenario in `warroom drill list --json`.
type scenarioDoc struct {
	Name     string     `json:"name"`
	Title    string     `json:"title"`
	Severity string     `json:"severity"`
	Services []string   `json:"services"`
	Targets  targetsDoc `json:"targets"`
	Injects  int        `json:"injects"`
}

// targetsDoc are a scenario's targets in seconds, null when not scored.
type targetsDoc struct {
	Detection   *float64 `json:"detection_seconds"`
	Acknowledge *float64 `json:"acknowledge_seconds"`
	Resolution  *float64 `json:"resolution_seconds"`
}

func seconds(d time.Duration) *float64 {
	if d <= 0 {
		return nil
	}
	s := d.Seconds()
	return &s
}

func runDrillList(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("drill list", &g, stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, at, err := drillArgs(&g, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("drill list takes no arguments (got %q)", pos[0])}
	}
	return withDrillStore(g, at, func(c drillCall) error { return listDrills(c, *asJSON, stdout) })
}

// listDrills prints the scenarios, then the drills started, newest first.
func listDrills(c drillCall, asJSON bool, stdout io.Writer) error {
	ctx, st, content, at := c.ctx, c.st, c.content, c.at
	drills, err := st.Drills(ctx)
	if err != nil {
		return err
	}
	docs := make([]model.DrillDoc, 0, len(drills))
	for _, d := range drills {
		inc, err := drillIncident(ctx, st, d)
		if err != nil {
			return err
		}
		docs = append(docs, d.Doc(inc, at))
	}
	if asJSON {
		out := struct {
			Scenarios []scenarioDoc    `json:"scenarios"`
			Drills    []model.DrillDoc `json:"drills"`
		}{Scenarios: []scenarioDoc{}, Drills: docs}
		for _, sc := range content.Drills {
			out.Scenarios = append(out.Scenarios, scenarioDoc{Name: sc.Name, Title: sc.Title, Severity: sc.Severity.String(),
				Services: append([]string{}, sc.Services...), Injects: len(sc.Injects),
				Targets: targetsDoc{seconds(sc.Targets.Detection), seconds(sc.Targets.Acknowledge), seconds(sc.Targets.Resolution)}})
		}
		return writeJSON(stdout, out)
	}

	var t table
	t.add("SCENARIO", "SEV", "INJECTS", "TARGETS", "TITLE")
	for _, sc := range content.Drills {
		t.add(sc.Name, sc.Severity.String(), strconv.Itoa(len(sc.Injects)), sc.Targets.String(), ui.Fit(sc.Title, 60))
	}
	if err := t.write(stdout, ""); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	if len(docs) == 0 {
		fmt.Fprintln(stdout, "no drills started (warroom drill start NAME)")
		return nil
	}
	var dt table
	dt.add("DRILL", "SCENARIO", "T0", "STATE", "INCIDENT", "SCORE")
	for i, d := range docs {
		key := "-"
		if d.Incident != nil {
			key = *d.Incident
		}
		dt.add(strconv.FormatInt(d.ID, 10), d.Scenario, drillAt(drills[i].StartedAt), string(d.State), key, d.Score.Summary)
	}
	return dt.write(stdout, "")
}

func runDrillStart(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("drill start", &g, stderr)
	pos, at, err := drillArgs(&g, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"drill start takes one scenario: warroom drill start registry-failure (warroom drill list shows them)"}
	}
	return withDrillStore(g, at, func(c drillCall) error { return startDrill(c, pos[0], stdout) })
}

// startDrill starts the scenario named name and says what comes next.
func startDrill(c drillCall, name string, stdout io.Writer) error {
	sc, ok := playbooks.FindScenario(c.content.Drills, name)
	if !ok {
		names := make([]string, len(c.content.Drills))
		for i, sc := range c.content.Drills {
			names[i] = sc.Name
		}
		return usageError{fmt.Sprintf("unknown scenario %q (want one of %s)", name, strings.Join(names, ", "))}
	}
	d, err := c.st.StartDrill(c.ctx, sc, actor(c.g), c.at)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "drill %d started %s (T0): %s (%s, %s)\n", d.ID, drillAt(d.StartedAt),
		ui.Sanitize(sc.Title), ui.Sanitize(sc.Name), sc.Severity)
	fmt.Fprintf(stdout, "The simulated failure has begun; its %d injects are revealed over time (warroom drill show %d).\n", len(sc.Injects), d.ID)
	fmt.Fprintf(stdout, "When the team has noticed, declare it: warroom drill declare %d (or warroom declare --drill %d).\n", d.ID, d.ID)
	fmt.Fprintf(stdout, "Targets: %s; detection runs from T0 to the declaration.\n", sc.Targets)
	return nil
}

// drillOverrides are what the team gave when declaring a drill's
// incident; nil takes the scenario's.
type drillOverrides struct {
	title, severity, impact, services, reason *string
	customersPct                              *float64
}

// registerDrillDeclareFlags registers the flags a declaration takes, as
// declare has them, on fs, and returns a function that gives those the
// command line set.
func registerDrillDeclareFlags(fs *flag.FlagSet) func() drillOverrides {
	title := fs.String("title", "", "what is broken (default: DRILL: and the scenario's title)")
	sev := fs.String("severity", "auto", "P1, P2, P3, P4, or auto for the §2.2 assessment")
	services := fs.String("services", "", "affected services, comma separated (default: the scenario's)")
	pct := fs.Float64("customers-pct", 0, "percentage of customers affected, 0-100 (default: the scenario's)")
	impact := fs.String("impact", "", "business impact: critical, important or other (default: the scenario's)")
	reason := fs.String("reason", "", "why, when --severity overrides the assessment")
	return func() drillOverrides {
		var o drillOverrides
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "title":
				o.title = title
			case "severity":
				o.severity = sev
			case "services":
				o.services = services
			case "customers-pct":
				o.customersPct = pct
			case "impact":
				o.impact = impact
			case "reason":
				o.reason = reason
			}
		})
		return o
	}
}

// declareDrillFlags is `warroom declare --drill ID`: declare's flags
// (fs, parsed) over the drill's scenario; --detected-at is the
// declaration's time.
func declareDrillFlags(g globals, fs *flag.FlagSet, ref, detected string, asJSON bool, stdout io.Writer) error {
	var o drillOverrides
	fs.Visit(func(f *flag.Flag) {
		v := f.Value.String()
		switch f.Name {
		case "title":
			o.title = &v
		case "severity":
			o.severity = &v
		case "services":
			o.services = &v
		case "impact":
			o.impact = &v
		case "reason":
			o.reason = &v
		case "customers-pct":
			pct := f.Value.(flag.Getter).Get().(float64)
			o.customersPct = &pct
		}
	})
	now := time.Now()
	if detected != "" {
		t, err := time.Parse(time.RFC3339, detected)
		if err != nil {
			return usageError{fmt.Sprintf("--detected-at %q is not an RFC 3339 time (2026-12-03T14:05:00Z)", detected)}
		}
		if t.After(now.Add(time.Minute)) {
			return usageError{fmt.Sprintf("--detected-at %s is in the future", detected)}
		}
		now = t
	}
	return declareDrill(g, ref, o, now, asJSON, stdout)
}

func runDrillDeclare(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("drill declare", &g, stderr)
	overrides := registerDrillDeclareFlags(fs)
	asJSON := fs.Bool("json", false, "print the incident as JSON instead of its key")
	pos, at, err := drillArgs(&g, fs, args)
	if err != nil {
		return err
	}
	ref, err := oneRef(pos, "declare")
	if err != nil {
		return err
	}
	return declareDrill(g, ref, overrides(), at, *asJSON, stdout)
}

// declareDrill declares the incident of the drill ref names, detected at
// now, from its scenario (the snapshot the drill started with) and the
// team's overrides; it prints the key, or the incident as JSON.
func declareDrill(g globals, ref string, o drillOverrides, now time.Time, asJSON bool, stdout io.Writer) error {
	return withDrillStore(g, now, func(c drillCall) error {
		if err := c.load(ref); err != nil {
			return err
		}
		return declareLoaded(c, o, asJSON, stdout)
	})
}

// declareLoaded declares the incident of the drill c holds, detected at
// c.at, and prints it.
func declareLoaded(c drillCall, o drillOverrides, asJSON bool, stdout io.Writer) error {
	st, content, ctx, d, now := c.st, c.content, c.ctx, c.d, c.at
	var err error
	decl := d.Declaration(now, actor(c.g))
	if o.title != nil {
		if strings.TrimSpace(*o.title) == "" {
			return usageError{"--title is empty: say what is broken, or leave it out for the scenario's"}
		}
		decl.Title = *o.title
	}
	if o.impact != nil {
		if decl.Impact, err = model.ParseImpact(*o.impact); err != nil {
			return usageError{err.Error()}
		}
	}
	if o.customersPct != nil {
		decl.CustomersPct = *o.customersPct
	}
	if o.severity != nil && !strings.EqualFold(*o.severity, "auto") && *o.severity != "" {
		if decl.Severity, err = model.ParseSeverity(*o.severity); err != nil {
			return usageError{err.Error() + " or auto"}
		}
	}
	if o.reason != nil {
		decl.OverrideReason = *o.reason
	}
	if o.services != nil {
		decl.Services = nil
		for _, s := range strings.Split(*o.services, ",") {
			if s = strings.TrimSpace(s); s != "" {
				decl.Services = append(decl.Services, s)
			}
		}
	}
	if now.Before(d.StartedAt) {
		return usageError{fmt.Sprintf("drill %d starts %s: its incident cannot be detected before", d.ID, drillAt(d.StartedAt))}
	}
	inc, ev, err := model.Declare(decl, content.Catalog)
	if err != nil {
		return err
	}
	inc, err = st.DeclareDrill(ctx, d.ID, inc, ev, now)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, inc.Doc(now))
	}
	fmt.Fprintln(stdout, inc.Key())
	return nil
}

func runDrillShow(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("drill show", &g, stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	return onDrill(g, fs, args, "show", func(c drillCall) error {
		d, inc, err := deliverAndReload(c.ctx, c.st, c.d, c.at)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(stdout, d.Doc(inc, c.at))
		}
		printDrill(stdout, d, inc, c.at)
		return nil
	})
}

// drillCall is what a drill command works with: the globals as its flags
// left them, the instant it runs at, the open store and playbooks, a
// context that ends 30 seconds on, and the drill once loaded (load).
type drillCall struct {
	ctx     context.Context
	g       globals
	at      time.Time
	st      *store.Store
	content playbooks.Content
	d       model.Drill
}

// load loads the drill ref names, an id or an incident's key.
func (c *drillCall) load(ref string) (err error) {
	c.d, err = loadDrillRef(c.ctx, c.st, ref)
	return err
}

// drillArgs parses a drill command's flags, fs's own and the hidden
// clock: its arguments and the instant it runs at.
func drillArgs(g *globals, fs *flag.FlagSet, args []string) ([]string, time.Time, error) {
	now := clockFlag(fs)
	pos, err := parseFlags(fs, g, args)
	if err != nil {
		return nil, time.Time{}, err
	}
	at, err := now()
	return pos, at, err
}

// withDrillStore opens the store and the playbooks for a drill command
// running at at, and runs fn within 30 seconds.
func withDrillStore(g globals, at time.Time, fn func(c drillCall) error) error {
	st, content, err := openContent(g)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return fn(drillCall{ctx: ctx, g: g, at: at, st: st, content: content})
}

// onDrill is drill show, aar and stop's start: fs parsed, the one
// argument naming a drill, the store opened and the drill loaded; fn does
// the rest.
func onDrill(g globals, fs *flag.FlagSet, args []string, name string, fn func(c drillCall) error) error {
	pos, at, err := drillArgs(&g, fs, args)
	if err != nil {
		return err
	}
	ref, err := oneRef(pos, name)
	if err != nil {
		return err
	}
	return withDrillStore(g, at, func(c drillCall) error {
		if err := c.load(ref); err != nil {
			return err
		}
		return fn(c)
	})
}

// printDrill writes a drill for people: the scenario, T0 and the state,
// the injects revealed, and the score. Text from the scenario files and
// the database is sanitized.
func printDrill(w io.Writer, d model.Drill, inc *model.Incident, now time.Time) {
	sc := d.Scenario
	fmt.Fprintf(w, "DRILL %d  %s (%s, %s)  %s\n", d.ID, ui.Sanitize(sc.Title), ui.Sanitize(sc.Name), sc.Severity, d.State())
	started := "T0 " + drillAt(d.StartedAt)
	if d.StartedBy != "" {
		started += ", started by " + ui.Sanitize(d.StartedBy)
	}
	fmt.Fprintln(w, started)
	switch {
	case inc != nil:
		fmt.Fprintf(w, "incident %s %s  %s · %s\n", inc.Key(), inc.Severity, ui.Sanitize(inc.Title), inc.Status)
	case d.Armed():
		fmt.Fprintf(w, "armed: declare the incident when the team has noticed (warroom drill declare %d)\n", d.ID)
	}
	if d.CalledOff() {
		fmt.Fprintf(w, "called off %s: %s\n", drillAt(d.EndedAt), ui.Sanitize(d.EndReason))
	}

	rev := d.Revealed(now)
	fmt.Fprintf(w, "\nSituation revealed (%d of %d injects)\n", len(rev), len(sc.Injects))
	var it table
	for i, in := range rev {
		it.add("T+"+model.PreciseDuration(in.At), drillAt(d.InjectAt(i)), in.Text)
	}
	it.write(w, "  ")
	if next, ok := d.NextRevealAt(now); ok {
		fmt.Fprintf(w, "  next at %s (in %s)\n", drillAt(next), ui.Countdown(next.Sub(now)))
	}

	s := model.ScoreDrill(d, inc, now)
	fmt.Fprintf(w, "\nScore: %s\n", s.Summary())
	var st table
	st.add("TARGET", "GOAL", "MEASURED", "RESULT")
	for _, r := range s.Rows {
		result := r.Result()
		// A row the call-off left unreached has no countdown: it will
		// never be reached (its MEASURED says so).
		if !r.Reached && !r.DueAt.IsZero() {
			switch {
			case r.Missed:
				result += " (due " + drillAt(r.DueAt) + ")"
			case !r.CalledOff:
				result += " (due " + drillAt(r.DueAt) + ", in " + ui.Countdown(r.DueAt.Sub(now)) + ")"
			}
		}
		st.add(r.Name, "< "+model.PreciseDuration(r.Target), r.MeasuredText(), result)
	}
	st.write(w, "  ")
	if s.SeverityMismatch() {
		fmt.Fprintf(w, "severity: declared %s, the scenario expects %s\n", s.Declared, s.Expected)
	}
}

func runDrillAAR(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("drill aar", &g, stderr)
	output := fs.String("output", "", "write to this file (mode 0600) and print its path, instead of to stdout")
	return onDrill(g, fs, args, "aar", func(c drillCall) error {
		tmpl, ok := playbooks.FindTemplate(c.content.Templates, playbooks.TemplateAAR)
		if !ok { // the loader keeps the built-in names: not reached
			return fmt.Errorf("no %s template", playbooks.TemplateAAR)
		}
		d, at := c.d, c.at
		if d.Incident == 0 {
			if d.CalledOff() {
				return usageError{fmt.Sprintf("drill %d was called off before its incident was declared: there is nothing to review", d.ID)}
			}
			return usageError{fmt.Sprintf("drill %d has no incident yet: declare it first (warroom drill declare %d)", d.ID, d.ID)}
		}
		d, inc, err := deliverAndReload(c.ctx, c.st, d, at)
		if err != nil {
			return err
		}
		items, err := c.st.ActionItems(c.ctx, inc.Number)
		if err != nil {
			return err
		}
		data := model.NewTemplateData(inc, c.content.Catalog, at, time.Local).
			WithDrill(d, model.ScoreDrill(d, inc, at), at, time.Local).
			WithActionItems(items, at, time.Local)
		text, err := tmpl.Fill(data)
		if err != nil {
			return err
		}
		if *output == "" || *output == "-" {
			_, err = io.WriteString(stdout, text)
			return err
		}
		if err := writeFileAtomic(*output, []byte(text)); err != nil {
			return fmt.Errorf("drill aar %d: %w", d.ID, err)
		}
		fmt.Fprintln(stdout, *output)
		return nil
	})
}

func runDrillStop(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("drill stop", &g, stderr)
	reason := fs.String("reason", "", "why it is called off (recorded)")
	return onDrill(g, fs, args, "stop", func(c drillCall) error {
		if err := c.st.EndDrill(c.ctx, c.d.ID, *reason, actor(c.g), c.at); err != nil {
			return err
		}
		d, err := c.st.Drill(c.ctx, c.d.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "drill %d called off: %s\n", d.ID, ui.Sanitize(d.EndReason))
		if d.Incident != 0 {
			fmt.Fprintf(stdout, "%s is closed with it, unresolved (reopen it to go on)\n", model.FormatKey(d.Incident))
		}
		return nil
	})
}
