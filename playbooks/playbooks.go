package playbooks

import (
	"embed"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/warroom/warroom/model"
)

// The names of the files Load reads.
const (
	policyFile   = "policy.yaml"
	servicesFile = "services.yaml"
	// playbookGlob matches the playbook files (and policy.yaml, skipped).
	playbookGlob = "p*.yaml"
)

// policyVersion is the version of policy.yaml's format this package reads.
const policyVersion = 1

//go:embed data/*.yaml
var builtinFiles embed.FS

// Builtin returns the built-in catalog: the seed's SLA policy, service
// impact map and playbooks. Each call parses the embedded files afresh, so
// the caller owns the result and may change it. An error means the embedded
// files are broken, which the package's tests rule out.
func Builtin() (model.Catalog, error) {
	data, err := fs.Sub(builtinFiles, "data")
	if err != nil {
		return model.Catalog{}, err
	}
	return Load(data)
}

// Load reads and validates a catalog from the root of fsys: policy.yaml,
// services.yaml and one playbook file per severity, named p*.yaml (p1.yaml
// by convention; the severity is the one the file declares). Other files are
// ignored. When anything is wrong it returns an empty catalog and a
// *ValidationError listing every problem found.
func Load(fsys fs.FS) (model.Catalog, error) {
	l := loader{fsys: fsys}
	var cat model.Catalog
	cat.Policy = l.policy()
	cat.Services = l.services()
	cat.Playbooks = l.playbooks()
	if len(l.problems) > 0 {
		return model.Catalog{}, &ValidationError{Problems: l.problems}
	}
	return cat, nil
}

// loader collects the problems of every file it reads.
type loader struct {
	fsys     fs.FS
	problems []Problem
}

// done adds the problems of a file read with decodeFile to the loader's, in
// line order.
func (l *loader) done(f *file) {
	l.problems = append(l.problems, f.sortedProblems()...)
}

// policy reads policy.yaml.
func (l *loader) policy() model.Policy {
	var doc policyDoc
	f, ok := decodeFile(l.fsys, policyFile, &doc)
	defer l.done(f)
	if !ok {
		return model.Policy{}
	}
	switch {
	case doc.Version == nil:
		f.errorf(loc{"version"}, "missing")
	case *doc.Version != policyVersion:
		f.errorf(loc{"version"}, "unsupported version %d (want %d)", *doc.Version, policyVersion)
	}
	var ratio float64
	switch {
	case doc.WarnRatio == nil:
		f.errorf(loc{"warn_ratio"}, "missing")
	case !(*doc.WarnRatio > 0 && *doc.WarnRatio < 1):
		f.errorf(loc{"warn_ratio"}, "must be more than 0 and less than 1, not %v", *doc.WarnRatio)
	default:
		ratio = *doc.WarnRatio
	}
	var warnAtMost time.Duration // optional: left out (or empty) is 0, off
	if doc.WarnAtMost != "" {
		warnAtMost, _ = f.duration(loc{"warn_at_most"}, doc.WarnAtMost)
	}
	shared := model.SeverityPolicy{WarnRatio: ratio, WarnAtMost: warnAtMost}

	pol := model.Policy{Severities: map[model.Severity]model.SeverityPolicy{}}
	keys := map[model.Severity]string{} // the key each severity was given under
	for _, key := range slices.Sorted(maps.Keys(doc.Severities)) {
		at := loc{"severities", key}
		sev, err := model.ParseSeverity(key)
		if err != nil {
			f.errorf(at, "%v", err)
			continue
		}
		if prev, dup := keys[sev]; dup {
			f.errorf(at, "%s is already defined as %q", sev, prev)
			continue
		}
		keys[sev] = key
		pol.Severities[sev] = f.severityPolicy(at, sev, doc.Severities[key], shared)
	}
	for _, sev := range model.Severities {
		if _, ok := keys[sev]; !ok {
			f.errorf(loc{"severities"}, "no policy for %s", sev)
		}
	}
	return pol
}

// milestones are the milestone ids a policy may use.
var milestones = []model.MilestoneID{
	model.MilestoneDetection,
	model.MilestoneAcknowledge,
	model.MilestoneInitialResolution,
	model.MilestoneResolution,
	model.MilestonePostMortem,
	model.MilestonePIRMeeting,
	model.MilestonePIRDocument,
	model.MilestoneActionItems,
	model.MilestoneReviewComplete,
}

// triggers are the escalation triggers a policy may use.
var triggers = []model.TriggerKind{
	model.TriggerImmediate,
	model.TriggerNoProgress,
	model.TriggerNoResolution,
}

// severityPolicy builds the policy of one severity from its document at at.
// shared holds the fields that policy.yaml gives for every severity
// (WarnRatio, WarnAtMost).
func (f *file) severityPolicy(at loc, sev model.Severity, doc severityDoc, shared model.SeverityPolicy) model.SeverityPolicy {
	f.required(at.at("name"), doc.Name)
	sp := shared
	sp.Severity, sp.Name = sev, doc.Name
	sp.StatusUpdateEvery, _ = f.duration(at.at("status_update_every"), doc.StatusUpdateEvery)
	sp.Escalation = f.escalation(at.at("escalation"), doc.Escalation)
	if len(doc.Milestones) == 0 {
		f.errorf(at.at("milestones"), "no milestones")
	}
	seen := map[model.MilestoneID]bool{}
	for i, m := range doc.Milestones {
		mat := at.at("milestones", i)
		id := model.MilestoneID(m.ID)
		switch {
		case m.ID == "":
			f.errorf(mat.at("id"), "missing")
		case !slices.Contains(milestones, id):
			f.errorf(mat.at("id"), "unknown milestone %q (want one of %s)", m.ID, joinIDs(milestones))
		case seen[id]:
			f.errorf(mat.at("id"), "milestone %q is listed twice", m.ID)
		}
		seen[id] = true
		f.required(mat.at("name"), m.Name)
		f.required(mat.at("short"), m.Short)
		within, ok := f.duration(mat.at("within"), m.Within)
		if ok && within == 0 {
			f.errorf(mat.at("within"), "must be more than zero")
		}
		sp.Milestones = append(sp.Milestones, model.MilestoneTarget{
			ID: id, Name: m.Name, Short: m.Short,
			From: f.anchor(mat.at("from"), m.From), Within: within,
		})
	}
	return sp
}

// escalation builds one severity's row of the escalation matrix from its
// document at at: a known trigger; after more than zero for no_progress and
// no_resolution, zero or left out for immediate; at least one tier, each
// more than zero.
func (f *file) escalation(at loc, doc *escalationDoc) model.EscalationPolicy {
	if doc == nil {
		f.errorf(at, "missing")
		return model.EscalationPolicy{}
	}
	esc := model.EscalationPolicy{Trigger: model.TriggerKind(doc.Trigger)}
	tat, aat := at.at("trigger"), at.at("after")
	switch {
	case doc.Trigger == "":
		f.errorf(tat, "missing")
	case !slices.Contains(triggers, esc.Trigger):
		f.errorf(tat, "unknown trigger %q (want immediate, no_progress or no_resolution)", doc.Trigger)
	}
	switch esc.Trigger {
	case model.TriggerImmediate:
		if doc.After != "" {
			if after, ok := f.duration(aat, doc.After); ok && after != 0 {
				f.errorf(aat, "must be 0 or left out for trigger immediate, not %s", doc.After)
			}
		}
	case model.TriggerNoProgress, model.TriggerNoResolution:
		after, ok := f.duration(aat, doc.After)
		if ok && after == 0 {
			f.errorf(aat, "must be more than zero for trigger %s", esc.Trigger)
		}
		esc.After = after
	default: // no trigger, or an unknown one: only check the duration itself
		if doc.After != "" {
			esc.After, _ = f.duration(aat, doc.After)
		}
	}
	if len(doc.Tiers) == 0 {
		f.errorf(at.at("tiers"), "no tiers")
	}
	for i, s := range doc.Tiers {
		tat := at.at("tiers", i)
		d, ok := f.duration(tat, s)
		if ok && d == 0 {
			f.errorf(tat, "must be more than zero")
		}
		esc.Tiers = append(esc.Tiers, d)
	}
	return esc
}

func joinIDs(ids []model.MilestoneID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}

// services reads services.yaml.
func (l *loader) services() []model.Service {
	var doc servicesDoc
	f, ok := decodeFile(l.fsys, servicesFile, &doc)
	defer l.done(f)
	if !ok {
		return nil
	}
	ids, names := map[string]loc{}, map[string]loc{}
	out := make([]model.Service, 0, len(doc.Services))
	for i, s := range doc.Services {
		at := loc{"services", i}
		f.unique(at.at("id"), s.ID, "service id", ids)
		f.unique(at.at("name"), s.Name, "service name", names)
		out = append(out, model.Service{
			ID: s.ID, Name: s.Name, Tier: s.Tier,
			DowntimeImpact: s.DowntimeImpact, PerformanceImpact: s.PerformanceImpact,
		})
	}
	return out
}

// playbooks reads every playbook file and checks that each severity has
// exactly one playbook. A severity without one is only reported when every
// file's severity is known: the file that did not say may be its playbook.
func (l *loader) playbooks() map[model.Severity]model.Playbook {
	names, _ := fs.Glob(l.fsys, playbookGlob) // the pattern is valid: no error
	out := map[model.Severity]model.Playbook{}
	claimed := map[model.Severity]string{} // the file holding each severity's playbook
	allKnown := true
	for _, name := range names {
		if name == policyFile {
			continue
		}
		pb, ok := l.playbook(name, claimed)
		allKnown = allKnown && ok
		if ok && claimed[pb.Severity] == name {
			out[pb.Severity] = pb
		}
	}
	if !allKnown {
		return out
	}
	for _, sev := range model.Severities {
		if _, ok := claimed[sev]; !ok {
			l.problems = append(l.problems, Problem{File: playbookGlob, Msg: "no playbook for " + sev.String()})
		}
	}
	return out
}

// playbook reads one playbook file. claimed maps each severity to the file
// that has its playbook; the file's severity is added to it unless another
// file has it. ok is false when the file's severity is not known.
func (l *loader) playbook(name string, claimed map[model.Severity]string) (model.Playbook, bool) {
	var doc playbookDoc
	f, ok := decodeFile(l.fsys, name, &doc)
	defer l.done(f)
	if !ok {
		return model.Playbook{}, false
	}
	sev, ok := f.severity(loc{"severity"}, doc.Severity)
	if ok {
		if prev, dup := claimed[sev]; dup {
			f.errorf(loc{"severity"}, "%s already has a playbook, in %s", sev, prev)
		} else {
			claimed[sev] = name
		}
	}
	f.required(loc{"version"}, doc.Version)
	if len(doc.Phases) == 0 {
		f.errorf(loc{"phases"}, "no phases")
	}
	pb := model.Playbook{Severity: sev, Version: doc.Version, Scenario: doc.Scenario}
	phases, stepIDs := map[string]loc{}, map[string]loc{}
	for i, ph := range doc.Phases {
		at := loc{"phases", i}
		f.unique(at.at("name"), ph.Name, "phase", phases)
		pb.Phases = append(pb.Phases, f.phase(at, sev, ph, stepIDs))
	}
	return pb, ok
}

// severity checks the severity s of the field at.
func (f *file) severity(at loc, s string) (model.Severity, bool) {
	if s == "" {
		f.errorf(at, "missing")
		return 0, false
	}
	sev, err := model.ParseSeverity(s)
	if err != nil {
		f.errorf(at, "%v", err)
		return 0, false
	}
	return sev, true
}

// phase builds one phase of a playbook of severity sev from its document at
// at. stepIDs maps the ids of the playbook's steps so far to where each is.
func (f *file) phase(at loc, sev model.Severity, doc phaseDoc, stepIDs map[string]loc) model.PlaybookPhase {
	ph := model.PlaybookPhase{Name: doc.Name}
	if w := doc.Window; w != nil {
		wat := at.at("window")
		ph.HasWindow = true
		ph.From = f.anchor(wat.at("from"), w.From)
		var startOK, endOK bool
		ph.Start, startOK = f.duration(wat.at("start"), w.Start)
		ph.End, endOK = f.duration(wat.at("end"), w.End)
		if startOK && endOK && ph.Start >= ph.End {
			f.errorf(wat, "start %s is not before end %s", w.Start, w.End)
		}
	}
	switch {
	case len(doc.Groups) > 0 && len(doc.Steps) > 0:
		f.errorf(at, "has both groups and steps: give one or the other")
	case len(doc.Groups) == 0 && len(doc.Steps) == 0:
		f.errorf(at.at("steps"), "no steps")
	}

	addSteps := func(at loc, group string, steps []stepDoc) {
		for i, s := range steps {
			sat := at.at(i)
			if strings.TrimSpace(s.Text) == "" {
				f.errorf(sat, "empty step text")
				continue
			}
			id := s.ID
			if strings.TrimSpace(id) == "" {
				id = stepID(sev, doc.Name, group, s.Text)
			}
			if first, dup := stepIDs[id]; dup {
				f.errorf(sat, "duplicate step id %q (first at line %d)", id, lineOf(f.root, first))
				continue
			}
			stepIDs[id] = sat
			ph.Steps = append(ph.Steps, model.Step{ID: id, Group: group, Text: s.Text})
		}
	}
	for i, g := range doc.Groups {
		gat := at.at("groups", i)
		f.required(gat.at("name"), g.Name)
		if len(g.Steps) == 0 {
			f.errorf(gat.at("steps"), "no steps")
		}
		addSteps(gat.at("steps"), g.Name, g.Steps)
	}
	addSteps(at.at("steps"), "", doc.Steps)
	return ph
}

// stepID is the generated id of a step: the slugs of the severity, phase,
// group (left out when empty) and text, joined by dots, as in
// "p1.immediate-actions.alert-stakeholders.page-on-call-engineer". It stays
// the same as long as those do; a step whose text is reworded but which
// must keep its id gets an explicit one.
func stepID(sev model.Severity, phase, group, text string) string {
	parts := []string{slug(sev.String()), slug(phase)}
	if group != "" {
		parts = append(parts, slug(group))
	}
	return strings.Join(append(parts, slug(text)), ".")
}

// slug lowercases s and joins its runs of letters and digits with dashes.
func slug(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte('-')
		}
		gap = false
		b.WriteRune(r)
	}
	return b.String()
}

// required reports the field at as missing when s is blank.
func (f *file) required(at loc, s string) {
	if strings.TrimSpace(s) == "" {
		f.errorf(at, "missing")
	}
}

// unique checks that the field at, a kind ("service id"), is given and not
// the same as an earlier one; seen maps the values so far to where they are.
func (f *file) unique(at loc, s, kind string, seen map[string]loc) {
	if strings.TrimSpace(s) == "" {
		f.errorf(at, "missing")
		return
	}
	if first, dup := seen[s]; dup {
		f.errorf(at, "duplicate %s %q (first at line %d)", kind, s, lineOf(f.root, first))
		return
	}
	seen[s] = at
}

// anchor checks the anchor s of the field at.
func (f *file) anchor(at loc, s string) model.Anchor {
	switch a := model.Anchor(s); a {
	case model.FromStarted, model.FromDetected, model.FromResolved:
		return a
	case "":
		f.errorf(at, "missing")
	default:
		f.errorf(at, "unknown anchor %q (want started, detected or resolved)", s)
	}
	return ""
}

// duration parses the duration s of the field at; see parseDuration.
func (f *file) duration(at loc, s string) (time.Duration, bool) {
	if s == "" {
		f.errorf(at, "missing")
		return 0, false
	}
	d, err := parseDuration(s)
	if err != nil {
		f.errorf(at, "%v", err)
		return 0, false
	}
	return d, true
}
