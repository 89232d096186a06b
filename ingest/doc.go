// Package ingest turns alert notifications from monitoring systems into
// normalized alerts: Prometheus Alertmanager webhooks (webhook_config, JSON
// version "4"), Grafana webhook contact points (version "1") and PagerDuty
// Events API v2 enqueue events.
//
// Parsing is pure: it reads one payload, at most MaxPayload bytes, and does
// no other I/O, keeps no state and knows no clock. The package depends on
// the standard library and model only (model.Severity for the severity
// map, model.PlainLine for titles, model.Declaration and model.AlertRecord
// for Apply). Apply turns a parsed notification into incidents through a
// Recorder (the store), one transaction per alert group, with the clock
// and the catalog it is given.
//
// # Errors and problems
//
// A payload is judged in two layers:
//
//   - The envelope (the delivery as a whole): a payload over MaxPayload,
//     malformed or truncated JSON, anything but a JSON object, a missing,
//     null or mistyped field that the envelope needs, an unsupported version,
//     an unknown format. Parse then returns an *Error and a zero
//     Notification: nothing is taken.
//   - Each alert of an Alertmanager or Grafana batch: an alert that is not
//     an object, or lacks a fingerprint, a status, labels, or (when firing)
//     a start time, or has a mistyped field, is skipped and recorded in
//     Notification.Problems with its index and the reason; the other alerts
//     are still taken. A notification whose every alert is invalid is not an
//     error: Alerts is empty and Problems says why, one entry per alert.
//
// A PagerDuty event is a single alert, so anything wrong with it is an
// *Error. A PagerDuty change event (the body of /v2/change/enqueue: a
// payload but no event_action) records a deployment or a configuration
// change, not an incident: Parse refuses it with an *Error wrapping
// ErrNotIncident, so a script that sends one to warroom learns that
// nothing was taken instead of seeing an empty success.
//
// Fields are checked where they are read, and only those: a field this
// package does not use (receiver, externalURL, commonLabels, orgId,
// notification_reason, routeLabels, values, images, ...) may hold anything,
// so a newer sender that adds or changes such fields still gets through.
// Object keys are matched exactly (encoding/json's struct decoding would
// also take "STATUS" for "status"). A JSON null is refused wherever a value
// is read, with one exception: a null annotations object (what Go encoders
// write for an empty map) is read as no annotations.
//
// # Untrusted text
//
// Every string is kept as received, escape sequences and all (JSON
// decoding does replace invalid UTF-8 with U+FFFD). Whatever shows one on
// a terminal must neutralise it first: Alert.Title does so for the
// incident title, and error messages quote the values they mention with
// strconv.Quote, cut to a few dozen characters.
package ingest
