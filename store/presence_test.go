package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

func TestPresence(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)

	none, err := s.Present(ctx, time.Time{})
	require.NoError(t, err)
	assert.Empty(t, none)

	alice := Presence{Session: "s-alice", Actor: "alice", Host: "laptop", PID: 4242,
		StartedAt: at(time.Millisecond), LastSeen: at(10*time.Second + 1500*time.Microsecond)}
	bob := Presence{Session: "s-bob", Actor: "bob", LastSeen: at(5 * time.Second)} // no host, pid or start
	carol := Presence{Session: "s-carol", Actor: "carol", StartedAt: at(0), LastSeen: at(-time.Hour)}
	for _, p := range []Presence{alice, bob, carol} {
		require.NoError(t, s.Heartbeat(ctx, p))
	}
	alice.LastSeen = at(10*time.Second + time.Millisecond) // kept to the millisecond

	got, err := s.Present(ctx, at(-time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []Presence{alice, bob}, got, "newest first; carol was not seen since")
	all, err := s.Present(ctx, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, []Presence{alice, bob, carol}, all, "a zero since is everyone recorded")
	exact, err := s.Present(ctx, at(5*time.Second))
	require.NoError(t, err)
	assert.Equal(t, []Presence{alice, bob}, exact, "since is inclusive")

	// A later heartbeat refreshes the session; a zero StartedAt keeps the
	// recorded one.
	bob2 := Presence{Session: "s-bob", Actor: "bob", Host: "desk", PID: 7, LastSeen: at(20 * time.Second)}
	require.NoError(t, s.Heartbeat(ctx, bob2))
	alice2 := alice
	alice2.StartedAt, alice2.LastSeen = time.Time{}, at(15*time.Second)
	require.NoError(t, s.Heartbeat(ctx, alice2))
	alice2.StartedAt = alice.StartedAt
	got, err = s.Present(ctx, at(-time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []Presence{bob2, alice2}, got)

	require.NoError(t, s.Leave(ctx, "s-bob"))
	require.NoError(t, s.Leave(ctx, "s-bob"), "leaving twice is not an error")
	require.NoError(t, s.Leave(ctx, "never-here"))
	got, err = s.Present(ctx, at(-time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []Presence{alice2}, got)

	for name, p := range map[string]Presence{
		"no session": {Actor: "x", LastSeen: t0},
		"no actor":   {Session: "x", LastSeen: t0},
		"no time":    {Session: "x", Actor: "x"},
	} {
		assert.ErrorIs(t, s.Heartbeat(ctx, p), model.ErrInvalid, name)
	}
}

// TestPresenceAcrossStores: a heartbeat is seen by another console and, like
// every commit, changes its DataVersion.
func TestPresenceAcrossStores(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	b, err := Open(ctx, a.Path())
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })

	v0, err := b.DataVersion(ctx)
	require.NoError(t, err)
	p := Presence{Session: "a", Actor: "alice", Host: "h", PID: 1, StartedAt: t0, LastSeen: t0}
	require.NoError(t, a.Heartbeat(ctx, p))
	v1, err := b.DataVersion(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, v0, v1)
	got, err := b.Present(ctx, t0)
	require.NoError(t, err)
	assert.Equal(t, []Presence{p}, got)
}
