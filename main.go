// Command warroom is a full-screen terminal war-room console for running
// incidents: a live board of incidents counting down against their SLA
// deadlines, playbook checklists, roles and the timeline, all in one SQLite
// file.
//
// Usage:
//
//	warroom [--db PATH] [--as NAME]                 open the console
//	warroom declare --title TEXT [flags]            declare an incident, print its key
//	warroom list [--json]                           list open and resolved incidents
//	warroom show KEY [--json]                       print one incident
//	warroom draft KEY --template NAME               print a filled communication template
//	warroom export KEY [--format md|json] [--output FILE]
//	                                                the post-incident review report (Markdown) or JSON
//
// main.go parses flags and subcommands and wires store, playbooks and ui;
// the subcommands' output is in cli.go.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // local times even on a machine without a zoneinfo database

	tea "github.com/charmbracelet/bubbletea"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/store"
	"github.com/warroom/warroom/ui"
)

// Exit statuses: 1 for a failure (database, I/O), 2 for bad usage or input.
const (
	exitFail  = 1
	exitUsage = 2
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// globals are the flags every subcommand takes.
type globals struct {
	db string
	as string
	// dbSet and asSet: the flag was given (at the top or after the
	// subcommand), even if empty.
	dbSet, asSet bool
	// playbooks is a directory of custom playbooks, templates, policy and
	// label mappings that override the built-ins file by file.
	playbooks string
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.db, "db", g.db, "database file (default $WARROOM_DB, else $XDG_DATA_HOME/warroom/warroom.db)")
	fs.StringVar(&g.as, "as", g.as, "name your actions are recorded under (default $USER)")
	fs.StringVar(&g.playbooks, "playbooks", g.playbooks, "directory of custom playbooks, templates, policy and label mappings")
}

// noteSet records which of the global flags fs parsed and refuses empty
// ones: an explicit empty --db, or an --as that is blank once cleaned, is a
// mistake, not a request for the default.
func (g *globals) noteSet(fs *flag.FlagSet) error {
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "db":
			g.dbSet = true
		case "as":
			g.asSet = true
		}
	})
	if g.dbSet && strings.TrimSpace(g.db) == "" {
		return usageError{"--db needs a path"}
	}
	if g.asSet && cleanName(g.as) == "" {
		return usageError{"--as needs a name"}
	}
	return nil
}

// usageError is bad usage or bad input: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(args []string, stdout, stderr io.Writer) int {
	var g globals
	fs := flag.NewFlagSet("warroom", flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitUsage
	}
	if err := g.noteSet(fs); err != nil {
		fmt.Fprintln(stderr, "warroom:", err)
		return exitUsage
	}
	rest := fs.Args()
	cmd := "console"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	var err error
	switch cmd {
	case "console":
		err = runConsole(g)
	case "declare":
		err = runDeclare(g, rest, stdout, stderr)
	case "list":
		err = runList(g, rest, stdout, stderr)
	case "show":
		err = runShow(g, rest, stdout, stderr)
	case "draft":
		err = runDraft(g, rest, stdout, stderr)
	case "export":
		err = runExport(g, rest, stdout, stderr)
	case "status":
		err = runStatus(g, rest, stdout, stderr)
	case "ingest":
		err = runIngest(g, rest, os.Stdin, stdout, stderr)
	case "serve":
		err = runServe(g, rest, stdout, stderr)
	case "playbooks":
		err = runPlaybooks(g, rest, stdout, stderr)
	case "report":
		err = runReport(g, rest, stdout, stderr)
	case "demo":
		err = runDemo(g, rest, stdout, stderr)
	case "drill":
		err = runDrill(g, rest, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "warroom: unknown command %q\n%s", cmd, usage)
		return exitUsage
	}
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	// An error can quote stored text (a title, a reason): it reaches the
	// terminal as plain text, its lines kept, never an escape sequence.
	fmt.Fprintln(stderr, "warroom:", model.PlainText(err.Error()))
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, model.ErrInvalid) {
		return exitUsage
	}
	return exitFail
}

const usage = `warroom: a terminal war-room console for running incidents

usage:
  warroom [--db PATH] [--as NAME]          open the console
  warroom declare --title TEXT [--severity P1|P2|P3|P4|auto] [--services a,b]
                  [--customers-pct N] [--impact critical|important|other]
                  [--reason TEXT] [--detected-at RFC3339] [--started-at RFC3339]
                  [--drill ID] [--json]
                                           declare an incident; prints its key (--drill:
                                           the incident of an armed drill)
  warroom list [--json]                    open and resolved incidents, most urgent first
  warroom show KEY [--json]                one incident: clocks, checklist, roles, timeline
  warroom draft KEY --template NAME        a communication template filled from the incident
  warroom export KEY [--format md|json] [--output FILE]
                                           the post-incident review (seed §6.1.2) as Markdown,
                                           or everything show --json has plus the review, RCA,
                                           action items and verification as JSON; --output
                                           writes FILE (mode 0600) and prints its path
  warroom ingest [--format alertmanager|grafana|pagerduty] < payload
                                           open or update incidents from a monitoring alert
  warroom serve [--listen 127.0.0.1:9095] [--token-file F] [--log FILE] [--allow-remote]
                                           take alerts over HTTP
  warroom status [--tmux|--json]           one line for a status bar
  warroom playbooks validate [DIR] | export DIR [--force]
                                           check custom playbooks, or write the built-ins
  warroom report [--json] [--period 7d|30d|90d|12m|all | --since DATE] [--severity P1]
                                           the metrics (seed §6.3, §9.3): MTTD, MTTA, MTTR,
                                           SLA breaches, repeats, causes, the monthly trend;
                                           --json in the seed's dashboard shape; drills never count
  warroom demo --seed N [--count N] [--force]
                                           fill the database with a year of made-up incidents
  warroom drill list | start NAME | declare ID | show ID | aar ID | stop ID
                                           run a drill (seed §8.2) as an incident marked DRILL,
                                           scored against its targets; aar: the after-action review

flags for every command:
  --db PATH   database file (default $WARROOM_DB, else $XDG_DATA_HOME/warroom/warroom.db)
  --as NAME   who your actions are recorded as (default $USER)
  --playbooks DIR  custom playbooks, templates, policy, label mapping (file by file over
                   the built-ins; also $XDG_CONFIG_HOME/warroom/playbooks)
`

// dbPath resolves the database: --db, else $WARROOM_DB, else the XDG data
// directory, which is created (0700) if missing. An explicit path's
// directory is never created: a typo should not scatter databases around.
// An explicit --db must name a file (noteSet); an empty $WARROOM_DB counts
// as unset.
func dbPath(g globals) (string, error) {
	if g.dbSet {
		if strings.TrimSpace(g.db) == "" {
			return "", usageError{"--db needs a path"}
		}
		return g.db, nil
	}
	if p := os.Getenv("WARROOM_DB"); p != "" {
		return p, nil
	}
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no --db given and no home directory to keep the database in: %w", err)
		}
		base = filepath.Join(home, ".local", "share")
	}
	dir := filepath.Join(base, "warroom")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating the data directory: %w", err)
	}
	return filepath.Join(dir, "warroom.db"), nil
}

// actor is who actions are recorded as on the audit timeline: --as, else
// $USER, else "unknown", cleaned by cleanName. An explicit --as that cleans
// to nothing is refused by noteSet before this runs.
func actor(g globals) string {
	if g.asSet {
		if a := cleanName(g.as); a != "" {
			return a
		}
	}
	if u := cleanName(os.Getenv("USER")); u != "" {
		return u
	}
	return "unknown"
}

// cleanName is a name as the timeline records it: one line of plain text
// (no escape sequences or control characters), trimmed.
func cleanName(s string) string {
	return strings.TrimSpace(model.PlainLine(strings.TrimSpace(s)))
}

// open loads the playbooks (the built-ins with any custom ones over them)
// and opens the database. An invalid custom set is refused with its
// report, before the database is touched.
func open(g globals) (*store.Store, model.Catalog, error) {
	c, err := loadContent(g)
	if err != nil {
		return nil, model.Catalog{}, err
	}
	path, err := dbPath(g)
	if err != nil {
		return nil, c.Catalog, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, c.Catalog, err
	}
	return st, c.Catalog, nil
}

func runConsole(g globals) error {
	st, cat, err := open(g)
	if err != nil {
		return err
	}
	defer st.Close()
	content, err := loadContent(g)
	if err != nil {
		return err
	}
	tmpls := content.Templates
	host, _ := os.Hostname()
	session := newSession()
	app := ui.New(ui.Config{Store: st, Catalog: cat, Actor: actor(g), DBPath: st.Path(),
		Session: session, Host: host, PID: os.Getpid(), Templates: tmpls, Scenarios: content.Drills})
	// Bubble Tea restores the terminal on exit, on ctrl+c and after a
	// panic (it recovers, restores, then reports it).
	// 20 frames a second at most: keys still echo within 50 ms, and an
	// idle console wakes a third as often as at the default 60.
	_, err = tea.NewProgram(app, tea.WithAltScreen(), tea.WithFPS(20)).Run()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if lerr := st.Leave(ctx, session); lerr != nil && err == nil {
		fmt.Fprintln(os.Stderr, "warroom: leaving:", lerr)
	}
	return err
}

// newSession names this console for the presence table.
func newSession() string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return fmt.Sprintf("pid-%d-%d", os.Getpid(), time.Now().UnixNano())
	}
	return hex.EncodeToString(b)
}
