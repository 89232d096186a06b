package model

import (
	"slices"
	"time"
)

// SortBoard orders incidents most urgent first, as the board shows them:
//
//  1. open before resolved (resolved ones only have post-incident work due);
//  2. real incidents before drills: an exercise never hides the real thing,
//     whatever its severity;
//  3. higher severity first (P1 before P2);
//  4. a breached deadline first, the longest overdue first;
//  5. then the running deadline due soonest; none at all last;
//  6. then the earlier detected, then the lower number.
//
// It sorts in place and is stable.
func SortBoard(incs []*Incident, now time.Time) {
	type key struct {
		open      bool
		real      bool // not a drill: real incidents come before drills
		sev       Severity
		has       bool
		remaining time.Duration
	}
	keys := make(map[*Incident]key, len(incs))
	for _, inc := range incs {
		d, ok := inc.NextDeadline(now)
		k := key{open: inc.Status == StatusOpen, real: !inc.IsDrill(), sev: inc.Severity, has: ok}
		if ok {
			k.remaining = d.Remaining(now)
		}
		keys[inc] = k
	}
	slices.SortStableFunc(incs, func(a, b *Incident) int {
		ka, kb := keys[a], keys[b]
		switch {
		case ka.open != kb.open:
			return boolFirst(ka.open)
		case ka.real != kb.real:
			return boolFirst(ka.real)
		case ka.sev != kb.sev:
			return int(ka.sev) - int(kb.sev)
		case ka.has != kb.has:
			return boolFirst(ka.has)
		case ka.has && ka.remaining != kb.remaining:
			if ka.remaining < kb.remaining {
				return -1
			}
			return 1
		case !a.DetectedAt.Equal(b.DetectedAt):
			return a.DetectedAt.Compare(b.DetectedAt)
		}
		return int(a.Number - b.Number)
	})
}

func boolFirst(aTrue bool) int {
	if aTrue {
		return -1
	}
	return 1
}
