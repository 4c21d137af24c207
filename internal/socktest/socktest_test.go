package socktest

import (
	"testing"
	"time"
)

const payload = 1_000_000 // bytes written by both fixtures

// seedPeer is the peer of the seed scenario (ground truth, experiments 1-4):
// it greets A, then does not read for 200 ms, so that most of A's output is
// still unsent when A closes.
var seedPeer = Peer{
	Greeting:  []byte("welcome\r\n"),
	ReadDelay: 200 * time.Millisecond,
}

// An abortive close (SetLinger(0), Close) sends RST: the peer reads only what
// had reached it, then gets ECONNRESET (ground truth, experiment 4).
func TestAbort(t *testing.T) {
	t.Parallel()
	for i, r := range RunN(t, "testdata/abort.go", "Abort", seedPeer, 3) {
		t.Logf("run %d: %+v", i, r)
		if r.AErr != "" {
			t.Errorf("run %d: Abort returned %q", i, r.AErr)
		}
		if r.Err != "ECONNRESET" || r.BytesRead >= payload {
			t.Errorf("run %d: peer read %d bytes, then %s; want ECONNRESET after fewer than %d bytes",
				i, r.BytesRead, r.Err, payload)
		}
	}
}

// Half-close, drain to EOF, Close delivers every byte and a clean EOF
// (ground truth, experiment 2).
func TestGraceful(t *testing.T) {
	t.Parallel()
	for i, r := range RunN(t, "testdata/graceful.go", "Graceful", seedPeer, 3) {
		t.Logf("run %d: %+v", i, r)
		if r.AErr != "" {
			t.Errorf("run %d: Graceful returned %q", i, r.AErr)
		}
		if r.Err != "EOF" || r.BytesRead != payload || r.WriteErr != "" {
			t.Errorf("run %d: peer read %d bytes, then %s (write error %q); want %d bytes, then EOF",
				i, r.BytesRead, r.Err, r.WriteErr, payload)
		}
	}
}

// With CloseWriteAfterSend, the peer half-closes after its data, so A can
// read the request to EOF before it answers.
func TestCloseWriteAfterSend(t *testing.T) {
	t.Parallel()
	peer := Peer{Greeting: []byte("hello"), Send: 10_000, CloseWriteAfterSend: true}
	for i, r := range RunN(t, "testdata/drain.go", "Count", peer, 3) {
		t.Logf("run %d: %+v", i, r)
		if r.AErr != "" {
			t.Errorf("run %d: Count returned %q", i, r.AErr)
		}
		if want := 10_005; r.Err != "EOF" || r.BytesRead != want || r.WriteErr != "" {
			t.Errorf("run %d: peer read %d bytes, then %s (write error %q); want %d bytes, then EOF",
				i, r.BytesRead, r.Err, r.WriteErr, want)
		}
	}
}

// proxyScenario: the client sends a request and half-closes; the server
// reads it to EOF, then sends a response 50 ms later and closes.
var proxyScenario = Proxy{
	Request:       []byte("GET\r\n"),
	ResponseDelay: 50 * time.Millisecond,
	Response:      payload,
}

// A proxy that passes each half-close on, and closes only after both
// directions ended, delivers the request, the response and both EOFs.
func TestProxyGraceful(t *testing.T) {
	t.Parallel()
	for i, r := range RunProxy(t, "testdata/proxy.go", "Graceful", proxyScenario, 3) {
		t.Logf("run %d: %+v", i, r)
		if r.ProxyErr != "" || r.ClientWriteErr != "" || r.ServerWriteErr != "" {
			t.Errorf("run %d: errors: proxy %q, client write %q, server write %q", i, r.ProxyErr, r.ClientWriteErr, r.ServerWriteErr)
		}
		if r.ServerRead != len(proxyScenario.Request) || r.ServerErr != "EOF" {
			t.Errorf("run %d: server read %d bytes, then %s; want %d, then EOF", i, r.ServerRead, r.ServerErr, len(proxyScenario.Request))
		}
		if r.ServerWrote != payload || r.ClientRead != payload || !r.ClientIntact || r.ClientErr != "EOF" {
			t.Errorf("run %d: server wrote %d bytes, client read %d (intact %v), then %s; want %d, then EOF",
				i, r.ServerWrote, r.ClientRead, r.ClientIntact, r.ClientErr, payload)
		}
	}
}

// A proxy that closes both conns when the client half-closes ends the
// client's stream before the response: the client reads nothing.
func TestProxyEarly(t *testing.T) {
	t.Parallel()
	for i, r := range RunProxy(t, "testdata/proxy.go", "Early", proxyScenario, 3) {
		t.Logf("run %d: %+v", i, r)
		if r.ServerRead != len(proxyScenario.Request) {
			t.Errorf("run %d: server read %d bytes, want %d", i, r.ServerRead, len(proxyScenario.Request))
		}
		if r.ClientRead != 0 {
			t.Errorf("run %d: client read %d bytes, then %s; want 0", i, r.ClientRead, r.ClientErr)
		}
	}
}
