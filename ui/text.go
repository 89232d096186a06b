package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/warroom/warroom/model"
)

// Sanitize makes untrusted text (titles, notes, names) safe to put on the
// screen on one line: escape sequences (CSI, OSC such as OSC 52, DCS...)
// are removed whole; other control characters, line breaks and tabs
// become a space or disappear; bidirectional overrides and invisible
// format characters that could reorder or hide text are dropped (see
// model.PlainText). What is left is printable text whose width
// ansi.StringWidth measures correctly.
func Sanitize(s string) string { return model.PlainLine(s) }

// Fit sanitizes s and truncates it to at most w cells (with an ellipsis),
// by display width: wide and emoji characters count as two.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = Sanitize(s)
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// Pad fits s into exactly w cells: truncated with an ellipsis or padded
// with spaces on the right.
func Pad(s string, w int) string {
	s = Fit(s, w)
	if n := w - ansi.StringWidth(s); n > 0 {
		s += strings.Repeat(" ", n)
	}
	return s
}

// PadLeft is Pad aligned right.
func PadLeft(s string, w int) string {
	s = Fit(s, w)
	if n := w - ansi.StringWidth(s); n > 0 {
		s = strings.Repeat(" ", n) + s
	}
	return s
}

// Countdown formats the time left until a deadline: "12:03" under an hour,
// "3:59:12" under a day, "2d 23h" beyond. A negative duration (breached)
// is written as the time since, with a plus sign: "+04:12".
func Countdown(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign = "+"
		d = -d
	}
	// Count whole seconds, rounding a running deadline up so that it shows
	// 00:00 only at the instant it is due.
	secs := int64(d / time.Second)
	if sign == "" && d%time.Second != 0 {
		secs++
	}
	h, m, s := secs/3600, secs/60%60, secs%60
	switch {
	case h >= 24:
		return fmt.Sprintf("%s%dd %02dh", sign, h/24, h%24)
	case h > 0:
		return fmt.Sprintf("%s%d:%02d:%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%s%02d:%02d", sign, m, s)
}

// Span formats a policy duration the way the seed writes them: "15m",
// "4h", "5d", "1h30m".
func Span(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0 && d > time.Hour:
		return fmt.Sprintf("%dh%dm", d/time.Hour, d%time.Hour/time.Minute)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// Ago formats how long ago t was, coarsely: "32s", "12m", "3h", "2d".
func Ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d/time.Second)))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// Clock formats an instant in the viewer's zone: "14:05" today,
// "Mon 14:05" within a week, "2026-11-28 14:05" beyond.
func Clock(now, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	t, now = t.In(loc), now.In(loc)
	d := t.Sub(now)
	if d < 0 {
		d = -d
	}
	switch {
	case t.YearDay() == now.YearDay() && t.Year() == now.Year():
		return t.Format("15:04")
	case d < 6*24*time.Hour:
		return t.Format("Mon 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// padStyled pads or cuts an already styled string to exactly w cells.
func padStyled(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "")
	}
	return s + strings.Repeat(" ", w-sw)
}
