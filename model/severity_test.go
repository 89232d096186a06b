package model_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

func TestAssessSeverity(t *testing.T) {
	tests := []struct {
		impact model.Impact
		pct    float64
		want   model.Severity
		reason string
	}{
		{model.ImpactCritical, 100, model.P1, "business-critical, 100% of customers (over 50%) -> P1"},
		{model.ImpactCritical, 50.1, model.P1, "business-critical, 50.1% of customers (over 50%) -> P1"},
		{model.ImpactCritical, 50.0, model.P2, "business-critical, 50% of customers (50% or less) -> P2"},
		{model.ImpactCritical, 10, model.P2, "business-critical, 10% of customers (50% or less) -> P2"},
		{model.ImpactCritical, 9.9, model.P2, "-> P2"},
		{model.ImpactCritical, 0, model.P2, "business-critical, 0% of customers (50% or less) -> P2"},
		{model.ImpactImportant, 100, model.P3, "-> P3"},
		{model.ImpactImportant, 26, model.P3, "business-important, 26% of customers (over 25%) -> P3"},
		{model.ImpactImportant, 25.5, model.P3, "business-important, 25.5% of customers (over 25%) -> P3"},
		{model.ImpactImportant, 25, model.P4, "business-important, 25% of customers (25% or less) -> P4"},
		{model.ImpactImportant, 0, model.P4, "-> P4"},
		{model.ImpactOther, 100, model.P4, "other impact, 100% of customers -> P4"},
		{model.ImpactOther, 0, model.P4, "-> P4"},
	}
	for _, tc := range tests {
		t.Run(string(tc.impact)+"/"+formatFloat(tc.pct), func(t *testing.T) {
			a := model.AssessSeverity(tc.impact, tc.pct)
			assert.Equal(t, tc.want, a.Severity)
			assert.Contains(t, a.Reason, tc.reason)
			assert.Contains(t, a.Reason, "-> "+tc.want.String())
		})
	}
}

func formatFloat(f float64) string { b, _ := json.Marshal(f); return string(b) }

func TestSeverityStringsAndParse(t *testing.T) {
	labels := map[model.Severity]string{model.P1: "Critical", model.P2: "High", model.P3: "Medium", model.P4: "Low"}
	for _, s := range model.Severities {
		assert.True(t, s.Valid())
		assert.Equal(t, labels[s], s.Label())
		got, err := model.ParseSeverity(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)

		b, err := s.MarshalText()
		require.NoError(t, err)
		var back model.Severity
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
	}
	assert.Equal(t, []model.Severity{model.P1, model.P2, model.P3, model.P4}, model.Severities)
	for _, bad := range []model.Severity{0, 5, -1} {
		assert.False(t, bad.Valid())
		assert.Equal(t, "P?", bad.String())
		assert.Equal(t, "Unknown", bad.Label())
	}

	ok := map[string]model.Severity{"P1": model.P1, "p2": model.P2, " P3 ": model.P3, "4": model.P4, "1": model.P1}
	for in, want := range ok {
		got, err := model.ParseSeverity(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "P", "P0", "P5", "0", "5", "P12", "PP1", "high", "P 1", "-1"} {
		_, err := model.ParseSeverity(in)
		assert.Error(t, err, in)
	}

	// JSON uses the text form.
	b, err := json.Marshal(map[string]model.Severity{"s": model.P3})
	require.NoError(t, err)
	assert.JSONEq(t, `{"s":"P3"}`, string(b))
	var m map[string]model.Severity
	require.NoError(t, json.Unmarshal([]byte(`{"s":"p4"}`), &m))
	assert.Equal(t, model.P4, m["s"])
	assert.Error(t, json.Unmarshal([]byte(`{"s":"P9"}`), &m))
}

func TestParseImpact(t *testing.T) {
	ok := map[string]model.Impact{
		"critical": model.ImpactCritical, "CRITICAL": model.ImpactCritical, " Important ": model.ImpactImportant,
		"other": model.ImpactOther, "": model.ImpactOther,
	}
	for in, want := range ok {
		got, err := model.ParseImpact(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := model.ParseImpact("catastrophic")
	assert.Error(t, err)

	assert.Equal(t, "business-critical", model.ImpactCritical.Label())
	assert.Equal(t, "business-important", model.ImpactImportant.Label())
	assert.Equal(t, "other impact", model.ImpactOther.Label())
	assert.Equal(t, []model.Impact{model.ImpactCritical, model.ImpactImportant, model.ImpactOther}, model.Impacts)
}
