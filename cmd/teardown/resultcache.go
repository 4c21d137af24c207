package main

// The result cache: a run whose inputs have not changed replays the
// outcome of the run that had them.
//
// go vet caches its results per package, but asking it costs the go
// command's walk of every package and its action graph: 1.8 s on std,
// twice staticcheck's warm run (docs/performance.md), before teardown
// does anything. A run that changed nothing needs none of that. So the
// driver keys the whole outcome (findings and their fixes) on everything
// it depends on, stores it after a run without errors, and replays it
// through the same printing code: every format, -o and -c behave as on a
// run that analyzed.
//
// The key (resultkey.go) hashes this executable, the arguments as given,
// the go command's environment (GOOS, GOARCH, GOFLAGS, CGO_*,
// GOEXPERIMENT, the Go version, ...: keyEnv) and `go list -e -deps` of
// the patterns: every package's import path, directory, source files and
// module, the contents of every listed file (test files, GOROOT's and the
// module cache's too), and the go.mod of every module and the go.work
// file. With test packages loaded (-test, -connflow.tests) the listing is
// of the test packages as well. What is not keyed: the sources of
// packages that only test files import when test packages are not
// loaded; they are not analyzed then. A manifest of the files and their
// stats lets the next run recompute the key without listing the packages
// or reading a file that has not changed.
//
// Not cached: -fix (it writes files), the load engine's -debug and
// profiles, a run with an empty build cache (a fresh machine: listing
// the packages would cost seconds there), runs with errors (a load, type
// or analysis error may come from outside the key: a network failure, a
// missing go.sum line), and interrupted runs. TEARDOWN_CACHE names the
// directory (default teardown/ under the user cache directory, beside
// staticcheck's); TEARDOWN_CACHE=off turns the cache off.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// resultCacheVersion changes when the stored outcome's encoding does.
const resultCacheVersion = "teardown result cache 2"

// maxResultEntries is how many outcomes the cache keeps: the most
// recently used (a few hundred KB at most each).
const maxResultEntries = 64

// A resultCache stores outcomes by the hash of their inputs (in
// results/), and the manifests those hashes were computed from (in
// manifests/, resultkey.go).
type resultCache struct{ dir string }

func (c *resultCache) results() string   { return filepath.Join(c.dir, "results") }
func (c *resultCache) manifests() string { return filepath.Join(c.dir, "manifests") }

// openResultCache returns the cache that TEARDOWN_CACHE names, or nil
// when it is off or no cache directory can be found.
func openResultCache() *resultCache {
	dir := os.Getenv("TEARDOWN_CACHE")
	switch dir {
	case "off":
		return nil
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(base, "teardown")
	}
	return &resultCache{dir: dir}
}

// usable makes the cache's directory if it does not exist, and returns an
// error, for a one-line warning, when it cannot be used: the path is a
// file, or cannot be made. Every run would otherwise analyze again with
// no word of why.
func (c *resultCache) usable() error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	if fi, err := os.Stat(c.dir); err != nil {
		return err
	} else if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", c.dir)
	}
	return nil
}

// cacheable reports whether a run with these options may be replayed
// from the cache, and stored in it.
func cacheable(o *options) bool {
	return !o.fix && o.loadOnly() == ""
}

// executable returns this program's file, or "" (which no file hashes as).
func executable() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return exe
}

// get returns the outcome stored under key, if there is one.
func (c *resultCache) get(key string) (*outcome, bool) {
	name := filepath.Join(c.results(), key)
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, false
	}
	var s storedOutcome
	if json.Unmarshal(data, &s) != nil || s.Version != resultCacheVersion {
		return nil, false
	}
	now := time.Now()
	os.Chtimes(name, now, now) // most recently used; trim keeps it
	return s.outcome(), true
}

// put stores out under key (failures are ignored: the cache only saves
// time).
func (c *resultCache) put(key string, out *outcome) {
	data, err := json.Marshal(store(out))
	if err != nil {
		return
	}
	writeEntry(c.results(), key, data)
}

// writeEntry writes an entry of a cache directory, replacing the file
// atomically, and trims the directory to its maxResultEntries most
// recently used entries (removing temporary files an interrupted write
// left). Failures are ignored.
func writeEntry(dir, name string, data []byte) {
	if os.MkdirAll(dir, 0o777) != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, "tmp-")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), filepath.Join(dir, name)) != nil {
		os.Remove(tmp.Name())
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) <= maxResultEntries {
		return
	}
	type aged struct {
		name string
		mod  time.Time
	}
	var all []aged
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			all = append(all, aged{e.Name(), info.ModTime()})
		}
	}
	slices.SortFunc(all, func(a, b aged) int { return b.mod.Compare(a.mod) })
	for _, a := range all[min(maxResultEntries, len(all)):] {
		if err := os.Remove(filepath.Join(dir, a.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return
		}
	}
}

// storedOutcome is an outcome as the cache stores it (JSON).
type storedOutcome struct {
	Version  string
	Findings []storedFinding
	Errors   []storedProblem
}

type storedFinding struct {
	Analyzer, Pkg, Category, Message, URL string
	Pos, End                              storedPosition
	Fixes                                 []storedFix
	Related                               []storedRelated
}

type storedPosition struct {
	File      string
	Line, Col int
}

type storedFix struct {
	Message string
	Edits   []storedEdit
}

type storedEdit struct {
	File       string
	Start, End int
	Text       string
}

type storedRelated struct {
	Pos, End storedPosition
	Message  string
}

type storedProblem struct {
	Pos                     storedPosition
	Msg, Analyzer, Pkg, Err string
}

// store converts an outcome to the stored form.
func store(out *outcome) storedOutcome {
	pos := func(p position) storedPosition { return storedPosition{p.file, p.line, p.col} }
	s := storedOutcome{Version: resultCacheVersion}
	for _, f := range out.findings {
		sf := storedFinding{Analyzer: f.analyzer, Pkg: f.pkg, Category: f.category, Message: f.message,
			URL: f.url, Pos: pos(f.pos), End: pos(f.end)}
		for _, x := range f.fixes {
			fx := storedFix{Message: x.message}
			for _, e := range x.edits {
				fx.Edits = append(fx.Edits, storedEdit{e.file, e.start, e.end, e.text})
			}
			sf.Fixes = append(sf.Fixes, fx)
		}
		for _, r := range f.related {
			sf.Related = append(sf.Related, storedRelated{pos(r.pos), pos(r.end), r.message})
		}
		s.Findings = append(s.Findings, sf)
	}
	for _, p := range out.errors {
		s.Errors = append(s.Errors, storedProblem{pos(p.pos), p.msg, p.analyzer, p.pkg, p.err})
	}
	return s
}

// outcome converts the stored form back.
func (s *storedOutcome) outcome() *outcome {
	pos := func(p storedPosition) position { return position{p.File, p.Line, p.Col} }
	out := &outcome{}
	for _, sf := range s.Findings {
		f := finding{analyzer: sf.Analyzer, pkg: sf.Pkg, category: sf.Category, message: sf.Message,
			url: sf.URL, pos: pos(sf.Pos), end: pos(sf.End)}
		for _, fx := range sf.Fixes {
			x := fix{message: fx.Message}
			for _, e := range fx.Edits {
				x.edits = append(x.edits, edit{e.File, e.Start, e.End, e.Text})
			}
			f.fixes = append(f.fixes, x)
		}
		for _, r := range sf.Related {
			f.related = append(f.related, related{pos(r.Pos), pos(r.End), r.Message})
		}
		out.findings = append(out.findings, f)
	}
	for _, p := range s.Errors {
		out.errors = append(out.errors, problem{pos(p.Pos), p.Msg, p.Analyzer, p.Pkg, p.Err})
	}
	return out
}
