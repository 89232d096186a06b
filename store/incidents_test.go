package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

func TestDeclareRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc, ev, err := model.Declare(declaration("Registry latency"), testCatalog())
	require.NoError(t, err)
	inc.Roles[model.RoleCommander] = "alice"
	inc.Roles[model.RoleTechLead] = "bob"
	// Every header field round-trips, those of 0002 included, to the
	// millisecond; the escalation policy travels in the SLA snapshot.
	require.Equal(t, 1, inc.Tier)
	require.Equal(t, t0, inc.LastProgressAt)
	require.NotEmpty(t, inc.Policy.Escalation.Tiers)
	require.NotZero(t, inc.Policy.StatusUpdateEvery)
	inc.Tier = 3
	inc.EscalatedAt = at(-time.Minute + time.Millisecond)
	inc.TierAckAt = at(-time.Minute + 7*time.Millisecond)
	inc.LastProgressAt = at(999 * time.Millisecond)
	inc.LastUpdateAt = at(-3 * time.Second)

	got, err := s.Declare(ctx, inc, ev)
	require.NoError(t, err)

	assert.Equal(t, int64(1), got.Number, "the first incident is INC-0001")
	assert.NotZero(t, got.ID)
	assert.Zero(t, inc.ID, "the caller's incident is not modified")
	want := header(inc)
	want.ID, want.Number = got.ID, got.Number
	assert.Equal(t, want, header(got))
	assert.Equal(t, []string{"transport", "registry"}, got.Services, "services keep their order")
	assert.Equal(t, withoutIDs(inc.Checklist), withoutIDs(got.Checklist))
	for _, it := range got.Checklist {
		assert.NotZero(t, it.ID, it.StepID)
	}
	assert.Equal(t, model.Progress{Done: 0, Total: 4}, got.Progress)
	require.Len(t, got.Timeline, 1)
	assert.NotZero(t, got.Timeline[0].ID)
	ev.ID = got.Timeline[0].ID
	assert.Equal(t, ev, got.Timeline[0])

	reloaded, err := s.Get(ctx, got.Number)
	require.NoError(t, err)
	assert.Equal(t, got, reloaded)
	board, err := s.Board(ctx)
	require.NoError(t, err)
	require.Len(t, board, 1)
	assert.Equal(t, want, func() model.Incident { h := *board[0]; h.Progress = model.Progress{}; return h }(),
		"the board reads the same header")

	second := declare(t, s, declaration("Transport errors"))
	assert.Equal(t, int64(2), second.Number)
	assert.Equal(t, 1, second.Tier)
	assert.True(t, second.EscalatedAt.IsZero())
	assert.True(t, second.TierAckAt.IsZero())
	assert.Equal(t, t0, second.LastProgressAt, "declaring is progress")
	assert.True(t, second.LastUpdateAt.IsZero())
	assertBookkeeping(t, second)
}

// TestDeclareRecordsItsEvent: the stored header takes the first event into
// account even when the caller's incident does not.
func TestDeclareRecordsItsEvent(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc, ev, err := model.Declare(declaration("x"), testCatalog())
	require.NoError(t, err)
	inc.UpdatedAt, inc.LastProgressAt, inc.Tier = time.Time{}, time.Time{}, 0
	got, err := s.Declare(ctx, inc, ev)
	require.NoError(t, err)
	assert.Equal(t, t0, got.UpdatedAt)
	assert.Equal(t, t0, got.LastProgressAt)
	assert.Equal(t, 1, got.Tier, "tier 0 is stored as 1")
	assert.True(t, inc.LastProgressAt.IsZero(), "the caller's incident is not modified")

	inc.Tier = -1
	_, err = s.Declare(ctx, inc, ev)
	assert.ErrorIs(t, err, model.ErrInvalid)
}

func TestDeclareRefusesInvalid(t *testing.T) {
	s := openTest(t)
	inc, ev, err := model.Declare(declaration("x"), testCatalog())
	require.NoError(t, err)
	inc.Title = " "
	_, err = s.Declare(context.Background(), inc, ev)
	assert.ErrorIs(t, err, model.ErrInvalid)
	board, err := s.Board(context.Background())
	require.NoError(t, err)
	assert.Empty(t, board)
}

func TestGetUnknown(t *testing.T) {
	_, err := openTest(t).Get(context.Background(), 42)
	assert.ErrorIs(t, err, model.ErrNotFound)
	assert.ErrorContains(t, err, "INC-0042")
}

// TestApplyActions runs every model action through Apply, in lifecycle
// order, and checks that what is stored is what the action did to an
// in-memory copy.
func TestApplyActions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	n := declare(t, s, declaration("Registry down")).Number

	type action func(inc *model.Incident) (model.Event, error)
	steps := []struct {
		name  string
		do    action
		check func(t *testing.T, inc *model.Incident)
	}{
		{"acknowledge", func(inc *model.Incident) (model.Event, error) { return inc.Acknowledge(at(2*time.Minute), "bob") },
			func(t *testing.T, inc *model.Incident) {
				assert.Equal(t, at(2*time.Minute), inc.AcknowledgedAt)
				assert.Equal(t, model.PhaseTriage, inc.Phase)
			}},
		{"assign commander", func(inc *model.Incident) (model.Event, error) {
			return inc.AssignRole(at(3*time.Minute), "bob", model.RoleCommander, "alice")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Equal(t, map[model.Role]string{model.RoleCommander: "alice"}, inc.Roles)
		}},
		{"assign tech lead", func(inc *model.Incident) (model.Event, error) {
			return inc.AssignRole(at(4*time.Minute), "alice", model.RoleTechLead, "carol")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Len(t, inc.Roles, 2)
		}},
		{"reassign commander", func(inc *model.Incident) (model.Event, error) {
			return inc.AssignRole(at(5*time.Minute), "alice", model.RoleCommander, "dave")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Equal(t, "dave", inc.Commander())
		}},
		{"unassign tech lead", func(inc *model.Incident) (model.Event, error) {
			return inc.AssignRole(at(6*time.Minute), "dave", model.RoleTechLead, "")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Equal(t, map[model.Role]string{model.RoleCommander: "dave"}, inc.Roles)
		}},
		{"note", func(inc *model.Incident) (model.Event, error) {
			return inc.Note(at(7*time.Minute), "dave", "rolling back \x1b[2J deploy 42")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Equal(t, "rolling back \x1b[2J deploy 42", last(t, inc).Text, "text is stored byte for byte")
		}},
		{"advance phase", func(inc *model.Incident) (model.Event, error) { return inc.AdvancePhase(at(8*time.Minute), "dave") },
			func(t *testing.T, inc *model.Incident) { assert.Equal(t, model.PhaseClassification, inc.Phase) }},
		{"status update", func(inc *model.Incident) (model.Event, error) {
			return inc.StatusUpdate(at(9*time.Minute+5*time.Millisecond), "dave", "rollback under way")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Equal(t, at(9*time.Minute+5*time.Millisecond), inc.LastUpdateAt)
			assert.Equal(t, at(9*time.Minute+5*time.Millisecond), inc.LastProgressAt)
		}},
		{"escalate", func(inc *model.Incident) (model.Event, error) {
			return inc.Escalate(at(10*time.Minute), "dave", "")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Equal(t, 2, inc.Tier)
			assert.Equal(t, at(10*time.Minute), inc.EscalatedAt)
			assert.True(t, inc.TierAckAt.IsZero())
			assert.True(t, inc.AwaitingTierAck())
		}},
		{"acknowledge escalation", func(inc *model.Incident) (model.Event, error) {
			return inc.AcknowledgeEscalation(at(11*time.Minute), "tier2")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Equal(t, at(11*time.Minute), inc.TierAckAt)
			assert.False(t, inc.AwaitingTierAck())
		}},
		{"escalate again", func(inc *model.Incident) (model.Event, error) {
			return inc.Escalate(at(12*time.Minute), "dave", "needs the platform team")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Equal(t, 3, inc.Tier)
			assert.Equal(t, at(12*time.Minute), inc.EscalatedAt)
			assert.True(t, inc.TierAckAt.IsZero(), "the new tier has not acknowledged")
		}},
		{"mitigate", func(inc *model.Incident) (model.Event, error) { return inc.Mitigate(at(30*time.Minute), "dave") },
			func(t *testing.T, inc *model.Incident) { assert.Equal(t, at(30*time.Minute), inc.MitigatedAt) }},
		{"resolve", func(inc *model.Incident) (model.Event, error) {
			return inc.Resolve(at(2*time.Hour+123*time.Millisecond), "dave", "fixed", "test: verified")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Equal(t, model.StatusResolved, inc.Status)
			assert.Equal(t, at(2*time.Hour+123*time.Millisecond), inc.ResolvedAt, "milliseconds survive")
		}},
		{"hold post-mortem", func(inc *model.Incident) (model.Event, error) { return inc.AdvancePhase(at(24*time.Hour), "dave") },
			func(t *testing.T, inc *model.Incident) { assert.Equal(t, at(24*time.Hour), inc.PostMortemAt) }},
		{"close", func(inc *model.Incident) (model.Event, error) {
			return inc.Close(at(48*time.Hour), "dave", "test: reviewed")
		},
			func(t *testing.T, inc *model.Incident) {
				assert.Equal(t, model.StatusClosed, inc.Status)
				assert.Equal(t, at(48*time.Hour), inc.ClosedAt)
			}},
		{"reopen", func(inc *model.Incident) (model.Event, error) {
			return inc.Reopen(at(50*time.Hour), "erin", "it came back")
		}, func(t *testing.T, inc *model.Incident) {
			assert.Equal(t, model.StatusOpen, inc.Status)
			assert.True(t, inc.ResolvedAt.IsZero())
			assert.True(t, inc.PostMortemAt.IsZero())
			assert.True(t, inc.ClosedAt.IsZero())
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before, err := s.Get(ctx, n)
			require.NoError(t, err)
			want, err := s.Get(ctx, n)
			require.NoError(t, err)
			wantEv, err := st.do(want)
			require.NoError(t, err)

			got, err := s.Apply(ctx, n, st.do)
			require.NoError(t, err)

			assert.Equal(t, header(want), header(got))
			assert.Equal(t, before.Checklist, got.Checklist, "actions leave the checklist alone")
			require.Len(t, got.Timeline, len(before.Timeline)+1)
			ev := last(t, got)
			assert.NotZero(t, ev.ID)
			wantEv.ID = ev.ID
			assert.Equal(t, wantEv, ev)
			st.check(t, got)
			assertBookkeeping(t, got)

			reloaded, err := s.Get(ctx, n)
			require.NoError(t, err)
			assert.Equal(t, got, reloaded)
		})
	}
}

func TestApplyErrorWritesNothing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	n := declare(t, s, declaration("Registry down")).Number
	before, err := s.Get(ctx, n)
	require.NoError(t, err)

	errBoom := errors.New("boom")
	_, err = s.Apply(ctx, n, func(inc *model.Incident) (model.Event, error) {
		inc.Title = "changed"
		inc.Roles[model.RoleCommander] = "mallory"
		return model.Event{}, errBoom
	})
	assert.Same(t, errBoom, err, "fn's error is returned as is")

	_, err = s.Apply(ctx, n, func(inc *model.Incident) (model.Event, error) {
		return inc.Close(at(time.Hour), "bob", "test: reviewed")
	})
	assert.ErrorIs(t, err, model.ErrConflict, "an open incident cannot be closed")

	_, err = s.Apply(ctx, n, func(inc *model.Incident) (model.Event, error) {
		inc.Title = "changed"
		return model.Event{}, nil
	})
	assert.ErrorIs(t, err, model.ErrInvalid, "an action must return its event")

	_, err = s.Apply(ctx, n, func(inc *model.Incident) (model.Event, error) {
		inc.Severity = 9
		return inc.Note(at(time.Hour), "bob", "x")
	})
	assert.ErrorIs(t, err, model.ErrInvalid, "an invalid incident is not written")

	after, err := s.Get(ctx, n)
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

func TestApplyUnknownIncident(t *testing.T) {
	s := openTest(t)
	called := false
	_, err := s.Apply(context.Background(), 7, func(inc *model.Incident) (model.Event, error) {
		called = true
		return inc.Note(t0, "bob", "x")
	})
	assert.ErrorIs(t, err, model.ErrNotFound)
	assert.False(t, called)
}

func TestApplyWritesServices(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	n := declare(t, s, declaration("Registry down")).Number
	got, err := s.Apply(ctx, n, func(inc *model.Incident) (model.Event, error) {
		inc.Services = []string{"sessions", "transport"}
		return inc.Note(at(time.Minute), "bob", "services: sessions, transport")
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"sessions", "transport"}, got.Services)
}

func TestSetStep(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Registry down"))
	other := declare(t, s, declaration("Other"))
	it := item(t, inc, "p3.std.assess")

	changed, err := s.SetStep(ctx, inc.Number, it.ID, true, "bob", at(time.Minute+time.Microsecond))
	require.NoError(t, err)
	assert.True(t, changed)
	got, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	ticked := item(t, got, "p3.std.assess")
	assert.True(t, ticked.Done)
	assert.Equal(t, "bob", ticked.DoneBy)
	assert.Equal(t, at(time.Minute), ticked.DoneAt, "stored to the millisecond")
	assert.Equal(t, at(time.Minute), got.UpdatedAt)
	assert.Equal(t, at(time.Minute), got.LastProgressAt, "a tick is progress")
	assertBookkeeping(t, got)
	assert.Equal(t, model.Progress{Done: 1, Total: 4}, got.Progress)
	ev := last(t, got)
	assert.Equal(t, model.Event{ID: ev.ID, At: at(time.Minute), Actor: "bob", Kind: model.EventTick, Text: "Assess impact", ItemID: it.ID}, ev)

	changed, err = s.SetStep(ctx, inc.Number, it.ID, true, "carol", at(2*time.Minute))
	require.NoError(t, err)
	assert.False(t, changed, "ticking a done item changes nothing")
	again, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, got, again)

	changed, err = s.SetStep(ctx, inc.Number, it.ID, false, "carol", at(3*time.Minute))
	require.NoError(t, err)
	assert.True(t, changed)
	got, err = s.Get(ctx, inc.Number)
	require.NoError(t, err)
	unticked := item(t, got, "p3.std.assess")
	assert.Equal(t, it, unticked, "an untick clears who and when")
	assert.Equal(t, model.EventUntick, last(t, got).Kind)
	assert.Equal(t, it.ID, last(t, got).ItemID)
	assert.Equal(t, at(3*time.Minute), got.UpdatedAt)
	assert.Equal(t, at(time.Minute), got.LastProgressAt, "an untick is not progress")
	assertBookkeeping(t, got)

	changed, err = s.SetStep(ctx, inc.Number, it.ID, false, "carol", at(4*time.Minute))
	require.NoError(t, err)
	assert.False(t, changed)

	_, err = s.SetStep(ctx, other.Number, it.ID, true, "bob", at(5*time.Minute))
	assert.ErrorIs(t, err, model.ErrNotFound, "an item of another incident")
	_, err = s.SetStep(ctx, inc.Number, 9999, true, "bob", at(5*time.Minute))
	assert.ErrorIs(t, err, model.ErrNotFound, "an unknown item")
	_, err = s.SetStep(ctx, 99, it.ID, true, "bob", at(5*time.Minute))
	assert.ErrorIs(t, err, model.ErrNotFound, "an unknown incident")
}

// TestSetStepRecordsLikeModel: a tick dated before the incident's last
// change or progress (a console whose clock lags) moves neither back, as
// model's Incident.Record would not; the last status update is kept.
func TestSetStepRecordsLikeModel(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Registry down"))
	_, err := s.Apply(ctx, inc.Number, func(inc *model.Incident) (model.Event, error) {
		return inc.StatusUpdate(at(time.Hour), "alice", "investigating")
	})
	require.NoError(t, err)
	_, err = s.Apply(ctx, inc.Number, func(inc *model.Incident) (model.Event, error) {
		return inc.AssignRole(at(2*time.Hour), "alice", model.RoleCommander, "alice")
	})
	require.NoError(t, err)

	for i, tc := range []struct {
		at                        time.Time
		done                      bool
		wantUpdated, wantProgress time.Time
	}{
		{at(30 * time.Minute), true, at(2 * time.Hour), at(time.Hour)},      // late tick: nothing moves back
		{at(90 * time.Minute), false, at(2 * time.Hour), at(time.Hour)},     // untick: not progress
		{at(3 * time.Hour), true, at(3 * time.Hour), at(3 * time.Hour)},     // tick: both move on
		{at(4 * time.Hour), false, at(4 * time.Hour), at(3 * time.Hour)},    // untick: only updated_at
		{at(150 * time.Minute), true, at(4 * time.Hour), at(3 * time.Hour)}, // late again
	} {
		changed, err := s.SetStep(ctx, inc.Number, inc.Checklist[0].ID, tc.done, "bob", tc.at)
		require.NoError(t, err)
		require.True(t, changed)
		got, err := s.Get(ctx, inc.Number)
		require.NoError(t, err)
		assert.Equal(t, tc.wantUpdated, got.UpdatedAt, "step %d", i)
		assert.Equal(t, tc.wantProgress, got.LastProgressAt, "step %d", i)
		assert.Equal(t, at(time.Hour), got.LastUpdateAt, "step %d", i)
		assertBookkeeping(t, got)
	}
}

func TestSetStepRefusesClosedIncident(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Registry down"))
	for _, do := range []func(inc *model.Incident) (model.Event, error){
		func(inc *model.Incident) (model.Event, error) {
			return inc.Resolve(at(time.Hour), "bob", "", "test: verified")
		},
		func(inc *model.Incident) (model.Event, error) {
			return inc.Close(at(2*time.Hour), "bob", "test: reviewed")
		},
	} {
		_, err := s.Apply(ctx, inc.Number, do)
		require.NoError(t, err)
	}
	_, err := s.SetStep(ctx, inc.Number, inc.Checklist[0].ID, true, "bob", at(3*time.Hour))
	assert.ErrorIs(t, err, model.ErrConflict)
}

func TestChangeSeverity(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cat := testCatalog()
	inc := declare(t, s, declaration("Registry down"))
	require.Equal(t, model.P3, inc.Severity)
	ticket, assess := item(t, inc, "p3.std.ticket"), item(t, inc, "p3.std.assess")
	for _, id := range []int64{ticket.ID, assess.ID} {
		_, err := s.SetStep(ctx, inc.Number, id, true, "bob", at(time.Minute))
		require.NoError(t, err)
	}

	got, err := s.ChangeSeverity(ctx, inc.Number, 0, cat.Policy.Severities[model.P1], cat.Playbooks[model.P1],
		"customers on every tier", "alice", at(10*time.Minute))
	require.NoError(t, err)

	assert.Equal(t, model.P1, got.Severity)
	assert.Equal(t, cat.Policy.Severities[model.P1], got.Policy)
	assert.True(t, got.SeverityOverride)
	assert.Equal(t, "customers on every tier", got.SeverityReason)
	assert.Equal(t, at(10*time.Minute), got.UpdatedAt)
	assert.Equal(t, at(time.Minute), got.LastProgressAt, "a severity change is not progress")
	assertBookkeeping(t, got)
	ev := last(t, got)
	assert.Equal(t, model.EventSeverity, ev.Kind)
	assert.Equal(t, "alice", ev.Actor)

	state := map[string]string{}
	for _, it := range got.Checklist {
		switch {
		case it.Retired:
			state[it.StepID] = "retired"
		case it.Done:
			state[it.StepID] = "done"
		default:
			state[it.StepID] = "todo"
		}
	}
	assert.Equal(t, map[string]string{
		"p3.std.ticket": "done", "p3.std.assess": "done", // done work is kept
		"p3.std.notify": "retired", "p3.post.review": "retired", // undone P3 steps retire
		"p1.imm.page": "todo", "p1.imm.warroom": "todo", "p1.res.fix": "todo", "p1.ver.conn": "todo",
		// p1.imm.ticket is not added: "Create incident ticket" is done already
	}, state)
	assert.Equal(t, model.Progress{Done: 2, Total: 6}, got.Progress)
	kept := item(t, got, "p3.std.ticket")
	assert.Equal(t, "bob", kept.DoneBy)
	assert.Equal(t, at(time.Minute), kept.DoneAt)

	reloaded, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, got, reloaded)

	t.Run("back to P3 restores the retired steps", func(t *testing.T) {
		back, err := s.ChangeSeverity(ctx, inc.Number, 0, cat.Policy.Severities[model.P3], cat.Playbooks[model.P3],
			"contained to one tier", "alice", at(20*time.Minute))
		require.NoError(t, err)
		assert.False(t, item(t, back, "p3.std.notify").Retired)
		assert.False(t, item(t, back, "p3.post.review").Retired)
		assert.True(t, item(t, back, "p1.imm.page").Retired)
		assert.Equal(t, model.Progress{Done: 2, Total: 4}, back.Progress)
	})

	t.Run("a retired item cannot be ticked", func(t *testing.T) {
		cur, err := s.Get(ctx, inc.Number)
		require.NoError(t, err)
		_, err = s.SetStep(ctx, inc.Number, item(t, cur, "p1.imm.page").ID, true, "bob", at(30*time.Minute))
		assert.ErrorIs(t, err, model.ErrNotFound)
	})

	t.Run("errors write nothing", func(t *testing.T) {
		before, err := s.Get(ctx, inc.Number)
		require.NoError(t, err)
		_, err = s.ChangeSeverity(ctx, inc.Number, 0, cat.Policy.Severities[model.P1], cat.Playbooks[model.P2], "x", "alice", at(time.Hour))
		assert.ErrorIs(t, err, model.ErrInvalid, "playbook of another severity")
		_, err = s.ChangeSeverity(ctx, inc.Number, 0, cat.Policy.Severities[model.P3], cat.Playbooks[model.P3], "x", "alice", at(time.Hour))
		assert.ErrorIs(t, err, model.ErrConflict, "already P3")
		_, err = s.ChangeSeverity(ctx, inc.Number, 0, cat.Policy.Severities[model.P1], cat.Playbooks[model.P1], " ", "alice", at(time.Hour))
		assert.ErrorIs(t, err, model.ErrInvalid, "no reason")
		_, err = s.ChangeSeverity(ctx, 99, 0, cat.Policy.Severities[model.P1], cat.Playbooks[model.P1], "x", "alice", at(time.Hour))
		assert.ErrorIs(t, err, model.ErrNotFound)
		after, err := s.Get(ctx, inc.Number)
		require.NoError(t, err)
		assert.Equal(t, before, after)
	})
}

// TestPolicySnapshotsShared: incidents of one severity share one
// policy_snapshots row; a severity change adds the new severity's row the
// first time and reuses it after, and back to the first severity reuses
// the first row.
func TestPolicySnapshotsShared(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	cat := testCatalog()
	a := declare(t, s, declaration("first P3"))
	b := declare(t, s, declaration("second P3"))
	policyID := func(inc *model.Incident) int64 {
		t.Helper()
		return int64(queryInt(t, s, "SELECT policy_id FROM incidents WHERE id = ?", inc.ID))
	}
	snapshots := func() int { return queryInt(t, s, "SELECT count(*) FROM policy_snapshots") }
	p3 := policyID(a)
	assert.Equal(t, p3, policyID(b))
	assert.Equal(t, 1, snapshots())

	toP1 := func(inc *model.Incident) *model.Incident {
		t.Helper()
		got, err := s.ChangeSeverity(ctx, inc.Number, 0, cat.Policy.Severities[model.P1], cat.Playbooks[model.P1],
			"every tier", "alice", at(time.Minute))
		require.NoError(t, err)
		assert.Equal(t, cat.Policy.Severities[model.P1], got.Policy)
		return got
	}
	a = toP1(a)
	assert.Equal(t, 2, snapshots(), "P1's added")
	p1 := policyID(a)
	assert.NotEqual(t, p3, p1)
	b = toP1(b)
	assert.Equal(t, 2, snapshots(), "P1's reused")
	assert.Equal(t, p1, policyID(b))

	back, err := s.ChangeSeverity(ctx, a.Number, 0, cat.Policy.Severities[model.P3], cat.Playbooks[model.P3],
		"fewer customers", "alice", at(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, cat.Policy.Severities[model.P3], back.Policy)
	assert.Equal(t, p3, policyID(back))
	assert.Equal(t, 2, snapshots())

	// A tick writes no snapshot, and an action that keeps the policy
	// reuses its row.
	i := slices.IndexFunc(b.Checklist, func(it model.ChecklistItem) bool { return !it.Retired })
	require.GreaterOrEqual(t, i, 0)
	_, err = s.SetStep(ctx, b.Number, b.Checklist[i].ID, true, "bob", at(2*time.Hour))
	require.NoError(t, err)
	_, err = s.Apply(ctx, b.Number, func(inc *model.Incident) (model.Event, error) { return inc.Acknowledge(at(2*time.Hour), "bob") })
	require.NoError(t, err)
	assert.Equal(t, p1, policyID(b))
	assert.Equal(t, 2, snapshots())
}

// TestPolicySnapshotIntegrity: an incident's policy_id must name a row
// (foreign keys are on), and one without a snapshot, which the store never
// writes, fails to load with a message naming it rather than with a zero
// policy.
func TestPolicySnapshotIntegrity(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("Registry down"))
	_, err := s.db.ExecContext(ctx, "UPDATE incidents SET policy_id = 999 WHERE id = ?", inc.ID)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "FOREIGN KEY")

	_, err = s.db.ExecContext(ctx, "UPDATE incidents SET policy_id = NULL WHERE id = ?", inc.ID)
	require.NoError(t, err)
	_, err = s.Get(ctx, inc.Number)
	require.Error(t, err)
	assert.Contains(t, err.Error(), inc.Key()+": no SLA snapshot")
	_, err = s.MetricRecords(ctx, time.Time{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), inc.Key()+": no SLA snapshot")
}

func TestBoard(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	open := declare(t, s, declaration("Open one"))
	resolved := declare(t, s, declaration("Resolved one"))
	closed := declare(t, s, declaration("Closed one"))
	_, err := s.SetStep(ctx, open.Number, item(t, open, "p3.std.assess").ID, true, "bob", at(time.Minute))
	require.NoError(t, err)
	_, err = s.Apply(ctx, open.Number, func(inc *model.Incident) (model.Event, error) {
		return inc.AssignRole(at(2*time.Minute), "bob", model.RoleCommander, "alice")
	})
	require.NoError(t, err)
	_, err = s.Apply(ctx, resolved.Number, func(inc *model.Incident) (model.Event, error) {
		return inc.Resolve(at(time.Hour), "bob", "", "test: verified")
	})
	require.NoError(t, err)
	for _, do := range []func(inc *model.Incident) (model.Event, error){
		func(inc *model.Incident) (model.Event, error) {
			return inc.Resolve(at(time.Hour), "bob", "", "test: verified")
		},
		func(inc *model.Incident) (model.Event, error) {
			return inc.Close(at(2*time.Hour), "bob", "test: reviewed")
		},
	} {
		_, err := s.Apply(ctx, closed.Number, do)
		require.NoError(t, err)
	}
	// A retired item counts for nothing.
	cat := testCatalog()
	_, err = s.ChangeSeverity(ctx, resolved.Number, 0, cat.Policy.Severities[model.P4], cat.Playbooks[model.P4], "minor", "bob", at(3*time.Hour))
	require.NoError(t, err)

	board, err := s.Board(ctx)
	require.NoError(t, err)
	require.Len(t, board, 2)
	model.SortBoard(board, at(4*time.Hour))
	for i, n := range []int64{open.Number, resolved.Number} {
		full, err := s.Get(ctx, n)
		require.NoError(t, err)
		want := header(full)
		want.Progress = full.Progress
		assert.Equal(t, &want, board[i], "board row %d", i)
		assert.Nil(t, board[i].Checklist)
		assert.Nil(t, board[i].Timeline)
	}
	assert.Equal(t, model.Progress{Done: 1, Total: 4}, board[0].Progress)
	assert.Equal(t, "alice", board[0].Commander())
	assert.Equal(t, model.Progress{Done: 0, Total: 1}, board[1].Progress)
}

// TestBoardQueryPlan checks that the board reaches incidents through the
// status index, so that closed incidents cost it nothing.
func TestBoardQueryPlan(t *testing.T) {
	s := openTest(t)
	text := queryPlan(t, s, boardQuery)
	assert.Contains(t, text, "USING INDEX incidents_status", text)
	assert.Regexp(t, `SEARCH c USING INDEX \S+ \(incident_id=\?\)`, text)
	assert.Contains(t, text, "SEARCH p USING INTEGER PRIMARY KEY (rowid=?)", "the SLA snapshot by its id")
	assert.NotRegexp(t, `SCAN (i|incidents|c|checklist_items|p|policy_snapshots)\b`, text)
}

func TestConcurrentStores(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	b, err := Open(ctx, a.Path())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	n := declare(t, a, declaration("Busy incident")).Number

	const notes = 50
	var wg sync.WaitGroup
	errs := make(chan error, 2*notes)
	for w, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range notes {
				_, err := s.Apply(ctx, n, func(inc *model.Incident) (model.Event, error) {
					return inc.Note(at(time.Duration(i)*time.Second), fmt.Sprint("writer", w), fmt.Sprintf("note %d/%d", w, i))
				})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, err := a.Get(ctx, n)
	require.NoError(t, err)
	texts := map[string]bool{}
	for _, ev := range got.Timeline {
		texts[ev.Text] = true
	}
	for w := range 2 {
		for i := range notes {
			assert.True(t, texts[fmt.Sprintf("note %d/%d", w, i)], "note %d/%d", w, i)
		}
	}
	assert.Len(t, got.Timeline, 1+2*notes)
}

func TestDataVersion(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	b, err := Open(ctx, a.Path())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })

	v0, err := a.DataVersion(ctx)
	require.NoError(t, err)
	v, err := a.DataVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, v0, v, "nothing written, nothing changed")

	declare(t, b, declaration("From another console"))
	v1, err := a.DataVersion(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, v0, v1, "another store's commit")

	declare(t, a, declaration("From this console"))
	v2, err := a.DataVersion(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, v1, v2, "a commit through the store's own pool")
}

func TestWithTx(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	inc := declare(t, s, declaration("x"))

	err := s.WithTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE incidents SET title = 'changed'")
		require.NoError(t, err)
		_, err = tx.ExecContext(ctx, "INSERT INTO incident_services (incident_id, service, position) VALUES (?, 'registry', 9)", inc.ID)
		return err
	})
	assert.ErrorIs(t, err, model.ErrConflict, "duplicate key")
	got, err := s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, "x", got.Title, "rolled back")

	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO events (incident_id, at, kind) VALUES (424242, 1, 'note')")
		return err
	})
	assert.ErrorIs(t, err, model.ErrConflict, "foreign key")

	err = s.WithTx(ctx, func(tx *sql.Tx) error {
		var id int64
		return tx.QueryRowContext(ctx, "SELECT id FROM incidents WHERE number = 77").Scan(&id)
	})
	assert.ErrorIs(t, err, model.ErrNotFound)
	assert.ErrorIs(t, err, sql.ErrNoRows, "the driver's error is still there")

	assert.Panics(t, func() {
		_ = s.WithTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE incidents SET title = 'panicked'")
			require.NoError(t, err)
			panic("boom")
		})
	})
	got, err = s.Get(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, "x", got.Title, "rolled back after a panic")
	_, err = s.SetStep(ctx, inc.Number, inc.Checklist[0].ID, true, "bob", at(time.Minute))
	assert.NoError(t, err, "the write lock was released")
}
