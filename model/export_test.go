package model_test

import (
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/warroom/warroom/model"
)

var updateExport = flag.Bool("update", false, "rewrite the golden files of testdata/export")

// exportZone is the fixed zone of the export tests: CET, without a
// time zone database.
var exportZone = time.FixedZone("CET", 3600)

// reviewed is an incident with everything a review has, built with the
// model's actions on the test catalog's policy.
type reviewed struct {
	inc   *model.Incident
	r     model.Review
	items []model.ActionItem
	now   time.Time
}

// texts are the people's texts of a reviewed incident, so that a test can
// make every one of them hostile.
type texts struct {
	title, actor, note, update, escalation, resolution string
	whys                                               []string
	rootCause, prevention                              string
	factors                                            []model.Factor
	sections                                           map[string]string
	items                                              [2][2]string // description, owner
}

func plainTexts() texts {
	return texts{
		title: "Registry nodes down: sessions fail", actor: "bob",
		note:       "Registry leader lost quorum right after the 14:00 deploy",
		update:     "Failover to the standby registry in progress; new sessions may fail.",
		escalation: "customers report failures",
		resolution: "standby promoted",
		whys: []string{
			"Sessions failed because the registry had no leader.",
			"The registry had no leader because two of three nodes restarted at once.",
			"They restarted at once because the deploy rolled every node together.",
			"The deploy rolled every node because max_unavailable was unset.",
			"It was unset because the deploy template has no default for it.",
		},
		rootCause:  "The deploy template lets a rollout restart every registry node at once.",
		prevention: "Default max_unavailable to 1; alert on quorum loss.",
		factors: []model.Factor{
			{Category: model.FishTechnology, Text: "No quorum-loss alert"},
			{Category: model.FishProcess, Text: "Deploy review does not cover rollout settings"},
			{Category: model.FishTechnology, Text: "Leader election timeout too long"},
		},
		sections: map[string]string{
			model.SectionSummary: "A deploy restarted every registry node at once; the registry lost quorum and new sessions failed.\n\nFailover to the standby restored service.",
			model.SectionImpact:  "New sessions failed; existing sessions kept working",
			model.SectionLessons: "- Rollouts need a disruption budget\n- Quorum loss must page\n\n3. Failover works",
		},
		items: [2][2]string{
			{"Set max_unavailable: 1 in the deploy template", "dave"},
			{"Page on registry quorum loss", "erin"},
		},
	}
}

// newReviewed builds a resolved incident of severity sev with the given
// texts: declared (started a minute before, detection met), acknowledged, escalated and
// the escalation acknowledged, a note, a status update, the fix declared,
// every check passed, resolved, and a review with a 5-whys chain, factors
// and two action items. P1 is acknowledged late (missed) and has its
// review complete; the others have only the meeting held, and one action
// item is overdue.
func newReviewed(t *testing.T, sev model.Severity, tx texts) reviewed {
	t.Helper()
	inc, ev, err := model.Declare(model.Declaration{
		Title: tx.title, Impact: model.ImpactCritical, CustomersPct: 62,
		Services: []string{"registry", "transport"}, Severity: sev, OverrideReason: "test",
		DetectedAt: at(0), StartedAt: at(-time.Minute), Actor: "alice",
	}, testCatalog())
	require.NoError(t, err)
	inc.Number = 7
	inc.Timeline = append(inc.Timeline, ev)
	record := func(ev model.Event, err error) {
		t.Helper()
		require.NoError(t, err)
		inc.Timeline = append(inc.Timeline, ev)
	}
	record(inc.AssignRole(at(time.Minute), "alice", model.RoleCommander, "alice"))
	ack := 4 * time.Minute
	if sev == model.P1 {
		ack = 20 * time.Minute // ACK within 15 min: missed
	}
	record(inc.Acknowledge(at(ack), tx.actor))
	record(inc.Escalate(at(25*time.Minute), "alice", tx.escalation))
	record(inc.AcknowledgeEscalation(at(35*time.Minute), "carol"))
	record(inc.Note(at(40*time.Minute), tx.actor, tx.note))
	record(inc.StatusUpdate(at(45*time.Minute), "carol", tx.update))
	record(inc.DeclareFix(at(60*time.Minute), tx.actor))
	for i, c := range model.VerificationChecks {
		record(inc.PassCheck(at(90*time.Minute+time.Duration(i)*time.Minute), "qa", c.ID))
	}
	resolved := at(100 * time.Minute)
	record(inc.Resolve(resolved, "alice", tx.resolution, ""))

	now := resolved.Add(2 * 24 * time.Hour)
	steps := model.ReviewMilestones[:1]
	if sev == model.P1 {
		steps = model.ReviewMilestones
	}
	for i, s := range steps {
		record(inc.MarkReview(resolved.Add(time.Duration(i+1)*12*time.Hour), "carol", s.ID))
	}

	r := model.Review{
		IncidentNumber: inc.Number, Sections: tx.sections,
		RCA: model.RCA{Whys: tx.whys, RootCause: tx.rootCause, Factors: tx.factors,
			Category: model.CauseConfiguration, Prevention: tx.prevention},
		UpdatedAt: resolved.Add(20 * time.Hour), UpdatedBy: "carol",
	}
	require.NoError(t, r.Validate())
	status := model.ActionOpen
	if sev == model.P1 {
		status = model.ActionInProgress
	}
	items := []model.ActionItem{
		{ID: 12, IncidentNumber: inc.Number, Seq: 2, Description: tx.items[1][0], Owner: tx.items[1][1],
			DueAt: resolved.Add(24 * time.Hour), Status: status},
		{ID: 11, IncidentNumber: inc.Number, Seq: 1, Description: tx.items[0][0], Owner: tx.items[0][1],
			DueAt: resolved.Add(7 * 24 * time.Hour), Status: model.ActionDone},
	}
	for _, a := range items {
		require.NoError(t, a.Validate())
	}
	return reviewed{inc: inc, r: r, items: items, now: now}
}

func (rv reviewed) markdown() string {
	return model.Markdown(rv.inc, rv.r, rv.items, testCatalog(), rv.now, exportZone)
}

// golden compares got with the golden file testdata/export/name, or
// rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "export", name)
	if *updateExport {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./model -run Export -update to create it")
	assert.Equal(t, string(want), got, "%s differs; after a deliberate change: go test ./model -run Export -update", path)
}

func TestExportMarkdownGolden(t *testing.T) {
	for _, sev := range []model.Severity{model.P1, model.P4} {
		t.Run(sev.String(), func(t *testing.T) {
			md := newReviewed(t, sev, plainTexts()).markdown()
			golden(t, strings.ToLower(sev.String())+".md", md)
			checkMarkdown(t, md, 2)
		})
	}
}

// TestExportMarkdownEmptyReview: an incident without a written review or
// action items shows the template's placeholders.
func TestExportMarkdownEmptyReview(t *testing.T) {
	inc := declare(t, model.P3, at(0))
	md := model.Markdown(inc, model.Review{}, nil, testCatalog(), at(time.Hour), exportZone)
	golden(t, "open-p3.md", md)
	for _, ph := range []string{
		"[Brief overview of what happened]", "Business impact: [Description]", "Primary cause: [Description]",
		"Contributing factors: [List]", "Prevention opportunities: [List]", "Quality of resolution: [Assessment]",
		"Recurrence prevention: [Measures taken]", "Timeliness: [Rating]", "Clarity: [Rating]",
		"Customer feedback: [Summary]", "| 1 | [Action item] | [Owner] | [Date] | [Status] |",
		"| 2 | [Action item] | [Owner] | [Date] | [Status] |",
		"1. [Key learning]\n2. [Key learning]\n3. [Key learning]\n",
		"1. [Improvement suggestion]\n2. [Improvement suggestion]\n3. [Improvement suggestion]\n",
	} {
		assert.Contains(t, md, ph)
	}
	assert.Contains(t, md, "**Duration**: 2025-03-14 10:00 CET (+01:00) to now, still open (1h 0m so far)\n")
	assert.Contains(t, md, "**Time to acknowledge**: not acknowledged yet · **Time to resolve**: not resolved yet, open for 1h 0m (measured from detection)\n")
	assert.Contains(t, md, "- 2025-03-14 10:00 CET (+01:00): Event occurred: no earlier start known than the detection\n")
	checkMarkdown(t, md, 2)
}

// TestExportMarkdownFacts: what the report says is the incident's data.
func TestExportMarkdownFacts(t *testing.T) {
	md := newReviewed(t, model.P1, plainTexts()).markdown()
	for _, want := range []string{
		"**Incident ID**: INC-0007\\\n",
		"**Date**: 2025-03-14\\\n",
		"**Severity**: P1 - Critical\\\n",
		"**Duration**: 2025-03-14 09:59 CET (+01:00) to 2025-03-14 11:40 CET (+01:00) (1h 41m)\n",
		"- 2025-03-14 09:59 CET (+01:00): Event occurred: the problem started\n",
		"- 2025-03-14 10:00 CET (+01:00): Detection: incident declared (alice)\n",
		"- 2025-03-14 10:20 CET (+01:00): Response initiated: acknowledged (bob)\n",
		"- 2025-03-14 10:25 CET (+01:00): Escalation (alice): escalated Tier 1 -\\> Tier 2: customers report failures\n",
		"- 2025-03-14 11:00 CET (+01:00): Fix declared (bob)\n",
		"- 2025-03-14 11:33 CET (+01:00): Recovery complete: all 4 verification checks passed\n",
		"- 2025-03-14 11:40 CET (+01:00): Resolution (alice): resolved; phase Verification -\\> Post-Mortem: standby promoted\n",
		"**Time to acknowledge**: 20m · **Time to resolve**: 1h 40m (measured from detection)\n",
		"- Customers affected: 62% of customers\n",
		"- Systems impacted: Registry Service, Transport Layer\n",
		"- SLA impact: Yes: Acknowledgment missed (due 2025-03-14 10:15 CET (+01:00), reached 2025-03-14 10:20 CET (+01:00))\n",
		"- Cause category: Configuration errors\n",
		"  5. It was unset because the deploy template has no default for it.\n",
		"  - Process: Deploy review does not cover rollout settings\n",
		"  - [x] No recurrence detected (qa), 2025-03-14 11:33 CET (+01:00)\n",
		"| 1 | Set max\\_unavailable: 1 in the deploy template | dave | 2025-03-21 | Done |\n",
		"| 2 | Page on registry quorum loss | erin | 2025-03-15 | In progress (overdue) |\n",
		"1. Rollouts need a disruption budget\n2. Quorum loss must page\n3. Failover works\n",
	} {
		assert.Contains(t, md, want)
	}
	// The headings of the template, in its order, and no other.
	var heads []string
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "#") {
			heads = append(heads, l)
		}
	}
	assert.Equal(t, model.MarkdownHeadings, heads)

	p4 := newReviewed(t, model.P4, plainTexts()).markdown()
	assert.Contains(t, p4, "- SLA impact: No\n", "P4: every deadline met, the review's running")
	assert.Contains(t, p4, "| 2 | Page on registry quorum loss | erin | 2025-03-15 | Open (overdue) |\n")
}

// hostile is text that would do something in Markdown or on a terminal if
// it were not escaped.
const hostile = "a|b `code` **bold** _em_ ~~del~~ $x$ &amp; <script>alert(1)</script> [x](y) ![i](z)\n" +
	"# heading\n" +
	"* item\n" +
	"- item\n" +
	"+ item\n" +
	"1. one\n" +
	"2) two\n" +
	"> quote\n" +
	"```\n" +
	"~~~\n" +
	"    indented code\n" +
	"---\n" +
	"===\n" +
	"| c | d |\n" +
	"<div>html</div>\n" +
	"[ref]: http://evil.example\n" +
	"esc\x1b[2J\x1b]52;c;ZXZpbA==\x07bel\x07 nul\x00 cr\r\n" +
	"trailing backslash \\"

func hostileTexts() texts {
	h := func(s string) string { return s + " " + hostile }
	return texts{
		title: h("title"), actor: h("actor"), note: h("note"), update: h("update"),
		escalation: h("escalation"), resolution: h("resolution"),
		whys:      []string{h("why1"), hostile, h("why3")},
		rootCause: h("root"), prevention: h("prevention"),
		factors: []model.Factor{{Category: model.FishPeople, Text: h("factor1")},
			{Category: model.FishEnvironment, Text: hostile}},
		sections: map[string]string{
			model.SectionSummary: h("summary"), model.SectionImpact: h("impact"),
			model.SectionEffectiveness: h("effectiveness"), model.SectionCommunication: h("communication"),
			model.SectionLessons: h("lessons"), model.SectionImprovements: hostile,
		},
		items: [2][2]string{{h("desc1"), h("owner1")}, {hostile, hostile}},
	}
}

// TestExportMarkdownHostile: Markdown and escape sequences in every
// people's field come out inert.
func TestExportMarkdownHostile(t *testing.T) {
	for _, sev := range []model.Severity{model.P1, model.P4} {
		rv := newReviewed(t, sev, hostileTexts())
		md := rv.markdown()
		checkMarkdown(t, md, 2)
		assert.Contains(t, md, `a\|b \`+"`code\\`", "the text is there, escaped")
		assert.Contains(t, md, `\[x\](y)`)
		assert.Contains(t, md, `\<script\>`)
		assert.Contains(t, md, `<br>\# heading<br>\* item<br>\- item<br>\+ item<br>1\. one<br>2\) two<br>\> quote<br>`)
		assert.NotContains(t, md, "[x](y)")
		assert.Contains(t, md, "<br>indented code<br>", "trimmed: no indented code block")
	}
}

// unescaped matches a character that is not escaped by a backslash (an
// even run of backslashes before it).
func unescaped(ch string) *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[^\\])(?:\\\\)*` + regexp.QuoteMeta(ch))
}

// tableCells splits a table row on its unescaped pipes.
func tableCells(row string) []string {
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			cur.WriteByte(row[i])
			if i+1 < len(row) {
				i++
				cur.WriteByte(row[i])
			}
		case '|':
			cells = append(cells, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	return append(cells, cur.String())
}

// checkMarkdown checks what every report satisfies whatever people typed:
// no control character but the newline; the template's headings, in
// order, and no other line starting with #; no line starting another
// block (quote, code fence, HTML, setext underline, thematic break, table
// outside Action Items, indented code); no unescaped backtick, link or
// HTML but <br>; and an action item table whose rows have 5 cells each,
// rows of them.
func checkMarkdown(t *testing.T, md string, rows int) {
	t.Helper()
	for i := 0; i < len(md); i++ {
		if c := md[i]; (c < 0x20 && c != '\n') || c == 0x7f {
			t.Fatalf("control byte %#x at %d: %q", c, i, md[max(0, i-20):min(len(md), i+20)])
		}
	}
	assert.True(t, strings.HasSuffix(md, "\n") && !strings.HasSuffix(md, "\n\n"), "ends with one newline")
	lines := strings.Split(md, "\n")
	var heads []string
	table := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "#") {
			heads = append(heads, l)
		}
		for _, p := range []string{">", "```", "~~~", "<", "===", "---", "    ", "\t", "+", "="} {
			assert.False(t, strings.HasPrefix(l, p), "line %d starts with %q: %q", i+1, p, l)
		}
		if strings.HasPrefix(l, "*") {
			assert.Regexp(t, `^\*\*[A-Z][A-Za-z ]+\*\*: `, l, "only the report's own bold labels start a line with *")
		}
		if l == "| ID | Description | Owner | Due Date | Status |" {
			table = i
		}
		if strings.HasPrefix(l, "|") && (table < 0 || i > table+1+rows) {
			t.Errorf("a table row outside the action items: line %d %q", i+1, l)
		}
	}
	assert.Equal(t, model.MarkdownHeadings, heads, "headings")
	require.GreaterOrEqual(t, table, 0, "the action item table")
	require.Greater(t, len(lines), table+2+rows)
	assert.Equal(t, "|----|-------------|-------|----------|--------|", lines[table+1])
	for i := table + 2; i < table+2+rows; i++ {
		cells := tableCells(lines[i])
		assert.Len(t, cells, 7, "row %q: | + 5 cells + |", lines[i])
		assert.Equal(t, "", cells[0])
		assert.Equal(t, "", cells[len(cells)-1])
	}
	assert.Equal(t, "", lines[table+2+rows], "the table ends after its rows")

	assert.False(t, unescaped("`").MatchString(md), "an unescaped backtick")
	assert.False(t, unescaped("](").MatchString(md), "an unescaped link")
	assert.False(t, unescaped("$").MatchString(md), "unescaped math")
	assert.False(t, unescaped("~").MatchString(md), "unescaped strikethrough")
	assert.False(t, unescaped("_").MatchString(md), "unescaped emphasis")
	withoutBr := strings.ReplaceAll(md, "<br>", "")
	assert.False(t, unescaped("<").MatchString(withoutBr), "unescaped HTML")
	// Emphasis: the report's own bold labels are the only unescaped
	// asterisks, always in pairs around a label.
	stars := unescaped("*").FindAllString(regexp.MustCompile(`\*\*[A-Za-z ]+\*\*`).ReplaceAllString(md, ""), -1)
	assert.Empty(t, stars, "unescaped asterisks")
}

// TestExportMarkdownDeterministic: the same data gives the same bytes,
// whatever order the items and sections come in.
func TestExportMarkdownDeterministic(t *testing.T) {
	rv := newReviewed(t, model.P1, plainTexts())
	a := rv.markdown()
	assert.Equal(t, a, rv.markdown())
	slices.Reverse(rv.items)
	assert.Equal(t, a, rv.markdown(), "items come out by number")
	again := newReviewed(t, model.P1, plainTexts())
	assert.Equal(t, a, again.markdown())

	j1, err := json.Marshal(rv.inc.Export(rv.r, rv.items, rv.now))
	require.NoError(t, err)
	slices.Reverse(rv.items)
	j2, err := json.Marshal(rv.inc.Export(rv.r, rv.items, rv.now))
	require.NoError(t, err)
	assert.Equal(t, string(j1), string(j2))
}

// TestExportJSONRoundTrip: the document survives JSON both ways.
func TestExportJSONRoundTrip(t *testing.T) {
	for _, tx := range []texts{plainTexts(), hostileTexts()} {
		rv := newReviewed(t, model.P1, tx)
		doc := rv.inc.Export(rv.r, rv.items, rv.now)
		raw, err := json.Marshal(doc)
		require.NoError(t, err)
		var back model.ExportDoc
		require.NoError(t, json.Unmarshal(raw, &back))
		assert.Equal(t, doc, back)
	}
	// An incident with nothing reviewed: still every field.
	inc := declare(t, model.P2, at(0))
	doc := inc.Export(model.Review{}, nil, at(time.Hour))
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	var back model.ExportDoc
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, doc, back)
}

// TestExportJSONFields: the document is show --json's fields plus the
// review, RCA, action items and verification.
func TestExportJSONFields(t *testing.T) {
	rv := newReviewed(t, model.P1, plainTexts())
	raw, err := json.Marshal(rv.inc.Export(rv.r, rv.items, rv.now))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))

	show, err := json.Marshal(rv.inc.Doc(rv.now))
	require.NoError(t, err)
	var showDoc map[string]any
	require.NoError(t, json.Unmarshal(show, &showDoc))
	for k, v := range showDoc {
		assert.Equal(t, v, doc[k], "show --json's %s", k)
	}

	assert.Equal(t, map[string]any{
		"sections": map[string]any{
			"summary": plainTexts().sections[model.SectionSummary], "impact": "New sessions failed; existing sessions kept working",
			"resolution_effectiveness": "", "communication": "", "lessons_learned": plainTexts().sections[model.SectionLessons],
			"process_improvements": "",
		},
		"pir_meeting_at": "2025-03-14T22:40:00.000Z", "pir_document_at": "2025-03-15T10:40:00.000Z",
		"action_items_at": "2025-03-15T22:40:00.000Z", "review_complete_at": "2025-03-16T10:40:00.000Z",
		"complete": true, "updated_at": "2025-03-15T06:40:00.000Z", "updated_by": "carol",
	}, doc["review"])
	rca := doc["rca"].(map[string]any)
	assert.Len(t, rca["whys"], 5)
	assert.Equal(t, "configuration", rca["category"])
	assert.Equal(t, "Configuration errors", rca["category_label"])
	assert.Equal(t, map[string]any{"category": "technology", "text": "No quorum-loss alert"}, rca["factors"].([]any)[0])
	assert.Equal(t, []any{
		map[string]any{"id": 1.0, "description": "Set max_unavailable: 1 in the deploy template", "owner": "dave",
			"due_at": "2025-03-21T10:40:00.000Z", "status": "done", "overdue": false},
		map[string]any{"id": 2.0, "description": "Page on registry quorum loss", "owner": "erin",
			"due_at": "2025-03-15T10:40:00.000Z", "status": "in_progress", "overdue": true},
	}, doc["action_items"])
	v := doc["verification"].(map[string]any)
	assert.Equal(t, "2025-03-14T10:00:00.000Z", v["fixed_at"])
	assert.Equal(t, "2025-03-14T10:33:00.000Z", v["recovered_at"])
	checks := v["checks"].([]any)
	require.Len(t, checks, 4)
	assert.Equal(t, map[string]any{"id": "stable_30m", "text": "Systems stable for 30 minutes", "passed": true,
		"by": "qa", "at": "2025-03-14T10:30:00.000Z"}, checks[0])

	// The sections are written in the template's order.
	i := strings.Index(string(raw), `"sections":{`)
	require.GreaterOrEqual(t, i, 0)
	var order []int
	for _, s := range model.ReviewSections {
		order = append(order, strings.Index(string(raw[i:]), `"`+s.ID+`":`))
	}
	assert.True(t, slices.IsSorted(order), "%v", order)

	// Nothing reviewed yet: every field is there, empty or null.
	inc := declare(t, model.P2, at(0))
	raw, err = json.Marshal(inc.Export(model.Review{}, nil, at(time.Hour)))
	require.NoError(t, err)
	doc = map[string]any{}
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Equal(t, []any{}, doc["action_items"])
	assert.Equal(t, map[string]any{"whys": []any{}, "root_cause": "", "factors": []any{}, "category": "",
		"category_label": "", "prevention": ""}, doc["rca"])
	review := doc["review"].(map[string]any)
	assert.Len(t, review["sections"], len(model.ReviewSections))
	for _, k := range []string{"pir_meeting_at", "pir_document_at", "action_items_at", "review_complete_at", "updated_at"} {
		require.Contains(t, review, k)
		assert.Nil(t, review[k], k)
	}
	assert.Equal(t, false, review["complete"])
	v = doc["verification"].(map[string]any)
	assert.Nil(t, v["fixed_at"])
	assert.Nil(t, v["recovered_at"])
	for _, c := range v["checks"].([]any) {
		c := c.(map[string]any)
		assert.Equal(t, false, c["passed"])
		assert.Nil(t, c["by"])
		assert.Nil(t, c["at"])
	}
}

// TestExportMarkdownRendersOnGitHub renders the reports with cmark-gfm,
// GitHub's Markdown (tables, strikethrough, task lists, tag filter), when
// it is installed (apt-get install cmark-gfm), and checks that people's
// text made no element: only the template's headings, lists, paragraphs,
// bold labels, line breaks, task boxes and the action item table, whose
// rows have 5 cells each. Bare URLs are left out: GitHub links them in any
// text, which is what a URL in a review is for.
func TestExportMarkdownRendersOnGitHub(t *testing.T) {
	bin, err := exec.LookPath("cmark-gfm")
	if err != nil {
		t.Skip("cmark-gfm is not installed")
	}
	render := func(md string) string {
		// As GitHub: raw HTML passes (its sanitizer keeps <br>), the
		// tag filter on.
		cmd := exec.Command(bin, "--unsafe", "-e", "table", "-e", "strikethrough", "-e", "tasklist", "-e", "tagfilter")
		cmd.Stdin = strings.NewReader(md)
		out, err := cmd.Output()
		require.NoError(t, err)
		return string(out)
	}
	allowed := map[string]bool{"h1": true, "h2": true, "p": true, "strong": true, "br": true, "ul": true,
		"ol": true, "li": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true,
		"td": true, "input": true}
	tagRE := regexp.MustCompile(`<(/?)([a-zA-Z0-9]+)`)
	for _, sev := range []model.Severity{model.P1, model.P4} {
		for name, tx := range map[string]texts{"plain": plainTexts(), "hostile": hostileTexts()} {
			html := render(newReviewed(t, sev, tx).markdown())
			for _, m := range tagRE.FindAllStringSubmatch(html, -1) {
				assert.True(t, allowed[m[2]], "%s %s: element <%s> in\n%s", sev, name, m[2], html)
			}
			assert.NotContains(t, html, "<!--", "%s %s", sev, name)
			assert.Equal(t, 1, strings.Count(html, "<h1>"), "%s %s", sev, name)
			assert.Equal(t, len(model.MarkdownHeadings)-1, strings.Count(html, "<h2>"), "%s %s", sev, name)
			assert.Equal(t, 1, strings.Count(html, "<table>"), "%s %s", sev, name)
			body := html[strings.Index(html, "<tbody>"):strings.Index(html, "</tbody>")]
			rows := strings.Split(body, "<tr>")[1:]
			require.Len(t, rows, 2, "%s %s", sev, name)
			for _, r := range rows {
				assert.Equal(t, 5, strings.Count(r, "<td>"), "%s %s: %s", sev, name, r)
			}
			if name == "hostile" {
				assert.Contains(t, html, "a|b `code` **bold** _em_ ~~del~~ $x$ &amp;amp; &lt;script&gt;alert(1)&lt;/script&gt; [x](y) ![i](z)<br># heading<br>* item<br>")
				assert.Contains(t, html, "<p>summary a|b `code`")
				assert.Contains(t, html, "<br />\n# heading<br />\n* item<br />\n- item<br />\n+ item<br />\n1. one<br />\n2) two<br />\n&gt; quote<br />\n```<br />\n~~~<br />\nindented code<br />\n---<br />\n===<br />\n| c | d |<br />\n")
			}
		}
	}
}
