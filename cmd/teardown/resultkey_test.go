package main

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestManifestRefresh: a manifest whose stats are trusted finds an
// unchanged tree unchanged without reading it, a change of a file's body
// as a change of contents only, and a change that can change the listing
// (a Go file's imports or build constraints, a new file, a go.mod) as
// one.
func TestManifestRefresh(t *testing.T) {
	const (
		body      = "//go:build linux\n\npackage p\n\nimport \"net\"\n\n// F hangs up.\nfunc F(c net.Conn) { c.Close() }\n"
		newBody   = "//go:build linux\n\npackage p\n\nimport \"net\"\n\n// F hangs up.\nfunc F(c net.Conn) { _ = c }\n"
		newImport = "//go:build linux\n\npackage p\n\nimport \"io\"\n\n// F hangs up.\nfunc F(c io.Closer) { c.Close() }\n"
		newTag    = "//go:build darwin\n\npackage p\n\nimport \"net\"\n\n// F hangs up.\nfunc F(c net.Conn) { c.Close() }\n"
	)
	// manifestOf returns a manifest of dir's p.go and go.mod whose stats
	// are trusted: taken, it says, a minute after the files were written.
	manifestOf := func(t *testing.T, dir string) *manifest {
		t.Helper()
		m := &manifest{Version: resultCacheVersion}
		for _, f := range []struct {
			name string
			kind fileKind
		}{{"p.go", goFile}, {"go.mod", listingFile}} {
			mf, ok := stampFile(filepath.Join(dir, f.name), f.kind, nil, nil)
			if !ok {
				t.Fatalf("cannot stamp %s", f.name)
			}
			m.Files = append(m.Files, mf)
		}
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		names, _ := dirNames(dir)
		m.Dirs = []manifestDir{{Name: dir, Stat: stampOf(fi), Names: names}}
		m.Taken = time.Now().Add(time.Minute).UnixNano()
		return m
	}
	setup := func(t *testing.T) (string, *manifest) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "go.mod"), "module p\n")
		writeFile(t, filepath.Join(dir, "p.go"), body)
		return dir, manifestOf(t, dir)
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		want   refreshed
	}{
		{"nothing", func(*testing.T, string) {}, unchanged},
		{"a function's body", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "p.go"), newBody) }, contentsChanged},
		{"the imports", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "p.go"), newImport) }, listingChanged},
		{"a build constraint", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "p.go"), newTag) }, listingChanged},
		{"go.mod", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "go.mod"), "module q\n") }, listingChanged},
		{"a new file", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "q.go"), "package p\n") }, listingChanged},
		{"a file removed", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "p.go")) }, listingChanged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, m := setup(t)
			tc.change(t, dir)
			if got := m.refresh(); got != tc.want {
				t.Errorf("refresh = %d, want %d", got, tc.want)
			}
			if tc.want != contentsChanged {
				return
			}
			// The manifest now holds the new contents: another
			// refresh finds nothing more to do.
			m.Taken = time.Now().Add(time.Minute).UnixNano()
			if got := m.refresh(); got != unchanged {
				t.Errorf("second refresh = %d, want unchanged", got)
			}
		})
	}

	// Within the racy window a stat is not trusted: the same size and
	// the modification time put back still read as a change.
	t.Run("racy", func(t *testing.T) {
		dir, m := setup(t)
		m.Taken = time.Now().UnixNano()
		name := filepath.Join(dir, "p.go")
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		same := []byte(body)
		same[len(same)-3] = 'X' // "c.ClosX()": same size
		writeFile(t, name, string(same))
		if err := os.Chtimes(name, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
		if got := m.refresh(); got != contentsChanged {
			t.Errorf("refresh = %d, want contentsChanged", got)
		}
	})
	// Outside it, on Linux, the change time still tells: tar and
	// rsync -t put modification times back, nothing puts back a ctime.
	if runtime.GOOS == "linux" {
		t.Run("ctime", func(t *testing.T) {
			dir, m := setup(t)
			name := filepath.Join(dir, "p.go")
			fi, err := os.Stat(name)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(10 * time.Millisecond) // a later ctime on coarse clocks
			same := []byte(body)
			same[len(same)-3] = 'X'
			writeFile(t, name, string(same))
			if err := os.Chtimes(name, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
			if got := m.refresh(); got != contentsChanged {
				t.Errorf("refresh = %d, want contentsChanged", got)
			}
		})
	}
}

// TestGoHeader: a Go file's header is what go list reads of it, and
// nothing after.
func TestGoHeader(t *testing.T) {
	const src = "// Copyright\n\n//go:build linux\n\n// Package p.\npackage p\n\nimport (\n\t\"net\"\n)\n\nimport \"C\"\n\n// F.\nfunc F() {}\n"
	head := func(s string) [32]byte {
		t.Helper()
		h, ok := goHeader("p.go", []byte(s))
		if !ok {
			t.Fatalf("goHeader(%q) failed", s)
		}
		return h
	}
	base := head(src)
	for _, same := range []string{
		src + "\nvar v = 1\n",
		"// Copyright\n\n//go:build linux\n\n// Package p.\npackage p\n\nimport (\n\t\"net\"\n)\n\nimport \"C\"\n\n// F.\nfunc F() { println() }\n",
	} {
		if head(same) != base {
			t.Errorf("the header changed with the body:\n%s", same)
		}
	}
	for _, other := range []string{
		"// Copyright\n\n//go:build darwin\n\n// Package p.\npackage p\n\nimport (\n\t\"net\"\n)\n\nimport \"C\"\n\n// F.\nfunc F() {}\n",
		"// Copyright\n\n//go:build linux\n\n// Package p.\npackage q\n\nimport (\n\t\"net\"\n)\n\nimport \"C\"\n\n// F.\nfunc F() {}\n",
		"// Copyright\n\n//go:build linux\n\n// Package p.\npackage p\n\nimport (\n\t\"net\"\n\t\"io\"\n)\n\nimport \"C\"\n\n// F.\nfunc F() {}\n",
	} {
		if head(other) == base {
			t.Errorf("the header did not change with the build constraint, package or imports:\n%s", other)
		}
	}
	if _, ok := goHeader("p.go", []byte("package p\n\nimport \"net\n")); ok {
		t.Error("an unterminated import string scanned")
	}
}

// TestWalkRoots: the directories under which a new directory may be a
// new package the patterns match, and the patterns for which they cannot
// be named.
func TestWalkRoots(t *testing.T) {
	goroot, modcache := filepath.FromSlash("/goroot"), filepath.FromSlash("/gopath/pkg/mod")
	std := matchedPackage{standard: true}
	mainMod := matchedPackage{moduleDir: filepath.FromSlash("/work/m")}
	cached := matchedPackage{moduleDir: filepath.Join(modcache, "example.com", "dep@v1.0.0")}
	gopath := matchedPackage{}
	for _, tc := range []struct {
		patterns []string
		matched  []matchedPackage
		roots    []string
		ok       bool
	}{
		{[]string{"."}, []matchedPackage{mainMod}, nil, true},
		{[]string{"./..."}, []matchedPackage{mainMod}, []string{"."}, true},
		{[]string{"./a/...", "./b"}, []matchedPackage{mainMod}, []string{"a"}, true},
		{[]string{"./a..."}, []matchedPackage{mainMod}, []string{"."}, true},
		{[]string{"../x/..."}, nil, []string{filepath.FromSlash("../x")}, true},
		{[]string{"std"}, []matchedPackage{std}, []string{filepath.Join(goroot, "src")}, true},
		{[]string{"cmd"}, []matchedPackage{std}, []string{filepath.Join(goroot, "src", "cmd")}, true},
		{[]string{"net/http", "example.com/m/p"}, []matchedPackage{std, mainMod}, nil, true},
		{[]string{"net/..."}, []matchedPackage{std, std}, []string{filepath.Join(goroot, "src")}, true},
		{[]string{"example.com/m/..."}, []matchedPackage{mainMod, mainMod}, []string{mainMod.moduleDir}, true},
		{[]string{"example.com/dep/..."}, []matchedPackage{cached}, nil, true},
		{[]string{"all"}, []matchedPackage{mainMod, std, cached}, []string{filepath.Join(goroot, "src"), mainMod.moduleDir}, true},
		{[]string{"example.com/none/..."}, nil, nil, false},
		{[]string{"example.com/gopath/..."}, []matchedPackage{gopath}, nil, false},
		{[]string{"..."}, []matchedPackage{std}, nil, false},
	} {
		roots, ok := walkRoots(tc.patterns, goroot, modcache, tc.matched)
		if ok != tc.ok || ok && !slices.Equal(roots, tc.roots) {
			t.Errorf("walkRoots(%q) = %q, %v; want %q, %v", tc.patterns, roots, ok, tc.roots, tc.ok)
		}
	}
}
