// Package model is warroom's domain: incidents, severities, the lifecycle, SLA
// milestones, playbooks and their checklists, roles and the timeline.
//
// It is pure: no I/O, no UI, no SQL. Every rule that depends on time takes
// the current instant as an argument, so each one is tested with a fake clock.
// Instants are time.Time values; the store keeps them as UTC unix
// milliseconds, so everything here is truncated to the millisecond (see
// Millis).
package model

import "time"

// Millis truncates t to the millisecond and converts it to UTC: the
// precision and zone instants have once they are stored.
func Millis(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.UnixMilli(t.UnixMilli()).UTC()
}
