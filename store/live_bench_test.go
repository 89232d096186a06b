package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/warroom/warroom/model"
)

// BenchmarkChangeDetection measures how soon a console sees another's
// commit: store A writes a note; store B, another console on the file,
// polls DataVersion as the UI does (sleep the interval, poll, repeat) and
// notices the change. Each iteration waits a random fraction of the
// interval before writing, so commits fall at every phase of the poll, and
// records the time from the commit returning to the poll that sees it.
// Reported: p50-ms, p99-ms and max-ms of that latency (ns/op includes the
// random wait and means nothing).
func BenchmarkChangeDetection(b *testing.B) {
	for _, every := range []time.Duration{5 * time.Millisecond, 250 * time.Millisecond} {
		b.Run("poll="+every.String(), func(b *testing.B) { benchChangeDetection(b, every) })
	}
}

func benchChangeDetection(b *testing.B, every time.Duration) {
	ctx := context.Background()
	writer := openTest(b)
	watcher, err := Open(ctx, writer.Path())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { watcher.Close() })
	n := declare(b, writer, declaration("Watched")).Number

	seen := make(chan time.Time)
	stop := make(chan struct{})
	defer close(stop)
	last, err := watcher.DataVersion(ctx)
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(every):
			}
			v, err := watcher.DataVersion(ctx)
			if err != nil {
				b.Error(err)
				return
			}
			if v != last {
				last = v
				select {
				case seen <- time.Now():
				case <-stop:
					return
				}
			}
		}
	}()

	rng := rand.New(rand.NewPCG(1, 1))
	var lat []time.Duration
	for i := 0; b.Loop(); i++ {
		time.Sleep(time.Duration(rng.Int64N(int64(every))))
		_, err := writer.Apply(ctx, n, func(inc *model.Incident) (model.Event, error) {
			return inc.Note(at(time.Duration(i)*time.Second), "bench", "watch this")
		})
		if err != nil {
			b.Fatal(err)
		}
		committed := time.Now()
		select {
		case t := <-seen:
			lat = append(lat, max(t.Sub(committed), 0))
		case <-time.After(10 * time.Second):
			b.Fatal("the change was not seen within 10 s")
		}
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
}

// percentile is the p-th percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	k := (len(sorted)*p + 99) / 100 // ceil(len*p/100)
	return sorted[max(k-1, 0)]
}

// BenchmarkDataVersion is the cost of one poll: PRAGMA data_version on the
// held connection, nothing having changed.
func BenchmarkDataVersion(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	declare(b, s, declaration("x"))
	for b.Loop() {
		if _, err := s.DataVersion(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/poll")
}

// liveCatalog is testCatalog with a P1 playbook of 24 steps in four
// phases, the size of the seed's.
func liveCatalog() model.Catalog {
	cat := testCatalog()
	pb := model.Playbook{Severity: model.P1, Version: "1", Scenario: "Complete outage"}
	for ph, name := range []string{"Immediate Actions", "Investigation", "Resolution Phase", "Verification"} {
		phase := model.PlaybookPhase{Name: name, From: model.FromDetected,
			Start: time.Duration(ph) * 15 * time.Minute, End: time.Duration(ph+1) * 15 * time.Minute, HasWindow: true}
		for k := range 6 {
			phase.Steps = append(phase.Steps, model.Step{
				ID:    fmt.Sprintf("p1.%d.%d", ph, k),
				Group: "Alert Stakeholders",
				Text:  fmt.Sprintf("Step %d of %s: check the dashboards and page the owner", k, name),
			})
		}
		pb.Phases = append(pb.Phases, phase)
	}
	cat.Playbooks[model.P1] = pb
	return cat
}

// declareLive declares a P1 of liveCatalog (24 items) with two roles, and
// gives it events (the declaration included) of which ticks ticks.
func declareLive(b *testing.B, s *Store, title string, events, ticks int) *model.Incident {
	ctx := context.Background()
	d := declaration(title)
	d.Severity, d.OverrideReason = model.P1, "every tier is down"
	inc, ev, err := model.Declare(d, liveCatalog())
	if err != nil {
		b.Fatal(err)
	}
	inc.Roles[model.RoleCommander] = "alice"
	inc.Roles[model.RoleTechLead] = "bob"
	stored, err := s.Declare(ctx, inc, ev)
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i < events; i++ {
		now := at(time.Duration(i) * time.Minute)
		if i <= ticks {
			_, err = s.SetStep(ctx, stored.Number, stored.Checklist[i-1].ID, true, "bob", now)
		} else {
			_, err = s.Apply(ctx, stored.Number, func(inc *model.Incident) (model.Event, error) {
				return inc.Note(now, "bob", fmt.Sprintf("Note %d: rolled back the deploy, watching error rates", i))
			})
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	return stored
}

// BenchmarkRequeryBoard is the board's reload after a change: Board with
// 20 open incidents (P1s of 24 items, 10 events each).
func BenchmarkRequeryBoard(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	for i := range 20 {
		declareLive(b, s, fmt.Sprintf("Incident %d", i), 10, 5)
	}
	for b.Loop() {
		board, err := s.Board(ctx)
		if err != nil || len(board) != 20 {
			b.Fatalf("board: %d incidents, %v", len(board), err)
		}
	}
}

// BenchmarkRequeryIncident is the incident screen's reload after a change:
// Get of a P1 with 24 checklist items and 50 events.
func BenchmarkRequeryIncident(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	n := declareLive(b, s, "Registry nodes down", 50, 12).Number
	for b.Loop() {
		inc, err := s.Get(ctx, n)
		if err != nil || len(inc.Checklist) != 24 || len(inc.Timeline) != 50 {
			b.Fatalf("get: %v", err)
		}
	}
}

// BenchmarkHeartbeat is one console's heartbeat, with 10 consoles present
// and 1,000 dead sessions left behind.
func BenchmarkHeartbeat(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	for i := range 1010 {
		seen := at(time.Duration(i-1000) * time.Hour)
		if i >= 1000 {
			seen = t0
		}
		if err := s.Heartbeat(ctx, Presence{Session: fmt.Sprint("s", i), Actor: "a", LastSeen: seen}); err != nil {
			b.Fatal(err)
		}
	}
	p := Presence{Session: "me", Actor: "alice", Host: "laptop", PID: 4242, StartedAt: t0}
	for i := 0; b.Loop(); i++ {
		p.LastSeen = at(time.Duration(i) * 10 * time.Second)
		if err := s.Heartbeat(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPresent reads the 10 consoles present among 1,000 dead
// sessions.
func BenchmarkPresent(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	for i := range 1010 {
		seen := at(time.Duration(i-1000) * time.Hour)
		if i >= 1000 {
			seen = t0
		}
		if err := s.Heartbeat(ctx, Presence{Session: fmt.Sprint("s", i), Actor: "a", LastSeen: seen}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		ps, err := s.Present(ctx, at(-30*time.Second))
		if err != nil || len(ps) != 10 {
			b.Fatalf("present: %d, %v", len(ps), err)
		}
	}
}
