package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

// exportedFiles are the files `playbooks export` writes.
var exportedFiles = []string{
	"drills/registry-failure.yaml", "drills/transport-degradation.yaml",
	"labels.yaml", "p1.yaml", "p2.yaml", "p3.yaml", "p4.yaml", "policy.yaml", "services.yaml",
	"templates/after-action-review.tmpl", "templates/customer-initial-alert.tmpl", "templates/customer-resolution.tmpl",
	"templates/detection-notification.tmpl", "templates/escalation-notification.tmpl",
	"templates/resolution-confirmation.tmpl", "templates/status-update.tmpl",
}

// filesUnder lists the files under dir, slash-separated, in name order.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return err
	}))
	return names
}

// assertExit1 checks that err is a failure of the files, which run maps to
// exit status 1: neither bad usage nor model.ErrInvalid (exit status 2).
func assertExit1(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	var ue usageError
	assert.False(t, errors.As(err, &ue), "not a usage error: %v", err)
	assert.False(t, errors.Is(err, model.ErrInvalid), "not ErrInvalid: %v", err)
}

func TestPlaybooksExportValidate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "playbooks")
	var out, errb bytes.Buffer
	require.NoError(t, runPlaybooks(globals{}, []string{"export", dir}, &out, &errb))
	assert.Equal(t, exportedFiles, filesUnder(t, dir))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, len(exportedFiles)+1)
	assert.Equal(t, filepath.Join(dir, "drills", "registry-failure.yaml"), lines[0])
	assert.Equal(t, dir+": ok (4 playbooks, 7 templates, 2 drills)", lines[len(lines)-1])
	fi, err := os.Stat(filepath.Join(dir, "templates"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())

	// What was written is the built-in content, byte for byte.
	for _, name := range exportedFiles {
		want, err := fs.ReadFile(playbooks.BuiltinFS(), name)
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), name)
	}

	out.Reset()
	require.NoError(t, runPlaybooks(globals{}, []string{"validate", dir}, &out, &errb))
	assert.Equal(t, dir+": ok (4 playbooks, 7 templates, 2 drills)\n", out.String())
}

func TestPlaybooksExportRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.yaml")
	require.NoError(t, os.WriteFile(policy, []byte("mine"), 0o644))
	var out, errb bytes.Buffer
	err := runPlaybooks(globals{}, []string{"export", dir}, &out, &errb)
	var ue usageError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), policy+" already exists; nothing written (--force overwrites)")
	assert.Equal(t, []string{"policy.yaml"}, filesUnder(t, dir), "nothing written")
	got, _ := os.ReadFile(policy)
	assert.Equal(t, "mine", string(got))

	// --force overwrites, and the set is valid again.
	out.Reset()
	require.NoError(t, runPlaybooks(globals{}, []string{"export", dir, "--force"}, &out, &errb))
	assert.Equal(t, exportedFiles, filesUnder(t, dir))
	got, _ = os.ReadFile(policy)
	assert.Contains(t, string(got), "severities:")
	fi, err := os.Stat(policy)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())

	// Once exported, every file is in the way.
	err = runPlaybooks(globals{}, []string{"export", dir}, &out, &errb)
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), "and 15 more files already exist")
}

func TestPlaybooksValidateBroken(t *testing.T) {
	dir := t.TempDir()
	p1 := strings.Replace(string(mustBuiltin(t, "p1.yaml")), "window: {from: detected, start: 0m, end: 15m}", "window: {from: detected, start: 0m, end: soon}", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p1.yaml"), []byte(p1), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "labels.yaml"), []byte("label: severity\nvalues: {critical: P0}\ndefault: P3\n"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "templates"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "templates", "page.tmpl"), []byte("---\nname: page\naudience: everyone\ncounts_as_update: false\n---\n{{.Key}}\n"), 0o644))

	var out, errb bytes.Buffer
	err := runPlaybooks(globals{}, []string{"validate", dir}, &out, &errb)
	assertExit1(t, err)
	assert.Empty(t, out.String())
	assert.Equal(t, "invalid playbooks, 3 problems:\n"+
		filepath.Join(dir, "p1.yaml")+`:11: phases[0].window.end: invalid duration "soon" (want a number and a unit: 90s, 15m, 4h, 5d or 1w)`+"\n"+
		filepath.Join(dir, "templates", "page.tmpl")+`:3: audience: unknown audience "everyone" (want internal or customer)`+"\n"+
		filepath.Join(dir, "labels.yaml")+`:2: values.critical: unknown severity "P0" (want P1, P2, P3 or P4)`,
		err.Error())

	// A directory that is not there is a problem too, not an empty set.
	err = runPlaybooks(globals{}, []string{"validate", filepath.Join(dir, "nope")}, &out, &errb)
	assertExit1(t, err)
	assert.Equal(t, "invalid playbooks, 1 problem:\n"+filepath.Join(dir, "nope")+": no such directory", err.Error())
}

func mustBuiltin(t *testing.T, name string) []byte {
	t.Helper()
	data, err := fs.ReadFile(playbooks.BuiltinFS(), name)
	require.NoError(t, err)
	return data
}

func TestPlaybooksUsage(t *testing.T) {
	var out, errb bytes.Buffer
	var ue usageError
	for _, args := range [][]string{
		nil,
		{"frobnicate"},
		{"export"},
		{"export", "a", "b"},
		{"validate", "a", "b"},
		{"export", t.TempDir(), "--overwrite"},
	} {
		assert.ErrorAs(t, runPlaybooks(globals{}, args, &out, &errb), &ue, "%q", args)
	}
	require.NoError(t, runPlaybooks(globals{}, []string{"help"}, &out, &errb))
	assert.Contains(t, out.String(), "warroom playbooks export DIR")
}

// TestContentDirs: the XDG directory when it exists, then --playbooks.
func TestContentDirs(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	assert.Empty(t, contentDirs(globals{}))
	assert.Equal(t, []string{"custom"}, contentDirs(globals{playbooks: "custom"}))

	conf := filepath.Join(xdg, "warroom", "playbooks")
	require.NoError(t, os.MkdirAll(conf, 0o755))
	assert.Equal(t, []string{conf}, contentDirs(globals{}))
	assert.Equal(t, []string{conf, "custom"}, contentDirs(globals{playbooks: "custom"}))

	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "relative/ignored")
	assert.Equal(t, filepath.Join(home, ".config", "warroom", "playbooks"), configPlaybooksDir())
}

// TestLoadContent: the console's content is the XDG directory, then
// --playbooks, over the built-ins; an invalid set is refused with the same
// report validate gives.
func TestLoadContent(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	conf := filepath.Join(xdg, "warroom", "playbooks")
	require.NoError(t, os.MkdirAll(conf, 0o755))
	short := "severity: P4\nversion: mine\nphases:\n  - name: Triage\n    steps: [Look, Fix]\n"
	require.NoError(t, os.WriteFile(filepath.Join(conf, "p4.yaml"), []byte(short), 0o644))

	c, err := loadContent(globals{})
	require.NoError(t, err)
	assert.Equal(t, "mine", c.Catalog.Playbooks[model.P4].Version)
	assert.Equal(t, 2, c.Catalog.Playbooks[model.P4].StepCount())

	custom := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(custom, "p4.yaml"), []byte(strings.Replace(short, "mine", "ours", 1)), 0o644))
	c, err = loadContent(globals{playbooks: custom})
	require.NoError(t, err)
	assert.Equal(t, "ours", c.Catalog.Playbooks[model.P4].Version, "--playbooks over the XDG directory")

	require.NoError(t, os.WriteFile(filepath.Join(conf, "p4.yaml"), []byte("severity: P4\n"), 0o644))
	_, err = loadContent(globals{})
	assertExit1(t, err)
	var out, errb bytes.Buffer
	verr := runPlaybooks(globals{}, []string{"validate"}, &out, &errb)
	assert.Equal(t, err.Error(), verr.Error(), "validate without DIR checks what the console loads")
	assert.Contains(t, err.Error(), filepath.Join(conf, "p4.yaml")+":1: version: missing")
}

// TestPlaybooksStatusExitStatus: bad usage is 2; invalid playbook files
// and a missing database are failures, 1.
func TestPlaybooksStatusExitStatus(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	require.NoError(t, os.MkdirAll(bad, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bad, "p1.yaml"), []byte("severity: P1\n"), 0o644))
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"export", []string{"playbooks", "export", filepath.Join(dir, "pb")}, 0},
		{"validate ok", []string{"playbooks", "validate", filepath.Join(dir, "pb")}, 0},
		{"export over files", []string{"playbooks", "export", filepath.Join(dir, "pb")}, exitUsage},
		{"validate invalid", []string{"playbooks", "validate", bad}, exitFail},
		{"validate missing", []string{"playbooks", "validate", filepath.Join(dir, "nope")}, exitFail},
		{"no playbooks command", []string{"playbooks"}, exitUsage},
		{"status both", []string{"--db", filepath.Join(dir, "w.db"), "status", "--tmux", "--json"}, exitUsage},
		{"status no database", []string{"--db", filepath.Join(dir, "w.db"), "status"}, exitFail},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, c.want, run(c.args, &out, &errb), "stdout %q stderr %q", out.String(), errb.String())
		})
	}
}
