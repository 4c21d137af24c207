// Package clitest runs the teardown command as a user does: it builds
// ./cmd/teardown once per test binary and runs it, go vet and other
// commands in temporary modules. Its tests check what a user sees (the
// findings, the files -fix writes, a -diff that git apply accepts) without
// depending on the driver's internals.
package clitest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// GoCmd is the go command of the toolchain running the tests.
var GoCmd = filepath.Join(runtime.GOROOT(), "bin", "go")

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary returns the path of a teardown binary built from this checkout,
// building it on first use (into a directory that Cleanup removes).
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "teardown-clitest-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "teardown")
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, GoCmd, "build", "-o", binPath, "./cmd/teardown")
		cmd.Dir = root
		cmd.Env = Env()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/teardown: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Cleanup removes the binary; a TestMain calls it after m.Run.
func Cleanup() {
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
}

// Env is the environment of every command: the test's toolchain and no
// other, first on PATH (the standalone driver runs go list), no
// workspace.
func Env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOTOOLCHAIN", "GOWORK", "PATH", "TEARDOWN_CACHE":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "GOTOOLCHAIN=local", "GOWORK=off",
		"TEARDOWN_CACHE=off", // every run analyzes; TestResultCache tests the cache
		"PATH="+filepath.Dir(GoCmd)+string(os.PathListSeparator)+os.Getenv("PATH"))
	return append(env, extra...)
}

// Result is what a command did.
type Result struct {
	Code           int
	Stdout, Stderr string
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.Code, r.Stdout, r.Stderr)
}

// Run runs name with args in dir with env (Env() if nil), bounded in
// time (10 minutes: pre-commit builds teardown in a fresh environment,
// which took over 5 on a loaded 2-core machine), and returns its exit
// code and output. It fails the test if the
// command cannot be started or times out.
func Run(t testing.TB, dir string, env []string, name string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	if env == nil {
		cmd.Env = Env()
	}
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
	return Result{code, stdout.String(), stderr.String()}
}

// Module writes files (slash-separated names relative to the module root,
// go.mod included) into a new temporary directory and returns it.
func Module(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A Finding is one line of teardown's text output (or go vet's).
type Finding struct {
	File    string // base name
	Line    int
	Message string // with any "(rule)" suffix
}

func (f Finding) String() string { return fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Message) }

var findingLine = regexp.MustCompile(`^(\S+\.go):(\d+):\d+: (.*)$`)

// Findings parses the diagnostic lines of out ("file:line:col: message",
// the path absolute or relative, the message with or without the rule's
// name); other lines are ignored.
func Findings(out string) []Finding {
	var fs []Finding
	for l := range strings.SplitSeq(out, "\n") {
		if m := findingLine.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			var line int
			fmt.Sscan(m[2], &line)
			fs = append(fs, Finding{filepath.Base(m[1]), line, m[3]})
		}
	}
	return fs
}
