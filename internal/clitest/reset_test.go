package clitest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyTestdata copies testdata/NAME into a new temporary directory.
func copyTestdata(t *testing.T, name string) string {
	t.Helper()
	files := map[string]string{}
	src := filepath.Join("testdata", name)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(src, path)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return Module(t, files)
}

// TestDeliberateResetFix runs teardown -fix on testdata/resetproxy, the
// shape of a fault-injection proxy whose "reset peer" mode sets
// SetLinger(0) on purpose and whose tests expect ECONNRESET, and requires
// those tests to pass after the fix: lingerzero keeps the call and adds
// a //teardown:abort directive that says why (docs/rules/lingerzero.md).
func TestDeliberateResetFix(t *testing.T) {
	bin := Binary(t)
	dir := copyTestdata(t, "resetproxy")
	gotest := func(dir string) Result {
		return Run(t, dir, nil, GoCmd, "test", "-count=1", "./...")
	}
	if r := gotest(dir); r.Code != 0 {
		t.Fatalf("the module's tests fail before any fix: %v", r)
	}

	// The tests notice a removed reset: the removal is what must not happen.
	removed := copyTestdata(t, "resetproxy")
	proxy := filepath.Join(removed, "proxy.go")
	b, _ := os.ReadFile(proxy)
	block := "\t\tif err := tc.SetLinger(0); err != nil {\n\t\t\ttc.Close()\n\t\t\treturn err\n\t\t}\n"
	if !strings.Contains(string(b), block) {
		t.Fatalf("testdata/resetproxy/proxy.go no longer has the SetLinger block this test removes:\n%s", b)
	}
	os.WriteFile(proxy, []byte(strings.Replace(string(b), block, "", 1)), 0o644)
	if r := gotest(removed); r.Code == 0 || !strings.Contains(r.Stdout, "TestResetPeer") {
		t.Fatalf("without the SetLinger(0) the module's TestResetPeer should fail: %v", r)
	}

	r := Run(t, dir, nil, bin, "./...")
	if fs := Findings(r.Stderr); r.Code != 3 || len(fs) != 1 || !strings.Contains(fs[0].Message, "SetLinger(0) makes Close an abort") {
		t.Fatalf("teardown: want exactly the lingerzero finding: %v", r)
	}
	if r := Run(t, dir, nil, bin, "-fix", "./..."); r.Code == 1 || r.Code == 2 {
		t.Fatalf("teardown -fix: %v", r)
	}
	fixed, _ := os.ReadFile(filepath.Join(dir, "proxy.go"))
	want := "\t\t//teardown:abort deliberate reset: the enclosing if tests ResetPeer\n\t\tif err := tc.SetLinger(0); err != nil {\n"
	if !strings.Contains(string(fixed), want) {
		t.Errorf("teardown -fix did not keep the SetLinger(0) under a //teardown:abort directive:\n%s", fixed)
	}
	if r := gotest(dir); r.Code != 0 {
		t.Errorf("the module's tests fail after teardown -fix: %v", r)
	}
	if r := Run(t, dir, nil, bin, "./..."); r.Code != 0 {
		t.Errorf("teardown after -fix: want no findings: %v", r)
	}
}
