package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
	"github.com/warroom/warroom/ui"
)

func newFlagSet(name string, g *globals, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("warroom "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	return fs
}

// parseFlags parses a subcommand's flags, which may come before or after
// its positional arguments ("show INC-0001 --json").
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func runDeclare(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("declare", &g, stderr)
	title := fs.String("title", "", "what is broken (required)")
	sev := fs.String("severity", "auto", "P1, P2, P3, P4, or auto for the §2.2 assessment")
	services := fs.String("services", "", "affected services, comma separated (ids or names from the impact map)")
	pct := fs.Float64("customers-pct", 0, "percentage of customers affected (0-100)")
	impact := fs.String("impact", "other", "business impact: critical, important or other")
	reason := fs.String("reason", "", "why, when --severity overrides the assessment")
	detected := fs.String("detected-at", "", "when it was detected (RFC 3339), default now")
	asJSON := fs.Bool("json", false, "print the incident as JSON instead of its key")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("declare takes no arguments (got %q); use --title", pos[0])}
	}
	if strings.TrimSpace(*title) == "" {
		return usageError{"declare needs --title: say what is broken"}
	}
	d := model.Declaration{Title: *title, CustomersPct: *pct, Actor: actor(g), DetectedAt: time.Now(), OverrideReason: *reason}
	if d.Impact, err = model.ParseImpact(*impact); err != nil {
		return usageError{err.Error()}
	}
	if !strings.EqualFold(*sev, "auto") && *sev != "" {
		if d.Severity, err = model.ParseSeverity(*sev); err != nil {
			return usageError{err.Error() + " or auto"}
		}
	}
	if *detected != "" {
		t, err := time.Parse(time.RFC3339, *detected)
		if err != nil {
			return usageError{fmt.Sprintf("--detected-at %q is not an RFC 3339 time (2026-12-03T14:05:00Z)", *detected)}
		}
		if t.After(time.Now().Add(time.Minute)) {
			return usageError{fmt.Sprintf("--detected-at %s is in the future", *detected)}
		}
		d.DetectedAt = t
	}
	for _, s := range strings.Split(*services, ",") {
		if s = strings.TrimSpace(s); s != "" {
			d.Services = append(d.Services, s)
		}
	}
	st, cat, err := open(g)
	if err != nil {
		return err
	}
	defer st.Close()
	inc, ev, err := model.Declare(d, cat)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inc, err = st.Declare(ctx, inc, ev)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, inc.Doc(time.Now()))
	}
	fmt.Fprintln(stdout, inc.Key())
	return nil
}

func runList(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("list", &g, stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("list takes no arguments (got %q)", pos[0])}
	}
	st, _, err := open(g)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	incs, err := st.Board(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	model.SortBoard(incs, now)
	if *asJSON {
		out := make([]model.SummaryDoc, 0, len(incs))
		for _, inc := range incs {
			out = append(out, inc.Summary(now))
		}
		return writeJSON(stdout, out)
	}
	if len(incs) == 0 {
		fmt.Fprintln(stdout, "no open incidents")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tSEV\tSTATUS\tPHASE\tSTEPS\tNEXT DEADLINE\tCOMMANDER\tTITLE")
	for _, inc := range incs {
		next := "-"
		if d, ok := inc.NextDeadline(now); ok {
			next = d.Short + " " + ui.Countdown(d.Remaining(now))
		}
		ic := inc.Commander()
		if ic == "" {
			ic = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", inc.Key(), inc.Severity, inc.Status, inc.Phase,
			inc.Progress, next, ui.Fit(ic, 20), ui.Fit(inc.Title, 60))
	}
	return tw.Flush()
}

func runShow(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("show", &g, stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"show takes one incident key: warroom show INC-0001"}
	}
	number, err := model.ParseKey(pos[0])
	if err != nil {
		return usageError{err.Error()}
	}
	st, cat, err := open(g)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inc, err := st.Get(ctx, number)
	if err != nil {
		return err
	}
	now := time.Now()
	if *asJSON {
		return writeJSON(stdout, inc.Doc(now))
	}
	printIncident(stdout, inc, cat, now)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printIncident writes an incident for people: every untrusted string is
// sanitized so a title cannot drive the terminal.
func printIncident(w io.Writer, inc *model.Incident, cat model.Catalog, now time.Time) {
	loc := time.Local
	at := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04:05 MST")
	}
	fmt.Fprintf(w, "%s  %s %s  %s\n", inc.Key(), inc.Severity, inc.Severity.Label(), ui.Sanitize(inc.Title))
	fmt.Fprintf(w, "status %s · phase %s · declared by %s\n", inc.Status, inc.Phase, ui.Sanitize(inc.CreatedBy))
	fmt.Fprintf(w, "detected %s (%s ago)\n", at(inc.DetectedAt), ui.Ago(now, inc.DetectedAt))
	fmt.Fprintf(w, "severity: %s\n", ui.Sanitize(inc.SeverityReason))
	var names []string
	for _, id := range inc.Services {
		if s, ok := cat.Service(id); ok {
			names = append(names, s.Name)
		} else {
			names = append(names, id)
		}
	}
	if len(names) > 0 {
		fmt.Fprintf(w, "services: %s\n", strings.Join(names, ", "))
	}
	fmt.Fprintf(w, "customers affected: %s%% · impact: %s\n", strconv.FormatFloat(inc.CustomersPct, 'f', -1, 64), inc.Impact)

	fmt.Fprintln(w, "\nSLA")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, d := range inc.Deadlines(now) {
		var state string
		switch d.State {
		case model.StateOK, model.StateWarning:
			state = fmt.Sprintf("%s, %s left", d.State, ui.Countdown(d.Remaining(now)))
		case model.StateBreached:
			state = fmt.Sprintf("BREACHED %s ago", ui.Countdown(-d.Remaining(now))[1:])
		case model.StateMet, model.StateMissed:
			state = fmt.Sprintf("%s at %s", d.State, at(d.DoneAt))
		default:
			state = string(d.State)
		}
		fmt.Fprintf(tw, "  %s\t%s\tdue %s\t%s\n", d.Short, d.Name, at(d.DueAt), state)
	}
	tw.Flush()

	fmt.Fprintf(w, "\nChecklist %s\n", inc.Progress)
	for _, sec := range inc.Sections() {
		head := sec.Phase
		if sec.Severity != inc.Severity {
			head += " (done under " + sec.Severity.String() + ")"
		}
		if due := sec.DueAt(inc); !due.IsZero() {
			head += " · due " + at(due)
		}
		fmt.Fprintf(w, "  %s\n", head)
		for _, it := range sec.Items {
			box, who := "[ ]", ""
			if it.Done {
				box, who = "[x]", fmt.Sprintf("  (%s, %s)", ui.Sanitize(it.DoneBy), at(it.DoneAt))
			}
			text := it.Text
			if it.Group != "" {
				text = it.Group + ": " + text
			}
			fmt.Fprintf(w, "    %s %s%s\n", box, text, who)
		}
	}

	fmt.Fprintln(w, "\nRoles")
	for _, r := range model.Roles {
		who := inc.Roles[r]
		if who == "" {
			who = "-"
		}
		fmt.Fprintf(w, "  %-21s %s\n", r, ui.Sanitize(who))
	}

	fmt.Fprintln(w, "\nTimeline")
	for _, e := range inc.Timeline {
		fmt.Fprintf(w, "  %s  %-10s %-12s %s\n", at(e.At), ui.Fit(e.Actor, 10), e.Kind, ui.Sanitize(e.Text))
	}
}

func runDraft(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("draft", &g, stderr)
	name := fs.String("template", "status-update", "template name")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"draft takes one incident key: warroom draft INC-0001 --template status-update"}
	}
	number, err := model.ParseKey(pos[0])
	if err != nil {
		return usageError{err.Error()}
	}
	tmpls, err := playbooks.Templates()
	if err != nil {
		return err
	}
	t, ok := playbooks.FindTemplate(tmpls, *name)
	if !ok {
		names := make([]string, len(tmpls))
		for i, t := range tmpls {
			names[i] = t.Name
		}
		return usageError{fmt.Sprintf("unknown template %q (want one of %s)", *name, strings.Join(names, ", "))}
	}
	st, cat, err := open(g)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inc, err := st.Get(ctx, number)
	if err != nil {
		return err
	}
	text, err := t.Fill(model.NewTemplateData(inc, cat, time.Now(), time.Local))
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, text)
	return err
}
