package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/warroom/warroom/model"
)

// GenerateHistory (warroom demo) fills a database with a year of made-up
// but plausible incidents, so that the dashboard, the report and the
// board have something to show, and so that the metrics benchmark has
// 10,000 incidents to read. It writes the rows directly, in one
// transaction with prepared statements, rather than through Declare and
// Apply one transaction an action: 10,000 incidents take seconds, not
// minutes. The rows are those the actions would have written: an incident
// built by model.Declare from the catalog, its timeline, checklist,
// roles, review and action items, and its header kept in step with its
// timeline (model's Incident.Record).
//
// What the history looks like:
//
//   - detections spread evenly over the 365 days before now, numbered in
//     that order; severities about 5% P1, 15% P2, 40% P3, 40% P4, each with
//     the business impact and share of customers the §2.2 assessment
//     turns into it;
//   - 80% started a few minutes before they were detected (from an
//     alert), the others declared by hand with no start known;
//   - acknowledgment, mitigation and resolution drawn around fractions of
//     the severity's SLA windows (log-normal: most well within, a few
//     breaching), a little faster month after month as the team improves;
//     whatever would fall after now has not happened yet, and some recent
//     incidents are still being worked, so about 95% are resolved;
//   - a root cause category on the review of most resolved incidents,
//     network issues most often, and about one incident in ten a repeat of
//     one of the month before (same service, same cause);
//   - post-incident reviews held, action items agreed (some overdue), most
//     incidents closed once their review is complete.

// HistoryOptions says what GenerateHistory writes.
type HistoryOptions struct {
	Seed  int64     // the same seed, count and now write the same history
	Count int       // incidents to write, 1 to MaxHistory
	Now   time.Time // the history covers the 365 days before it
	// Force adds the history to a database that already holds incidents;
	// without it such a database is refused (model.ErrConflict).
	Force bool
}

// MaxHistory bounds HistoryOptions.Count.
const MaxHistory = 100_000

// historyDays is how far back the history goes.
const historyDays = 365

// GenerateHistory writes a made-up history of o.Count real incidents (see
// above) with the catalog's policy, playbooks and services, in one write
// transaction: all of it or, on any error, nothing. Their numbers follow
// the database's last one. A Count out of range, a zero Now or a catalog
// without services is model.ErrInvalid; a database that holds incidents,
// without Force, is model.ErrConflict.
func GenerateHistory(ctx context.Context, s *Store, cat model.Catalog, o HistoryOptions) error {
	switch {
	case o.Count < 1 || o.Count > MaxHistory:
		return fmt.Errorf("demo: %w: the count must be 1 to %d, not %d", model.ErrInvalid, MaxHistory, o.Count)
	case o.Now.IsZero():
		return fmt.Errorf("demo: %w: no current time", model.ErrInvalid)
	case len(cat.Services) == 0:
		return fmt.Errorf("demo: %w: the catalog has no services", model.ErrInvalid)
	}
	for _, sev := range model.Severities {
		if _, err := cat.Policy.For(sev); err != nil {
			return fmt.Errorf("demo: %w: %w", model.ErrInvalid, err)
		}
		if _, ok := cat.Playbooks[sev]; !ok {
			return fmt.Errorf("demo: %w: no playbook for %s", model.ErrInvalid, sev)
		}
	}
	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		var count, last int64
		if err := tx.QueryRowContext(ctx, "SELECT count(*), coalesce(max(number), 0) FROM incidents").Scan(&count, &last); err != nil {
			return err
		}
		if count > 0 && !o.Force {
			return fmt.Errorf("%w: the database already holds %d incident(s); demo data goes into an empty database", model.ErrConflict, count)
		}
		w, err := newHistoryWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		g := newGenerator(cat, o)
		for i, det := range g.detections() {
			h, err := g.incident(last+int64(i)+1, det)
			if err != nil {
				return err
			}
			if err := w.write(ctx, h); err != nil {
				return fmt.Errorf("%s: %w", model.FormatKey(h.inc.Number), err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// history is one generated incident with everything stored with it.
type history struct {
	inc     *model.Incident // header, services, roles, checklist
	events  []model.Event
	rolesAt time.Time   // when the roles were assigned
	review  *reviewBody // nil: no written review
	revAt   time.Time
	revBy   string
	actions []model.ActionItem
}

// generator draws the history; everything random comes from its rng, so a
// seed gives the same history.
type generator struct {
	cat model.Catalog
	o   HistoryOptions
	now time.Time
	rng *rand.Rand

	// recent are the generated incidents' detection, services and cause,
	// for repeats and to keep unwanted ones rare.
	recent []recentIncident
}

type recentIncident struct {
	at       time.Time
	services []string
	cause    model.CauseCategory
}

func newGenerator(cat model.Catalog, o HistoryOptions) *generator {
	return &generator{cat: cat, o: o, now: model.Millis(o.Now),
		rng: rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed_0f_4a11))}
}

// detections are o.Count detection instants spread evenly over the year
// before now, oldest first, the newest at least ten minutes old.
func (g *generator) detections() []time.Time {
	span := time.Duration(historyDays) * 24 * time.Hour
	out := make([]time.Time, g.o.Count)
	for i := range out {
		back := 10*time.Minute + time.Duration(g.rng.Int64N(int64(span-10*time.Minute)))
		out[i] = model.Millis(g.now.Add(-back))
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// pick draws an index with the given weights.
func (g *generator) pick(weights ...float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := g.rng.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// around draws a duration of median m, log-normally (sigma 0.6: a fifth
// of the draws over 1.7 m, one in 16 over 2.7 m), scaled by pace.
func (g *generator) around(m time.Duration, pace float64) time.Duration {
	return time.Duration(float64(m) * pace * math.Exp(0.6*g.rng.NormFloat64()))
}

func (g *generator) oneOf(xs []string) string { return xs[g.rng.IntN(len(xs))] }

// The cause categories' shares of incidents, the seed's top causes first
// (§6.3.1: network 26.7%, configuration 17.8%, resources 15.6%, bugs 13.3%,
// third parties 11.1%).
var causeWeights = map[model.CauseCategory]float64{
	model.CauseNetwork: 27, model.CauseConfiguration: 18, model.CauseResource: 16,
	model.CauseSoftwareBug: 13, model.CauseThirdParty: 11, model.CauseHumanError: 8, model.CauseUnknown: 7,
}

// causeTitles are titles of incidents of each cause, %s being the service.
var causeTitles = map[model.CauseCategory][]string{
	model.CauseNetwork:       {"%s unreachable from one zone", "Packet loss to %s", "%s: DNS resolution failing", "%s connections timing out"},
	model.CauseConfiguration: {"%s rejecting requests after config change", "%s: bad feature flag rollout", "%s misrouted after deploy"},
	model.CauseResource:      {"%s out of memory", "%s: disk full", "%s: connection pool exhausted", "%s CPU saturated"},
	model.CauseSoftwareBug:   {"%s crash loop after release", "%s returning 500s", "%s: memory leak in new version"},
	model.CauseThirdParty:    {"%s: cloud provider outage", "%s: upstream API rate limited", "%s: certificate authority down"},
	model.CauseHumanError:    {"%s: wrong cluster drained", "%s: manual change rolled back", "%s: maintenance run in business hours"},
	model.CauseUnknown:       {"%s intermittently degraded", "%s latency spikes"},
}

// rootCauses are the RCA's root causes of each cause category.
var rootCauses = map[model.CauseCategory][]string{
	model.CauseNetwork:       {"A switch firmware bug dropped packets between zones", "A DNS record expired"},
	model.CauseConfiguration: {"A configuration change was rolled out to every node at once", "A default changed between versions"},
	model.CauseResource:      {"Traffic grew past the capacity planned for", "Logs were never rotated"},
	model.CauseSoftwareBug:   {"An unhandled error path in the new release", "A race between two workers"},
	model.CauseThirdParty:    {"The provider's regional outage", "The upstream quota was lowered"},
	model.CauseHumanError:    {"A runbook step was ambiguous", "A command ran against the wrong environment"},
	model.CauseUnknown:       {"Not found: the symptoms stopped before the cause was"},
}

var (
	people       = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}
	actionThings = []string{"Add an alert on %s saturation", "Write a runbook for %s failover", "Load-test %s at twice the peak",
		"Automate the %s rollback", "Review %s change approvals", "Add %s canary deploys"}
)

// pace is how fast the team works at det: 1.25 a year ago down to 0.75
// now, so that the trend shows improvement.
func (g *generator) pace(det time.Time) float64 {
	age := g.now.Sub(det).Hours() / (historyDays * 24)
	return 0.75 + 0.5*min(max(age, 0), 1)
}

// services draws one or two services, the first ones of the catalog (the
// seed's registry and transport) more often.
func (g *generator) services() []string {
	n := len(g.cat.Services)
	w := make([]float64, n)
	for i := range w {
		w[i] = float64(n - i)
	}
	first := g.pick(w...)
	out := []string{g.cat.Services[first].ID}
	if n > 1 && g.chance(0.3) {
		w[first] = 0
		out = append(out, g.cat.Services[g.pick(w...)].ID)
	}
	return out
}

// cause draws the cause of an incident on services detected at det: a
// repeat of a recent incident (its first service, its cause) one time in
// twelve, else a cause by its weight among those no incident of the month
// before had on these services, so that repeats stay about as rare as
// planned (while the history is not so dense that every cause is taken).
func (g *generator) cause(det time.Time, services []string) ([]string, model.CauseCategory) {
	var recent []recentIncident
	for i := len(g.recent) - 1; i >= 0 && det.Sub(g.recent[i].at) <= model.RepeatWindow; i-- {
		recent = append(recent, g.recent[i])
	}
	if len(recent) > 0 && g.chance(1.0/12) {
		r := recent[g.rng.IntN(len(recent))]
		return r.services[:1], r.cause
	}
	causes := model.CauseCategories
	w := make([]float64, len(causes))
	free := 0.0
	for i, c := range causes {
		taken := slices.ContainsFunc(recent, func(r recentIncident) bool {
			return r.cause == c && slices.ContainsFunc(r.services, func(s string) bool { return slices.Contains(services, s) })
		})
		if !taken {
			w[i] = causeWeights[c]
			free += w[i]
		}
	}
	if free == 0 {
		for i, c := range causes {
			w[i] = causeWeights[c]
		}
	}
	return services, causes[g.pick(w...)]
}

// declaration draws the severity and what the §2.2 assessment makes of it.
func (g *generator) declaration(title string, services []string, det, started time.Time) model.Declaration {
	d := model.Declaration{Title: title, Services: services, DetectedAt: det, StartedAt: started, Actor: g.oneOf(people)}
	switch model.Severities[g.pick(5, 15, 40, 40)] {
	case model.P1:
		d.Impact, d.CustomersPct = model.ImpactCritical, float64(51+g.rng.IntN(45))
	case model.P2:
		d.Impact, d.CustomersPct = model.ImpactCritical, float64(5+g.rng.IntN(46))
	case model.P3:
		d.Impact, d.CustomersPct = model.ImpactImportant, float64(26+g.rng.IntN(45))
	default:
		d.Impact, d.CustomersPct = model.ImpactImportant, float64(g.rng.IntN(26))
		if g.chance(0.3) {
			d.Impact = model.ImpactOther
		}
	}
	return d
}

// window is the policy's window for a milestone, or def.
func window(p model.SeverityPolicy, id model.MilestoneID, def time.Duration) time.Duration {
	if m, ok := p.Milestone(id); ok && m.Within > 0 {
		return m.Within
	}
	return def
}

// incident generates incident number n, detected at det.
func (g *generator) incident(n int64, det time.Time) (*history, error) {
	pace := g.pace(det)
	services, cause := g.cause(det, g.services())
	svc, _ := g.cat.Service(services[0])
	title := fmt.Sprintf(g.oneOf(causeTitles[cause]), svc.Name)

	// The start: a few minutes before detection, from an alert, for most.
	var started time.Time
	alerted := g.chance(0.8)
	d := g.declaration(title, services, det, time.Time{})
	pol, err := g.cat.Policy.For(model.AssessSeverity(d.Impact, d.CustomersPct).Severity)
	if err != nil {
		return nil, err
	}
	if alerted {
		started = model.Millis(det.Add(-max(time.Second, g.around(window(pol, model.MilestoneDetection, 5*time.Minute)/3, pace))))
		d.StartedAt = started
	}
	inc, declared, err := model.Declare(d, g.cat)
	if err != nil {
		return nil, err
	}
	inc.Number = n
	h := &history{inc: inc}
	ic := g.oneOf(people)
	declared.Actor = d.Actor
	if alerted {
		declared.Actor = "alertmanager"
		inc.CreatedBy = "alertmanager"
	}
	h.add(declared)
	g.recent = append(g.recent, recentIncident{at: det, services: services, cause: cause})

	// When each milestone is reached, if it is by now.
	reach := func(from time.Time, d time.Duration) time.Time {
		if from.IsZero() {
			return time.Time{}
		}
		t := model.Millis(from.Add(max(time.Second, d)))
		if t.After(g.now) {
			return time.Time{}
		}
		return t
	}
	ackW := window(pol, model.MilestoneAcknowledge, 30*time.Minute)
	mitW := window(pol, model.MilestoneInitialResolution, 8*time.Hour)
	resW := window(pol, model.MilestoneResolution, 48*time.Hour)
	ack := reach(det, g.around(ackW*2/5, pace))
	mit := reach(ack, g.around(mitW/3, pace))
	res := reach(mit, g.around(resW/4, pace))
	if g.now.Sub(det) < 60*24*time.Hour && g.chance(0.15) {
		res = time.Time{} // still being worked
		if g.chance(0.5) {
			mit = time.Time{}
		}
	}

	at := func(t time.Time, actor string, kind model.EventKind, text string) {
		h.add(model.Event{At: t, Actor: actor, Kind: kind, Text: text})
	}
	// Roles, once someone has taken the incident (or at once for a P1).
	rolesAt := ack
	if inc.Severity == model.P1 {
		rolesAt = model.Millis(det.Add(time.Minute))
	}
	if !rolesAt.IsZero() && !rolesAt.After(g.now) {
		roles := []model.Role{model.RoleCommander}
		if inc.Severity <= model.P2 {
			roles = append(roles, model.RoleTechLead, model.RoleCommsLead)
		}
		for i, r := range roles {
			person := ic
			if i > 0 {
				person = g.oneOf(people)
			}
			inc.Roles[r] = person
			h.rolesAt = rolesAt
			at(rolesAt, ic, model.EventRole, fmt.Sprintf("%s: %s", r, person))
		}
	}
	if inc.Severity == model.P1 && !rolesAt.IsZero() {
		// P1: up every tier at once, one at a time (§7.1 "immediate
		// activation"), each tier taking it within minutes.
		t := rolesAt
		for tier := 2; tier <= len(pol.Escalation.Tiers); tier++ {
			inc.Tier, inc.EscalatedAt, inc.TierAckAt = tier, t, time.Time{}
			at(t, ic, model.EventEscalated, fmt.Sprintf("escalated Tier %d -> Tier %d: immediate activation (P1)", tier-1, tier))
			if t = reach(t, g.around(5*time.Minute, pace)); t.IsZero() {
				break
			}
			inc.TierAckAt = t
			at(t, g.oneOf(people), model.EventEscalationAck, fmt.Sprintf("Tier %d acknowledged the escalation", tier))
		}
	}
	if !ack.IsZero() {
		inc.AcknowledgedAt, inc.Phase = ack, model.PhaseTriage
		at(ack, ic, model.EventAcknowledged, "acknowledged; phase -> Triage")
		inc.Phase = g.advance(h, ic, ack, model.PhaseTriage, model.PhaseContainment, mit)
	}
	// Status updates at the policy's cadence while it is open (a few).
	if every := pol.StatusUpdateEvery; every > 0 && !ack.IsZero() {
		end := res
		if end.IsZero() {
			end = g.now
		}
		for i, t := 0, det.Add(every); i < 4 && t.Before(end); i, t = i+1, t.Add(every) {
			at(model.Millis(t.Add(-time.Duration(g.rng.IntN(300))*time.Second)), ic, model.EventStatusUpdate,
				fmt.Sprintf("status update %d: investigating %s", i+1, strings.ToLower(title)))
		}
	}
	if !mit.IsZero() {
		inc.MitigatedAt = mit
		at(mit, ic, model.EventMitigated, "mitigated (initial resolution)")
		inc.Phase = g.advance(h, ic, mit, inc.Phase, model.PhaseResolution, res)
		at(mit, g.oneOf(people), model.EventNote, "Workaround in place; watching error rates")
	}
	if !res.IsZero() {
		g.resolve(h, ic, res)
		g.review(h, ic, cause, pace)
	}
	g.checklist(h, ic)
	return h, nil
}

// add appends ev to the timeline and records it in the header.
func (h *history) add(ev model.Event) {
	ev.At = model.Millis(ev.At)
	h.events = append(h.events, ev)
	h.inc.Record(ev)
}

// advance moves the phase on, one step at a time, from `from` as far as to
// (at most), the steps spread after t and before until (or now).
func (g *generator) advance(h *history, actor string, t time.Time, from, to model.Phase, until time.Time) model.Phase {
	if until.IsZero() {
		until = g.now
	}
	p := from
	for p < to {
		next := t.Add(time.Duration(g.rng.Int64N(int64(max(until.Sub(t)/4, time.Second)))))
		if !next.Before(until) {
			break
		}
		t = model.Millis(next)
		h.add(model.Event{At: t, Actor: actor, Kind: model.EventPhase, Text: fmt.Sprintf("phase %s -> %s", p, p+1)})
		p++
	}
	return p
}

// resolve declares the fix, verifies it where there was time to, and
// resolves at res.
func (g *generator) resolve(h *history, ic string, res time.Time) {
	inc := h.inc
	qa := g.oneOf(people)
	fixed := model.Millis(res.Add(-model.StabilityWindow - time.Duration(g.rng.IntN(20))*time.Minute))
	if fixed.Before(inc.MitigatedAt) {
		fixed = inc.MitigatedAt
	}
	inc.Verification.FixedAt = fixed
	h.add(model.Event{At: fixed, Actor: ic, Kind: model.EventFixDeclared, Text: "fix declared: stability clock started (30 min)"})
	text := "resolved"
	if stable := fixed.Add(model.StabilityWindow); !stable.After(res) {
		inc.Verification.Passed = map[model.VerificationCheck]model.CheckMark{}
		for _, c := range model.VerificationChecks {
			inc.Verification.Passed[c.ID] = model.CheckMark{By: qa, At: stable}
			h.add(model.Event{At: stable, Actor: qa, Kind: model.EventVerified, Text: "verified: " + c.Text})
		}
	} else {
		text += " (override: verified by hand; 4 check(s) open)"
	}
	inc.Status, inc.ResolvedAt = model.StatusResolved, res
	if inc.Phase < model.PhasePostMortem {
		text = fmt.Sprintf("resolved; phase %s -> %s", inc.Phase, model.PhasePostMortem) + strings.TrimPrefix(text, "resolved")
		inc.Phase = model.PhasePostMortem
	}
	h.add(model.Event{At: res, Actor: ic, Kind: model.EventResolved, Text: text})
}

// review runs the post-incident work of a resolved incident: the
// post-mortem, the review's steps, its written part with the RCA, its
// action items, and the closing; each step only if it has happened by now.
func (g *generator) review(h *history, ic string, cause model.CauseCategory, pace float64) {
	inc := h.inc
	pol := inc.Policy
	res := inc.ResolvedAt
	// Each step of the review is due its window after the resolution
	// (§6.1.1); it is done around a third of the way, after the step
	// before it, if that was done.
	step := func(after time.Time, id model.MilestoneID, def time.Duration) time.Time {
		if after.IsZero() {
			return time.Time{}
		}
		t := model.Millis(res.Add(g.around(window(pol, id, def)/3, pace)))
		if !t.After(after) {
			t = model.Millis(after.Add(time.Duration(1+g.rng.IntN(180)) * time.Minute))
		}
		if t.After(g.now) {
			return time.Time{}
		}
		return t
	}
	lead := g.oneOf(people)
	rv := &inc.Review
	rv.MeetingAt = step(res, model.MilestonePIRMeeting, 3*24*time.Hour)
	if !rv.MeetingAt.IsZero() {
		h.add(model.Event{At: rv.MeetingAt, Actor: lead, Kind: model.EventReview, Text: "review: PIR meeting held"})
	}
	if pm := step(res, model.MilestonePostMortem, 5*24*time.Hour); !pm.IsZero() {
		if pm.Before(rv.MeetingAt) {
			pm = rv.MeetingAt
		}
		inc.PostMortemAt = pm
		h.add(model.Event{At: pm, Actor: ic, Kind: model.EventPhase, Text: "phase Post-Mortem -> Documentation; post-mortem held"})
		inc.Phase = model.PhaseDocumentation
	}
	rv.DocumentAt = step(rv.MeetingAt, model.MilestonePIRDocument, 5*24*time.Hour)
	if !rv.DocumentAt.IsZero() {
		h.add(model.Event{At: rv.DocumentAt, Actor: lead, Kind: model.EventReview, Text: "review: PIR document written"})
	}
	// The written review, with its RCA's cause for most.
	if written := rv.DocumentAt; !written.IsZero() || (!rv.MeetingAt.IsZero() && g.chance(0.5)) {
		if written.IsZero() {
			written = rv.MeetingAt
		}
		body := reviewBody{Sections: map[string]string{
			model.SectionSummary: fmt.Sprintf("%s. %s of customers affected for %s.", inc.Title,
				fmt.Sprintf("%g%%", inc.CustomersPct), model.HumanDuration(res.Sub(inc.DetectedAt))),
		}}
		if g.chance(0.9) {
			root := g.oneOf(rootCauses[cause])
			body.RCA = model.RCA{
				Whys:      []string{"Why did " + strings.ToLower(inc.Title) + "? " + root + "."},
				RootCause: root, Category: cause,
				Prevention: "See the action items.",
			}
		}
		h.review, h.revAt, h.revBy = &body, written, lead
	}
	rv.ActionItemsAt = step(rv.DocumentAt, model.MilestoneActionItems, 7*24*time.Hour)
	if !rv.ActionItemsAt.IsZero() {
		h.add(model.Event{At: rv.ActionItemsAt, Actor: lead, Kind: model.EventReview, Text: "review: action items agreed"})
		svc, _ := g.cat.Service(inc.Services[0])
		for i := range 1 + g.rng.IntN(3) {
			a := model.ActionItem{
				Seq: i + 1, Description: fmt.Sprintf(g.oneOf(actionThings), svc.Name), Owner: g.oneOf(people),
				DueAt:     model.Millis(rv.ActionItemsAt.Add(time.Duration(7+g.rng.IntN(40)) * 24 * time.Hour).Truncate(24 * time.Hour)),
				Status:    model.ActionOpen,
				CreatedAt: rv.ActionItemsAt, UpdatedAt: rv.ActionItemsAt,
			}
			h.add(model.Event{At: rv.ActionItemsAt, Actor: lead, Kind: model.EventActionItem,
				Text: fmt.Sprintf("action item %d added: %s (%s, due %s)", a.Seq, a.Description, a.Owner, dueText(a.DueAt))})
			// Most are done by their due date; some are late, fewer
			// the longer ago they fell due.
			done := 0.75
			if g.now.Sub(a.DueAt) > 30*24*time.Hour {
				done = 0.92
			}
			switch x := g.rng.Float64(); {
			case x < done:
				a.Status = model.ActionDone
			case x < done+0.05:
				a.Status = model.ActionDropped
			case x < done+0.05+(1-done-0.05)/2:
				a.Status = model.ActionInProgress
			}
			if a.Status != model.ActionOpen {
				done := model.Millis(a.CreatedAt.Add(time.Duration(g.rng.Int64N(int64(a.DueAt.Sub(a.CreatedAt)) + 1))))
				if done.After(g.now) {
					a.Status = model.ActionOpen
				} else {
					a.UpdatedAt = done
					h.add(model.Event{At: done, Actor: a.Owner, Kind: model.EventActionItem,
						Text: fmt.Sprintf("action item %d: status open -> %s", a.Seq, a.Status)})
				}
			}
			h.actions = append(h.actions, a)
		}
	}
	rv.CompletedAt = step(rv.ActionItemsAt, model.MilestoneReviewComplete, 14*24*time.Hour)
	if !rv.CompletedAt.IsZero() {
		h.add(model.Event{At: rv.CompletedAt, Actor: lead, Kind: model.EventReview, Text: "review: review complete"})
	}
	// Closed once the review is complete, or, for a few old ones, without.
	var closed time.Time
	text := "closed"
	switch {
	case !rv.CompletedAt.IsZero() && g.chance(0.95):
		closed = model.Millis(rv.CompletedAt.Add(time.Duration(1+g.rng.IntN(48)) * time.Hour))
	case rv.CompletedAt.IsZero() && g.now.Sub(res) > 60*24*time.Hour && g.chance(0.6):
		closed = model.Millis(res.Add(time.Duration(20+g.rng.IntN(20)) * 24 * time.Hour))
		text = "closed (override, review not complete: low value, superseded)"
	}
	if !closed.IsZero() && !closed.After(g.now) {
		inc.Status, inc.ClosedAt, inc.Phase = model.StatusClosed, closed, model.LastPhase
		h.add(model.Event{At: closed, Actor: ic, Kind: model.EventClosed, Text: text})
	}
}

// checklist ticks the steps done: those whose phase window has closed by
// the time the incident got that far, most of them, by the commander.
func (g *generator) checklist(h *history, ic string) {
	inc := h.inc
	end := inc.ResolvedAt
	if end.IsZero() {
		end = g.now
	}
	for i := range inc.Checklist {
		it := &inc.Checklist[i]
		it.ID = int64(i + 1) // for the tick events; the store numbers them again
		anchor := inc.DetectedAt
		if it.From == model.FromResolved {
			anchor = inc.ResolvedAt
		}
		if anchor.IsZero() {
			continue
		}
		span := it.End - it.Start
		if !it.HasWindow || span <= 0 {
			span = time.Hour
		}
		t := model.Millis(anchor.Add(it.Start + time.Duration(g.rng.Int64N(int64(span)))))
		limit := end
		if it.From == model.FromResolved {
			limit = g.now
		}
		if t.After(limit) || !g.chance(0.85) {
			continue
		}
		it.Done, it.DoneBy, it.DoneAt = true, ic, t
		h.add(model.Event{At: t, Actor: ic, Kind: model.EventTick, Text: it.Text, ItemID: it.ID})
	}
}

// historyWriter writes generated incidents with statements prepared once
// for the whole transaction, tx, and the ids of the SLA snapshots it has
// stored by their text: the catalog's few policies are looked up in
// policy_snapshots once each, not once per incident.
type historyWriter struct {
	tx                                                   *sql.Tx
	incident, service, item, role, event, review, action *sql.Stmt
	policies                                             map[string]int64
}

func newHistoryWriter(ctx context.Context, tx *sql.Tx) (*historyWriter, error) {
	w := &historyWriter{tx: tx, policies: map[string]int64{}}
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&w.incident, insertIncidentSQL},
		{&w.service, "INSERT INTO incident_services (incident_id, service, position) VALUES (?, ?, ?)"},
		{&w.item, `INSERT INTO checklist_items (incident_id, step_id, severity, phase,
			phase_order, anchor, start_ms, end_ms, has_window, grp, text, position, done, done_by, done_at, retired)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id`},
		{&w.role, "INSERT INTO roles (incident_id, role, person, assigned_at) VALUES (?, ?, ?, ?)"},
		{&w.event, "INSERT INTO events (incident_id, at, actor, kind, text, item_id) VALUES (?, ?, ?, ?, ?, ?)"},
		{&w.review, "INSERT INTO reviews (incident_id, body_json, cause, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)"},
		{&w.action, `INSERT INTO action_items (incident_id, seq, description, owner, due_at, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
	} {
		var err error
		if *p.stmt, err = tx.PrepareContext(ctx, p.query); err != nil {
			w.close()
			return nil, err
		}
	}
	return w, nil
}

func (w *historyWriter) close() {
	for _, st := range []*sql.Stmt{w.incident, w.service, w.item, w.role, w.event, w.review, w.action} {
		if st != nil {
			st.Close()
		}
	}
}

// write inserts one generated incident with everything of it.
func (w *historyWriter) write(ctx context.Context, h *history) error {
	inc := h.inc
	if err := inc.Validate(); err != nil {
		return err
	}
	text, err := policyText(inc)
	if err != nil {
		return err
	}
	policyID, ok := w.policies[text]
	if !ok {
		if policyID, err = snapshotID(ctx, w.tx, text); err != nil {
			return err
		}
		w.policies[text] = policyID
	}
	args, err := headerArgs(inc, policyID)
	if err != nil {
		return err
	}
	res, err := w.incident.ExecContext(ctx, append([]any{inc.Number}, args...)...)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for pos, svc := range inc.Services {
		if _, err := w.service.ExecContext(ctx, id, svc, pos); err != nil {
			return err
		}
	}
	// The tick events name the items by the ids the store gives them.
	itemIDs := make(map[int64]int64, len(inc.Checklist))
	for _, it := range inc.Checklist {
		var rowID int64
		if err := w.item.QueryRowContext(ctx, id, it.StepID, it.Severity, it.Phase, it.PhaseOrder, it.From,
			it.Start.Milliseconds(), it.End.Milliseconds(), it.HasWindow, it.Group, it.Text, it.Position,
			it.Done, it.DoneBy, millis(it.DoneAt)).Scan(&rowID); err != nil {
			return fmt.Errorf("checklist item %s: %w", it.StepID, err)
		}
		itemIDs[it.ID] = rowID
	}
	for _, r := range model.Roles { // in the seed's order: the same rows for a seed
		if p := inc.Roles[r]; p != "" {
			if _, err := w.role.ExecContext(ctx, id, r, p, millis(h.rolesAt)); err != nil {
				return err
			}
		}
	}
	// The timeline in time order, as the actions would have written it.
	slices.SortStableFunc(h.events, func(a, b model.Event) int { return a.At.Compare(b.At) })
	for _, ev := range h.events {
		var item any
		if ev.ItemID != 0 {
			item = itemIDs[ev.ItemID]
		}
		if _, err := w.event.ExecContext(ctx, id, millis(ev.At), ev.Actor, ev.Kind, ev.Text, item); err != nil {
			return err
		}
	}
	if h.review != nil {
		body, err := json.Marshal(h.review)
		if err != nil {
			return err
		}
		if _, err := w.review.ExecContext(ctx, id, string(body), causeArg(h.review.RCA.Category), millis(h.revAt), h.revBy); err != nil {
			return err
		}
	}
	for _, a := range h.actions {
		if err := a.Validate(); err != nil {
			return err
		}
		if _, err := w.action.ExecContext(ctx, id, a.Seq, a.Description, a.Owner, millis(a.DueAt), a.Status,
			millis(a.CreatedAt), millis(a.UpdatedAt)); err != nil {
			return err
		}
	}
	return nil
}
