// Package socktest runs a piece of Go code against a real TCP peer on
// 127.0.0.1 and reports what the peer saw, so that the analyzers' tests can
// prove that the code a rule flags really resets the connection or loses data,
// and that the code produced by the rule's suggested fix does not.
//
// The code under test is an analysistest testdata file (for example
// passes/lingerzero/testdata/src/lingerzerosock/sock.go, or its fixed
// counterpart sock.go.golden). Such a file is not part of any buildable
// package of this module, and its package name is arbitrary, so it cannot be
// linked into the test binary. Instead the harness copies it as-is into a
// fresh temporary module (only its package clause is rewritten to
// "package sut"), adds a generated main program, builds that with the same go
// command as the running test, and runs it in a separate process. The program
// prints its observations as JSON on stdout.
//
// Each run uses a fresh listener. The dialed side, A, is passed to the
// function under test; the accepted side, B, is the peer described by [Peer].
// B's greeting is in A's receive queue (unread) before A's function starts, as
// in the measurements of docs/ground-truth.md. Every I/O of B has a
// deadline, and a watchdog makes the program fail loudly instead of hanging.
//
// [RunProxy] runs a proxy function instead, between a client and a server
// that the harness plays: client <-> a [proxy(a, b)] b <-> server. The
// client sends a request and half-closes; the server reads to EOF, then
// responds and closes. What the client and the server each read tells
// whether the proxy passed the half-close on and delivered the response.
//
// The harness needs a Unix kernel; its expectations are those measured on
// Linux.
package socktest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Peer describes what the harness peer (B) does on its end of the connection.
type Peer struct {
	Greeting            []byte        // B writes these bytes right after the connection is established (they may stay unread by A)
	Send                int           // then B writes this many more bytes (pattern bytes), before reading; 0 = none
	CloseWriteAfterSend bool          // then B half-closes its side (CloseWrite: FIN), so A can read to EOF; with Send 0, before A's function starts
	ReadDelay           time.Duration // B waits this long before it starts reading (0 = read at once)
	ReadLimit           time.Duration // overall deadline for B's reading (default 5s)
}

// Result is what B observed.
type Result struct {
	BytesRead int           // total bytes B read before its final error
	Err       string        // "EOF", "ECONNRESET", "EPIPE", "ENOTCONN", "timeout", or the error text
	WriteErr  string        // error class of B's own writes and half-close ("" if none failed)
	AErr      string        // the error returned by the function under test, "" if nil or it returns nothing
	ARan      time.Duration // how long the function under test took
}

// Run compiles the Go file at srcPath (its package clause is rewritten to
// `package sut`), together with a generated main program, in a fresh
// temporary module, runs it, and returns B's observation.
//
// entry names a top-level function in the file with one of the signatures
//
//	func(net.Conn), func(net.Conn) error, func(*net.TCPConn), func(*net.TCPConn) error
//
// The generated program listens on 127.0.0.1:0 and dials itself; the dialed
// side is A and is passed to entry; the accepted side is B and behaves as peer
// says: it writes peer.Greeting (which is in A's receive queue before entry
// is called), writes peer.Send pattern bytes, half-closes if
// peer.CloseWriteAfterSend (before entry is called if peer.Send is 0,
// otherwise while it runs), waits peer.ReadDelay, then reads
// until error under the peer.ReadLimit deadline and classifies the final
// error with errors.Is (io.EOF, syscall.ECONNRESET, syscall.EPIPE,
// os.ErrDeadlineExceeded). B then closes its side. A's function runs in its
// own goroutine; the program waits for both sides (A's connection is closed
// only after both are done), with a hard watchdog that makes it fail loudly
// rather than hang.
//
// Run calls t.Fatalf if the file does not build or the program fails.
func Run(t testing.TB, srcPath, entry string, peer Peer) Result {
	t.Helper()
	return RunN(t, srcPath, entry, peer, 1)[0]
}

// RunN is like [Run], but compiles the program once and runs the scenario n
// times, each on a fresh connection.
func RunN(t testing.TB, srcPath, entry string, peer Peer, n int) []Result {
	t.Helper()
	bin := prepare(t, srcPath, entry, n)
	// The program's own watchdog fires first; this is a last resort.
	perRun := peer.ReadDelay + max(peer.ReadLimit, 5*time.Second) + 20*time.Second
	return execute[Result](t, bin, srcPath, entry, time.Duration(n)*perRun, nil, n, peer)
}

// Proxy describes the client and the server around a proxy under test
// (see [RunProxy]).
type Proxy struct {
	Request       []byte        // the client writes these bytes, then half-closes (CloseWrite), then reads until EOF or an error
	ResponseDelay time.Duration // the server reads until EOF or an error, then waits this long
	Response      int           // then writes this many pattern bytes (byte i is 'a'+i%26), then closes
	ReadLimit     time.Duration // deadline for the client's and for the server's reading (default 5s)
}

// ProxyResult is what the client and the server observed around the proxy.
type ProxyResult struct {
	ClientWriteErr string        // error class of the client's request write or CloseWrite ("" if none failed)
	ClientRead     int           // total bytes the client read before its final error
	ClientErr      string        // the client's final read error: "EOF", "ECONNRESET", "EPIPE", "ENOTCONN", "timeout", or the error text
	ClientIntact   bool          // the bytes the client read are a prefix of the server's response
	ServerRead     int           // total bytes the server read (the request, as forwarded) before its final error
	ServerErr      string        // the server's final read error, classified like ClientErr
	ServerWrote    int           // response bytes the server's Write accepted
	ServerWriteErr string        // error class of the server's response Write ("" if it succeeded)
	ProxyErr       string        // the error returned by the proxy, "" if nil or it returns nothing
	ProxyRan       time.Duration // how long the proxy function took
}

// RunProxy compiles the Go file at srcPath like [RunN] and runs, n times,
// each on fresh connections, the topology
//
//	client <-> a [proxy(a, b)] b <-> server
//
// over 127.0.0.1. entry names a top-level function with one of the
// signatures
//
//	func(a, b net.Conn), func(a, b *net.TCPConn), or either returning error
//
// a is the accepted end of the client's connection, b the dialed end of the
// connection to the server. The proxy runs in its own goroutine. The client
// writes s.Request, half-closes, then reads until EOF or an error. The
// server reads until EOF or an error (the request, then the EOF the proxy
// passes on or its close), waits s.ResponseDelay, writes s.Response pattern
// bytes in one Write and closes. All reads are under deadlines, and the
// program waits for the proxy, the client and the server, with a watchdog.
// The harness closes all four conns after each run.
//
// RunProxy calls t.Fatalf if the file does not build or the program fails.
func RunProxy(t testing.TB, srcPath, entry string, s Proxy, n int) []ProxyResult {
	t.Helper()
	bin := prepare(t, srcPath, entry, n)
	perRun := s.ResponseDelay + 2*max(s.ReadLimit, 5*time.Second) + 20*time.Second
	return execute[ProxyResult](t, bin, srcPath, entry, time.Duration(n)*perRun, []string{"-proxy"}, n, s)
}

// execute runs the program as `bin [flags] n CFG-JSON`, and decodes the n
// result lines it prints.
func execute[R any](t testing.TB, bin, srcPath, entry string, timeout time.Duration, flags []string, n int, cfg any) []R {
	t.Helper()
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatalf("socktest: %v", err)
	}
	argv := append(flags[:len(flags):len(flags)], fmt.Sprint(n), string(js))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, argv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("socktest: running %s (entry %s): %v\nstderr:\n%s\nstdout:\n%s",
			srcPath, entry, err, stderr.Bytes(), stdout.Bytes())
	}

	var results []R
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), resultPrefix)
		if !ok {
			continue // output of the code under test
		}
		var r R
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("socktest: bad result line %q: %v", line, err)
		}
		results = append(results, r)
	}
	if len(results) != n {
		t.Fatalf("socktest: got %d results, want %d\nstderr:\n%s\nstdout:\n%s",
			len(results), n, stderr.Bytes(), stdout.Bytes())
	}
	return results
}

// build writes the temporary module and builds it, returning the binary.
func build(t testing.TB, srcPath, entry string) string {
	t.Helper()
	src, err := os.ReadFile(srcPath)
	if err != nil {
		t.Fatalf("socktest: %v", err)
	}
	// Rewrite the package clause, leaving every other byte alone.
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, srcPath, src, parser.PackageClauseOnly)
	if err != nil {
		t.Fatalf("socktest: %v", err)
	}
	off := fset.Position(f.Name.Pos()).Offset
	src = append(append(src[:off:off], "sut"...), src[off+len(f.Name.Name):]...)
	// Make compiler messages name the original file and lines.
	if abs, err := filepath.Abs(srcPath); err == nil {
		src = append([]byte("//line "+abs+":1:1\n"), src...)
	}

	dir := t.TempDir()
	files := map[string]string{
		"go.mod":             goMod,
		"main.go":            mainFile,
		"sut/sut.go":         string(src),
		"sut/zz_socktest.go": fmt.Sprintf(entryFile, entry),
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatalf("socktest: %v", err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatalf("socktest: %v", err)
		}
	}

	bin := filepath.Join(dir, "sockprog")
	cmd := exec.Command(goCmd(), "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GOTOOLCHAIN=local", // never download a toolchain
		"GOFLAGS=-mod=mod",  // ignore the caller's GOFLAGS; there are no dependencies
		"GOWORK=off",
		"GOPROXY=off",
		"CGO_ENABLED=0",
	)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("socktest: building %s (entry %s): %v\n%s", srcPath, entry, err, out)
	}
	return bin
}

// goCmd returns the go command of the toolchain running the test.
func goCmd() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// prepare checks the arguments common to RunN and RunProxy and builds the
// program; it skips the test where there is no Unix kernel to measure.
func prepare(t testing.TB, srcPath, entry string, n int) string {
	t.Helper()
	switch runtime.GOOS {
	case "windows", "plan9", "js", "wasip1":
		t.Skipf("socktest needs a Unix kernel, not %s", runtime.GOOS)
	}
	if n < 1 {
		t.Fatalf("socktest: n = %d, want >= 1", n)
	}
	if !token.IsIdentifier(entry) {
		t.Fatalf("socktest: entry %q is not an identifier", entry)
	}
	return build(t, srcPath, entry)
}
