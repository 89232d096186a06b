package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
	"github.com/warroom/warroom/store"
	"github.com/warroom/warroom/ui"
)

func newFlagSet(name string, g *globals, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("warroom "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	return fs
}

// parseFlags parses a subcommand's flags, which may come before or after
// its positional arguments ("show INC-0001 --json"), and checks the global
// ones of g, which fs was made with (newFlagSet).
func parseFlags(fs *flag.FlagSet, g *globals, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		if err := g.noteSet(fs); err != nil {
			return nil, err
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
	started := fs.String("started-at", "", "when the problem began (RFC 3339), if known: MTTD is measured from it")
	asJSON := fs.Bool("json", false, "print the incident as JSON instead of its key")
	drill := fs.String("drill", "", "declare the incident of this drill (see warroom drill): the other flags default to its scenario's")
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("declare takes no arguments (got %q); use --title", pos[0])}
	}
	if *drill != "" {
		return declareDrillFlags(g, fs, *drill, *detected, *asJSON, stdout)
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
	if *started != "" {
		t, err := time.Parse(time.RFC3339, *started)
		if err != nil {
			return usageError{fmt.Sprintf("--started-at %q is not an RFC 3339 time (2026-12-03T14:05:00Z)", *started)}
		}
		if t.After(d.DetectedAt) {
			return usageError{fmt.Sprintf("--started-at %s is after the detection (%s): a problem is detected once it has begun",
				*started, d.DetectedAt.UTC().Format(time.RFC3339))}
		}
		d.StartedAt = t
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
	pos, err := parseFlags(fs, &g, args)
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
	var t table
	t.add("KEY", "SEV", "STATUS", "PHASE", "STEPS", "NEXT", "COMMANDER", "TITLE")
	for _, inc := range incs {
		ic := inc.Commander()
		if ic == "" {
			ic = "-"
		}
		t.add(inc.Key(), inc.Severity.String(), string(inc.Status), inc.Phase.String(),
			inc.Progress.String(), nextText(inc, now), ui.Fit(ic, 20), ui.Fit(drillTitle(inc), 60))
	}
	return t.write(stdout, "")
}

// drillTitle is the title a list shows: a drill's starts with DRILL
// (unless it does already, as the scenario's default title does), so that
// no exercise is taken for a real incident; the title is the last column,
// so scripts reading the others are not thrown.
func drillTitle(inc *model.Incident) string {
	if inc.IsDrill() && !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(inc.Title)), "DRILL") {
		return "DRILL " + inc.Title
	}
	return inc.Title
}

// nextText is what an incident waits for, as the board's column shows it:
// a due escalation ("ESC T2 +12:00", the time since it fell due), else the
// next deadline ("ACK 12:03", "ACK +04:12" once breached), else "-".
func nextText(inc *model.Incident, now time.Time) string {
	if esc := inc.Escalation(now); esc.Due {
		return fmt.Sprintf("ESC T%d %s", esc.NextTier, ui.Countdown(esc.DueAt.Sub(now)))
	}
	if d, ok := inc.NextDeadline(now); ok {
		return d.Short + " " + ui.Countdown(d.Remaining(now))
	}
	return "-"
}

// since formats how long ago something fell due, d >= 0, the way countdowns
// are written but without their sign: "20:06", "1:10:22", "399d 16h".
func since(d time.Duration) string {
	return strings.TrimPrefix(ui.Countdown(-d), "+")
}

// table prints plain-text columns aligned by display width, so that wide
// (CJK) characters and emoji, which take two cells of a terminal, do not
// push the columns after them out of line as text/tabwriter, which counts
// runes, would. Cells are sanitized; the last column is not padded.
type table struct {
	rows [][]string
}

// tableGap is the space between columns.
const tableGap = 2

func (t *table) add(cells ...string) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = ui.Sanitize(c)
	}
	t.rows = append(t.rows, row)
}

// write prints the rows, each line starting with indent.
func (t *table) write(w io.Writer, indent string) error {
	var widths []int
	for _, row := range t.rows {
		for i, c := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	var b strings.Builder
	for _, row := range t.rows {
		line := indent
		for i, c := range row {
			line += c
			if i < len(row)-1 {
				line += strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+tableGap)
			}
		}
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func runShow(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("show", &g, stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"show takes one incident key: warroom show INC-0001"}
	}
	return withIncident(g, pos[0], func(_ context.Context, _ *store.Store, cat model.Catalog, inc *model.Incident) error {
		now := time.Now()
		if *asJSON {
			return writeJSON(stdout, inc.Doc(now))
		}
		printIncident(stdout, inc, cat, now)
		return nil
	})
}

// withIncident opens the database and runs fn with the incident named by
// key: the part show, draft and export share. An unknown key is bad input.
func withIncident(g globals, key string, fn func(ctx context.Context, st *store.Store, cat model.Catalog, inc *model.Incident) error) error {
	number, err := model.ParseKey(key)
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
		return notFound(err, number)
	}
	return fn(ctx, st, cat, inc)
}

// notFound makes an unknown incident bad input (exit status 2), with a
// message naming it; other errors are left as they are.
func notFound(err error, number int64) error {
	if errors.Is(err, model.ErrNotFound) {
		return usageError{"no incident " + model.FormatKey(number)}
	}
	return err
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
	if inc.IsDrill() {
		fmt.Fprintf(w, "%s (drill %d: warroom drill show %d)\n", model.DrillBanner, inc.DrillID, inc.DrillID)
	}
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
	var sla table
	for _, d := range inc.Deadlines(now) {
		var state string
		switch d.State {
		case model.StateOK, model.StateWarning:
			state = fmt.Sprintf("%s, %s left", d.State, ui.Countdown(d.Remaining(now)))
		case model.StateBreached:
			state = fmt.Sprintf("BREACHED %s ago", since(-d.Remaining(now)))
		case model.StateMet, model.StateMissed:
			state = fmt.Sprintf("%s at %s", d.State, at(d.DoneAt))
		default:
			state = string(d.State)
		}
		sla.add(d.Short, d.Name, "due "+at(d.DueAt), state)
	}
	sla.write(w, "  ")
	fmt.Fprintf(w, "escalation: %s\n", escalationText(inc, now, at))

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
	var roles table
	for _, r := range model.Roles {
		who := inc.Roles[r]
		if who == "" {
			who = "-"
		}
		roles.add(string(r), who)
	}
	roles.write(w, "  ")

	fmt.Fprintln(w, "\nTimeline")
	var tl table
	for _, e := range inc.Timeline {
		tl.add(at(e.At), ui.Fit(e.Actor, 20), string(e.Kind), e.Text)
	}
	tl.write(w, "  ")
}

// escalationText is the escalation state (seed §7) on one line, as the
// console's incident screen shows it: the tier, then what is due or next
// and why, with times as at writes them.
//
//	Tier 1 · ESCALATE to Tier 2, due since 2026-12-03 16:05:00 UTC (12:00 ago) · 2h without progress
//	Tier 1 · Tier 2 due 2026-12-03 16:05:00 UTC (in 1:48:00) · 2h without progress
func escalationText(inc *model.Incident, now time.Time, at func(time.Time) string) string {
	esc := inc.Escalation(now)
	parts := []string{fmt.Sprintf("Tier %d", esc.Tier)}
	awaiting := inc.AwaitingTierAck()
	if awaiting {
		parts = append(parts, fmt.Sprintf("escalated %s, awaiting Tier %d's acknowledgment", at(inc.EscalatedAt), esc.Tier))
	} else if !inc.EscalatedAt.IsZero() {
		parts = append(parts, fmt.Sprintf("escalated %s, acknowledged %s", at(inc.EscalatedAt), at(inc.TierAckAt)))
	}
	switch {
	case esc.Due:
		parts = append(parts, fmt.Sprintf("ESCALATE to Tier %d, due since %s (%s ago)", esc.NextTier, at(esc.DueAt), since(now.Sub(esc.DueAt))))
	case esc.NextTier == 0:
		parts = append(parts, "top tier")
		return strings.Join(parts, " · ")
	case inc.Status != model.StatusOpen:
		parts = append(parts, "no escalation once resolved")
		return strings.Join(parts, " · ")
	case esc.DueAt.IsZero():
		parts = append(parts, fmt.Sprintf("Tier %d not scheduled", esc.NextTier))
	default:
		parts = append(parts, fmt.Sprintf("Tier %d due %s (in %s)", esc.NextTier, at(esc.DueAt), ui.Countdown(esc.DueAt.Sub(now))))
	}
	if esc.Reason != "" {
		parts = append(parts, ui.Sanitize(esc.Reason))
	}
	return strings.Join(parts, " · ")
}

func runDraft(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("draft", &g, stderr)
	name := fs.String("template", "status-update", "template name")
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"draft takes one incident key: warroom draft INC-0001 --template status-update"}
	}
	if _, err := model.ParseKey(pos[0]); err != nil {
		return usageError{err.Error()}
	}
	content, err := loadContent(g)
	if err != nil {
		return err
	}
	tmpls := content.Templates
	t, ok := playbooks.FindTemplate(tmpls, *name)
	if !ok {
		names := make([]string, len(tmpls))
		for i, t := range tmpls {
			names[i] = t.Name
		}
		return usageError{fmt.Sprintf("unknown template %q (want one of %s)", *name, strings.Join(names, ", "))}
	}
	return withIncident(g, pos[0], func(ctx context.Context, st *store.Store, cat model.Catalog, inc *model.Incident) error {
		// The after-action review scores a drill against its scenario:
		// a real incident has neither, only placeholders to fill.
		if t.Name == playbooks.TemplateAAR && !inc.IsDrill() {
			return usageError{fmt.Sprintf("the after-action review is a drill's: %s is not a drill", inc.Key())}
		}
		now := time.Now()
		data := model.NewTemplateData(inc, cat, now, time.Local)
		if inc.IsDrill() {
			d, err := st.DrillOfIncident(ctx, inc.Number)
			if err != nil {
				return err
			}
			data = data.WithDrill(d, model.ScoreDrill(d, inc, now), now, time.Local)
		}
		items, err := st.ActionItems(ctx, inc.Number)
		if err != nil {
			return err
		}
		text, err := t.Fill(data.WithActionItems(items, now, time.Local))
		if err != nil {
			return err
		}
		_, err = io.WriteString(stdout, text)
		return err
	})
}

// exportFormats are the formats of `warroom export`.
var exportFormats = []string{"md", "json"}

func runExport(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", &g, stderr)
	format := fs.String("format", "md", "md (the seed's §6.1.2 post-incident review report, Markdown) or json")
	output := fs.String("output", "", "write to this file (mode 0600) and print its path, instead of to stdout")
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"export takes one incident key: warroom export INC-0001 [--format md|json] [--output FILE]"}
	}
	*format = strings.ToLower(strings.TrimSpace(*format))
	if !slices.Contains(exportFormats, *format) {
		return usageError{fmt.Sprintf("unknown format %q (want %s)", *format, strings.Join(exportFormats, " or "))}
	}
	return withIncident(g, pos[0], func(ctx context.Context, st *store.Store, cat model.Catalog, inc *model.Incident) error {
		review, err := st.Review(ctx, inc.Number)
		if err != nil {
			return err
		}
		items, err := st.ActionItems(ctx, inc.Number)
		if err != nil {
			return err
		}
		now := time.Now()
		var drill *model.Drill
		if inc.IsDrill() {
			d, err := st.DrillOfIncident(ctx, inc.Number)
			if err != nil {
				return err
			}
			drill = &d
		}
		var b bytes.Buffer
		switch {
		case *format == "json" && drill != nil:
			if err := writeJSON(&b, inc.DrillExport(*drill, review, items, now)); err != nil {
				return err
			}
		case *format == "json":
			if err := writeJSON(&b, inc.Export(review, items, now)); err != nil {
				return err
			}
		case drill != nil:
			b.WriteString(model.DrillMarkdown(*drill, inc, review, items, cat, now, time.Local))
		default:
			b.WriteString(model.Markdown(inc, review, items, cat, now, time.Local))
		}
		if *output == "" || *output == "-" {
			_, err = stdout.Write(b.Bytes())
			return err
		}
		if err := writeFileAtomic(*output, b.Bytes()); err != nil {
			return fmt.Errorf("export %s: %w", inc.Key(), err)
		}
		fmt.Fprintln(stdout, *output)
		return nil
	})
}

// writeFileAtomic writes data to path with mode 0600, whole or not at all:
// into a new file beside it, then renamed over it. An existing file at
// path, or a symbolic link there, is replaced, never written through; the
// directory must exist.
func writeFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return fmt.Errorf("%s: not a file name", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory", path)
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp") // mode 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the rename, there is nothing left to remove
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
