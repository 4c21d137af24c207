package main

// The result cache's key, and the manifest that makes computing it cheap.
//
// The key is the hash of everything a run's outcome depends on: this
// executable, the arguments, the go command's environment, the listing of
// the packages (`go list -e -deps`) and the contents of every file the
// listing names. Listing the packages costs the go command's walk of
// them, 0.7 s on caddy's 1,025, more than the rest of a run that changed
// nothing. So the cache keeps, per command line, directory and
// environment (the head), a manifest: the listing's hash, every file it
// names with its stat and hash, and every directory whose entries decide
// it. (A pattern that matches directories which cannot be named before
// listing, such as net/... or all, lists every time.)
//
// The next run with the same head recomputes the key from the manifest:
// it stats each file and rehashes only those whose stat changed, and
// lists the packages again only when the listing itself may have
// changed:
//   - a directory the listing depends on gained or lost an entry (a
//     package's directory, or one a `...` pattern walks);
//   - a go.mod or the go.work file changed;
//   - a Go file's header changed: its build constraints, package clause
//     or imports, everything before its first other declaration, which
//     is all that go list reads of it.
//
// A stat is trusted only when it could not hide a change: when it was
// taken long enough (racyWindow) after the file's last modification. A
// file modified within the window of the manifest's stats is hashed again
// on every run, as git does with its index.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"go/scanner"
	"go/token"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// racyWindow is how long after its stats were taken a file's
// modification may still not show in them: the file system's timestamp
// granularity (coarse kernel clocks, FAT's 2 s) with margin.
const racyWindow = 3 * time.Second

// listFields are the fields of `go list -json` that the key hashes.
const listFields = "ImportPath,Dir,DepOnly,Standard,ForTest,GoFiles,CgoFiles,CFiles,CXXFiles,HFiles,TestGoFiles,XTestGoFiles,IgnoredGoFiles,Module,Error,DepsErrors"

// A runKey is the key of a run's outcome, and what the cache knows of
// earlier runs with the same command line, directory and environment.
type runKey struct {
	sum    string // the hash of the inputs
	head   string // the manifest's name; "" when the run keeps none
	vetted bool   // an earlier run went through go vet (manifest.Vetted)
}

// key returns the key of the run's inputs, or false when they cannot be
// known (no go command, an empty build cache, or the listing has errors:
// the engine reports them).
func (c *resultCache) key(ctx context.Context, env *goEnvironment, args, patterns []string, tests bool) (runKey, bool) {
	exe := executable()
	wd, err := os.Getwd()
	if env.gocmd == "" || exe == "" || err != nil {
		return runKey{}, false
	}
	gocmd, vars := env.gocmd, env.vars
	if buildCacheEmpty(vars["GOCACHE"]) {
		// Nothing built: a fresh machine or CI runner. Listing the
		// packages would first fill the go command's index of them
		// (seconds on std), which the analysis does anyway; this run
		// is not keyed, and the next one is.
		return runKey{}, false
	}
	// The head: what the manifest is kept for. The directory, because
	// relative patterns are relative to it.
	h := sha256.New()
	io.WriteString(h, resultCacheVersion+"\n"+strconv.Quote(exe)+"\n"+strconv.Quote(wd)+"\n")
	for _, a := range args {
		io.WriteString(h, strconv.Quote(a)+"\n")
	}
	io.WriteString(h, env.key())
	head := hex.EncodeToString(h.Sum(nil))

	old := c.readManifest(head)
	if old != nil {
		switch old.refresh() {
		case unchanged:
			return runKey{old.key(head), head, old.Vetted}, true
		case contentsChanged:
			c.writeManifest(head, old)
			return runKey{old.key(head), head, old.Vetted}, true
		}
	}
	m, walkable, ok := newManifest(ctx, gocmd, patterns, tests, vars, exe, old)
	if !ok {
		return runKey{}, false
	}
	if !walkable {
		// The directories the patterns may match cannot be named:
		// list every time, keep no manifest.
		return runKey{sum: m.key(head)}, true
	}
	c.writeManifest(head, m)
	return runKey{m.key(head), head, m.Vetted}, true
}

// noteVetted records in k's manifest that a run went through go vet.
func (c *resultCache) noteVetted(k runKey) {
	if k.head == "" || k.vetted {
		return
	}
	if m := c.readManifest(k.head); m != nil {
		m.Vetted = true
		c.writeManifest(k.head, m)
	}
}

// A matchedPackage is a package of the listing that a pattern matched
// (not only imported).
type matchedPackage struct {
	standard  bool
	moduleDir string // "" outside modules
}

// walkRoots returns the directories under which a new directory may be a
// new package that the patterns match, or false when they cannot be
// named. A directory pattern's "..." walks its directory (./... walks .);
// std walks GOROOT/src, cmd GOROOT/src/cmd; an import path pattern with
// "..." (net/..., example.com/m/...) and all walk the roots of the
// modules of the packages they matched: GOROOT/src for the standard
// library, the module's directory for a module outside the module cache
// (whose directories change only with a version, that is with a go.mod).
// A bare "..." (GOPATH mode), or an import path pattern where nothing
// matched or a package has no module, cannot be named.
func walkRoots(patterns []string, goroot, modcache string, matched []matchedPackage) ([]string, bool) {
	var roots []string
	byModule := false
	for _, p := range patterns {
		switch {
		case p == "std":
			roots = append(roots, filepath.Join(goroot, "src"))
		case p == "cmd":
			roots = append(roots, filepath.Join(goroot, "src", "cmd"))
		case p == "...":
			return nil, false
		case p == "all":
			byModule = true
		case !strings.Contains(p, "..."):
			// A directory or an import path: its package's files
			// and directory are in the listing.
		case strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || filepath.IsAbs(p):
			prefix, _, _ := strings.Cut(p, "...")
			// ./a/... walks ./a; ./a... matches ./ab too, so walks ./.
			if !strings.HasSuffix(prefix, "/") {
				prefix = filepath.Dir(prefix)
			}
			roots = append(roots, filepath.Clean(prefix)) // relative to the head's directory
		default:
			byModule = true
		}
	}
	if byModule {
		if len(matched) == 0 {
			return nil, false
		}
		for _, mp := range matched {
			switch {
			case mp.standard:
				roots = append(roots, filepath.Join(goroot, "src"))
			case mp.moduleDir == "":
				return nil, false
			case modcache == "" || !inTree(modcache, mp.moduleDir):
				roots = append(roots, mp.moduleDir)
			}
		}
	}
	slices.Sort(roots)
	return slices.Compact(roots), true
}

// inTree reports whether dir is root or under it.
func inTree(root, dir string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// A manifest is what a key was computed from: the listing, and every
// file and directory it depends on, with their stats.
type manifest struct {
	Version string
	Taken   int64             // when the stats were taken (Unix nanoseconds)
	Listing [sha256.Size]byte // the hash of the listing
	Files   []manifestFile    // in key order
	Dirs    []manifestDir

	// Vetted: a run with this head went through go vet, so the build
	// cache has the standard library for its configuration, and the
	// next run need not ask (autoEngine).
	Vetted bool
}

// A manifestFile is a file whose contents the key hashes.
type manifestFile struct {
	Name  string
	Stat  fileStamp
	Sum   [sha256.Size]byte
	Kind  fileKind
	Head  [sha256.Size]byte // for a Go file: the hash of its header
	Heads bool              // Head is known (the header scanned)
}

// A manifestDir is a directory whose entries the listing depends on.
type manifestDir struct {
	Name  string
	Stat  fileStamp
	Names [sha256.Size]byte // the hash of the entries' names
}

// A fileKind says what a change of a file's contents does to the listing.
type fileKind uint8

const (
	dataFile    fileKind = iota // nothing: C sources, headers, the executable
	goFile                      // what its header decides
	listingFile                 // everything: a go.mod, the go.work file
)

// refreshed is what refresh found.
type refreshed int

const (
	unchanged       refreshed = iota // no file, no directory
	contentsChanged                  // some files' contents, not the listing
	listingChanged                   // the listing may differ: list again
)

// refresh brings the manifest up to date with the file system, and says
// whether the listing must be made again. Files and directories whose
// stat is unchanged and was taken outside the racy window are trusted;
// the others are read again. The stats run in parallel: caddy's manifest
// has 1,027 directories and 10,811 files.
func (m *manifest) refresh() refreshed {
	taken := time.Now()
	result := max(
		parallel(len(m.Dirs), func(i int) refreshed { return m.refreshDir(&m.Dirs[i]) }),
		parallel(len(m.Files), func(i int) refreshed { return m.refreshFile(&m.Files[i]) }))
	if result != listingChanged {
		m.Taken = taken.UnixNano()
	}
	return result
}

// racy reports whether a stat taken by the manifest could hide a change
// made after it: the file was changed within racyWindow of the stat.
func (m *manifest) racy(s fileStamp) bool {
	return s.Mtime >= m.Taken-int64(racyWindow) || s.Ctime >= m.Taken-int64(racyWindow)
}

// restat returns the stamp of a file or directory now, and whether the
// manifest's stamp of it (was) can still be trusted: unchanged, and taken
// outside the racy window.
func (m *manifest) restat(name string, was fileStamp) (now fileStamp, trusted bool, err error) {
	fi, err := os.Stat(name)
	if err != nil {
		return fileStamp{}, false, err
	}
	now = stampOf(fi)
	return now, now == was && !m.racy(was), nil
}

// refreshDir updates a directory's stat, and says listingChanged if its
// entries are not the ones the listing saw.
func (m *manifest) refreshDir(d *manifestDir) refreshed {
	s, trusted, err := m.restat(d.Name, d.Stat)
	switch {
	case err != nil:
		return listingChanged
	case trusted:
		return unchanged
	}
	names, ok := dirNames(d.Name)
	if !ok || names != d.Names {
		return listingChanged
	}
	d.Stat = s
	return contentsChanged
}

// refreshFile updates a file's stat and hash, and says listingChanged if
// the change can change the listing (a go.mod, the go.work file, a Go
// file's header), or the file is gone.
func (m *manifest) refreshFile(f *manifestFile) refreshed {
	s, trusted, err := m.restat(f.Name, f.Stat)
	switch {
	case err != nil:
		return listingChanged
	case trusted:
		return unchanged
	}
	data, err := os.ReadFile(f.Name)
	if err != nil {
		return listingChanged
	}
	f.Stat = s
	sum := sha256.Sum256(data)
	if sum == f.Sum {
		return contentsChanged // the stat, not the contents
	}
	f.Sum = sum
	switch f.Kind {
	case listingFile:
		return listingChanged
	case goFile:
		head, ok := goHeader(f.Name, data)
		same := ok && f.Heads && head == f.Head
		f.Head, f.Heads = head, ok
		if !same {
			return listingChanged
		}
	}
	return contentsChanged
}

// parallel calls f for 0 <= i < n in a few goroutines, each over its own
// range of i, and returns the largest result.
func parallel(n int, f func(i int) refreshed) refreshed {
	workers := min(runtime.GOMAXPROCS(0), 4, n)
	if workers <= 1 {
		result := unchanged
		for i := range n {
			result = max(result, f(i))
		}
		return result
	}
	results := make([]refreshed, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w * n / workers; i < (w+1)*n/workers; i++ {
				results[w] = max(results[w], f(i))
			}
		})
	}
	wg.Wait()
	return slices.Max(results)
}

// key returns the key of a run with this head and manifest: the hash of
// the head, the listing and the contents of every file.
func (m *manifest) key(head string) string {
	h := sha256.New()
	io.WriteString(h, head+"\n")
	h.Write(m.Listing[:])
	for _, f := range m.Files {
		io.WriteString(h, strconv.Quote(f.Name)+" ")
		h.Write(f.Sum[:])
		io.WriteString(h, "\n")
	}
	return hex.EncodeToString(h.Sum(nil))
}

// listedPackage is what newManifest reads of a package in the listing.
type listedPackage struct {
	Dir                                 string
	DepOnly, Standard                   bool
	GoFiles, CgoFiles, CFiles, CXXFiles []string
	HFiles, TestGoFiles, XTestGoFiles   []string
	IgnoredGoFiles                      []string
	Module                              *struct{ Dir, GoMod string }
	Error                               *struct{ Err string }
	DepsErrors                          []*struct{ Err string }
}

// newManifest lists the packages and makes the manifest of the key: the
// executable, every file the listing names (test files, cgo's C files,
// GOROOT's and the module cache's too: a GOROOT can be edited in place,
// and go build would see it), each module's go.mod, the go.work file; the
// directory of every package and every directory under the patterns' walk
// roots (walkRoots; walkable is false when they cannot be named, and the
// manifest then has no directories). Files whose stat has not changed
// since old are not read again. It returns false if the listing has
// errors or a file cannot be read.
func newManifest(ctx context.Context, gocmd string, patterns []string, tests bool, vars map[string]string, exe string, old *manifest) (m *manifest, walkable, ok bool) {
	taken := time.Now()
	list := []string{"list", "-e", "-deps", "-json=" + listFields}
	if tests {
		list = append(list, "-test")
	}
	listing, err := goOutput(ctx, gocmd, append(list, patterns...)...)
	if err != nil {
		return nil, false, false
	}
	m = &manifest{Version: resultCacheVersion, Taken: taken.UnixNano(), Listing: sha256.Sum256([]byte(listing)),
		Vetted: old != nil && old.Vetted}
	known := map[string]*manifestFile{}
	if old != nil {
		for i := range old.Files {
			known[old.Files[i].Name] = &old.Files[i]
		}
	}
	// The files are named first and stamped afterwards, in parallel
	// (std has 4,121, caddy 10,811: reading and hashing them one by one
	// was most of a first run's manifest).
	seen := map[string]bool{}
	add := func(name string, kind fileKind) {
		if !seen[name] {
			seen[name] = true
			m.Files = append(m.Files, manifestFile{Name: name, Kind: kind})
		}
	}
	add(exe, dataFile)
	dirs := map[string]bool{}
	var matched []matchedPackage
	dec := json.NewDecoder(strings.NewReader(listing))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil || p.Error != nil || len(p.DepsErrors) > 0 {
			return nil, false, false
		}
		dirs[p.Dir] = true
		if !p.DepOnly {
			mp := matchedPackage{standard: p.Standard}
			if p.Module != nil {
				mp.moduleDir = p.Module.Dir
			}
			matched = append(matched, mp)
		}
		for _, files := range [][]string{p.GoFiles, p.CgoFiles, p.TestGoFiles, p.XTestGoFiles, p.IgnoredGoFiles} {
			for _, f := range files {
				add(inDir(p.Dir, f), goFile)
			}
		}
		for _, files := range [][]string{p.CFiles, p.CXXFiles, p.HFiles} {
			for _, f := range files {
				add(inDir(p.Dir, f), dataFile)
			}
		}
		if p.Module != nil && p.Module.GoMod != "" {
			add(p.Module.GoMod, listingFile)
		}
	}
	if work := vars["GOWORK"]; work != "" && work != "off" {
		add(work, listingFile)
	}
	failed := parallel(len(m.Files), func(i int) refreshed {
		f, ok := stampFile(m.Files[i].Name, m.Files[i].Kind, known[m.Files[i].Name], old)
		if !ok {
			return listingChanged // a file that cannot be read: no key
		}
		m.Files[i] = f
		return unchanged
	})
	if failed != unchanged {
		return nil, false, false
	}
	roots, walkable := walkRoots(patterns, vars["GOROOT"], vars["GOMODCACHE"], matched)
	if !walkable {
		return m, false, true
	}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				return nil
			}
			if name := d.Name(); path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir // the go command does not match packages there
			}
			dirs[path] = true
			return nil
		})
		if err != nil {
			return m, false, true // a directory that cannot be read cannot be watched
		}
	}
	for _, name := range slices.Sorted(maps.Keys(dirs)) {
		m.Dirs = append(m.Dirs, manifestDir{Name: name})
	}
	failed = parallel(len(m.Dirs), func(i int) refreshed {
		d := &m.Dirs[i]
		fi, err := os.Stat(d.Name)
		if err != nil {
			return listingChanged
		}
		names, ok := dirNames(d.Name)
		if !ok {
			return listingChanged
		}
		d.Stat, d.Names = stampOf(fi), names
		return unchanged
	})
	if failed != unchanged {
		return nil, false, false
	}
	return m, true, true
}

// inDir returns the name of a listed file of the package in dir: the
// listing names most files relative to it, a test binary's generated
// main by its absolute name in the build cache.
func inDir(dir, file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(dir, file)
}

// stampFile returns the manifest entry of a file: prev's hash if its stat
// has not changed since prev's manifest took it (and was trustworthy),
// else the file's hash and header now.
func stampFile(name string, kind fileKind, prev *manifestFile, old *manifest) (manifestFile, bool) {
	fi, err := os.Stat(name)
	if err != nil {
		return manifestFile{}, false
	}
	f := manifestFile{Name: name, Stat: stampOf(fi), Kind: kind}
	if prev != nil && prev.Stat == f.Stat && prev.Kind == kind && !old.racy(f.Stat) {
		f.Sum, f.Head, f.Heads = prev.Sum, prev.Head, prev.Heads
		return f, true
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return manifestFile{}, false
	}
	f.Sum = sha256.Sum256(data)
	if kind == goFile {
		f.Head, f.Heads = goHeader(name, data)
	}
	return f, true
}

// goHeader returns the hash of a Go file's header: everything before its
// first declaration other than an import (build constraints, the package
// clause, imports, cgo's preamble), which is all that go list reads of a
// file. False if the file cannot be scanned.
func goHeader(name string, src []byte) ([sha256.Size]byte, bool) {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	failed := false
	s.Init(file, src, func(token.Position, string) { failed = true }, 0)
	end, depth := len(src), 0
scan:
	for {
		pos, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			break scan
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		case token.FUNC, token.TYPE, token.VAR, token.CONST:
			if depth == 0 {
				end = file.Offset(pos)
				break scan
			}
		}
	}
	return sha256.Sum256(src[:end]), !failed
}

// dirNames returns the hash of the names of a directory's entries.
func dirNames(dir string) ([sha256.Size]byte, bool) {
	f, err := os.Open(dir)
	if err != nil {
		return [sha256.Size]byte{}, false
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return [sha256.Size]byte{}, false
	}
	slices.Sort(names)
	return sha256.Sum256([]byte(strings.Join(names, "\x00"))), true
}

// readManifest returns the manifest stored for head, or nil.
func (c *resultCache) readManifest(head string) *manifest {
	data, err := os.ReadFile(filepath.Join(c.manifests(), head))
	if err != nil {
		return nil
	}
	var m manifest
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&m) != nil || m.Version != resultCacheVersion {
		return nil
	}
	return &m
}

// writeManifest stores m for head (failures are ignored: the cache only
// saves time).
func (c *resultCache) writeManifest(head string, m *manifest) {
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(m) != nil {
		return
	}
	writeEntry(c.manifests(), head, buf.Bytes())
}

// A fileStamp is what a file's stat says about its contents (stampOf):
// when any of it differs, the contents may have changed. Ctime and Ino
// are 0 where the system does not say.
type fileStamp struct {
	Size, Mtime, Ctime int64
	Ino                uint64
	Mode               uint32
}
