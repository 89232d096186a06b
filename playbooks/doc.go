// Package playbooks holds warroom's built-in content, taken from the seed
// (incident response playbooks for erlmcp v3), as YAML files embedded in the
// binary, and loads and validates such files into a model.Catalog. Builtin
// returns the built-in catalog; Load reads the same files from any fs.FS,
// for custom playbooks.
//
// # Files
//
// policy.yaml is the SLA policy (seed §3.3), with the status-update cadence
// (§4.1) and the escalation matrix (§7.1, §7.2):
//
//	version: 1          # the format version; this package reads 1
//	warn_ratio: 0.25    # a deadline warns when this share of its window is left
//	warn_at_most: 5m    # optional: ...or when at most this long is left
//	severities:
//	  P1:
//	    name: Critical
//	    status_update_every: 30m
//	    escalation: {trigger: immediate, after: 0m, tiers: [15m, 30m, 60m]}
//	    milestones:     # in display order
//	      - {id: acknowledge, name: Acknowledgment, short: ACK, from: detected, within: 15m}
//
// Milestone ids are detection, acknowledge, initial_resolution, resolution
// and post_mortem, each at most once; from is started, detected or resolved;
// within is more than zero. Every severity P1-P4 has a policy, and each
// policy has a name, a status_update_every, an escalation and milestones.
//
// warn_ratio is more than 0 and less than 1. warn_at_most applies to every
// severity; a deadline warns at whichever of the two comes first. Left out
// or 0, warn_at_most is off.
//
// status_update_every is the status-update cadence: while the incident is
// open, an update is due this long after the last one. 0 means no cadence.
//
// escalation is the severity's row of the escalation matrix. Its trigger is
// immediate (escalate at once, every tier in turn), no_progress (after
// `after` without progress) or no_resolution (after `after` without
// resolution); after is more than zero for no_progress and no_resolution,
// and 0 or left out for immediate. tiers are the response targets of Tier 1,
// 2, 3...: at least one, each more than zero. The number of tiers is the
// length of the list ("N/A" in the seed's matrix: the tier is left out).
//
// services.yaml is the service impact map (seed §2.3):
//
//	services:
//	  - {id: registry, name: Registry Service, tier: All,
//	     downtime_impact: Complete outage, performance_impact: Message throughput drop}
//
// Service ids and names are required and unique.
//
// Every file named p*.yaml but policy.yaml is a playbook (seed §4.1-4.4); each
// severity P1-P4 has exactly one, whatever its file is called:
//
//	severity: P1
//	version: seed-1     # the content's version, kept with incidents' snapshots
//	scenario: Complete service outage or major data loss
//	phases:
//	  - name: Immediate Actions
//	    window: {from: detected, start: 0m, end: 15m}   # optional
//	    groups:
//	      - name: Alert Stakeholders
//	        steps:
//	          - Page on-call engineer
//	          - {id: p1.page-ceo, text: Notify CEO and executives}
//	  - name: Verification
//	    steps:          # ungrouped steps, instead of groups
//	      - Customer connectivity test
//
// A phase has groups or steps, not both, and at least one step; phase names
// are unique within a playbook. A window's start is before its end. A phase
// without a window (Verification, which the seed gives none) has no due
// time.
//
// # Step ids
//
// A step's id is stable across versions of the content: the checklists of
// incidents refer to it. Unless the step gives one explicitly (the long
// form above), it is generated from the severity, phase, group and text,
// lowercased, with every run of other characters than letters and digits
// made a single dash, joined by dots:
// "p1.immediate-actions.alert-stakeholders.page-on-call-engineer". Ids are
// unique within a playbook.
//
// # Durations
//
// Durations are Go durations ("90s", "15m", "4h", "1h30m") or a whole number
// of days ("5d") or weeks ("1w"). A day is 24 hours. Negative durations are
// refused.
//
// # Built-in content
//
// The built-in files copy the seed word for word. Where the seed is silent:
// phase windows count from detection, as the §3.3 deadlines do; P1's
// Post-Incident phase, which the seed gives no window, runs from resolution
// to 72 hours after it, from its step "Complete RCA within 72 hours" and the
// §3.3 post-mortem deadline; Verification phases have no window. The seed
// gives a status-update cadence for P1 only (§4.1 "Update status every 30
// minutes"); P2's is 1 hour, P3's 4 hours and P4's 24 hours, each set to
// the pace of the severity between its acknowledgment and initial
// resolution deadlines (policy.yaml explains). warn_at_most is off. P4 has
// two escalation tiers, its Tier 3 being "N/A" in the seed.
//
// # Errors
//
// Load reports every problem it finds, each with its file, line and field,
// in one *ValidationError: YAML syntax, unknown fields, values of the wrong
// kind and every rule above.
package playbooks
