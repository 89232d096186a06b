package ui

// Minimum terminal size the console works in. 80x24 is fully usable.
const (
	MinWidth  = 60
	MinHeight = 16
)

// Layout is how the screen is divided, computed from the terminal size
// alone (a pure function, snapshot-tested).
type Layout struct {
	Width, Height int
	TooSmall      bool
	// Rows: a header line, the body, a status line and a footer line.
	BodyHeight int
	// Incident screen: the checklist on the left, clocks, roles and the
	// timeline on the right, separated by a one-cell rule.
	LeftWidth, RightWidth int
}

func layout(w, h int) Layout {
	l := Layout{Width: max(w, 0), Height: max(h, 0)}
	if w < MinWidth || h < MinHeight {
		l.TooSmall = true
		return l
	}
	l.BodyHeight = h - 3
	l.RightWidth = max(33, w*2/5)
	if l.RightWidth > 70 {
		l.RightWidth = 70
	}
	l.LeftWidth = w - l.RightWidth - 1
	return l
}
