package ui

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

func withTemplates(t *testing.T, h *harness) {
	tm, err := playbooks.Templates()
	require.NoError(t, err)
	h.app.env.cfg.Templates = tm
	h.app.env.cfg.ExportDir = t.TempDir()
}

// openNewDraft opens an incident's drafts and starts one from a template.
func openNewDraft(t *testing.T, h *harness, template string) {
	h.key("enter")
	h.key("d")
	require.Equal(t, screenDrafts, h.app.screen)
	for i, tm := range h.app.env.cfg.Templates {
		if tm.Name == template {
			h.app.drafts.cursor = i
		}
	}
	h.key("enter")
	require.Equal(t, screenEditor, h.app.screen)
}

func TestDraftFromTemplatePrefilled(t *testing.T) {
	h := newHarness(t, 120, 40)
	withTemplates(t, h)
	inc, ev, err := model.Declare(model.Declaration{Title: "Registry nodes down", Impact: model.ImpactCritical,
		CustomersPct: 62, Services: []string{"registry", "transport"}, DetectedAt: t0.Add(-10 * time.Minute), Actor: "alice"}, h.cat)
	require.NoError(t, err)
	_, err = h.st.Declare(context.Background(), inc, ev)
	require.NoError(t, err)
	h.run(h.app.reloadBoard())

	openNewDraft(t, h, "customer-initial-alert")
	body := h.app.editor.ta.Value()
	assert.Contains(t, body, "INC-0001")
	assert.Contains(t, body, "Registry Service, Transport Layer")
	assert.Contains(t, body, "[Customer Name]", "what the console cannot know stays visible")
	v := h.view()
	assert.Contains(t, v, "to fill")
	assert.Contains(t, v, "[Customer Name]")

	drafts, err := h.st.Drafts(context.Background(), 1)
	require.NoError(t, err)
	require.Len(t, drafts, 1)
	assert.Equal(t, "customer-initial-alert", drafts[0].Template)
	assert.Equal(t, model.AudienceCustomer, drafts[0].Audience)
	assert.Equal(t, "alice", drafts[0].Author)
}

func TestDraftAutosaveAndSend(t *testing.T) {
	h := newHarness(t, 120, 40)
	withTemplates(t, h)
	h.declare("Registry nodes down", model.P1, t0.Add(-40*time.Minute)) // update overdue
	h.run(h.app.reloadBoard())
	openNewDraft(t, h, "status-update")
	id := h.app.editor.draft.ID

	// typing marks it unsaved and schedules one autosave
	_, cmd := h.app.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("X")})
	require.NotNil(t, cmd)
	assert.Contains(t, h.view(), "unsaved")
	h.app.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Y")}) // rides on the same save
	h.run(func() tea.Msg { return autosaveMsg{id: id} })             // the timer fires
	d, err := h.st.Drafts(context.Background(), 1)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(d[0].Body, "XY"), "autosaved: %q", d[0].Body[:10])
	assert.Contains(t, h.view(), "saved 14:00")

	// sending with placeholders needs a reason; the override is recorded
	h.key("ctrl+g")
	require.NotNil(t, h.app.prompt)
	h.key("enter")
	assert.Contains(t, h.view(), "give a reason")
	h.typeText("internal channel, details follow")
	h.key("enter")
	assert.Equal(t, screenDrafts, h.app.screen)

	inc := h.get(1)
	last := inc.Timeline[len(inc.Timeline)-1]
	assert.Equal(t, model.EventStatusUpdate, last.Kind)
	assert.Contains(t, last.Text, "sent status-update (internal, by alice)")
	assert.Contains(t, last.Text, "override: internal channel, details follow")
	assert.Contains(t, last.Text, "XY", "the full text is on the timeline")
	assert.Equal(t, t0, inc.LastUpdateAt, "a status update restarts the update clock")
	for _, dl := range inc.Deadlines(t0) {
		if dl.ID == model.DeadlineStatusUpdate {
			assert.Equal(t, t0.Add(30*time.Minute), dl.DueAt)
		}
	}
}

func TestDraftPasteLandsWholeAndSubmitsNothing(t *testing.T) {
	h := newHarness(t, 120, 40)
	withTemplates(t, h)
	h.declare("x", model.P2, t0)
	h.run(h.app.reloadBoard())
	openNewDraft(t, h, "status-update")
	before := h.app.editor.ta.Value()
	h.app.editor.ta.CursorStart()

	var b strings.Builder
	for b.Len() < 5000 {
		b.WriteString("pasted line with q, ?, esc and ctrl words\n")
	}
	paste := b.String()[:5000]
	h.paste(paste)
	assert.Equal(t, screenEditor, h.app.screen, "nothing was submitted")
	assert.Nil(t, h.app.prompt)
	assert.Equal(t, 5000+len([]rune(before)), h.app.editor.ta.Length(), "the paste landed whole")
	assert.Contains(t, h.app.editor.ta.Value(), paste)
	assert.Empty(t, h.app.editor.notice)

	// past the limit: a visible notice, not silent truncation
	h.paste(strings.Repeat("y", model.MaxDraftLen))
	assert.Equal(t, model.MaxDraftLen, h.app.editor.ta.Length())
	assert.Contains(t, h.view(), "character limit (20000) reached")
}

// TestExternalEditorRoundTrip runs the real program: ctrl+e hands the draft
// to $EDITOR (a script), and the edited text comes back.
func TestExternalEditorRoundTrip(t *testing.T) {
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
		return p
	}
	cases := []struct {
		name, editor, want, flash string
		appended                  bool
	}{
		{"appends a line", script("append.sh", `echo "Added in the editor." >> "$1"`), "Added in the editor.", "draft updated from the editor", true},
		{"exits non-zero", script("fail.sh", `echo "lost" >> "$1"; exit 3`), "", "exited with status 3; the draft is unchanged", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("VISUAL", "")
			t.Setenv("EDITOR", c.editor)
			h := newHarness(t, 120, 40)
			withTemplates(t, h)
			h.declare("Registry nodes down", model.P1, t0)
			app := New(Config{Store: h.st, Catalog: h.cat, Actor: "alice", Templates: h.app.env.cfg.Templates,
				Now: func() time.Time { return t0 }, Location: time.UTC, Terminal: &bytes.Buffer{}})
			tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(120, 40))
			waitFor := func(s string) {
				t.Logf("waiting for %q", s)
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
					teatest.WithDuration(10*time.Second))
			}
			waitFor("INC-0001")
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor("CHECKLIST")
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("d")})
			waitFor("NEW FROM TEMPLATE")
			tm.Send(tea.KeyMsg{Type: tea.KeyDown})
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
			waitFor("Draft #1")
			tm.Send(tea.KeyMsg{Type: tea.KeyCtrlE})
			waitFor(c.flash)
			tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Z")}) // keys work at once afterwards
			require.NoError(t, tm.Quit())
			final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*App)
			require.NotNil(t, final.editor)
			body := final.editor.ta.Value()
			assert.Equal(t, c.appended, strings.Contains(body, "Added in the editor."), body)
			assert.NotContains(t, body, "lost")
			assert.True(t, strings.HasPrefix(body, "Z"), "the key after the editor was typed")
		})
	}
}

func TestDraftWriteFileAndCopy(t *testing.T) {
	h := newHarness(t, 120, 40)
	withTemplates(t, h)
	var term bytes.Buffer
	h.app.env.cfg.Terminal = &term
	h.declare("x", model.P3, t0)
	h.run(h.app.reloadBoard())
	openNewDraft(t, h, "detection-notification")
	h.key("ctrl+o")
	path := filepath.Join(h.app.env.cfg.ExportDir, "INC-0001-detection-notification-1.md")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, h.app.editor.ta.Value(), string(b))
	assert.Contains(t, h.view(), "wrote "+path)
	h.key("ctrl+y")
	assert.Contains(t, term.String(), "\x1b]52;c;")
}

// TestExternalEditorMissing: an editor that cannot be started leaves the
// draft as it was and says why. (Run without the terminal hand-off: what
// is tested is what the console does with the editor's failure.)
func TestExternalEditorMissing(t *testing.T) {
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", filepath.Join(t.TempDir(), "no-such-editor"))
	h := newHarness(t, 120, 40)
	withTemplates(t, h)
	h.declare("Registry nodes down", model.P1, t0)
	h.run(h.app.reloadBoard())
	openNewDraft(t, h, "status-update")
	before := h.app.editor.ta.Value()

	path := filepath.Join(t.TempDir(), "draft.md")
	require.NoError(t, os.WriteFile(path, []byte(before), 0o600))
	argv := editorArgv()
	err := exec.Command(argv[0], path).Run()
	require.Error(t, err)
	h.run(func() tea.Msg { return finishExternal(h.app.editor.draft.ID, argv[0], path, before, err) })
	assert.Equal(t, before, h.app.editor.ta.Value(), "the draft is unchanged")
	assert.Contains(t, h.view(), `editor "no-such-editor" not found (set $VISUAL or $EDITOR); the draft is unchanged`)
	_, statErr := os.Stat(path)
	assert.True(t, os.IsNotExist(statErr), "the temporary file is removed")
	h.key("Z")
	assert.True(t, strings.HasPrefix(h.app.editor.ta.Value(), "Z"), "keys work at once afterwards")
}

// TestPasteFromTerminalKeepsLines: terminals paste lines separated by CR;
// they arrive as lines, not one paragraph.
func TestPasteFromTerminalKeepsLines(t *testing.T) {
	h := newHarness(t, 120, 40)
	withTemplates(t, h)
	h.declare("x", model.P2, t0)
	h.run(h.app.reloadBoard())
	openNewDraft(t, h, "status-update")
	h.app.editor.ta.CursorStart()
	h.paste("line one\rline two\r\nline three\r")
	assert.True(t, strings.HasPrefix(h.app.editor.ta.Value(), "line one\nline two\nline three\n"), "%q", h.app.editor.ta.Value()[:40])
}

// TestEnterAtTheLimitIsRefused: a new line past the limit would make the
// draft unsavable; it is refused with the notice.
func TestEnterAtTheLimitIsRefused(t *testing.T) {
	h := newHarness(t, 120, 40)
	withTemplates(t, h)
	h.declare("x", model.P2, t0)
	h.run(h.app.reloadBoard())
	openNewDraft(t, h, "status-update")
	h.paste(strings.Repeat("y", model.MaxDraftLen))
	require.Equal(t, model.MaxDraftLen, h.app.editor.ta.Length())
	h.key("enter")
	assert.Equal(t, model.MaxDraftLen, h.app.editor.ta.Length())
	assert.Contains(t, h.view(), "a new line would go past it")
}

// TestSendingAnEscalationNoticeReturnsToItsIncident: a draft opened by e
// (not from the drafts list) goes back to its own incident once sent,
// never to another incident's drafts.
func TestSendingAnEscalationNoticeReturnsToItsIncident(t *testing.T) {
	h := newHarness(t, 120, 40)
	withTemplates(t, h)
	h.declare("other", model.P3, t0)
	h.declare("Registry nodes down", model.P1, t0)
	h.run(h.app.reloadBoard())
	// look at the P3's drafts first
	h.app.board.Select(1)
	h.key("enter")
	h.key("d")
	require.Equal(t, int64(1), h.app.drafts.number)
	h.key("esc")
	h.key("esc")
	h.app.board.Select(2)
	h.key("enter")
	require.Equal(t, int64(2), h.app.incident.number)
	h.key("e")
	h.key("enter")
	require.Equal(t, screenEditor, h.app.screen)
	h.key("ctrl+g")
	h.typeText("later")
	h.key("enter")
	assert.Equal(t, screenIncident, h.app.screen)
	assert.Equal(t, int64(2), h.app.incident.number)
}
