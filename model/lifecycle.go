package model

import (
	"fmt"
	"strings"
)

// Phase is a step of the incident lifecycle (seed §3.1).
type Phase int

// The thirteen phases of the seed's lifecycle, in order.
const (
	PhaseDetected Phase = iota
	PhaseTriage
	PhaseClassification
	PhaseTeamAssembly
	PhaseContainment
	PhaseRootCause
	PhaseResolution
	PhaseVerification
	PhaseRestoration
	PhasePostMortem
	PhaseDocumentation
	PhaseReview
	PhaseImprovement
)

var phaseNames = [...]string{
	"Detected", "Triage", "Classification", "Team Assembly", "Containment",
	"Root Cause Analysis", "Resolution", "Verification", "Restoration",
	"Post-Mortem", "Documentation", "Review", "Improvement",
}

// Phases lists every phase in lifecycle order.
var Phases = func() []Phase {
	p := make([]Phase, len(phaseNames))
	for i := range p {
		p[i] = Phase(i)
	}
	return p
}()

// LastPhase is the final phase of the lifecycle.
const LastPhase = PhaseImprovement

// Valid reports whether p is a phase of the lifecycle.
func (p Phase) Valid() bool { return p >= PhaseDetected && p <= LastPhase }

// String is the seed's name of the phase, "Root Cause Analysis".
func (p Phase) String() string {
	if !p.Valid() {
		return "Unknown"
	}
	return phaseNames[p]
}

// Next is the phase after p; the last phase has none (ok is false).
func (p Phase) Next() (next Phase, ok bool) {
	if p >= LastPhase {
		return p, false
	}
	return p + 1, true
}

// ParsePhase accepts a phase name in any case, with spaces, dashes or
// underscores ("root-cause-analysis", "Team Assembly").
func ParsePhase(s string) (Phase, error) {
	norm := func(x string) string {
		x = strings.ToLower(x)
		return strings.NewReplacer(" ", "", "-", "", "_", "").Replace(x)
	}
	n := norm(s)
	for i, name := range phaseNames {
		if norm(name) == n {
			return Phase(i), nil
		}
	}
	return 0, fmt.Errorf("unknown phase %q", s)
}

// MarshalText writes the phase name.
func (p Phase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a phase name.
func (p *Phase) UnmarshalText(b []byte) error {
	v, err := ParsePhase(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Status is where an incident stands overall.
//
//   - open: the incident is being worked; it is on the board.
//   - resolved: the fix is in; the post-incident work (post-mortem, review)
//     is still due. It stays on the board, below the open ones.
//   - closed: nothing is due any more; it leaves the board.
type Status string

// The statuses of an incident.
const (
	StatusOpen     Status = "open"
	StatusResolved Status = "resolved"
	StatusClosed   Status = "closed"
)

// Role is a seat of the incident management team (seed §1.2, §1.3).
type Role string

// The roles of the seed's team structure.
const (
	RoleCommander       Role = "Incident Commander"
	RoleTechLead        Role = "Technical Lead"
	RoleCommsLead       Role = "Communications Lead"
	RoleCustomerSuccess Role = "Customer Success"
	RoleEngLead         Role = "Engineering Lead"
	RoleQALead          Role = "QA Lead"
)

// Roles lists the roles in the seed's order.
var Roles = []Role{RoleCommander, RoleTechLead, RoleCommsLead, RoleCustomerSuccess, RoleEngLead, RoleQALead}

// RoleDuty is the seed's "responsibilities" column for each role.
var RoleDuty = map[Role]string{
	RoleCommander:       "Overall incident coordination",
	RoleTechLead:        "Technical resolution direction",
	RoleCommsLead:       "External/internal communication",
	RoleCustomerSuccess: "Customer updates and satisfaction",
	RoleEngLead:         "Root cause analysis",
	RoleQALead:          "Resolution verification",
}

// ParseRole accepts a role's name in any case, or a short form: ic,
// commander, tech, comms, cs, eng, qa.
func ParseRole(s string) (Role, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, r := range Roles {
		if strings.ToLower(string(r)) == t {
			return r, nil
		}
	}
	switch t {
	case "ic", "commander":
		return RoleCommander, nil
	case "tech", "tl", "technical":
		return RoleTechLead, nil
	case "comms", "communications":
		return RoleCommsLead, nil
	case "cs", "customer", "customer success manager":
		return RoleCustomerSuccess, nil
	case "eng", "engineering":
		return RoleEngLead, nil
	case "qa":
		return RoleQALead, nil
	}
	return "", fmt.Errorf("unknown role %q", s)
}
