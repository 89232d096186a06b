package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warroom/warroom/model"
)

// The metrics dashboard (seed §6.3, §9.3) reads every real incident it
// needs in two queries and computes the figures in one pass in
// model.ComputeMetrics. Drills (incidents.drill_id set) never count.
//
// Reading 10,000 incidents within the dashboard's budget (50 ms with the
// figures, BenchmarkMetrics10k) shapes the queries:
//
//   - each column costs the driver two calls into SQLite, each taking the
//     connection's mutex: the header's sixteen fields come as one text,
//     which Go splits (unpackHeader);
//   - each row costs it too, as much as a few columns: the headers, the
//     services and the causes of all the incidents come as three texts of
//     one row (group_concat), cheaper than a row each or a subquery per
//     incident;
//   - the header is read from a covering index, incidents_detected, a
//     fifth of the table's size: it stays in the page cache, where the
//     table (5 MB at 10,000 incidents) does not;
//   - the RCA's cause is a column of reviews (reviews.cause, kept with the
//     body by SaveReview), read from its own small index, not from the
//     body, several kB of JSON;
//   - the SLA snapshot, 1-2 kB of JSON, is read by its id: the few
//     distinct texts come from policy_snapshots, each decoded once, the
//     first time an incident has it.

// metricsQuery is MetricRecords' one query of the incidents, one row (a
// row costs the driver as much as a few columns, and every column costs it
// two calls into SQLite) of three packed texts:
//
//   - the headers of the real incidents detected at or after ?1, each
//     sixteen fields (unpackHeader), separated by commas. They come from
//     the index incidents_detected alone (TestMetricsQueryPlan), which
//     covers these columns of the real incidents, in its order, detection
//     then number: no table row, no sort;
//   - every incident's services (drills' too, which no record asks for): a
//     list of "<incident id> <length in bytes>:<service>" with nothing in
//     between, so that any service id reads back as it is (unpackList);
//   - the RCA cause categories of the reviews that have one, a list of the
//     same kind, from the reviews_cause index alone (the incident's id is
//     its row id);
//
// then the highest incident row id and the number of incidents, which say
// whether the ids are dense (byID).
const metricsQuery = `SELECT
	(SELECT ifnull(group_concat(concat_ws(' ', i.id, i.number, i.severity, i.status,
			ifnull(i.started_at, 'n'), i.detected_at, ifnull(i.acknowledged_at, 'n'),
			ifnull(i.mitigated_at, 'n'), ifnull(i.resolved_at, 'n'), ifnull(i.post_mortem_at, 'n'),
			ifnull(i.closed_at, 'n'), ifnull(i.pir_meeting_at, 'n'), ifnull(i.pir_document_at, 'n'),
			ifnull(i.action_items_at, 'n'), ifnull(i.review_completed_at, 'n'), ifnull(i.policy_id, 'n')), ','), '')
		FROM incidents i WHERE i.drill_id IS NULL AND i.detected_at >= ?1),
	(SELECT ifnull(group_concat(incident_id || ' ' || length(CAST(service AS BLOB)) || ':' || service, ''), '')
		FROM incident_services),
	(SELECT ifnull(group_concat(incident_id || ' ' || length(CAST(cause AS BLOB)) || ':' || cause, ''), '')
		FROM reviews WHERE cause IS NOT NULL),
	(SELECT ifnull(max(id), 0) FROM incidents),
	(SELECT count(*) FROM incidents)`

// MetricRecords returns the real incidents (drills left out) detected at
// or after since (a zero since: all of them) as the metrics read them,
// ordered by detection, then number; their Services in no particular
// order. It reads one snapshot with two queries (metricsQuery and the SLA
// snapshots), never a query per incident.
func (s *Store) MetricRecords(ctx context.Context, since time.Time) ([]model.MetricRecord, error) {
	from := int64(math.MinInt64)
	if !since.IsZero() {
		from = model.Millis(since).UnixMilli()
		if model.Millis(since).Before(since) {
			from++ // a detection in since's millisecond but before since is out
		}
	}
	var out []model.MetricRecord
	err := s.inTx(ctx, readOnly, func(tx *sql.Tx) error {
		snapshots, err := collect(ctx, tx, func(row interface{ Scan(...any) error }, sn *snapshot) error {
			return row.Scan(&sn.id, &sn.text)
		}, "SELECT id, json FROM policy_snapshots")
		if err != nil {
			return fmt.Errorf("SLA snapshots: %w", err)
		}
		policies := newPolicyCache(snapshots)

		rows, err := tx.QueryContext(ctx, metricsQuery, from)
		if err != nil {
			return err
		}
		defer rows.Close()
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return err
			}
			return sql.ErrNoRows
		}
		// Strings: the driver's copies of SQLite's texts as they are (the
		// headers of 10,000 incidents are 1.5 MB), where []byte or
		// RawBytes would be copied once more. The records keep no part of
		// them.
		var (
			headers, servicesText, causesText string
			maxID, count                      int64
		)
		if err := rows.Scan(&headers, &servicesText, &causesText, &maxID, &count); err != nil {
			return err
		}
		services, err := unpackServices(servicesText, maxID, count)
		if err != nil {
			return fmt.Errorf("services: %w", err)
		}
		causes, err := unpackCauses(causesText, maxID, count)
		if err != nil {
			return fmt.Errorf("causes: %w", err)
		}
		if len(headers) == 0 {
			return nil
		}
		out = make([]model.MetricRecord, 0, strings.Count(headers, ",")+1)
		for len(headers) > 0 {
			header := headers
			if i := strings.IndexByte(headers, ','); i >= 0 {
				header, headers = headers[:i], headers[i+1:]
			} else {
				headers = ""
			}
			out = append(out, model.MetricRecord{})
			r := &out[len(out)-1]
			id, policyID, err := unpackHeader(header, r)
			if err != nil {
				return fmt.Errorf("incident row %d: %w", id, err)
			}
			if r.Policy, err = policies.get(policyID); err != nil {
				return fmt.Errorf("%s: %w", model.FormatKey(r.Number), err)
			}
			r.Services = services.get(id)
			r.Cause = causes.get(id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	// group_concat adds the headers in the order the index is read, which
	// is the records' own; SQLite does not promise it.
	if !inDetectionOrder(out) {
		slices.SortFunc(out, func(a, b model.MetricRecord) int {
			if c := a.DetectedAt.Compare(b.DetectedAt); c != 0 {
				return c
			}
			return cmp.Compare(a.Number, b.Number)
		})
	}
	return out, nil
}

// inDetectionOrder reports whether records are ordered by detection, then
// number. It compares them in place: slices.IsSortedFunc would copy each
// record, a few hundred bytes, to its comparison.
func inDetectionOrder(records []model.MetricRecord) bool {
	for i := 1; i < len(records); i++ {
		a, b := &records[i-1], &records[i]
		if c := a.DetectedAt.Compare(b.DetectedAt); c > 0 || c == 0 && a.Number > b.Number {
			return false
		}
	}
	return true
}

// snapshot is a policy_snapshots row.
type snapshot struct {
	id   int64
	text []byte
}

// policyCache decodes the SLA snapshots of policy_snapshots as the records
// ask for them, each once: the records of one snapshot share its decoded
// value (and the slices in it, which nothing changes). One that does not
// decode is an error only for an incident that has it.
type policyCache struct {
	text    map[int64][]byte
	decoded map[int64]model.SeverityPolicy
}

func newPolicyCache(snapshots []snapshot) *policyCache {
	c := &policyCache{
		text:    make(map[int64][]byte, len(snapshots)),
		decoded: make(map[int64]model.SeverityPolicy, len(snapshots)),
	}
	for _, sn := range snapshots {
		c.text[sn.id] = sn.text
	}
	return c
}

// get is the decoded snapshot of an incident's policy_id.
func (c *policyCache) get(id sql.NullInt64) (model.SeverityPolicy, error) {
	if p, ok := c.decoded[id.Int64]; ok && id.Valid {
		return p, nil
	}
	text, ok := c.text[id.Int64]
	if !id.Valid || !ok {
		return model.SeverityPolicy{}, errors.New("no SLA snapshot")
	}
	var p model.SeverityPolicy
	if err := json.Unmarshal(text, &p); err != nil {
		return model.SeverityPolicy{}, fmt.Errorf("SLA snapshot %d: %w", id.Int64, err)
	}
	c.decoded[id.Int64] = p
	return p, nil
}

// unpackList calls fn with each entry of a list like metricsQuery's,
// "<incident id> <length in bytes>:<text>" one after the other.
func unpackList(b string, fn func(id int64, text string) error) error {
	for len(b) > 0 {
		sp := strings.IndexByte(b, ' ')
		colon := strings.IndexByte(b, ':')
		if sp < 0 || colon < sp {
			return fmt.Errorf("malformed list at %q", b[:min(len(b), 20)])
		}
		id, err := atoi(b[:sp])
		if err != nil {
			return err
		}
		n, err := atoi(b[sp+1 : colon])
		if err != nil || n < 0 || int64(len(b)-colon-1) < n {
			return fmt.Errorf("malformed length in list at %q", b[:min(len(b), 20)])
		}
		text := b[colon+1 : colon+1+int(n)]
		b = b[colon+1+int(n):]
		if err := fn(id, text); err != nil {
			return err
		}
	}
	return nil
}

// byID holds a value per incident row id: in a slice indexed by the id
// when the ids are dense, as the store writes them (each the last one
// plus one, no incident ever deleted), which is several times cheaper
// than a map over 10,000 incidents; in a map, should a database have
// sparse ids (written by hand), or for an id past the slice.
type byID[T any] struct {
	dense  []T
	sparse map[int64]T
}

// newByID is an empty byID for incidents whose highest row id is maxID,
// count of them.
func newByID[T any](maxID, count int64) *byID[T] {
	m := &byID[T]{}
	if maxID >= 0 && maxID <= 2*count+64 {
		m.dense = make([]T, maxID+1)
	}
	return m
}

func (m *byID[T]) set(id int64, v T) {
	if id >= 0 && id < int64(len(m.dense)) {
		m.dense[id] = v
		return
	}
	if m.sparse == nil {
		m.sparse = map[int64]T{}
	}
	m.sparse[id] = v
}

// get is the value of id, the zero value for none.
func (m *byID[T]) get(id int64) T {
	if id >= 0 && id < int64(len(m.dense)) {
		return m.dense[id]
	}
	return m.sparse[id]
}

// unpackServices reads metricsQuery's list into each incident's services,
// by incident row id (newByID's maxID and count). The lists share one
// backing array, and each service id is one string however many
// incidents name it.
func unpackServices(b string, maxID, count int64) (*byID[[]string], error) {
	var (
		ids   []int64
		all   []string
		names = map[string]string{}
	)
	err := unpackList(b, func(id int64, raw string) error {
		name, ok := names[raw]
		if !ok {
			name = strings.Clone(raw) // not a part of b, which would keep it all
			names[name] = name
		}
		ids, all = append(ids, id), append(all, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := newByID[[]string](maxID, count)
	for lo := 0; lo < len(ids); {
		hi := lo + 1
		for hi < len(ids) && ids[hi] == ids[lo] {
			hi++
		}
		// An incident's services come together (the table's key order);
		// should they not, the capped slice makes append copy.
		if prev := out.get(ids[lo]); prev != nil {
			out.set(ids[lo], append(prev, all[lo:hi]...))
		} else {
			out.set(ids[lo], all[lo:hi:hi])
		}
		lo = hi
	}
	return out, nil
}

// unpackHeader reads one of metricsQuery's headers into r and returns the
// incident's row id and its SLA snapshot's id (not Valid for none):
// sixteen fields separated by single spaces, "n" for a NULL, in the order
// of the query.
func unpackHeader(b string, r *model.MetricRecord) (id int64, policyID sql.NullInt64, err error) {
	rv := &r.Review
	instants := [...]*time.Time{
		&r.StartedAt, &r.DetectedAt, &r.AcknowledgedAt, &r.MitigatedAt, &r.ResolvedAt,
		&r.PostMortemAt, &r.ClosedAt, &rv.MeetingAt, &rv.DocumentAt, &rv.ActionItemsAt, &rv.CompletedAt,
	}
	field := func() string {
		f := b
		if i := strings.IndexByte(b, ' '); i >= 0 {
			f, b = b[:i], b[i+1:]
		} else {
			b = ""
		}
		return f
	}
	null := func(f string) bool { return f == "n" }
	var sev int64
	if id, err = atoi(field()); err != nil {
		return 0, policyID, err
	}
	if r.Number, err = atoi(field()); err != nil {
		return id, policyID, err
	}
	if sev, err = atoi(field()); err != nil {
		return id, policyID, err
	}
	r.Severity = model.Severity(sev)
	switch f := field(); f {
	case string(model.StatusOpen):
		r.Status = model.StatusOpen
	case string(model.StatusResolved):
		r.Status = model.StatusResolved
	case string(model.StatusClosed):
		r.Status = model.StatusClosed
	default:
		return id, policyID, fmt.Errorf("status %q", f)
	}
	for _, t := range instants {
		f := field()
		if null(f) {
			continue
		}
		ms, err := atoi(f)
		if err != nil {
			return id, policyID, err
		}
		*t = time.UnixMilli(ms).UTC()
	}
	if f := field(); !null(f) {
		if policyID.Int64, err = atoi(f); err != nil {
			return id, policyID, err
		}
		policyID.Valid = true
	}
	if len(b) != 0 {
		return id, policyID, fmt.Errorf("%d extra bytes in the header", len(b))
	}
	return id, policyID, nil
}

// atoi reads a decimal integer, sign allowed, without allocating.
func atoi(b string) (int64, error) {
	neg := len(b) > 0 && b[0] == '-'
	digits := b
	if neg {
		digits = b[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return strconv.ParseInt(b, 10, 64) // the error, or a very large number
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not a number: %q", b)
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, nil
}

// unpackCauses reads metricsQuery's list of causes into each
// incident's, by incident row id (newByID's maxID and count). A known category is the model's string,
// not a copy; the store writes no other (SaveReview validates the review).
func unpackCauses(b string, maxID, count int64) (*byID[model.CauseCategory], error) {
	out := newByID[model.CauseCategory](maxID, count)
	err := unpackList(b, func(id int64, raw string) error {
		for _, c := range model.CauseCategories {
			if raw == string(c) {
				out.set(id, c)
				return nil
			}
		}
		out.set(id, model.CauseCategory(strings.Clone(raw)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MetricsFrom is the earliest detection the figures of f at now need: the
// first of the 12 calendar months of the trend (in loc), the start of the
// previous period of the same length, and RepeatWindow before f.Since for
// the earlier incidents a repeat repeats. Zero (everything) for all time.
func MetricsFrom(f model.MetricsFilter, now time.Time, loc *time.Location) time.Time {
	if f.Since.IsZero() {
		return time.Time{}
	}
	if loc == nil {
		loc = time.UTC
	}
	until := f.Until
	if until.IsZero() {
		until = now
	}
	nl := now.In(loc)
	from := time.Date(nl.Year(), nl.Month()-(model.MonthsShown-1), 1, 0, 0, 0, 0, loc)
	if prev := f.Since.Add(-until.Sub(f.Since)); prev.Before(from) {
		from = prev
	}
	if rep := f.Since.Add(-model.RepeatWindow); rep.Before(from) {
		from = rep
	}
	return from
}

// Metrics computes the dashboard's figures for f at now (model's
// ComputeMetrics), reading the real incidents from the earliest one any
// figure needs (MetricsFrom) in two queries.
func (s *Store) Metrics(ctx context.Context, f model.MetricsFilter, now time.Time, loc *time.Location) (model.Metrics, error) {
	records, err := s.MetricRecords(ctx, MetricsFrom(f, now, loc))
	if err != nil {
		return model.Metrics{}, err
	}
	return model.ComputeMetrics(records, f, now, loc), nil
}

// OverdueItem is an action item past due and not finished, with the
// incident it belongs to.
type OverdueItem struct {
	Key         string // the incident's, INC-0042
	Number      int64
	Seq         int
	Description string
	Owner       string
	Due         time.Time
	Status      model.ActionStatus
	Drill       bool // the incident is a drill's
}

// overdueItemsQuery is OverdueItems' one query; like overdueQuery, its
// status condition is the WHERE of the action_items_unfinished index, so
// that it reads the unfinished items due by now and no others.
const overdueItemsQuery = `SELECT i.number, a.seq, a.description, a.owner, a.due_at, a.status, i.drill_id IS NOT NULL
	FROM action_items a JOIN incidents i ON i.id = a.incident_id
	WHERE a.status IN ('open', 'in_progress') AND a.due_at <= ?
	ORDER BY a.due_at, i.number, a.seq`

// OverdueItems lists the overdue action items (model's ActionItem.Overdue:
// open or in progress, due now or earlier), most overdue first, then by
// incident and seq. Drills' items are listed too, marked: their action
// items are real work. It runs one query, whose cost grows with the
// overdue items only.
func (s *Store) OverdueItems(ctx context.Context, now time.Time) ([]OverdueItem, error) {
	var out []OverdueItem
	err := s.inTx(ctx, readOnly, func(tx *sql.Tx) error {
		var err error
		out, err = collect(ctx, tx, func(row interface{ Scan(...any) error }, it *OverdueItem) error {
			if err := row.Scan(&it.Number, &it.Seq, &it.Description, &it.Owner, instant{&it.Due}, &it.Status, &it.Drill); err != nil {
				return err
			}
			it.Key = model.FormatKey(it.Number)
			return nil
		}, overdueItemsQuery, model.Millis(now).UnixMilli())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("overdue action items: %w", err)
	}
	return out, nil
}
