package main

// -fix: apply the suggested fixes, in rounds, and never write code that
// does not build.
//
// A round applies the first fix of every finding that has one (a fix
// whose edits overlap another's waits for the next round), formats the
// files it changed, and analyzes the result again with the new contents
// as an overlay: that both checks that the fixed code builds and finds
// what the fixes uncovered (an unflushedclose fix can make a writeclose
// finding visible). Rounds repeat until no finding has a fix, up to
// maxFixRounds. Files are written only at the end, and only with
// contents that the last analysis type-checked; with -diff they are
// printed as a diff instead.

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// maxFixRounds bounds the rounds of -fix: each fix removes a finding, so
// this is reached only if fixes keep uncovering findings with fixes.
const maxFixRounds = 8

// fixResult is what a -fix run did.
type fixResult struct {
	final     *outcome          // the analysis of the fixed code
	files     map[string][]byte // file -> fixed contents (changed files only)
	original  map[string][]byte // file -> contents before
	applied   int               // fixes applied
	rounds    int               // rounds whose fixes were kept
	failure   []problem         // the errors of a round whose fixes would not build
	failedN   int               // how many fixes that round had
	exhausted bool              // fixes were still pending after maxFixRounds
}

// fixer applies fixes to an in-memory copy of the files.
type fixer struct {
	original map[string][]byte
	current  map[string][]byte
	noFix    func(file string) bool // files never to edit (GOROOT, the module cache)
}

// read returns the current contents of a file.
func (fx *fixer) read(name string) ([]byte, error) {
	if b, ok := fx.current[name]; ok {
		return b, nil
	}
	if b, ok := fx.original[name]; ok {
		return b, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	fx.original[name] = b
	return b, nil
}

// runFix runs the rounds, starting from the analysis of the files as
// they are (first, which has no errors).
func runFix(ctx context.Context, eng engine, req *request, first *outcome, noFix func(string) bool) (*fixResult, error) {
	fx := &fixer{original: map[string][]byte{}, current: map[string][]byte{}, noFix: noFix}
	res := &fixResult{final: first}
	for round := 1; ; round++ {
		fixes := chooseFixes(res.final.findings, fx.noFix)
		if len(fixes) == 0 {
			break
		}
		if round > maxFixRounds {
			res.exhausted = true
			break
		}
		before := cloneContents(fx.current)
		n, err := fx.apply(fixes)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break // nothing applies cleanly: cannot happen, as the first fix always does
		}
		req.overlay = fx.current
		out, err := eng.analyze(ctx, req)
		if err != nil {
			return nil, err
		}
		if len(out.errors) > 0 && fx.removeUnusedImports(out.errors) {
			req.overlay = fx.current
			if out, err = eng.analyze(ctx, req); err != nil {
				return nil, err
			}
		}
		if len(out.errors) > 0 {
			fx.current = before
			res.failure, res.failedN = out.errors, n
			break
		}
		res.final, res.applied, res.rounds = out, res.applied+n, round
	}
	res.files, res.original = fx.current, fx.original
	return res, nil
}

func cloneContents(m map[string][]byte) map[string][]byte {
	c := make(map[string][]byte, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// chooseFixes returns the first suggested fix of each finding (notes
// have none to apply), without repeats and without those that edit a
// file that must not be edited.
func chooseFixes(fs []finding, noFix func(string) bool) []fix {
	var fixes []fix
	seen := map[string]bool{}
next:
	for _, f := range fs {
		if f.note() || len(f.fixes) == 0 {
			continue
		}
		fx := f.fixes[0]
		for _, e := range fx.edits {
			if noFix != nil && noFix(e.file) {
				continue next
			}
		}
		key := fmt.Sprintf("%v", fx.edits)
		if !seen[key] {
			seen[key] = true
			fixes = append(fixes, fx)
		}
	}
	return fixes
}

// apply applies the fixes that merge cleanly with those before them (an
// edit identical to one already taken is taken once; overlapping edits,
// or two insertions at one point, conflict) to the current contents, and
// formats the files it changed. It returns how many fixes it applied.
func (fx *fixer) apply(fixes []fix) (int, error) {
	taken := map[string][]edit{}
	n := 0
	for _, f := range fixes {
		var add []edit
		ok := true
		for _, e := range f.edits {
			content, err := fx.read(e.file)
			if err != nil {
				return 0, err
			}
			if e.start < 0 || e.end < e.start || e.end > len(content) {
				ok = false // the file changed since it was analyzed
				break
			}
			dup := false
			for _, t := range taken[e.file] {
				if t == e {
					dup = true
					break
				}
				if e.start < t.end && t.start < e.end || e.start == e.end && t.start == t.end && e.start == t.start {
					ok = false
					break
				}
			}
			if !ok {
				break
			}
			if !dup {
				add = append(add, e)
			}
		}
		if !ok {
			continue
		}
		for _, e := range add {
			taken[e.file] = append(taken[e.file], e)
		}
		n++
	}
	for file, edits := range taken {
		content, _ := fx.read(file)
		slices.SortFunc(edits, func(a, b edit) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end)) })
		var b bytes.Buffer
		last := 0
		for _, e := range edits {
			b.Write(content[last:e.start])
			b.WriteString(e.text)
			last = e.end
		}
		b.Write(content[last:])
		out := b.Bytes()
		if formatted, err := format.Source(out); err == nil {
			out = formatted
		}
		fx.current[file] = out
	}
	return n, nil
}

var unusedImport = regexp.MustCompile(`^"([^"]+)" imported (?:as (\S+) )?and not used`)

// removeUnusedImports removes, from the files the fixes changed, the
// imports that the errors say are unused (a fix that deletes the last use
// of syscall leaves its import). It reports whether it removed any.
func (fx *fixer) removeUnusedImports(errs []problem) bool {
	removed := false
	for _, p := range errs {
		m := unusedImport.FindStringSubmatch(p.msg)
		content, changed := fx.current[p.pos.file]
		if m == nil || !changed {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p.pos.file, content, parser.ParseComments)
		if err != nil {
			continue
		}
		if !astutil.DeleteNamedImport(fset, f, m[2], m[1]) {
			continue
		}
		var b bytes.Buffer
		if err := format.Node(&b, fset, f); err != nil {
			continue
		}
		fx.current[p.pos.file] = b.Bytes()
		removed = true
	}
	return removed
}

// write writes the fixed files, each with its mode unchanged.
func (r *fixResult) write() error {
	for _, name := range r.changed() {
		mode := os.FileMode(0o644)
		if fi, err := os.Stat(name); err == nil {
			mode = fi.Mode().Perm()
		}
		if err := os.WriteFile(name, r.files[name], mode); err != nil {
			return err
		}
	}
	return nil
}

// changed returns the files whose contents the fixes changed, sorted.
func (r *fixResult) changed() []string {
	var names []string
	for name, b := range r.files {
		if !bytes.Equal(b, r.original[name]) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// printDiff prints the changes as a unified diff, git-style (a/ and b/
// prefixes on paths relative to the current directory), which git apply
// and patch -p1 take.
func (r *fixResult) printDiff(w io.Writer, ps paths) {
	for _, name := range r.changed() {
		rel := filepath.ToSlash(ps.rel(name))
		io.WriteString(w, unifiedDiff("a/"+rel, "b/"+rel, string(r.original[name]), string(r.files[name])))
	}
}

// summary is the one line -fix prints at the end.
func (r *fixResult) summary(diff bool) string {
	var parts []string
	files := len(r.changed())
	switch {
	case r.applied == 0 && r.failure != nil:
		parts = append(parts, "applied no fix")
	case r.applied == 0:
		parts = append(parts, "no fix to apply")
	case diff:
		parts = append(parts, fmt.Sprintf("%s to %s (printed, not applied: -diff)", plural(r.applied, "fix", "fixes"), plural(files, "file", "files")))
	default:
		parts = append(parts, fmt.Sprintf("applied %s to %s", plural(r.applied, "fix", "fixes"), plural(files, "file", "files")))
	}
	if r.rounds > 1 {
		parts[0] += fmt.Sprintf(" in %d rounds", r.rounds)
	}
	left, withFix := 0, 0
	for _, f := range r.final.findings {
		if f.note() {
			continue
		}
		left++
		if len(f.fixes) > 0 {
			withFix++
		}
	}
	switch {
	case left == 0:
		parts = append(parts, "no finding left")
	case withFix == 0:
		parts = append(parts, fmt.Sprintf("%s left, with no fix", plural(left, "finding", "findings")))
	default:
		parts = append(parts, fmt.Sprintf("%s left, %d with a fix not applied", plural(left, "finding", "findings"), withFix))
	}
	if r.exhausted {
		parts = append(parts, fmt.Sprintf("stopped after %d rounds: run teardown -fix again", maxFixRounds))
	}
	if r.failure != nil {
		one, many := "fix", "fixes"
		if r.applied > 0 {
			one, many = "more fix", "more fixes"
		}
		parts = append(parts, fmt.Sprintf("%s not applied: the code would not build", plural(r.failedN, one, many)))
	}
	return "teardown: " + strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// generatedFile reports whether the file is generated code (the
// "// Code generated ... DO NOT EDIT." comment): fixes never edit it.
func generatedFile(name string, content []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), name, content, parser.PackageClauseOnly|parser.ParseComments)
	return err == nil && ast.IsGenerated(f)
}
