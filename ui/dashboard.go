package ui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/store"
)

// Dashboard is the metrics screen (seed §6.3, §9.3): the figures of the
// real incidents (drills never count) detected in a period, of one severity
// or all, computed by the store in one query, and the overdue action
// items. It is read-only: p and s change the filter, the arrows scroll.
type Dashboard struct {
	env      *env
	period   int            // index into model.Periods
	severity model.Severity // 0: all
	metrics  *model.Metrics // nil until loaded
	overdue  []store.OverdueItem
	err      string
	seq      int // the load in flight; older answers are dropped
	offset   int
	width    int
	height   int
	// the lines as last built, and what they were built from: View runs
	// on every message, the figures change only with a load
	cache []string
	built dashKey
}

// dashKey is what the dashboard's lines depend on. The hour is there for
// the overdue items' "late" times.
type dashKey struct {
	metrics  *model.Metrics
	err      string
	width    int
	severity model.Severity
	hour     time.Time
}

// dashboardPeriod is the period the dashboard opens with: a month is what
// a weekly incident review looks back over.
const dashboardPeriod = 1 // model.Period30d

func newDashboard(e *env) Dashboard { return Dashboard{env: e, period: dashboardPeriod} }

// SetSize gives the dashboard its share of the screen.
func (d *Dashboard) SetSize(l Layout) {
	d.width, d.height = l.Width, max(1, l.BodyHeight-1) // a title line
	d.clampOffset()
}

// Filter is the filter the dashboard shows, as of now.
func (d *Dashboard) Filter() model.MetricsFilter {
	return model.Periods[d.period].Filter(d.env.now, d.env.loc, d.severity)
}

// Load asks the store for the figures of the current filter.
func (d *Dashboard) Load() tea.Cmd {
	d.seq++
	return loadMetrics(d.env.cfg.Store, d.seq, d.Filter(), d.env.now, d.env.loc)
}

// SetData takes a load's answer.
func (d *Dashboard) SetData(msg metricsLoadedMsg) {
	if msg.seq != d.seq {
		return
	}
	if msg.err != nil {
		d.err = describeErr(msg.err)
		return
	}
	d.err = ""
	d.metrics, d.overdue = &msg.metrics, msg.overdue
	d.clampOffset()
}

// HandleKey handles a key on the dashboard.
func (d *Dashboard) HandleKey(msg tea.KeyMsg) tea.Cmd {
	k := d.env.keys
	switch {
	case key.Matches(msg, k.Quit, k.Back):
		return func() tea.Msg { return backMsg{} }
	case key.Matches(msg, k.Period):
		d.period, d.offset = (d.period+1)%len(model.Periods), 0
		return d.Load()
	case key.Matches(msg, k.SevFilter):
		d.severity, d.offset = (d.severity+1)%(model.P4+1), 0
		return d.Load()
	case key.Matches(msg, k.Up):
		d.scroll(-1)
	case key.Matches(msg, k.Down):
		d.scroll(1)
	case key.Matches(msg, k.PageUp):
		d.scroll(-max(1, d.height-1))
	case key.Matches(msg, k.PageDown):
		d.scroll(max(1, d.height-1))
	case key.Matches(msg, k.Top):
		d.offset = 0
	case key.Matches(msg, k.Bottom):
		d.scroll(math.MaxInt32)
	}
	return nil
}

func (d *Dashboard) scroll(n int) {
	d.offset += n
	d.clampOffset()
}

func (d *Dashboard) clampOffset() {
	d.offset = max(0, min(d.offset, len(d.lines())-d.height))
}

// View renders the title line and the visible part of the figures.
func (d *Dashboard) View() string {
	s := d.env.styles
	sev := "all severities"
	if d.severity != 0 {
		sev = d.severity.String() + " only"
	}
	title := s.Section.Render("Metrics") + s.Muted.Render(" · "+model.Periods[d.period].Label()+" · "+sev+" · drills never count")
	lines := d.lines()
	end := min(len(lines), d.offset+d.height)
	body := slices.Clone(lines[min(d.offset, end):end]) // the last may change below: not in the cache
	if more := len(lines) - end; more > 0 && len(body) > 0 {
		body[len(body)-1] = s.Muted.Render(fmt.Sprintf("  ↓ %d more lines", more))
	}
	return title + "\n" + strings.Join(body, "\n")
}

// lines is the whole dashboard, one entry per screen line, built again
// only when what it shows has changed.
func (d *Dashboard) lines() []string {
	k := dashKey{d.metrics, d.err, d.width, d.severity, d.env.now.Truncate(time.Hour)}
	if d.cache == nil || k != d.built {
		d.cache, d.built = d.build(), k
	}
	return d.cache
}

// build lays the whole dashboard out.
func (d *Dashboard) build() []string {
	s := d.env.styles
	if d.err != "" {
		return []string{s.Error.Render(Fit("loading the metrics: "+d.err, d.width))}
	}
	if d.metrics == nil {
		return []string{s.Muted.Render("loading…")}
	}
	m := d.metrics
	var out []string
	add := func(l ...string) { out = append(out, l...) }
	head := func(t string) { add("", s.Section.Render(t)) }

	// Incidents and their severities.
	add(d.totals(m)...)

	head("Mean times (MTTD detect, MTTA acknowledge, MTTM mitigate, MTTR resolve)")
	add(d.row("MTTD", "start → detected", m.MTTD, "min", m.DetectionChange, m.DetectionTrend))
	add(d.row("MTTA", "detected → acknowledged", m.MTTA, "min", model.Stat{}, ""))
	add(d.row("MTTM", "detected → mitigated", m.MTTM, "min", model.Stat{}, ""))
	add(d.row("MTTR", "detected → resolved", m.MTTR, "min", m.ResolutionChange, m.ResolutionTrend))
	add(d.row("Resolved", "resolution rate", m.ResolutionRate, "%", model.Stat{}, ""))

	head("SLA breaches")
	add(d.breaches(m)...)

	head(fmt.Sprintf("Repeat incidents (same service and cause within %d days)", int(model.RepeatWindow/(24*time.Hour))))
	switch {
	case m.RepeatRate.OK:
		add(fmt.Sprintf("  %d of %d incidents (%s)", m.Repeats, m.Total, pct(m.RepeatRate.Value)))
	case m.Total > 0:
		add("  " + s.Muted.Render("no data: no incident in this period has an RCA cause category yet"))
	default:
		add("  " + s.Muted.Render("no data: no incidents in this period"))
	}

	head("Top causes (RCA cause category)")
	add(d.causes(m)...)

	head("Incidents per calendar month (the severity filter applies, the period does not)")
	add(d.trend(m)...)

	head(fmt.Sprintf("Overdue action items (%d; the severity filter applies, the period does not)", len(d.overdue)))
	add(d.overdueLines()...)
	return out
}

func (d *Dashboard) totals(m *model.Metrics) []string {
	s := d.env.styles
	if m.Total == 0 {
		return []string{s.Muted.Render(Fit("  No incidents in this period: every figure below says no data.", d.width))}
	}
	var b strings.Builder
	noun := "incidents"
	if m.Total == 1 {
		noun = "incident"
	}
	fmt.Fprintf(&b, "  %s  ", s.Bold.Render(fmt.Sprintf("%d %s", m.Total, noun)))
	for _, sev := range []model.Severity{model.P1, model.P2, model.P3, model.P4} {
		if d.severity != 0 && sev != d.severity {
			continue
		}
		b.WriteString(s.Badge[sev].Render(sev.String()) + fmt.Sprintf(" %-4d ", m.BySeverity[sev]))
	}
	fmt.Fprintf(&b, " %d resolved · %d still open", m.Resolved, m.Unresolved)
	return []string{b.String()}
}

// row is one mean time or rate: its value or "no data", and its change
// against the previous period when there is one.
func (d *Dashboard) row(name, desc string, st model.Stat, unit string, change model.Stat, trend model.Trend) string {
	s := d.env.styles
	val := s.Muted.Render(Pad("no data", 12))
	if st.OK {
		if unit == "min" {
			val = s.Bold.Render(Pad(minutes(st.Value), 12))
		} else {
			val = s.Bold.Render(Pad(pct(st.Value), 12))
		}
	}
	line := "  " + Pad(name, 9) + val + " "
	rest := desc
	if st.OK {
		rest += fmt.Sprintf(", over %d", st.N)
	}
	if change.OK {
		rest += fmt.Sprintf(" · %+.1f%% vs the period before", model.Round1(change.Value))
		if trend != "" {
			rest += ", " + string(trend)
		}
	}
	return line + s.Muted.Render(Fit(rest, max(0, d.width-24)))
}

// pct writes a percentage to a tenth, halves rounded up as the report
// rounds them (6.25 is 6.3%, where %.1f would write 6.2).
func pct(v float64) string { return fmt.Sprintf("%.1f%%", model.Round1(v)) }

// minutes writes a mean time as the report does (its figure is rounded to
// a tenth of a minute first): "4.5 min" under an hour, "12h 46m", "1d 15h"
// beyond.
func minutes(v float64) string {
	v = model.Round1(v)
	if v < 60 {
		return fmt.Sprintf("%.1f min", v)
	}
	return model.HumanDuration(time.Duration(v * float64(time.Minute)))
}

// breaches is the breach table: a column per milestone (by the short
// names the board counts down with), a row per severity and the totals.
func (d *Dashboard) breaches(m *model.Metrics) []string {
	s := d.env.styles
	if m.Total == 0 {
		return []string{"  " + s.Muted.Render("no data: no incidents in this period")}
	}
	sevs := []model.Severity{model.P1, model.P2, model.P3, model.P4}
	if d.severity != 0 {
		sevs = []model.Severity{d.severity}
	}
	// a column per milestone, narrower on a narrow screen: none is cut off
	colW := 6
	if n := len(m.Breaches); n > 0 {
		colW = max(4, min(6, (d.width-10)/n))
	}
	head := "  " + Pad("", 8)
	var legend []string
	for _, bc := range m.Breaches {
		short := d.shortName(bc)
		head += PadLeft(short, colW)
		legend = append(legend, short+" "+bc.Name)
	}
	out := []string{s.Muted.Render(head)}
	for _, sev := range sevs {
		line := "  " + Pad(sev.String(), 8)
		for _, bc := range m.Breaches {
			line += PadLeft(fmt.Sprint(bc.BySeverity[sev]), colW)
		}
		out = append(out, line)
	}
	if len(sevs) > 1 {
		line := "  " + Pad("total", 8)
		for _, bc := range m.Breaches {
			cell := PadLeft(fmt.Sprint(bc.Total), colW)
			if bc.Total > 0 {
				cell = s.State[model.StateBreached].Render(cell)
			}
			line += cell
		}
		out = append(out, line)
	}
	out = append(out, s.Muted.Render(Fit("  "+strings.Join(legend, " · "), d.width)))
	return append(out, fmt.Sprintf("  %d of %d incidents breached at least one milestone", m.BreachedIncidents, m.Total))
}

// shortName is a milestone's short name in the SLA policy ("ACK"), or its
// name's first letters when the policy has none.
func (d *Dashboard) shortName(bc model.BreachCount) string {
	for _, sp := range d.env.cfg.Catalog.Policy.Severities {
		for _, mt := range sp.Milestones {
			if mt.ID == bc.Milestone && mt.Short != "" {
				return mt.Short
			}
		}
	}
	return strings.ToUpper(Fit(bc.Name, 3))
}

func (d *Dashboard) causes(m *model.Metrics) []string {
	s := d.env.styles
	if len(m.TopCauses) == 0 {
		return []string{"  " + s.Muted.Render("no data: no incident in this period has an RCA cause category")}
	}
	barW := max(0, min(30, d.width-48))
	var out []string
	for _, c := range m.TopCauses {
		bar := strings.Repeat("█", int(math.Round(c.Percent/100*float64(barW))))
		out = append(out, fmt.Sprintf("  %s %4d %7s  %s", Pad(c.Label, 26), c.Count, pct(c.Percent), s.Accent.Render(bar)))
	}
	return out
}

// trend draws the monthly counts as a bar chart, five rows high, with a
// count above and the month under each bar.
func (d *Dashboard) trend(m *model.Metrics) []string {
	s := d.env.styles
	if len(m.Monthly) == 0 {
		return []string{"  " + s.Muted.Render("no data")}
	}
	peak := 0
	for _, mc := range m.Monthly {
		peak = max(peak, mc.Count)
	}
	const rows = 5
	colW := 5
	if d.width < 2+len(m.Monthly)*colW {
		colW = 4
	}
	blocks := []rune(" ▁▂▃▄▅▆▇█")
	counts, labels := "  ", "  "
	grid := make([]string, rows)
	for i := range grid {
		grid[i] = "  "
	}
	for _, mc := range m.Monthly {
		counts += PadLeft(fmt.Sprint(mc.Count), colW-1) + " "
		labels += PadLeft(mc.Month.In(d.env.loc).Format("Jan"), colW-1) + " "
		eighths := 0
		if peak > 0 {
			eighths = int(math.Round(float64(mc.Count) / float64(peak) * rows * 8))
		}
		if mc.Count > 0 && eighths == 0 {
			eighths = 1 // a month with incidents never looks empty
		}
		for r := range rows {
			fill := min(8, max(0, eighths-(rows-1-r)*8))
			cell := strings.Repeat(string(blocks[fill]), colW-2)
			grid[r] += " " + s.Accent.Render(cell) + " "
		}
	}
	out := []string{s.Muted.Render(counts)}
	out = append(out, grid...)
	return append(out, s.Muted.Render(labels))
}

func (d *Dashboard) overdueLines() []string {
	s := d.env.styles
	if len(d.overdue) == 0 {
		return []string{"  " + s.Muted.Render("none")}
	}
	var out []string
	for _, it := range d.overdue {
		late := Ago(d.env.now, it.Due)
		left := fmt.Sprintf("  %s #%-2d ", it.Key, it.Seq)
		right := fmt.Sprintf(" %s due %s, %s late", Pad(it.Owner, 10), it.Due.In(d.env.loc).Format("2006-01-02"), PadLeft(late, 4))
		w := max(8, d.width-ansi.StringWidth(left)-ansi.StringWidth(right))
		out = append(out, left+Pad(it.Description, w)+s.State[model.StateBreached].Render(right))
	}
	return out
}

// ShortHelp is the footer's key list.
func (d *Dashboard) ShortHelp() []key.Binding {
	k := d.env.keys
	return []key.Binding{k.Period, k.SevFilter, k.Up, k.Down, k.Back, k.Help}
}

// FullHelp is the '?' overlay's key list.
func (d *Dashboard) FullHelp() [][]key.Binding {
	k := d.env.keys
	return [][]key.Binding{{k.Period, k.SevFilter}, {k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Back, k.Help, k.ForceQ}}
}
