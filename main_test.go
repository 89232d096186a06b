package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"warroom": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI end to end: testdata/script/*.txtar.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("USER", "alice")
			env.Setenv("XDG_DATA_HOME", filepath.Join(env.WorkDir, "xdg"))
			env.Setenv("HOME", env.WorkDir)
			return nil
		},
	})
}

// TestExitStatus pins the exit statuses scripts rely on: 2 for bad usage or
// input, 1 for a failure such as an unusable database path.
func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.db")
	notDB := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notDB, []byte("hello, not a database\n"), 0o600))

	cases := []struct {
		name string
		args []string
		want int
	}{
		{"declare ok", []string{"--db", db, "declare", "--title", "Registry nodes down", "--severity", "P1"}, 0},
		{"empty title", []string{"--db", db, "declare", "--title", "   "}, exitUsage},
		{"no title", []string{"--db", db, "declare"}, exitUsage},
		{"bad severity", []string{"--db", db, "declare", "--title", "x", "--severity", "P9"}, exitUsage},
		{"bad impact", []string{"--db", db, "declare", "--title", "x", "--impact", "huge"}, exitUsage},
		{"bad pct", []string{"--db", db, "declare", "--title", "x", "--customers-pct", "120"}, exitUsage},
		{"unknown service", []string{"--db", db, "declare", "--title", "x", "--services", "toaster"}, exitUsage},
		{"bad detected-at", []string{"--db", db, "declare", "--title", "x", "--detected-at", "yesterday"}, exitUsage},
		{"unknown command", []string{"--db", db, "frobnicate"}, exitUsage},
		{"show missing", []string{"--db", db, "show", "INC-0999"}, exitFail},
		{"show bad key", []string{"--db", db, "show", "banana"}, exitUsage},
		{"missing dir", []string{"--db", filepath.Join(dir, "nope", "w.db"), "list"}, exitFail},
		{"not a database", []string{"--db", notDB, "list"}, exitFail},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := run(c.args, &out, &errb)
			assert.Equal(t, c.want, got, "stdout %q stderr %q", out.String(), errb.String())
			if c.want != 0 {
				assert.NotEmpty(t, errb.String(), "a failure says why")
			}
		})
	}
	b, err := os.ReadFile(notDB)
	require.NoError(t, err)
	assert.Equal(t, "hello, not a database\n", string(b), "a file that is not SQLite is left untouched")
}

// TestHostileTitle: a title with escape sequences and 10,000 characters is
// stored exactly as typed and printed neutralised.
func TestHostileTitle(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	title := "evil\x1b[2J\x1b]52;c;ZXZpbA==\x07\rBEL\x07 \u202edesrever " + strings.Repeat("🔥障x", 2500)
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"--db", db, "declare", "--title", title, "--severity", "P3", "--reason", "t"}, &out, &errb), errb.String())

	out.Reset()
	require.Equal(t, 0, run([]string{"--db", db, "show", "INC-0001", "--json"}, &out, &errb))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, title, doc["title"], "stored as typed")

	for _, args := range [][]string{{"show", "INC-0001"}, {"list"}} {
		out.Reset()
		require.Equal(t, 0, run(append([]string{"--db", db}, args...), &out, &errb))
		s := out.String()
		assert.NotContains(t, s, "\x1b", "%v prints no escape", args)
		assert.NotContains(t, s, "\x07")
		assert.NotContains(t, s, "\r")
		assert.NotContains(t, s, "\u202e")
	}
}
