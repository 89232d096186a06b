package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file is what a drill gives its documents: the after-action review
// (seed §8.3, the after-action-review template filled from TemplateData's
// Drill) and the drill's JSON (`warroom drill list --json`, the "drill" of
// an export).

// DrillData is a drill as a template sees it: its scenario, its score and
// what the after-action review derives from them. Every string is plain
// text (PlainLine).
type DrillData struct {
	ID           int64
	Name         string // the scenario's name, "registry-failure"
	Title        string // "Complete Registry Failure"
	Severity     string // the scenario's severity, "P1"
	SeverityNote string // "declared P2; the scenario expects P1", "" when they agree
	Date         string // T0's date, "2026-12-03"
	StartedAt    string // T0, with its zone
	StartedBy    string
	State        string // armed, running, over, called off
	EndReason    string // why it was called off; ""
	Situation    []string
	Challenges   []string
	Objectives   []ObjectiveReview
	Score        []ScoreLine
	ScoreSummary string   // "2/3 met, 1 missed"
	Strengths    []string // the targets met, as sentences
	Improvements []string // the targets missed, as sentences
	Ratings      []string // scored by the facilitator: "Communication quality: Score 1-5"
	Injects      []InjectEntry
}

// ObjectiveReview is one objective of the scenario with what the data
// shows of it: Achieved only for the objective the score measures
// (Scenario.MeasuredObjective) once every target time was measured; the
// others are the facilitator's to judge.
type ObjectiveReview struct {
	Text     string
	Achieved bool
	Note     string // why it is achieved: "all 3 target times measured, 2 met"
}

// ScoreLine is a row of the score for people.
type ScoreLine struct {
	Name     string // "Time to detection"
	Target   string // "< 1m"
	Measured string // "45s", "not reached", "not reached (called off)"
	Result   string // "met", "missed", "pending", "called off"
}

// InjectEntry is an inject revealed, for people.
type InjectEntry struct {
	Offset string // "T+2m"
	At     string // T0 plus the offset, with its zone
	Text   string
}

// ActionItemEntry is an action item for people.
type ActionItemEntry struct {
	ID                         int
	Action, Owner, Due, Status string
}

// WithDrill returns d with the drill and its score (ScoreDrill of the
// incident d was made from, at now) filled in, times in loc. It marks d a
// drill's.
func (d TemplateData) WithDrill(dr Drill, score DrillScore, now time.Time, loc *time.Location) TemplateData {
	dd := &DrillData{
		ID: dr.ID, Name: PlainLine(dr.Scenario.Name), Title: PlainLine(dr.Scenario.Title),
		Severity: dr.Scenario.Severity.String(),
		Date:     dr.StartedAt.In(loc).Format("2006-01-02"), StartedAt: TimeWithZone(dr.StartedAt, loc),
		StartedBy: PlainLine(dr.StartedBy), State: string(dr.State()), EndReason: PlainLine(dr.EndReason),
		Situation: plainLines(dr.Scenario.Situation), Challenges: plainLines(dr.Scenario.Challenges),
		Ratings: plainLines(dr.Scenario.Ratings), ScoreSummary: score.Summary(),
	}
	if score.SeverityMismatch() {
		dd.SeverityNote = fmt.Sprintf("declared %s; the scenario expects %s", score.Declared, score.Expected)
	}
	dd.Score = ScoreLines(score)
	for _, r := range score.Rows {
		switch {
		case r.Met:
			dd.Strengths = append(dd.Strengths, fmt.Sprintf("%s: %s, within the %s target", r.Name, r.MeasuredText(), PreciseDuration(r.Target)))
		case r.Missed && r.Reached:
			dd.Improvements = append(dd.Improvements, fmt.Sprintf("%s: %s, over the %s target", r.Name, r.MeasuredText(), PreciseDuration(r.Target)))
		case r.Missed:
			dd.Improvements = append(dd.Improvements, fmt.Sprintf("%s: not reached; the %s target passed at %s", r.Name, PreciseDuration(r.Target), TimeWithZone(r.DueAt, loc)))
		}
	}
	// How the playbook was worked: a drill scored on its clocks alone can
	// look perfect for a response that skipped the playbook.
	if d.Commander != "" {
		dd.Strengths = append(dd.Strengths, "Incident Commander assigned: "+d.Commander)
	} else {
		dd.Improvements = append(dd.Improvements, "No Incident Commander was assigned")
	}
	if d.StepsTotal > 0 {
		steps := fmt.Sprintf("%d of %d playbook steps ticked", d.StepsDone, d.StepsTotal)
		if 2*d.StepsDone >= d.StepsTotal {
			dd.Strengths = append(dd.Strengths, steps)
		} else {
			dd.Improvements = append(dd.Improvements, "Only "+steps)
		}
	}
	if d.UpdatesRecorded > 0 {
		dd.Strengths = append(dd.Strengths, fmt.Sprintf("%d status update(s) recorded", d.UpdatesRecorded))
	} else {
		dd.Improvements = append(dd.Improvements, "No status update was recorded")
	}
	for _, o := range dr.Scenario.Objectives {
		ov := ObjectiveReview{Text: PlainLine(o)}
		if o == dr.Scenario.MeasuredObjective && score.Complete && len(score.Rows) > 0 {
			ov.Achieved = true
			ov.Note = fmt.Sprintf("all %d target times measured, %d met", len(score.Rows), score.Met)
		}
		dd.Objectives = append(dd.Objectives, ov)
	}
	for i, in := range dr.Revealed(now) {
		dd.Injects = append(dd.Injects, InjectEntry{Offset: "T+" + PreciseDuration(in.At),
			At: TimeWithZone(dr.InjectAt(i), loc), Text: PlainLine(in.Text)})
	}
	d.Drill, d.IsDrill = dd, true
	return d
}

// WithActionItems returns d with the incident's action items, by their
// number, due dates in loc; an item overdue at now says so in its status.
func (d TemplateData) WithActionItems(items []ActionItem, now time.Time, loc *time.Location) TemplateData {
	d.ActionItems = nil
	for _, a := range sortedItems(items) {
		status := string(a.Status)
		if a.Overdue(now) {
			status += " (overdue)"
		}
		due := ""
		if !a.DueAt.IsZero() {
			due = a.DueAt.In(loc).Format("2006-01-02")
		}
		d.ActionItems = append(d.ActionItems, ActionItemEntry{ID: a.Seq, Action: PlainLine(a.Description),
			Owner: PlainLine(a.Owner), Due: due, Status: status})
	}
	return d
}

// ScoreLines are a score's rows for people.
func ScoreLines(s DrillScore) []ScoreLine {
	out := make([]ScoreLine, 0, len(s.Rows))
	for _, r := range s.Rows {
		out = append(out, ScoreLine{Name: r.Name, Target: "< " + PreciseDuration(r.Target),
			Measured: r.MeasuredText(), Result: r.Result()})
	}
	return out
}

func plainLines(ss []string) []string {
	var out []string
	for _, s := range ss {
		out = append(out, PlainLine(s))
	}
	return out
}

// participants are the incident's people (TemplateData.Participants):
// the role holders in the seed's role order, then the other actors of the
// timeline in order of appearance, each once with the roles held. The
// drill's own actor, which writes the injects, is nobody.
func participants(inc *Incident) []string {
	var order []string
	roles := map[string][]string{}
	add := func(who string) {
		who = strings.TrimSpace(PlainLine(who))
		if who != "" && who != DrillActor && !slices.Contains(order, who) {
			order = append(order, who)
		}
	}
	for _, r := range Roles {
		if p := inc.Roles[r]; strings.TrimSpace(p) != "" {
			add(p)
			who := strings.TrimSpace(PlainLine(p))
			roles[who] = append(roles[who], string(r))
		}
	}
	add(inc.CreatedBy)
	for _, e := range inc.Timeline {
		add(e.Actor)
	}
	out := make([]string, len(order))
	for i, who := range order {
		out[i] = who
		if rs := roles[who]; len(rs) > 0 {
			out[i] += " (" + strings.Join(rs, ", ") + ")"
		}
	}
	return out
}

// DrillDoc is the stable JSON shape of a drill (`warroom drill list
// --json`, `warroom drill show --json`, the "drill" of `warroom export
// --format json`). Field names are a contract: add, never rename. Every
// field is always present: an instant not reached is null.
type DrillDoc struct {
	ID               int64         `json:"id"`
	Scenario         string        `json:"scenario"`
	Title            string        `json:"title"`
	ExpectedSeverity string        `json:"expected_severity"`
	State            DrillState    `json:"state"`
	StartedAt        string        `json:"started_at"` // T0
	StartedBy        string        `json:"started_by"`
	Incident         *string       `json:"incident"` // its key; null while armed
	Injects          int           `json:"injects"`
	InjectsRevealed  int           `json:"injects_revealed"`
	InjectsDelivered int           `json:"injects_delivered"`
	NextInjectAt     *string       `json:"next_inject_at"` // the next one revealed; null when none is left
	EndedAt          *string       `json:"ended_at"`       // called off
	EndReason        string        `json:"end_reason"`
	Score            DrillScoreDoc `json:"score"`
	Revealed         []InjectDoc   `json:"revealed"` // the injects revealed, in order
}

// InjectDoc is an inject revealed.
type InjectDoc struct {
	OffsetSeconds float64 `json:"offset_seconds"` // after T0
	At            string  `json:"at"`
	Text          string  `json:"text"`
}

// DrillScoreDoc is a drill's score. Times are in seconds.
type DrillScoreDoc struct {
	Met              int           `json:"met"`
	Missed           int           `json:"missed"`
	Total            int           `json:"total"`
	Complete         bool          `json:"complete"`
	Summary          string        `json:"summary"`
	DeclaredSeverity *string       `json:"declared_severity"` // null while armed
	Rows             []ScoreRowDoc `json:"rows"`
}

// ScoreRowDoc is one target of a score.
type ScoreRowDoc struct {
	Name            string   `json:"name"`
	TargetSeconds   float64  `json:"target_seconds"`
	MeasuredSeconds *float64 `json:"measured_seconds"` // null while not reached
	DueAt           *string  `json:"due_at"`           // when the target passes; null before its start
	Result          string   `json:"result"`           // met, missed, pending or called off
}

// Doc builds the drill's document as of now; inc is its incident, nil
// while it is armed.
func (d Drill) Doc(inc *Incident, now time.Time) DrillDoc {
	s := ScoreDrill(d, inc, now)
	doc := DrillDoc{
		ID: d.ID, Scenario: d.Scenario.Name, Title: d.Scenario.Title,
		ExpectedSeverity: d.Scenario.Severity.String(), State: d.State(),
		StartedAt: FormatTime(d.StartedAt), StartedBy: d.StartedBy,
		Injects: len(d.Scenario.Injects), InjectsRevealed: len(d.Revealed(now)),
		InjectsDelivered: d.InjectsDelivered, EndedAt: docTime(d.EndedAt), EndReason: d.EndReason,
		Score: DrillScoreDoc{Met: s.Met, Missed: s.Missed, Total: len(s.Rows), Complete: s.Complete,
			Summary: s.Summary(), Rows: []ScoreRowDoc{}},
		Revealed: []InjectDoc{},
	}
	for i, in := range d.Revealed(now) {
		doc.Revealed = append(doc.Revealed, InjectDoc{OffsetSeconds: in.At.Seconds(), At: FormatTime(d.InjectAt(i)), Text: in.Text})
	}
	if d.Incident != 0 {
		key := FormatKey(d.Incident)
		doc.Incident = &key
	}
	if next, ok := d.NextRevealAt(now); ok {
		doc.NextInjectAt = docTime(next)
	}
	if s.Declared != 0 {
		sev := s.Declared.String()
		doc.Score.DeclaredSeverity = &sev
	}
	for _, r := range s.Rows {
		row := ScoreRowDoc{Name: r.Name, TargetSeconds: r.Target.Seconds(), DueAt: docTime(r.DueAt), Result: r.Result()}
		if r.Reached {
			m := r.Measured.Seconds()
			row.MeasuredSeconds = &m
		}
		doc.Score.Rows = append(doc.Score.Rows, row)
	}
	return doc
}
