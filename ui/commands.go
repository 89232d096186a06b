package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/warroom/warroom/model"
)

// Store is what the console needs of persistence; *store.Store implements
// it. Every call runs inside a tea.Cmd, never in Update or View.
type Store interface {
	Board(ctx context.Context) ([]*model.Incident, error)
	Get(ctx context.Context, number int64) (*model.Incident, error)
	Declare(ctx context.Context, inc *model.Incident, ev model.Event) (*model.Incident, error)
	Apply(ctx context.Context, number int64, fn func(inc *model.Incident) (model.Event, error)) (*model.Incident, error)
	SetStep(ctx context.Context, number, itemID int64, done bool, actor string, now time.Time) (bool, error)
	ChangeSeverity(ctx context.Context, number int64, to model.SeverityPolicy, pb model.Playbook, reason, actor string, now time.Time) (*model.Incident, error)
}

// The messages async work sends back. Each carries what it belongs to, so
// the receiver can drop a stale one.
type (
	clockMsg time.Time

	boardLoadedMsg struct {
		seq  int
		incs []*model.Incident
		err  error
	}

	incidentLoadedMsg struct {
		number int64
		seq    int
		inc    *model.Incident
		err    error
	}

	// actionDoneMsg reports a write: what was done (for the status line)
	// and the incident as it is after it, when the write returns it.
	actionDoneMsg struct {
		number int64
		what   string
		inc    *model.Incident
		err    error
	}

	declaredMsg struct {
		inc *model.Incident
		err error
	}
)

// opTimeout bounds every store call. The busy timeout (5 s) is inside it.
const opTimeout = 15 * time.Second

func tick() tea.Cmd {
	return tea.Every(time.Second, func(t time.Time) tea.Msg { return clockMsg(t) })
}

func loadBoard(st Store, seq int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		incs, err := st.Board(ctx)
		return boardLoadedMsg{seq: seq, incs: incs, err: err}
	}
}

func loadIncident(st Store, number int64, seq int) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		inc, err := st.Get(ctx, number)
		return incidentLoadedMsg{number: number, seq: seq, inc: inc, err: err}
	}
}

// apply runs a model action on an incident in one write transaction.
func apply(st Store, number int64, what string, fn func(inc *model.Incident) (model.Event, error)) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		inc, err := st.Apply(ctx, number, fn)
		return actionDoneMsg{number: number, what: what, inc: inc, err: err}
	}
}

func setStep(st Store, number, itemID int64, done bool, actor string, now time.Time, what string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		changed, err := st.SetStep(ctx, number, itemID, done, actor, now)
		if err == nil && !changed {
			what = "no change: " + what
		}
		return actionDoneMsg{number: number, what: what, err: err}
	}
}

func changeSeverity(st Store, number int64, to model.SeverityPolicy, pb model.Playbook, reason, actor string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		inc, err := st.ChangeSeverity(ctx, number, to, pb, reason, actor, now)
		return actionDoneMsg{number: number, what: "severity is now " + to.Severity.String(), inc: inc, err: err}
	}
}

func declare(st Store, inc *model.Incident, ev model.Event) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		out, err := st.Declare(ctx, inc, ev)
		return declaredMsg{inc: out, err: err}
	}
}
