package writeclose_test

import (
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/internal/socktest"
	"github.com/teardownlint/teardown/passes/writeclose"
)

// payload is writeclosesock.Payload: the bytes Send writes.
const payload = 1_000_000

// runs is how many times each scenario runs, each on fresh connections.
const runs = 5

// seedPeer is the peer of the seed scenario (ground truth, experiments 1
// and 2): its greeting stays unread in A, and it starts reading 200 ms
// late, so most of A's output is still unsent when A closes.
var seedPeer = socktest.Peer{
	Greeting:  []byte("welcome\r\n"),
	ReadDelay: 200 * time.Millisecond,
}

// proxyScenario: the client sends a request and half-closes; the server
// reads the request to EOF, answers 50 ms later with payload bytes, and
// closes. A proxy that delivers the response must pass the client's
// half-close on to the server and keep the other direction open.
var proxyScenario = socktest.Proxy{
	Request:       []byte("GET / HTTP/1.0\r\n\r\n"),
	ResponseDelay: 50 * time.Millisecond,
	Response:      payload,
}

// TestSocket is the rule's evidence. It runs the code writeclose reports,
// and the code its suggested fixes produce, against real peers on
// 127.0.0.1.
func TestSocket(t *testing.T) {
	// The files run below are exactly what the analyzer reports (the want
	// comments) and what its fixes produce (the golden file).
	linttest.Run(t, writeclose.Analyzer, "writeclosesock")
	if t.Failed() {
		t.FailNow()
	}
	dir := filepath.Join(analysistest.TestData(), "src", "writeclosesock")
	flagged, fixed := filepath.Join(dir, "sock.go"), filepath.Join(dir, "sock.go.golden")

	// Seed, flagged (ground truth, experiment 1): Close with the greeting
	// unread sends RST; the peer reads only what had reached it, then
	// ECONNRESET.
	t.Run("seed/flagged", func(t *testing.T) {
		t.Parallel()
		for i, r := range socktest.RunN(t, flagged, "Send", seedPeer, runs) {
			t.Logf("run %d: peer read %d bytes, then %s; Send returned %q after %v", i, r.BytesRead, r.Err, r.AErr, r.ARan)
			if r.AErr != "" {
				t.Errorf("run %d: Send returned %q, want nil", i, r.AErr)
			}
			if r.Err != "ECONNRESET" || r.BytesRead >= payload {
				t.Errorf("run %d: peer read %d bytes, then %s; want ECONNRESET after fewer than %d bytes",
					i, r.BytesRead, r.Err, payload)
			}
		}
	})

	// The shapes the model follows the conn through, each against the
	// seed peer. Flagged, the Close resets, as in Send; fixed (half-close,
	// drain, Close where writeclose reported), every byte and EOF.
	for _, sc := range []struct{ name, entry string }{
		// A struct-held conn (issue 12): the session's quit method writes
		// and closes the conn in its field.
		{"session", "SessionQuit"},
		// The same, with a watcher goroutine that would only close the
		// conn on cancellation (it never does before quit returns).
		{"canceled", "CanceledQuit"},
		// A session of a type whose goroutine writes once started,
		// refused before it starts: no goroutine has the object yet.
		{"refused", "RefusedSession"},
		// A conn stored into an object the function allocates, written
		// through a buffered writer kept in the object's field (issue 12):
		// the object's method writes and flushes, the function closes it.
		{"buffered", "BufferedSend"},
		// A read helper that reads through an object a fresh constructor
		// makes (issue 15): the conn is not handed on, so the Close after
		// the refusal is judged; the rest of the greeting is unread.
		{"helper", "HelperRefuse"},
		// The package's own wrapper over the conn, made by a wrapper
		// constructor (issue 12): writes and the Close go through the
		// wrapper; the fix half-closes through its promoted CloseWrite.
		{"wrapper", "WrappedSend"},
		// The buffered session, made and closed in a function with a
		// defer (issue 12): go/ssa returns its results through variables,
		// and the session stored into one is still the function's.
		{"deferred", "DeferredSend"},
	} {
		t.Run(sc.name+"/flagged", func(t *testing.T) {
			t.Parallel()
			for i, r := range socktest.RunN(t, flagged, sc.entry, seedPeer, runs) {
				t.Logf("run %d: peer read %d bytes, then %s; %s returned %q after %v", i, r.BytesRead, r.Err, sc.entry, r.AErr, r.ARan)
				if r.Err != "ECONNRESET" || r.BytesRead >= payload {
					t.Errorf("run %d: peer read %d bytes, then %s; want ECONNRESET after fewer than %d bytes",
						i, r.BytesRead, r.Err, payload)
				}
			}
		})
		t.Run(sc.name+"/fixed", func(t *testing.T) {
			t.Parallel()
			for i, r := range socktest.RunN(t, fixed, sc.entry, seedPeer, runs) {
				t.Logf("run %d: peer read %d bytes, then %s; %s returned %q after %v", i, r.BytesRead, r.Err, sc.entry, r.AErr, r.ARan)
				if r.AErr != "" {
					t.Errorf("run %d: %s returned %q, want nil", i, sc.entry, r.AErr)
				}
				if r.Err != "EOF" || r.BytesRead != payload || r.WriteErr != "" {
					t.Errorf("run %d: peer read %d bytes, then %s (write error %q); want all %d bytes, then EOF",
						i, r.BytesRead, r.Err, r.WriteErr, payload)
				}
			}
		})
	}

	// A conn that a read loop reads (issue 12): the object's read loop,
	// busy with the greeting, has not read the peer's next message when
	// quit writes and closes. Flagged, the Close resets and the peer
	// loses what was still unsent; the graceful shape the message asks
	// for (CloseWrite, wait for the loop's EOF, Close), which writeclose
	// does not report, delivers every byte and EOF. The peer sends its
	// 4 KiB message as A starts, and reads 200 ms later.
	readLoopPeer := socktest.Peer{Greeting: []byte("welcome\r\n"), Send: 4096, ReadDelay: 200 * time.Millisecond}
	t.Run("readloop/flagged", func(t *testing.T) {
		t.Parallel()
		for i, r := range socktest.RunN(t, flagged, "ReadLoopQuit", readLoopPeer, runs) {
			t.Logf("run %d: peer read %d bytes, then %s; ReadLoopQuit returned %q after %v", i, r.BytesRead, r.Err, r.AErr, r.ARan)
			// When the peer's message arrives after the Close, the reset
			// answers it (ground truth, experiment 6): the unsent bytes
			// are lost, and a write may consume the ECONNRESET, so the
			// reader can end with EOF. Either way the stream is cut.
			if r.BytesRead >= payload {
				t.Errorf("run %d: peer read %d bytes, then %s; want the stream cut (fewer than %d bytes)",
					i, r.BytesRead, r.Err, payload)
			}
		}
	})
	t.Run("readloop/graceful", func(t *testing.T) {
		t.Parallel()
		for i, r := range socktest.RunN(t, flagged, "ReadLoopLeave", readLoopPeer, runs) {
			t.Logf("run %d: peer read %d bytes, then %s; ReadLoopLeave returned %q after %v", i, r.BytesRead, r.Err, r.AErr, r.ARan)
			if r.AErr != "" {
				t.Errorf("run %d: ReadLoopLeave returned %q, want nil", i, r.AErr)
			}
			if r.Err != "EOF" || r.BytesRead != payload || r.WriteErr != "" {
				t.Errorf("run %d: peer read %d bytes, then %s (write error %q); want all %d bytes, then EOF",
					i, r.BytesRead, r.Err, r.WriteErr, payload)
			}
		}
	})

	// Seed, fixed (ground truth, experiment 2): CloseWrite, a drain under a
	// 5 s deadline, Close. The peer reads every byte, then EOF, then
	// closes; that EOF ends A's drain, long before the deadline.
	t.Run("seed/fixed", func(t *testing.T) {
		t.Parallel()
		for i, r := range socktest.RunN(t, fixed, "Send", seedPeer, runs) {
			t.Logf("run %d: peer read %d bytes, then %s; Send returned %q after %v", i, r.BytesRead, r.Err, r.AErr, r.ARan)
			if r.AErr != "" {
				t.Errorf("run %d: Send returned %q, want nil", i, r.AErr)
			}
			if r.Err != "EOF" || r.BytesRead != payload || r.WriteErr != "" {
				t.Errorf("run %d: peer read %d bytes, then %s (write error %q); want all %d bytes, then EOF",
					i, r.BytesRead, r.Err, r.WriteErr, payload)
			}
			// The drain waits for the peer, which starts reading 200 ms
			// late (measured: 195-203 ms), and not for the deadline.
			if r.ARan < 100*time.Millisecond || r.ARan > 2*time.Second {
				t.Errorf("run %d: Send ran %v; want the peer's delay (200ms), well under the 5s drain deadline", i, r.ARan)
			}
		}
	})

	// Proxy, flagged: when the client half-closes, the proxy closes both
	// conns; the server reads the request and EOF, but its response meets
	// a closed conn, and the client's stream ends early.
	t.Run("proxy/flagged", func(t *testing.T) {
		t.Parallel()
		for i, r := range socktest.RunProxy(t, flagged, "Proxy", proxyScenario, runs) {
			logProxy(t, i, r)
			if r.ServerRead != len(proxyScenario.Request) || r.ServerErr != "EOF" {
				t.Errorf("run %d: server read %d bytes, then %s; want the %d-byte request, then EOF",
					i, r.ServerRead, r.ServerErr, len(proxyScenario.Request))
			}
			if r.ClientRead >= payload {
				t.Errorf("run %d: client read %d bytes, then %s; want fewer than the %d the server sent",
					i, r.ClientRead, r.ClientErr, payload)
			}
		}
	})

	// writeclose offers no automatic fix for a proxy (no edit can make it
	// wait for both copies); its message asks for the graceful shape. The
	// graceful proxy, not reported: each direction's end is passed on
	// with CloseWrite, and the conns are closed after both ended. The
	// client's half-close reaches the server, and the server's response
	// and EOF reach the client, whole.
	t.Run("proxy/graceful", func(t *testing.T) {
		t.Parallel()
		for i, r := range socktest.RunProxy(t, flagged, "ProxyGraceful", proxyScenario, runs) {
			logProxy(t, i, r)
			if r.ProxyErr != "" || r.ClientWriteErr != "" || r.ServerWriteErr != "" {
				t.Errorf("run %d: errors: proxy %q, client write %q, server write %q",
					i, r.ProxyErr, r.ClientWriteErr, r.ServerWriteErr)
			}
			if r.ServerRead != len(proxyScenario.Request) || r.ServerErr != "EOF" {
				t.Errorf("run %d: server read %d bytes, then %s; want the %d-byte request, then EOF",
					i, r.ServerRead, r.ServerErr, len(proxyScenario.Request))
			}
			if r.ServerWrote != payload || r.ClientRead != payload || !r.ClientIntact || r.ClientErr != "EOF" {
				t.Errorf("run %d: server wrote %d bytes, client read %d (intact: %v), then %s; want all %d, then EOF",
					i, r.ServerWrote, r.ClientRead, r.ClientIntact, r.ClientErr, payload)
			}
		}
	})
}

func logProxy(t *testing.T, i int, r socktest.ProxyResult) {
	t.Helper()
	t.Logf("run %d: server read %d bytes, then %s; wrote %d (error %q); client read %d (intact: %v), then %s; proxy ran %v",
		i, r.ServerRead, r.ServerErr, r.ServerWrote, r.ServerWriteErr, r.ClientRead, r.ClientIntact, r.ClientErr, r.ProxyRan)
}
