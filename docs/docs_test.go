package docs

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/passes/directives"
)

// demoCommand is the README's command that lints the demo.
const demoCommand = "go build -o /tmp/teardown ./cmd/teardown && (cd testdata/demo && /tmp/teardown ./...)"

// TestReadmeDemo runs what the README's demo command runs and checks that
// the output pasted into the README is still what teardown prints, and
// that every analyzer of the suite reports something on the demo.
func TestReadmeDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs teardown")
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	want, ok := demoOutput(string(readme))
	if !ok {
		t.Fatalf("README.md: no ```sh block with %q followed by an output block", demoCommand)
	}

	bin := filepath.Join(t.TempDir(), "teardown")
	build := exec.Command("go", "build", "-o", bin, "./cmd/teardown")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	demo := filepath.Join("..", "testdata", "demo")

	run := exec.Command(bin, "./...")
	run.Dir = demo
	out, err := run.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("teardown ./... in testdata/demo: %v, want exit status 3\n%s", err, out)
	}
	if got := normalize(string(out)); got != normalize(want) {
		t.Errorf("README.md's demo output is stale; paste the output of\n\t%s\n\ngot:\n%s\nREADME.md has:\n%s", demoCommand, got, normalize(want))
	}

	js := exec.Command(bin, "-json", "./...")
	js.Dir = demo
	out, err = js.Output()
	if err != nil {
		t.Fatalf("teardown -json ./...: %v", err)
	}
	var byPkg map[string]map[string]json.RawMessage
	if err := json.Unmarshal(out, &byPkg); err != nil {
		t.Fatalf("teardown -json: %v\n%s", err, out)
	}
	for _, a := range append(analyzer.Rules(), directives.Analyzer) {
		if _, ok := byPkg["demo.example"][a.Name]; !ok {
			t.Errorf("testdata/demo has no %s finding: every rule and the directives analyzer must fire at least once in the demo", a.Name)
		}
	}
}

// demoOutput returns the contents of the code block that follows the
// demo command's block in the README.
func demoOutput(readme string) (string, bool) {
	_, rest, ok := strings.Cut(readme, "```sh\n"+demoCommand+"\n```\n")
	if !ok {
		return "", false
	}
	_, rest, ok = strings.Cut(rest, "```\n")
	if !ok {
		return "", false
	}
	block, _, ok := strings.Cut(rest, "```")
	return block, ok
}

// normalize drops the blank lines around the output. The paths in it are
// relative to testdata/demo, where the command runs, so the output is the
// same on every machine.
func normalize(out string) string {
	return strings.TrimSpace(out)
}
