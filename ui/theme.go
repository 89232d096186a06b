package ui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/warroom/warroom/model"
)

// Theme is the palette as semantic tokens. Colours are ANSI 256 so they
// look the same in tmux; each adapts to light and dark backgrounds.
type Theme struct {
	SevP1, SevP2, SevP3, SevP4 lipgloss.AdaptiveColor
	OnBadge, OnBadgeDark       lipgloss.AdaptiveColor
	OK, Warning, Breached      lipgloss.AdaptiveColor
	Muted, Accent, Border      lipgloss.AdaptiveColor
	SelectedBg                 lipgloss.AdaptiveColor
	Title                      lipgloss.AdaptiveColor
	// Drill marks an exercise: a colour no severity or clock uses.
	Drill lipgloss.AdaptiveColor
}

// DefaultTheme is warroom's palette.
var DefaultTheme = Theme{
	SevP1:       lipgloss.AdaptiveColor{Light: "160", Dark: "196"},
	SevP2:       lipgloss.AdaptiveColor{Light: "166", Dark: "208"},
	SevP3:       lipgloss.AdaptiveColor{Light: "136", Dark: "220"},
	SevP4:       lipgloss.AdaptiveColor{Light: "25", Dark: "39"},
	OnBadge:     lipgloss.AdaptiveColor{Light: "231", Dark: "231"},
	OnBadgeDark: lipgloss.AdaptiveColor{Light: "16", Dark: "16"},
	OK:          lipgloss.AdaptiveColor{Light: "28", Dark: "78"},
	Warning:     lipgloss.AdaptiveColor{Light: "130", Dark: "214"},
	Breached:    lipgloss.AdaptiveColor{Light: "160", Dark: "203"},
	Muted:       lipgloss.AdaptiveColor{Light: "244", Dark: "243"},
	Accent:      lipgloss.AdaptiveColor{Light: "61", Dark: "111"},
	Border:      lipgloss.AdaptiveColor{Light: "250", Dark: "238"},
	SelectedBg:  lipgloss.AdaptiveColor{Light: "254", Dark: "236"},
	Title:       lipgloss.AdaptiveColor{Light: "235", Dark: "255"},
	Drill:       lipgloss.AdaptiveColor{Light: "127", Dark: "170"},
}

// Styles are every style the screens use, built once from a Theme: View
// code never calls lipgloss.NewStyle.
type Styles struct {
	Badge     map[model.Severity]lipgloss.Style
	State     map[model.DeadlineState]lipgloss.Style
	Header    lipgloss.Style
	Title     lipgloss.Style
	Muted     lipgloss.Style
	Accent    lipgloss.Style
	Bold      lipgloss.Style
	Selected  lipgloss.Style
	Cursor    lipgloss.Style
	Section   lipgloss.Style
	Error     lipgloss.Style
	Success   lipgloss.Style
	Banner    lipgloss.Style
	Pane      lipgloss.Style
	PaneTitle lipgloss.Style
	Overlay   lipgloss.Style
	Done      lipgloss.Style
	Field     lipgloss.Style
	FieldOn   lipgloss.Style
	// Placeholder marks a [Placeholder] the console could not fill.
	Placeholder lipgloss.Style
	// Drill is the DRILL badge of an exercise's incident.
	Drill lipgloss.Style
}

// NewStyles builds the styles of a theme.
func NewStyles(t Theme) Styles {
	badge := func(bg, fg lipgloss.AdaptiveColor) lipgloss.Style {
		return lipgloss.NewStyle().Background(bg).Foreground(fg).Bold(true)
	}
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return Styles{
		Badge: map[model.Severity]lipgloss.Style{
			model.P1: badge(t.SevP1, t.OnBadge),
			model.P2: badge(t.SevP2, t.OnBadgeDark),
			model.P3: badge(t.SevP3, t.OnBadgeDark),
			model.P4: badge(t.SevP4, t.OnBadge),
		},
		State: map[model.DeadlineState]lipgloss.Style{
			model.StateOK:       fg(t.OK),
			model.StateWarning:  fg(t.Warning).Bold(true),
			model.StateBreached: fg(t.Breached).Bold(true),
			model.StateMet:      fg(t.Muted),
			model.StateMissed:   fg(t.Breached),
			model.StatePending:  fg(t.Muted),
			model.StateSkipped:  fg(t.Muted),
		},
		Header:      lipgloss.NewStyle().Bold(true).Foreground(t.Title),
		Title:       lipgloss.NewStyle().Bold(true).Foreground(t.Title),
		Muted:       fg(t.Muted),
		Accent:      fg(t.Accent),
		Bold:        lipgloss.NewStyle().Bold(true),
		Selected:    lipgloss.NewStyle().Background(t.SelectedBg).Bold(true),
		Cursor:      fg(t.Accent).Bold(true),
		Section:     fg(t.Accent).Bold(true),
		Error:       fg(t.Breached).Bold(true),
		Success:     fg(t.OK),
		Banner:      lipgloss.NewStyle().Background(t.SevP1).Foreground(t.OnBadge).Bold(true),
		Pane:        lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Border),
		PaneTitle:   fg(t.Accent).Bold(true),
		Overlay:     lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Accent).Padding(0, 1),
		Done:        fg(t.Muted),
		Field:       fg(t.Muted),
		FieldOn:     fg(t.Accent).Bold(true),
		Placeholder: lipgloss.NewStyle().Background(t.Warning).Foreground(t.OnBadgeDark).Bold(true),
		Drill:       badge(t.Drill, t.OnBadge),
	}
}
