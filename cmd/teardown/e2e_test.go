package main

// End-to-end tests on testdata/e2e, a module of two packages: netx (conn
// helpers) and app (which calls them). teardown runs over it as a go vet
// tool, through go fix, and standalone, and must say the same thing each
// way, including the verdicts that need a fact exported by the other
// package.

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/teardownlint/teardown/analyzer"
)

// e2eFinding is a diagnostic expected on testdata/e2e.
type e2eFinding struct {
	file   string // slash-separated, relative to testdata/e2e
	line   int
	code   string // text on that line: the table fails loudly when the file changes under it
	rule   string
	prefix string // the start of the message
}

// e2eFindings are the findings whose verdict needs nothing from another
// package.
var e2eFindings = []e2eFinding{
	{"netx/netx.go", 13, "c.SetLinger(0)", "lingerzero", "SetLinger(0) makes Close an abort: "},
	{"netx/netx.go", 26, "c.SetLinger(5)", "lingerblock", "SetLinger(5) makes Close block for up to 5 s "},
	{"app/app.go", 44, "tc.SetLinger(10)", "lingerblock", "SetLinger(10) makes Close block for up to 10 s "},
}

// e2eCrossPackage are the findings in app whose verdict needs a
// connflow.Summary fact exported by netx: the write happens inside
// netx.WriteAll, and netx.Name must be known to leave the conn alone.
// Every cross-package case added to testdata/e2e gets its line here.
var e2eCrossPackage = []e2eFinding{
	{"app/app.go", 16, "return c.Close()", "writeclose", "conn is closed after a write (line 13) without CloseWrite and a drain"},
	{"app/app.go", 34, "return name, c.Close()", "writeclose", "conn is closed after a write (line 30) without CloseWrite and a drain"},
}

// e2eQuiet are lines where no finding is expected.
var e2eQuiet = []struct {
	file string
	line int
	code string
	why  string
}{
	{"netx/netx.go", 20, "c.SetLinger(0)", "justified by the //teardown:abort directive above it"},
	{"netx/netx.go", 48, "return c.Close()", "CloseGracefully half-closes and drains before the Close"},
	{"app/app.go", 24, "return netx.CloseGracefully(c)", "the helper half-closes and drains (its fact)"},
}

// e2eFlagCases run go vet with a rule's flag and expect the diff of
// -fix -diff to contain text: the flag reached the tool.
var e2eFlagCases = []struct {
	flag, diffHas string
}{
	{"-writeclose.helper=e2e.example/netx.CloseGracefully", "+\treturn netx.CloseGracefully(c)\n"},
}

// e2eWant returns every expected finding, after checking the table
// against testdata/e2e: each line must hold its code, and each rule must
// be one of analyzer.Rules().
func e2eWant(t *testing.T) []e2eFinding {
	t.Helper()
	rules := map[string]bool{}
	for _, a := range analyzer.Rules() {
		rules[a.Name] = true
	}
	check := func(file string, line int, code string) {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "e2e", filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		ls := strings.Split(string(b), "\n")
		if line < 1 || line > len(ls) || !strings.Contains(ls[line-1], code) {
			t.Fatalf("testdata/e2e/%s:%d does not contain %q: update the tables in e2e_test.go", file, line, code)
		}
	}
	want := slices.Concat(e2eFindings, e2eCrossPackage)
	for _, f := range want {
		check(f.file, f.line, f.code)
		if !rules[f.rule] {
			t.Fatalf("%s:%d expects a finding of %q, which is not in analyzer.Rules()", f.file, f.line, f.rule)
		}
	}
	for _, q := range e2eQuiet {
		check(q.file, q.line, q.code)
	}
	return want
}

// copyE2E copies testdata/e2e into a new temporary directory, so that
// fixes and go's files never touch the source tree.
func copyE2E(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "e2e")
	src := filepath.Join("..", "..", "testdata", "e2e")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// checkE2E asserts that the diagnostic lines of out are exactly want,
// with file names relative to dir ("" when they are already relative).
func checkE2E(t *testing.T, what, out, dir string, want []e2eFinding) {
	t.Helper()
	var got []string
	for _, l := range lines(out) {
		m := diagLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("%s: line %q is not file:line:col: message", what, l)
			continue
		}
		file := m[1]
		if dir != "" {
			rel, err := filepath.Rel(dir, file)
			if err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s: %s is not in %s", what, file, dir)
			}
			file = rel
		}
		got = append(got, filepath.ToSlash(file)+":"+m[2]+": "+m[4])
	}
	matched := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !matched[i] && strings.HasPrefix(g, fmt.Sprintf("%s:%d: %s", w.file, w.line, w.prefix)) {
				matched[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s: missing %s finding %s:%d: %s...", what, w.rule, w.file, w.line, w.prefix)
		}
	}
	for i, g := range got {
		if !matched[i] {
			t.Errorf("%s: unexpected finding %s", what, g)
		}
	}
	for _, q := range e2eQuiet {
		for _, g := range got {
			if strings.HasPrefix(g, fmt.Sprintf("%s:%d: ", q.file, q.line)) {
				t.Errorf("%s: %s should be quiet (%s)", what, g, q.why)
			}
		}
	}
}

func without(want []e2eFinding, rule string) []e2eFinding {
	return slices.DeleteFunc(slices.Clone(want), func(f e2eFinding) bool { return f.rule == rule })
}

// vetCacheFixed reports whether go vet of Go version v keys its result
// cache on VetxOnly. Before go1.26.9 and go1.27.2 it does not, and a
// package vetted first as a dependency replays no findings when vetted
// later as a root (docs/usage.md; integration.md §2.5a).
func vetCacheFixed(v string) bool {
	rest, ok := strings.CutPrefix(v, "go1.")
	if !ok {
		return true // a development toolchain
	}
	minor, patch, _ := strings.Cut(rest, ".")
	m, err := strconv.Atoi(minor)
	if err != nil {
		return false // go1.27rc1 and the like: the release candidates have the bug
	}
	p, _ := strconv.Atoi(strings.TrimFunc(patch, func(r rune) bool { return r < '0' || r > '9' }))
	switch {
	case m < 26:
		return false
	case m == 26:
		return p >= 9
	case m == 27:
		return p >= 2
	}
	return true
}

func TestSplitDiff(t *testing.T) {
	a := "--- a (old)\n+++ a (new)\n-x\n--- b (old)\n+++ b (new)\n+y\n"
	b := "--- b (old)\n+++ b (new)\n+y\n--- a (old)\n+++ a (new)\n-x\n"
	if !slices.Equal(splitDiff(a), splitDiff(b)) || len(splitDiff(a)) != 3 {
		t.Errorf("splitDiff: %q != %q", splitDiff(a), splitDiff(b))
	}
	if slices.Equal(splitDiff(a), splitDiff(strings.Replace(a, "+y", "+z", 1))) {
		t.Error("splitDiff hides a difference")
	}
}

func TestVetCacheFixed(t *testing.T) {
	for v, want := range map[string]bool{
		"go1.26.8": false, "go1.26.9": true, "go1.26.11": true, "go1.27.0": false,
		"go1.27.1": false, "go1.27.2": true, "go1.28.0": true, "go1.27rc1": false,
		"go1.25.4": false, "devel go1.28-abcdef": true,
	} {
		if got := vetCacheFixed(v); got != want {
			t.Errorf("vetCacheFixed(%q) = %v, want %v", v, got, want)
		}
	}
}

// requireFixedVet fails (it does not skip) when the toolchain's go vet
// can drop findings: a green run would then mean nothing.
func requireFixedVet(t *testing.T) {
	t.Helper()
	if v := runtime.Version(); !vetCacheFixed(v) {
		t.Fatalf("%s: go vet before go1.26.9 / go1.27.2 drops findings from its cache; "+
			"run the tests with GOTOOLCHAIN=auto (go.mod's toolchain line) or a newer Go", v)
	}
}

// splitDiff splits a unified diff into its per-file parts, sorted: the
// order of the files is the build's.
func splitDiff(d string) []string {
	parts := strings.Split("\n"+strings.TrimSuffix(d, "\n"), "\n--- ")
	slices.Sort(parts)
	return parts
}

func TestVetE2E(t *testing.T) {
	requireFixedVet(t)
	want := e2eWant(t)
	dir := copyE2E(t)
	// A fresh cache: the first run vets std too, as a user's first run does.
	env := goEnv("GOCACHE="+t.TempDir(), "GOFLAGS=-mod=mod")
	vet := func(args ...string) result {
		t.Helper()
		return run(t, dir, env, goCmd, append([]string{"vet", "-vettool=" + binPath}, args...)...)
	}

	t.Run("findings", func(t *testing.T) {
		r := vet("./...")
		if r.code != 1 || r.stdout != "" {
			t.Fatalf("want exit 1 and findings on stderr: %v", r)
		}
		checkE2E(t, "go vet", r.stderr, "", want)
		// Again from the cache, now warm: the same findings.
		r = vet("./...")
		if r.code != 1 {
			t.Fatalf("second run: want exit 1: %v", r)
		}
		checkE2E(t, "go vet (cached)", r.stderr, "", want)
		// One package as a root after it was vetted as a dependency:
		// the case go vet before go1.26.9 got wrong.
		r = vet("./netx")
		if r.code != 1 {
			t.Fatalf("go vet ./netx: want exit 1: %v", r)
		}
		var netx []e2eFinding
		for _, f := range want {
			if strings.HasPrefix(f.file, "netx/") {
				netx = append(netx, f)
			}
		}
		checkE2E(t, "go vet ./netx", r.stderr, "", netx)
	})

	// The findings that come without a suggested fix, from -json.
	unfixable := slices.Clone(want)
	t.Run("json", func(t *testing.T) {
		r := vet("-json", "./...")
		if r.code != 0 {
			t.Fatalf("-json: want exit 0 even with findings: %v", r)
		}
		got := parseJSON(t, r.stdout)
		unfixable = nil
		for _, w := range want {
			found := false
			for _, d := range got[w.rule] {
				posn := filepath.Join(dir, filepath.FromSlash(w.file)) + ":" + strconv.Itoa(w.line) + ":"
				if strings.HasPrefix(d.Posn, posn) && strings.HasPrefix(d.Message, w.prefix) {
					found = true
					if len(d.SuggestedFixes) == 0 {
						unfixable = append(unfixable, w)
					}
				}
			}
			if !found {
				t.Errorf("-json: no %s finding at %s:%d", w.rule, w.file, w.line)
			}
		}
		n := 0
		for _, ds := range got {
			n += len(ds)
		}
		if n != len(want) {
			t.Errorf("-json: %d findings, want %d:\n%s", n, len(want), r.stdout)
		}
	})

	t.Run("disable each rule", func(t *testing.T) {
		for _, a := range analyzer.Rules() {
			rest := without(want, a.Name)
			r := vet("-"+a.Name+"=false", "./...")
			if wantCode := min(len(rest), 1); r.code != wantCode {
				t.Errorf("-%s=false: want exit %d: %v", a.Name, wantCode, r)
			}
			checkE2E(t, "go vet -"+a.Name+"=false", r.stderr, "", rest)
		}
	})

	t.Run("rule flags pass through", func(t *testing.T) {
		// Every analyzer flag, at its default: accepted, and nothing changes.
		for _, a := range analyzer.Analyzers() {
			a.Flags.VisitAll(func(f *flag.Flag) {
				arg := "-" + a.Name + "." + f.Name + "=" + f.DefValue
				r := vet(arg, "./...")
				if r.code != 1 {
					t.Errorf("%s: want exit 1: %v", arg, r)
				}
				checkE2E(t, "go vet "+arg, r.stderr, "", want)
			})
		}
		for _, fc := range e2eFlagCases {
			r := vet(fc.flag, "-fix", "-diff", "./...")
			if r.code != 1 || !strings.Contains(r.stdout, fc.diffHas) {
				t.Errorf("%s -fix -diff: want exit 1 and a diff containing %q: %v", fc.flag, fc.diffHas, r)
			}
		}
	})

	var vetDiff string
	t.Run("fix diff", func(t *testing.T) {
		r := vet("-fix", "-diff", "./...")
		if r.code != 1 || r.stdout == "" {
			t.Fatalf("-fix -diff: want exit 1 and a diff: %v", r)
		}
		vetDiff = r.stdout
		for _, f := range want {
			if slices.Contains(unfixable, f) {
				continue
			}
			if !strings.Contains(r.stdout, "--- "+filepath.Join(dir, filepath.FromSlash(f.file))+" (old)\n") {
				t.Errorf("the diff does not change %s:\n%s", f.file, r.stdout)
			}
		}
		if !strings.Contains(r.stdout, "\n-\tc.SetLinger(0)\n") {
			t.Errorf("the diff does not remove SetLinger(0):\n%s", r.stdout)
		}
	})

	t.Run("go fix diff", func(t *testing.T) {
		r := run(t, dir, env, goCmd, "fix", "-fixtool="+binPath, "-diff", "./...")
		if r.code != 1 || r.stdout == "" {
			t.Fatalf("go fix -diff: want exit 1 and a diff: %v", r)
		}
		if vetDiff != "" && !slices.Equal(splitDiff(r.stdout), splitDiff(vetDiff)) {
			t.Errorf("go fix -diff and go vet -fix -diff differ:\n%s\n---- go vet:\n%s", r.stdout, vetDiff)
		}
	})

	t.Run("unchanged", func(t *testing.T) {
		// The -diff runs wrote nothing.
		for _, f := range []string{"netx/netx.go", "app/app.go"} {
			a, _ := os.ReadFile(filepath.Join(dir, f))
			b, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "e2e", f))
			if string(a) != string(b) {
				t.Errorf("%s was changed by a -diff run", f)
			}
		}
	})

	t.Run("fix", func(t *testing.T) {
		// Apply every fix in a fresh copy: the result builds and is clean.
		fixed := copyE2E(t)
		r := run(t, fixed, env, goCmd, "vet", "-vettool="+binPath, "-fix", "./...")
		if r.code != 0 {
			t.Fatalf("go vet -fix: want exit 0: %v", r)
		}
		for _, f := range want {
			if slices.Contains(unfixable, f) {
				continue
			}
			a, _ := os.ReadFile(filepath.Join(fixed, filepath.FromSlash(f.file)))
			b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.file)))
			if string(a) == string(b) {
				t.Errorf("go vet -fix did not change %s", f.file)
			}
		}
		if r := run(t, fixed, env, goCmd, "build", "./..."); r.code != 0 {
			t.Fatalf("the fixed module does not build: %v", r)
		}
		// Only the findings that had no fix remain. (Their lines may
		// have moved: compare the messages.)
		r = run(t, fixed, env, goCmd, "vet", "-vettool="+binPath, "./...")
		if wantCode := min(len(unfixable), 1); r.code != wantCode || len(lines(r.stderr)) != len(unfixable) {
			t.Fatalf("after go vet -fix: want exit %d and the %d findings without a fix %v: %v", wantCode, len(unfixable), unfixable, r)
		}
		for _, f := range unfixable {
			if !strings.Contains(r.stderr, ": "+f.prefix) {
				t.Errorf("after go vet -fix: the finding without a fix %s:%d: %s... is gone", f.file, f.line, f.prefix)
			}
		}
	})
}

// TestStandaloneE2E checks that the standalone driver agrees with go vet
// on testdata/e2e, and that the facts it needs are sound: -debug=s
// gob-encodes every fact twice, fails on differing bytes, and decodes it.
func TestStandaloneE2E(t *testing.T) {
	t.Parallel()
	want := e2eWant(t)
	dir := copyE2E(t)
	r := teardown(t, dir, "./...")
	if r.code != 3 || r.stdout != "" {
		t.Fatalf("want exit 3: %v", r)
	}
	checkE2E(t, "teardown", r.stderr, dir, want)

	r = teardown(t, dir, "-debug=s", "./...")
	for _, bad := range []string{"internal error", "panic", "nondeterministic", "gob"} {
		if strings.Contains(r.stderr, bad) {
			t.Fatalf("-debug=s: %q in the output: %v", bad, r)
		}
	}
	if r.code != 3 {
		t.Fatalf("-debug=s: want exit 3: %v", r)
	}
	checkE2E(t, "teardown -debug=s", r.stderr, dir, want)
}

// TestFactsDeterministic runs the driver twice with -debug=f, which logs
// every exported fact, and compares: the same facts, for every helper of
// netx that app calls.
func TestFactsDeterministic(t *testing.T) {
	t.Parallel()
	dir := copyE2E(t)
	facts := func() []string {
		r := teardown(t, dir, "-debug=f", "./...")
		var fs []string
		for _, l := range lines(r.stderr) {
			if strings.Contains(l, " has fact ") && strings.HasPrefix(l, dir) {
				fs = append(fs, strings.TrimPrefix(l, dir))
			}
		}
		slices.Sort(fs)
		return fs
	}
	first, second := facts(), facts()
	if !slices.Equal(first, second) {
		t.Fatalf("the facts differ between two runs:\n%s\n----\n%s", strings.Join(first, "\n"), strings.Join(second, "\n"))
	}
	for _, fn := range []string{"netx.WriteAll", "netx.Name", "netx.CloseGracefully", "netx.Hangup"} {
		if !slices.ContainsFunc(first, func(l string) bool { return strings.Contains(l, " func "+fn+"(") }) {
			t.Errorf("no fact for %s:\n%s", fn, strings.Join(first, "\n"))
		}
	}
}
