package clitest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// diffModule has fixes in several files and, in h.go, two fixes close
// enough to share a hunk followed by a third in a hunk of its own: the
// unified diff of x/tools before v0.53.0 gave that last hunk a wrong
// new-file line (@@ -20,6 +17,5 @@ for +18).
var diffModule = map[string]string{
	"go.mod": "module example.com/diffmod\n\ngo 1.26\n",
	"h.go": `package diffmod

import "net"

func A(c *net.TCPConn, d *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
	d.SetLinger(5)
	d.Close()
}

// padding
// padding
// padding
// padding
// padding
// padding
// padding
// padding
// padding

func B(c *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
}
`,
	"w.go": `package diffmod

import (
	"bufio"
	"net"
)

func Reply(c net.Conn, msg string) error {
	w := bufio.NewWriter(c)
	w.WriteString(msg)
	return c.Close()
}

func Send(c net.Conn, b []byte) error {
	defer c.Close()
	_, err := c.Write(b)
	return err
}
`,
}

var hunkHeader = regexp.MustCompile(`^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@`)

// checkHunks checks every hunk header of a unified diff against its body
// (the counts of old and new lines) and against the hunks before it in
// the same file (new start = old start + the lines added so far).
func checkHunks(t *testing.T, diff string) int {
	t.Helper()
	atoi := func(s string, def int) int {
		if s == "" {
			return def
		}
		var n int
		fmt.Sscan(s, &n)
		return n
	}
	hunks := 0
	offset := 0
	lines := strings.Split(diff, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "--- ") {
			offset = 0
			continue
		}
		m := hunkHeader.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		hunks++
		oldStart, oldLen := atoi(m[1], 0), atoi(m[2], 1)
		newStart, newLen := atoi(m[3], 0), atoi(m[4], 1)
		if want := oldStart + offset; newStart != want {
			t.Errorf("hunk %q: the new file's start is %d, want %d (old start %d, %+d lines before it)", l, newStart, want, oldStart, offset)
		}
		o, n := 0, 0
		for j := i + 1; j < len(lines) && (o < oldLen || n < newLen); j++ {
			switch {
			case strings.HasPrefix(lines[j], " "):
				o, n = o+1, n+1
			case strings.HasPrefix(lines[j], "-"):
				o++
			case strings.HasPrefix(lines[j], "+"):
				n++
			}
		}
		if o != oldLen || n != newLen {
			t.Errorf("hunk %q: its body has %d old and %d new lines", l, o, n)
		}
		offset += newLen - oldLen
	}
	return hunks
}

// TestFixDiffApplies checks that the output of teardown -fix -diff is a
// unified diff whose hunk headers are right and that git apply applies,
// giving the files teardown -fix writes. The driver prints x/tools'
// headers ("--- FILE (old)", "+++ FILE (new)"): the test turns them into
// plain ones relative to the module, as a user piping to git apply -p0
// does.
func TestFixDiffApplies(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git command: git apply cannot be tried")
	}
	bin := Binary(t)
	dir := Module(t, diffModule)
	gitEnv := Env("GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "-A"},
		{"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init"},
	} {
		if r := Run(t, dir, gitEnv, git, args...); r.Code != 0 {
			t.Fatalf("git %v: %v", args, r)
		}
	}

	r := Run(t, dir, nil, bin, "-fix", "-diff", "./...")
	if r.Stdout == "" || r.Code == 1 || r.Code == 2 {
		t.Fatalf("teardown -fix -diff: want a diff: %v", r)
	}
	if n := checkHunks(t, r.Stdout); n < 3 {
		t.Errorf("%d hunks, want at least 3 (h.go has 2):\n%s", n, r.Stdout)
	}
	var b strings.Builder
	for l := range strings.SplitSeq(r.Stdout, "\n") {
		if strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ ") {
			name := strings.TrimSuffix(strings.TrimSuffix(l[4:], " (old)"), " (new)")
			if rel, err := filepath.Rel(dir, name); err == nil && filepath.IsAbs(name) {
				name = filepath.ToSlash(rel)
			}
			l = l[:4] + name
		}
		b.WriteString(l + "\n")
	}
	patch := filepath.Join(t.TempDir(), "fix.patch")
	if err := os.WriteFile(patch, []byte(strings.TrimSuffix(b.String(), "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := Run(t, dir, gitEnv, git, "apply", "-p0", "--check", patch); r.Code != 0 {
		t.Fatalf("git apply --check rejects the diff: %v\n%s", r, b.String())
	}
	if r := Run(t, dir, gitEnv, git, "apply", "-p0", patch); r.Code != 0 {
		t.Fatalf("git apply: %v", r)
	}

	// The same fixes, written by teardown -fix in a fresh copy.
	fixed := Module(t, diffModule)
	if r := Run(t, fixed, nil, bin, "-fix", "./..."); r.Code == 1 || r.Code == 2 {
		t.Fatalf("teardown -fix: %v", r)
	}
	for name, text := range diffModule {
		applied, _ := os.ReadFile(filepath.Join(dir, name))
		written, _ := os.ReadFile(filepath.Join(fixed, name))
		if string(applied) != string(written) {
			t.Errorf("%s: git apply of the -diff output gives\n%s\nteardown -fix writes\n%s", name, applied, written)
		}
		if name != "go.mod" && string(written) == text {
			t.Errorf("%s: teardown -fix changed nothing", name)
		}
	}
}
