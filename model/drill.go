package model

import (
	"fmt"
	"strings"
	"time"
)

// This file holds the drill types (seed §8.2, §8.3). A drill starts at T0,
// when the simulated failure begins; its scenario's injects are revealed at
// T0 plus their offsets. The team declares the drill's incident when it has
// detected the failure (detection = declared - T0: the incident's StartedAt
// is T0), then works it with the normal playbook and clocks. Its score
// compares the measured times with the scenario's targets.

// EventInject is the timeline event of a drill inject revealed.
const EventInject EventKind = "inject"

// Inject is a piece of the situation revealed At after the drill's start:
// "WebSocket connections dropping" at T+2m.
type Inject struct {
	At   time.Duration `json:"at"`
	Text string        `json:"text"`
}

// DrillTargets are a scenario's target times (seed §8.2.1 "Metrics"); a
// zero target is not scored.
type DrillTargets struct {
	Detection   time.Duration `json:"detection,omitempty"`   // T0 to declared
	Acknowledge time.Duration `json:"acknowledge,omitempty"` // declared to acknowledged
	Resolution  time.Duration `json:"resolution,omitempty"`  // declared to resolved
}

// String is the targets for people: "detection < 1m, acknowledgment <
// 5m, resolution < 30m", leaving out those not scored; "none".
func (t DrillTargets) String() string {
	var parts []string
	for _, p := range []struct {
		name string
		d    time.Duration
	}{{"detection", t.Detection}, {"acknowledgment", t.Acknowledge}, {"resolution", t.Resolution}} {
		if p.d > 0 {
			parts = append(parts, p.name+" < "+PreciseDuration(p.d))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Scenario is a drill scenario as its data file gives it
// (playbooks/data/drills/NAME.yaml), snapshotted in a drill when started.
type Scenario struct {
	Name         string       `json:"name"`  // "registry-failure"
	Title        string       `json:"title"` // "Complete Registry Failure"
	Severity     Severity     `json:"severity"`
	Services     []string     `json:"services"`
	Impact       Impact       `json:"impact"`
	CustomersPct float64      `json:"customers_pct"`
	Situation    []string     `json:"situation"`            // the seed's "Scenario" bullets
	Objectives   []string     `json:"objectives"`           // the seed's "Objectives"
	Challenges   []string     `json:"challenges,omitempty"` // the seed's "Challenges"
	Targets      DrillTargets `json:"targets"`
	Injects      []Inject     `json:"injects"` // in At order

	// MeasuredObjective is the objective the score itself shows achieved
	// (the seed's "Measure response time"): achieved once every target's
	// time was measured. "" when none is.
	MeasuredObjective string `json:"measured_objective,omitempty"`
	// Ratings are the seed's metrics the facilitator scores by hand
	// ("Communication quality: Score 1-5"), placeholders of the review.
	Ratings []string `json:"ratings,omitempty"`
}

// Drill is a scenario run: started at StartedAt (T0) by StartedBy.
// Incident is the number of its declared incident, 0 until declared.
// InjectsDelivered counts the injects already on that incident's timeline.
// EndedAt is set when it was called off (EndReason says why).
type Drill struct {
	ID               int64
	Scenario         Scenario
	StartedAt        time.Time
	StartedBy        string
	Incident         int64
	InjectsDelivered int
	EndedAt          time.Time
	EndReason        string

	// IncidentResolvedAt is the ResolvedAt of the drill's incident as
	// loaded with the drill, zero while it is not resolved: a drill whose
	// incident is resolved is over.
	IncidentResolvedAt time.Time
}

// ScoreRow is one target of a drill's score.
type ScoreRow struct {
	Name     string        // "Time to detection"
	Target   time.Duration // "< Target" to meet it
	Measured time.Duration // valid when Reached
	Reached  bool          // the instant has happened
	Met      bool          // Reached and Measured < Target
	// Missed: reached too late, or not reached and its target already
	// passed.
	Missed bool
	// DueAt is when the target passes: the row's start plus the target;
	// zero while the start has not happened (no acknowledgment clock
	// before the declaration).
	DueAt time.Time
	// CalledOff: the drill was called off before the row's instant was
	// reached, so it never will be (Reached is false). Missed still says
	// whether its target had passed by the call-off; if not, the row is
	// neither met nor missed, and no longer pending.
	CalledOff bool
}

// DrillScore is a drill's score against its scenario's targets.
type DrillScore struct {
	Rows     []ScoreRow
	Met      int
	Missed   int
	Complete bool // every target's instant has been reached
	// Expected is the scenario's severity, Declared the incident's (0
	// while armed): the team chooses, and a mismatch is noted, not scored.
	Expected, Declared Severity
}

// The lifecycle of a drill, what its score measures and how it shows. A
// drill is in one of four states (DrillState), derived from its row and
// its incident, never stored:
//
//   - armed: started, its incident not declared yet. The console reveals
//     the injects as their times come (Revealed); the detection clock runs
//     from T0.
//   - running: declared. Every inject due at the declaration is on the
//     timeline at T0 plus its offset; later ones are written when due
//     (the store's DeliverInjects, from the consoles' clock tick).
//   - over: its incident was resolved; the score is final (reopening the
//     incident reopens the drill: the score follows the incident's times).
//   - called off: ended early (EndReason says why). An armed drill called
//     off can no longer be declared; a running one keeps its incident,
//     which is then resolved or closed like any other, and gets no more
//     injects.

// EventDrillEnded is the timeline event of a running drill called off. It
// is not progress (IsProgress): calling a drill off does not stop the
// escalation clock.
const EventDrillEnded EventKind = "drill-ended"

// DrillActor is who the timeline records a drill's injects as written by.
const DrillActor = "drill"

// DrillBanner is the line every communication filled for a drill's
// incident starts with (playbooks' Template.Fill writes it), so that no
// message of an exercise can be mistaken for a real incident's.
const DrillBanner = "*** DRILL - EXERCISE ONLY - NOT A REAL INCIDENT ***"

// DrillState is where a drill stands; see the lifecycle above.
type DrillState string

// The states of a drill.
const (
	DrillArmed     DrillState = "armed"
	DrillRunning   DrillState = "running"
	DrillOver      DrillState = "over"
	DrillCalledOff DrillState = "called off"
)

// InjectText is the timeline text of an inject: "DRILL inject: WebSocket
// connections dropping".
func InjectText(in Inject) string { return "DRILL inject: " + in.Text }

// Validate checks what a scenario must satisfy to be run: a name, a title,
// a valid severity, injects at offsets of zero or more in time order, each
// with a text, and targets of zero (not scored) or more.
func (sc Scenario) Validate() error {
	switch {
	case strings.TrimSpace(sc.Name) == "":
		return fmt.Errorf("%w: the scenario has no name", ErrInvalid)
	case strings.TrimSpace(sc.Title) == "":
		return fmt.Errorf("%w: scenario %s has no title", ErrInvalid, sc.Name)
	case !sc.Severity.Valid():
		return fmt.Errorf("%w: scenario %s: severity %d is not P1-P4", ErrInvalid, sc.Name, sc.Severity)
	case sc.Targets.Detection < 0 || sc.Targets.Acknowledge < 0 || sc.Targets.Resolution < 0:
		return fmt.Errorf("%w: scenario %s has a negative target", ErrInvalid, sc.Name)
	}
	for i, in := range sc.Injects {
		switch {
		case in.At < 0:
			return fmt.Errorf("%w: scenario %s: inject %d is at a negative offset (%s)", ErrInvalid, sc.Name, i+1, in.At)
		case i > 0 && in.At < sc.Injects[i-1].At:
			return fmt.Errorf("%w: scenario %s: inject %d (%s) comes before inject %d (%s)", ErrInvalid, sc.Name, i+1, in.At, i, sc.Injects[i-1].At)
		case strings.TrimSpace(in.Text) == "":
			return fmt.Errorf("%w: scenario %s: inject %d has no text", ErrInvalid, sc.Name, i+1)
		}
	}
	return nil
}

// Armed reports whether the drill waits for its incident to be declared.
func (d Drill) Armed() bool { return d.Incident == 0 && d.EndedAt.IsZero() }

// Running reports whether the drill's incident is declared and neither
// resolved nor called off.
func (d Drill) Running() bool {
	return d.Incident != 0 && d.EndedAt.IsZero() && d.IncidentResolvedAt.IsZero()
}

// Over reports whether the drill's incident was resolved (before any call
// off): the score is final.
func (d Drill) Over() bool {
	return d.Incident != 0 && !d.IncidentResolvedAt.IsZero() &&
		(d.EndedAt.IsZero() || !d.EndedAt.Before(d.IncidentResolvedAt))
}

// CalledOff reports whether the drill was ended before its incident was
// resolved.
func (d Drill) CalledOff() bool { return !d.EndedAt.IsZero() && !d.Over() }

// State is the drill's state.
func (d Drill) State() DrillState {
	switch {
	case d.Over():
		return DrillOver
	case d.CalledOff():
		return DrillCalledOff
	case d.Armed():
		return DrillArmed
	}
	return DrillRunning
}

// end is when the drill stopped running, zero while it runs (or is armed):
// its incident's resolution or its call-off, whichever came first.
func (d Drill) end() time.Time {
	switch {
	case d.Over():
		return d.IncidentResolvedAt
	case d.CalledOff():
		return d.EndedAt
	}
	return time.Time{}
}

// asOf is now, or the drill's end if it came before: nothing happens in a
// drill after it ended.
func (d Drill) asOf(now time.Time) time.Time {
	if end := d.end(); !end.IsZero() && end.Before(now) {
		return end
	}
	return now
}

// Declaration is the declaration of the drill's incident as the scenario
// proposes it, detected at now by actor: the title "DRILL: " and the
// scenario's, its services, impact and share of customers (so the §2.2
// assessment proposes the scenario's severity; the team may choose
// another, as for any incident, and the score notes it), started at T0.
func (d Drill) Declaration(now time.Time, actor string) Declaration {
	sc := d.Scenario
	return Declaration{
		Title: "DRILL: " + sc.Title, Impact: sc.Impact, CustomersPct: sc.CustomersPct,
		Services: append([]string(nil), sc.Services...), DetectedAt: now, StartedAt: d.StartedAt, Actor: actor,
	}
}

// InjectAt is when the scenario's inject i is revealed: T0 plus its
// offset.
func (d Drill) InjectAt(i int) time.Time { return d.StartedAt.Add(d.Scenario.Injects[i].At) }

// Revealed lists the injects revealed by now, in order: those whose time
// (T0 plus the offset) is now or earlier, and not after the drill ended.
func (d Drill) Revealed(now time.Time) []Inject {
	now = d.asOf(now)
	n := 0
	for i := range d.Scenario.Injects {
		if d.InjectAt(i).After(now) {
			break
		}
		n = i + 1
	}
	return d.Scenario.Injects[:n:n]
}

// Due lists the injects revealed by now but not yet written to the
// incident's timeline (all the revealed ones while armed).
func (d Drill) Due(now time.Time) []Inject {
	rev := d.Revealed(now)
	return rev[min(d.InjectsDelivered, len(rev)):]
}

// NextInjectAt is when the next inject falls due for delivery to the
// timeline of a running drill: T0 plus the offset of the first one not
// delivered. ok is false when the drill does not run or has delivered
// them all.
func (d Drill) NextInjectAt() (at time.Time, ok bool) {
	if !d.Running() || d.InjectsDelivered >= len(d.Scenario.Injects) {
		return time.Time{}, false
	}
	return d.InjectAt(d.InjectsDelivered), true
}

// NextRevealAt is when the next inject after now is revealed; ok is false
// when none is left or the drill has ended. An armed drill's console uses
// it to know when to show the next piece of the situation.
func (d Drill) NextRevealAt(now time.Time) (at time.Time, ok bool) {
	if !d.end().IsZero() {
		return time.Time{}, false
	}
	for i := range d.Scenario.Injects {
		if t := d.InjectAt(i); t.After(now) {
			return t, true
		}
	}
	return time.Time{}, false
}

// The names of the score's rows.
const (
	ScoreDetection   = "Time to detection"
	ScoreAcknowledge = "Time to acknowledgment"
	ScoreResolution  = "Time to resolution"
)

// ScoreDrill scores a drill against its scenario's targets as of now. inc
// is the drill's incident, nil while the drill is armed. The rows, each
// left out when its target is zero:
//
//   - Time to detection: the incident's DetectedAt (its declaration) - T0;
//   - Time to acknowledgment: AcknowledgedAt - DetectedAt;
//   - Time to resolution: ResolvedAt - DetectedAt.
//
// A target is met when the time measured is strictly less than it (the
// seed's "< 1 min": 59s is met, 60s missed). A row whose end instant has
// not happened is not Reached; once its start plus its target is past at
// now, it is Missed already. After the drill was called off, now stands
// at the call-off, and a row not reached by then is CalledOff: it will
// never be. The score also notes the severity declared against the
// scenario's.
func ScoreDrill(d Drill, inc *Incident, now time.Time) DrillScore {
	calledOff := d.CalledOff() && !now.Before(d.EndedAt)
	now = d.asOf(now)
	s := DrillScore{Complete: true, Expected: d.Scenario.Severity}
	var detected, acked, resolved time.Time
	if inc != nil {
		detected, acked, resolved = inc.DetectedAt, inc.AcknowledgedAt, inc.ResolvedAt
		s.Declared = inc.Severity
	}
	t := d.Scenario.Targets
	for _, r := range []struct {
		name       string
		target     time.Duration
		start, end time.Time
	}{
		{ScoreDetection, t.Detection, d.StartedAt, detected},
		{ScoreAcknowledge, t.Acknowledge, detected, acked},
		{ScoreResolution, t.Resolution, detected, resolved},
	} {
		if r.target <= 0 {
			continue
		}
		row := ScoreRow{Name: r.name, Target: r.target}
		if !r.start.IsZero() {
			row.DueAt = r.start.Add(r.target)
		}
		switch {
		case !r.start.IsZero() && !r.end.IsZero():
			row.Reached, row.Measured = true, r.end.Sub(r.start)
			row.Met = row.Measured < r.target
			row.Missed = !row.Met
		case !r.start.IsZero():
			row.Missed = !now.Before(row.DueAt)
		}
		row.CalledOff = calledOff && !row.Reached
		if row.Met {
			s.Met++
		}
		if row.Missed {
			s.Missed++
		}
		s.Complete = s.Complete && row.Reached
		s.Rows = append(s.Rows, row)
	}
	return s
}

// SeverityMismatch reports whether the incident was declared at another
// severity than the scenario's.
func (s DrillScore) SeverityMismatch() bool {
	return s.Declared != 0 && s.Declared != s.Expected
}

// Summary is the score in a few words: "2/3 met", "1/3 met, 1 missed,
// 1 pending", "1/3 met, 2 not reached (called off)", "no targets".
func (s DrillScore) Summary() string {
	if len(s.Rows) == 0 {
		return "no targets"
	}
	out := fmt.Sprintf("%d/%d met", s.Met, len(s.Rows))
	if s.Missed > 0 {
		out += fmt.Sprintf(", %d missed", s.Missed)
	}
	pending, off := 0, 0
	for _, r := range s.Rows {
		switch r.Result() {
		case ResultPending:
			pending++
		case ResultCalledOff:
			off++
		}
	}
	if pending > 0 {
		out += fmt.Sprintf(", %d pending", pending)
	}
	if off > 0 {
		out += fmt.Sprintf(", %d not reached (called off)", off)
	}
	return out
}

// The results of a score row (ScoreRow.Result).
const (
	ResultMet       = "met"
	ResultMissed    = "missed"
	ResultPending   = "pending"    // not reached, its target not passed yet
	ResultCalledOff = "called off" // not reached when the drill was called off, its target not passed then
)

// Result is the row in a word or two: "met", "missed", "pending" while its
// target has not passed, or "called off" when the drill was called off
// before the row was reached or missed.
func (r ScoreRow) Result() string {
	switch {
	case r.Met:
		return ResultMet
	case r.Missed:
		return ResultMissed
	case r.CalledOff:
		return ResultCalledOff
	}
	return ResultPending
}

// MeasuredText is the time measured for people, "45s", "6m 10s", "not
// reached", or "not reached (called off)" when the drill was called off
// before it was.
func (r ScoreRow) MeasuredText() string {
	switch {
	case r.Reached:
		return PreciseDuration(r.Measured)
	case r.CalledOff:
		return "not reached (called off)"
	}
	return "not reached"
}

// PreciseDuration writes a duration to the second, truncated: "45s",
// "6m 10s", "2h", "1h 2m 3s". Drill times are short, and the second
// matters against a one-minute target.
func PreciseDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Truncate(time.Second)
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	switch {
	case h > 0 && m == 0 && s == 0:
		return fmt.Sprintf("%dh", h)
	case h > 0:
		return fmt.Sprintf("%dh %dm %ds", h, m, s)
	case m > 0 && s > 0:
		return fmt.Sprintf("%dm %ds", m, s)
	case m > 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%ds", s)
}

// CallOffDrill ends a drill's incident when its drill is called off: it is
// closed at once, unresolved, so that no clock of an exercise that stopped
// keeps escalating or breaching on the board. Reopen brings it back like
// any closed incident (the drill stays called off).
func (inc *Incident) CallOffDrill(now time.Time, actor, reason string) (Event, error) {
	if !inc.IsDrill() {
		return Event{}, fmt.Errorf("%w: %s is not a drill's incident", ErrConflict, inc.Key())
	}
	if inc.Status != StatusOpen {
		return Event{}, fmt.Errorf("%w: %s is %s: only an open drill can be called off", ErrConflict, inc.Key(), inc.Status)
	}
	now = Millis(now)
	inc.Status, inc.ClosedAt = StatusClosed, now
	return inc.event(now, actor, EventDrillEnded, "DRILL called off: "+strings.TrimSpace(reason)+"; the incident is closed unresolved"), nil
}
