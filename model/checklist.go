package model

import (
	"slices"
	"strings"
	"time"
)

// ChecklistItem is one step of an incident's checklist: a copy of a playbook
// step taken when the incident was declared (or its severity changed), with
// its state. Retired items came from an earlier severity's playbook and were
// not done when the severity changed; they are kept for the record but no
// longer shown or counted.
type ChecklistItem struct {
	ID         int64
	StepID     string
	Severity   Severity // the playbook it came from
	Phase      string   // the playbook phase, "Immediate Actions"
	PhaseOrder int
	From       Anchor
	Start, End time.Duration
	HasWindow  bool
	Group      string
	Text       string
	Position   int
	Done       bool
	DoneBy     string
	DoneAt     time.Time
	Retired    bool
}

// ChecklistFromPlaybook copies every step of a playbook into checklist
// items, numbered from position first.
func ChecklistFromPlaybook(pb Playbook, first int) []ChecklistItem {
	items := make([]ChecklistItem, 0, pb.StepCount())
	pos := first
	for order, ph := range pb.Phases {
		from := ph.From
		if from == "" {
			from = FromDetected // a phase without a window needs no anchor
		}
		for _, st := range ph.Steps {
			items = append(items, ChecklistItem{
				StepID: st.ID, Severity: pb.Severity,
				Phase: ph.Name, PhaseOrder: order, From: from,
				Start: ph.Start, End: ph.End, HasWindow: ph.HasWindow,
				Group: st.Group, Text: st.Text, Position: pos,
			})
			pos++
		}
	}
	return items
}

// ChecklistChange is what a severity change does to a checklist.
type ChecklistChange struct {
	Retire  []int64         // ids of undone items of other playbooks
	Restore []int64         // ids of retired items of the new playbook
	Add     []ChecklistItem // new playbook steps not present yet
}

// SeverityChangeChecklist works out how a checklist follows a change to
// severity to: every done item is kept (work done is never lost); undone
// items from other playbooks are retired; the new playbook's steps are
// added, restoring earlier retired copies, and skipping a step whose text
// matches an item already done (the same "Create incident ticket" in P1 and
// P2 is not asked for twice). The skip applies to restoring too: a retired
// copy whose text matches a done item stays retired.
func SeverityChangeChecklist(current []ChecklistItem, to Playbook) ChecklistChange {
	var ch ChecklistChange
	byStep := map[string]ChecklistItem{}
	doneText := map[string]bool{}
	maxPos := 0
	for _, it := range current {
		byStep[it.StepID] = it
		if it.Done && !it.Retired {
			doneText[normText(it.Text)] = true
		}
		if it.Position > maxPos {
			maxPos = it.Position
		}
		if it.Severity != to.Severity && !it.Done && !it.Retired {
			ch.Retire = append(ch.Retire, it.ID)
		}
	}
	next := maxPos + 1
	for _, it := range ChecklistFromPlaybook(to, 0) {
		if old, ok := byStep[it.StepID]; ok {
			if old.Retired && !doneText[normText(old.Text)] {
				ch.Restore = append(ch.Restore, old.ID)
			}
			continue
		}
		if doneText[normText(it.Text)] {
			continue
		}
		it.Position = next
		next++
		ch.Add = append(ch.Add, it)
	}
	return ch
}

func normText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// CountProgress counts done and total items, retired ones excluded.
func CountProgress(items []ChecklistItem) Progress {
	var p Progress
	for _, it := range items {
		if it.Retired {
			continue
		}
		p.Total++
		if it.Done {
			p.Done++
		}
	}
	return p
}

// ChecklistSection is a run of visible checklist items under one heading.
type ChecklistSection struct {
	Severity  Severity
	Phase     string
	From      Anchor
	Start     time.Duration
	End       time.Duration
	HasWindow bool
	Items     []ChecklistItem
}

// DueAt is when the section's window closes for this incident (zero when it
// has no window or its anchor has not happened yet).
func (s ChecklistSection) DueAt(inc *Incident) time.Time {
	if !s.HasWindow {
		return time.Time{}
	}
	a := inc.anchor(s.From)
	if a.IsZero() {
		return time.Time{}
	}
	return a.Add(s.End)
}

// Sections groups the visible (not retired) checklist by playbook phase: the
// current severity's phases first, in playbook order, then done items kept
// from other severities' playbooks.
func (inc *Incident) Sections() []ChecklistSection {
	var cur, other []ChecklistSection
	index := map[[2]string]int{}
	items := visibleSorted(inc.Checklist, inc.Severity)
	for _, it := range items {
		k := [2]string{it.Severity.String(), it.Phase}
		list := &cur
		if it.Severity != inc.Severity {
			list = &other
		}
		i, ok := index[k]
		if !ok {
			*list = append(*list, ChecklistSection{
				Severity: it.Severity, Phase: it.Phase, From: it.From,
				Start: it.Start, End: it.End, HasWindow: it.HasWindow,
			})
			i = len(*list) - 1
			index[k] = i
		}
		(*list)[i].Items = append((*list)[i].Items, it)
	}
	return append(cur, other...)
}

// visibleSorted returns the items that are not retired, ordered by severity
// (the current first), phase order and position.
func visibleSorted(items []ChecklistItem, current Severity) []ChecklistItem {
	out := make([]ChecklistItem, 0, len(items))
	for _, it := range items {
		if !it.Retired {
			out = append(out, it)
		}
	}
	rank := func(s Severity) int {
		if s == current {
			return 0
		}
		return int(s)
	}
	slices.SortStableFunc(out, func(a, b ChecklistItem) int {
		if rank(a.Severity) != rank(b.Severity) {
			return rank(a.Severity) - rank(b.Severity)
		}
		if a.PhaseOrder != b.PhaseOrder {
			return a.PhaseOrder - b.PhaseOrder
		}
		return a.Position - b.Position
	})
	return out
}
