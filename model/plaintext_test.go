package model_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/warroom/warroom/model"
)

func TestPlainText(t *testing.T) {
	table := []struct {
		name, in, want string
	}{
		{"plain text is kept", "Registry nodes down (62%) [prod]", "Registry nodes down (62%) [prod]"},
		{"empty", "", ""},
		{"newline kept", "line one\nline two\n", "line one\nline two\n"},

		// CSI
		{"CSI colour", "a\x1b[31mred\x1b[0m b", "ared b"},
		{"CSI private mode", "x\x1b[?25ly\x1b[?1049h", "xy"},
		{"CSI clear screen and home", "\x1b[2J\x1b[Htitle", "title"},
		{"CSI with intermediate", "a\x1b[1 qb", "ab"},
		{"CSI unterminated at end", "a\x1b[31", "a"},
		{"CSI broken by a newline", "a\x1b[31\nm", "a\nm"},

		// OSC
		{"OSC 52 ended by BEL", "x\x1b]52;c;ZXZpbA==\x07y", "xy"},
		{"OSC 52 ended by ST", "x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"},
		{"OSC 52 ended by C1 ST", "x\x1b]52;c;ZXZpbA==\u009cy", "xy"},
		{"OSC 52 unterminated swallows the rest", "x\x1b]52;c;ZXZpbA==y", "x"},
		{"OSC 0 window title", "\x1b]0;pwned\x07ok", "ok"},
		{"OSC 8 hyperlink keeps its text", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},

		// DCS, APC, PM, SOS
		{"DCS sixel", "a\x1bPq#0;2;0;0;0#0~~@@\x1b\\b", "ab"},
		{"DCS tmux passthrough", "a\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\b", "ab"},
		{"APC kitty graphics", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"PM", "a\x1b^private\x1b\\b", "ab"},
		{"SOS", "a\x1bXstring\x1b\\b", "ab"},

		// C1 (8-bit) forms, as runes
		{"C1 CSI", "a\u009b31mb", "ab"},
		{"C1 OSC ended by BEL", "a\u009d52;c;eA==\u0007b", "ab"},
		{"C1 OSC ended by C1 ST", "a\u009d0;title\u009cb", "ab"},
		{"C1 DCS", "a\u0090q#0\u009cb", "ab"},
		{"C1 APC", "a\u009fpayload\u009cb", "ab"},
		{"other C1 controls dropped", "a\u0085b\u008dc", "abc"},
		{"raw byte 0x9b is not UTF-8: replaced, not CSI", "a\x9b31mb", "a\uFFFD31mb"},

		// short escapes
		{"lone ESC at end", "abc\x1b", "abc"},
		{"ESC alone", "\x1b", ""},
		{"ESC c (reset)", "a\x1bcb", "ab"},
		{"ESC 7 (save cursor)", "a\x1b7b", "ab"},
		{"ESC ( B (charset)", "a\x1b(Bb", "ab"},
		{"ESC and intermediates at end", "a\x1b(", "a"},

		// other controls
		{"CRLF becomes LF", "a\r\nb\r\n", "a\nb\n"},
		{"lone CR becomes a space", "a\rb", "a b"},
		{"tab, VT, FF become spaces", "a\tb\vc\fd", "a b c d"},
		{"BEL, BS, NUL, DEL dropped", "a\x07b\x08c\x00d\x7fe", "abcde"},

		// Unicode format characters
		{"bidi override", "\u202eevil\u202c name", "evil name"},
		{"bidi isolates", "\u2066x\u2069 \u2067y\u2068z", "x yz"},
		{"bidi marks", "a\u200eb\u200fc\u061cd", "abcd"},
		{"zero-width space and BOM", "a\u200bb\ufeffc", "abc"},
		{"line and paragraph separators", "a\u2028b\u2029c", "abc"},
		{"noncharacters", "a\ufffeb\uffffc", "abc"},

		// kept
		{"wide characters kept", "日本語 障害 🚨", "日本語 障害 🚨"},
		{"combining and ZWJ sequences kept", "e\u0301 👩\u200d💻", "e\u0301 👩\u200d💻"},
	}
	for _, tc := range table {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, model.PlainText(tc.in))
		})
	}
}

func TestPlainLine(t *testing.T) {
	table := []struct{ in, want string }{
		{"one line", "one line"},
		{"two\nlines", "two lines"},
		{"crlf\r\nline", "crlf line"},
		{"title\x1b[2J\n\x1b]52;c;eA==\x07end", "title end"},
	}
	for _, tc := range table {
		assert.Equal(t, tc.want, model.PlainLine(tc.in), "%q", tc.in)
	}
}

// assertPlain fails unless s is safe to show on a terminal: no control
// character but the newline, no bidi or invisible format character.
func assertPlain(t *testing.T, s string) {
	t.Helper()
	for i, r := range s {
		switch {
		case r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			t.Fatalf("control character %U at %d in %q", r, i, s)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			t.Fatalf("bidi character %U at %d in %q", r, i, s)
		}
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{
		"plain", "a\x1b[31mb", "\x1b]52;c;eA==\x07", "\x1b]52;c;eA==\x1b\\", "\x1bP\x1b\\",
		"\u009b1m", "\u009d0;t\u009c", "\x1b", "\x1b\x1b[", "a\r\nb", "\u202e", "日本\t語", "\x9b\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := model.PlainText(s)
		assertPlain(t, out)
		if utf8.ValidString(s) {
			assert.True(t, utf8.ValidString(out))
		}
		assert.Equal(t, out, model.PlainText(out), "PlainText is idempotent")
		line := model.PlainLine(s)
		assert.NotContains(t, line, "\n")
		assert.Equal(t, strings.ReplaceAll(out, "\n", " "), line)
		// Printable text without escapes comes through unchanged.
		if strings.IndexFunc(s, func(r rune) bool {
			return r != '\n' && (!unicode.IsPrint(r) || r >= 0x2000 && r <= 0x206f || r == 0xfeff)
		}) < 0 && utf8.ValidString(s) {
			assert.Equal(t, s, out)
		}
	})
}
