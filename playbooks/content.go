package playbooks

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/warroom/warroom/model"
)

// Content is everything warroom reads from playbook files: the catalog
// (SLA and cadence policy, escalation matrix, service impact map and
// playbooks), the communication templates, the alert severity mapping and
// the drill scenarios.
type Content struct {
	Catalog   model.Catalog
	Templates []Template
	Labels    LabelMap
	Drills    []model.Scenario // by severity, then name (see LoadDrills)
}

// BuiltinDir is the Dir of a Problem that LoadWith found in a built-in file
// (one that no directory replaced, which only another file's change can
// make wrong: a p1.yaml that says it is the P2 playbook clashes with the
// built-in p2.yaml).
const BuiltinDir = "(built-in)"

// templatesDir is the directory of a playbook directory that holds the
// template files.
const templatesDir = "templates"

// dataFiles are the files at the root of a playbook directory, in the order
// Export writes them. A directory's file replaces the built-in one of the
// same name, whole.
var dataFiles = []string{policyFile, servicesFile, "p1.yaml", "p2.yaml", "p3.yaml", "p4.yaml", labelsFile}

// playbookSeverity is the severity of the playbook each of dataFiles' p1.yaml
// to p4.yaml holds in a playbook directory.
var playbookSeverity = map[string]model.Severity{"p1.yaml": model.P1, "p2.yaml": model.P2, "p3.yaml": model.P3, "p4.yaml": model.P4}

// builtinLayout is BuiltinFS's value, made once.
var builtinLayout = sync.OnceValue(func() fstest.MapFS {
	m := fstest.MapFS{}
	for _, src := range []struct {
		fsys       fs.FS
		dir, under string
	}{
		{builtinFiles, "data", ""},
		{builtinTemplates, "templates", templatesDir + "/"},
		{builtinDrills, "data/" + drillsDir, drillsDir + "/"},
	} {
		entries, _ := fs.ReadDir(src.fsys, src.dir) // embedded: no error
		for _, e := range entries {
			if e.IsDir() { // data/drills, under data
				continue
			}
			data, _ := fs.ReadFile(src.fsys, src.dir+"/"+e.Name())
			m[src.under+e.Name()] = &fstest.MapFile{Data: data, Mode: 0o644}
		}
	}
	return m
})

// BuiltinFS returns the built-in content laid out as a playbook directory
// (see LoadWith): policy.yaml, services.yaml, p1.yaml to p4.yaml,
// labels.yaml, templates/*.tmpl and drills/*.yaml. It is what `warroom playbooks export`
// writes, a starting point for custom playbooks. Each call returns a new
// map of the files, which the caller may change.
func BuiltinFS() fs.FS { return maps.Clone(builtinLayout()) }

// BuiltinContent returns the built-in content: LoadWith without
// directories.
func BuiltinContent() (Content, error) { return LoadWith() }

// LoadWith returns the built-in content with each directory of dirs laid
// over it in turn, later ones over earlier ones. A directory holds any of
// the built-in files, each of which replaces the file of the same name
// whole (a file is never merged with the one it replaces):
//
//	policy.yaml          SLA policy, status-update cadence, escalation matrix, review deadlines
//	services.yaml        the service impact map
//	p1.yaml ... p4.yaml  the playbook of P1 ... P4 (pN.yaml must say severity: PN)
//	labels.yaml          the alert severity mapping (LabelMap)
//	templates/NAME.tmpl  a communication template: replaces the built-in file
//	                     NAME.tmpl, or adds a template
//	drills/NAME.yaml     a drill scenario (see LoadDrills): replaces the
//	                     built-in file NAME.yaml, or adds a scenario
//
// A built-in template that is replaced keeps its name (the console asks for
// it by name). Other files are ignored, but a *.yaml or *.yml file of
// another name is refused, so that a misspelt name (P1.yaml, p1.yml) does
// not go unnoticed. A directory that does not exist is refused too.
//
// The result is checked as a whole, exactly as the built-in files are
// (Load, LoadTemplates, LoadLabels). When anything is wrong it returns an
// empty Content and a *ValidationError listing every problem of every
// file, each with its file relative to its directory, which is the
// problem's Dir (BuiltinDir for a built-in file).
func LoadWith(dirs ...string) (Content, error) {
	layers := make([]layer, 0, len(dirs))
	for _, d := range dirs {
		layers = append(layers, layer{dir: d, fsys: os.DirFS(d), check: func() error { return isDir(d) }})
	}
	return loadLayers(layers)
}

// isDir returns an error unless dir is a directory.
func isDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such directory")
	case err != nil:
		return err
	case !fi.IsDir():
		return errors.New("not a directory")
	}
	return nil
}

// layer is a playbook directory of LoadWith.
type layer struct {
	dir   string       // the Dir of its problems
	fsys  fs.FS        // its files
	check func() error // nil, or whether it can be read at all
}

// loadLayers lays the layers over the built-in files and loads the result.
func loadLayers(layers []layer) (Content, error) {
	merged := fstest.MapFS{}
	origin := map[string]string{} // the Dir of each file of merged
	for name, f := range builtinLayout() {
		merged[name], origin[name] = f, BuiltinDir
	}
	var problems []Problem
	for _, l := range layers {
		problems = append(problems, l.overlay(merged, origin)...)
	}

	var c Content
	var errs []error
	var err error
	c.Catalog, err = Load(merged)
	errs = append(errs, err)
	sub, _ := fs.Sub(merged, templatesDir) // a valid name: no error
	c.Templates, err = LoadTemplates(sub)
	errs = append(errs, prefixed(err, templatesDir+"/"))
	if err == nil {
		problems = append(problems, keepNames(c.Templates, merged, origin)...)
	}
	c.Labels, err = LoadLabels(merged)
	errs = append(errs, err)
	catalogOK := errs[0] == nil
	sub, _ = fs.Sub(merged, drillsDir) // a valid name: no error
	c.Drills, err = loadDrills(sub, c.Catalog, catalogOK)
	errs = append(errs, prefixed(err, drillsDir+"/"))

	for _, err := range errs {
		var verr *ValidationError
		if errors.As(err, &verr) {
			problems = append(problems, verr.Problems...)
		}
	}
	if len(problems) == 0 {
		return c, nil
	}
	for i := range problems {
		if problems[i].Dir == "" {
			problems[i].Dir = origin[problems[i].File]
		}
	}
	return Content{}, &ValidationError{Problems: problems}
}

// prefixed adds prefix to the file of every problem of err, a
// *ValidationError or nil.
func prefixed(err error, prefix string) error {
	var verr *ValidationError
	if errors.As(err, &verr) {
		for i := range verr.Problems {
			verr.Problems[i].File = prefix + verr.Problems[i].File
		}
	}
	return err
}

// overlay copies the layer's files over merged, recording their origin, and
// returns what is wrong with the directory itself: it cannot be read, a
// file of it cannot be read, a file has a name that is not one of a
// playbook directory, a pN.yaml says it is another severity's playbook.
func (l layer) overlay(merged fstest.MapFS, origin map[string]string) []Problem {
	var problems []Problem
	add := func(file string, line int, field, msg string) {
		problems = append(problems, Problem{File: file, Line: line, Field: field, Msg: msg, Dir: l.dir})
	}
	if l.check != nil {
		if err := l.check(); err != nil {
			add(".", 0, "", err.Error())
			return problems
		}
	}
	entries, err := fs.ReadDir(l.fsys, ".")
	if err != nil {
		add(".", 0, "", err.Error())
		return problems
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == templatesDir:
			problems = append(problems, l.overlayTemplates(merged, origin)...)
			continue
		case name == drillsDir:
			problems = append(problems, l.overlayDrills(merged, origin)...)
			continue
		case slices.Contains(dataFiles, name):
		case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
			add(name, 0, "", fmt.Sprintf("not a file of a playbook directory (want %s, or templates/*.tmpl)", strings.Join(dataFiles, ", ")))
			continue
		default:
			continue
		}
		data, err := fs.ReadFile(l.fsys, name)
		if err != nil {
			add(name, 0, "", readError(err))
			continue
		}
		merged[name], origin[name] = &fstest.MapFile{Data: data, Mode: 0o644}, l.dir
		if want, ok := playbookSeverity[name]; ok {
			if line, got, ok := declaredSeverity(data); ok && got != want {
				add(name, line, "severity", fmt.Sprintf("%s holds the %s playbook, not %s: the file replaces the built-in %s by its name", name, want, got, name))
			}
		}
	}
	return problems
}

// overlayTemplates copies the layer's templates/*.tmpl over merged.
func (l layer) overlayTemplates(merged fstest.MapFS, origin map[string]string) []Problem {
	var problems []Problem
	entries, err := fs.ReadDir(l.fsys, templatesDir)
	if err != nil {
		return append(problems, Problem{File: templatesDir, Msg: readError(err), Dir: l.dir})
	}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".tmpl" {
			continue
		}
		name := templatesDir + "/" + e.Name()
		data, err := fs.ReadFile(l.fsys, name)
		if err != nil {
			problems = append(problems, Problem{File: name, Msg: readError(err), Dir: l.dir})
			continue
		}
		merged[name], origin[name] = &fstest.MapFile{Data: data, Mode: 0o644}, l.dir
	}
	return problems
}

// overlayDrills copies the layer's drills/*.yaml over merged. A *.yml file
// there is refused as a likely misspelling.
func (l layer) overlayDrills(merged fstest.MapFS, origin map[string]string) []Problem {
	var problems []Problem
	entries, err := fs.ReadDir(l.fsys, drillsDir)
	if err != nil {
		return append(problems, Problem{File: drillsDir, Msg: readError(err), Dir: l.dir})
	}
	for _, e := range entries {
		name := drillsDir + "/" + e.Name()
		switch {
		case e.IsDir():
			continue
		case path.Ext(e.Name()) == ".yml":
			problems = append(problems, Problem{File: name, Msg: "a drill scenario file ends in .yaml", Dir: l.dir})
			continue
		case path.Ext(e.Name()) != ".yaml":
			continue
		}
		data, err := fs.ReadFile(l.fsys, name)
		if err != nil {
			problems = append(problems, Problem{File: name, Msg: readError(err), Dir: l.dir})
			continue
		}
		merged[name], origin[name] = &fstest.MapFile{Data: data, Mode: 0o644}, l.dir
	}
	return problems
}

// readError is the message of an error reading a file, without the path
// the Problem already gives.
func readError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// declaredSeverity reads the severity a playbook file declares, with its
// line; ok is false when the file does not say (or is not YAML: Load
// reports that).
func declaredSeverity(data []byte) (line int, sev model.Severity, ok bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return 0, 0, false
	}
	n, line := child(doc.Content[0], "severity")
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, 0, false
	}
	sev, err := model.ParseSeverity(n.Value)
	return line, sev, err == nil
}

// keepNames checks that every built-in template is still there under its
// name: a directory's NAME.tmpl that replaces the built-in NAME.tmpl must
// keep name: NAME, which other code asks for.
func keepNames(ts []Template, merged fstest.MapFS, origin map[string]string) []Problem {
	var problems []Problem
	for _, name := range templateOrder {
		if _, ok := FindTemplate(ts, name); ok {
			continue
		}
		file := templatesDir + "/" + name + ".tmpl"
		line := 0
		if f, ok := merged[file]; ok {
			if front, _, _, ok := splitFrontMatter(f.Data); ok {
				var doc yaml.Node
				if yaml.Unmarshal(front, &doc) == nil && len(doc.Content) > 0 {
					line = lineOf(doc.Content[0], loc{"name"})
				}
			}
		}
		problems = append(problems, Problem{File: file, Line: line, Field: "name", Dir: origin[file],
			Msg: fmt.Sprintf("renames the built-in template %s, which the console asks for by name (keep name: %s)", name, name)})
	}
	return problems
}
