package ingest

import (
	"encoding/json"
	"fmt"
)

// Alertmanager and Grafana send the same alert group shape (Grafana's
// webhook builds on Alertmanager's template data): the envelope says
// version, status, groupKey, truncatedAlerts and alerts; each alert says
// status, labels, annotations, startsAt, endsAt, generatorURL and
// fingerprint.
//
// The envelope needs: version ("4" for Alertmanager, "1" for Grafana),
// status (firing or resolved), a non-blank groupKey and a non-empty alerts
// array; truncatedAlerts, when present, is a whole number >= 0. Grafana's
// state, when present, is alerting or ok. Everything else of the envelope
// (receiver, groupLabels, commonLabels, commonAnnotations, externalURL,
// notification_reason, routeLabels, orgId, title, message) is ignored: each
// alert carries its own labels and annotations in full.
//
// Each alert needs: a fingerprint (non-blank, at most MaxKeyLen runes, and
// not one an earlier alert of the batch had), status firing or resolved,
// labels (an object of strings); annotations, when present, is an object
// of strings; startsAt is an RFC 3339 date, required and not the zero date
// when the alert fires (a resolved alert may lack it); endsAt, when present,
// is an RFC 3339 date, the zero date meaning "still firing"; generatorURL,
// when present, is a string. Grafana's extra members (silenceURL,
// dashboardURL, panelURL, values, valueString, imageURL, orgId) are
// ignored. The order of startsAt and endsAt is not checked: the two come
// from different clocks.

func parseAlertmanager(top object) (Notification, *Error) {
	return parseGroup(FormatAlertmanager, "4", top)
}

func parseGrafana(top object) (Notification, *Error) {
	return parseGroup(FormatGrafana, "1", top)
}

func parseGroup(source, version string, top object) (Notification, *Error) {
	v, err := top.str("version", true)
	if err != nil {
		return Notification{}, err
	}
	if v != version {
		return Notification{}, fail("version", fmt.Sprintf("is %s, want %q", quote(v), version))
	}
	status, err := top.enum("status", StatusFiring, StatusResolved)
	if err != nil {
		return Notification{}, err
	}
	if _, ok := top.m["state"]; ok && source == FormatGrafana {
		if _, err := top.enum("state", "alerting", "ok"); err != nil {
			return Notification{}, err
		}
	}
	groupKey, err := top.str("groupKey", true)
	if err != nil {
		return Notification{}, err
	}
	truncated, err := top.count("truncatedAlerts")
	if err != nil {
		return Notification{}, err
	}
	items, err := top.array("alerts")
	if err != nil {
		return Notification{}, err
	}
	if len(items) == 0 {
		return Notification{}, fail("alerts", "is empty: no alert to take")
	}
	n := Notification{
		Source:    source,
		GroupKey:  groupKey,
		Status:    status,
		Alerts:    make([]Alert, 0, len(items)),
		Truncated: truncated,
	}
	seen := make(map[string]int, len(items))
	for i, raw := range items {
		a, err := parseGroupAlert(raw)
		if err == nil {
			if j, dup := seen[a.Fingerprint]; dup {
				err = fail("fingerprint", fmt.Sprintf("is the same as alerts[%d]'s: skipped as a duplicate", j))
			}
		}
		if err != nil {
			n.Problems = append(n.Problems, Problem{Index: i, Field: err.Field, Reason: err.Reason, Fingerprint: a.Fingerprint})
			continue
		}
		seen[a.Fingerprint] = i
		a.Source, a.GroupKey = source, groupKey
		n.Alerts = append(n.Alerts, a)
	}
	return n, nil
}

// parseGroupAlert reads one alert of a batch; its fields' paths are
// relative to the alert. On error the alert returned holds the
// fingerprint if it could be read.
func parseGroupAlert(raw json.RawMessage) (Alert, *Error) {
	var a Alert
	o, err := decodeObject(raw, "")
	if err != nil {
		return a, err
	}
	if a.Fingerprint, err = o.key("fingerprint"); err != nil {
		return a, err
	}
	if a.Status, err = o.enum("status", StatusFiring, StatusResolved); err != nil {
		return a, err
	}
	if a.Labels, err = o.strMap("labels", true); err != nil {
		return a, err
	}
	if a.Annotations, err = o.strMap("annotations", false); err != nil {
		return a, err
	}
	firing := a.Status == StatusFiring
	if a.StartsAt, err = o.date("startsAt", firing); err != nil {
		if firing && err.Reason == "is missing" {
			err.Reason = "is missing: a firing alert needs its start time"
		}
		return a, err
	}
	if firing && a.StartsAt.IsZero() {
		return a, fail("startsAt", "is the zero date (0001-01-01): a firing alert needs its start time")
	}
	if a.EndsAt, err = o.date("endsAt", false); err != nil {
		return a, err
	}
	if a.GeneratorURL, err = o.str("generatorURL", false); err != nil {
		return a, err
	}
	a.Summary = a.Annotations["summary"]
	a.Description = a.Annotations["description"]
	a.RunbookURL = a.Annotations["runbook_url"]
	a.Severity = a.Labels["severity"]
	return a, nil
}
