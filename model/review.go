package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// VerificationCheck is one of the checks a fix passes before the incident
// is resolved (seed §4 "Verification", §5.3).
type VerificationCheck string

// The seed's verification checks (§5.3).
const (
	CheckStable       VerificationCheck = "stable_30m"
	CheckConnectivity VerificationCheck = "customer_connectivity"
	CheckPerformance  VerificationCheck = "performance_sla"
	CheckNoRecurrence VerificationCheck = "no_recurrence"
	StabilityWindow                     = 30 * time.Minute
)

// VerificationChecks lists the checks in the seed's order with their text.
var VerificationChecks = []struct {
	ID   VerificationCheck
	Text string
}{
	{CheckStable, "Systems stable for 30 minutes"},
	{CheckConnectivity, "Customer connectivity confirmed"},
	{CheckPerformance, "Performance within SLA"},
	{CheckNoRecurrence, "No recurrence detected"},
}

// CheckMark is a passed verification check.
type CheckMark struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// Verification is where the fix stands: when it was declared (the
// stability clock starts) and which checks passed.
type Verification struct {
	FixedAt time.Time                       `json:"fixed_at"`
	Passed  map[VerificationCheck]CheckMark `json:"passed"`
}

// StableAt is when the "stable for 30 minutes" check can pass: 30 minutes
// after the fix was declared (zero before).
func (v Verification) StableAt() time.Time {
	if v.FixedAt.IsZero() {
		return time.Time{}
	}
	return v.FixedAt.Add(StabilityWindow)
}

// Open lists the checks not passed yet, in the seed's order.
func (v Verification) Open() []VerificationCheck {
	var out []VerificationCheck
	for _, c := range VerificationChecks {
		if _, ok := v.Passed[c.ID]; !ok {
			out = append(out, c.ID)
		}
	}
	return out
}

func checkText(id VerificationCheck) string {
	for _, c := range VerificationChecks {
		if c.ID == id {
			return c.Text
		}
	}
	return string(id)
}

// Event kinds of the post-incident work.
const (
	EventFixDeclared EventKind = "fix"
	EventVerified    EventKind = "verified"
	EventReview      EventKind = "review"
	EventActionItem  EventKind = "action-item"
)

// DeclareFix records that a fix is in: the 30-minute stability clock of
// the verification starts, and the phase moves on to Verification.
func (inc *Incident) DeclareFix(now time.Time, actor string) (Event, error) {
	if inc.Status != StatusOpen {
		return Event{}, fmt.Errorf("%w: %s is %s", ErrConflict, inc.Key(), inc.Status)
	}
	now = Millis(now)
	text := "fix declared: stability clock started (30 min)"
	if !inc.Verification.FixedAt.IsZero() {
		text = "fix declared again: stability clock restarted (30 min)"
		delete(inc.Verification.Passed, CheckStable)
	}
	inc.Verification.FixedAt = now
	if inc.Phase < PhaseVerification {
		text += fmt.Sprintf("; phase %s -> %s", inc.Phase, PhaseVerification)
		inc.Phase = PhaseVerification
	}
	if inc.MitigatedAt.IsZero() {
		inc.MitigatedAt = now
	}
	if inc.AcknowledgedAt.IsZero() {
		inc.AcknowledgedAt = now
	}
	return inc.event(now, actor, EventFixDeclared, text), nil
}

// PassCheck records a verification check as passed. "Stable for 30
// minutes" passes only once the fix has been declared 30 minutes ago.
func (inc *Incident) PassCheck(now time.Time, actor string, check VerificationCheck) (Event, error) {
	if inc.Status != StatusOpen {
		return Event{}, fmt.Errorf("%w: %s is %s", ErrConflict, inc.Key(), inc.Status)
	}
	if !slices.ContainsFunc(VerificationChecks, func(c struct {
		ID   VerificationCheck
		Text string
	}) bool {
		return c.ID == check
	}) {
		return Event{}, fmt.Errorf("%w: unknown check %q", ErrInvalid, check)
	}
	if _, done := inc.Verification.Passed[check]; done {
		return Event{}, fmt.Errorf("%w: %q already passed", ErrConflict, checkText(check))
	}
	if check == CheckStable {
		switch at := inc.Verification.StableAt(); {
		case at.IsZero():
			return Event{}, fmt.Errorf("%w: declare the fix first (f): the 30 minutes count from it", ErrConflict)
		case now.Before(at):
			return Event{}, fmt.Errorf("%w: not yet: the systems must stay stable 30 minutes after the fix; %s to go", ErrConflict, HumanDuration(at.Sub(now)))
		}
	}
	now = Millis(now)
	if inc.Verification.Passed == nil {
		inc.Verification.Passed = map[VerificationCheck]CheckMark{}
	}
	inc.Verification.Passed[check] = CheckMark{By: actor, At: now}
	return inc.event(now, actor, EventVerified, "verified: "+checkText(check)), nil
}

// The post-incident review deadlines of the seed's §6.1.1, measured from
// resolution. They are SLA milestones of the policy (from: resolved).
const (
	MilestonePIRMeeting     MilestoneID = "pir_meeting"
	MilestonePIRDocument    MilestoneID = "pir_document"
	MilestoneActionItems    MilestoneID = "action_items"
	MilestoneReviewComplete MilestoneID = "review_complete"
)

// ReviewMilestones are the post-incident review's steps, in order, with
// what marks each one done.
var ReviewMilestones = []struct {
	ID   MilestoneID
	Text string
}{
	{MilestonePIRMeeting, "PIR meeting held"},
	{MilestonePIRDocument, "PIR document written"},
	{MilestoneActionItems, "action items agreed"},
	{MilestoneReviewComplete, "review complete"},
}

// ReviewState is when each step of the post-incident review was done.
type ReviewState struct {
	MeetingAt     time.Time
	DocumentAt    time.Time
	ActionItemsAt time.Time
	CompletedAt   time.Time
}

func (r *ReviewState) field(id MilestoneID) *time.Time {
	switch id {
	case MilestonePIRMeeting:
		return &r.MeetingAt
	case MilestonePIRDocument:
		return &r.DocumentAt
	case MilestoneActionItems:
		return &r.ActionItemsAt
	case MilestoneReviewComplete:
		return &r.CompletedAt
	}
	return nil
}

// MarkReview records a step of the post-incident review as done. The
// review can be marked complete only when the other three are.
func (inc *Incident) MarkReview(now time.Time, actor string, step MilestoneID) (Event, error) {
	if inc.Status != StatusResolved {
		return Event{}, fmt.Errorf("%w: the review follows the resolution (%s is %s)", ErrConflict, inc.Key(), inc.Status)
	}
	f := inc.Review.field(step)
	if f == nil {
		return Event{}, fmt.Errorf("%w: unknown review step %q", ErrInvalid, step)
	}
	if !f.IsZero() {
		return Event{}, fmt.Errorf("%w: %s was already marked", ErrConflict, step)
	}
	if step == MilestoneReviewComplete {
		var missing []string
		for _, m := range ReviewMilestones[:3] {
			if inc.Review.field(m.ID).IsZero() {
				missing = append(missing, m.Text)
			}
		}
		if len(missing) > 0 {
			return Event{}, fmt.Errorf("%w: not yet: %s", ErrConflict, strings.Join(missing, ", "))
		}
	}
	now = Millis(now)
	*f = now
	text := "review: "
	for _, m := range ReviewMilestones {
		if m.ID == step {
			text += m.Text
		}
	}
	return inc.event(now, actor, EventReview, text), nil
}

// FishboneCategory is a category of the seed's fishbone diagram (§6.2.1).
type FishboneCategory string

// The fishbone categories.
const (
	FishPeople      FishboneCategory = "people"
	FishProcess     FishboneCategory = "process"
	FishTechnology  FishboneCategory = "technology"
	FishEnvironment FishboneCategory = "environment"
)

// FishboneCategories lists them in the seed's order.
var FishboneCategories = []FishboneCategory{FishPeople, FishProcess, FishTechnology, FishEnvironment}

// CauseCategory classifies a root cause for the metrics (seed §6.3 top
// causes).
type CauseCategory string

// The cause categories: the seed's top causes, and two more every team
// needs.
const (
	CauseNetwork       CauseCategory = "network"
	CauseConfiguration CauseCategory = "configuration"
	CauseResource      CauseCategory = "resource_exhaustion"
	CauseSoftwareBug   CauseCategory = "software_bug"
	CauseThirdParty    CauseCategory = "third_party"
	CauseHumanError    CauseCategory = "human_error"
	CauseUnknown       CauseCategory = "unknown"
)

// CauseCategories lists them, the seed's first.
var CauseCategories = []CauseCategory{CauseNetwork, CauseConfiguration, CauseResource, CauseSoftwareBug, CauseThirdParty, CauseHumanError, CauseUnknown}

// CauseLabel is the seed's wording: "Network issues".
func (c CauseCategory) Label() string {
	switch c {
	case CauseNetwork:
		return "Network issues"
	case CauseConfiguration:
		return "Configuration errors"
	case CauseResource:
		return "Resource exhaustion"
	case CauseSoftwareBug:
		return "Software bugs"
	case CauseThirdParty:
		return "Third-party issues"
	case CauseHumanError:
		return "Human error"
	}
	return "Unknown"
}

// Factor is a contributing factor tagged with its fishbone category.
type Factor struct {
	Category FishboneCategory `json:"category"`
	Text     string           `json:"text"`
}

// RCA is the root cause analysis (seed §6.2): the chain of whys ending in
// a root cause, contributing factors and the cause category.
type RCA struct {
	Whys       []string      `json:"whys"`
	RootCause  string        `json:"root_cause"`
	Factors    []Factor      `json:"factors"`
	Category   CauseCategory `json:"category"`
	Prevention string        `json:"prevention"`
}

// The free-text sections of the PIR template (§6.1.2); the timeline,
// impact numbers and durations are filled from the incident instead.
const (
	SectionSummary       = "summary"
	SectionImpact        = "impact"
	SectionEffectiveness = "resolution_effectiveness"
	SectionCommunication = "communication"
	SectionLessons       = "lessons_learned"
	SectionImprovements  = "process_improvements"
)

// ReviewSections lists the free-text sections in the template's order with
// their headings.
var ReviewSections = []struct {
	ID, Title string
}{
	{SectionSummary, "Summary"},
	{SectionImpact, "Impact Analysis (business impact)"},
	{SectionEffectiveness, "Resolution Effectiveness"},
	{SectionCommunication, "Communication Assessment"},
	{SectionLessons, "Lessons Learned"},
	{SectionImprovements, "Process Improvements"},
}

// Review is the written part of the post-incident review.
type Review struct {
	IncidentNumber int64             `json:"-"`
	Sections       map[string]string `json:"sections"`
	RCA            RCA               `json:"rca"`
	UpdatedAt      time.Time         `json:"updated_at"`
	UpdatedBy      string            `json:"updated_by"`
}

// Validate checks a review before it is stored.
func (r Review) Validate() error {
	for id := range r.Sections {
		if !slices.ContainsFunc(ReviewSections, func(s struct{ ID, Title string }) bool { return s.ID == id }) {
			return fmt.Errorf("%w: unknown review section %q", ErrInvalid, id)
		}
	}
	if r.RCA.Category != "" && !slices.Contains(CauseCategories, r.RCA.Category) {
		return fmt.Errorf("%w: unknown cause category %q", ErrInvalid, r.RCA.Category)
	}
	for _, f := range r.RCA.Factors {
		if !slices.Contains(FishboneCategories, f.Category) {
			return fmt.Errorf("%w: unknown fishbone category %q", ErrInvalid, f.Category)
		}
	}
	return nil
}

// ActionStatus is where an action item stands.
type ActionStatus string

// The statuses of an action item.
const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionDropped    ActionStatus = "wont_do"
)

// ActionStatuses lists them in the order a status key cycles through.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionDone, ActionDropped}

// ActionItem is one row of the PIR's action item table (§6.1.2).
type ActionItem struct {
	ID             int64        `json:"-"`
	IncidentNumber int64        `json:"-"`
	Seq            int          `json:"id"` // 1, 2, 3 within the incident
	Description    string       `json:"description"`
	Owner          string       `json:"owner"`
	DueAt          time.Time    `json:"due_at"`
	Status         ActionStatus `json:"status"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

// Validate checks an action item before it is stored.
func (a ActionItem) Validate() error {
	switch {
	case strings.TrimSpace(a.Description) == "":
		return fmt.Errorf("%w: an action item needs a description", ErrInvalid)
	case strings.TrimSpace(a.Owner) == "":
		return fmt.Errorf("%w: an action item needs an owner", ErrInvalid)
	case a.DueAt.IsZero():
		return fmt.Errorf("%w: an action item needs a due date", ErrInvalid)
	case !slices.Contains(ActionStatuses, a.Status):
		return fmt.Errorf("%w: unknown action item status %q", ErrInvalid, a.Status)
	}
	return nil
}

// Overdue reports whether the item is past due and not finished.
func (a ActionItem) Overdue(now time.Time) bool {
	return (a.Status == ActionOpen || a.Status == ActionInProgress) && !now.Before(a.DueAt)
}
