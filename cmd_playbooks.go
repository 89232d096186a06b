package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/warroom/warroom/model"
	"github.com/warroom/warroom/playbooks"
)

// Custom playbooks: the playbook directories laid over the built-in
// content (playbooks.LoadWith), `warroom playbooks validate` and
// `warroom playbooks export`.

// contentDirs are the playbook directories the console lays over the
// built-in content, later over earlier: $XDG_CONFIG_HOME/warroom/playbooks
// (~/.config/warroom/playbooks when XDG_CONFIG_HOME is unset or not
// absolute), if it exists, then --playbooks, if given, which must exist.
func contentDirs(g globals) []string {
	var dirs []string
	if d := configPlaybooksDir(); d != "" {
		// Anything there but nothing at all (a file, a directory that
		// cannot be read) is LoadWith's to report.
		if _, err := os.Stat(d); !errors.Is(err, fs.ErrNotExist) {
			dirs = append(dirs, d)
		}
	}
	if strings.TrimSpace(g.playbooks) != "" {
		dirs = append(dirs, g.playbooks)
	}
	return dirs
}

// configPlaybooksDir is the playbook directory of the user's configuration,
// "" when there is no home directory to find it in.
func configPlaybooksDir() string {
	base := os.Getenv("XDG_CONFIG_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "warroom", "playbooks")
}

// loadContent loads what the console and the commands that need playbooks
// use: the built-in content with contentDirs laid over it. An invalid set
// is an invalidPlaybooksError listing every problem.
func loadContent(g globals) (playbooks.Content, error) {
	c, err := playbooks.LoadWith(contentDirs(g)...)
	if err != nil {
		return playbooks.Content{}, playbooksError(err)
	}
	return c, nil
}

// invalidPlaybooksError is a set of playbook files with problems: exit
// status 1, with every problem on its own line, "file:line: field: msg".
// It deliberately does not unwrap to the *playbooks.ValidationError, which
// is a model.ErrInvalid and so would make run exit 2: the command line was
// fine, the files are not.
type invalidPlaybooksError struct {
	problems []playbooks.Problem
}

func (e invalidPlaybooksError) Error() string {
	var b strings.Builder
	if len(e.problems) == 1 {
		b.WriteString("invalid playbooks, 1 problem:")
	} else {
		fmt.Fprintf(&b, "invalid playbooks, %d problems:", len(e.problems))
	}
	for _, p := range e.problems {
		b.WriteString("\n")
		b.WriteString(model.PlainLine(p.String()))
	}
	return b.String()
}

// playbooksError makes an error of playbooks.LoadWith an
// invalidPlaybooksError.
func playbooksError(err error) error {
	var verr *playbooks.ValidationError
	if errors.As(err, &verr) {
		return invalidPlaybooksError{problems: verr.Problems}
	}
	return fmt.Errorf("playbooks: %w", err)
}

const playbooksUsage = `usage:
  warroom playbooks validate [DIR]      check DIR laid over the built-in playbooks (without DIR:
                                        what the console loads, the XDG directory and --playbooks)
  warroom playbooks export DIR [--force]
                                        write the built-in playbook files into DIR, a starting point
`

func runPlaybooks(g globals, args []string, stdout, stderr io.Writer) error {
	// The global flags may come between playbooks and its command too,
	// "playbooks --playbooks DIR validate", as for drill.
	fs := newFlagSet("playbooks", &g, stderr)
	fs.SetOutput(io.Discard) // the error is returned, with playbooksUsage
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, err := io.WriteString(stdout, playbooksUsage)
			return err
		}
		return usageError{fmt.Sprintf("playbooks: %v (only --db, --as and --playbooks may come before its command)\n%s", err, playbooksUsage)}
	}
	if err := g.noteSet(fs); err != nil {
		return err
	}
	args = fs.Args()
	if len(args) == 0 {
		return usageError{"playbooks needs a command: validate or export\n" + playbooksUsage}
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "validate":
		return runPlaybooksValidate(g, rest, stdout, stderr)
	case "export":
		return runPlaybooksExport(g, rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		_, err := io.WriteString(stdout, playbooksUsage)
		return err
	default:
		return usageError{fmt.Sprintf("unknown playbooks command %q\n%s", cmd, playbooksUsage)}
	}
}

// runPlaybooksValidate checks a playbook directory laid over the built-in
// content, as --playbooks DIR would have it (whatever the XDG directory
// holds); without DIR, the directories the console would load.
func runPlaybooksValidate(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("playbooks validate", &g, stderr)
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	var dirs []string
	switch len(pos) {
	case 0:
		dirs = contentDirs(g)
	case 1:
		dirs = pos
	default:
		return usageError{"playbooks validate takes one directory: warroom playbooks validate DIR"}
	}
	c, err := playbooks.LoadWith(dirs...)
	if err != nil {
		return playbooksError(err)
	}
	return reportValid(stdout, dirs, c)
}

// reportValid prints "DIR: ok (4 playbooks, 7 templates, 2 drills)".
func reportValid(w io.Writer, dirs []string, c playbooks.Content) error {
	what := "built-in playbooks"
	if len(dirs) > 0 {
		what = strings.Join(dirs, ", ")
	}
	_, err := fmt.Fprintf(w, "%s: ok (%d playbooks, %d templates, %d drills)\n", model.PlainLine(what),
		len(c.Catalog.Playbooks), len(c.Templates), len(c.Drills))
	return err
}

// runPlaybooksExport writes the built-in playbook files into a directory,
// created (0755) if missing, each file 0644. It refuses, writing nothing,
// when any of them exists, unless --force; then it validates the directory
// as `playbooks validate DIR` does.
func runPlaybooksExport(g globals, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("playbooks export", &g, stderr)
	force := fs.Bool("force", false, "overwrite files that exist")
	pos, err := parseFlags(fs, &g, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"playbooks export takes one directory: warroom playbooks export DIR [--force]"}
	}
	dir := pos[0]
	files, err := builtinFiles()
	if err != nil {
		return err
	}
	if !*force {
		var exist []string
		for _, f := range files {
			p := filepath.Join(dir, filepath.FromSlash(f.name))
			if _, err := os.Lstat(p); err == nil {
				exist = append(exist, p)
			}
		}
		if len(exist) > 0 {
			which := exist[0] + " already exists"
			if len(exist) > 1 {
				which = fmt.Sprintf("%s and %d more files already exist", exist[0], len(exist)-1)
			}
			return usageError{"playbooks export: " + which + "; nothing written (--force overwrites)"}
		}
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("playbooks export: %w", err)
		}
		if err := writePlaybookFile(p, f.data, *force); err != nil {
			return fmt.Errorf("playbooks export: %w", err)
		}
		fmt.Fprintln(stdout, model.PlainLine(p))
	}
	c, err := playbooks.LoadWith(dir)
	if err != nil {
		return playbooksError(err)
	}
	return reportValid(stdout, []string{dir}, c)
}

type namedFile struct {
	name string // slash-separated, relative to the playbook directory
	data []byte
}

// builtinFiles are the files of playbooks.BuiltinFS, in name order.
func builtinFiles() ([]namedFile, error) {
	src := playbooks.BuiltinFS()
	var files []namedFile
	err := fs.WalkDir(src, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(src, name)
		files = append(files, namedFile{name, data})
		return err
	})
	return files, err
}

// writePlaybookFile writes a new file with mode 0644, failing if it exists;
// with overwrite, it replaces whatever file is there instead (written
// beside it, then renamed over it: a symbolic link is replaced, never
// written through).
func writePlaybookFile(path string, data []byte, overwrite bool) error {
	if !overwrite {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after the rename, there is nothing left to remove
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
