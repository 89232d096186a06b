package playbooks

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/warroom/warroom/model"
)

// Problem is one thing wrong with a set of playbook files.
type Problem struct {
	File  string // "p1.yaml"; "p*.yaml" for a severity no playbook file covers
	Line  int    // 1-based; 0 for the whole file, or when yaml did not say
	Field string // path to the field, "phases[0].window.end"; empty when unknown
	Msg   string
	// Dir is the directory File is relative to, for LoadWith: one of its
	// directories, or BuiltinDir for a built-in file. Load, LoadTemplates
	// and LoadLabels leave it empty: their files are relative to their
	// fs.FS.
	Dir string
}

// String formats the problem as "file:line: field: msg", leaving out the
// line when it is 0 and the field when it is empty. The file is joined to
// Dir when there is one: "/etc/warroom/p1.yaml".
func (p Problem) String() string {
	var b strings.Builder
	if p.Dir != "" {
		b.WriteString(filepath.Join(p.Dir, filepath.FromSlash(p.File)))
	} else {
		b.WriteString(p.File)
	}
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
	}
	if p.Field != "" {
		b.WriteString(": ")
		b.WriteString(p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// ValidationError is what Load returns when the files are malformed or
// inconsistent. It holds every problem found, not just the first: those of
// policy.yaml, services.yaml, then the playbook files in name order, each in
// line order, then the severities without a playbook.
type ValidationError struct {
	Problems []Problem
}

// Error lists every problem, one per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Is reports that a ValidationError is a model.ErrInvalid, so callers can
// treat bad playbooks like any other invalid input.
func (e *ValidationError) Is(target error) bool {
	return target == model.ErrInvalid
}

// loc is a path into a YAML document: mapping keys (string) and sequence
// indexes (int). It names a Problem's field and finds its line.
type loc []any

// at returns a new path extended by elems; l itself is never modified.
func (l loc) at(elems ...any) loc {
	out := make(loc, 0, len(l)+len(elems))
	return append(append(out, l...), elems...)
}

// String formats the path as "phases[0].groups[1].steps[2]".
func (l loc) String() string {
	var b strings.Builder
	for _, e := range l {
		switch e := e.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", e)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, e)
		}
	}
	return b.String()
}

// within reports whether l is p or lies under p.
func (l loc) within(p loc) bool {
	if len(l) < len(p) {
		return false
	}
	for i := range p {
		if l[i] != p[i] {
			return false
		}
	}
	return true
}
