package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
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
