package clitest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// repoRoot is the root of this checkout.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// demoModule copies testdata/demo (a finding of every rule and a stale
// directive) into a temporary git repository.
func demoModule(t *testing.T) string {
	t.Helper()
	files := map[string]string{}
	src := filepath.Join(repoRoot(), "testdata", "demo")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return gitRepo(t, files)
}

var cleanModule = map[string]string{
	"go.mod":   "module example.com/clean\n\ngo 1.26\n",
	"clean.go": "package clean\n\nimport \"net\"\n\nfunc Dial(addr string) (net.Conn, error) { return net.Dial(\"tcp\", addr) }\n",
}

// gitEnv is the environment of git and pre-commit: no user configuration.
func gitEnv(extra ...string) []string {
	return Env(append([]string{"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}, extra...)...)
}

// gitRepo writes files into a new temporary git repository, committed.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Fatalf("no git command: %v", err)
	}
	dir := Module(t, files)
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-qm", "init"}} {
		if r := Run(t, dir, gitEnv(), git, args...); r.Code != 0 {
			t.Fatalf("git %v: %v", args, r)
		}
	}
	return dir
}

// TestActionScript runs the steps of action.yml (scripts/action/run.sh)
// as the Actions runner would, minus the runner: install, then lint in
// both formats, with findings and without, and with a bad flag.
func TestActionScript(t *testing.T) {
	root := repoRoot()
	script := filepath.Join(root, "scripts", "action", "run.sh")
	checkActionYAML(t, root)

	tmp := t.TempDir()
	ghPath := filepath.Join(tmp, "path")
	env := func(output string, extra ...string) []string {
		return Env(append([]string{"RUNNER_TEMP=" + tmp, "GITHUB_PATH=" + ghPath, "GITHUB_OUTPUT=" + output}, extra...)...)
	}
	outputs := func(file string) map[string]string {
		b, _ := os.ReadFile(file)
		m := map[string]string{}
		for l := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				m[k] = v
			}
		}
		return m
	}
	if r := Run(t, root, env(filepath.Join(tmp, "install.out")), "bash", script, "install"); r.Code != 0 {
		t.Fatalf("run.sh install: %v", r)
	}
	bindir := filepath.Join(tmp, "teardown-action")
	if b, _ := os.ReadFile(ghPath); strings.TrimSpace(string(b)) != bindir {
		t.Errorf("GITHUB_PATH has %q, want %q", b, bindir)
	}

	demo := demoModule(t)
	t.Run("sarif", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		r := Run(t, root, env(out, "INPUT_WORKING_DIRECTORY="+demo, "INPUT_FORMAT=sarif", "INPUT_SARIF_FILE=td.sarif"), "bash", script, "lint")
		o := outputs(out)
		if r.Code != 0 || o["findings"] != "true" || o["sarif-file"] != filepath.Join(demo, "td.sarif") {
			t.Fatalf("lint: want exit 0, findings=true and sarif-file: %v\noutputs %v", r, o)
		}
		b, err := os.ReadFile(o["sarif-file"])
		if err != nil {
			t.Fatal(err)
		}
		var log struct {
			Version string
			Runs    []struct{ Results []struct{ RuleID string } }
		}
		if err := json.Unmarshal(b, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 {
			t.Fatalf("not a SARIF 2.1.0 log with one run (%v):\n%.400s", err, b)
		}
		var rules []string
		for _, res := range log.Runs[0].Results {
			rules = append(rules, res.RuleID)
		}
		for _, want := range []string{"writeclose", "unreadclose", "unflushedclose", "lingerzero", "lingerblock"} {
			if !slices.ContainsFunc(rules, func(id string) bool { return strings.Contains(id, want) }) {
				t.Errorf("no %s result in the SARIF (rule ids %v)", want, rules)
			}
		}
	})
	t.Run("text", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		r := Run(t, root, env(out, "INPUT_WORKING_DIRECTORY="+demo, "INPUT_FORMAT=text", "INPUT_ARGS=-lingerblock=false"), "bash", script, "lint")
		if r.Code != 0 || outputs(out)["findings"] != "true" {
			t.Fatalf("lint: want exit 0 and findings=true: %v", r)
		}
		fs := Findings(r.Stderr)
		if !slices.ContainsFunc(fs, func(f Finding) bool { return f.File == "writeclose.go" }) ||
			slices.ContainsFunc(fs, func(f Finding) bool { return f.File == "lingerblock.go" }) {
			t.Errorf("want the findings in the log, without lingerblock's (-lingerblock=false): %v", r)
		}
	})
	t.Run("clean", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		clean := Module(t, cleanModule)
		r := Run(t, root, env(out, "INPUT_WORKING_DIRECTORY="+clean), "bash", script, "lint")
		if r.Code != 0 || outputs(out)["findings"] != "false" {
			t.Fatalf("lint on a clean module: want exit 0 and findings=false: %v", r)
		}
	})
	t.Run("bad flag", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		r := Run(t, root, env(out, "INPUT_WORKING_DIRECTORY="+demo, "INPUT_ARGS=-nosuchflag"), "bash", script, "lint")
		if r.Code != 2 || !strings.Contains(r.Stdout, "::error::teardown failed with exit status 2") {
			t.Fatalf("lint with an unknown flag: want exit 2 and an ::error:: line: %v", r)
		}
	})
}

// checkActionYAML checks action.yml against the script: every input the
// steps use is declared, every INPUT_ variable the script reads is passed,
// and the steps run scripts/action/run.sh.
func checkActionYAML(t *testing.T, root string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	yml := string(b)
	declared := map[string]bool{}
	inInputs := false
	for l := range strings.SplitSeq(yml, "\n") {
		switch {
		case l == "inputs:":
			inInputs = true
		case inInputs && regexp.MustCompile(`^  [a-z-]+:$`).MatchString(l):
			declared[strings.TrimSuffix(strings.TrimSpace(l), ":")] = true
		case l != "" && !strings.HasPrefix(l, " "):
			inInputs = false
		}
	}
	for _, m := range regexp.MustCompile(`inputs\.([a-z-]+)`).FindAllStringSubmatch(yml, -1) {
		if !declared[m[1]] {
			t.Errorf("action.yml uses inputs.%s, which it does not declare (declared: %v)", m[1], declared)
		}
	}
	sh, err := os.ReadFile(filepath.Join(root, "scripts", "action", "run.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\$\{(INPUT_[A-Z_]+)`).FindAllStringSubmatch(string(sh), -1) {
		if !strings.Contains(yml, m[1]+": ${{ inputs.") {
			t.Errorf("run.sh reads %s, which action.yml does not set", m[1])
		}
	}
	if strings.Count(yml, `"$GITHUB_ACTION_PATH/scripts/action/run.sh"`) != 2 {
		t.Error("action.yml should run scripts/action/run.sh install and lint")
	}
}

// TestPreCommitHook checks .pre-commit-hooks.yaml and runs the hook: with
// pre-commit itself (try-repo on this checkout) when it is installed
// (.ci/run installs it), else as pre-commit's golang language does it
// (go install ./... of this repository, then the entry with its args in
// the user's repository).
func TestPreCommitHook(t *testing.T) {
	root := repoRoot()
	b, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- id: teardown\n", "  entry: teardown\n", "  args: [./...]\n",
		"  language: golang\n", "  pass_filenames: false\n", "  types: [go]\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf(".pre-commit-hooks.yaml has no line %q", strings.TrimSpace(want))
		}
	}
	demo := demoModule(t)
	clean := gitRepo(t, cleanModule)

	if pc, err := exec.LookPath("pre-commit"); err == nil && isGitRepo(root) {
		// pre-commit uses the go on PATH only when it is outside the
		// home directory (else it downloads one); with GOTOOLCHAIN=auto
		// the test's go is in the module cache under $HOME: link it.
		gobin := t.TempDir()
		if err := os.Symlink(GoCmd, filepath.Join(gobin, "go")); err != nil {
			t.Fatal(err)
		}
		// pre-commit sets GOPATH to its own directory: keep the module
		// cache, or the install downloads every module again; and it
		// builds in a fresh clone: -trimpath lets the build cache serve it.
		modcache := Run(t, root, nil, GoCmd, "env", "GOMODCACHE").Stdout
		env := gitEnv("PRE_COMMIT_HOME="+t.TempDir(), "GOMODCACHE="+strings.TrimSpace(modcache),
			"GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -trimpath"),
			"PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"))
		r := Run(t, demo, env, pc, "try-repo", root, "teardown", "--all-files")
		if r.Code == 0 || !strings.Contains(r.Stdout, "- exit code: 3") ||
			!slices.ContainsFunc(Findings(r.Stdout), func(f Finding) bool { return f.File == "writeclose.go" }) {
			t.Errorf("pre-commit try-repo on the demo: want the hook to fail with teardown's findings: %v", r)
		}
		if r := Run(t, clean, env, pc, "try-repo", root, "teardown", "--all-files"); r.Code != 0 {
			t.Errorf("pre-commit try-repo on a clean module: want success: %v", r)
		}
		return
	}
	t.Log("pre-commit is not installed: running the hook as its golang language does")
	gobin := t.TempDir()
	if r := Run(t, root, Env("GOBIN="+gobin), GoCmd, "install", "./..."); r.Code != 0 {
		t.Fatalf("go install ./... (pre-commit's install of a golang hook): %v", r)
	}
	entry := filepath.Join(gobin, "teardown")
	r := Run(t, demo, nil, entry, "./...")
	if r.Code != 3 || !slices.ContainsFunc(Findings(r.Stderr), func(f Finding) bool { return f.File == "writeclose.go" }) {
		t.Errorf("the hook's entry on the demo: want exit 3 and the findings: %v", r)
	}
	if r := Run(t, clean, nil, entry, "./..."); r.Code != 0 {
		t.Errorf("the hook's entry on a clean module: want exit 0: %v", r)
	}
}

func isGitRepo(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ".git"))
	return err == nil
}
