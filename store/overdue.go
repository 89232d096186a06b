package store

import (
	"context"
	"fmt"

	"github.com/warroom/warroom/model"
)

// IncidentGetter loads an incident by its number: *Store, or the console's
// store interface, which has the same Get.
type IncidentGetter interface {
	Get(ctx context.Context, number int64) (*model.Incident, error)
}

// FilterOverdue keeps, of OverdueItems' list, the items the metrics count:
// those of real incidents (a drill's items are left out, as drills never
// count) of severity sev, an item belonging to its incident's severity; a
// sev of 0 keeps every severity. The order (most overdue first) is kept.
//
// OverdueItem does not carry the severity, so with a severity it loads
// each distinct incident once through st; without one it reads nothing.
// items is not changed.
func FilterOverdue(ctx context.Context, st IncidentGetter, items []OverdueItem, sev model.Severity) ([]OverdueItem, error) {
	out := []OverdueItem{}
	severity := map[int64]model.Severity{}
	for _, it := range items {
		if it.Drill {
			continue
		}
		if sev != 0 {
			s, ok := severity[it.Number]
			if !ok {
				inc, err := st.Get(ctx, it.Number)
				if err != nil {
					return nil, fmt.Errorf("overdue action items: %s: %w", it.Key, err)
				}
				s = inc.Severity
				severity[it.Number] = s
			}
			if s != sev {
				continue
			}
		}
		out = append(out, it)
	}
	return out, nil
}
