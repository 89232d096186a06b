package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

func TestPhases(t *testing.T) {
	names := []string{
		"Detected", "Triage", "Classification", "Team Assembly", "Containment",
		"Root Cause Analysis", "Resolution", "Verification", "Restoration",
		"Post-Mortem", "Documentation", "Review", "Improvement",
	}
	require.Len(t, model.Phases, 13)
	for i, p := range model.Phases {
		assert.Equal(t, model.Phase(i), p)
		assert.Equal(t, names[i], p.String())
		assert.True(t, p.Valid())

		got, err := model.ParsePhase(p.String())
		require.NoError(t, err)
		assert.Equal(t, p, got)

		b, err := p.MarshalText()
		require.NoError(t, err)
		var back model.Phase
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, p, back)

		next, ok := p.Next()
		if p == model.LastPhase {
			assert.False(t, ok)
			assert.Equal(t, p, next)
		} else {
			assert.True(t, ok)
			assert.Equal(t, p+1, next)
		}
	}
	assert.Equal(t, model.PhaseImprovement, model.LastPhase)

	for in, want := range map[string]model.Phase{
		"root-cause-analysis": model.PhaseRootCause,
		"ROOT_CAUSE_ANALYSIS": model.PhaseRootCause,
		"team assembly":       model.PhaseTeamAssembly,
		"teamassembly":        model.PhaseTeamAssembly,
		"post mortem":         model.PhasePostMortem,
		"Post-Mortem":         model.PhasePostMortem,
		"postmortem":          model.PhasePostMortem,
		" triage ":            model.PhaseTriage,
	} {
		got, err := model.ParsePhase(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "root cause", "closed", "phase 3"} {
		_, err := model.ParsePhase(in)
		assert.Error(t, err, in)
	}
	var p model.Phase
	assert.Error(t, p.UnmarshalText([]byte("nope")))

	for _, bad := range []model.Phase{-1, 13} {
		assert.False(t, bad.Valid())
		assert.Equal(t, "Unknown", bad.String())
	}
}

func TestRoles(t *testing.T) {
	require.Len(t, model.Roles, 6)
	for _, r := range model.Roles {
		got, err := model.ParseRole(string(r))
		require.NoError(t, err)
		assert.Equal(t, r, got)
		assert.NotEmpty(t, model.RoleDuty[r], r)
	}
	assert.Len(t, model.RoleDuty, len(model.Roles))

	for in, want := range map[string]model.Role{
		"ic": model.RoleCommander, "Commander": model.RoleCommander, " incident commander ": model.RoleCommander,
		"tech": model.RoleTechLead, "tl": model.RoleTechLead, "technical": model.RoleTechLead,
		"comms": model.RoleCommsLead, "communications": model.RoleCommsLead,
		"cs": model.RoleCustomerSuccess, "customer": model.RoleCustomerSuccess,
		"Customer Success Manager": model.RoleCustomerSuccess,
		"eng":                      model.RoleEngLead, "engineering": model.RoleEngLead, "ENGINEERING LEAD": model.RoleEngLead,
		"qa": model.RoleQALead, "QA Lead": model.RoleQALead,
	} {
		got, err := model.ParseRole(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "ceo", "lead"} {
		_, err := model.ParseRole(in)
		assert.Error(t, err, in)
	}
}

func TestKeys(t *testing.T) {
	for _, tc := range []struct {
		n   int64
		key string
	}{{1, "INC-0001"}, {42, "INC-0042"}, {9999, "INC-9999"}, {12345, "INC-12345"}} {
		assert.Equal(t, tc.key, model.FormatKey(tc.n))
		n, err := model.ParseKey(tc.key)
		require.NoError(t, err)
		assert.Equal(t, tc.n, n)
	}
	for in, want := range map[string]int64{"inc-42": 42, "42": 42, " INC-0007 ": 7, "Inc-1": 1} {
		n, err := model.ParseKey(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, n, in)
	}
	for _, in := range []string{"", "INC-", "INC-0", "0", "-3", "INC--3", "INC-x", "PRB-0001", "INC-00a1"} {
		_, err := model.ParseKey(in)
		assert.Error(t, err, in)
	}
	inc := &model.Incident{Number: 3}
	assert.Equal(t, "INC-0003", inc.Key())
}

func TestMillisAndFormatTime(t *testing.T) {
	zone := time.FixedZone("CET", 3600)
	in := time.Date(2025, 3, 14, 10, 0, 0, 123_456_789, zone)
	got := model.Millis(in)
	assert.Equal(t, time.UTC, got.Location())
	assert.Equal(t, time.Date(2025, 3, 14, 9, 0, 0, 123_000_000, time.UTC), got)
	assert.True(t, model.Millis(time.Time{}).IsZero())

	assert.Equal(t, "2025-03-14T09:00:00.123Z", model.FormatTime(in))
	assert.Equal(t, "", model.FormatTime(time.Time{}))
}

func TestProgressString(t *testing.T) {
	assert.Equal(t, "7/24", model.Progress{Done: 7, Total: 24}.String())
	assert.Equal(t, "0/0", model.Progress{}.String())
}

func TestCatalogLookups(t *testing.T) {
	cat := testCatalog()
	s, ok := cat.Service("registry")
	require.True(t, ok)
	assert.Equal(t, "Registry Service", s.Name)
	s, ok = cat.Service("Transport Layer")
	require.True(t, ok)
	assert.Equal(t, "transport", s.ID)
	_, ok = cat.Service("database")
	assert.False(t, ok)

	sp, err := cat.Policy.For(model.P2)
	require.NoError(t, err)
	assert.Equal(t, model.P2, sp.Severity)
	_, err = model.Policy{}.For(model.P1)
	assert.Error(t, err)

	m, ok := sp.Milestone(model.MilestoneAcknowledge)
	require.True(t, ok)
	assert.Equal(t, 30*time.Minute, m.Within)
	_, ok = sp.Milestone("nope")
	assert.False(t, ok)

	assert.Equal(t, 6, cat.Playbooks[model.P1].StepCount())
	assert.Equal(t, 0, model.Playbook{}.StepCount())
}

func TestValidate(t *testing.T) {
	good := func() *model.Incident {
		return &model.Incident{Title: "x", Severity: model.P2, CustomersPct: 10, DetectedAt: at(0), StartedAt: at(-time.Minute)}
	}
	require.NoError(t, good().Validate())
	for name, mut := range map[string]func(*model.Incident){
		"empty title":      func(i *model.Incident) { i.Title = " \t" },
		"bad severity":     func(i *model.Incident) { i.Severity = 0 },
		"negative pct":     func(i *model.Incident) { i.CustomersPct = -1 },
		"pct over 100":     func(i *model.Incident) { i.CustomersPct = 100.5 },
		"no detection":     func(i *model.Incident) { i.DetectedAt = time.Time{} },
		"started too late": func(i *model.Incident) { i.StartedAt = at(time.Millisecond) },
	} {
		inc := good()
		mut(inc)
		assert.ErrorIs(t, inc.Validate(), model.ErrInvalid, name)
	}
}
