package playbooks

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// writeDir writes files (name, text pairs; names with slashes) into a new
// directory and returns it.
func writeDir(t *testing.T, pairs ...string) string {
	t.Helper()
	dir := t.TempDir()
	for i := 0; i+1 < len(pairs); i += 2 {
		p := filepath.Join(dir, filepath.FromSlash(pairs[i]))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(pairs[i+1]), 0o644))
	}
	return dir
}

// validationProblems returns the problems of err, which must be a
// *ValidationError.
func validationProblems(t *testing.T, err error) []Problem {
	t.Helper()
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), "%T: %v", err, err)
	assert.ErrorIs(t, err, model.ErrInvalid)
	return verr.Problems
}

func TestBuiltinFSLayout(t *testing.T) {
	var names []string
	require.NoError(t, fs.WalkDir(BuiltinFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	}))
	want := slices.Clone(dataFiles)
	for _, name := range templateOrder {
		// keepNames relies on it: each built-in template is NAME.tmpl.
		want = append(want, "templates/"+name+".tmpl")
	}
	want = append(want, "drills/registry-failure.yaml", "drills/transport-degradation.yaml")
	assert.ElementsMatch(t, want, names)

	// Each call is a fresh copy.
	a := BuiltinFS().(interface{ ReadFile(string) ([]byte, error) })
	data, err := a.ReadFile("policy.yaml")
	require.NoError(t, err)
	assert.Equal(t, builtinFile(t, "policy.yaml"), string(data))
}

// TestLoadWithNothing: without directories, LoadWith is the built-in
// content.
func TestLoadWithNothing(t *testing.T) {
	c, err := LoadWith()
	require.NoError(t, err)
	assert.Equal(t, builtin(t), c.Catalog)
	var names []string
	for _, tm := range c.Templates {
		names = append(names, tm.Name)
	}
	assert.Equal(t, templateOrder, names)
	labels, err := BuiltinLabels()
	require.NoError(t, err)
	assert.Equal(t, labels, c.Labels)

	c2, err := BuiltinContent()
	require.NoError(t, err)
	assert.Equal(t, c.Catalog, c2.Catalog)
}

const shortP1 = `severity: P1
version: custom-1
scenario: Everything is down
phases:
  - name: Immediate Actions
    window: {from: detected, start: 0m, end: 10m}
    steps:
      - Page the on-call engineer
      - Open the bridge
`

const customStatus = `---
name: status-update
title: Short status
audience: internal
counts_as_update: true
---
{{.Key}} is {{.Status}}: short update.
`

const customLabels = `label: priority
values: {sev1: P1, sev2: P2}
default: P4
`

// TestLoadWithOverrides: each file of a directory replaces the built-in
// one of its name, whole; the rest stays built-in.
func TestLoadWithOverrides(t *testing.T) {
	dir := writeDir(t,
		"p1.yaml", shortP1,
		"templates/status-update.tmpl", customStatus,
		"templates/handover.tmpl", strings.Replace(validTemplate, "NAME", "handover", 1),
		"labels.yaml", customLabels,
		"README.md", "notes: ignored",
		"templates/notes.txt", "ignored",
	)
	c, err := LoadWith(dir)
	require.NoError(t, err)

	base := builtin(t)
	p1 := c.Catalog.Playbooks[model.P1]
	assert.Equal(t, "custom-1", p1.Version)
	assert.Equal(t, 2, p1.StepCount())
	assert.Equal(t, "p1.immediate-actions.open-the-bridge", p1.Phases[0].Steps[1].ID)
	assert.Equal(t, base.Playbooks[model.P2], c.Catalog.Playbooks[model.P2])
	assert.Equal(t, base.Policy, c.Catalog.Policy)
	assert.Equal(t, base.Services, c.Catalog.Services)

	var names []string
	for _, tm := range c.Templates {
		names = append(names, tm.Name)
	}
	assert.Equal(t, append(slices.Clone(templateOrder), "handover"), names)
	st, ok := FindTemplate(c.Templates, TemplateStatusUpdate)
	require.True(t, ok)
	assert.Equal(t, "Short status", st.Title)
	text, err := st.Fill(model.TemplateData{Key: "INC-0007", Status: "Open"})
	require.NoError(t, err)
	assert.Equal(t, "INC-0007 is Open: short update.\n", text)

	assert.Equal(t, LabelMap{Label: "priority", Values: map[string]model.Severity{"sev1": model.P1, "sev2": model.P2}, Default: model.P4}, c.Labels)
	assert.Equal(t, model.P1, c.Labels.For(" SEV1"))
	assert.Equal(t, model.P4, c.Labels.For("critical"))
}

// TestLoadWithLayers: a later directory's file replaces an earlier one's.
func TestLoadWithLayers(t *testing.T) {
	first := writeDir(t, "p1.yaml", shortP1, "labels.yaml", customLabels)
	second := writeDir(t, "p1.yaml", strings.Replace(shortP1, "custom-1", "custom-2", 1))
	c, err := LoadWith(first, second)
	require.NoError(t, err)
	assert.Equal(t, "custom-2", c.Catalog.Playbooks[model.P1].Version)
	assert.Equal(t, "priority", c.Labels.Label, "the first directory's labels.yaml stays")
}

// TestLoadWithPolicy: a policy.yaml replaces the SLA and cadence policy.
func TestLoadWithPolicy(t *testing.T) {
	dir := writeDir(t, "policy.yaml", policyWith(t, "status_update_every: 30m", "status_update_every: 20m"))
	c, err := LoadWith(dir)
	require.NoError(t, err)
	assert.Equal(t, 20*minute, c.Catalog.Policy.Severities[model.P1].StatusUpdateEvery)
}

// TestLoadWithProblems: every problem of every file, with its directory,
// file, line and field.
func TestLoadWithProblems(t *testing.T) {
	dir := writeDir(t,
		"p1.yaml", strings.Replace(shortP1, "end: 10m", "end: soon", 1),
		"p2.yml", "severity: P2\n",
		"templates/status-update.tmpl", strings.Replace(customStatus, "{{.Status}}", "{{.Nope}}", 1),
		"labels.yaml", "label: severity\nvalues:\n  Critical: P1\n  page: P9\n",
	)
	_, err := LoadWith(dir)
	got := validationProblems(t, err)
	assert.Equal(t, []Problem{
		{Dir: dir, File: "p2.yml", Msg: "not a file of a playbook directory (want policy.yaml, services.yaml, p1.yaml, p2.yaml, p3.yaml, p4.yaml, labels.yaml, or templates/*.tmpl)"},
		{Dir: dir, File: "p1.yaml", Line: 6, Field: "phases[0].window.end", Msg: `invalid duration "soon" (want a number and a unit: 90s, 15m, 4h, 5d or 1w)`},
		{Dir: dir, File: "templates/status-update.tmpl", Line: 7, Msg: "<.Nope>: can't evaluate field Nope in type model.TemplateData"},
		{Dir: dir, File: "labels.yaml", Line: 1, Field: "default", Msg: "missing"},
		{Dir: dir, File: "labels.yaml", Line: 3, Field: "values.Critical", Msg: `"Critical" never matches: alert values are trimmed and lower-cased before the lookup (write "critical")`},
		{Dir: dir, File: "labels.yaml", Line: 4, Field: "values.page", Msg: `unknown severity "P9" (want P1, P2, P3 or P4)`},
	}, got)
	assert.Contains(t, err.Error(), filepath.Join(dir, "p1.yaml")+":6: phases[0].window.end: invalid duration")
}

// TestLoadWithWrongSeverity: pN.yaml is the PN playbook; the clash it makes
// with the built-in playbook is reported on the built-in file.
func TestLoadWithWrongSeverity(t *testing.T) {
	dir := writeDir(t, "p1.yaml", strings.Replace(shortP1, "severity: P1", "severity: P2", 1))
	_, err := LoadWith(dir)
	got := validationProblems(t, err)
	require.NotEmpty(t, got)
	assert.Equal(t, Problem{Dir: dir, File: "p1.yaml", Line: 1, Field: "severity",
		Msg: "p1.yaml holds the P1 playbook, not P2: the file replaces the built-in p1.yaml by its name"}, got[0])
	assert.Contains(t, got, Problem{Dir: BuiltinDir, File: "p2.yaml", Line: 4, Field: "severity", Msg: "P2 already has a playbook, in p1.yaml"})
	assert.Contains(t, got, Problem{File: "p*.yaml", Msg: "no playbook for P1"})
}

// TestLoadWithRenamedTemplate: a built-in template keeps its name.
func TestLoadWithRenamedTemplate(t *testing.T) {
	dir := writeDir(t, "templates/status-update.tmpl", strings.Replace(customStatus, "name: status-update", "name: short-update", 1))
	_, err := LoadWith(dir)
	assert.Equal(t, []Problem{{Dir: dir, File: "templates/status-update.tmpl", Line: 2, Field: "name",
		Msg: "renames the built-in template status-update, which the console asks for by name (keep name: status-update)"}},
		validationProblems(t, err))
}

func TestLoadWithBadDirs(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	tmplFile := writeDir(t, "templates", "not a directory", "policy.yaml/x", "a directory")
	_, err := LoadWith(missing, file, tmplFile)
	got := validationProblems(t, err)
	require.Len(t, got, 4, "%v", got)
	assert.Equal(t, Problem{Dir: missing, File: ".", Msg: "no such directory"}, got[0])
	assert.Equal(t, Problem{Dir: file, File: ".", Msg: "not a directory"}, got[1])
	assert.Equal(t, missing+": no such directory", got[0].String())
	assert.Equal(t, "policy.yaml", got[2].File)
	assert.Equal(t, "templates", got[3].File)
	for _, p := range got[2:] {
		assert.Equal(t, tmplFile, p.Dir)
		assert.NotEmpty(t, p.Msg)
	}
}

func TestProblemStringWithDir(t *testing.T) {
	p := Problem{Dir: "/etc/warroom", File: "templates/x.tmpl", Line: 3, Field: "name", Msg: "missing"}
	assert.Equal(t, filepath.Join("/etc/warroom", "templates", "x.tmpl")+":3: name: missing", p.String())
	p.Dir = BuiltinDir
	assert.Equal(t, filepath.Join(BuiltinDir, "templates", "x.tmpl")+":3: name: missing", p.String())
}

// BenchmarkLoadWith is what a console pays at start for its content: the
// built-in files with a directory replacing a playbook and a template.
func BenchmarkLoadWith(b *testing.B) {
	dir := b.TempDir()
	require.NoError(b, os.WriteFile(filepath.Join(dir, "p1.yaml"), []byte(shortP1), 0o644))
	require.NoError(b, os.Mkdir(filepath.Join(dir, "templates"), 0o755))
	require.NoError(b, os.WriteFile(filepath.Join(dir, "templates", "status-update.tmpl"), []byte(customStatus), 0o644))
	for b.Loop() {
		if _, err := LoadWith(dir); err != nil {
			b.Fatal(err)
		}
	}
}
