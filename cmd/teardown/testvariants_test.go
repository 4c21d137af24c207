package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestVetSkipsTestPackages runs go vet with teardown as its vet tool on a
// package with internal and external tests, and reads what the tool left
// in go vet's work directory: the external test package is not analyzed
// (its vetx output is the empty one), the test variant of the package is
// analyzed without its test files (the trimmed config beside go vet's),
// and a second go vet runs the tool on nothing: every action, the
// skipped one too, was cached.
//
// go vet names a test variant by its import path only (ID "p", not
// "p [p.test]"), so withoutTestFiles knows test variants by their files;
// until stop 23 it looked for the bracket and analyzed every test package
// in full.
func TestVetSkipsTestPackages(t *testing.T) {
	dir := writeModule(t, "example.com/tv", map[string]string{
		"p/p.go": `package p

import "net"

func Hangup(c *net.TCPConn) error { return c.Close() }
`,
		"p/p_internal_test.go": `package p

import "testing"

func TestHangup(t *testing.T) { _ = Hangup }
`,
		"p/p_external_test.go": `package p_test

import (
	"testing"

	"example.com/tv/p"
)

func TestExternal(t *testing.T) { _ = p.Hangup }
`,
	})
	env := vetEnv(t)
	first := run(t, dir, env, goCmd, "vet", "-work", "-vettool="+binPath, "./...")
	if first.code != 0 {
		t.Fatalf("go vet: %v", first)
	}
	m := regexp.MustCompile(`(?m)^WORK=(.*)$`).FindStringSubmatch(first.stderr)
	if m == nil {
		t.Fatalf("go vet -work printed no WORK=: %v", first)
	}
	work := m[1]
	t.Cleanup(func() { os.RemoveAll(work) })

	cfgs, _ := filepath.Glob(filepath.Join(work, "*", "vet.cfg"))
	var external, variant string
	for _, cfg := range cfgs {
		c := readVetCfg(t, cfg)
		switch {
		case c.ImportPath == "example.com/tv/p_test":
			external = cfg
		case c.ImportPath == "example.com/tv/p" && slices.ContainsFunc(c.GoFiles, isInternalTest):
			variant = cfg
		}
	}
	if external == "" || variant == "" {
		t.Fatalf("go vet's work directory has no config of p_test (%q) or of p's test variant (%q)", external, variant)
	}

	out, err := os.ReadFile(readVetCfg(t, external).VetxOutput)
	if err != nil {
		t.Fatalf("p_test: %v (go vet caches an action only with its vetx output)", err)
	}
	if !bytes.Equal(out, emptyVetx) {
		t.Errorf("p_test's vetx output is %d bytes, want the empty vetx: the external test package was analyzed", len(out))
	}

	trimmed := strings.TrimSuffix(variant, ".cfg") + ".teardown.cfg"
	if _, err := os.Stat(trimmed); err != nil {
		t.Fatalf("p's test variant was analyzed with its test files: %v", err)
	}
	if files := readVetCfg(t, trimmed).GoFiles; slices.ContainsFunc(files, isInternalTest) || len(files) != 1 {
		t.Errorf("the trimmed config of p's test variant has files %q, want p.go alone", files)
	}

	second := run(t, dir, env, goCmd, "vet", "-x", "-vettool="+binPath, "./...")
	if second.code != 0 {
		t.Fatalf("second go vet: %v", second)
	}
	if strings.Contains(second.stderr, "vet.cfg") {
		t.Errorf("the second go vet ran the vet tool again (an action was not cached):\n%s", second.stderr)
	}
}

type vetCfg struct {
	ImportPath string
	GoFiles    []string
	VetxOutput string
}

func readVetCfg(t *testing.T, name string) vetCfg {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var c vetCfg
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

func isInternalTest(name string) bool { return strings.HasSuffix(name, "p_internal_test.go") }
