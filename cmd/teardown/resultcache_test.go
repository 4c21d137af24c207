package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The module of TestResultCache: the finding in package find (pattern
// ".") comes from a fact of package dep, which the pattern does not
// name, so a change to dep alone must make the run analyze again.
const (
	cacheFindSrc = `package find

import (
	"net"

	"cache.example/dep"
)

// Bye says goodbye and hangs up.
func Bye(c *net.TCPConn) error {
	dep.Send(c)
	return c.Close()
}
`
	cacheDepSrc = `package dep

import "net"

// Send writes a goodbye to c.
func Send(c net.Conn) { c.Write([]byte("bye\n")) }
`
	cacheDepQuiet = `package dep

import "net"

// Send writes nothing.
func Send(c net.Conn) {}
`
	// A package added under a directory that had none.
	cacheToolSrc = `package x

import "net"

// Bye says goodbye and hangs up.
func Bye(c *net.TCPConn) error {
	c.Write([]byte("bye\n"))
	return c.Close()
}
`
	// find.go importing dep2 as well: a package the first listing did
	// not have.
	cacheFindDep2Src = `package find

import (
	"net"

	"cache.example/dep"
	"cache.example/dep2"
)

// Bye says goodbye and hangs up.
func Bye(c *net.TCPConn) error {
	dep.Send(c)
	dep2.Send(c)
	return c.Close()
}
`
)

// TestResultCache: a run with nothing changed replays the outcome of the
// run that analyzed, byte for byte in every format; a change to a file of
// a dependency analyzes again; -fix and TEARDOWN_CACHE=off store nothing.
func TestResultCache(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, "cache.example", map[string]string{"find.go": cacheFindSrc, "dep/dep.go": cacheDepSrc,
		"dep2/dep2.go": strings.ReplaceAll(cacheDepSrc, "package dep", "package dep2")})
	cache := t.TempDir()
	env := goEnv("TEARDOWN_CACHE=" + cache)
	td := func(args ...string) result {
		t.Helper()
		return run(t, dir, env, binPath, args...)
	}
	entries := func() int {
		t.Helper()
		es, err := os.ReadDir(filepath.Join(cache, "results"))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return len(es)
	}

	first := td(".")
	if first.code != 3 || !strings.Contains(first.stderr, "find.go:12:9: conn is closed after a write (line 11)") {
		t.Fatalf("want the writeclose finding through dep's fact, exit 3: %v", first)
	}
	if n := entries(); n != 1 {
		t.Fatalf("%d cache entries after one run, want 1", n)
	}
	for i, args := range [][]string{{"."}, {"-json", "."}, {"-format=sarif", "."}, {"-c=1", "."}} {
		analyzed := first
		if i > 0 {
			analyzed = td(args...)
		}
		if replayed := td(args...); replayed != analyzed {
			t.Errorf("%v: the replay differs from the run that analyzed:\n--- analyzed: %v\n--- replayed: %v", args, analyzed, replayed)
		}
		if n := entries(); n != i+1 {
			t.Errorf("%v: %d cache entries, want %d (one per command line)", args, n, i+1)
		}
	}
	// With the test packages, whose listing names the test binary's
	// generated main in the build cache.
	if analyzed, replayed := td("-test", "."), td("-test", "."); replayed != analyzed || entries() != 5 {
		t.Errorf("-test: want a stored outcome (%d entries, want 5) and its replay:\n--- analyzed: %v\n--- replayed: %v", entries(), analyzed, replayed)
	}
	if r := td("-fix", "-diff", "."); r.code != 3 || entries() != 5 {
		t.Errorf("-fix -diff: want exit 3 and no new cache entry (%d entries): %v", entries(), r)
	}

	// The replay is the stored outcome, not another analysis.
	tamper(t, filepath.Join(cache, "results"), `"Message":"conn is closed`, `"Message":"REPLAYED conn is closed`)
	if r := td("."); r.code != 3 || !strings.Contains(r.stderr, "REPLAYED conn is closed") {
		t.Fatalf("a run with nothing changed did not replay the stored outcome: %v", r)
	}
	// So is the key: off, or a change to dep, analyzes.
	if r := run(t, dir, goEnv("TEARDOWN_CACHE=off"), binPath, "."); r != first {
		t.Errorf("TEARDOWN_CACHE=off: want the analyzed outcome %v, got %v", first, r)
	}
	writeFile(t, filepath.Join(dir, "dep", "dep.go"), cacheDepQuiet)
	if r := td("."); r.code != 0 || r.stderr != "" {
		t.Errorf("after dep stopped writing: want no finding, exit 0: %v", r)
	}
	writeFile(t, filepath.Join(dir, "dep", "dep.go"), cacheDepSrc)
	if r := td("."); !strings.Contains(r.stderr, "REPLAYED") {
		t.Errorf("dep restored: want the stored (tampered) outcome again: %v", r)
	}
	if n := entries(); n != 6 {
		t.Errorf("%d cache entries, want 6", n)
	}
	// A new import lists the packages again: the edit of dep2, which
	// the first listing did not have, analyzes again.
	writeFile(t, filepath.Join(dir, "dep", "dep.go"), cacheDepQuiet)
	writeFile(t, filepath.Join(dir, "find.go"), cacheFindDep2Src)
	if r := td("."); r.code != 3 || !strings.Contains(r.stderr, "find.go:14:9: conn is closed after a write (line 13)") {
		t.Fatalf("find imports dep2: want the finding through dep2's fact, exit 3: %v", r)
	}
	writeFile(t, filepath.Join(dir, "dep2", "dep2.go"), strings.ReplaceAll(cacheDepQuiet, "package dep", "package dep2"))
	if r := td("."); r.code != 0 || r.stderr != "" {
		t.Errorf("after dep2 stopped writing: want no finding, exit 0: %v", r)
	}
	if n := entries(); n != 8 {
		t.Errorf("%d cache entries, want 8", n)
	}
	// An import path pattern walks its module: a new package in a
	// directory that holds none (tools/) is seen.
	if err := os.MkdirAll(filepath.Join(dir, "tools", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if r := td("cache.example/..."); r.code != 0 || r.stderr != "" {
		t.Errorf("cache.example/...: want no finding, exit 0: %v", r)
	}
	writeFile(t, filepath.Join(dir, "tools", "x", "x.go"), cacheToolSrc)
	if r := td("cache.example/..."); r.code != 3 || !strings.Contains(r.stderr, "x.go:8:9: conn is closed after a write (line 7)") {
		t.Errorf("a new package under tools/: want its finding, exit 3: %v", r)
	}
	if n := entries(); n != 10 {
		t.Errorf("%d cache entries, want 10", n)
	}
	// With nothing built (an empty build cache), a new command line
	// analyzes and stores nothing.
	writeFile(t, filepath.Join(dir, "find.go"), cacheFindSrc)
	writeFile(t, filepath.Join(dir, "dep", "dep.go"), cacheDepSrc)
	if r := run(t, dir, goEnv("TEARDOWN_CACHE="+cache, "GOCACHE="+t.TempDir()), binPath, "-lingerzero=false", "."); r.code != 3 || entries() != 10 {
		t.Errorf("empty GOCACHE: want the finding (exit 3) and no new entry (%d entries): %v", entries(), r)
	}
}

// tamper replaces old with new in every stored outcome of dir.
func tamper(t *testing.T, dir, old, new string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		name := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, name, strings.ReplaceAll(string(data), old, new))
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestResultCacheVetted: a run through go vet marks its command line's
// manifest, so that the next run goes straight to go vet (no probe of the
// build cache); an edit then still analyzes.
func TestResultCacheVetted(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, "cache.example", map[string]string{"find.go": cacheFindSrc, "dep/dep.go": cacheDepSrc})
	cache := t.TempDir()
	env := vetEnv(t, "TEARDOWN_CACHE="+cache)
	manifests := func() []*manifest {
		t.Helper()
		es, err := os.ReadDir(filepath.Join(cache, "manifests"))
		if err != nil {
			t.Fatal(err)
		}
		var ms []*manifest
		for _, e := range es {
			m := (&resultCache{dir: cache}).readManifest(e.Name())
			if m == nil {
				t.Fatalf("manifest %s does not decode", e.Name())
			}
			ms = append(ms, m)
		}
		return ms
	}
	if r := run(t, dir, env, binPath, "."); r.code != 3 || !strings.Contains(r.stderr, "find.go:12:9: conn is closed after a write") {
		t.Fatalf("want the writeclose finding, exit 3: %v", r)
	}
	if ms := manifests(); len(ms) != 1 || !ms[0].Vetted {
		t.Fatalf("after a run through go vet: want one manifest, vetted: %d manifests", len(ms))
	}
	writeFile(t, filepath.Join(dir, "dep", "dep.go"), cacheDepQuiet)
	if r := run(t, dir, env, binPath, "."); r.code != 0 || r.stderr != "" {
		t.Errorf("after dep stopped writing: want no finding, exit 0: %v", r)
	}
	if ms := manifests(); len(ms) != 1 || !ms[0].Vetted {
		t.Errorf("after the edit: want the manifest still vetted")
	}
}

// TestResultCacheUnusable: a TEARDOWN_CACHE that is a file, or under one,
// turns the cache off for the run with one line on standard error; the
// run itself is unchanged.
func TestResultCacheUnusable(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, "cache.example", map[string]string{"find.go": cacheFindSrc, "dep/dep.go": cacheDepSrc,
		"dep2/dep2.go": strings.ReplaceAll(cacheDepSrc, "package dep", "package dep2")})
	file := filepath.Join(t.TempDir(), "cache")
	if err := os.WriteFile(file, []byte("not a directory\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const warning = "teardown: the result cache is off for this run: "
	for _, cache := range []string{file, filepath.Join(file, "sub")} {
		r := run(t, dir, goEnv("TEARDOWN_CACHE="+cache), binPath, ".")
		if r.code != 3 || !strings.Contains(r.stderr, "find.go:12:9: conn is closed after a write (line 11)") {
			t.Errorf("TEARDOWN_CACHE=%s: want the finding, exit 3: %v", cache, r)
		}
		if n := strings.Count(r.stderr, warning); n != 1 || !strings.Contains(r.stderr, "(set TEARDOWN_CACHE to a directory, or to off)\n") {
			t.Errorf("TEARDOWN_CACHE=%s: want one warning line, got %d:\n%s", cache, n, r.stderr)
		}
	}
	// off: no warning.
	if r := run(t, dir, goEnv("TEARDOWN_CACHE=off"), binPath, "."); strings.Contains(r.stderr, warning) {
		t.Errorf("TEARDOWN_CACHE=off warned:\n%s", r.stderr)
	}
}
