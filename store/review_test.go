package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

// boardHeader is the header of incident number on the board.
func boardHeader(t *testing.T, s *Store, number int64) model.Incident {
	t.Helper()
	board, err := s.Board(context.Background())
	require.NoError(t, err)
	for _, inc := range board {
		if inc.Number == number {
			h := *inc
			h.Progress = model.Progress{}
			return h
		}
	}
	t.Fatalf("%s is not on the board", model.FormatKey(number))
	return model.Incident{}
}

// TestDeclareRoundTripReview: the verification and the review's steps,
// set before the incident is stored, come back from Declare, Get and Board
// to the millisecond, the passed checks as an equal map.
func TestDeclareRoundTripReview(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc, ev, err := model.Declare(declaration("Registry latency"), testCatalog())
	require.NoError(t, err)
	inc.Verification = model.Verification{
		FixedAt: at(time.Minute + 7*time.Millisecond),
		Passed: map[model.VerificationCheck]model.CheckMark{
			model.CheckConnectivity: {By: "bob", At: at(2*time.Minute + time.Millisecond)},
			model.CheckPerformance:  {By: "carol", At: at(3 * time.Minute)},
		},
	}
	inc.Review = model.ReviewState{
		MeetingAt:     at(time.Hour + time.Millisecond),
		DocumentAt:    at(2*time.Hour + 2*time.Millisecond),
		ActionItemsAt: at(3*time.Hour + 3*time.Millisecond),
		CompletedAt:   at(4*time.Hour + 4*time.Millisecond),
	}

	got, err := s.Declare(ctx, inc, ev)
	require.NoError(t, err)
	want := header(inc)
	want.ID, want.Number = got.ID, got.Number
	assert.Equal(t, want, header(got))
	reloaded, err := s.Get(ctx, got.Number)
	require.NoError(t, err)
	assert.Equal(t, got, reloaded)
	assert.Equal(t, want, boardHeader(t, s, got.Number), "the board reads the same header")

	// Sub-millisecond instants are stored truncated, as model.Millis does.
	inc.Verification.FixedAt = at(time.Minute + 7*time.Millisecond + 999*time.Microsecond)
	inc.Review.MeetingAt = at(time.Hour + time.Millisecond + time.Microsecond)
	got, err = s.Declare(ctx, inc, ev)
	require.NoError(t, err)
	assert.Equal(t, at(time.Minute+7*time.Millisecond), got.Verification.FixedAt)
	assert.Equal(t, at(time.Hour+time.Millisecond), got.Review.MeetingAt)

	// None passed: NULL, read back as no map; an empty map is stored so too.
	bare := declare(t, s, declaration("Bare"))
	assert.Nil(t, bare.Verification.Passed)
	assert.Equal(t, model.Verification{}, bare.Verification)
	assert.Equal(t, model.ReviewState{}, bare.Review)
	inc.Verification.Passed = map[model.VerificationCheck]model.CheckMark{}
	got, err = s.Declare(ctx, inc, ev)
	require.NoError(t, err)
	assert.Nil(t, got.Verification.Passed)
	var raw *string
	require.NoError(t, s.db.QueryRow("SELECT verification_json FROM incidents WHERE number = ?", got.Number).Scan(&raw))
	assert.Nil(t, raw)
}

// TestApplyVerificationAndReview runs the post-fire actions of the model
// through Apply, from the fix to the closing, and checks after each that
// what is stored is what the action did in memory, that Get and the board
// read it back, and at the end that another Store opening the file does too.
func TestApplyVerificationAndReview(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	n := declare(t, s, declaration("Registry down")).Number

	type action func(inc *model.Incident) (model.Event, error)
	mark := func(d time.Duration, step model.MilestoneID) action {
		return func(inc *model.Incident) (model.Event, error) { return inc.MarkReview(at(d), "dave", step) }
	}
	steps := []struct {
		name string
		do   action
	}{
		{"declare fix", func(inc *model.Incident) (model.Event, error) { return inc.DeclareFix(at(10*time.Minute), "bob") }},
		{"pass connectivity", func(inc *model.Incident) (model.Event, error) {
			return inc.PassCheck(at(12*time.Minute+3*time.Millisecond), "carol", model.CheckConnectivity)
		}},
		{"declare fix again", func(inc *model.Incident) (model.Event, error) {
			return inc.DeclareFix(at(15*time.Minute+5*time.Millisecond), "bob")
		}},
		{"pass performance", func(inc *model.Incident) (model.Event, error) {
			return inc.PassCheck(at(20*time.Minute), "carol", model.CheckPerformance)
		}},
		{"pass no recurrence", func(inc *model.Incident) (model.Event, error) {
			return inc.PassCheck(at(40*time.Minute), "dave", model.CheckNoRecurrence)
		}},
		{"pass stable", func(inc *model.Incident) (model.Event, error) {
			return inc.PassCheck(at(45*time.Minute+5*time.Millisecond), "dave", model.CheckStable)
		}},
		{"resolve", func(inc *model.Incident) (model.Event, error) {
			return inc.Resolve(at(50*time.Minute), "dave", "rolled back", "")
		}},
		{"meeting", mark(24*time.Hour+time.Millisecond, model.MilestonePIRMeeting)},
		{"document", mark(30*time.Hour, model.MilestonePIRDocument)},
		{"action items", mark(31*time.Hour, model.MilestoneActionItems)},
		{"complete", mark(32*time.Hour+999*time.Millisecond, model.MilestoneReviewComplete)},
		{"close", func(inc *model.Incident) (model.Event, error) { return inc.Close(at(33*time.Hour), "dave", "") }},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before, err := s.Get(ctx, n)
			require.NoError(t, err)
			want, err := s.Get(ctx, n)
			require.NoError(t, err)
			wantEv, err := st.do(want)
			require.NoError(t, err, "the model allows it on the stored incident")

			got, err := s.Apply(ctx, n, st.do)
			require.NoError(t, err)
			assert.Equal(t, header(want), header(got))
			require.Len(t, got.Timeline, len(before.Timeline)+1)
			wantEv.ID = last(t, got).ID
			assert.Equal(t, wantEv, last(t, got))
			assertBookkeeping(t, got)
			reloaded, err := s.Get(ctx, n)
			require.NoError(t, err)
			assert.Equal(t, got, reloaded)
			if got.Status != model.StatusClosed {
				assert.Equal(t, header(got), boardHeader(t, s, n))
			}
		})
	}

	got, err := s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, model.Verification{
		FixedAt: at(15*time.Minute + 5*time.Millisecond),
		Passed: map[model.VerificationCheck]model.CheckMark{
			model.CheckConnectivity: {By: "carol", At: at(12*time.Minute + 3*time.Millisecond)},
			model.CheckPerformance:  {By: "carol", At: at(20 * time.Minute)},
			model.CheckNoRecurrence: {By: "dave", At: at(40 * time.Minute)},
			model.CheckStable:       {By: "dave", At: at(45*time.Minute + 5*time.Millisecond)},
		},
	}, got.Verification)
	assert.Equal(t, model.ReviewState{
		MeetingAt: at(24*time.Hour + time.Millisecond), DocumentAt: at(30 * time.Hour),
		ActionItemsAt: at(31 * time.Hour), CompletedAt: at(32*time.Hour + 999*time.Millisecond),
	}, got.Review)
	assert.Equal(t, "closed", last(t, got).Text, "closed with the review complete: no override")

	var raw string
	require.NoError(t, s.db.QueryRow("SELECT verification_json FROM incidents WHERE number = ?", n).Scan(&raw))
	assert.Equal(t, fmt.Sprintf(`{"customer_connectivity":{"by":"carol","at":%d},"no_recurrence":{"by":"dave","at":%d},`+
		`"performance_sla":{"by":"carol","at":%d},"stable_30m":{"by":"dave","at":%d}}`,
		at(12*time.Minute+3*time.Millisecond).UnixMilli(), at(40*time.Minute).UnixMilli(),
		at(20*time.Minute).UnixMilli(), at(45*time.Minute+5*time.Millisecond).UnixMilli()), raw,
		"instants in unix milliseconds, keys sorted")

	other, err := Open(ctx, s.Path())
	require.NoError(t, err)
	defer other.Close()
	fresh, err := other.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, got, fresh, "another console reads the same")
}

// TestHeaderWritersKeepReview: every other write of the header leaves the
// verification and the review's steps as they were.
func TestHeaderWritersKeepReview(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cat := testCatalog()
	inc := declare(t, s, declaration("Registry down"))
	n := inc.Number
	for _, do := range []func(inc *model.Incident) (model.Event, error){
		func(inc *model.Incident) (model.Event, error) { return inc.DeclareFix(at(time.Minute), "bob") },
		func(inc *model.Incident) (model.Event, error) {
			return inc.PassCheck(at(2*time.Minute), "bob", model.CheckConnectivity)
		},
	} {
		_, err := s.Apply(ctx, n, do)
		require.NoError(t, err)
	}
	before, err := s.Get(ctx, n)
	require.NoError(t, err)
	require.NotEmpty(t, before.Verification.Passed)

	_, err = s.SetStep(ctx, n, item(t, inc, "p3.std.ticket").ID, true, "bob", at(3*time.Minute))
	require.NoError(t, err)
	_, err = s.ChangeSeverity(ctx, n, model.P3, cat.Policy.Severities[model.P1], cat.Playbooks[model.P1], "wider", "alice", at(4*time.Minute))
	require.NoError(t, err)
	d := createDraft(t, s, n, newDraft("internal", model.AudienceInternal, true, "update", at(5*time.Minute)))
	_, _, err = s.SendDraft(ctx, d.ID, nil, "", "alice", at(6*time.Minute))
	require.NoError(t, err)
	_, err = s.Apply(ctx, n, func(inc *model.Incident) (model.Event, error) { return inc.Note(at(7*time.Minute), "bob", "x") })
	require.NoError(t, err)
	_, err = s.AddActionItem(ctx, n, model.ActionItem{Description: "x", Owner: "bob", DueAt: at(time.Hour)}, "bob", at(8*time.Minute))
	require.NoError(t, err)

	after, err := s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, before.Verification, after.Verification)
	assert.Equal(t, before.Review, after.Review)
	assertBookkeeping(t, after)
}

// createV3 makes a database at schema version 3 by running the first three
// migrations through a plain connection.
func createV3(t *testing.T, path string) {
	t.Helper()
	ms, err := migrations()
	require.NoError(t, err)
	stmts := []string{}
	for _, m := range ms[:3] {
		stmts = append(stmts, m.sql, fmt.Sprintf("INSERT INTO schema_migrations (version, applied_at) VALUES (%d, 0)", m.version))
	}
	rawExec(t, path, append(stmts, "PRAGMA user_version = 3")...)
}

// TestMigration0004 upgrades a version-3 database holding an incident with
// its timeline, a role, a service, a checklist item and a draft: all kept,
// the incident with no verification and no review, which the new actions
// then store.
func TestMigration0004(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "warroom.db")
	createV3(t, path)
	ms := func(d time.Duration) int64 { return at(d).UnixMilli() }
	policy, err := json.Marshal(testPolicy(model.P2))
	require.NoError(t, err)
	rawExec(t, path,
		fmt.Sprintf(`INSERT INTO incidents (id, number, title, severity, phase, status, impact, customers_pct,
			detected_at, acknowledged_at, updated_at, last_progress_at, policy_json, tier)
			VALUES (7, 3, 'kept', 2, 1, 'open', 'critical', 40, %d, %d, %d, %d, '%s', 2)`,
			ms(0), ms(time.Minute), ms(2*time.Minute), ms(time.Minute), policy),
		"INSERT INTO incident_services (incident_id, service, position) VALUES (7, 'registry', 0)",
		fmt.Sprintf("INSERT INTO roles (incident_id, role, person, assigned_at) VALUES (7, '%s', 'alice', %d)", model.RoleCommander, ms(0)),
		fmt.Sprintf(`INSERT INTO checklist_items (incident_id, step_id, severity, phase, phase_order, anchor,
			start_ms, end_ms, has_window, text, position, done, done_by, done_at)
			VALUES (7, 'p2.x', 2, 'Immediate', 0, 'detected', 0, 60000, 1, 'Page', 0, 1, 'bob', %d)`, ms(time.Minute)),
		fmt.Sprintf(`INSERT INTO events (incident_id, at, actor, kind, text) VALUES
			(7, %d, 'alice', 'declared', 'declared'), (7, %d, 'bob', 'acknowledged', 'ack'), (7, %d, 'bob', 'communication', 'sent')`,
			ms(0), ms(time.Minute), ms(2*time.Minute)),
		fmt.Sprintf(`INSERT INTO drafts (incident_id, template, audience, body, author, created_at, updated_at)
			VALUES (7, 't', 'internal', 'draft text', 'alice', %d, %d)`, ms(0), ms(0)),
	)

	s, err := Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	var recorded, userVersion int
	require.NoError(t, s.db.QueryRow("SELECT count(*), (SELECT user_version FROM pragma_user_version) FROM schema_migrations").
		Scan(&recorded, &userVersion))
	assert.Equal(t, SchemaVersion, recorded, "0004 and every later migration applied")
	assert.Equal(t, SchemaVersion, userVersion)

	inc, err := s.Get(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, "kept", inc.Title)
	assert.Equal(t, model.P2, inc.Severity)
	assert.Equal(t, 2, inc.Tier)
	assert.Equal(t, at(time.Minute), inc.AcknowledgedAt)
	assert.Equal(t, []string{"registry"}, inc.Services)
	assert.Equal(t, "alice", inc.Commander())
	require.Len(t, inc.Checklist, 1)
	assert.Equal(t, at(time.Minute), inc.Checklist[0].DoneAt)
	assert.Len(t, inc.Timeline, 3)
	assert.Equal(t, model.Verification{}, inc.Verification)
	assert.Equal(t, model.ReviewState{}, inc.Review)
	drafts, err := s.Drafts(ctx, 3)
	require.NoError(t, err)
	require.Len(t, drafts, 1)
	assert.Equal(t, "draft text", drafts[0].Body)
	r, err := s.Review(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, model.Review{IncidentNumber: 3, Sections: map[string]string{}}, r)
	items, err := s.ActionItems(ctx, 3)
	require.NoError(t, err)
	assert.Empty(t, items)

	got, err := s.Apply(ctx, 3, func(inc *model.Incident) (model.Event, error) { return inc.DeclareFix(at(time.Hour), "bob") })
	require.NoError(t, err)
	assert.Equal(t, at(time.Hour), got.Verification.FixedAt)
	_, err = s.AddActionItem(ctx, 3, model.ActionItem{Description: "alerting", Owner: "bob", DueAt: at(48 * time.Hour)}, "bob", at(time.Hour))
	require.NoError(t, err)
	require.NoError(t, s.SaveReview(ctx, 3, model.Review{Sections: map[string]string{model.SectionSummary: "x"}, UpdatedAt: at(time.Hour)}))
	assertIntegrity(t, path)
}

// TestReview: the written review's round trip, upsert and refusals.
func TestReview(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Registry down"))
	n := inc.Number
	other := declare(t, s, declaration("Quiet"))

	empty, err := s.Review(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, model.Review{IncidentNumber: n, Sections: map[string]string{}}, empty)
	assert.NotNil(t, empty.Sections, "an empty review has a map to write into")
	_, err = s.Review(ctx, 99)
	assert.ErrorIs(t, err, model.ErrNotFound)
	assert.ErrorContains(t, err, "INC-0099")

	r := model.Review{
		IncidentNumber: 12345, // ignored
		Sections: map[string]string{
			model.SectionSummary: "The registry rejected logins for 50 minutes.",
			model.SectionLessons: "Canary the config.\n\nAnd \x1b[1mbold\x1b[0m is kept byte for byte.",
		},
		RCA: model.RCA{
			Whys:      []string{"logins failed", "registry crashed", "bad config"},
			RootCause: "config pushed without canary",
			Factors: []model.Factor{
				{Category: model.FishProcess, Text: "no canary"},
				{Category: model.FishTechnology, Text: "no schema check"},
			},
			Category:   model.CauseConfiguration,
			Prevention: "canary every config push",
		},
		UpdatedAt: at(time.Hour + 1500*time.Microsecond),
		UpdatedBy: "alice",
	}
	before, err := s.Get(ctx, n)
	require.NoError(t, err)
	require.NoError(t, s.SaveReview(ctx, n, r))
	got, err := s.Review(ctx, n)
	require.NoError(t, err)
	want := r
	want.IncidentNumber, want.UpdatedAt = n, at(time.Hour+time.Millisecond)
	assert.Equal(t, want, got, "saved to the millisecond")
	after, err := s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, before, after, "a review save is not on the timeline and leaves the header alone")
	assert.Equal(t, "configuration", reviewCauseColumn(t, s, n), "the cause column is the RCA's category")
	none, err := s.Review(ctx, other.Number)
	require.NoError(t, err)
	assert.Empty(t, none.Sections, "reviews are per incident")

	// The autosave replaces the whole review.
	r2 := model.Review{Sections: map[string]string{model.SectionSummary: "shorter"}, UpdatedAt: at(2 * time.Hour), UpdatedBy: "bob"}
	require.NoError(t, s.SaveReview(ctx, n, r2))
	got, err = s.Review(ctx, n)
	require.NoError(t, err)
	r2.IncidentNumber = n
	assert.Equal(t, r2, got)
	assert.Equal(t, "NULL", reviewCauseColumn(t, s, n), "a review without a category has no cause")
	var rows int
	require.NoError(t, s.db.QueryRow("SELECT count(*) FROM reviews").Scan(&rows))
	assert.Equal(t, 1, rows, "an upsert, not a second row")

	// A nil map and a zero RCA are stored and read back as empty.
	require.NoError(t, s.SaveReview(ctx, other.Number, model.Review{UpdatedAt: at(time.Hour)}))
	got, err = s.Review(ctx, other.Number)
	require.NoError(t, err)
	assert.Equal(t, model.Review{IncidentNumber: other.Number, Sections: map[string]string{}, UpdatedAt: at(time.Hour)}, got)

	// Refusals write nothing.
	for name, bad := range map[string]model.Review{
		"unknown section":  {Sections: map[string]string{"gossip": "x"}, UpdatedAt: at(3 * time.Hour)},
		"unknown category": {RCA: model.RCA{Category: "sunspots"}, UpdatedAt: at(3 * time.Hour)},
		"unknown fishbone": {RCA: model.RCA{Factors: []model.Factor{{Category: "luck", Text: "x"}}}, UpdatedAt: at(3 * time.Hour)},
		"no time":          {Sections: map[string]string{model.SectionSummary: "x"}},
	} {
		err := s.SaveReview(ctx, n, bad)
		assert.ErrorIs(t, err, model.ErrInvalid, name)
		got, err = s.Review(ctx, n)
		require.NoError(t, err)
		assert.Equal(t, r2, got, name)
		assert.Equal(t, "NULL", reviewCauseColumn(t, s, n), name)
	}
	r3 := r
	r3.RCA.Category = model.CauseThirdParty
	require.NoError(t, s.SaveReview(ctx, n, r3))
	assert.Equal(t, "third_party", reviewCauseColumn(t, s, n), "the upsert replaces the cause with the body")
	require.NoError(t, s.SaveReview(ctx, n, r2))
	err = s.SaveReview(ctx, 99, r2)
	assert.ErrorIs(t, err, model.ErrNotFound)
	require.NoError(t, s.db.QueryRow("SELECT count(*) FROM reviews").Scan(&rows))
	assert.Equal(t, 2, rows)
}

// reviewCauseColumn is reviews.cause of the incident with the given
// number, "NULL" for none.
func reviewCauseColumn(t *testing.T, s *Store, number int64) string {
	t.Helper()
	var cause string
	require.NoError(t, s.db.QueryRow(`SELECT ifnull(r.cause, 'NULL') FROM reviews r
		JOIN incidents i ON i.id = r.incident_id WHERE i.number = ?`, number).Scan(&cause))
	return cause
}

// TestActionItems: numbering, events, updates and refusals.
func TestActionItems(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	n := declare(t, s, declaration("Registry down")).Number
	other := declare(t, s, declaration("Quiet")).Number
	day := func(d int) time.Time { return time.Date(2025, time.March, 14+d, 0, 0, 0, 0, time.UTC) }

	none, err := s.ActionItems(ctx, n)
	require.NoError(t, err)
	assert.Empty(t, none)
	_, err = s.ActionItems(ctx, 99)
	assert.ErrorIs(t, err, model.ErrNotFound)

	canary, err := s.AddActionItem(ctx, n, model.ActionItem{
		ID: 777, Seq: 9, IncidentNumber: 5, // ignored
		Description: "  Canary config pushes ", Owner: " bob ", DueAt: day(7),
		CreatedAt: at(-time.Hour), // ignored
	}, "alice", at(time.Hour+1500*time.Microsecond))
	require.NoError(t, err)
	assert.NotZero(t, canary.ID)
	assert.Equal(t, model.ActionItem{
		ID: canary.ID, IncidentNumber: n, Seq: 1, Description: "Canary config pushes", Owner: "bob",
		DueAt: day(7), Status: model.ActionOpen,
		CreatedAt: at(time.Hour + time.Millisecond), UpdatedAt: at(time.Hour + time.Millisecond),
	}, canary, "numbered 1, trimmed, open by default, times to the millisecond")
	inc, err := s.Get(ctx, n)
	require.NoError(t, err)
	ev := last(t, inc)
	assert.Equal(t, model.Event{ID: ev.ID, At: at(time.Hour + time.Millisecond), Actor: "alice",
		Kind: model.EventActionItem, Text: "action item 1 added: Canary config pushes (bob, due 2025-03-21)"}, ev)
	assertBookkeeping(t, inc)

	alerts, err := s.AddActionItem(ctx, n, model.ActionItem{Description: "Alert on login errors", Owner: "carol",
		DueAt: day(3).Add(17 * time.Hour), Status: model.ActionInProgress}, "alice", at(2*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, alerts.Seq)
	assert.Equal(t, model.ActionInProgress, alerts.Status)
	inc, err = s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, "action item 2 added: Alert on login errors (carol, due 2025-03-17T17:00:00.000Z)", last(t, inc).Text)
	first, err := s.AddActionItem(ctx, other, model.ActionItem{Description: "x", Owner: "y", DueAt: day(1)}, "alice", at(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, first.Seq, "numbers are per incident")
	for _, st := range model.ActionStatuses {
		_, err := s.AddActionItem(ctx, other, model.ActionItem{Description: "x", Owner: "y", DueAt: day(1), Status: st}, "alice", at(time.Hour))
		assert.NoError(t, err, "the schema takes every status of the model: %s", st)
	}

	// A status change alone.
	done := canary
	done.Status = model.ActionDone
	done.UpdatedAt, done.CreatedAt = time.Time{}, time.Time{} // ignored
	got, err := s.UpdateActionItem(ctx, n, done, "bob", at(3*time.Hour))
	require.NoError(t, err)
	want := canary
	want.Status, want.UpdatedAt = model.ActionDone, at(3*time.Hour)
	assert.Equal(t, want, got)
	inc, err = s.Get(ctx, n)
	require.NoError(t, err)
	ev = last(t, inc)
	assert.Equal(t, model.Event{ID: ev.ID, At: at(3 * time.Hour), Actor: "bob", Kind: model.EventActionItem,
		Text: "action item 1: status open -> done"}, ev)
	assertBookkeeping(t, inc)

	// An edit.
	edit := alerts
	edit.Owner, edit.DueAt, edit.Description = "dave", day(10), "Alert on login errors per region"
	got, err = s.UpdateActionItem(ctx, n, edit, "carol", at(4*time.Hour))
	require.NoError(t, err)
	edit.UpdatedAt = at(4 * time.Hour)
	assert.Equal(t, edit, got)
	inc, err = s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, "action item 2 edited: owner carol -> dave; due 2025-03-17T17:00:00.000Z -> 2025-03-24; description: Alert on login errors per region",
		last(t, inc).Text)
	edit.Status = model.ActionDropped
	edit.Owner = "erin"
	_, err = s.UpdateActionItem(ctx, n, edit, "carol", at(5*time.Hour))
	require.NoError(t, err)
	inc, err = s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, "action item 2 edited: status in_progress -> wont_do; owner dave -> erin", last(t, inc).Text)

	items, err := s.ActionItems(ctx, n)
	require.NoError(t, err)
	edit.UpdatedAt = at(5 * time.Hour)
	assert.Equal(t, []model.ActionItem{want, edit}, items, "by seq, as stored")

	// Nothing changed: nothing written.
	before, err := s.Get(ctx, n)
	require.NoError(t, err)
	same := edit
	same.Owner = " erin "
	got, err = s.UpdateActionItem(ctx, n, same, "carol", at(6*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, edit, got)
	after, err := s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, before, after)

	// Refusals write nothing.
	valid := model.ActionItem{Seq: 1, Description: "x", Owner: "y", DueAt: day(1), Status: model.ActionOpen}
	bad := map[string]func(a *model.ActionItem){
		"no description": func(a *model.ActionItem) { a.Description = " \n" },
		"no owner":       func(a *model.ActionItem) { a.Owner = "" },
		"no due date":    func(a *model.ActionItem) { a.DueAt = time.Time{} },
		"unknown status": func(a *model.ActionItem) { a.Status = "maybe" },
	}
	for name, spoil := range bad {
		a := valid
		spoil(&a)
		_, err := s.AddActionItem(ctx, n, a, "alice", at(7*time.Hour))
		assert.ErrorIs(t, err, model.ErrInvalid, "add: %s", name)
		_, err = s.UpdateActionItem(ctx, n, a, "alice", at(7*time.Hour))
		assert.ErrorIs(t, err, model.ErrInvalid, "update: %s", name)
	}
	_, err = s.AddActionItem(ctx, n, valid, "alice", time.Time{})
	assert.ErrorIs(t, err, model.ErrInvalid, "add: no time")
	_, err = s.UpdateActionItem(ctx, n, valid, "alice", time.Time{})
	assert.ErrorIs(t, err, model.ErrInvalid, "update: no time")
	_, err = s.AddActionItem(ctx, 99, valid, "alice", at(7*time.Hour))
	assert.ErrorIs(t, err, model.ErrNotFound, "add: unknown incident")
	_, err = s.UpdateActionItem(ctx, 99, valid, "alice", at(7*time.Hour))
	assert.ErrorIs(t, err, model.ErrNotFound, "update: unknown incident")
	unknown := valid
	unknown.Seq = 3
	_, err = s.UpdateActionItem(ctx, n, unknown, "alice", at(7*time.Hour))
	assert.ErrorIs(t, err, model.ErrNotFound, "update: unknown seq")
	assert.ErrorContains(t, err, "INC-0001 has no action item 3")
	after, err = s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	items, err = s.ActionItems(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, []model.ActionItem{want, edit}, items)

	// Action items outlive the incident: a closed one's still move on.
	for _, do := range []func(inc *model.Incident) (model.Event, error){
		func(inc *model.Incident) (model.Event, error) { return inc.Resolve(at(8*time.Hour), "bob", "", "test") },
		func(inc *model.Incident) (model.Event, error) { return inc.Close(at(9*time.Hour), "bob", "test") },
	} {
		_, err := s.Apply(ctx, n, do)
		require.NoError(t, err)
	}
	want.Status = model.ActionOpen
	_, err = s.UpdateActionItem(ctx, n, want, "bob", at(10*time.Hour))
	require.NoError(t, err)
	inc, err = s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, "action item 1: status done -> open", last(t, inc).Text)
	assertBookkeeping(t, inc)
}

// TestConcurrentActionItems: two consoles adding action items to one
// incident at once number them 1..n without a gap, a duplicate or an error.
func TestConcurrentActionItems(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	b, err := Open(ctx, a.Path())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	n := declare(t, a, declaration("Busy review")).Number

	const each = 25
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	seqs := make(chan int, 2*each)
	for w, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				item, err := s.AddActionItem(ctx, n, model.ActionItem{
					Description: fmt.Sprintf("item %d/%d", w, i), Owner: fmt.Sprint("writer", w), DueAt: at(48 * time.Hour),
				}, fmt.Sprint("writer", w), at(time.Duration(i)*time.Second))
				errs <- err
				seqs <- item.Seq
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(seqs)
	for err := range errs {
		require.NoError(t, err)
	}
	returned := map[int]bool{}
	for seq := range seqs {
		assert.False(t, returned[seq], "seq %d returned twice", seq)
		returned[seq] = true
	}
	items, err := b.ActionItems(ctx, n)
	require.NoError(t, err)
	require.Len(t, items, 2*each)
	descs := map[string]bool{}
	for i, it := range items {
		assert.Equal(t, i+1, it.Seq)
		assert.True(t, returned[it.Seq])
		descs[it.Description] = true
	}
	assert.Len(t, descs, 2*each, "every item stored once")
	inc, err := a.Get(ctx, n)
	require.NoError(t, err)
	added := 0
	for _, ev := range inc.Timeline {
		if ev.Kind == model.EventActionItem {
			added++
		}
	}
	assert.Equal(t, 2*each, added)
	assertBookkeeping(t, inc)
}

// TestOverdueActionItems counts as model's ActionItem.Overdue says, per
// incident number.
func TestOverdueActionItems(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	now := at(72*time.Hour + 500*time.Microsecond)

	empty, err := s.OverdueActionItems(ctx, now)
	require.NoError(t, err)
	assert.NotNil(t, empty)
	assert.Empty(t, empty)

	type spec struct {
		due    time.Time
		status model.ActionStatus
	}
	incidents := [][]spec{
		{{at(time.Hour), model.ActionOpen}, {at(72 * time.Hour), model.ActionInProgress}, {at(time.Hour), model.ActionDone}},
		{{at(time.Hour), model.ActionDropped}, {at(73 * time.Hour), model.ActionOpen}},
		{{at(72*time.Hour + time.Millisecond), model.ActionOpen}, {at(-time.Hour), model.ActionInProgress}},
		{},
	}
	want := map[int64]int{}
	var all []model.ActionItem
	for i, specs := range incidents {
		n := declare(t, s, declaration(fmt.Sprint("incident ", i))).Number
		for _, sp := range specs {
			a, err := s.AddActionItem(ctx, n, model.ActionItem{Description: "x", Owner: "y", DueAt: sp.due, Status: sp.status}, "alice", at(time.Minute))
			require.NoError(t, err)
			all = append(all, a)
			if a.Overdue(now) {
				want[n]++
			}
		}
	}
	require.Equal(t, map[int64]int{1: 2, 3: 1}, want, "the fixture is what it means to be")
	got, err := s.OverdueActionItems(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// Finishing one takes it off; closing its incident does not.
	for _, do := range []func(inc *model.Incident) (model.Event, error){
		func(inc *model.Incident) (model.Event, error) { return inc.Resolve(at(2*time.Hour), "bob", "", "test") },
		func(inc *model.Incident) (model.Event, error) { return inc.Close(at(3*time.Hour), "bob", "test") },
	} {
		_, err := s.Apply(ctx, 1, do)
		require.NoError(t, err)
	}
	first := all[0]
	first.Status = model.ActionDone
	_, err = s.UpdateActionItem(ctx, 1, first, "bob", now)
	require.NoError(t, err)
	got, err = s.OverdueActionItems(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, map[int64]int{1: 1, 3: 1}, got)
}

// TestOverdueQueryPlan: the overdue count reads unfinished items through
// their partial index, so finished ones cost it nothing.
func TestOverdueQueryPlan(t *testing.T) {
	s := openTest(t)
	text := queryPlan(t, s, overdueQuery, 0)
	assert.Contains(t, text, "USING INDEX action_items_unfinished (due_at<?)", text)
	assert.NotRegexp(t, `SCAN (a|action_items|i|incidents)\b`, text)
}

// BenchmarkSaveReview is one autosave of a review of six 1,000-character
// sections and an RCA: one SaveReview that writes (each iteration's text
// differs).
func BenchmarkSaveReview(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	inc := declare(b, s, declaration("Benchmark"))
	base := strings.Repeat("The registry rejected logins. ", 40)[:990]
	r := model.Review{Sections: map[string]string{}, RCA: model.RCA{
		Whys: []string{"a", "b", "c", "d", "e"}, RootCause: "config", Category: model.CauseConfiguration,
		Factors: []model.Factor{{Category: model.FishProcess, Text: "no canary"}},
	}, UpdatedBy: "alice"}
	for _, sec := range model.ReviewSections {
		r.Sections[sec.ID] = base
	}
	for i := 0; b.Loop(); i++ {
		r.Sections[model.SectionSummary] = fmt.Sprintf("%s%010d", base, i)
		r.UpdatedAt = at(time.Duration(i) * time.Millisecond)
		if err := s.SaveReview(ctx, inc.Number, r); err != nil {
			b.Fatal(err)
		}
	}
}
