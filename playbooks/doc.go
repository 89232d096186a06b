// Package playbooks holds warroom's built-in content, taken from the seed
// (incident response playbooks for erlmcp v3), as YAML files embedded in the
// binary, and loads and validates such files into a model.Catalog. Builtin
// returns the built-in catalog; Load reads the same files from any fs.FS,
// for custom playbooks. Templates returns the communication templates (see
// below); LoadTemplates reads custom ones.
//
// # Files
//
// policy.yaml is the SLA policy (seed §3.3), with the status-update cadence
// (§4.1), the escalation matrix (§7.1, §7.2) and the post-incident review
// deadlines (§6.1.1):
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
// and post_mortem (§3.3), and the post-incident review's pir_meeting,
// pir_document, action_items and review_complete (§6.1.1, from resolved in
// the built-in policy), each at most once; from is started, detected or resolved;
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
//
// # Communication templates
//
// The seed's communication templates (§5.1-5.4, §7.3) are files too,
// templates/*.tmpl, which Templates loads; LoadTemplates reads *.tmpl from
// any fs.FS. A template file begins with a front matter block between two
// lines "---", then the text, a Go text/template over model.TemplateData:
//
//	---
//	name: status-update        # required: lowercase words joined by dashes, unique
//	title: Status update       # optional: the name
//	audience: internal         # required: internal or customer
//	counts_as_update: true     # required: sending it restarts the update clock
//	---
//	# INCIDENT STATUS UPDATE - {{.Key}}
//
// The built-in names are a contract: detection-notification,
// status-update, resolution-confirmation, customer-initial-alert,
// customer-resolution, escalation-notification (in that order; every one
// counts as a status update but the escalation notification). Besides
// text/template's own functions a template may call lower ("critical"),
// and the data's method Role ({{.Role "Incident Commander"}}, "" when
// nobody holds it; an unknown role is an error).
//
// LoadTemplates runs every template on an incident with every field and
// list filled and on an empty one, so an unknown field ({{.Nope}}), a
// syntax error or a call that fails (an unknown role, an index out of
// range) is refused when loading, as a Problem with the file and the line
// of the file it is on (not of the text after the front matter).
//
// Fill writes plain text: whatever the data or the template holds, the
// result goes through model.PlainText, which keeps the newlines and drops
// every escape sequence and control character. What the console cannot
// know stays a visible placeholder in square brackets, "[Customer Name]";
// Placeholders lists those left in a text (not "[ ]", "[x]" or links).
//
// Where the seed leaves a choice, the built-in templates make it so:
//
//   - "[Timestamp]" is the time of filling (Now), but the resolution
//     confirmation's is the resolution time, and the escalation
//     notification's the time of the escalation.
//   - "[List affected components]" lists the services with their §2.3
//     downtime and performance impact; the customer templates name the
//     services only. The title, the share of customers and the business
//     impact go into internal texts only: "[Description]" for customers
//     is left to a person. The resolution confirmation keeps "[Number]" of
//     affected customers and adds the share the incident knows.
//   - Durations and resolution times are filled only once the incident is
//     resolved; before, they stay placeholders.
//   - Lists the incident has (ticked steps as Actions Taken and Previous
//     Actions, status updates as the customer alert's Status Updates)
//     replace the seed's example lines; an empty list leaves the seed's.
//   - The status update's next update is due the cadence after now
//     (sending it restarts the clock), "[Time of next update]" once
//     resolved.
//   - The escalation notification announces the last escalation recorded
//     (Tier 1 -> Tier 2 after escalating to Tier 2), or before any, the one
//     the trigger calls for; the escalation is acknowledged within the new
//     tier's §7.1 response target and the status update is due within the
//     severity's cadence (the seed's "15 minutes" and "30 minutes" when
//     unknown). Contacts: On-call is the Incident Commander, Backup the
//     Technical Lead; Manager, which the seed's roles do not have, and
//     every phone and e-mail stay placeholders.
//
// # Alert severity mapping
//
// labels.yaml maps the severity of an incoming alert to an incident
// severity; LoadLabels reads it into a LabelMap, BuiltinLabels returns the
// built-in one:
//
//	label: severity        # required: the alert label that carries the severity
//	values:                # label value -> P1..P4
//	  critical: P1
//	  warning: P3
//	default: P3            # required: no label, or a value not listed
//
// Alert values are trimmed and lower-cased before the lookup, so the keys
// of values must be trimmed and in lower case.
//
// # Custom playbooks
//
// LoadWith lays playbook directories over the built-in content. A playbook
// directory is laid out as BuiltinFS (and `warroom playbooks export DIR`
// writes it so): policy.yaml, services.yaml, p1.yaml to p4.yaml,
// labels.yaml and templates/*.tmpl. Every file is optional, and each file
// present replaces the built-in file of the same name whole; nothing is
// merged within a file. So a directory holding only p1.yaml changes the P1
// playbook and nothing else, and one holding only policy.yaml must give the
// whole policy, every severity. pN.yaml must be the PN playbook. A
// templates/NAME.tmpl replaces the built-in NAME.tmpl (keeping its name) or
// adds a template. Any other *.yaml or *.yml file is refused as a likely
// misspelling; other files are ignored.
//
// The result is validated as a whole, every problem of every file
// reported together, each with its directory (Problem.Dir), its file
// relative to it, its line and its field.
package playbooks
