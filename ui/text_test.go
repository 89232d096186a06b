package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
)

func TestSanitizeNeutralisesEscapes(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"plain", "Registry nodes down", "Registry nodes down"},
		{"clear screen", "a\x1b[2Jb", "ab"},
		{"cursor move", "a\x1b[10;10Hb", "ab"},
		{"osc 52 clipboard", "x\x1b]52;c;ZXZpbA==\x07y", "xy"},
		{"osc 52 st", "x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"},
		{"bel", "ding\x07dong", "dingdong"},
		{"carriage return", "safe\rEVIL", "safe EVIL"},
		{"newline and tab", "a\nb\tc", "a b c"},
		{"rtl override", "abc\u202edcba", "abcdcba"},
		{"bidi isolate", "a\u2066b\u2069c", "abc"},
		{"zero width space", "a\u200bb", "ab"},
		{"c1 csi is a sequence too", "a\u009b2Jb", "ab"},
		{"del", "a\x7fb", "ab"},
		{"esc with final byte is a sequence", "a\x1bb", "a"},
		{"esc at end", "ab\x1b", "ab"},
		{"wide kept", "障害 🔥", "障害 🔥"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Sanitize(c.in)
			assert.Equal(t, c.want, got)
			assert.NotContains(t, got, "\x1b")
			assert.NotContains(t, got, "\x07")
			assert.NotContains(t, got, "\r")
		})
	}
}

func TestFitTruncatesByDisplayWidth(t *testing.T) {
	cases := []struct {
		in    string
		w     int
		wantW int
	}{
		{"short", 10, 5},
		{strings.Repeat("x", 10000), 30, 30},
		{strings.Repeat("障", 20), 11, 11}, // 5 wide chars + ellipsis
		{strings.Repeat("🔥", 20), 9, 9},
		{"\x1b[2J" + strings.Repeat("a", 50), 20, 20},
		{"anything", 0, 0},
	}
	for _, c := range cases {
		got := Fit(c.in, c.w)
		assert.LessOrEqual(t, ansi.StringWidth(got), c.w, "%q", got)
		if c.wantW != 11 { // a wide char that does not fit leaves a cell
			assert.Equal(t, c.wantW, ansi.StringWidth(got), "%q", got)
		}
		assert.Equal(t, c.w, ansi.StringWidth(Pad(c.in, c.w)), "Pad %q", c.in)
	}
}

func TestCountdown(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{12*time.Minute + 3*time.Second, "12:03"},
		{12*time.Minute + 2*time.Second + 500*time.Millisecond, "12:03"}, // rounds up while running
		{0, "00:00"},
		{-(4*time.Minute + 12*time.Second), "+04:12"},
		{3*time.Hour + 59*time.Minute + 12*time.Second, "3:59:12"},
		{71 * time.Hour, "2d 23h"},
		{-25 * time.Hour, "+1d 01h"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Countdown(c.d), "%v", c.d)
	}
}

func TestSpan(t *testing.T) {
	assert.Equal(t, "15m", Span(15*time.Minute))
	assert.Equal(t, "4h", Span(4*time.Hour))
	assert.Equal(t, "5d", Span(5*24*time.Hour))
	assert.Equal(t, "1h30m", Span(90*time.Minute))
}

func TestLayout(t *testing.T) {
	small := layout(20, 5)
	assert.True(t, small.TooSmall)
	l := layout(80, 24)
	assert.False(t, l.TooSmall)
	assert.Equal(t, 21, l.BodyHeight)
	assert.Equal(t, 80, l.LeftWidth+1+l.RightWidth)
	assert.GreaterOrEqual(t, l.LeftWidth, 40)
	big := layout(200, 50)
	assert.Equal(t, 200, big.LeftWidth+1+big.RightWidth)
	assert.Equal(t, 70, big.RightWidth)
	neg := layout(-1, -1)
	assert.True(t, neg.TooSmall)
	assert.Equal(t, 0, neg.Width)
}
