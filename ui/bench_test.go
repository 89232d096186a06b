package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

// BenchmarkBoardView renders the board at 200x50. Closed incidents never
// reach the board (the store does not load them), and View renders only
// the visible rows, so the cost is the same for 100 or 5,000 rows.
func BenchmarkBoardView(b *testing.B) {
	cat, err := playbooks.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{100, 5000} {
		b.Run(fmt.Sprintf("open=%d", n), func(b *testing.B) {
			e := &env{cfg: Config{Catalog: cat}, keys: DefaultKeyMap(), styles: NewStyles(DefaultTheme), now: t0, loc: time.UTC}
			board := newBoard(e)
			board.SetSize(layout(200, 50))
			incs := make([]*model.Incident, 0, n)
			for i := 0; i < n; i++ {
				sev := model.Severities[i%4]
				inc, _, err := model.Declare(model.Declaration{
					Title: fmt.Sprintf("incident number %d with a reasonably long title", i), Severity: sev,
					OverrideReason: "bench", DetectedAt: t0.Add(-time.Duration(i) * time.Minute), Actor: "bench",
				}, cat)
				if err != nil {
					b.Fatal(err)
				}
				inc.Number = int64(i + 1)
				inc.Roles[model.RoleCommander] = "alice"
				incs = append(incs, inc)
			}
			board.SetIncidents(incs)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = board.View()
			}
		})
	}
}

// BenchmarkAppView is a whole frame (header, board, footer) at 200x50.
func BenchmarkAppView(b *testing.B) {
	cat, err := playbooks.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	a := New(Config{Catalog: cat, Actor: "alice", Now: func() time.Time { return t0 }, Location: time.UTC})
	a.Update(struct{ w, h int }{})
	a.resize(200, 50)
	incs := make([]*model.Incident, 0, 100)
	for i := 0; i < 100; i++ {
		inc, _, err := model.Declare(model.Declaration{Title: fmt.Sprintf("incident %d", i), Severity: model.Severities[i%4],
			OverrideReason: "bench", DetectedAt: t0.Add(-time.Duration(i) * time.Minute), Actor: "bench"}, cat)
		if err != nil {
			b.Fatal(err)
		}
		inc.Number = int64(i + 1)
		incs = append(incs, inc)
	}
	a.board.SetIncidents(incs)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.frameValid = false // measure the render, not the cached frame
		_ = a.View()
	}
}
