package main

// The findings of a run, whichever engine produced them: what the
// outputs (text, JSON, SARIF) print and what -fix applies.

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A position is a file:line:col, the file absolute (or as the engine gave
// it when it could not be made absolute).
type position struct {
	file      string
	line, col int
}

// parsePosition parses "file:line:col" or "file:line", as go/token prints
// a Position. A string without a line is a file name alone.
func parsePosition(s string) position {
	var p position
	rest := s
	for _, field := range []*int{&p.col, &p.line} {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil || n < 0 {
			break
		}
		*field = n
		rest = rest[:i]
	}
	if p.line == 0 && p.col != 0 { // "file:line": the one number is the line
		p.line, p.col = p.col, 0
	}
	p.file = rest
	return p
}

func (p position) String() string {
	switch {
	case p.file == "":
		return "-"
	case p.line == 0:
		return p.file
	case p.col == 0:
		return fmt.Sprintf("%s:%d", p.file, p.line)
	}
	return fmt.Sprintf("%s:%d:%d", p.file, p.line, p.col)
}

func (p position) compare(q position) int {
	return cmp.Or(cmp.Compare(p.file, q.file), cmp.Compare(p.line, q.line), cmp.Compare(p.col, q.col))
}

// A finding is one diagnostic of one analyzer on one package.
type finding struct {
	analyzer string // the analyzer's name: the rule, "directives" or "connflow"
	pkg      string // the package path (a test variant's ID without its " [p.test]")
	pos, end position
	category string
	message  string
	url      string
	fixes    []fix
	related  []related
}

type related struct {
	pos, end position
	message  string
}

// A fix is a suggested fix: edits by byte offset into files.
type fix struct {
	message string
	edits   []edit
}

type edit struct {
	file       string
	start, end int
	text       string
}

// note reports whether the finding is a note rather than a finding: the
// connflow analyzer's budget diagnostics say where a check was skipped;
// they are shown but never make the run fail.
func (f *finding) note() bool {
	return f.analyzer == "connflow" && f.category == "budget"
}

// sortFindings sorts findings by position, then rule and message, and
// drops exact repeats (the test variant of a package repeats the findings
// of its non-test files under the in-process engine).
func sortFindings(fs []finding) []finding {
	slices.SortStableFunc(fs, func(a, b finding) int {
		return cmp.Or(a.pos.compare(b.pos), cmp.Compare(a.analyzer, b.analyzer),
			cmp.Compare(a.message, b.message), a.end.compare(b.end))
	})
	return slices.CompactFunc(fs, func(a, b finding) bool {
		return a.analyzer == b.analyzer && a.pos == b.pos && a.end == b.end && a.message == b.message
	})
}

// packagePath turns a package ID ("p", "p [p.test]", "p_test [p.test]")
// into the package path the outputs key findings by.
func packagePath(id string) string {
	path, _, _ := strings.Cut(id, " ")
	return path
}

// paths makes file names relative to the current directory, as go vet
// and staticcheck print them, when that is shorter than the absolute
// name.
type paths struct{ cwd string }

func newPaths() paths {
	cwd, _ := os.Getwd()
	return paths{cwd}
}

// rel returns name relative to the current directory if it is shorter
// that way; relative names (the go command's ./x.go) lose their "./".
func (p paths) rel(name string) string {
	if !filepath.IsAbs(name) {
		return strings.TrimPrefix(filepath.Clean(name), "."+string(filepath.Separator))
	}
	if p.cwd != "" {
		if r, err := filepath.Rel(p.cwd, name); err == nil && len(r) < len(name) {
			return r
		}
	}
	return name
}

// relPos is a position with its file made relative.
func (p paths) relPos(pos position) position {
	pos.file = p.rel(pos.file)
	return pos
}
