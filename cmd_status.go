package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/store"
	"github.com/warroom/warroom/ui"
)

// `warroom status` is the war room in one line, for a status bar: how many
// incidents are open, the worst severity among them, and the deadline due
// soonest. tmux runs it every status-interval, so it reads the board with
// one query and nothing else: no playbooks (the incidents carry their SLA
// snapshots), no migrations beyond the schema version check, and a missing
// default database is "no open incidents", not a new file.
//
//	set -g status-right '#(warroom status --tmux) %H:%M'

func runStatus(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("status", &g, stderr)
	tmux := fs.Bool("tmux", false, "one line for tmux's status-right, with tmux's #[fg=...] colours")
	asJSON := fs.Bool("json", false, "print JSON, for other status bars")
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("status takes no arguments (got %q)", pos[0])}
	}
	if *tmux && *asJSON {
		return usageError{"status: --tmux or --json, not both"}
	}
	incs, err := statusBoard(g)
	if err != nil {
		return err
	}
	now := time.Now()
	s := summarize(incs, now)
	switch {
	case *asJSON:
		return writeJSON(stdout, s.doc(now))
	case *tmux:
		_, err = io.WriteString(stdout, s.tmux(now)+"\n")
	default:
		_, err = io.WriteString(stdout, s.text(now)+"\n")
	}
	return err
}

// statusBoard reads the incidents on the board (open and resolved). A
// database file that does not exist has none, when it is the default one;
// a --db or $WARROOM_DB naming a missing file is an error, most likely a
// typo, which would otherwise read "no open incidents" forever.
func statusBoard(g globals) ([]*model.Incident, error) {
	path, err := dbPath(g)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if g.dbSet || os.Getenv("WARROOM_DB") != "" {
			return nil, fmt.Errorf("no database at %s", path)
		}
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	incs, err := st.Board(ctx)
	if cerr := st.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return incs, err
}

// statusSummary is what `warroom status` reports.
type statusSummary struct {
	open, resolved int
	// breached counts the incidents on the board whose next deadline is
	// breached: the number the console's header shows.
	breached int
	// worst is the worst severity of the open real incidents, or of the
	// open drills when only drills are open (worstDrill); 0 when none is
	// open. next is likewise a real incident's when one runs a clock: a
	// drill never hides the real thing.
	worst      model.Severity
	worstDrill bool
	next       *statusNext // nil when nothing of an open incident is running
	// drills counts the open incidents that are drills' (counted in open
	// too: they run the same clocks), so the line can say so.
	drills int
}

// statusNext is the deadline of an open incident due soonest, or a due
// escalation, as the board's column shows it.
type statusNext struct {
	key      string
	severity model.Severity
	what     string // "ACK", "UPD", "ESC T2"
	dueAt    time.Time
	state    model.DeadlineState // ok, warning or breached (a due escalation is breached)
	drill    bool                // the incident is a drill's
}

// summarize counts the incidents and finds the deadline due soonest among
// the open ones: a due escalation (what the board shows first for an
// incident), else the incident's next running deadline. A breached deadline
// or a due escalation is due soonest of all, the longest overdue first;
// ties go to the incident first on the board (model.SortBoard). Drills
// count in open, but the worst severity and the next deadline are real
// incidents' whenever one is open.
func summarize(incs []*model.Incident, now time.Time) statusSummary {
	incs = append([]*model.Incident(nil), incs...)
	model.SortBoard(incs, now)
	var s statusSummary
	var drillWorst model.Severity
	var drillNext *statusNext
	for _, inc := range incs {
		if d, ok := inc.NextDeadline(now); ok && d.State == model.StateBreached {
			s.breached++
		}
		if inc.Status != model.StatusOpen {
			if inc.Status == model.StatusResolved {
				s.resolved++
			}
			continue
		}
		s.open++
		worst, next := &s.worst, &s.next
		if inc.IsDrill() {
			s.drills++
			worst, next = &drillWorst, &drillNext
		}
		if *worst == 0 || inc.Severity < *worst {
			*worst = inc.Severity
		}
		var n statusNext
		if esc := inc.Escalation(now); esc.Due {
			n = statusNext{what: fmt.Sprintf("ESC T%d", esc.NextTier), dueAt: esc.DueAt, state: model.StateBreached}
		} else if d, ok := inc.NextDeadline(now); ok {
			n = statusNext{what: d.Short, dueAt: d.DueAt, state: d.State}
		} else {
			continue
		}
		if *next == nil || n.dueAt.Before((*next).dueAt) {
			n.key, n.severity, n.drill = inc.Key(), inc.Severity, inc.IsDrill()
			*next = &n
		}
	}
	if s.worst == 0 && drillWorst != 0 {
		s.worst, s.worstDrill = drillWorst, true
	}
	if s.next == nil {
		s.next = drillNext
	}
	return s
}

// label is the next deadline as the board's column shows it, with its
// incident: "INC-0004 ACK +04:12", "INC-0005 DRILL ACK 03:10" for a
// drill's. clean, if not nil, cleans the short name first.
func (n *statusNext) label(now time.Time, clean func(string) string) string {
	what := n.what
	if clean != nil {
		what = clean(what)
	}
	key := n.key
	if n.drill {
		key += " DRILL"
	}
	return key + " " + ui.Fit(what, 12) + " " + ui.Countdown(n.dueAt.Sub(now))
}

// openText is "3 open", "3 open (1 drill)", "3 open (2 drills)".
func (s statusSummary) openText() string {
	if s.drills == 0 {
		return fmt.Sprintf("%d open", s.open)
	}
	if s.drills == 1 {
		return fmt.Sprintf("%d open (1 drill)", s.open)
	}
	return fmt.Sprintf("%d open (%d drills)", s.open, s.drills)
}

// drillMark is " (drill)" when the worst severity is a drill's: no real
// incident is open.
func (s statusSummary) drillMark() string {
	if s.worstDrill {
		return " (drill)"
	}
	return ""
}

// tmuxClean removes "#" from text for tmux, which reads "#[" and "#{" as
// its own.
func tmuxClean(s string) string { return strings.ReplaceAll(s, "#", "") }

// text is the plain line:
//
//	3 open, worst P1 · 1 resolved · 1 breached · next INC-0004 ACK +04:12
func (s statusSummary) text(now time.Time) string {
	var parts []string
	if s.open == 0 {
		parts = append(parts, "no open incidents")
	} else {
		parts = append(parts, fmt.Sprintf("%s, worst %s%s", s.openText(), s.worst, s.drillMark()))
	}
	if s.resolved > 0 {
		parts = append(parts, fmt.Sprintf("%d resolved", s.resolved))
	}
	if s.breached > 0 {
		parts = append(parts, fmt.Sprintf("%d breached", s.breached))
	}
	if s.next != nil {
		parts = append(parts, "next "+s.next.label(now, nil))
	}
	return strings.Join(parts, " · ")
}

// tmux colours (the 256-colour palette, as the console's dark theme): the
// severity badge by severity, the next deadline by its state.
var (
	tmuxSeverity = map[model.Severity]string{model.P1: "colour196", model.P2: "colour208", model.P3: "colour220", model.P4: "colour39"}
	tmuxState    = map[model.DeadlineState]string{model.StateBreached: "colour196", model.StateWarning: "colour220"}
)

const tmuxMuted = "colour244"

// tmux is the line for tmux's status-right, in tmux's own style codes:
//
//	#[fg=colour196,bold]P1#[default] 3 open · #[fg=colour196]INC-0004 ACK +04:12#[default]
//	#[fg=colour244]no open incidents#[default]
//
// The deadline is red once breached (or for a due escalation), yellow in
// its warning share, uncoloured otherwise. No title is shown, and the
// deadline's short name, which comes from the SLA policy, loses any "#"
// (tmux reads "#[" and "#{" as its own) and control character.
func (s statusSummary) tmux(now time.Time) string {
	if s.open == 0 {
		return "#[fg=" + tmuxMuted + "]no open incidents#[default]"
	}
	line := fmt.Sprintf("#[fg=%s,bold]%s#[default]%s %s", tmuxSeverity[s.worst], s.worst, s.drillMark(), s.openText())
	if s.next == nil {
		return line
	}
	label := s.next.label(now, tmuxClean)
	if c, ok := tmuxState[s.next.state]; ok {
		label = "#[fg=" + c + "]" + label + "#[default]"
	}
	return line + " · " + label
}

// statusDoc is `warroom status --json`.
type statusDoc struct {
	Open          int             `json:"open"`
	Resolved      int             `json:"resolved"`
	Breached      int             `json:"breached"`
	WorstSeverity *model.Severity `json:"worst_severity"` // null when nothing is open
	Next          *statusNextDoc  `json:"next"`           // null when nothing is running
	// Drills counts the open incidents that are drills' (included in
	// Open); left out when none is.
	Drills int `json:"drills,omitempty"`
}

type statusNextDoc struct {
	Key      string         `json:"key"`
	Severity model.Severity `json:"severity"`
	// Deadline is the short name the board shows: "ACK", "UPD", or
	// "ESC T2" for a due escalation.
	Deadline string    `json:"deadline"`
	DueAt    time.Time `json:"due_at"`
	// RemainingSeconds is the time left until DueAt, in whole seconds
	// (negative once due).
	RemainingSeconds int64               `json:"remaining_seconds"`
	State            model.DeadlineState `json:"state"` // ok, warning or breached
	// Drill: the incident is a drill's, not a real one; left out for a
	// real incident.
	Drill bool `json:"drill,omitempty"`
}

func (s statusSummary) doc(now time.Time) statusDoc {
	d := statusDoc{Open: s.open, Resolved: s.resolved, Breached: s.breached, Drills: s.drills}
	if s.worst != 0 {
		w := s.worst
		d.WorstSeverity = &w
	}
	if n := s.next; n != nil {
		d.Next = &statusNextDoc{
			Key: n.key, Severity: n.severity, Deadline: ui.Sanitize(n.what),
			DueAt: n.dueAt.UTC(), RemainingSeconds: int64(n.dueAt.Sub(now) / time.Second), State: n.state,
			Drill: n.drill,
		}
	}
	return d
}
