package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
	"github.com/warroom/warroom/store"
)

// Store is what the console needs of persistence; *store.Store implements
// it. Every call runs inside a tea.Cmd, never in Update or View.
type Store interface {
	Board(ctx context.Context) ([]*model.Incident, error)
	Get(ctx context.Context, number int64) (*model.Incident, error)
	Declare(ctx context.Context, inc *model.Incident, ev model.Event) (*model.Incident, error)
	Apply(ctx context.Context, number int64, fn func(inc *model.Incident) (model.Event, error)) (*model.Incident, error)
	SetStep(ctx context.Context, number, itemID int64, done bool, actor string, now time.Time) (bool, error)
	ChangeSeverity(ctx context.Context, number int64, from model.Severity, to model.SeverityPolicy, pb model.Playbook, reason, actor string, now time.Time) (*model.Incident, error)

	// DataVersion changes when another connection commits: the console
	// polls it to see other consoles' changes.
	DataVersion(ctx context.Context) (int64, error)
	// Heartbeat and Present tell who else has this database open.
	Heartbeat(ctx context.Context, p store.Presence) error
	Present(ctx context.Context, since time.Time) ([]store.Presence, error)

	// Drafts of communications.
	CreateDraft(ctx context.Context, number int64, d model.Draft) (model.Draft, error)
	SaveDraft(ctx context.Context, id int64, body string, now time.Time) error
	Drafts(ctx context.Context, number int64) ([]model.Draft, error)
	SendDraft(ctx context.Context, id int64, unfilled []string, override, actor string, now time.Time) (*model.Incident, model.Draft, error)

	// The post-incident review.
	Review(ctx context.Context, number int64) (model.Review, error)
	SaveReview(ctx context.Context, number int64, r model.Review) error
	ActionItems(ctx context.Context, number int64) ([]model.ActionItem, error)
	AddActionItem(ctx context.Context, number int64, a model.ActionItem, actor string, now time.Time) (model.ActionItem, error)
	UpdateActionItem(ctx context.Context, number int64, a model.ActionItem, actor string, now time.Time) (model.ActionItem, error)
	OverdueActionItems(ctx context.Context, now time.Time) (map[int64]int, error)

	// The metrics dashboard: the figures of the real incidents (drills
	// never count) and the overdue action items.
	Metrics(ctx context.Context, f model.MetricsFilter, now time.Time, loc *time.Location) (model.Metrics, error)
	OverdueItems(ctx context.Context, now time.Time) ([]store.OverdueItem, error)

	// Drills: started from a scenario, declared when detected, their
	// injects written to the timeline as they fall due.
	StartDrill(ctx context.Context, sc model.Scenario, actor string, now time.Time) (model.Drill, error)
	Drills(ctx context.Context) ([]model.Drill, error)
	DrillOfIncident(ctx context.Context, number int64) (model.Drill, error)
	DeclareDrill(ctx context.Context, drillID int64, inc *model.Incident, ev model.Event, now time.Time) (*model.Incident, error)
	DeliverInjects(ctx context.Context, now time.Time) (int, error)
	EndDrill(ctx context.Context, id int64, reason, actor string, now time.Time) error

	// IncidentAlerts are the monitoring alerts an incident was opened or
	// updated from.
	IncidentAlerts(ctx context.Context, number int64) ([]model.AlertRecord, error)
}

// The messages async work sends back. Each carries what it belongs to, so
// the receiver can drop a stale one.
type (
	clockMsg time.Time

	boardLoadedMsg struct {
		seq  int
		incs []*model.Incident
		err  error
	}

	incidentLoadedMsg struct {
		number int64
		seq    int
		inc    *model.Incident
		alerts []model.AlertRecord
		drill  *model.Drill // the incident's drill, if it is a drill's
		err    error
	}

	// actionDoneMsg reports a write: what was done (for the status line)
	// and the incident as it is after it, when the write returns it.
	actionDoneMsg struct {
		number int64
		what   string
		inc    *model.Incident
		err    error
		notice bool // show the escalation notification once done
	}

	declaredMsg struct {
		inc *model.Incident
		err error
	}

	// dataVersionMsg is one poll of the database's change counter.
	dataVersionMsg struct {
		version int64
		err     error
	}

	// presenceMsg is who else has the database open.
	presenceMsg struct {
		others []store.Presence
		err    error
	}

	bellDoneMsg struct{ err error }
)

// PollInterval is how often a console checks for other consoles' commits.
// The next poll is scheduled only when the previous one has returned.
const PollInterval = 250 * time.Millisecond

// HeartbeatInterval is how often a console says it is here; a console not
// seen for PresenceTTL is gone.
const (
	HeartbeatInterval = 10 * time.Second
	PresenceTTL       = 30 * time.Second
)

func poll(st Store, delay time.Duration) tea.Cmd {
	return tea.Tick(delay, func(time.Time) tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		v, err := st.DataVersion(ctx)
		return dataVersionMsg{version: v, err: err}
	})
}

// heartbeat records this console's presence and reads the others'.
func heartbeat(st Store, me store.Presence, now func() time.Time, delay time.Duration) tea.Cmd {
	return tea.Tick(delay, func(time.Time) tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		t := now()
		me.LastSeen = t
		if err := st.Heartbeat(ctx, me); err != nil {
			return presenceMsg{err: err}
		}
		all, err := st.Present(ctx, t.Add(-PresenceTTL))
		var others []store.Presence
		for _, p := range all {
			if p.Session != me.Session {
				others = append(others, p)
			}
		}
		return presenceMsg{others: others, err: err}
	})
}

// opTimeout bounds every store call. The busy timeout (5 s) is inside it.
const opTimeout = 15 * time.Second

func tick() tea.Cmd {
	return tea.Every(time.Second, func(t time.Time) tea.Msg { return clockMsg(t) })
}

func loadBoard(st Store, seq int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		incs, err := st.Board(ctx)
		return boardLoadedMsg{seq: seq, incs: incs, err: err}
	}
}

func loadIncident(st Store, number int64, seq int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		inc, err := st.Get(ctx, number)
		if err != nil {
			return incidentLoadedMsg{number: number, seq: seq, err: err}
		}
		alerts, err := st.IncidentAlerts(ctx, number)
		if err != nil || !inc.IsDrill() {
			return incidentLoadedMsg{number: number, seq: seq, inc: inc, alerts: alerts, err: err}
		}
		drill, err := st.DrillOfIncident(ctx, number)
		return incidentLoadedMsg{number: number, seq: seq, inc: inc, alerts: alerts, drill: &drill, err: err}
	}
}

// apply runs a model action on an incident in one write transaction.
func apply(st Store, number int64, what string, fn func(inc *model.Incident) (model.Event, error)) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		inc, err := st.Apply(ctx, number, fn)
		return actionDoneMsg{number: number, what: what, inc: inc, err: err}
	}
}

func setStep(st Store, number, itemID int64, done bool, actor string, now time.Time, what string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		changed, err := st.SetStep(ctx, number, itemID, done, actor, now)
		if err == nil && !changed {
			what = "no change: " + what
		}
		return actionDoneMsg{number: number, what: what, err: err}
	}
}

func changeSeverity(st Store, number int64, from model.Severity, to model.SeverityPolicy, pb model.Playbook, reason, actor string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		inc, err := st.ChangeSeverity(ctx, number, from, to, pb, reason, actor, now)
		return actionDoneMsg{number: number, what: "severity is now " + to.Severity.String(), inc: inc, err: err}
	}
}

func declare(st Store, inc *model.Incident, ev model.Event) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		out, err := st.Declare(ctx, inc, ev)
		return declaredMsg{inc: out, err: err}
	}
}

// escalate moves an incident to the next tier, then opens its escalation
// notification.
func escalate(st Store, number int64, fn func(inc *model.Incident) (model.Event, error)) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		inc, err := st.Apply(ctx, number, fn)
		what := "escalated"
		if inc != nil {
			what = fmt.Sprintf("escalated to Tier %d", inc.Tier)
		}
		return actionDoneMsg{number: number, what: what, inc: inc, err: err, notice: true}
	}
}

type (
	openDraftsMsg   struct{ number int64 }
	openDraftMsg    struct{ draft model.Draft }
	draftsLoadedMsg struct {
		number int64
		drafts []model.Draft
		err    error
	}
	draftCreatedMsg struct {
		draft model.Draft
		err   error
	}
	autosaveMsg   struct{ id int64 }
	draftSavedMsg struct {
		id   int64
		body string
		at   time.Time
		err  error
	}
	externalDoneMsg struct {
		id   int64
		text string
		err  error
	}
	draftSentMsg struct {
		draft model.Draft
		err   error
	}
)

func loadDrafts(st Store, number int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		ds, err := st.Drafts(ctx, number)
		return draftsLoadedMsg{number: number, drafts: ds, err: err}
	}
}

// newDraft fills a template from the whole incident as it is now and
// stores the draft.
// templateData is what a template is filled from for an incident as it is
// stored now; a drill's incident also brings its drill, score and action
// items (the after-action review's).
func templateData(ctx context.Context, st Store, cat model.Catalog, number int64, now time.Time, loc *time.Location) (model.TemplateData, error) {
	inc, err := st.Get(ctx, number)
	if err != nil {
		return model.TemplateData{}, err
	}
	data := model.NewTemplateData(inc, cat, now, loc)
	if !inc.IsDrill() {
		return data, nil
	}
	drill, err := st.DrillOfIncident(ctx, number)
	if err != nil {
		return model.TemplateData{}, err
	}
	items, err := st.ActionItems(ctx, number)
	if err != nil {
		return model.TemplateData{}, err
	}
	return data.WithDrill(drill, model.ScoreDrill(drill, inc, now), now, loc).WithActionItems(items, now, loc), nil
}

func newDraft(e *env, number int64, t playbooks.Template) tea.Cmd {
	st, cat, loc, now, actor := e.cfg.Store, e.cfg.Catalog, e.loc, e.cfg.Now(), e.cfg.Actor
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		data, err := templateData(ctx, st, cat, number, now, loc)
		if err != nil {
			return draftCreatedMsg{err: err}
		}
		body, err := t.Fill(data)
		if err != nil {
			return draftCreatedMsg{err: err}
		}
		d, err := st.CreateDraft(ctx, number, model.Draft{
			IncidentNumber: number, Template: t.Name, Audience: t.Audience, CountsAsUpdate: t.CountsAsUpdate,
			Body: body, Author: actor, CreatedAt: now, UpdatedAt: now,
		})
		return draftCreatedMsg{draft: d, err: err}
	}
}

// openAAR opens the incident's after-action review in the editor: the
// draft being written if there is one (never a second copy), else a new
// one from the template.
func openAAR(e *env, dr model.Drill, t playbooks.Template) tea.Cmd {
	number := dr.Incident
	st, create := e.cfg.Store, newDraft(e, number, t)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		drafts, err := st.Drafts(ctx, number)
		if err != nil {
			return draftCreatedMsg{err: err}
		}
		for _, d := range drafts { // the most recently edited first
			if d.Template == t.Name && !d.Sent() && currentAAR(dr, d) {
				return openDraftMsg{draft: d}
			}
		}
		return create()
	}
}

// currentAAR reports whether an after-action review draft was begun after
// its drill ended (or the drill still runs): one begun before holds a
// score that has moved on since, so a new one is filled.
func currentAAR(dr model.Drill, d model.Draft) bool {
	var end time.Time
	switch {
	case dr.Over():
		end = dr.IncidentResolvedAt
	case dr.CalledOff():
		end = dr.EndedAt
	default:
		return true
	}
	return !d.CreatedAt.Before(end)
}

// exportAAR writes a drill's after-action review to a new file next to
// the drafts and says where: the review as written in its newest draft
// begun since the drill ended, else the template filled as of now. It never overwrites a file:
// INC-0001-aar.md, then INC-0001-aar-2.md...
func exportAAR(e *env, dr model.Drill, t playbooks.Template) tea.Cmd {
	number := dr.Incident
	st, cat, loc, dir, now := e.cfg.Store, e.cfg.Catalog, e.loc, e.cfg.ExportDir, e.cfg.Now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		fail := func(err error) tea.Msg {
			return flashMsg{text: "after-action review: " + describeErr(err), err: true}
		}
		drafts, err := st.Drafts(ctx, number)
		if err != nil {
			return fail(err)
		}
		body, from := "", "filled from the drill as of now"
		for _, d := range drafts {
			if d.Template == t.Name && currentAAR(dr, d) {
				body, from = d.Body, fmt.Sprintf("draft #%d", d.ID)
				break
			}
			if d.Template == t.Name {
				from += fmt.Sprintf("; draft #%d was begun before the drill ended", d.ID)
				break
			}
		}
		if body == "" {
			data, err := templateData(ctx, st, cat, number, now, loc)
			if err != nil {
				return fail(err)
			}
			if body, err = t.Fill(data); err != nil {
				return fail(err)
			}
		}
		path, err := writeNew(dir, model.FormatKey(number)+"-aar", ".md", body)
		if err != nil {
			return fail(err)
		}
		return flashMsg{text: fmt.Sprintf("wrote %s (%s)", path, from)}
	}
}

// writeNew writes text to dir/base.ext, or base-2.ext, base-3.ext... the
// first name not taken (mode 0600), and returns its absolute path.
func writeNew(dir, base, ext, text string) (string, error) {
	for i := 1; i < 1000; i++ {
		name := base + ext
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if !strings.HasSuffix(text, "\n") {
			text += "\n" // a text file ends its last line
		}
		_, werr := f.WriteString(text)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return "", werr
		}
		abs, _ := filepath.Abs(path)
		return abs, nil
	}
	return "", fmt.Errorf("%s%s: a thousand copies already", base, ext)
}

func saveDraft(st Store, id int64, body string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		err := st.SaveDraft(ctx, id, body, now)
		return draftSavedMsg{id: id, body: body, at: now, err: err}
	}
}

// sendDraft stores the final text, then marks it sent, so what the
// timeline records is exactly what is on screen.
func sendDraft(st Store, d model.Draft, body string, unfilled []string, override, actor string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if err := st.SaveDraft(ctx, d.ID, body, now); err != nil {
			return draftSentMsg{draft: d, err: err}
		}
		_, sent, err := st.SendDraft(ctx, d.ID, unfilled, override, actor, now)
		if err != nil {
			return draftSentMsg{draft: d, err: err}
		}
		return draftSentMsg{draft: sent}
	}
}

// othersMsg is who else is here, read after another console's commit.
type othersMsg struct {
	others []store.Presence
	err    error
}

// readPresence reads who else has the database open, without a heartbeat
// (a console that joins or leaves shows at once, not at the next beat).
func readPresence(st Store, session string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		all, err := st.Present(ctx, now.Add(-PresenceTTL))
		var others []store.Presence
		for _, p := range all {
			if p.Session != session {
				others = append(others, p)
			}
		}
		return othersMsg{others: others, err: err}
	}
}

type (
	openReviewMsg   struct{ number int64 }
	reviewLoadedMsg struct {
		number int64
		inc    *model.Incident
		review model.Review
		items  []model.ActionItem
		err    error
	}
	openSectionMsg struct {
		number               int64
		section, title, body string
	}
	overdueMsg struct {
		seq     int
		overdue map[int64]int
		err     error
	}
)

func loadReview(st Store, number int64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		inc, err := st.Get(ctx, number)
		if err != nil {
			return reviewLoadedMsg{number: number, err: err}
		}
		r, err := st.Review(ctx, number)
		if err != nil {
			return reviewLoadedMsg{number: number, err: err}
		}
		items, err := st.ActionItems(ctx, number)
		return reviewLoadedMsg{number: number, inc: inc, review: r, items: items, err: err}
	}
}

// metricsLoadedMsg carries the dashboard's figures and overdue items.
type metricsLoadedMsg struct {
	seq     int
	metrics model.Metrics
	overdue []store.OverdueItem
	err     error
}

func loadMetrics(st Store, seq int, f model.MetricsFilter, now time.Time, loc *time.Location) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		m, err := st.Metrics(ctx, f, now, loc)
		if err != nil {
			return metricsLoadedMsg{seq: seq, err: err}
		}
		items, err := st.OverdueItems(ctx, now)
		if err != nil {
			return metricsLoadedMsg{seq: seq, err: err}
		}
		// the severity filter applies to them too; drills' never show
		items, err = store.FilterOverdue(ctx, st, items, f.Severity)
		return metricsLoadedMsg{seq: seq, metrics: m, overdue: items, err: err}
	}
}

func loadOverdue(st Store, seq int, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		m, err := st.OverdueActionItems(ctx, now)
		return overdueMsg{seq: seq, overdue: m, err: err}
	}
}

// saveReview changes the review as it is stored now (read, change, write),
// so a field edited in another console meanwhile is not written back old.
func saveReview(e *env, number int64, change func(r *model.Review)) tea.Cmd {
	st, actor, now := e.cfg.Store, e.cfg.Actor, e.cfg.Now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		r, err := st.Review(ctx, number)
		if err == nil {
			change(&r)
			r.UpdatedAt, r.UpdatedBy = now, actor
			err = st.SaveReview(ctx, number, r)
		}
		return actionDoneMsg{number: number, what: "review saved", err: err}
	}
}

// saveSection is the autosave of a free-text review section.
func saveSection(st Store, number int64, section, body, actor string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		r, err := st.Review(ctx, number)
		if err == nil {
			if r.Sections == nil {
				r.Sections = map[string]string{}
			}
			r.Sections[section] = body
			r.UpdatedAt, r.UpdatedBy = now, actor
			err = st.SaveReview(ctx, number, r)
		}
		return draftSavedMsg{id: 0, body: body, at: now, err: err}
	}
}

func addActionItem(e *env, number int64, it model.ActionItem) tea.Cmd {
	st, actor, now := e.cfg.Store, e.cfg.Actor, e.cfg.Now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		it.CreatedAt, it.UpdatedAt = now, now
		out, err := st.AddActionItem(ctx, number, it, actor, now)
		return actionDoneMsg{number: number, what: fmt.Sprintf("action item #%d added", out.Seq), err: err}
	}
}

func updateActionItem(e *env, number int64, it model.ActionItem) tea.Cmd {
	st, actor, now := e.cfg.Store, e.cfg.Actor, e.cfg.Now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		it.UpdatedAt = now
		out, err := st.UpdateActionItem(ctx, number, it, actor, now)
		return actionDoneMsg{number: number, what: fmt.Sprintf("action item #%d: %s", out.Seq, out.Status), err: err}
	}
}

// editActionItem changes an item's description, owner and due date as
// stored now, leaving its status (maybe changed in another console) alone.
func editActionItem(e *env, number int64, edit model.ActionItem) tea.Cmd {
	st, actor, now := e.cfg.Store, e.cfg.Actor, e.cfg.Now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		items, err := st.ActionItems(ctx, number)
		if err != nil {
			return actionDoneMsg{number: number, err: err}
		}
		for _, it := range items {
			if it.Seq != edit.Seq {
				continue
			}
			it.Description, it.Owner, it.DueAt, it.UpdatedAt = edit.Description, edit.Owner, edit.DueAt, now
			out, err := st.UpdateActionItem(ctx, number, it, actor, now)
			return actionDoneMsg{number: number, what: fmt.Sprintf("action item #%d edited", out.Seq), err: err}
		}
		return actionDoneMsg{number: number, err: fmt.Errorf("%w: action item #%d", model.ErrNotFound, edit.Seq)}
	}
}

// Drills (seed §8.2).
type (
	drillsLoadedMsg struct {
		seq    int
		drills []model.Drill
		err    error
	}
	drillEndedMsg struct {
		id  int64
		err error
	}
	injectsDeliveredMsg struct {
		n   int
		err error
	}
)

func loadDrills(st Store, seq int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		ds, err := st.Drills(ctx)
		return drillsLoadedMsg{seq: seq, drills: ds, err: err}
	}
}

func startDrill(e *env, sc model.Scenario) tea.Cmd {
	st, actor, now := e.cfg.Store, e.cfg.Actor, e.cfg.Now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		d, err := st.StartDrill(ctx, sc, actor, now)
		return drillStartedMsg{drill: d, err: err}
	}
}

func endDrill(e *env, id int64, reason string) tea.Cmd {
	st, actor, now := e.cfg.Store, e.cfg.Actor, e.cfg.Now()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		return drillEndedMsg{id: id, err: st.EndDrill(ctx, id, reason, actor, now)}
	}
}

func declareDrill(st Store, drillID int64, inc *model.Incident, ev model.Event, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		out, err := st.DeclareDrill(ctx, drillID, inc, ev, now)
		return declaredMsg{inc: out, err: err}
	}
}

// deliverInjects writes the injects due by now to their drills' timelines
// (any console may: the store writes each once).
func deliverInjects(st Store, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		n, err := st.DeliverInjects(ctx, now)
		return injectsDeliveredMsg{n: n, err: err}
	}
}
