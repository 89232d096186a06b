package ui

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

// TestDashboardSaysNoData: with nothing to measure, the dashboard says so
// rather than showing zeros.
func TestDashboardSaysNoData(t *testing.T) {
	h := newHarness(t, 120, 40)
	h.key("m")
	require.Equal(t, screenDashboard, h.app.screen)
	v := h.view()
	assert.Contains(t, v, "Metrics · last 30 days · all severities")
	assert.Contains(t, v, "No incidents in this period")
	assert.Contains(t, v, "no data")
	assert.NotContains(t, v, "NaN")
	assert.NotContains(t, v, "0.0 min")
	assert.NotContains(t, v, "0.0%")
	h.key("esc")
	assert.Equal(t, screenBoard, h.app.screen)
}

// TestDashboardFigures checks the figures of a small data set worked out
// by hand from the definitions, the filters, and that a drill never
// counts.
//
//	INC-0001 P2: started 14:00-2h10m, detected -2h, acknowledged -1h50m,
//	             resolved -1h      → MTTD 10m, MTTA 10m, MTTR 1h (and MTTM
//	             1h: resolving marks an unmitigated incident mitigated)
//	INC-0002 P3: detected -30m, open, never acknowledged
//	drill    P1: detected -20m, acknowledged 1 minute later: left out
//
// Two incidents, one resolved: resolution rate 50.0%.
func TestDashboardFigures(t *testing.T) {
	h := newHarness(t, 120, 60)
	withDrills(t, h)
	ctx := context.Background()

	inc, ev, err := model.Declare(model.Declaration{Title: "routing errors", Severity: model.P2, OverrideReason: "test",
		StartedAt: t0.Add(-2*time.Hour - 10*time.Minute), DetectedAt: t0.Add(-2 * time.Hour), Actor: "bob"}, h.cat)
	require.NoError(t, err)
	_, err = h.st.Declare(ctx, inc, ev)
	require.NoError(t, err)
	_, err = h.st.Apply(ctx, 1, func(inc *model.Incident) (model.Event, error) {
		return inc.Acknowledge(t0.Add(-110*time.Minute), "bob")
	})
	require.NoError(t, err)
	_, err = h.st.Apply(ctx, 1, func(inc *model.Incident) (model.Event, error) {
		return inc.Resolve(t0.Add(-time.Hour), "bob", "fixed", "test")
	})
	require.NoError(t, err)
	h.declare("slow sessions", model.P3, t0.Add(-30*time.Minute))

	sc, ok := playbooks.FindScenario(h.app.env.cfg.Scenarios, "registry-failure")
	require.True(t, ok)
	d, err := h.st.StartDrill(ctx, sc, "carol", t0.Add(-21*time.Minute))
	require.NoError(t, err)
	dinc, dev, err := model.Declare(d.Declaration(t0.Add(-20*time.Minute), "carol"), h.cat)
	require.NoError(t, err)
	dd, err := h.st.DeclareDrill(ctx, d.ID, dinc, dev, t0.Add(-20*time.Minute))
	require.NoError(t, err)
	_, err = h.st.Apply(ctx, dd.Number, func(inc *model.Incident) (model.Event, error) {
		return inc.Acknowledge(t0.Add(-19*time.Minute), "carol")
	})
	require.NoError(t, err)

	h.key("m")
	v := h.view()
	assert.Contains(t, v, "2 incidents")
	assert.Contains(t, v, "1 resolved · 1 still open")
	assert.Contains(t, v, "MTTD     10.0 min")
	assert.Contains(t, v, "MTTA     10.0 min")
	assert.Contains(t, v, "MTTR     1h 0m")
	assert.Contains(t, v, "Resolved 50.0%")
	assert.Contains(t, v, "MTTM     1h 0m", "resolving marks it mitigated then")
	assert.Contains(t, v, "  P2           1     0     0     0", "P2 detection target 5m: 10m breaches it")
	assert.Contains(t, v, "1 of 2 incidents breached at least one milestone")

	h.key("s") // P1 only: the drill is a P1 and must not show
	v = h.view()
	assert.Contains(t, v, "P1 only")
	assert.Contains(t, v, "No incidents in this period")
	h.key("s") // P2 only
	v = h.view()
	assert.Contains(t, v, "1 incident ")
	assert.Contains(t, v, "Resolved 100.0%")

	h.key("p")
	assert.Contains(t, h.view(), "last 90 days · P2 only")
}

// TestDashboardOverdueFollowsSeverity: the overdue action items follow the
// severity filter; a drill's never show.
func TestDashboardOverdueFollowsSeverity(t *testing.T) {
	h := newHarness(t, 120, 60)
	ctx := context.Background()
	for _, sev := range []model.Severity{model.P2, model.P4} {
		inc := h.declare("incident "+sev.String(), sev, t0.Add(-10*24*time.Hour))
		_, err := h.st.AddActionItem(ctx, inc.Number, model.ActionItem{Description: "fix for " + sev.String(), Owner: "dave",
			DueAt: t0.Add(-9 * 24 * time.Hour), Status: model.ActionOpen}, "dave", t0.Add(-10*24*time.Hour))
		require.NoError(t, err)
	}
	h.key("m")
	v := h.view()
	assert.Contains(t, v, "Overdue action items (2;")
	assert.Contains(t, v, "fix for P2")
	assert.Contains(t, v, "fix for P4")
	h.key("s")
	h.key("s") // P2 only
	v = h.view()
	assert.Contains(t, v, "Overdue action items (1;")
	assert.Contains(t, v, "fix for P2")
	assert.NotContains(t, v, "fix for P4")
}

// TestDashboardBreachTableFitsNarrowScreens: at 60 columns every milestone
// keeps its column.
func TestDashboardBreachTableFitsNarrowScreens(t *testing.T) {
	h := newHarness(t, 60, 60)
	h.declare("slow sessions", model.P3, t0.Add(-time.Hour))
	h.key("m")
	v := h.view()
	assert.Regexp(t, `DET +ACK +MIT +RES +PM +PIR +DOC +ACT +REV`, v)
}

// TestDashboardFormatsAsTheReport: the dashboard writes figures as
// `warroom report` does, so the two never seem to disagree.
func TestDashboardFormatsAsTheReport(t *testing.T) {
	assert.Equal(t, "6.3%", pct(6.25), "1 of 16: halves round up")
	assert.Equal(t, "68.8%", pct(68.75))
	assert.Equal(t, "12h 46m", minutes(765.97), "766.0 min, as the report rounds it")
	assert.Equal(t, "4.5 min", minutes(4.46))
	assert.Equal(t, "1d 15h", minutes(39*60+44))
}
