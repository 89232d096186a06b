package playbooks

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// file is one YAML file being loaded. It collects the file's problems and
// uses the file's node tree to give each one a line.
type file struct {
	name     string
	root     *yaml.Node // the document's top node; nil when it was not parsed
	bad      []loc      // fields with structure problems, which later checks leave alone
	problems []Problem
	empty    string // the problem an empty document is; "the file is empty" when unset
}

// decodeFile reads the named file into v, a pointer to the file's document
// type, refusing unknown fields. ok is false when the file could not be read
// or parsed, so v holds nothing. Structure problems (an unknown field, a list
// where text belongs) are recorded and leave v partly decoded, with ok true,
// so the file's other fields are still checked.
func decodeFile(fsys fs.FS, name string, v any) (f *file, ok bool) {
	f = &file{name: name}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			f.add(0, nil, "file not found")
		} else {
			f.add(0, nil, err.Error())
		}
		return f, false
	}
	return f, f.decode(data, v)
}

// decode parses data, the file's YAML, into v, as decodeFile does, and
// reports whether v was decoded.
func (f *file) decode(data []byte, v any) bool {
	empty := f.empty
	if empty == "" {
		empty = "the file is empty"
	}

	// First the node tree, which locates every later problem.
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			f.add(0, nil, empty)
		} else {
			f.syntaxError(err)
		}
		return false
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		f.add(extra.Line, nil, "only one YAML document is allowed per file")
	case !errors.Is(err, io.EOF):
		f.syntaxError(err)
		return false
	}
	if len(doc.Content) == 0 || doc.Content[0].ShortTag() == "!!null" {
		f.add(0, nil, empty)
		return false
	}
	f.root = doc.Content[0]

	// Then the document itself, strictly.
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	err := strict.Decode(v)
	var te *yaml.TypeError
	if errors.As(err, &te) {
		for _, msg := range te.Errors {
			f.structureError(msg)
		}
		return true
	}
	if err != nil {
		f.syntaxError(err) // for example "document contains excessive aliasing"
		return false
	}
	return true
}

// add records a problem at a known line.
func (f *file) add(line int, at loc, msg string) {
	f.problems = append(f.problems, Problem{File: f.name, Line: line, Field: at.String(), Msg: msg})
}

// errorf records a problem with the field at path, unless a structure
// problem was already reported for that field, one enclosing it or one
// inside it: yaml leaves out a value it could not decode, so what looks
// wrong with the field may only be a consequence.
func (f *file) errorf(at loc, format string, args ...any) {
	for _, b := range f.bad {
		if at.within(b) || b.within(at) {
			return
		}
	}
	f.add(lineOf(f.root, at), at, fmt.Sprintf(format, args...))
}

// sortedProblems returns the file's problems in line order.
func (f *file) sortedProblems() []Problem {
	slices.SortStableFunc(f.problems, func(a, b Problem) int { return a.Line - b.Line })
	return f.problems
}

var (
	lineRE      = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownRE   = regexp.MustCompile(`^field (.*) not found in type (\S+)$`)
	wrongTypeRE = regexp.MustCompile("^cannot unmarshal (\\S+)( `.*`)? into (\\S+)$")
	dupKeyRE    = regexp.MustCompile(`^mapping key (".*") already defined at line (\d+)$`)
)

// splitLine splits yaml's "line 12: msg" into 12 and "msg" (0 and the whole
// message when it names no line).
func splitLine(msg string) (int, string) {
	m := lineRE.FindStringSubmatch(msg)
	if m == nil {
		return 0, strings.TrimPrefix(msg, "yaml: ")
	}
	line, _ := strconv.Atoi(m[1])
	return line, m[2]
}

// parserProblems are the problems found by yaml's parser, as opposed to its
// scanner. yaml v3 reports their line 0-based (go-yaml issue #205), and
// leaves it out when it is 0, so syntaxError adds one.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// syntaxError records an error of the YAML parser.
func (f *file) syntaxError(err error) {
	line, msg := splitLine(err.Error())
	if parserProblems[msg] {
		line++
	}
	f.add(line, nil, msg)
}

// structureError records one of yaml's type errors, reworded for people who
// write YAML rather than Go, with the field it is about.
func (f *file) structureError(yamlMsg string) {
	line, msg := splitLine(yamlMsg)
	var at loc
	found := false
	if m := unknownRE.FindStringSubmatch(msg); m != nil {
		at, found = findKey(f.root, line, m[1])
		msg = fmt.Sprintf("unknown field %q", m[1])
		if known := knownFields[m[2]]; len(known) > 0 {
			msg += " (known fields: " + strings.Join(known, ", ") + ")"
		}
	} else if m := wrongTypeRE.FindStringSubmatch(msg); m != nil {
		tag := m[1]
		at, found = find(f.root, func(_, n *yaml.Node) bool { return n.Line == line && n.ShortTag() == tag })
		msg = fmt.Sprintf("want %s, got %s%s", describeType(m[3]), describeTag(tag), m[2])
	} else if m := dupKeyRE.FindStringSubmatch(msg); m != nil {
		key, _ := strconv.Unquote(m[1])
		at, found = findKey(f.root, line, key)
		msg = fmt.Sprintf("%q is already defined at line %s", key, m[2])
	}
	if found {
		f.bad = append(f.bad, at)
	}
	f.add(line, at, msg)
}

// describeType names a Go type of the document types as YAML would.
func describeType(t string) string {
	t = strings.TrimPrefix(t, "*")
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["), strings.HasPrefix(t, "playbooks."):
		return "a mapping"
	case t == "string":
		return "text"
	case strings.HasPrefix(t, "int"):
		return "a whole number"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "bool":
		return "true or false"
	}
	return t
}

// describeTag names a YAML tag in words.
func describeTag(tag string) string {
	switch tag {
	case "!!str":
		return "text"
	case "!!int":
		return "a whole number"
	case "!!float":
		return "a number"
	case "!!bool":
		return "true or false"
	case "!!seq":
		return "a list"
	case "!!map":
		return "a mapping"
	}
	return tag
}

// findKey finds the mapping key named key on the given line.
func findKey(root *yaml.Node, line int, key string) (loc, bool) {
	return find(root, func(k, _ *yaml.Node) bool { return k != nil && k.Line == line && k.Value == key })
}

// find returns the path of the last node under root, in document order, for
// which match is true: the innermost, when nodes on one line enclose each
// other (a list in a list item). match sees every mapping value with its key,
// and every sequence item and the root with a nil key. Aliases are not
// followed.
func find(root *yaml.Node, match func(key, n *yaml.Node) bool) (found loc, ok bool) {
	var walk func(key, n *yaml.Node, at loc)
	walk = func(key, n *yaml.Node, at loc) {
		if match(key, n) {
			found, ok = at, true
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				walk(k, v, at.at(k.Value))
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				walk(nil, item, at.at(i))
			}
		}
	}
	if root != nil {
		walk(nil, root, nil)
	}
	return found, ok
}

// lineOf returns the line of the field at path: the line of its key, or of
// the item for a sequence index. For a field that is not in the document
// (a missing one) it is the line of the nearest enclosing field that is.
func lineOf(root *yaml.Node, path loc) int {
	if root == nil {
		return 0
	}
	n, line := root, root.Line
	for _, e := range path {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		next, nextLine := child(n, e)
		if next == nil {
			break
		}
		n, line = next, nextLine
	}
	return line
}

// child returns the value of mapping key e (a string) or the item at index e
// (an int) of n, with the line of the key or item; nil if there is none.
func child(n *yaml.Node, e any) (*yaml.Node, int) {
	switch e := e.(type) {
	case string:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == e {
					return n.Content[i+1], n.Content[i].Line
				}
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && e < len(n.Content) {
			return n.Content[e], n.Content[e].Line
		}
	}
	return nil, 0
}
