package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSentDraftsAreNotQuotedAsUpdates: the next message lists the status
// updates typed as such, never the whole text of an earlier (maybe
// internal) sent draft.
func TestSentDraftsAreNotQuotedAsUpdates(t *testing.T) {
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	inc := &Incident{Number: 1, Title: "x", Severity: P1, Status: StatusOpen, DetectedAt: now}
	typed, err := inc.StatusUpdate(now, "alice", "failover in progress")
	require.NoError(t, err)
	sent, err := inc.SendDraft(now.Add(time.Minute), "bob",
		Draft{ID: 1, Template: "status-update", Audience: AudienceInternal, CountsAsUpdate: true,
			Body: "INTERNAL: the vendor's fault, do not share", Author: "bob"}, nil, "")
	require.NoError(t, err)
	assert.False(t, typed.IsSentDraft())
	assert.True(t, sent.IsSentDraft())
	assert.Equal(t, now.Add(time.Minute), inc.LastUpdateAt, "a sent update restarts the clock")

	inc.Timeline = []Event{typed, sent}
	d := NewTemplateData(inc, Catalog{}, now.Add(2*time.Minute), time.UTC)
	require.Len(t, d.Updates, 1)
	assert.Equal(t, "failover in progress", d.Updates[0].Text)
	for _, u := range d.Updates {
		assert.NotContains(t, u.Text, "INTERNAL")
	}
}

func TestSendDraftNeedsOverrideForPlaceholders(t *testing.T) {
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	inc := &Incident{Number: 1, Title: "x", Severity: P1, Status: StatusOpen, DetectedAt: now}
	d := Draft{ID: 1, Template: "customer-initial-alert", Audience: AudienceCustomer, CountsAsUpdate: true, Body: "Dear [Customer Name]", Author: "a"}
	_, err := inc.SendDraft(now, "a", d, []string{"[Customer Name]"}, "")
	assert.ErrorIs(t, err, ErrInvalid)
	assert.True(t, inc.LastUpdateAt.IsZero(), "a refused send changes nothing")
	ev, err := inc.SendDraft(now, "a", d, []string{"[Customer Name]"}, "mass mailing fills it")
	require.NoError(t, err)
	assert.Contains(t, ev.Text, "override: mass mailing fills it")
	d.SentAt = now
	_, err = inc.SendDraft(now, "a", d, nil, "")
	assert.ErrorIs(t, err, ErrConflict, "sent twice")
	_, err = inc.SendDraft(now, "a", Draft{Body: "  "}, nil, "")
	assert.ErrorIs(t, err, ErrInvalid, "empty")
}

// TestSendDrillDraftNeedsTheMark: a drill's message that lost the DRILL
// mark is refused unless a reason is given, and the reason is recorded; a
// real incident's message needs no mark.
func TestSendDrillDraftNeedsTheMark(t *testing.T) {
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	inc := &Incident{Number: 1, Title: "x", Severity: P1, Status: StatusOpen, DetectedAt: now, DrillID: 3}
	unmarked := Draft{ID: 1, Template: "customer-initial-alert", Audience: AudienceCustomer, Body: "Subject: URGENT: Service Issue", Author: "a"}
	_, err := inc.SendDraft(now, "a", unmarked, nil, "")
	assert.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "no longer says DRILL")

	ev, err := inc.SendDraft(now, "a", unmarked, nil, "sent to the drill's test inbox")
	require.NoError(t, err)
	assert.Contains(t, ev.Text, "WITHOUT the DRILL mark (override: sent to the drill's test inbox)")

	marked := unmarked
	marked.Body = DrillBanner + "\n\nSubject: DRILL - URGENT"
	ev, err = inc.SendDraft(now, "a", marked, nil, "")
	require.NoError(t, err)
	assert.NotContains(t, ev.Text, "WITHOUT")

	real := &Incident{Number: 2, Title: "x", Severity: P1, Status: StatusOpen, DetectedAt: now}
	_, err = real.SendDraft(now, "a", unmarked, nil, "")
	assert.NoError(t, err, "a real incident's message needs no mark")
}
