package docs

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSuppressionExample runs teardown on the example file of
// suppression.md and checks that the output printed there is what
// teardown prints, line for line (the doc ran it in /tmp/example).
func TestSuppressionExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs teardown")
	}
	doc, err := os.ReadFile("suppression.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "For this file:\n\n```go\n")
	src, rest, ok2 := strings.Cut(rest, "```\n")
	_, rest, ok3 := strings.Cut(rest, "`teardown ./...` prints")
	_, rest, ok4 := strings.Cut(rest, "```\n")
	want, _, ok5 := strings.Cut(rest, "```")
	if !ok || !ok2 || !ok3 || !ok4 || !ok5 {
		t.Fatal("suppression.md: no example file followed by the output of `teardown ./...`")
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, "teardown")
	build := exec.Command("go", "build", "-o", bin, "./cmd/teardown")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	mod := filepath.Join(dir, "example")
	os.Mkdir(mod, 0o755)
	os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(mod, "example.go"), []byte(src), 0o644)
	run := exec.Command(bin, "./...")
	run.Dir = mod
	out, err := run.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("teardown ./...: %v, want exit status 3\n%s", err, out)
	}
	got := strings.TrimSpace(strings.ReplaceAll(string(out), mod+string(filepath.Separator), "/tmp/example/"))
	if got != strings.TrimSpace(want) {
		t.Errorf("suppression.md's example output is stale; teardown prints:\n%s\nsuppression.md has:\n%s", got, want)
	}
}
