package model

import "strings"

// PlainText makes untrusted text safe to fill into a message or show on a
// terminal, keeping its lines: escape sequences (CSI, OSC such as OSC 52,
// DCS, APC, PM, SOS, and their 8-bit C1 forms) are removed whole, other
// control characters dropped, tabs become spaces, CR LF becomes LF, and
// bidirectional overrides and invisible format characters are dropped.
func PlainText(s string) string {
	if isPlainText(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(strings.ReplaceAll(s, "\r\n", "\n"))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == 0x1b: // ESC: skip the whole sequence
			i = skipEscape(rs, i)
		case r == 0x9b: // C1 CSI
			i = skipCSI(rs, i+1)
		case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // C1 OSC, DCS, SOS, PM, APC
			i = skipString(rs, i+1)
		case r == '\n':
			b.WriteRune('\n')
		case r == '\t' || r == '\r' || r == '\v' || r == '\f':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		case r == 0x061c || r == 0x200e || r == 0x200f ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
		case r == 0x200b || r == 0xfeff || r == 0x2028 || r == 0x2029 || r == 0xfffe || r == 0xffff:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// PlainLine is PlainText on one line: line breaks become spaces.
func PlainLine(s string) string {
	return strings.ReplaceAll(PlainText(s), "\n", " ")
}

func isPlainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n') || c >= 0x7f {
			return false
		}
	}
	return true
}

// skipEscape returns the index of the last rune of the escape sequence
// that starts at rs[i] (an ESC).
func skipEscape(rs []rune, i int) int {
	if i+1 >= len(rs) {
		return i
	}
	switch rs[i+1] {
	case '[':
		return skipCSI(rs, i+2)
	case ']', 'P', 'X', '^', '_':
		return skipString(rs, i+2)
	}
	// ESC followed by intermediates (0x20-0x2f) and one final byte
	j := i + 1
	for j < len(rs) && rs[j] >= 0x20 && rs[j] <= 0x2f {
		j++
	}
	if j < len(rs) {
		return j
	}
	return len(rs) - 1
}

// skipCSI skips parameters and intermediates up to the final byte.
func skipCSI(rs []rune, j int) int {
	for ; j < len(rs); j++ {
		if rs[j] >= 0x40 && rs[j] <= 0x7e {
			return j
		}
		if rs[j] < 0x20 || rs[j] > 0x7e {
			return j - 1 // malformed: stop before the stray character
		}
	}
	return len(rs) - 1
}

// skipString skips a control string up to its terminator: BEL, ST (ESC \)
// or C1 ST.
func skipString(rs []rune, j int) int {
	for ; j < len(rs); j++ {
		switch {
		case rs[j] == 0x07 || rs[j] == 0x9c:
			return j
		case rs[j] == 0x1b && j+1 < len(rs) && rs[j+1] == '\\':
			return j + 1
		}
	}
	return len(rs) - 1
}
