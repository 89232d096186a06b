package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/warroom/warroom/model"
)

// TestResolveAfterVerificationThenReview walks the post-incident part as a
// commander would: declare the fix, wait out the stability clock, pass the
// checks, resolve, then write the 5 whys and two action items, mark the
// review's steps, export and close.
func TestResolveAfterVerificationThenReview(t *testing.T) {
	h := newHarness(t, 120, 40)
	withTemplates(t, h)
	h.declare("Registry nodes down", model.P1, t0)
	h.run(h.app.reloadBoard())
	h.key("enter")

	// resolving with the checks open asks for an override
	h.key("R")
	require.NotNil(t, h.app.prompt)
	h.key("enter")
	assert.Contains(t, h.view(), "give a reason")
	h.key("esc")

	h.now = t0.Add(10 * time.Minute)
	h.key("f")
	inc := h.get(1)
	assert.Equal(t, t0.Add(10*time.Minute), inc.Verification.FixedAt)
	assert.Equal(t, model.PhaseVerification, inc.Phase)
	assert.Contains(t, h.view(), "stable at 14:40")

	// the stability check waits for its 30 minutes
	h.key("v")
	require.NotNil(t, h.app.prompt)
	h.key("enter")
	assert.Contains(t, h.view(), "to go")
	h.now = t0.Add(40 * time.Minute)
	for i := 0; i < 4; i++ {
		h.key("v")
		h.key("enter") // the first open check is preselected
	}
	inc = h.get(1)
	assert.Empty(t, inc.Verification.Open(), "all four checks passed")
	h.key("R")
	h.typeText("failed over to the standby registry")
	h.key("enter")
	inc = h.get(1)
	require.Equal(t, model.StatusResolved, inc.Status)
	assert.NotContains(t, inc.Timeline[len(inc.Timeline)-1].Text, "override")

	// the review
	h.key("w")
	require.Equal(t, screenReview, h.app.screen)
	v := h.view()
	assert.Contains(t, v, "PIR meeting held")
	assert.Contains(t, v, "[ ] PIR  PIR meeting held       due Fri 14:40 in 1d 00h", "the PIR meeting is due 24h after resolution")

	gotoRow := func(k rowKind) {
		for i, r := range h.app.review.rows {
			if r.kind == k {
				h.app.review.cursor = i
				return
			}
		}
		t.Fatalf("no row %v", k)
	}
	for _, why := range []string{"registry nodes crashed", "memory exhausted", "a leak in the session cache", "no memory limit", "limits were never reviewed"} {
		gotoRow(rowAddWhy)
		h.key("enter")
		h.typeText(why)
		h.key("enter")
	}
	gotoRow(rowRootCause)
	h.key("enter")
	h.typeText("unbounded session cache")
	h.key("enter")
	gotoRow(rowCategory)
	h.key("enter")
	h.key("enter")
	h.key("enter") // network -> configuration -> resource exhaustion
	gotoRow(rowAddFactor)
	h.key("enter")
	h.key("down")
	h.key("down") // technology
	h.typeText("no load test of the cache")
	h.key("enter")
	for _, item := range []string{"Bound the session cache ; bob ; +7d", "Alert on registry memory ; carol ; 2026-12-05"} {
		gotoRow(rowAddItem)
		h.key("enter")
		h.typeText(item)
		h.key("enter")
	}
	r, err := h.st.Review(context.Background(), 1)
	require.NoError(t, err)
	assert.Len(t, r.RCA.Whys, 5)
	assert.Equal(t, "unbounded session cache", r.RCA.RootCause)
	assert.Equal(t, model.CauseResource, r.RCA.Category)
	require.Len(t, r.RCA.Factors, 1)
	assert.Equal(t, model.Factor{Category: model.FishTechnology, Text: "no load test of the cache"}, r.RCA.Factors[0])
	items, err := h.st.ActionItems(context.Background(), 1)
	require.NoError(t, err)
	require.Len(t, items, 2)
	assert.Equal(t, "bob", items[0].Owner)
	assert.Equal(t, h.now.Add(7*24*time.Hour), items[0].DueAt)

	// a free-text section through the editor, autosaved
	gotoRow(rowSection)
	h.key("enter")
	require.Equal(t, screenEditor, h.app.screen)
	h.paste("Registry down 40 minutes. ") // one message: typing here would wait out an autosave per key
	h.key("esc")                          // saves and goes back
	require.Equal(t, screenReview, h.app.screen)
	r, err = h.st.Review(context.Background(), 1)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(r.Sections[model.SectionSummary], "Registry down 40 minutes."))

	// closing needs the review complete
	h.key("esc")
	h.key("C")
	h.key("enter")
	assert.Contains(t, h.view(), "give a reason")
	h.key("esc")
	h.key("w")
	for i := range model.ReviewMilestones {
		for j, row := range h.app.review.rows {
			if row.kind == rowStep && row.index == i {
				h.app.review.cursor = j
			}
		}
		h.key("enter")
	}
	inc = h.get(1)
	assert.False(t, inc.Review.CompletedAt.IsZero(), "review complete")

	h.key("x")
	path := filepath.Join(h.app.env.cfg.ExportDir, "INC-0001-review.md")
	md, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(md), "unbounded session cache")
	assert.Contains(t, string(md), "Bound the session cache")
	assert.Contains(t, h.view(), "wrote "+path)

	h.key("esc")
	h.key("C")
	h.key("enter")
	assert.Equal(t, model.StatusClosed, h.get(1).Status)
}

// TestReviewEditsSurviveOtherConsoles: a why is edited by its text, so a
// why removed in another console meanwhile does not make the edit land on
// the wrong one; editing an item leaves a status changed elsewhere alone.
func TestReviewEditsSurviveOtherConsoles(t *testing.T) {
	h := newHarness(t, 120, 40)
	inc := h.declare("x", model.P3, t0)
	ctx := context.Background()
	r, err := h.st.Review(ctx, inc.Number)
	require.NoError(t, err)
	r.RCA.Whys = []string{"one", "two", "three", "four"}
	r.UpdatedAt, r.UpdatedBy = t0, "bob"
	require.NoError(t, h.st.SaveReview(ctx, inc.Number, r))
	it, err := h.st.AddActionItem(ctx, inc.Number, model.ActionItem{Description: "d", Owner: "o", DueAt: t0.Add(time.Hour), Status: model.ActionOpen}, "bob", t0)
	require.NoError(t, err)
	h.run(h.app.reloadBoard())
	h.key("enter")
	h.key("w")

	// alice opens why #4; bob removes why #2
	for i, row := range h.app.review.rows {
		if row.kind == rowWhy && row.index == 3 {
			h.app.review.cursor = i
		}
	}
	h.key("enter")
	r.RCA.Whys = []string{"one", "three", "four"}
	require.NoError(t, h.st.SaveReview(ctx, inc.Number, r))
	h.app.prompt.input.SetValue("FOUR, edited")
	h.key("enter")
	got, err := h.st.Review(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, []string{"one", "three", "FOUR, edited"}, got.RCA.Whys)

	// alice edits item #1's owner; bob had marked it done
	for i, row := range h.app.review.rows {
		if row.kind == rowItem {
			h.app.review.cursor = i
		}
	}
	h.key("enter")
	it.Status = model.ActionDone
	_, err = h.st.UpdateActionItem(ctx, inc.Number, it, "bob", t0)
	require.NoError(t, err)
	h.app.prompt.input.SetValue("d ; carol ; 2026-12-10")
	h.key("enter")
	items, err := h.st.ActionItems(ctx, inc.Number)
	require.NoError(t, err)
	assert.Equal(t, "carol", items[0].Owner)
	assert.Equal(t, model.ActionDone, items[0].Status, "bob's status stands")
}
