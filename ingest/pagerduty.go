package ingest

import (
	"fmt"
	"strings"
)

// A PagerDuty Events API v2 event (POST /v2/enqueue) is one alert:
//
//   - routing_key: required, not blank. It is the integration's secret:
//     checked, never kept.
//   - event_action: required, trigger, acknowledge or resolve (-> status
//     firing, acknowledged, resolved).
//   - dedup_key: required, not blank, at most MaxKeyLen (255) characters;
//     it becomes both Fingerprint and GroupKey. PagerDuty makes it optional
//     on a trigger and then generates one, which it returns to the sender;
//     warroom cannot hand a key back, so without one a later acknowledge or
//     resolve could never find the alert: such a trigger is refused.
//   - client, client_url: optional strings (client_url -> GeneratorURL).
//   - payload: required on a trigger, an object with summary and source
//     (required, not blank), severity (required: critical, error, warning
//     or info), timestamp (optional RFC 3339 date, not the zero date; ->
//     StartsAt), component, group and class (optional strings) and
//     custom_details (anything; -> Annotations). On acknowledge and resolve
//     PagerDuty ignores the payload, and so does Parse.
//   - links: optional on a trigger, an array of objects with an href
//     string and an optional text string (used for RunbookURL). images is
//     ignored.
//
// A change event (POST /v2/change/enqueue: routing_key, payload, links,
// no event_action) is refused with ErrNotIncident.

// pagerDutyActions maps event_action to the alert status.
var pagerDutyActions = map[string]string{
	"trigger":     StatusFiring,
	"acknowledge": StatusAcknowledged,
	"resolve":     StatusResolved,
}

func parsePagerDuty(top object) (Notification, *Error) {
	if _, ok := top.m["event_action"]; !ok {
		if _, ok := top.m["payload"]; ok {
			return Notification{}, &Error{
				Reason: "a PagerDuty change event (a payload without event_action, as sent to /v2/change/enqueue) records a change, not an incident: nothing taken",
				Err:    ErrNotIncident,
			}
		}
	}
	if _, err := top.str("routing_key", true); err != nil {
		return Notification{}, err
	}
	action, err := top.enum("event_action", "trigger", "acknowledge", "resolve")
	if err != nil {
		return Notification{}, err
	}
	dedup, err := top.key("dedup_key")
	if err != nil {
		if err.Reason == "is missing" || err.Reason == "is empty" {
			err.Reason += ": warroom needs a dedup_key on every event, to match a later acknowledge or resolve to its trigger"
		}
		return Notification{}, err
	}
	if _, err := top.str("client", false); err != nil {
		return Notification{}, err
	}
	clientURL, err := top.str("client_url", false)
	if err != nil {
		return Notification{}, err
	}
	a := Alert{
		Source:       FormatPagerDuty,
		GroupKey:     dedup,
		Fingerprint:  dedup,
		Status:       pagerDutyActions[action],
		Labels:       map[string]string{},
		Annotations:  map[string]string{},
		GeneratorURL: clientURL,
	}
	if action == "trigger" {
		if err := readTrigger(top, &a); err != nil {
			return Notification{}, err
		}
	}
	return Notification{
		Source:   FormatPagerDuty,
		GroupKey: dedup,
		Status:   a.Status,
		Alerts:   []Alert{a},
	}, nil
}

// readTrigger reads a trigger's payload and links into a.
func readTrigger(top object, a *Alert) *Error {
	p, ok, err := top.child("payload")
	switch {
	case err != nil:
		return err
	case !ok:
		return fail("payload", "is missing: a trigger needs one")
	}
	if a.Summary, err = p.str("summary", true); err != nil {
		return err
	}
	source, err := p.str("source", true)
	if err != nil {
		return err
	}
	if a.Severity, err = p.enum("severity", "critical", "error", "warning", "info"); err != nil {
		return err
	}
	if _, ok := p.m["timestamp"]; ok {
		if a.StartsAt, err = p.date("timestamp", false); err != nil {
			return err
		}
		if a.StartsAt.IsZero() {
			return fail(p.at("timestamp"), "is the zero date (0001-01-01); leave it out to mean the time of receipt")
		}
	}
	a.Labels["severity"] = a.Severity
	a.Labels["source"] = source
	for _, name := range []string{"component", "group", "class"} {
		v, err := p.str(name, false)
		if err != nil {
			return err
		}
		if v != "" {
			a.Labels[name] = v
		}
	}
	if raw, ok := p.m["custom_details"]; ok {
		switch kind(raw) {
		case kindNull:
		case kindObject:
			details, _ := decodeObject(raw, p.at("custom_details"))
			for k, v := range details.m {
				if kind(v) == kindString {
					a.Annotations[k], _ = details.str(k, false)
					if k == "runbook_url" {
						a.RunbookURL = a.Annotations[k]
					}
				} else {
					a.Annotations[k] = compact(v)
				}
			}
		case kindString:
			a.Annotations["custom_details"], _ = p.str("custom_details", false)
		default:
			a.Annotations["custom_details"] = compact(raw)
		}
	}
	if _, ok := top.m["links"]; !ok {
		return nil
	}
	links, err := top.array("links")
	if err != nil {
		return err
	}
	for i, raw := range links {
		l, err := decodeObject(raw, fmt.Sprintf("links[%d]", i))
		if err != nil {
			return err
		}
		href, err := l.str("href", true)
		if err != nil {
			return err
		}
		text, err := l.str("text", false)
		if err != nil {
			return err
		}
		if a.RunbookURL == "" && strings.EqualFold(strings.TrimSpace(text), "runbook") {
			a.RunbookURL = href
		}
	}
	return nil
}
