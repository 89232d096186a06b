package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// KeyPrefix is the prefix of incident keys: INC-0001.
const KeyPrefix = "INC-"

// FormatKey turns an incident number into its key, INC-0042.
func FormatKey(n int64) string { return fmt.Sprintf("%s%04d", KeyPrefix, n) }

// ParseKey turns "INC-0042", "inc-42" or "42" into 42.
func ParseKey(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if len(t) >= len(KeyPrefix) && strings.EqualFold(t[:len(KeyPrefix)], KeyPrefix) {
		t = t[len(KeyPrefix):]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("not an incident key: %q (want INC-0001)", s)
	}
	return n, nil
}

// Incident is one incident with what has been loaded of it. The board loads
// incidents without Checklist and Timeline but with Progress and Roles.
type Incident struct {
	ID               int64
	Number           int64
	Title            string
	Severity         Severity
	SeverityReason   string // why this severity: the §2.2 assessment or the override's reason
	SeverityOverride bool   // the commander chose a severity other than the proposed one
	Phase            Phase
	Status           Status
	Impact           Impact
	CustomersPct     float64
	Services         []string // service ids from the impact map
	CreatedBy        string

	StartedAt      time.Time // when the problem began; DetectedAt unless an alert says otherwise
	DetectedAt     time.Time
	AcknowledgedAt time.Time // zero until acknowledged
	MitigatedAt    time.Time // initial resolution: impact contained or worked around
	ResolvedAt     time.Time
	PostMortemAt   time.Time // post-mortem held: the phase moved past Post-Mortem
	ClosedAt       time.Time
	UpdatedAt      time.Time

	// Escalation (seed §7): the tier the incident is at (1 until it is
	// first escalated), when it was last escalated and when that tier
	// acknowledged it.
	Tier        int
	EscalatedAt time.Time
	TierAckAt   time.Time
	// LastProgressAt is the newest progress event (see IsProgress);
	// LastUpdateAt the newest status update.
	LastProgressAt time.Time
	LastUpdateAt   time.Time

	// After the fire: the verification of the fix (seed §5.3) and the
	// post-incident review's steps (§6.1.1).
	Verification Verification
	Review       ReviewState

	Policy SeverityPolicy // the SLA snapshot for the current severity

	// DrillID is the drill this incident is the exercise of (seed §8.2), 0
	// for a real incident. A drill is marked DRILL wherever it shows and
	// never counts in the metrics.
	DrillID int64

	Progress  Progress
	Roles     map[Role]string
	Checklist []ChecklistItem
	Timeline  []Event
}

// Key is the incident's key, INC-0001.
func (inc *Incident) Key() string { return FormatKey(inc.Number) }

// IsDrill reports whether the incident is a drill's, not a real one.
func (inc *Incident) IsDrill() bool { return inc.DrillID != 0 }

// Commander is the person holding the Incident Commander role, or "".
func (inc *Incident) Commander() string { return inc.Roles[RoleCommander] }

// Progress counts checklist items: done of total (retired items excluded).
type Progress struct {
	Done, Total int
}

// String is "7/24".
func (p Progress) String() string { return fmt.Sprintf("%d/%d", p.Done, p.Total) }

// anchor returns the instant an anchor names for this incident, zero if it
// has not happened yet.
func (inc *Incident) anchor(a Anchor) time.Time {
	switch a {
	case FromStarted:
		if inc.StartedAt.IsZero() {
			return inc.DetectedAt
		}
		return inc.StartedAt
	case FromResolved:
		return inc.ResolvedAt
	default:
		return inc.DetectedAt
	}
}

// reachedAt is when the incident reached a milestone, zero if not yet.
func (inc *Incident) reachedAt(id MilestoneID) time.Time {
	switch id {
	case MilestoneDetection:
		return inc.DetectedAt
	case MilestoneAcknowledge:
		return inc.AcknowledgedAt
	case MilestoneInitialResolution:
		return inc.MitigatedAt
	case MilestoneResolution:
		return inc.ResolvedAt
	case MilestonePostMortem:
		return inc.PostMortemAt
	}
	if f := inc.Review.field(id); f != nil {
		return *f
	}
	return time.Time{}
}

// Validate checks what every stored incident must satisfy.
func (inc *Incident) Validate() error {
	if strings.TrimSpace(inc.Title) == "" {
		return fmt.Errorf("%w: the title is empty", ErrInvalid)
	}
	if !inc.Severity.Valid() {
		return fmt.Errorf("%w: severity %d is not P1-P4", ErrInvalid, inc.Severity)
	}
	if !(inc.CustomersPct >= 0 && inc.CustomersPct <= 100) { // NaN fails too
		return fmt.Errorf("%w: customers affected must be 0-100%%, not %v", ErrInvalid, inc.CustomersPct)
	}
	if inc.DetectedAt.IsZero() {
		return fmt.Errorf("%w: no detection time", ErrInvalid)
	}
	if !inc.StartedAt.IsZero() && inc.StartedAt.After(inc.DetectedAt) {
		return fmt.Errorf("%w: started after it was detected", ErrInvalid)
	}
	return nil
}
