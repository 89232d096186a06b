package model_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// board is a tiny stand-in for the store's checklist table: it numbers items
// and applies checklist changes the way the store does.
type board struct {
	inc    *model.Incident
	nextID int64
}

func newBoard(t *testing.T, sev model.Severity) *board {
	inc := declare(t, sev, at(0))
	b := &board{inc: inc}
	b.nextID = numberChecklist(inc.Checklist, 1)
	return b
}

func (b *board) item(stepID string) *model.ChecklistItem {
	for i := range b.inc.Checklist {
		if b.inc.Checklist[i].StepID == stepID {
			return &b.inc.Checklist[i]
		}
	}
	return nil
}

func (b *board) tick(t *testing.T, stepID string, when time.Time) {
	t.Helper()
	it := b.item(stepID)
	require.NotNil(t, it, stepID)
	it.Done, it.DoneBy, it.DoneAt = true, "bob", when
}

func (b *board) apply(ch model.ChecklistChange) {
	for i := range b.inc.Checklist {
		it := &b.inc.Checklist[i]
		if slices.Contains(ch.Retire, it.ID) {
			it.Retired = true
		}
		if slices.Contains(ch.Restore, it.ID) {
			it.Retired = false
		}
	}
	add := slices.Clone(ch.Add)
	b.nextID = numberChecklist(add, b.nextID)
	b.inc.Checklist = append(b.inc.Checklist, add...)
}

// change runs a severity change through the incident and its checklist.
func (b *board) change(t *testing.T, to model.Severity, when time.Time) model.ChecklistChange {
	t.Helper()
	cat := testCatalog()
	ch := model.SeverityChangeChecklist(b.inc.Checklist, cat.Playbooks[to])
	_, err := b.inc.ChangeSeverity(when, "bob", cat.Policy.Severities[to], "reassessed")
	require.NoError(t, err)
	b.apply(ch)
	return ch
}

func (b *board) ids(stepIDs ...string) []int64 {
	out := make([]int64, 0, len(stepIDs))
	for _, s := range stepIDs {
		out = append(out, b.item(s).ID)
	}
	return out
}

func stepIDs(items []model.ChecklistItem) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.StepID)
	}
	return out
}

type sectionView struct {
	Sev   model.Severity
	Phase string
	Steps []string
}

func sections(inc *model.Incident) []sectionView {
	var out []sectionView
	for _, s := range inc.Sections() {
		out = append(out, sectionView{s.Severity, s.Phase, stepIDs(s.Items)})
	}
	return out
}

func TestChecklistFromPlaybook(t *testing.T) {
	items := model.ChecklistFromPlaybook(testCatalog().Playbooks[model.P2], 10)
	require.Len(t, items, 3)
	assert.Equal(t, []string{"p2.imm.sms", "p2.imm.ticket", "p2.res.deploy"}, stepIDs(items))
	for i, it := range items {
		assert.Equal(t, 10+i, it.Position)
		assert.Equal(t, model.P2, it.Severity)
		assert.Zero(t, it.ID)
	}
	assert.Equal(t, "Resolution Phase", items[2].Phase)
	assert.Equal(t, 1, items[2].PhaseOrder)
	assert.Equal(t, 30*time.Minute, items[2].Start)
	assert.Equal(t, 480*time.Minute, items[2].End)
	assert.Empty(t, model.ChecklistFromPlaybook(model.Playbook{}, 1))
}

func TestSeverityChangeChecklist(t *testing.T) {
	b := newBoard(t, model.P2)
	b.tick(t, "p2.imm.sms", at(time.Minute))
	b.tick(t, "p2.imm.ticket", at(2*time.Minute))
	require.Equal(t, model.Progress{Done: 2, Total: 3}, model.CountProgress(b.inc.Checklist))

	// P2 -> P1: the undone P2 step is retired, the done ones are kept, P1's
	// steps are added after the last position, except the ticket already
	// created under P2.
	ch := b.change(t, model.P1, at(10*time.Minute))
	assert.Equal(t, b.ids("p2.res.deploy"), ch.Retire)
	assert.Empty(t, ch.Restore)
	assert.Equal(t, []string{"p1.imm.page", "p1.imm.warroom", "p1.res.fix", "p1.ver.conn", "p1.post.rca"}, stepIDs(ch.Add))
	for i, it := range ch.Add {
		assert.Equal(t, 4+i, it.Position, "positions continue after the last one")
		assert.Equal(t, model.P1, it.Severity)
		assert.False(t, it.Done)
	}
	assert.Nil(t, b.item("p1.imm.ticket"), "a step already done is not asked for twice")
	assert.True(t, b.item("p2.imm.sms").Done)
	assert.False(t, b.item("p2.imm.sms").Retired)
	assert.True(t, b.item("p2.res.deploy").Retired)
	assert.Equal(t, model.Progress{Done: 2, Total: 7}, model.CountProgress(b.inc.Checklist), "retired items are not counted")

	// Current severity's phases first, in playbook order; then the done
	// items kept from P2.
	assert.Equal(t, []sectionView{
		{model.P1, "Immediate Actions", []string{"p1.imm.page", "p1.imm.warroom"}},
		{model.P1, "Resolution Phase", []string{"p1.res.fix"}},
		{model.P1, "Verification", []string{"p1.ver.conn"}},
		{model.P1, "Post-Incident", []string{"p1.post.rca"}},
		{model.P2, "Immediate Actions", []string{"p2.imm.sms", "p2.imm.ticket"}},
	}, sections(b.inc))

	// P1 -> P2 after some P1 work: P1's undone steps are retired, the
	// retired P2 step comes back, nothing is added.
	b.tick(t, "p1.imm.page", at(11*time.Minute))
	ch = b.change(t, model.P2, at(20*time.Minute))
	assert.ElementsMatch(t, b.ids("p1.imm.warroom", "p1.res.fix", "p1.ver.conn", "p1.post.rca"), ch.Retire)
	assert.Equal(t, b.ids("p2.res.deploy"), ch.Restore)
	assert.Empty(t, ch.Add)
	assert.Equal(t, []sectionView{
		{model.P2, "Immediate Actions", []string{"p2.imm.sms", "p2.imm.ticket"}},
		{model.P2, "Resolution Phase", []string{"p2.res.deploy"}},
		{model.P1, "Immediate Actions", []string{"p1.imm.page"}},
	}, sections(b.inc))
	assert.Equal(t, model.Progress{Done: 3, Total: 4}, model.CountProgress(b.inc.Checklist))

	// And back to P1 once more: its retired steps are restored, the done
	// one was never retired, nothing is duplicated.
	ch = b.change(t, model.P1, at(30*time.Minute))
	assert.Equal(t, b.ids("p2.res.deploy"), ch.Retire)
	assert.ElementsMatch(t, b.ids("p1.imm.warroom", "p1.res.fix", "p1.ver.conn", "p1.post.rca"), ch.Restore)
	assert.Empty(t, ch.Add)
	assert.Len(t, b.inc.Checklist, 8)
}

func TestSeverityChangeRestoreSkipsStepDoneElsewhere(t *testing.T) {
	// P1 -> P2: the P1 ticket (undone) is retired and P2's ticket is added.
	// It is done under P2. Back to P1: the P1 ticket must not be restored,
	// the ticket exists already.
	b := newBoard(t, model.P1)
	ch := b.change(t, model.P2, at(time.Minute))
	assert.Equal(t, []string{"p2.imm.sms", "p2.imm.ticket", "p2.res.deploy"}, stepIDs(ch.Add))
	b.tick(t, "p2.imm.ticket", at(2*time.Minute))

	ch = b.change(t, model.P1, at(3*time.Minute))
	assert.NotContains(t, ch.Restore, b.item("p1.imm.ticket").ID)
	assert.ElementsMatch(t, b.ids("p1.imm.page", "p1.imm.warroom", "p1.res.fix", "p1.ver.conn", "p1.post.rca"), ch.Restore)
	assert.ElementsMatch(t, b.ids("p2.imm.sms", "p2.res.deploy"), ch.Retire)
	assert.Equal(t, []sectionView{
		{model.P1, "Immediate Actions", []string{"p1.imm.page", "p1.imm.warroom"}},
		{model.P1, "Resolution Phase", []string{"p1.res.fix"}},
		{model.P1, "Verification", []string{"p1.ver.conn"}},
		{model.P1, "Post-Incident", []string{"p1.post.rca"}},
		{model.P2, "Immediate Actions", []string{"p2.imm.ticket"}},
	}, sections(b.inc))
}

func TestSeverityChangeTextMatchIgnoresCaseAndSpace(t *testing.T) {
	current := []model.ChecklistItem{
		{ID: 1, StepID: "a.ticket", Severity: model.P3, Text: "Create incident ticket", Done: true, Position: 1},
		{ID: 2, StepID: "a.email", Severity: model.P3, Text: "Email team lead", Position: 2},
		// A retired done copy does not count as done (cannot happen through
		// the actions, but the rule only trusts visible items).
		{ID: 3, StepID: "a.old", Severity: model.P3, Text: "Page on-call", Done: true, Retired: true, Position: 3},
	}
	to := model.Playbook{Severity: model.P1, Phases: []model.PlaybookPhase{{Name: "Now", Steps: []model.Step{
		step("b.ticket", "", "  create   INCIDENT\tticket "),
		step("b.page", "", "Page on-call"),
		step("b.ticket2", "", "Create incident tickets"),
	}}}}
	ch := model.SeverityChangeChecklist(current, to)
	assert.Equal(t, []int64{2}, ch.Retire)
	assert.Empty(t, ch.Restore)
	assert.Equal(t, []string{"b.page", "b.ticket2"}, stepIDs(ch.Add))
	assert.Equal(t, 4, ch.Add[0].Position)
	assert.Equal(t, 5, ch.Add[1].Position)
}

func TestSeverityChangeKeepsDoneOfEveryPlaybook(t *testing.T) {
	// Done items from two other severities, the current one's steps, and
	// retired items: sections show the current severity, then the others
	// most severe first.
	inc := &model.Incident{Severity: model.P3, DetectedAt: at(0), Checklist: []model.ChecklistItem{
		{ID: 1, StepID: "p2.a", Severity: model.P2, Phase: "Immediate Actions", PhaseOrder: 0, Position: 1, Done: true},
		{ID: 2, StepID: "p1.b", Severity: model.P1, Phase: "Resolution Phase", PhaseOrder: 1, Position: 2, Done: true},
		{ID: 3, StepID: "p1.a", Severity: model.P1, Phase: "Immediate Actions", PhaseOrder: 0, Position: 3, Done: true},
		{ID: 4, StepID: "p3.b", Severity: model.P3, Phase: "Assessment", PhaseOrder: 1, Position: 4},
		{ID: 5, StepID: "p3.a", Severity: model.P3, Phase: "Immediate Actions", PhaseOrder: 0, Position: 6},
		{ID: 6, StepID: "p3.a0", Severity: model.P3, Phase: "Immediate Actions", PhaseOrder: 0, Position: 5},
		{ID: 7, StepID: "p2.gone", Severity: model.P2, Phase: "Immediate Actions", PhaseOrder: 0, Position: 7, Retired: true},
	}}
	assert.Equal(t, []sectionView{
		{model.P3, "Immediate Actions", []string{"p3.a0", "p3.a"}},
		{model.P3, "Assessment", []string{"p3.b"}},
		{model.P1, "Immediate Actions", []string{"p1.a"}},
		{model.P1, "Resolution Phase", []string{"p1.b"}},
		{model.P2, "Immediate Actions", []string{"p2.a"}},
	}, sections(inc))
	assert.Equal(t, model.Progress{Done: 3, Total: 6}, model.CountProgress(inc.Checklist))
	assert.Empty(t, (&model.Incident{Severity: model.P1}).Sections())
}

func TestSectionDueAt(t *testing.T) {
	b := newBoard(t, model.P1)
	secs := b.inc.Sections()
	require.Len(t, secs, 4)
	assert.Equal(t, at(15*time.Minute), secs[0].DueAt(b.inc), "Immediate Actions: 0-15 min from detection")
	assert.Equal(t, at(240*time.Minute), secs[1].DueAt(b.inc))
	assert.True(t, secs[2].DueAt(b.inc).IsZero(), "Verification has no window")
	assert.True(t, secs[3].DueAt(b.inc).IsZero(), "Post-Incident waits for the resolution")
	assert.Equal(t, model.FromResolved, secs[3].From)

	_, err := b.inc.Resolve(at(2*time.Hour), "bob", "", skipVerification)
	require.NoError(t, err)
	assert.Equal(t, at(74*time.Hour), secs[3].DueAt(b.inc))
}

func TestCountProgress(t *testing.T) {
	assert.Equal(t, model.Progress{}, model.CountProgress(nil))
	assert.Equal(t, model.Progress{Done: 1, Total: 2}, model.CountProgress([]model.ChecklistItem{
		{Done: true}, {}, {Retired: true}, {Retired: true, Done: true},
	}))
}
