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
// The key hashes this executable, the arguments as given, the go
// command's environment (GOOS, GOARCH, GOFLAGS, CGO_*, GOEXPERIMENT, the
// Go version, ...: keyEnv) and `go list -e -deps` of the patterns: every
// package's import path, directory, source files and module, the
// contents of every listed file (test files, GOROOT's and the module
// cache's too), and the go.mod of every module and the go.work file.
// With test packages loaded (-test, -connflow.tests) the listing is of
// the test packages as well. What is not keyed: the sources of packages
// that only test files import when test packages are not loaded; they
// are not analyzed then.
//
// Not cached: -fix (it writes files), the load engine's -debug and
// profiles, a run with an empty build cache (a fresh machine: listing
// the packages would cost seconds there), runs with errors (a load, type
// or analysis error may come from outside the key: a network failure, a
// missing go.sum line), and interrupted runs. TEARDOWN_CACHE names the
// directory (default teardown/ under the user cache directory, beside
// staticcheck's); TEARDOWN_CACHE=off turns the cache off.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// resultCacheVersion changes when the stored outcome's encoding does.
const resultCacheVersion = "teardown result cache 1"

// maxResultEntries is how many outcomes the cache keeps: the most
// recently used (a few hundred KB at most each).
const maxResultEntries = 64

// A resultCache stores outcomes by the hash of their inputs.
type resultCache struct{ dir string }

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
	return &resultCache{dir: filepath.Join(dir, "results")}
}

// cacheable reports whether a run with these options may be replayed
// from the cache, and stored in it.
func cacheable(o *options) bool {
	return !o.fix && o.loadOnly() == ""
}

// listFields are the fields of `go list -json` that the key hashes.
const listFields = "ImportPath,Dir,DepOnly,ForTest,GoFiles,CgoFiles,CFiles,CXXFiles,HFiles,TestGoFiles,XTestGoFiles,Module,Error,DepsErrors"

// key returns the hash of the run's inputs, or false when they cannot be
// known (no go command, or the listing has errors: the engine reports
// them).
func (c *resultCache) key(ctx context.Context, args, patterns []string, tests bool) (string, bool) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		return "", false
	}
	h := sha256.New()
	io.WriteString(h, resultCacheVersion+"\n")
	if !hashFile(h, executable()) {
		return "", false
	}
	for _, a := range args {
		io.WriteString(h, strconv.Quote(a)+"\n")
	}
	env, vars, ok := goEnvKey(ctx, gocmd)
	if !ok || buildCacheEmpty(vars["GOCACHE"]) {
		// Nothing built: a fresh machine or CI runner. Listing the
		// packages would first fill the go command's index of them
		// (seconds on std), which the analysis does anyway; this run
		// is not keyed, and the next one is.
		return "", false
	}
	io.WriteString(h, env)
	list := []string{"list", "-e", "-deps", "-json=" + listFields}
	if tests {
		list = append(list, "-test")
	}
	listing, err := goOutput(ctx, gocmd, append(list, patterns...)...)
	if err != nil {
		return "", false
	}
	io.WriteString(h, listing)
	if !hashListed(h, listing) {
		return "", false
	}
	if work := vars["GOWORK"]; work != "" && work != "off" {
		if !hashFile(h, work) {
			return "", false
		}
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

// keyEnv are the go command's variables the key holds. Not `go env
// -json` whole: it probes the C compiler, which writes to the build cache
// (and so hides an empty one from buildCacheEmpty, here and in
// chooseEngine), and GOGCCFLAGS names a fresh temporary directory every
// time. The CGO_ flags come from this process's environment and the
// GOENV file instead (keyEnvFiles).
var keyEnv = []string{
	"GOVERSION", "GOCACHE", "GOOS", "GOARCH", "GOFLAGS", "GOEXPERIMENT", "CGO_ENABLED", "CC", "CXX",
	"GOROOT", "GOPATH", "GOMODCACHE", "GOWORK", "GOMOD", "GOENV", "GO111MODULE", "GOTOOLCHAIN",
	"GODEBUG", "GOFIPS140", "GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOMIPS64", "GOPPC64",
	"GORISCV64", "GOWASM",
}

// goEnvKey returns what the key holds of the environment: the go
// command's variables of keyEnv as JSON, then this process's CGO_ and
// PKG_CONFIG variables and the contents of the GOENV file (where `go env
// -w` keeps what it sets); and the variables.
func goEnvKey(ctx context.Context, gocmd string) (string, map[string]string, bool) {
	out, err := goOutput(ctx, gocmd, append([]string{"env", "-json"}, keyEnv...)...)
	if err != nil {
		return "", nil, false
	}
	var env map[string]string
	if json.Unmarshal([]byte(out), &env) != nil {
		return "", nil, false
	}
	var b strings.Builder
	b.WriteString(out)
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CGO_") || strings.HasPrefix(kv, "PKG_CONFIG") {
			b.WriteString(strconv.Quote(kv) + "\n")
		}
	}
	if data, err := os.ReadFile(env["GOENV"]); err == nil {
		b.Write(data)
	}
	return b.String(), env, true
}

// listedPackage is what hashListed reads of a package in the listing.
type listedPackage struct {
	Dir                                 string
	GoFiles, CgoFiles, CFiles, CXXFiles []string
	HFiles, TestGoFiles, XTestGoFiles   []string
	Module                              *struct{ GoMod string }
	Error                               *struct{ Err string }
	DepsErrors                          []*struct{ Err string }
}

// hashListed hashes the contents of every file the listing names, and
// each module's go.mod once. It returns false if a package has an error
// or a file cannot be read. Files of GOROOT and of the module cache are
// read too: a GOROOT can be edited in place (a std developer's, or a
// writable copy), and a module cache file by someone debugging a
// dependency; go build would see either change, so the key must.
func hashListed(h io.Writer, listing string) bool {
	dec := json.NewDecoder(bytes.NewReader([]byte(listing)))
	gomods := map[string]bool{}
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil || p.Error != nil || len(p.DepsErrors) > 0 {
			return false
		}
		for _, files := range [][]string{p.GoFiles, p.CgoFiles, p.CFiles, p.CXXFiles, p.HFiles, p.TestGoFiles, p.XTestGoFiles} {
			for _, f := range files {
				if !hashFile(h, filepath.Join(p.Dir, f)) {
					return false
				}
			}
		}
		if p.Module != nil && p.Module.GoMod != "" && !gomods[p.Module.GoMod] {
			gomods[p.Module.GoMod] = true
			if !hashFile(h, p.Module.GoMod) {
				return false
			}
		}
	}
	return true
}

// hashFile writes the name and the hash of the contents of a file to h.
func hashFile(h io.Writer, name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	fh := sha256.New()
	if _, err := io.Copy(fh, f); err != nil {
		return false
	}
	io.WriteString(h, strconv.Quote(name)+" ")
	h.Write(fh.Sum(nil))
	io.WriteString(h, "\n")
	return true
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
	name := filepath.Join(c.dir, key)
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

// put stores out under key, replacing the file atomically, and trims the
// cache to its most recently used entries. Failures are ignored: the
// cache only saves time.
func (c *resultCache) put(key string, out *outcome) {
	data, err := json.Marshal(store(out))
	if err != nil || os.MkdirAll(c.dir, 0o777) != nil {
		return
	}
	tmp, err := os.CreateTemp(c.dir, "tmp-")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), filepath.Join(c.dir, key)) != nil {
		os.Remove(tmp.Name())
		return
	}
	c.trim()
}

// trim removes all but the maxResultEntries most recently used entries,
// and temporary files an interrupted put left.
func (c *resultCache) trim() {
	entries, err := os.ReadDir(c.dir)
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
		if err := os.Remove(filepath.Join(c.dir, a.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
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
