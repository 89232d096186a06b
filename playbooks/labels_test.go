package playbooks

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

func TestBuiltinLabels(t *testing.T) {
	m, err := BuiltinLabels()
	require.NoError(t, err)
	assert.Equal(t, LabelMap{
		Label: "severity",
		Values: map[string]model.Severity{
			"critical": model.P1, "page": model.P1,
			"error": model.P2, "high": model.P2,
			"warning": model.P3,
			"info":    model.P4, "low": model.P4,
		},
		Default: model.P3,
	}, m)
	for value, want := range map[string]model.Severity{
		"critical": model.P1, " Critical ": model.P1, "PAGE": model.P1, "error": model.P2,
		"warning": model.P3, "info": model.P4, "": model.P3, "disaster": model.P3,
	} {
		assert.Equal(t, want, m.For(value), "%q", value)
	}
}

func TestLoadLabelsErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Problem
	}{
		{"empty", "", []Problem{{File: "labels.yaml", Msg: "the file is empty"}}},
		{"missing label and default", "values: {critical: P1}\n", []Problem{
			{File: "labels.yaml", Line: 1, Field: "label", Msg: "missing"},
			{File: "labels.yaml", Line: 1, Field: "default", Msg: "missing"},
		}},
		{"unknown field", "label: severity\ndefault: P3\nfallback: P4\n", []Problem{
			{File: "labels.yaml", Line: 3, Field: "fallback", Msg: `unknown field "fallback" (known fields: label, values, default)`},
		}},
		{"bad values", "label: severity\nvalues:\n  crit: P0\n  ' high': P2\n  \"\": P1\n  low: [P4]\ndefault: urgent\n", []Problem{
			{File: "labels.yaml", Line: 3, Field: "values.crit", Msg: `unknown severity "P0" (want P1, P2, P3 or P4)`},
			{File: "labels.yaml", Line: 4, Field: "values. high", Msg: `" high" never matches: alert values are trimmed and lower-cased before the lookup (write "high")`},
			{File: "labels.yaml", Line: 5, Field: "values.", Msg: "empty value: an alert without a value gets the default"},
			{File: "labels.yaml", Line: 6, Field: "values.low", Msg: "want text, got a list"},
			{File: "labels.yaml", Line: 7, Field: "default", Msg: `unknown severity "urgent" (want P1, P2, P3 or P4)`},
		}},
		{"duplicate value", "label: severity\nvalues:\n  page: P1\n  page: P2\ndefault: P3\n", []Problem{
			{File: "labels.yaml", Line: 4, Field: "values.page", Msg: `"page" is already defined at line 3`},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := LoadLabels(fstest.MapFS{"labels.yaml": {Data: []byte(tc.text)}})
			assert.Equal(t, LabelMap{}, m)
			assert.Equal(t, tc.want, validationProblems(t, err))
		})
	}
	_, err := LoadLabels(fstest.MapFS{})
	assert.Equal(t, []Problem{{File: "labels.yaml", Msg: "file not found"}}, validationProblems(t, err))
}
