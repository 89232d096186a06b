package model

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The post-incident review as a document: ExportDoc (`warroom export KEY
// --format json`) is everything show --json holds plus the review, the root
// cause analysis, the action items and the verification; Markdown is the
// seed's PIR report (§6.1.2) filled from the same data. Both are pure and
// deterministic: the same incident, review, items, clock (and zone) give
// the same bytes.

// ExportDoc is the stable JSON shape of an incident's post-incident review
// (`warroom export KEY --format json`). The fields of IncidentDoc come
// first, at the top level; the rest is added. Field names are a contract:
// add, never rename. Every field is always present: a time not (yet) known
// is null.
type ExportDoc struct {
	IncidentDoc
	Review       ReviewDoc       `json:"review"`
	RCA          RCADoc          `json:"rca"`
	ActionItems  []ActionItemDoc `json:"action_items"`
	Verification VerificationDoc `json:"verification"`
	// Drill is the drill the incident is the exercise of, with its
	// score; null for a real incident.
	Drill *DrillDoc `json:"drill"`
}

// ReviewDoc is the written review and where its steps (§6.1.1) stand.
type ReviewDoc struct {
	// Sections holds every free-text section of ReviewSections, "" when
	// not written; it is written in ReviewSections' order.
	Sections         ReviewSectionsDoc `json:"sections"`
	PIRMeetingAt     *string           `json:"pir_meeting_at"`
	PIRDocumentAt    *string           `json:"pir_document_at"`
	ActionItemsAt    *string           `json:"action_items_at"`
	ReviewCompleteAt *string           `json:"review_complete_at"`
	Complete         bool              `json:"complete"`
	UpdatedAt        *string           `json:"updated_at"`
	UpdatedBy        string            `json:"updated_by"`
}

// ReviewSectionsDoc maps a section id (SectionSummary...) to its text. It
// is written as a JSON object whose keys come in ReviewSections' order,
// then any other key by name, so the document reads like the report.
type ReviewSectionsDoc map[string]string

// MarshalJSON writes the sections in ReviewSections' order.
func (s ReviewSectionsDoc) MarshalJSON() ([]byte, error) {
	var keys []string
	for _, sec := range ReviewSections {
		if _, ok := s[sec.ID]; ok {
			keys = append(keys, sec.ID)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(s)) {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := marshalNoEscape(k)
		if err != nil {
			return nil, err
		}
		val, err := marshalNoEscape(s[k])
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalNoEscape is json.Marshal of a string without HTML escaping, as the
// CLI writes its JSON.
func marshalNoEscape(s string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// RCADoc is the root cause analysis (§6.2).
type RCADoc struct {
	Whys          []string    `json:"whys"`
	RootCause     string      `json:"root_cause"`
	Factors       []FactorDoc `json:"factors"`
	Category      string      `json:"category"`       // "network"; "" when not chosen
	CategoryLabel string      `json:"category_label"` // "Network issues"; "" when not chosen
	Prevention    string      `json:"prevention"`
}

// FactorDoc is a contributing factor with its fishbone category.
type FactorDoc struct {
	Category string `json:"category"`
	Text     string `json:"text"`
}

// ActionItemDoc is one row of the action item table, as of the document's
// instant.
type ActionItemDoc struct {
	ID          int     `json:"id"` // 1, 2, 3 within the incident
	Description string  `json:"description"`
	Owner       string  `json:"owner"`
	DueAt       *string `json:"due_at"`
	Status      string  `json:"status"`
	Overdue     bool    `json:"overdue"`
}

// VerificationDoc is the verification of the fix (§5.3).
type VerificationDoc struct {
	FixedAt *string `json:"fixed_at"`
	// RecoveredAt is when the last check passed, once every check has:
	// recovery complete. Null before.
	RecoveredAt *string    `json:"recovered_at"`
	Checks      []CheckDoc `json:"checks"` // every check, in the seed's order
}

// CheckDoc is one verification check.
type CheckDoc struct {
	ID     string  `json:"id"`
	Text   string  `json:"text"`
	Passed bool    `json:"passed"`
	By     *string `json:"by"` // null while not passed
	At     *string `json:"at"` // null while not passed
}

// Export builds the review document of the incident as of now. The
// incident must be loaded whole (checklist and timeline); r is its written
// review and items its action items, in any order (they come out by their
// number).
func (inc *Incident) Export(r Review, items []ActionItem, now time.Time) ExportDoc {
	d := ExportDoc{IncidentDoc: inc.Doc(now)}

	d.Review = ReviewDoc{
		Sections:     ReviewSectionsDoc{},
		PIRMeetingAt: docTime(inc.Review.MeetingAt), PIRDocumentAt: docTime(inc.Review.DocumentAt),
		ActionItemsAt: docTime(inc.Review.ActionItemsAt), ReviewCompleteAt: docTime(inc.Review.CompletedAt),
		Complete:  !inc.Review.CompletedAt.IsZero(),
		UpdatedAt: docTime(r.UpdatedAt), UpdatedBy: r.UpdatedBy,
	}
	for _, sec := range ReviewSections {
		d.Review.Sections[sec.ID] = ""
	}
	maps.Copy(d.Review.Sections, r.Sections)

	d.RCA = RCADoc{
		Whys: append([]string{}, r.RCA.Whys...), RootCause: r.RCA.RootCause,
		Factors: []FactorDoc{}, Category: string(r.RCA.Category), Prevention: r.RCA.Prevention,
	}
	if r.RCA.Category != "" {
		d.RCA.CategoryLabel = r.RCA.Category.Label()
	}
	for _, f := range r.RCA.Factors {
		d.RCA.Factors = append(d.RCA.Factors, FactorDoc{Category: string(f.Category), Text: f.Text})
	}

	d.ActionItems = []ActionItemDoc{}
	for _, a := range sortedItems(items) {
		d.ActionItems = append(d.ActionItems, ActionItemDoc{
			ID: a.Seq, Description: a.Description, Owner: a.Owner, DueAt: docTime(a.DueAt),
			Status: string(a.Status), Overdue: a.Overdue(now),
		})
	}

	v := inc.Verification
	d.Verification = VerificationDoc{FixedAt: docTime(v.FixedAt), Checks: []CheckDoc{}}
	if rec, ok := v.recoveredAt(); ok {
		d.Verification.RecoveredAt = docTime(rec)
	}
	for _, c := range VerificationChecks {
		cd := CheckDoc{ID: string(c.ID), Text: c.Text}
		if m, ok := v.Passed[c.ID]; ok {
			by := m.By
			cd.Passed, cd.By, cd.At = true, &by, docTime(m.At)
		}
		d.Verification.Checks = append(d.Verification.Checks, cd)
	}
	return d
}

// DrillExport is Export for a drill's incident: the document with its
// drill d and d's score.
func (inc *Incident) DrillExport(d Drill, r Review, items []ActionItem, now time.Time) ExportDoc {
	doc := inc.Export(r, items, now)
	dd := d.Doc(inc, now)
	doc.Drill = &dd
	return doc
}

// sortedItems is a copy of items by their number within the incident
// (then by their id, for items not numbered yet).
func sortedItems(items []ActionItem) []ActionItem {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b ActionItem) int {
		return cmp.Or(cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// lastCheck is the newest passed check: its instant, and how many checks
// passed. ok is false when none has.
func (v Verification) lastCheck() (at time.Time, passed int, ok bool) {
	for _, c := range VerificationChecks {
		if m, done := v.Passed[c.ID]; done {
			passed++
			if m.At.After(at) {
				at = m.At
			}
		}
	}
	return at, passed, passed > 0
}

// recoveredAt is when the last check passed, once every check has.
func (v Verification) recoveredAt() (time.Time, bool) {
	at, passed, ok := v.lastCheck()
	return at, ok && passed == len(VerificationChecks)
}

// Markdown placeholders: the seed's §6.1.2 template's words for what the
// review has not written yet.
const (
	phSummary      = "[Brief overview of what happened]"
	phDescription  = "[Description]"
	phList         = "[List]"
	phAssessment   = "[Assessment]"
	phMeasures     = "[Measures taken]"
	phRating       = "[Rating]"
	phFeedback     = "[Summary]"
	phLearning     = "[Key learning]"
	phImprovement  = "[Improvement suggestion]"
	phWhys         = "[Why did it happen? Ask why until the root cause]"
	phCategory     = "[Category]"
	phActionItem   = "[Action item]"
	phOwner        = "[Owner]"
	phDate         = "[Date]"
	phStatus       = "[Status]"
	reportHeading  = "# Post-Incident Review Report"
	actionItemHead = "| ID | Description | Owner | Due Date | Status |"
	actionItemRule = "|----|-------------|-------|----------|--------|"
)

// MarkdownHeadings are the headings of the report, in order: the seed's
// §6.1.2 template.
var MarkdownHeadings = []string{
	reportHeading,
	"## Summary",
	"## Timeline",
	"## Impact Analysis",
	"## Root Cause Analysis",
	"## Resolution Effectiveness",
	"## Communication Assessment",
	"## Action Items",
	"## Lessons Learned",
	"## Process Improvements",
}

// Markdown writes the post-incident review report of the seed's §6.1.2
// template, filled from the incident as of now, times in loc. The incident
// must be loaded whole (timeline); r is its written review, items its
// action items, cat gives the services' names.
//
// It renders on GitHub as the template reads: every text that comes from
// people (title, names, notes, the review's sections, the RCA, the action
// items) is plain text (PlainText: no escape sequence or control
// character) and is escaped for where it goes, so it cannot start a
// heading, a list, a quote, a code span or block, a link, an image, HTML,
// emphasis or a table, nor break a table row: Markdown's active characters
// are backslash-escaped and, inside a line (a list item, a table cell), a
// line break is written <br>. A section the review has not written shows
// the template's placeholder ("[Brief overview of what happened]").
//
// A drill's incident is marked DRILL in the title and under it, and ends
// with a Drill Score section, which DrillMarkdown fills.
func Markdown(inc *Incident, r Review, items []ActionItem, cat Catalog, now time.Time, loc *time.Location) string {
	return markdown(inc, r, items, cat, now, loc, nil)
}

// DrillMarkdown is Markdown for a drill's incident: its Drill Score
// section holds drill d's score against its targets.
func DrillMarkdown(d Drill, inc *Incident, r Review, items []ActionItem, cat Catalog, now time.Time, loc *time.Location) string {
	return markdown(inc, r, items, cat, now, loc, &d)
}

func markdown(inc *Incident, r Review, items []ActionItem, cat Catalog, now time.Time, loc *time.Location, drill *Drill) string {
	if loc == nil {
		loc = time.UTC
	}
	m := mdWriter{inc: inc, r: r, items: sortedItems(items), cat: cat, now: now, loc: loc, drill: drill}
	m.header()
	m.summary()
	m.timeline()
	m.impact()
	m.rootCause()
	m.effectiveness()
	m.communication()
	m.actionItems()
	m.numbered(MarkdownHeadings[8], SectionLessons, phLearning)
	m.numbered(MarkdownHeadings[9], SectionImprovements, phImprovement)
	if inc.IsDrill() {
		m.drillScore()
	}
	return PlainText(strings.TrimRight(m.b.String(), "\n") + "\n")
}

// mdWriter writes one report.
type mdWriter struct {
	b     strings.Builder
	inc   *Incident
	r     Review
	items []ActionItem
	cat   Catalog
	now   time.Time
	loc   *time.Location
	drill *Drill // the incident's drill, when known
}

func (m *mdWriter) line(format string, args ...any) {
	fmt.Fprintf(&m.b, format, args...)
	m.b.WriteByte('\n')
}

// heading starts a section: a blank line, the heading, a blank line.
func (m *mdWriter) heading(h string) {
	m.b.WriteByte('\n')
	m.line("%s", h)
	m.b.WriteByte('\n')
}

// at is an instant for people, in the report's zone.
func (m *mdWriter) at(t time.Time) string { return TimeWithZone(t, m.loc) }

// section is the text of a free-text section of the review, trimmed.
func (m *mdWriter) section(id string) string { return strings.TrimSpace(PlainText(m.r.Sections[id])) }

// inlineOr is the text escaped for inside a line, or the placeholder when
// it is blank.
func inlineOr(s, placeholder string) string {
	if strings.TrimSpace(PlainText(s)) == "" {
		return placeholder
	}
	return mdInline(s)
}

func (m *mdWriter) start() time.Time {
	if m.inc.StartedAt.IsZero() {
		return m.inc.DetectedAt
	}
	return m.inc.StartedAt
}

func (m *mdWriter) header() {
	inc := m.inc
	if inc.IsDrill() {
		m.line("%s - DRILL", reportHeading)
		m.b.WriteByte('\n')
		m.line("**DRILL - EXERCISE ONLY - NOT A REAL INCIDENT**")
	} else {
		m.line("%s", reportHeading)
	}
	m.b.WriteByte('\n')
	// A backslash at the end of a line is a hard line break: the fields
	// stay one to a line, as in the template.
	m.line(`**Incident ID**: %s\`, mdInline(inc.Key()))
	m.line(`**Title**: %s\`, inlineOr(inc.Title, phDescription))
	m.line(`**Date**: %s\`, m.start().In(m.loc).Format("2006-01-02"))
	m.line(`**Severity**: %s - %s\`, inc.Severity, inc.Severity.Label())
	end := "now, still open (" + HumanDuration(m.now.Sub(m.start())) + " so far)"
	if !inc.ResolvedAt.IsZero() {
		end = m.at(inc.ResolvedAt) + " (" + HumanDuration(inc.ResolvedAt.Sub(m.start())) + ")"
	}
	m.line("**Duration**: %s to %s", m.at(m.start()), end)
}

func (m *mdWriter) summary() {
	m.heading(MarkdownHeadings[1])
	if s := m.section(SectionSummary); s != "" {
		m.line("%s", mdBlock(s))
	} else {
		m.line("%s", phSummary)
	}
}

// timelineEntry is one line of the report's timeline.
type timelineEntry struct {
	at   time.Time
	text string // Markdown, escaped
}

// actorAt is who did what the timeline records at exactly t, "" if
// nothing is recorded then.
func (m *mdWriter) actorAt(t time.Time) string {
	for _, e := range m.inc.Timeline {
		if e.At.Equal(t) {
			return e.Actor
		}
	}
	return ""
}

// by is " (alice)" for an actor, "" for none; escaped.
func by(actor string) string {
	if strings.TrimSpace(PlainLine(actor)) == "" {
		return ""
	}
	return " (" + mdInline(actor) + ")"
}

// firstLine is the first line of a text: the summary of a sent draft.
func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// timelineEntries are the report's timeline: the incident's milestones
// (the seed's "Event occurred", "Detection", "Response initiated",
// "Resolution", "Recovery complete") and what the timeline recorded in
// between (escalations, the fix, notes, status updates and
// communications, severity changes, reopening, a drill's injects and its
// call-off), oldest first.
func (m *mdWriter) timelineEntries() []timelineEntry {
	inc := m.inc
	var out []timelineEntry
	add := func(t time.Time, format string, args ...any) {
		if !t.IsZero() {
			out = append(out, timelineEntry{t, fmt.Sprintf(format, args...)})
		}
	}
	if inc.StartedAt.IsZero() || inc.StartedAt.Equal(inc.DetectedAt) {
		add(m.start(), "Event occurred: no earlier start known than the detection")
	} else {
		add(m.start(), "Event occurred: the problem started")
	}
	add(inc.DetectedAt, "Detection: incident declared%s", by(inc.CreatedBy))
	add(inc.AcknowledgedAt, "Response initiated: acknowledged%s", by(m.actorAt(inc.AcknowledgedAt)))
	add(inc.MitigatedAt, "Initial resolution: impact mitigated%s", by(m.actorAt(inc.MitigatedAt)))
	resolvedOnTimeline := false
	for _, e := range inc.Timeline {
		switch e.Kind {
		case EventEscalated:
			add(e.At, "Escalation%s: %s", by(e.Actor), mdInline(e.Text))
		case EventEscalationAck:
			add(e.At, "Escalation acknowledged%s", by(e.Actor))
		case EventFixDeclared:
			add(e.At, "Fix declared%s", by(e.Actor))
		case EventNote:
			add(e.At, "Note%s: %s", by(e.Actor), mdInline(e.Text))
		case EventStatusUpdate, EventCommunication:
			what, text := "Status update", e.Text
			if e.Kind == EventCommunication {
				what = "Communication"
			}
			if e.IsSentDraft() {
				text = firstLine(text)
			}
			add(e.At, "%s%s: %s", what, by(e.Actor), mdInline(text))
		case EventSeverity:
			add(e.At, "Severity changed%s: %s", by(e.Actor), mdInline(e.Text))
		case EventReopened:
			add(e.At, "Reopened%s: %s", by(e.Actor), mdInline(e.Text))
		case EventInject, EventDrillEnded:
			add(e.At, "%s", mdInline(e.Text)) // "DRILL inject: ...", "DRILL called off: ..."
		case EventResolved:
			resolvedOnTimeline = true
			add(e.At, "Resolution%s: %s", by(e.Actor), mdInline(e.Text))
		case EventClosed:
			if e.Text != "closed" {
				add(e.At, "Closed%s: %s", by(e.Actor), mdInline(e.Text))
			} else {
				add(e.At, "Closed%s", by(e.Actor))
			}
		}
	}
	if !resolvedOnTimeline {
		add(inc.ResolvedAt, "Resolution%s", by(m.actorAt(inc.ResolvedAt)))
	}
	if last, passed, ok := inc.Verification.lastCheck(); ok {
		if passed == len(VerificationChecks) {
			add(last, "Recovery complete: all %d verification checks passed", passed)
		} else {
			add(last, "Verification: %d of %d checks passed", passed, len(VerificationChecks))
		}
	}
	slices.SortStableFunc(out, func(a, b timelineEntry) int { return a.at.Compare(b.at) })
	return out
}

func (m *mdWriter) timeline() {
	inc := m.inc
	m.heading(MarkdownHeadings[2])
	for _, e := range m.timelineEntries() {
		m.line("- %s: %s", m.at(e.at), e.text)
	}
	m.b.WriteByte('\n')
	ack := "not acknowledged yet"
	if !inc.AcknowledgedAt.IsZero() {
		ack = HumanDuration(inc.AcknowledgedAt.Sub(inc.DetectedAt))
	}
	res := "not resolved yet, open for " + HumanDuration(m.now.Sub(inc.DetectedAt))
	if !inc.ResolvedAt.IsZero() {
		res = HumanDuration(inc.ResolvedAt.Sub(inc.DetectedAt))
	}
	m.line("**Time to acknowledge**: %s · **Time to resolve**: %s (measured from detection)", ack, res)
}

// serviceNames are the affected services' names, escaped.
func (m *mdWriter) serviceNames() []string {
	var names []string
	for _, id := range m.inc.Services {
		name := id
		if svc, ok := m.cat.Service(id); ok {
			name = svc.Name
		}
		names = append(names, mdInline(name))
	}
	return names
}

func (m *mdWriter) impact() {
	inc := m.inc
	m.heading(MarkdownHeadings[3])
	m.line("- Customers affected: %s of customers", mdInline(formatPct(inc.CustomersPct)))
	systems := phList
	if names := m.serviceNames(); len(names) > 0 {
		systems = strings.Join(names, ", ")
	}
	m.line("- Systems impacted: %s", systems)
	m.line("- Business impact: %s (classified %s)", inlineOr(m.r.Sections[SectionImpact], phDescription), inc.Impact.Label())
	var breached []string
	for _, d := range inc.Deadlines(m.now) {
		switch d.State {
		case StateBreached:
			breached = append(breached, fmt.Sprintf("%s breached (due %s)", mdInline(d.Name), m.at(d.DueAt)))
		case StateMissed:
			breached = append(breached, fmt.Sprintf("%s missed (due %s, reached %s)", mdInline(d.Name), m.at(d.DueAt), m.at(d.DoneAt)))
		}
	}
	if len(breached) == 0 {
		m.line("- SLA impact: No")
	} else {
		m.line("- SLA impact: Yes: %s", strings.Join(breached, "; "))
	}
}

// fishboneLabel is a fishbone category as the report names it.
func fishboneLabel(c FishboneCategory) string {
	switch c {
	case FishPeople:
		return "People"
	case FishProcess:
		return "Process"
	case FishTechnology:
		return "Technology"
	case FishEnvironment:
		return "Environment"
	}
	return mdInline(string(c))
}

func (m *mdWriter) rootCause() {
	rca := m.r.RCA
	m.heading(MarkdownHeadings[4])
	m.line("- Primary cause: %s", inlineOr(rca.RootCause, phDescription))
	category := phCategory
	if rca.Category != "" {
		category = rca.Category.Label()
	}
	m.line("- Cause category: %s", category)
	var whys []string
	for _, w := range rca.Whys {
		if strings.TrimSpace(PlainText(w)) != "" {
			whys = append(whys, w)
		}
	}
	if len(whys) == 0 {
		m.line("- 5 whys: %s", phWhys)
	} else {
		m.line("- 5 whys:")
		for i, w := range whys {
			m.line("  %d. %s", i+1, mdInline(w))
		}
	}
	// Factors by fishbone category, in the seed's order; within one, as
	// written.
	factors := slices.Clone(rca.Factors)
	slices.SortStableFunc(factors, func(a, b Factor) int {
		return cmp.Compare(fishboneOrder(a.Category), fishboneOrder(b.Category))
	})
	var lines []string
	for _, f := range factors {
		if strings.TrimSpace(PlainText(f.Text)) != "" {
			lines = append(lines, fmt.Sprintf("  - %s: %s", fishboneLabel(f.Category), mdInline(f.Text)))
		}
	}
	if len(lines) == 0 {
		m.line("- Contributing factors: %s", phList)
	} else {
		m.line("- Contributing factors:")
		for _, l := range lines {
			m.line("%s", l)
		}
	}
	m.line("- Prevention opportunities: %s", inlineOr(rca.Prevention, phList))
}

// fishboneOrder is the place of a category in FishboneCategories, or
// after them.
func fishboneOrder(c FishboneCategory) int {
	if i := slices.Index(FishboneCategories, c); i >= 0 {
		return i
	}
	return len(FishboneCategories)
}

func (m *mdWriter) effectiveness() {
	inc := m.inc
	m.heading(MarkdownHeadings[5])
	if inc.ResolvedAt.IsZero() {
		m.line("- Resolution time: not resolved yet")
	} else {
		m.line("- Resolution time: %s (from detection)", HumanDuration(inc.ResolvedAt.Sub(inc.DetectedAt)))
	}
	v := inc.Verification
	if v.FixedAt.IsZero() {
		m.line("- Fix declared: no")
	} else {
		m.line("- Fix declared: %s", m.at(v.FixedAt))
	}
	passed := len(VerificationChecks) - len(v.Open())
	m.line("- Verification: %d of %d checks passed", passed, len(VerificationChecks))
	for _, c := range VerificationChecks {
		if mark, ok := v.Passed[c.ID]; ok {
			m.line("  - [x] %s%s, %s", c.Text, by(mark.By), m.at(mark.At))
		} else {
			m.line("  - [ ] %s", c.Text)
		}
	}
	m.line("- Quality of resolution: %s", inlineOr(m.r.Sections[SectionEffectiveness], phAssessment))
	prevention := phMeasures
	if n := len(m.items); n > 0 {
		done := 0
		for _, a := range m.items {
			if a.Status == ActionDone {
				done++
			}
		}
		prevention = fmt.Sprintf("%d action item(s), %d done (see Action Items)", n, done)
	}
	m.line("- Recurrence prevention: %s", prevention)
}

func (m *mdWriter) communication() {
	inc := m.inc
	m.heading(MarkdownHeadings[6])
	updates, comms := 0, 0
	for _, e := range inc.Timeline {
		switch e.Kind {
		case EventStatusUpdate:
			updates++
		case EventCommunication:
			comms++
		}
	}
	cadence := ""
	if every := inc.Policy.StatusUpdateEvery; every > 0 {
		cadence = " (due every " + spanText(every) + ")"
	}
	m.line("- Status updates: %d%s; other communications sent: %d", updates, cadence, comms)
	if s := m.section(SectionCommunication); s != "" {
		m.line("- Assessment: %s", mdInline(s))
		return
	}
	m.line("- Timeliness: %s", phRating)
	m.line("- Clarity: %s", phRating)
	m.line("- Customer feedback: %s", phFeedback)
}

// actionStatusLabel is how the table writes a status.
func actionStatusLabel(s ActionStatus) string {
	switch s {
	case ActionOpen:
		return "Open"
	case ActionInProgress:
		return "In progress"
	case ActionDone:
		return "Done"
	case ActionDropped:
		return "Won't do"
	}
	return mdInline(string(s))
}

func (m *mdWriter) actionItems() {
	m.heading(MarkdownHeadings[7])
	m.line("%s", actionItemHead)
	m.line("%s", actionItemRule)
	if len(m.items) == 0 {
		for i := 1; i <= 2; i++ {
			m.line("| %d | %s | %s | %s | %s |", i, phActionItem, phOwner, phDate, phStatus)
		}
		return
	}
	for _, a := range m.items {
		due := phDate
		if !a.DueAt.IsZero() {
			due = a.DueAt.In(m.loc).Format("2006-01-02")
		}
		status := actionStatusLabel(a.Status)
		if a.Overdue(m.now) {
			status += " (overdue)"
		}
		m.line("| %d | %s | %s | %s | %s |", a.Seq, inlineOr(a.Description, phActionItem), inlineOr(a.Owner, phOwner), due, status)
	}
}

// listMarkerRE matches a list marker somebody typed at the start of a
// line: "- ", "* ", "+ ", "1. ", "2) ".
var listMarkerRE = regexp.MustCompile(`^(?:[-*+]|\d{1,9}[.)])\s+`)

// numbered writes a section whose lines are a numbered list (Lessons
// Learned, Process Improvements): one item a line of the section, without
// the list marker it was typed with; the template's three placeholders
// when it is empty.
func (m *mdWriter) numbered(heading, id, placeholder string) {
	m.heading(heading)
	n := 0
	for _, l := range strings.Split(m.section(id), "\n") {
		l = listMarkerRE.ReplaceAllString(strings.TrimSpace(l), "")
		if l == "" {
			continue
		}
		n++
		m.line("%d. %s", n, mdInline(l))
	}
	for i := 1; n == 0 && i <= 3; i++ {
		m.line("%d. %s", i, placeholder)
	}
}

// mdActive are the characters escaped wherever people's text goes:
// Markdown's inline syntax (code spans, emphasis, strikethrough, links and
// images, autolinks and HTML, entities, math), table cells (|), and the
// backslash itself.
const mdActive = "\\`*_[]<>|~$&"

// mdLineStart are the characters that start a block (a heading, a list, a
// setext underline) when they begin a line; they are escaped there only.
const mdLineStart = "#-+="

// orderedRE matches what starts an ordered list: digits and "." or ")".
var orderedRE = regexp.MustCompile(`^(\d{1,9})([.)])`)

// mdEscapeLine escapes one line of plain text (no line break) for
// Markdown: its active characters anywhere, and what would start a block
// when the line is written at the start of a Markdown line (or of a list
// item). Leading and trailing space is dropped: four spaces would start
// a code block, two at the end a line break.
func mdEscapeLine(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	if m := orderedRE.FindStringSubmatchIndex(s); m != nil {
		// "1. item" -> "1\. item"
		b.WriteString(s[:m[3]])
		b.WriteByte('\\')
		b.WriteString(s[m[4]:m[5]])
		s = s[m[5]:]
	} else if s != "" && strings.ContainsRune(mdLineStart, rune(s[0])) {
		b.WriteByte('\\')
	}
	for _, r := range s {
		if strings.ContainsRune(mdActive, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdInline is people's text for inside one Markdown line (a list item, a
// table cell, a field): plain text, escaped, its line breaks written
// <br> (which GitHub renders as a break, in a table cell too).
func mdInline(s string) string {
	lines := strings.Split(strings.TrimSpace(PlainText(s)), "\n")
	for i, l := range lines {
		lines[i] = mdEscapeLine(l)
	}
	return strings.Join(lines, "<br>")
}

// mdBlock is people's text as paragraphs: plain text, each line escaped as
// a line of its own (so none starts a block), the lines of a paragraph
// kept apart by hard line breaks (a backslash at the end of the line),
// paragraphs by one blank line.
func mdBlock(s string) string {
	var paras [][]string
	var cur []string
	for _, l := range strings.Split(strings.TrimSpace(PlainText(s)), "\n") {
		if strings.TrimSpace(l) == "" {
			if len(cur) > 0 {
				paras, cur = append(paras, cur), nil
			}
			continue
		}
		cur = append(cur, mdEscapeLine(l))
	}
	if len(cur) > 0 {
		paras = append(paras, cur)
	}
	out := make([]string, len(paras))
	for i, p := range paras {
		out[i] = strings.Join(p, "\\\n")
	}
	return strings.Join(out, "\n\n")
}

// DrillScoreHeading is the heading of a drill's score in its report.
const DrillScoreHeading = "## Drill Score"

// drillScore writes the drill's score against its scenario's targets,
// or, when the drill was not given, where to find it.
func (m *mdWriter) drillScore() {
	m.heading(DrillScoreHeading)
	d := m.drill
	if d == nil {
		m.line("This incident is the exercise of drill %d; `warroom drill show %d` has its score.", m.inc.DrillID, m.inc.DrillID)
		return
	}
	sc := d.Scenario
	s := ScoreDrill(*d, m.inc, m.now)
	m.line(`**Scenario**: %s (%s, expected %s)\`, mdInline(sc.Title), mdInline(sc.Name), sc.Severity)
	m.line(`**Drill**: %d, started (T0) %s by %s\`, d.ID, m.at(d.StartedAt), inlineOr(d.StartedBy, phOwner))
	state := string(d.State())
	if d.CalledOff() {
		state += fmt.Sprintf(" at %s: %s", m.at(d.EndedAt), inlineOr(d.EndReason, phDescription))
	}
	m.line(`**State**: %s\`, state)
	sev := fmt.Sprintf("declared %s", m.inc.Severity)
	if s.SeverityMismatch() {
		sev += fmt.Sprintf(", the scenario expects %s", s.Expected)
	}
	m.line("**Severity**: %s", sev)
	m.b.WriteByte('\n')
	if len(s.Rows) == 0 {
		m.line("The scenario sets no target times.")
		return
	}
	m.line("| Target | Goal | Measured | Result |")
	m.line("|--------|------|----------|--------|")
	for _, l := range ScoreLines(s) {
		m.line("| %s | %s | %s | %s |", l.Name, mdInline(l.Target), l.Measured, l.Result)
	}
	m.b.WriteByte('\n')
	m.line("**Score**: %s", s.Summary())
}
