package main

// The CLI contract of the teardown binary, tested on the binary itself:
// TestMain builds it once with the go command of the toolchain running the
// tests, and every test runs it as a user would. The standalone tests run
// under both engines (-engine=load and -engine=vet) and require the same
// output of each. See docs/usage.md.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teardownlint/teardown/analyzer"
)

var (
	goCmd   string // the go command of the toolchain running the tests
	binPath string // the teardown binary built from this package

	// vetToolchain is the GOTOOLCHAIN of commands that run go vet: "local"
	// when the go vet of the test toolchain has no cache defect, else
	// go.mod's toolchain, which the go command fetches from the module
	// proxy (go1.26.0-1.26.8 drop findings from their vet cache).
	vetToolchain    string
	vetToolchainErr error // why there is no go vet without the defect
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		fmt.Fprintf(os.Stderr, "cmd/teardown tests: no go command in runtime.GOROOT(): %v\n", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "teardown-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "teardown")
	if runtime.GOOS == "windows" {
		binPath += ".exe"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, goCmd, "build", "-buildvcs=false", "-o", binPath, ".")
	build.Env = goEnv()
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building teardown: %v\n%s", err, out)
		return 1
	}
	vetToolchain, vetToolchainErr = soundVetToolchain(ctx)
	return m.Run()
}

// soundVetToolchain returns the GOTOOLCHAIN under which go vet has no
// cache defect: "local" if the test toolchain's has none, else go.mod's
// toolchain line, after checking that the go command can fetch it.
func soundVetToolchain(ctx context.Context) (string, error) {
	if vetCacheFixed(runtime.Version()) {
		return "local", nil
	}
	mod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^toolchain (go\S+)$`).FindSubmatch(mod)
	if m == nil || !vetCacheFixed(string(m[1])) {
		return "", fmt.Errorf("%s has a go vet cache defect and go.mod names no toolchain without it", runtime.Version())
	}
	tc := string(m[1])
	cmd := exec.CommandContext(ctx, goCmd, "env", "GOVERSION")
	cmd.Env = append(goEnv(), "GOTOOLCHAIN="+tc)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != tc {
		return "", fmt.Errorf("%s has a go vet cache defect, and GOTOOLCHAIN=%s did not fetch go.mod's toolchain: %v %s", runtime.Version(), tc, err, out)
	}
	return tc, nil
}

// goEnv is the environment of every command the tests run: the test's
// toolchain and no other (no switching through GOTOOLCHAIN), first on
// PATH so that the standalone driver runs the same go, and no workspace.
func goEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOTOOLCHAIN", "GOWORK", "PATH", "TEARDOWN_CACHE":
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"GOTOOLCHAIN=local",
		"GOWORK=off",
		"TEARDOWN_CACHE=off", // every run analyzes; TestResultCache tests the cache
		"PATH="+filepath.Dir(goCmd)+string(os.PathListSeparator)+os.Getenv("PATH"))
	return append(env, extra...)
}

// vetEnv is goEnv with a go vet that has no cache defect: the test
// toolchain's, or go.mod's toolchain (see soundVetToolchain). Without
// one (a toolchain with the defect and no module proxy), the test is
// skipped: its go vet could not be trusted.
func vetEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	if vetToolchainErr != nil {
		t.Skipf("no go vet without the cache defect: %v", vetToolchainErr)
	}
	return append(goEnv(extra...), "GOTOOLCHAIN="+vetToolchain)
}

// result is what a command did.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s\n--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs name with args in dir, bounded in time, and returns its exit
// code and output. It fails the test if the command cannot be run at all.
func run(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %s (in %s) timed out:\n%s\n%s", name, strings.Join(args, " "), dir, stdout.String(), stderr.String())
	}
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running %s: %v", name, err)
		}
		code = ee.ExitCode()
	}
	return result{code, stdout.String(), stderr.String()}
}

// teardown runs the binary in dir with the test toolchain (-engine=auto
// picks whichever engine it picks).
func teardown(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return run(t, dir, goEnv(), binPath, args...)
}

// An engineRun runs the binary with one engine.
type engineRun struct {
	name string
	env  []string
}

func (e engineRun) run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return run(t, dir, e.env, binPath, append([]string{"-engine=" + e.name}, args...)...)
}

// engines runs f once per engine, as subtests: load with the test
// toolchain, vet with a go vet without the cache defect.
func engines(t *testing.T, f func(t *testing.T, e engineRun)) {
	t.Run("load", func(t *testing.T) { f(t, engineRun{"load", goEnv()}) })
	t.Run("vet", func(t *testing.T) { f(t, engineRun{"vet", vetEnv(t)}) })
}

// lines splits output into its non-empty lines.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// writeModule writes a module named path into a new temporary directory.
func writeModule(t *testing.T, path string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module " + path + "\n\ngo 1.26\n"
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The fixtures. findingsSrc has one lingerzero and one lingerblock
// finding, at the lines findingsWant names; nothing writes, so no other
// rule has anything to say about it.
const findingsSrc = `package find

import "net"

func hangup(c *net.TCPConn) error {
	c.SetLinger(0)
	return c.Close()
}

func slow(c *net.TCPConn) {
	c.SetLinger(5)
}

func Use(c *net.TCPConn) { hangup(c); slow(c) }
`

var findingsWant = []struct {
	line, col int
	prefix    string
	rule      string
}{
	{6, 2, "SetLinger(0) makes Close an abort: ", "lingerzero"},
	{11, 2, "SetLinger(5) makes Close block for up to 5 s on Linux ", "lingerblock"},
}

func findingsModule(t *testing.T) string {
	return writeModule(t, "find.example", map[string]string{
		"find.go": findingsSrc,
		// A test file: go vet loads it; it changes nothing.
		"find_test.go": "package find\n\nimport \"testing\"\n\nfunc TestNothing(t *testing.T) {}\n",
	})
}

func cleanModule(t *testing.T) string {
	return writeModule(t, "clean.example", map[string]string{"clean.go": `package clean

import "net"

// Close closes c without touching SO_LINGER.
func Close(c *net.TCPConn) error { return c.Close() }
`})
}

// typeErrorModule has three type errors in package bad, and two packages
// that depend on it: the x/tools checker follows the errors with a line
// per analyzer per dependent package, which the driver drops.
func typeErrorModule(t *testing.T) string {
	return writeModule(t, "bad.example", map[string]string{
		"bad.go": `package bad

import "net"

func f(c *net.TCPConn) error {
	var x int = "s"
	return c.Closee()
}
`,
		"b/b.go": "package b\n\nimport _ \"bad.example\"\n",
		"c/c.go": "package c\n\nimport _ \"bad.example/b\"\n",
	})
}

var diagLine = regexp.MustCompile(`^(.+\.go):(\d+):(\d+): (.+)$`)

// checkDiagnostics asserts that stderr is exactly the findings of
// findingsWant, in order, as go vet prints them: file:line:col: message
// (rule), the file relative to the directory teardown ran in.
func checkDiagnostics(t *testing.T, stderr, file string) {
	t.Helper()
	got := lines(stderr)
	if len(got) != len(findingsWant) {
		t.Fatalf("got %d lines on stderr, want %d findings:\n%s", len(got), len(findingsWant), stderr)
	}
	for i, w := range findingsWant {
		l := got[i]
		prefix := fmt.Sprintf("%s:%d:%d: %s", file, w.line, w.col, w.prefix)
		if !strings.HasPrefix(l, prefix) || !strings.HasSuffix(l, " ("+w.rule+")") {
			t.Errorf("line %d is %q, want %s... (%s)", i+1, l, prefix, w.rule)
		}
	}
}

func TestHelpListsEveryRule(t *testing.T) {
	t.Parallel()
	rules := analyzer.Rules()
	if len(rules) == 0 {
		t.Fatal("analyzer.Rules() is empty")
	}
	r := teardown(t, t.TempDir(), "help")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("teardown help: %v", r)
	}
	// Each rule: its name, severity and title (wrapped, the
	// continuation lines indented).
	ls := lines(r.stdout)
	for _, a := range rules {
		title := ruleTitle(t, a.Name, a.Doc)
		found := false
		for i, l := range ls {
			f := strings.Fields(l)
			if len(f) < 3 || f[0] != a.Name {
				continue
			}
			text := strings.Join(f[2:], " ")
			for _, next := range ls[i+1:] {
				if !strings.HasPrefix(next, strings.Repeat(" ", 20)) {
					break
				}
				text += " " + strings.Join(strings.Fields(next), " ")
			}
			found = text == title
		}
		if !found {
			t.Errorf("teardown help does not list %s with its title %q:\n%s", a.Name, title, r.stdout)
		}
	}
	// Every flag is listed, each on a line of its own, with its usage on
	// the lines below; no line is wider than 80 columns.
	want := []string{"-format text|json|sarif", "-fix", "-diff", "-json", "-o FILE", "-c N", "-engine auto|vet|load"}
	for _, a := range analyzer.Analyzers() {
		a.Flags.VisitAll(func(f *flag.Flag) { want = append(want, "-"+a.Name+"."+f.Name) })
	}
	for _, w := range want {
		if !slices.ContainsFunc(lines(r.stdout), func(l string) bool {
			return l == "  "+w || strings.HasPrefix(l, "  "+w+" ")
		}) {
			t.Errorf("teardown help does not list %s on a line of its own:\n%s", w, r.stdout)
		}
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		if n := len(strings.ReplaceAll(l, "\t", "        ")); n > 80 {
			t.Errorf("teardown help: a line of %d columns: %q", n, l)
		}
	}
	// -h and -help are the same help, not an empty usage.
	for _, flag := range []string{"-h", "-help", "--help"} {
		h := teardown(t, t.TempDir(), flag)
		if h.code != 0 || h.stdout != r.stdout || h.stderr != "" {
			t.Errorf("teardown %s differs from teardown help: %v", flag, h)
		}
	}
}

// ruleTitle is the title of a rule: its Doc's first line is "name: title".
func ruleTitle(t *testing.T, name, doc string) string {
	t.Helper()
	first, _, _ := strings.Cut(doc, "\n")
	n, title, ok := strings.Cut(first, ": ")
	if !ok || n != name || title == "" {
		t.Fatalf("rule %s: Doc's first line %q is not %q", name, first, name+": title")
	}
	return title
}

func TestHelpRule(t *testing.T) {
	t.Parallel()
	for _, a := range analyzer.Analyzers() {
		r := teardown(t, t.TempDir(), "help", a.Name)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("teardown help %s: %v", a.Name, r)
			continue
		}
		first, _, _ := strings.Cut(a.Doc, "\n")
		if !strings.HasPrefix(r.stdout, first+"\n") {
			t.Errorf("teardown help %s does not start with the analyzer's first line %q:\n%s", a.Name, first, r.stdout)
		}
		if !strings.HasSuffix(r.stdout, "Documentation: "+a.URL+"\n") || a.URL == "" {
			t.Errorf("teardown help %s does not end with the documentation URL %q:\n%s", a.Name, a.URL, r.stdout)
		}
		a.Flags.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(r.stdout, "-"+a.Name+"."+f.Name) {
				t.Errorf("teardown help %s does not document its flag -%s.%s", a.Name, a.Name, f.Name)
			}
		})
	}
	// The lead example of the contract, and its code, indented as a
	// block: the func line and its body by 4 columns more than the
	// prose, the body's statements by 4 more.
	r := teardown(t, t.TempDir(), "help", "lingerzero")
	if !strings.HasPrefix(r.stdout, "lingerzero: SetLinger(0)") || !strings.Contains(r.stdout, "//teardown:abort") {
		t.Errorf("teardown help lingerzero:\n%s", r.stdout)
	}
	ls := strings.Split(r.stdout, "\n")
	i := slices.IndexFunc(ls, func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "func send(") })
	if i < 0 || !strings.HasPrefix(ls[i], "    func send(") || !strings.HasPrefix(ls[i+1], "        c.SetLinger(0)") {
		t.Errorf("teardown help lingerzero: the example is not indented as a block:\n%s", r.stdout)
	}
	for _, l := range ls[1:] { // the first line is Analyzer.Doc's
		if strings.HasPrefix(l, "    ") || strings.HasPrefix(l, "Documentation: ") || len(l) <= 80 {
			continue // code, the URL
		}
		t.Errorf("teardown help lingerzero: prose line of %d columns: %q", len(l), l)
	}
}

// oneLine asserts the usage-error shape: the exit code, nothing on
// stdout, and exactly one line on stderr, starting "teardown: " and
// containing each of want.
func oneLine(t *testing.T, r result, code int, want ...string) {
	t.Helper()
	l := lines(r.stderr)
	if r.code != code || r.stdout != "" || len(l) != 1 || !strings.HasPrefix(l[0], "teardown: ") {
		t.Fatalf("want exit %d and one line on stderr, got %v", code, r)
	}
	for _, w := range want {
		if !strings.Contains(l[0], w) {
			t.Errorf("stderr %q does not contain %q", l[0], w)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	dir := findingsModule(t)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"help", "nosuchrule"}, []string{`unknown rule "nosuchrule"`, "lingerzero"}},
		{[]string{"-nosuchflag", "./..."}, []string{"-nosuchflag"}},
		{[]string{"-nosuchflag"}, []string{"-nosuchflag"}},
		{[]string{"-lingerzero.nosuchflag=1", "./..."}, []string{"-lingerzero.nosuchflag"}},
		{[]string{"-json=maybe", "./..."}, []string{"-json"}},
		{nil, []string{"no packages"}},
		{[]string{"-json"}, []string{"no packages"}},
		{[]string{"-format=bogus", "./..."}, []string{"-format=bogus", "text, json and sarif"}},
		{[]string{"-format=sarif", "-fix", "./..."}, []string{"-fix", "-format=sarif"}},
		{[]string{"-json", "-fix", "./..."}, []string{"-fix", "-format=json"}},
		{[]string{"-json", "-format=sarif", "./..."}, []string{"-json", "-format=sarif"}},
		{[]string{"-diff", "./..."}, []string{"-diff requires -fix"}},
		{[]string{"-c=2", "-format=sarif", "./..."}, []string{"-c", "-format=sarif"}},
		{[]string{"-o", "x.txt", "./..."}, []string{"-o"}},
		{[]string{"-engine=fast", "./..."}, []string{"-engine=fast", "auto, vet and load"}},
		{[]string{"-engine=vet", "-debug=s", "./..."}, []string{"-debug", "-engine=load"}},
		{[]string{"./...", "-json"}, []string{"-json after the package patterns"}},
		{[]string{"-lingerzero=maybe", "./..."}, []string{"invalid boolean value"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			oneLine(t, teardown(t, dir, tc.args...), 2, tc.want...)
		})
	}
}

// TestHelperFlag: -writeclose.helper is checked before anything runs, so
// that a bad value can never reach a fix: exit 2 and one line saying what
// is wrong.
func TestHelperFlag(t *testing.T) {
	t.Parallel()
	dir := writeModule(t, "helper.example", map[string]string{
		"netx/netx.go": `package netx

import "net"

// CloseGracefully is a helper of the right shape.
func CloseGracefully(c net.Conn) error { return c.Close() }

// Wrong takes the wrong type.
func Wrong(c *net.TCPConn) error { return c.Close() }

func unexported(c net.Conn) error { return c.Close() }

// Var is not a function.
var Var = CloseGracefully
`,
		"cmd/main.go": "package main\n\nimport \"net\"\n\nfunc Close(c net.Conn) error { return c.Close() }\n\nfunc main() {}\n",
		"named/x.go":  "package other\n\nimport \"net\"\n\nfunc Close(c net.Conn) error { return c.Close() }\n",
		"app/app.go":  "package app\n",
	})
	for _, tc := range []struct {
		value string
		want  string
	}{
		{"garbage", "want IMPORTPATH.Func"},
		{"fmt.Println", "fmt.Println is func(a ...any) (n int, err error), the fix needs func(net.Conn) error"},
		{"helper.example/netx.Wrong", "netx.Wrong is func(c *net.TCPConn) error"},
		{"helper.example/netx.unexported", "not an exported function name"},
		{"helper.example/netx.Missing", "has no Missing"},
		{"helper.example/netx.Var", "not a function"},
		{"helper.example/cmd.Close", "main package"},
		{"helper.example/named.Close", "is named other"},
		{"helper.example/nosuch.Close", "cannot load helper.example/nosuch"},
		{"a b.Close", "not an import path"},
		{".Close", "want IMPORTPATH.Func"},
		{"example.com/x/internal/y.Close", "internal to example.com/x"},
	} {
		t.Run(tc.value, func(t *testing.T) {
			oneLine(t, teardown(t, dir, "-writeclose.helper="+tc.value, "./..."), 2, "-writeclose.helper="+tc.value, tc.want)
		})
	}
	if r := teardown(t, dir, "-writeclose.helper=helper.example/netx.CloseGracefully", "./..."); r.code != 0 || r.stderr != "" {
		t.Errorf("a valid helper: want exit 0 and nothing: %v", r)
	}
}

func TestFindings(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		dir := findingsModule(t)
		r := e.run(t, dir, "./...")
		if r.code != 3 || r.stdout != "" {
			t.Fatalf("want exit 3 and nothing on stdout: %v", r)
		}
		checkDiagnostics(t, r.stderr, "find.go")

		// From a subdirectory, the paths are relative to it too.
		sub := filepath.Join(dir, "sub")
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		r = e.run(t, sub, "..")
		if r.code != 3 {
			t.Fatalf("from a subdirectory: %v", r)
		}
		checkDiagnostics(t, r.stderr, filepath.Join("..", "find.go"))
	})
}

// TestEnginesAgree: the two engines print the same, byte for byte, in
// every output mode, on the findings module and on testdata/e2e (facts
// across packages).
func TestEnginesAgree(t *testing.T) {
	t.Parallel()
	load := engineRun{"load", goEnv()}
	vet := engineRun{"vet", vetEnv(t)}
	for _, tc := range []struct {
		module string
		dir    func(*testing.T) string
		args   []string
	}{
		{"e2e", copyE2E, []string{"./..."}},
		{"e2e", copyE2E, []string{"-json", "./..."}},
		{"e2e", copyE2E, []string{"-format=sarif", "./..."}},
		{"e2e", copyE2E, []string{"-fix", "-diff", "./..."}},
		{"e2e", copyE2E, []string{"-c=1", "-lingerzero=false", "./..."}},
		{"e2e", copyE2E, []string{"-connflow.tests", "-lingerblock", "./..."}},
		{"find", findingsModule, []string{"./..."}},
		{"find", findingsModule, []string{"-fix", "-diff", "./..."}},
	} {
		t.Run(tc.module+" "+strings.Join(tc.args, " "), func(t *testing.T) {
			dir := tc.dir(t)
			l, v := load.run(t, dir, tc.args...), vet.run(t, dir, tc.args...)
			if l.code != v.code || l.stdout != v.stdout || l.stderr != v.stderr {
				t.Errorf("the engines differ:\n--- load: %v\n--- vet: %v", l, v)
			}
			if want := map[bool]int{true: 0, false: 3}[tc.args[0] == "-json"]; l.code != want {
				t.Errorf("exit %d, want %d: %v", l.code, want, l)
			}
		})
	}
}

// TestEnginesAgreeFix: -fix writes the same files, prints the same and
// exits the same under both engines.
func TestEnginesAgreeFix(t *testing.T) {
	t.Parallel()
	load := engineRun{"load", goEnv()}
	vet := engineRun{"vet", vetEnv(t)}
	ld, vd := copyE2E(t), copyE2E(t)
	orig := readTree(t, ld)
	l, v := load.run(t, ld, "-fix", "./..."), vet.run(t, vd, "-fix", "./...")
	if l.code != v.code || l.stdout != v.stdout || l.stderr != v.stderr {
		t.Errorf("the engines differ:\n--- load: %v\n--- vet: %v", l, v)
	}
	if l.code == 1 || l.code == 2 || !strings.Contains(l.stderr, "teardown: applied ") {
		t.Errorf("want fixes applied: %v", l)
	}
	lt, vt := readTree(t, ld), readTree(t, vd)
	if maps.Equal(lt, orig) {
		t.Errorf("-engine=load -fix changed no file")
	}
	for name, b := range lt {
		if vt[name] != b {
			t.Errorf("%s differs:\n--- load:\n%s\n--- vet:\n%s", name, b, vt[name])
		}
	}
	if len(lt) != len(vt) {
		t.Errorf("load wrote %d files, vet %d", len(lt), len(vt))
	}
}

// readTree returns the .go files under dir by relative name.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		tree[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestDisableRule(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		dir := findingsModule(t)
		r := e.run(t, dir, "-lingerblock=false", "./...")
		l := lines(r.stderr)
		if r.code != 3 || len(l) != 1 || !strings.Contains(l[0], findingsWant[0].prefix) {
			t.Fatalf("-lingerblock=false: want exit 3 and the lingerzero finding only: %v", r)
		}
		args := []string{"./..."}
		for _, a := range analyzer.Rules() {
			args = append([]string{"-" + a.Name + "=false"}, args...)
		}
		if r := e.run(t, dir, args...); r.code != 0 || r.stderr != "" || r.stdout != "" {
			t.Fatalf("every rule disabled: want exit 0 and no output: %v", r)
		}
	})
}

func TestClean(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		r := e.run(t, cleanModule(t), "./...")
		if r.code != 0 || r.stdout != "" || r.stderr != "" {
			t.Fatalf("clean module: want exit 0 and no output: %v", r)
		}
	})
}

// TestTypeErrors: each error is one line, file:line:col: message with
// the file relative, and nothing else (no "# package" header, no line per
// analyzer and dependent package); exit 1. The load engine reports what
// go/types finds, the vet engine what the compiler (for a package that
// others import) finds: the same errors, possibly in another order.
func TestTypeErrors(t *testing.T) {
	t.Parallel()
	want := []string{
		`bad.go:6:14: cannot use "s" (untyped string constant) as int value in variable declaration`,
		"bad.go:7:11: c.Closee undefined (type *net.TCPConn has no field or method Closee)",
		"bad.go:6:6: declared and not used: x",
	}
	engines(t, func(t *testing.T, e engineRun) {
		dir := typeErrorModule(t)
		for _, args := range [][]string{{"./..."}, {"-fix", "./..."}} { // -json, sarif: TestSARIFErrors
			r := e.run(t, dir, args...)
			got := lines(r.stderr)
			if args[0] == "-fix" {
				if len(got) == 0 || got[len(got)-1] != "teardown: nothing fixed: the packages have errors" {
					t.Errorf("-fix: want a last line saying nothing was fixed: %v", r)
					continue
				}
				got = got[:len(got)-1]
			}
			if r.code != 1 || len(got) == 0 {
				t.Errorf("%v: want exit 1 and the type errors: %v", args, r)
				continue
			}
			for _, l := range got {
				if !slices.Contains(want, l) {
					t.Errorf("%v: unexpected line %q, want only these:\n%s\ngot %v", args, l, strings.Join(want, "\n"), r)
				}
			}
		}
	})
}

// TestSyntaxError: one line, as go build prints it.
func TestSyntaxError(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		dir := writeModule(t, "syntax.example", map[string]string{"s.go": "package s\n\nfunc f() {\n\tx :=\n}\n"})
		r := e.run(t, dir, "./...")
		l := lines(r.stderr)
		if r.code != 1 || r.stdout != "" || len(l) != 1 || !strings.HasPrefix(l[0], "s.go:5:1: ") {
			t.Fatalf("want exit 1 and one line s.go:5:1: ...: %v", r)
		}
	})
}

// TestNoModule: outside a module, one line saying so.
func TestNoModule(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte("package x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		oneLine(t, e.run(t, dir, "."), 1, "go.mod file not found")
		oneLine(t, e.run(t, dir, "./..."), 1, "go.mod file not found")
	})
}

func TestNoPackages(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		dir := findingsModule(t)
		if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			pattern, want string
		}{
			{"./empty/...", "./empty/... matched no packages"},
			{"./empty", "no Go files in " + filepath.Join(dir, "empty")},
			{"./nosuchdir", "nosuchdir"},
			{"nosuch.example/pkg", "nosuch.example/pkg"},
		} {
			t.Run(tc.pattern, func(t *testing.T) {
				r := e.run(t, dir, tc.pattern)
				l := lines(r.stderr)
				// "no required module provides package" has a second,
				// indented line with the go get command: still one error.
				if len(l) == 2 && strings.HasPrefix(l[1], "\t") {
					l = l[:1]
				}
				if r.code != 1 || r.stdout != "" || len(l) != 1 || !strings.HasPrefix(l[0], "teardown: ") || !strings.Contains(l[0], tc.want) {
					t.Fatalf("want exit 1 and one line containing %q: %v", tc.want, r)
				}
			})
		}
	})
}

// jsonTree is the -json output: package path → analyzer → findings.
type jsonTree map[string]map[string]json.RawMessage

type jsonDiagT struct {
	Category       string `json:"category"`
	Posn           string `json:"posn"`
	Message        string `json:"message"`
	URL            string `json:"url"`
	SuggestedFixes []struct {
		Message string `json:"message"`
		Edits   []struct {
			Filename   string `json:"filename"`
			Start, End int
			New        string `json:"new"`
		} `json:"edits"`
	} `json:"suggested_fixes"`
}

// parseJSON returns the findings of -json output by rule. The output is
// one tree (standalone) or a stream of trees, one per package (go vet).
func parseJSON(t *testing.T, out string) map[string][]jsonDiagT {
	t.Helper()
	got := map[string][]jsonDiagT{}
	dec := json.NewDecoder(strings.NewReader(out))
	for n := 0; ; n++ {
		var tree jsonTree
		if err := dec.Decode(&tree); err == io.EOF && n > 0 {
			break
		} else if err != nil {
			t.Fatalf("-json output is not JSON: %v\n%s", err, out)
		}
		for pkg, byAnalyzer := range tree {
			for a, raw := range byAnalyzer {
				var diags []jsonDiagT
				if err := json.Unmarshal(raw, &diags); err != nil {
					t.Fatalf("%s/%s: not a list of findings (an error?): %s", pkg, a, raw)
				}
				got[a] = append(got[a], diags...)
			}
		}
	}
	return got
}

func TestJSON(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		dir := findingsModule(t)
		r := e.run(t, dir, "-json", "./...")
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("-json: want exit 0 and nothing on stderr: %v", r)
		}
		var tree jsonTree
		if err := json.Unmarshal([]byte(r.stdout), &tree); err != nil || len(tree) != 1 || tree["find.example"] == nil {
			t.Fatalf("-json: want one object keyed by the package path: %v\n%s", err, r.stdout)
		}
		got := parseJSON(t, r.stdout)
		file := filepath.Join(dir, "find.go")
		for _, w := range findingsWant {
			d := got[w.rule]
			if len(d) != 1 || d[0].Posn != fmt.Sprintf("%s:%d:%d", file, w.line, w.col) ||
				!strings.HasPrefix(d[0].Message, w.prefix) || d[0].Category != w.rule || len(d[0].SuggestedFixes) != 1 ||
				d[0].URL != "https://github.com/teardownlint/teardown/blob/main/docs/rules/"+w.rule+".md" {
				t.Errorf("%s: got %+v, want one finding at line %d with a fix and the rule's URL", w.rule, d, w.line)
			}
			delete(got, w.rule)
		}
		for rule, d := range got {
			if len(d) > 0 {
				t.Errorf("unexpected %s findings: %+v", rule, d)
			}
		}
	})
}

func TestFix(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		dir := findingsModule(t)
		file := filepath.Join(dir, "find.go")
		r := e.run(t, dir, "-fix", "./...")
		if r.code != 0 || r.stdout != "" {
			t.Fatalf("-fix: want exit 0 (nothing left) and nothing on stdout: %v", r)
		}
		if l := lines(r.stderr); len(l) != 1 || l[0] != "teardown: applied 2 fixes to 1 file; no finding left" {
			t.Errorf("-fix: want the one-line summary, got %q", l)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got := string(b)
		if got == findingsSrc || strings.Contains(got, "SetLinger(0)") || strings.Contains(got, "SetLinger(5)") {
			t.Fatalf("-fix did not remove the SetLinger calls:\n%s", got)
		}
		// The fixed module is clean, and -fix has nothing more to do.
		if r := e.run(t, dir, "./..."); r.code != 0 || r.stderr != "" {
			t.Fatalf("after -fix: %v\n%s", r, got)
		}
		if r := e.run(t, dir, "-fix", "./..."); r.code != 0 || strings.TrimSpace(r.stderr) != "teardown: no fix to apply; no finding left" {
			t.Fatalf("-fix again: %v", r)
		}
	})
}

func TestFixDiff(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e engineRun) {
		dir := findingsModule(t)
		file := filepath.Join(dir, "find.go")
		r := e.run(t, dir, "-fix", "-diff", "./...")
		if r.code != 3 || strings.TrimSpace(r.stderr) != "teardown: 2 fixes to 1 file (printed, not applied: -diff); no finding left" {
			t.Fatalf("-fix -diff: want exit 3 (a non-empty diff) and the summary: %v", r)
		}
		for _, want := range []string{
			"--- a/find.go\n+++ b/find.go\n",
			"\n-\tc.SetLinger(0)\n",
			"\n-\tc.SetLinger(5)\n",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("the diff lacks %q:\n%s", want, r.stdout)
			}
		}
		if b, err := os.ReadFile(file); err != nil || string(b) != findingsSrc {
			t.Errorf("-fix -diff changed the file (err %v)", err)
		}
		// The diff applies with patch -p1 and gives what -fix writes.
		if _, err := exec.LookPath("patch"); err == nil {
			fixed := findingsModule(t)
			if r := e.run(t, fixed, "-fix", "./..."); r.code != 0 {
				t.Fatalf("-fix: %v", r)
			}
			cmd := exec.Command("patch", "-p1", "-s")
			cmd.Dir, cmd.Stdin = dir, strings.NewReader(r.stdout)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("patch -p1: %v\n%s", err, out)
			}
			a, _ := os.ReadFile(file)
			b, _ := os.ReadFile(filepath.Join(fixed, "find.go"))
			if string(a) != string(b) {
				t.Errorf("the patched file differs from the fixed one:\n%s\n---\n%s", a, b)
			}
		}
	})
}

// TestFixRounds: fixing one finding uncovers another, and one -fix run
// fixes both: the buffered writer is flushed (unflushedclose), which
// makes the write visible, and then the Close after it gets its drain
// (writeclose).
func TestFixRounds(t *testing.T) {
	t.Parallel()
	src := `package rounds

import (
	"bufio"
	"net"
)

func Send(c net.Conn, msg string) error {
	w := bufio.NewWriter(c)
	w.WriteString(msg)
	return c.Close()
}
`
	engines(t, func(t *testing.T, e engineRun) {
		dir := writeModule(t, "rounds.example", map[string]string{"r.go": src})
		r := e.run(t, dir, "./...")
		if l := lines(r.stderr); r.code != 3 || len(l) != 1 || !strings.HasSuffix(l[0], "(unflushedclose)") {
			t.Fatalf("before: want the unflushedclose finding only: %v", r)
		}
		r = e.run(t, dir, "-fix", "./...")
		if r.code != 0 || strings.TrimSpace(r.stderr) != "teardown: applied 2 fixes to 1 file in 2 rounds; no finding left" {
			t.Fatalf("-fix: want both findings fixed in 2 rounds: %v", r)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "r.go"))
		for _, want := range []string{"w.Flush()", "CloseWrite"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("the fixed file has no %s:\n%s", want, b)
			}
		}
		if r := e.run(t, dir, "./..."); r.code != 0 || r.stderr != "" {
			t.Errorf("after -fix: %v\n%s", r, b)
		}
		if r := run(t, dir, goEnv(), goCmd, "build", "./..."); r.code != 0 {
			t.Errorf("the fixed code does not build: %v\n%s", r, b)
		}
	})
}

// TestFixNeverBreaks: a fix that would not build is not written. Here the
// inline writeclose fix imports "time", which the package already
// declares as a variable in another file: the round is dropped, the file
// is left as it was, and the summary and the build error say why.
func TestFixNeverBreaks(t *testing.T) {
	t.Parallel()
	src := `package netx

import "net"

// Reply writes, then closes.
func Reply(c net.Conn, b []byte) error {
	if _, err := c.Write(b); err != nil {
		return err
	}
	return c.Close()
}
`
	engines(t, func(t *testing.T, e engineRun) {
		dir := writeModule(t, "clash.example", map[string]string{
			"netx/netx.go": src,
			"netx/vars.go": "package netx\n\nvar time = 5\n",
		})
		r := e.run(t, dir, "-fix", "./...")
		l := lines(r.stderr)
		if r.code != 1 || len(l) < 2 ||
			l[len(l)-1] != "teardown: applied no fix; 1 finding left, 1 with a fix not applied; 1 fix not applied: the code would not build" ||
			!strings.Contains(r.stderr, "time already declared through import of package time") {
			t.Fatalf("want exit 1, the clash, and a summary saying the fix was not applied: %v", r)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "netx", "netx.go")); string(b) != src {
			t.Errorf("the file was changed:\n%s", b)
		}
	})
}

// TestFixNoRepeat: with a -writeclose.helper of the package itself that
// only closes, the first round closes through it; the finding is then
// through the helper, and no fix repeats the same edit (it used to, up to
// the round limit, writing the call eight times).
func TestFixNoRepeat(t *testing.T) {
	t.Parallel()
	src := `package netx

import "net"

// CloseGracefully only closes.
func CloseGracefully(c net.Conn) error { return c.Close() }

// Reply writes, then closes.
func Reply(c net.Conn, b []byte) error {
	if _, err := c.Write(b); err != nil {
		return err
	}
	return c.Close()
}
`
	engines(t, func(t *testing.T, e engineRun) {
		dir := writeModule(t, "self.example", map[string]string{"netx/netx.go": src})
		r := e.run(t, dir, "-writeclose.helper=self.example/netx.CloseGracefully", "-fix", "./...")
		l := lines(r.stderr)
		if r.code != 3 || len(l) == 0 || l[len(l)-1] != "teardown: applied 1 fix to 1 file; 1 finding left, with no fix" {
			t.Fatalf("want exit 3 and one fix applied: %v", r)
		}
		want := strings.Replace(src, "return c.Close()\n}\n", "return CloseGracefully(c)\n}\n", 1)
		if b, _ := os.ReadFile(filepath.Join(dir, "netx", "netx.go")); string(b) != want {
			t.Errorf("the fixed file:\n%s\nwant:\n%s", b, want)
		}
	})
}

// TestBudgetNotes: a function over connflow's size budget gets a note,
// printed with the findings, that never changes the exit code.
func TestBudgetNotes(t *testing.T) {
	t.Parallel()
	src := `package big

import "net"

// Send writes and closes, in more basic blocks than -connflow.maxblocks=2.
func Send(c net.Conn, a, b bool) error {
	if a {
		c.Write([]byte("a"))
	}
	if b {
		c.Write([]byte("b"))
	}
	return c.Close()
}
`
	engines(t, func(t *testing.T, e engineRun) {
		dir := writeModule(t, "big.example", map[string]string{"big.go": src})
		for _, args := range [][]string{{"./..."}, {"-fix", "-diff", "./..."}} {
			r := e.run(t, dir, append([]string{"-connflow.maxblocks=2"}, args...)...)
			l := lines(r.stderr)
			if r.code != 0 || len(l) < 1 || !strings.HasPrefix(l[0], "big.go:6:6: note: teardown did not analyze Send: ") || !strings.HasSuffix(l[0], " (connflow)") {
				t.Errorf("%v: want exit 0 and the note: %v", args, r)
			}
		}
		r := e.run(t, dir, "-connflow.maxblocks=2", "-format=sarif", "./...")
		if r.code != 0 || !strings.Contains(r.stdout, `"level": "note"`) {
			t.Errorf("-format=sarif: want exit 0 and a result of level note: %v", r)
		}
	})
	// Under go vet, where every diagnostic fails the run, the note is a
	// line on standard error and the exit status stays 0; the
	// dependencies vetted for their facts (net) print none.
	t.Run("go vet", func(t *testing.T) {
		env := vetEnv(t)
		dir := writeModule(t, "big.example", map[string]string{"big.go": src})
		r := run(t, dir, env, goCmd, "vet", "-vettool="+binPath, "-connflow.maxblocks=2", "./...")
		want := "big.go:6:6: note: teardown did not analyze Send: its 5 basic blocks exceed the budget of 2 (-connflow.maxblocks); the connections it closes are unchecked (connflow)"
		if r.code != 0 || !strings.Contains(r.stderr, want) || strings.Count(r.stderr, "note:") != 1 {
			t.Errorf("want exit 0 and one note:\n%s\n%v", want, r)
		}
		r = run(t, dir, env, goCmd, "vet", "-vettool="+binPath, "./...")
		if r.code != 1 || strings.Contains(r.stderr, "note:") {
			t.Errorf("within the budget: want exit 1 for the finding and no note: %v", r)
		}
	})
}

// TestEngineChoice: -engine=auto runs go vet only when its cache is sound
// and the packages are built; -engine=vet with a go vet that has the
// cache defect is one line and exit 1. A go command that claims to be
// go1.26.8 (and runs the real one for everything else) plays the
// defective one.
func TestEngineChoice(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("the fake go command is a shell script")
	}
	fake := t.TempDir()
	log := filepath.Join(fake, "log")
	// The fake go says it is go1.26.8 when asked for its environment
	// (go env -json GOVERSION ...), and is the real one otherwise.
	script := fmt.Sprintf("#!/bin/sh\necho \"$*\" >> %q\nif [ \"$1 $2\" = \"env -json\" ]; then %q \"$@\" | sed 's/\"GOVERSION\": \"[^\"]*\"/\"GOVERSION\": \"go1.26.8\"/'; exit 0; fi\nexec %q \"$@\"\n", log, goCmd, goCmd)
	if err := os.WriteFile(filepath.Join(fake, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(goEnv(), "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH"))
	dir := findingsModule(t)

	r := run(t, dir, env, binPath, "-engine=vet", "./...")
	oneLine(t, r, 1, "-engine=vet", "go1.26.8", "go1.26.9")

	if err := os.Remove(log); err != nil {
		t.Fatal(err)
	}
	r = run(t, dir, env, binPath, "./...")
	if r.code != 3 {
		t.Fatalf("auto: %v", r)
	}
	checkDiagnostics(t, r.stderr, "find.go")
	calls, _ := os.ReadFile(log)
	if strings.Contains(string(calls), "vet") || !strings.Contains(string(calls), "list") {
		t.Errorf("auto with a defective go vet: want go list (the load engine) and no go vet, got:\n%s", calls)
	}

	// A sound go vet, but an empty build cache (a fresh CI runner): auto
	// does not start go vet, which would compile every dependency first,
	// and loads the packages itself (go/packages runs go list -json).
	if vetToolchainErr != nil {
		return // no sound go vet here: the case above was the test
	}
	script = fmt.Sprintf("#!/bin/sh\necho \"$*\" >> %q\nexec %q \"$@\"\n", log, goCmd)
	if err := os.WriteFile(filepath.Join(fake, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	gocache := t.TempDir()
	autoRun := func(what string, want, notWant []string) {
		t.Helper()
		if err := os.Remove(log); err != nil {
			t.Fatal(err)
		}
		env := append(vetEnv(t), "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH"), "GOCACHE="+gocache)
		r := run(t, dir, env, binPath, "./...")
		if r.code != 3 {
			t.Fatalf("auto, %s: %v", what, r)
		}
		checkDiagnostics(t, r.stderr, "find.go")
		calls, _ := os.ReadFile(log)
		for _, w := range want {
			if !strings.Contains(string(calls), w) {
				t.Errorf("auto, %s: no %q among the go commands run:\n%s", what, w, calls)
			}
		}
		for _, w := range notWant {
			if strings.Contains(string(calls), w) {
				t.Errorf("auto, %s: want no %q among the go commands run:\n%s", what, w, calls)
			}
		}
	}
	autoRun("empty build cache", []string{"list -e -json"}, []string{"vet -vettool=", "list -f {{.Stale}} net"})
	// A build cache that holds something, but not the standard library of
	// this configuration: auto asks whether net is built while go vet
	// starts, and when it is not, stops go vet and loads the packages.
	if err := os.MkdirAll(filepath.Join(gocache, "00"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gocache, "00", "00-a"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	autoRun("a build cache without this configuration", []string{"vet -vettool=", "list -f {{.Stale}} net", "list -e -json"}, nil)
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := teardown(t, t.TempDir(), "-V=full")
	m := regexp.MustCompile(`^teardown version (\S+) (go\S+) buildID=[0-9a-f]{64}\n$`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil || r.stderr != "" {
		t.Fatalf("-V=full: %v", r)
	}
	// The test binary is built with -buildvcs=false: no version, no VCS.
	if m[1] != "devel" {
		t.Errorf("-V=full: version %q, want devel", m[1])
	}
	if r2 := teardown(t, t.TempDir(), "-V"); r2.stdout != r.stdout {
		t.Errorf("-V and -V=full differ: %v", r2)
	}
	// SARIF names the same version.
	dir := findingsModule(t)
	s := teardown(t, dir, "-format=sarif", "./...")
	if !strings.Contains(s.stdout, `"version": "`+m[1]+`"`) {
		t.Errorf("the SARIF log does not name version %s:\n%s", m[1], s.stdout)
	}

	for _, tc := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{nil, "devel"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}}, "v0.1.0"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261204093000-0123456789ab+dirty"}}, "v0.0.0-20261204093000-0123456789ab+dirty"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-12-04T09:30:00Z"},
			{Key: "vcs.modified", Value: "true"},
		}}, "devel-0123456789ab-20261204T093000Z-dirty"},
	} {
		if got := version(tc.bi); got != tc.want {
			t.Errorf("version(%+v) = %q, want %q", tc.bi, got, tc.want)
		}
	}
}

// TestVetProtocol checks the two queries go vet and go fix make of a
// -vettool before running it on packages.
func TestVetProtocol(t *testing.T) {
	t.Parallel()
	r := teardown(t, t.TempDir(), "-flags")
	var flags []struct{ Name string }
	if err := json.Unmarshal([]byte(r.stdout), &flags); r.code != 0 || err != nil {
		t.Fatalf("-flags: %v (%v)", r, err)
	}
	names := map[string]bool{}
	for _, f := range flags {
		names[f.Name] = true
	}
	for _, a := range analyzer.Analyzers() {
		if !names[a.Name] {
			t.Errorf("-flags does not list -%s", a.Name)
		}
		a.Flags.VisitAll(func(f *flag.Flag) {
			if !names[a.Name+"."+f.Name] {
				t.Errorf("-flags does not list -%s.%s", a.Name, f.Name)
			}
		})
	}
}

func TestMode(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want driverMode
	}{
		{nil, modeStandalone},
		{[]string{"./..."}, modeStandalone},
		{[]string{"-json", "./..."}, modeStandalone},
		{[]string{"-h"}, modeHelp},
		{[]string{"--help"}, modeHelp},
		{[]string{"-json", "-help", "./..."}, modeHelp},
		{[]string{"./...", "-h"}, modeStandalone}, // after the packages: a package pattern
		{[]string{"-V=full"}, modeVersion},
		{[]string{"-V"}, modeVersion},
		{[]string{"-flags"}, modeProtocol},
		{[]string{"-lingerzero=false", "/tmp/b001/vet.cfg"}, modeProtocol},
	} {
		if got := mode(tc.args); got != tc.want {
			t.Errorf("mode(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestVetErrors(t *testing.T) {
	in := `# bad.example
./bad.go:6:14: cannot use "s" (untyped string constant) as int value in variable declaration
go: warning: "./empty/..." matched no packages
no required module provides package nosuch.example/pkg; to add it:
	go get nosuch.example/pkg
go: go.mod file not found in current directory or any parent directory; see 'go help modules'
teardown: internal error
`
	var got []string
	for _, p := range vetErrors(in, []string{"./..."}) {
		got = append(got, p.render(paths{}))
	}
	want := []string{
		`bad.go:6:14: cannot use "s" (untyped string constant) as int value in variable declaration`,
		"teardown: no required module provides package nosuch.example/pkg; to add it:\n\tgo get nosuch.example/pkg",
		"teardown: go.mod file not found in current directory or any parent directory; see 'go help modules'",
		"teardown: internal error",
	}
	if !slices.Equal(got, want) {
		t.Errorf("vetErrors:\n%q\nwant\n%q", got, want)
	}
	if got := vetErrors("go: warning: \"./x/...\" matched no packages\nno packages to vet\n", []string{"./x/..."}); len(got) != 1 || got[0].msg != "./x/... matched no packages" {
		t.Errorf("no packages to vet: %+v", got)
	}
}

func TestParsePosition(t *testing.T) {
	for s, want := range map[string]position{
		"/a/b.go:3:4":   {"/a/b.go", 3, 4},
		"/a/b.go:3":     {"/a/b.go", 3, 0},
		"/a/b.go":       {"/a/b.go", 0, 0},
		"C:/a/b.go:3:4": {"C:/a/b.go", 3, 4},
		"-":             {"-", 0, 0},
	} {
		if got := parsePosition(s); got != want {
			t.Errorf("parsePosition(%q) = %+v, want %+v", s, got, want)
		}
	}
}

func TestUnifiedDiff(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"x\n", "x\n", ""},
		{"a\nb\nc\n", "a\nc\n", "--- a/f\n+++ b/f\n@@ -1,3 +1,2 @@\n a\n-b\n c\n"},
		{"", "a\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n"},
		{"a", "b", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"},
		{
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1\nX\n3\n4\n5\n6\n7\n8\n9\n10\nY\n12\n",
			"--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+Y\n 12\n",
		},
	} {
		if got := unifiedDiff("a/f", "b/f", tc.a, tc.b); got != tc.want {
			t.Errorf("unifiedDiff(%q, %q) =\n%s\nwant\n%s", tc.a, tc.b, got, tc.want)
		}
	}
}
