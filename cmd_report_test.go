package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/store"
)

// TestReportFilter: report's flags as a filter ending at now; a date is a
// midnight in the local zone.
func TestReportFilter(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	now := time.Date(2025, time.June, 20, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name                    string
		since, period, severity string
		wantSince               time.Time
		wantSeverity            model.Severity
	}{
		{"nothing: all time", "", "", "", time.Time{}, 0},
		{"a date: local midnight", "2025-06-01", "", "", time.Date(2025, time.June, 1, 0, 0, 0, 0, berlin), 0},
		{"an RFC 3339 time", "2025-06-01T09:30:00Z", "", "", time.Date(2025, time.June, 1, 9, 30, 0, 0, time.UTC), 0},
		{"a period", "", "12m", "", time.Date(2024, time.June, 20, 14, 0, 0, 0, berlin), 0},
		{"all", "", "ALL", "all", time.Time{}, 0},
		{"a severity", "", " 7d ", "p2", time.Date(2025, time.June, 13, 14, 0, 0, 0, berlin), model.P2},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := reportFilter(c.since, c.period, c.severity, now, berlin)
			require.NoError(t, err)
			assert.True(t, c.wantSince.Equal(f.Since), "since %v, want %v", f.Since, c.wantSince)
			assert.True(t, now.Equal(f.Until))
			assert.Equal(t, c.wantSeverity, f.Severity)
		})
	}
	for _, bad := range [][3]string{
		{"yesterday", "", ""},
		{"2025-13-01", "", ""},
		{"2025-06-21", "", ""}, // after now, in Berlin
		{"", "1y", ""},
		{"", "", "P0"},
		{"2025-06-01", "30d", ""},
	} {
		_, err := reportFilter(bad[0], bad[1], bad[2], now, berlin)
		var ue usageError
		assert.ErrorAs(t, err, &ue, "%q", bad)
	}
}

// TestMonthlyChart: a bar a month, as high as its count against the
// highest, any incident at least an eighth; the months and counts below.
func TestMonthlyChart(t *testing.T) {
	var months []model.MonthCount
	for i, n := range []int{0, 1, 8, 4, 16, 0, 0, 0, 0, 0, 0, 1000} {
		months = append(months, model.MonthCount{Month: time.Date(2024, time.July+time.Month(i), 1, 0, 0, 0, 0, time.UTC), Count: n})
	}
	lines := strings.Split(strings.TrimSuffix(monthlyChart(months), "\n"), "\n")
	require.Len(t, lines, 3)
	// 1, 8, 4 and 16 of 1000 round up to an eighth; 1000 is a full bar
	assert.Equal(t, "      ▁▁▁ ▁▁▁ ▁▁▁ ▁▁▁                         ████", lines[0])
	assert.Equal(t, "  Jul Aug Sep Oct Nov Dec Jan Feb Mar Apr May Jun", lines[1])
	assert.Equal(t, "  0   1   8   4   16  0   0   0   0   0   0   1000", lines[2])
}

// TestReportOverdueItems: the report lists the overdue action items of the
// real incidents, most overdue first, with the days they are late; a
// drill's are left out, and --severity keeps its incidents' items only,
// in the JSON and the text alike.
func TestReportOverdueItems(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	const now = "2025-06-20T12:00:00Z"
	nowT, err := time.Parse(time.RFC3339, now)
	require.NoError(t, err)
	runOK := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		require.Equal(t, 0, run(append([]string{"--db", db}, args...), &out, &errb), errb.String())
		return out.String()
	}
	runOK("declare", "--title", "Registry down", "--severity", "P1", "--reason", "t", "--detected-at", "2025-06-01T09:00:00Z")
	runOK("declare", "--title", "Transport slow", "--severity", "P2", "--reason", "t", "--detected-at", "2025-06-02T09:00:00Z")
	runOK("drill", "start", "registry-failure", "--now", "2025-06-03T09:00:00Z")
	runOK("drill", "declare", "1", "--now", "2025-06-03T09:00:30Z") // INC-0003, a drill's P1

	st, err := store.Open(context.Background(), db)
	require.NoError(t, err)
	for _, it := range []struct {
		number int64
		late   time.Duration // before now
		status model.ActionStatus
	}{
		{1, 50 * time.Hour, model.ActionOpen},  // INC-0001 #1: 2 days overdue
		{1, time.Hour, model.ActionInProgress}, // INC-0001 #2: 0 days
		{1, 100 * time.Hour, model.ActionDone}, // INC-0001 #3: done, not overdue
		{1, -time.Hour, model.ActionOpen},      // INC-0001 #4: not due yet
		{2, 195 * time.Hour, model.ActionOpen}, // INC-0002 #1: 8 days and 3 hours
		{3, 300 * time.Hour, model.ActionOpen}, // INC-0003 #1: a drill's
	} {
		_, err := st.AddActionItem(context.Background(), it.number, model.ActionItem{Description: "fix it", Owner: "dave",
			DueAt: nowT.Add(-it.late), Status: it.status}, "carol", nowT.Add(-400*time.Hour))
		require.NoError(t, err)
	}
	require.NoError(t, st.Close())

	overdue := func(args ...string) []any {
		t.Helper()
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(runOK(append([]string{"report", "--json", "--now", now}, args...)...)), &doc))
		items, ok := doc["overdue_action_items"].([]any)
		require.True(t, ok, "overdue_action_items is an array: %v", doc["overdue_action_items"])
		return items
	}
	item := func(inc string, seq float64, due, status string, days float64) map[string]any {
		return map[string]any{"incident": inc, "item": seq, "description": "fix it", "owner": "dave",
			"due": due, "status": status, "days_overdue": days}
	}
	p2 := item("INC-0002", 1, "2025-06-12T09:00:00.000Z", "open", 8) // 195 h: 8 days and 3 hours
	p1a := item("INC-0001", 1, "2025-06-18T10:00:00.000Z", "open", 2)
	p1b := item("INC-0001", 2, "2025-06-20T11:00:00.000Z", "in_progress", 0)
	assert.Equal(t, []any{p2, p1a, p1b}, overdue(), "most overdue first; the drill's left out")
	assert.Equal(t, []any{p1a, p1b}, overdue("--severity", "P1"))
	assert.Equal(t, []any{p2}, overdue("--severity", "p2", "--period", "7d"), "the period does not apply: overdue is now")
	assert.Equal(t, []any{}, overdue("--severity", "P4"))

	text := runOK("report", "--severity", "P2", "--now", now)
	assert.Contains(t, text, "\noverdue action items: 1\n")
	assert.Regexp(t, `\n  INC-0002  #1  dave  due 2025-06-12, 8 day\(s\) overdue  fix it\n`, text)
	assert.NotContains(t, text, "INC-0001  #")
	text = runOK("report", "--now", now)
	assert.Contains(t, text, "\noverdue action items: 3\n")
	assert.NotContains(t, text, "INC-0003", "a drill's items never count")
}
