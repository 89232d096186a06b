package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

// Budget (issue 6): the dashboard's figures over 10,000 incidents with
// their events in at most 50 ms: BenchmarkMetrics10k, one Store.Metrics
// call (its two queries and model.ComputeMetrics) for the last 12 months
// and for all time, on a year of history written by GenerateHistory (about
// 40 events, 13 checklist items and a review each).
//
// go test -run '^$' -bench Metrics -benchtime 20x -count 6 ./store

// metricsBenchNow is the instant the benchmark's history ends at.
var metricsBenchNow = time.Date(2025, time.June, 20, 12, 0, 0, 0, time.UTC)

// BenchmarkMetrics10k builds its database once per run (in the run's
// temporary directory, a few seconds), then measures each period.
func BenchmarkMetrics10k(b *testing.B) {
	ctx := context.Background()
	cat, err := playbooks.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "warroom.db")
	s, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := GenerateHistory(ctx, s, cat, HistoryOptions{Seed: 1, Count: 10_000, Now: metricsBenchNow}); err != nil {
		b.Fatal(err)
	}
	for _, p := range []model.Period{model.Period12m, model.PeriodAll} {
		b.Run("period="+string(p), func(b *testing.B) {
			f := p.Filter(metricsBenchNow, time.UTC, 0)
			var m model.Metrics
			for b.Loop() {
				if m, err = s.Metrics(ctx, f, metricsBenchNow, time.UTC); err != nil {
					b.Fatal(err)
				}
			}
			if m.Total < 9_000 {
				b.Fatalf("%d incidents counted, want about 10,000", m.Total)
			}
		})
	}
}
