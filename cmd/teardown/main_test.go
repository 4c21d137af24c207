package main

// The CLI contract of the teardown binary, tested on the binary itself:
// TestMain builds it once with the go command of the toolchain running the
// tests, and every test runs it as a user would. See docs/usage.md.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teardownlint/teardown/analyzer"
)

var (
	goCmd   string // the go command of the toolchain running the tests
	binPath string // the teardown binary built from this package
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
	return m.Run()
}

// goEnv is the environment of every command the tests run: the test's
// toolchain and no other (no switching through GOTOOLCHAIN), first on
// PATH so that go/packages in the standalone driver runs the same go,
// no workspace, and the driver's output filter on.
func goEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOTOOLCHAIN", "GOWORK", "PATH", rawEnv:
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"GOTOOLCHAIN=local",
		"GOWORK=off",
		"PATH="+filepath.Dir(goCmd)+string(os.PathListSeparator)+os.Getenv("PATH"))
	return append(env, extra...)
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

// teardown runs the binary in dir.
func teardown(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return run(t, dir, goEnv(), binPath, args...)
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
}{
	{6, 2, "SetLinger(0) makes Close an abort: "},
	{11, 2, "SetLinger(5) makes Close block for up to 5 s on Linux "},
}

func findingsModule(t *testing.T) string {
	return writeModule(t, "find.example", map[string]string{"find.go": findingsSrc})
}

func cleanModule(t *testing.T) string {
	return writeModule(t, "clean.example", map[string]string{"clean.go": `package clean

import "net"

// Close closes c without touching SO_LINGER.
func Close(c *net.TCPConn) error { return c.Close() }
`})
}

// typeErrorModule has three type errors in package bad, and two packages
// that depend on it: the x/tools driver follows the errors with a line
// per analyzer per dependent package, which the driver filters out.
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
// findingsWant, as file:line:col: message lines, in any order.
func checkDiagnostics(t *testing.T, stderr, file string) {
	t.Helper()
	got := lines(stderr)
	if len(got) != len(findingsWant) {
		t.Fatalf("got %d lines on stderr, want %d findings:\n%s", len(got), len(findingsWant), stderr)
	}
	for _, w := range findingsWant {
		found := false
		for _, l := range got {
			m := diagLine.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("stderr line %q is not file:line:col: message", l)
			}
			if m[1] == file && m[2] == fmt.Sprint(w.line) && m[3] == fmt.Sprint(w.col) && strings.HasPrefix(m[4], w.prefix) {
				found = true
			}
		}
		if !found {
			t.Errorf("no finding %s:%d:%d: %s... in\n%s", file, w.line, w.col, w.prefix, stderr)
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
	for _, a := range rules {
		title := ruleTitle(t, a.Name, a.Doc)
		found := false
		for _, l := range lines(r.stdout) {
			f := strings.Fields(l)
			if len(f) > 0 && f[0] == a.Name && strings.HasSuffix(l, title) {
				found = true
			}
		}
		if !found {
			t.Errorf("teardown help has no line listing %s with its title %q:\n%s", a.Name, title, r.stdout)
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

func TestHelpRule(t *testing.T) {
	t.Parallel()
	for _, a := range analyzer.Rules() {
		r := teardown(t, t.TempDir(), "help", a.Name)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("teardown help %s: %v", a.Name, r)
			continue
		}
		if !strings.HasPrefix(r.stdout, a.Doc+"\n") {
			t.Errorf("teardown help %s does not print the rule's doc:\n%s", a.Name, r.stdout)
		}
		a.Flags.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(r.stdout, "-"+a.Name+"."+f.Name) {
				t.Errorf("teardown help %s does not document its flag -%s.%s", a.Name, a.Name, f.Name)
			}
		})
	}
	// The lead example of the contract.
	r := teardown(t, t.TempDir(), "help", "lingerzero")
	if !strings.HasPrefix(r.stdout, "lingerzero: SetLinger(0)") || !strings.Contains(r.stdout, "//teardown:abort") {
		t.Errorf("teardown help lingerzero:\n%s", r.stdout)
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
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			oneLine(t, teardown(t, dir, tc.args...), 2, tc.want...)
		})
	}
}

func TestFindings(t *testing.T) {
	t.Parallel()
	dir := findingsModule(t)
	r := teardown(t, dir, "./...")
	if r.code != 3 || r.stdout != "" {
		t.Fatalf("want exit 3 and nothing on stdout: %v", r)
	}
	checkDiagnostics(t, r.stderr, filepath.Join(dir, "find.go"))

	// -diff without -fix is ignored: the same findings.
	r = teardown(t, dir, "-diff", "./...")
	if r.code != 3 {
		t.Fatalf("-diff alone: %v", r)
	}
	checkDiagnostics(t, r.stderr, filepath.Join(dir, "find.go"))
}

func TestDisableRule(t *testing.T) {
	t.Parallel()
	dir := findingsModule(t)
	r := teardown(t, dir, "-lingerblock=false", "./...")
	l := lines(r.stderr)
	if r.code != 3 || len(l) != 1 || !strings.Contains(l[0], findingsWant[0].prefix) {
		t.Fatalf("-lingerblock=false: want exit 3 and the lingerzero finding only: %v", r)
	}
	args := []string{"./..."}
	for _, a := range analyzer.Rules() {
		args = append([]string{"-" + a.Name + "=false"}, args...)
	}
	if r := teardown(t, dir, args...); r.code != 0 || r.stderr != "" || r.stdout != "" {
		t.Fatalf("every rule disabled: want exit 0 and no output: %v", r)
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	r := teardown(t, cleanModule(t), "./...")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("clean module: want exit 0 and no output: %v", r)
	}
}

func TestTypeErrors(t *testing.T) {
	t.Parallel()
	dir := typeErrorModule(t)
	r := teardown(t, dir, "./...")
	file := filepath.Join(dir, "bad.go")
	want := []string{
		file + `:6:14: cannot use "s" (untyped string constant) as int value in variable declaration`,
		file + ":7:11: c.Closee undefined (type *net.TCPConn has no field or method Closee)",
		file + ":6:6: declared and not used: x",
	}
	got := lines(r.stderr)
	if r.code != 1 || r.stdout != "" || !equalSets(got, want) {
		t.Fatalf("want exit 1 and exactly the three type errors, one line each:\n%s\ngot %v", strings.Join(want, "\n"), r)
	}

	// The filter is what makes it one line per error: unfiltered, the
	// x/tools driver adds a line per analyzer and dependent package.
	raw := run(t, dir, goEnv(rawEnv+"=1"), binPath, "./...")
	if raw.code != 1 || !strings.Contains(raw.stderr, "failed prerequisites") {
		t.Fatalf("%s=1 should show the unfiltered output: %v", rawEnv, raw)
	}
}

func equalSets(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestNoPackages(t *testing.T) {
	t.Parallel()
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
			r := teardown(t, dir, tc.pattern)
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
}

// jsonTree is the -json output: package ID → analyzer → findings, or
// {"error": ...}.
type jsonTree map[string]map[string]json.RawMessage

type jsonDiag struct {
	Category       string `json:"category"`
	Posn           string `json:"posn"`
	Message        string `json:"message"`
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
func parseJSON(t *testing.T, out string) map[string][]jsonDiag {
	t.Helper()
	got := map[string][]jsonDiag{}
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
				var diags []jsonDiag
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
	dir := findingsModule(t)
	r := teardown(t, dir, "-json", "./...")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("-json: want exit 0 and nothing on stderr: %v", r)
	}
	got := parseJSON(t, r.stdout)
	file := filepath.Join(dir, "find.go")
	for i, rule := range []string{"lingerzero", "lingerblock"} {
		w := findingsWant[i]
		d := got[rule]
		if len(d) != 1 || d[0].Posn != fmt.Sprintf("%s:%d:%d", file, w.line, w.col) ||
			!strings.HasPrefix(d[0].Message, w.prefix) || d[0].Category != rule || len(d[0].SuggestedFixes) != 1 {
			t.Errorf("%s: got %+v, want one finding at line %d with a fix", rule, d, w.line)
		}
		delete(got, rule)
	}
	for rule, d := range got {
		if len(d) > 0 {
			t.Errorf("unexpected %s findings: %+v", rule, d)
		}
	}
}

func TestFix(t *testing.T) {
	t.Parallel()
	dir := findingsModule(t)
	file := filepath.Join(dir, "find.go")
	r := teardown(t, dir, "-fix", "./...")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("-fix: want exit 0 and no output: %v", r)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if got == findingsSrc || strings.Contains(got, "SetLinger(0)") || strings.Contains(got, "SetLinger(5)") {
		t.Fatalf("-fix did not remove the SetLinger calls:\n%s", got)
	}
	// The fixed module is clean.
	if r := teardown(t, dir, "./..."); r.code != 0 || r.stderr != "" {
		t.Fatalf("after -fix: %v\n%s", r, got)
	}
}

func TestFixDiff(t *testing.T) {
	t.Parallel()
	dir := findingsModule(t)
	file := filepath.Join(dir, "find.go")
	r := teardown(t, dir, "-fix", "-diff", "./...")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("-fix -diff: want exit 0 (even with a diff) and nothing on stderr: %v", r)
	}
	for _, want := range []string{
		"--- " + file + " (old)\n+++ " + file + " (new)\n",
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
}

// TestVetProtocol checks the two queries go vet and go fix make of a
// -vettool before running it on packages: they must not be filtered or
// intercepted by the driver.
func TestVetProtocol(t *testing.T) {
	t.Parallel()
	r := teardown(t, t.TempDir(), "-V=full")
	if r.code != 0 || !strings.HasPrefix(r.stdout, binPath+" version ") || r.stderr != "" {
		t.Errorf("-V=full: %v", r)
	}
	r = teardown(t, t.TempDir(), "-flags")
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
		{[]string{"-V=full"}, modeProtocol},
		{[]string{"-flags"}, modeProtocol},
		{[]string{"-lingerzero=false", "/tmp/b001/vet.cfg"}, modeProtocol},
	} {
		if got := mode(tc.args); got != tc.want {
			t.Errorf("mode(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestFilterStderr(t *testing.T) {
	in := `/x/bad.go:6:14: cannot use "s" (untyped string constant) as int value in variable declaration
connflow: analysis skipped due to errors in package
lingerzero: failed prerequisites: connflow@bad.example
directives: failed prerequisites: lingerblock@bad.example/b, lingerzero@bad.example/b
-: no required module provides package nosuch.example/pkg; to add it:
	go get nosuch.example/pkg
connflow: connflow: internal error while analyzing function f: boom
a.go:1:2: failed prerequisites: is a message here, not an analyzer error
`
	var out strings.Builder
	noPkgs, dropped, kept := filterStderr(strings.NewReader(in), &out)
	want := `/x/bad.go:6:14: cannot use "s" (untyped string constant) as int value in variable declaration
teardown: no required module provides package nosuch.example/pkg; to add it:
	go get nosuch.example/pkg
connflow: connflow: internal error while analyzing function f: boom
a.go:1:2: failed prerequisites: is a message here, not an analyzer error
`
	if out.String() != want || noPkgs || len(dropped) != 3 || kept != 5 {
		t.Errorf("filterStderr: noPackages %v, dropped %q, kept %d, output:\n%s", noPkgs, dropped, kept, out.String())
	}

	out.Reset()
	noPkgs, _, kept = filterStderr(strings.NewReader("teardown is a tool for static analysis of Go programs.\n\nUsage: teardown [-flag] [package]\n"), &out)
	if !noPkgs || kept != 0 || out.String() != "" {
		t.Errorf("the no-packages banner: noPackages %v, kept %d, output %q", noPkgs, kept, out.String())
	}
}
