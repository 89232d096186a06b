package ui

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/warroom/warroom/model"
)

// pendingStore counts the writes under way, so the status line can say the
// console is waiting for the database (another process holding the write
// lock) instead of looking frozen.
type pendingStore struct {
	Store
	n *atomic.Int32
}

func (p pendingStore) track() func() {
	p.n.Add(1)
	return func() { p.n.Add(-1) }
}

func (p pendingStore) Declare(ctx context.Context, inc *model.Incident, ev model.Event) (*model.Incident, error) {
	defer p.track()()
	return p.Store.Declare(ctx, inc, ev)
}

func (p pendingStore) Apply(ctx context.Context, number int64, fn func(inc *model.Incident) (model.Event, error)) (*model.Incident, error) {
	defer p.track()()
	return p.Store.Apply(ctx, number, fn)
}

func (p pendingStore) SetStep(ctx context.Context, number, itemID int64, done bool, actor string, now time.Time) (bool, error) {
	defer p.track()()
	return p.Store.SetStep(ctx, number, itemID, done, actor, now)
}

func (p pendingStore) ChangeSeverity(ctx context.Context, number int64, from model.Severity, to model.SeverityPolicy, pb model.Playbook, reason, actor string, now time.Time) (*model.Incident, error) {
	defer p.track()()
	return p.Store.ChangeSeverity(ctx, number, from, to, pb, reason, actor, now)
}

func (p pendingStore) SendDraft(ctx context.Context, id int64, unfilled []string, override, actor string, now time.Time) (*model.Incident, model.Draft, error) {
	defer p.track()()
	return p.Store.SendDraft(ctx, id, unfilled, override, actor, now)
}
