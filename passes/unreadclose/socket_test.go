package unreadclose_test

import (
	"encoding/binary"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/internal/socktest"
	"github.com/teardownlint/teardown/passes/connflow"
	"github.com/teardownlint/teardown/passes/unreadclose"
)

// reply is unreadclosesock.Reply: what Serve writes before reading.
const reply = "ok\n"

// runs is how many times each scenario runs, each on fresh connections.
const runs = 5

// peer sends a 2-byte request and half-closes, both before A's function
// starts (the request is in A's receive queue by then), and reads until
// EOF or an error. The functions under test read only the first byte.
var peer = socktest.Peer{
	Greeting:            []byte("xy"),
	CloseWriteAfterSend: true,
}

// TestSocket is the rule's evidence (ground truth, experiments 1, 3 and
// 5). It runs the code unreadclose reports, and the code its suggested
// fixes produce, against a real peer on 127.0.0.1.
//
// The flagged code closes with "y" unread: RST, and the peer's read fails
// with ECONNRESET instead of EOF, also after CloseRead. The fixed code
// drains under a deadline before it closes: the peer reads every byte A
// wrote, then EOF.
//
// The analyzer runs with -unreadclose.framed: Serve writes its reply
// before it reads, and by default unreadclose takes any read after a
// write for the reply to a request, which a peer usually ends, and does
// not report it. Seed and CloseRead write nothing; the flag does not
// change their diagnostics.
func TestSocket(t *testing.T) {
	a := unreadclose.New(connflow.Analyzer)
	if err := a.Flags.Set("framed", "true"); err != nil {
		t.Fatal(err)
	}
	// The files run below are exactly what the analyzer reports (the want
	// comments) and what its fixes produce (the golden file).
	linttest.Run(t, a, "unreadclosesock")
	if t.Failed() {
		t.FailNow()
	}
	dir := filepath.Join(analysistest.TestData(), "src", "unreadclosesock")

	for _, tc := range []struct {
		entry string
		wrote int // bytes the function writes
	}{
		{"Serve", len(reply)},
		{"Seed", 0},
		{"CloseRead", 0},
	} {
		t.Run(tc.entry+"/flagged", func(t *testing.T) {
			t.Parallel()
			for i, r := range socktest.RunN(t, filepath.Join(dir, "sock.go"), tc.entry, peer, runs) {
				t.Logf("run %d: peer read %d bytes, then %s (write error %q); %s returned %q after %v",
					i, r.BytesRead, r.Err, r.WriteErr, tc.entry, r.AErr, r.ARan)
				if r.AErr != "" {
					t.Errorf("run %d: %s returned %q, want nil", i, tc.entry, r.AErr)
				}
				if r.Err != "ECONNRESET" || r.BytesRead > tc.wrote {
					t.Errorf("run %d: peer read %d bytes, then %s; want at most the %d bytes A wrote, then ECONNRESET",
						i, r.BytesRead, r.Err, tc.wrote)
				}
			}
		})
		t.Run(tc.entry+"/fixed", func(t *testing.T) {
			t.Parallel()
			for i, r := range socktest.RunN(t, filepath.Join(dir, "sock.go.golden"), tc.entry, peer, runs) {
				t.Logf("run %d: peer read %d bytes, then %s (write error %q); %s returned %q after %v",
					i, r.BytesRead, r.Err, r.WriteErr, tc.entry, r.AErr, r.ARan)
				if r.AErr != "" || r.WriteErr != "" {
					t.Errorf("run %d: %s returned %q, peer write error %q; want neither", i, tc.entry, r.AErr, r.WriteErr)
				}
				if r.Err != "EOF" || r.BytesRead != tc.wrote {
					t.Errorf("run %d: peer read %d bytes, then %s; want the %d bytes A wrote, then EOF",
						i, r.BytesRead, r.Err, tc.wrote)
				}
			}
		})
	}
}

// TestSocketExchangeLoop is the evidence for the exchange-loop exemption
// (fpclasses pingPong, x/net nettest's ping-pong): on a real TCP conn, a
// side that reads in a lock-step request-response loop and closes after
// the read that ends the exchange leaves nothing unread, so its Close
// sends FIN: the peer, which waits for a reply, reads EOF, not ECONNRESET.
func TestSocketExchangeLoop(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const last = 100
	for run := 0; run < runs; run++ {
		peerErr := make(chan error, 1)
		go func() { // the peer accepts, starts and sends the odd values
			c, err := ln.Accept()
			if err != nil {
				peerErr <- err
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			buf := make([]byte, 8)
			for v := uint64(1); ; v += 2 {
				binary.LittleEndian.PutUint64(buf, v)
				if _, err := c.Write(buf); err != nil {
					peerErr <- err
					return
				}
				if v == last-1 {
					break // the value after the next write is last: no reply comes
				}
				if _, err := io.ReadFull(c, buf); err != nil {
					peerErr <- err
					return
				}
			}
			_, err = c.Read(buf)
			peerErr <- err // want io.EOF: A closed with nothing unread
		}()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		// pingPong's loop on the dialing side: read, stop at last, reply v+1.
		buf := make([]byte, 8)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				t.Fatalf("run %d: read: %v", run, err)
			}
			v := binary.LittleEndian.Uint64(buf)
			if v+1 == last {
				break
			}
			binary.LittleEndian.PutUint64(buf, v+1)
			if _, err := c.Write(buf); err != nil {
				t.Fatalf("run %d: write: %v", run, err)
			}
		}
		c.Close()
		if err := <-peerErr; err != io.EOF {
			t.Errorf("run %d: the peer's last read returned %v, want EOF (no RST)", run, err)
		}
	}
}

// TestSocketProbe is the evidence for reporting a bounded prefix of a
// reply (testdata probesock): a client writes a request and keeps the
// first 64 bytes of a 100,000-byte reply that the peer is still sending,
// then closes. unreadclose runs with its defaults: the prefix is reported
// without -unreadclose.framed.
func TestSocketProbe(t *testing.T) {
	testStreamedReply(t, "probesock", "Probe", "")
}

// TestSocketRejected is the evidence for judging a read that a helper
// rejects (testdata rejectsock): a client writes a request, reads the
// 4-byte header of a 100,000-byte reply the peer is still sending,
// refuses it (no magic) and closes. Fetch returns the refusal, flagged or
// fixed.
func TestSocketRejected(t *testing.T) {
	testStreamedReply(t, "rejectsock", "Fetch", "bad magic")
}

// TestSocketCallbacks is the evidence for judging a read through a
// callback reader (testdata callbacksock): a client writes a request and
// reads the reply's first frame through a reader it allocates over the
// conn, whose control-frame callback answers on the conn; the reply is no
// frame, the reader refuses it and the client closes. Fetch returns the
// refusal, flagged or fixed.
func TestSocketCallbacks(t *testing.T) {
	testStreamedReply(t, "callbacksock", "Fetch", "bad frame")
}

// testStreamedReply runs entry of testdata pkg, a client that writes its
// package's Request and stops reading a 100,000-byte reply the peer is
// still sending, then closes; wantErr is what entry returns. The flagged
// code (pkg/sock.go, reported) resets the peer: its write of the reply or
// its read fails with ECONNRESET (or EPIPE). The fixed code
// (sock.go.golden, the suggested fix) drains the reply under a deadline
// and closes: the peer sends every byte and reads the request, then EOF.
func testStreamedReply(t *testing.T, pkg, entry, wantErr string) {
	linttest.Run(t, unreadclose.Analyzer, pkg)
	if t.Failed() {
		t.FailNow()
	}
	dir := filepath.Join(analysistest.TestData(), "src", pkg)
	const request = "GET /status HTTP/1.0\r\n\r\n" // the Request of probesock, rejectsock and callbacksock
	peer := socktest.Peer{Send: 100_000, CloseWriteAfterSend: true}
	t.Run("flagged", func(t *testing.T) {
		t.Parallel()
		for i, r := range socktest.RunN(t, filepath.Join(dir, "sock.go"), entry, peer, runs) {
			t.Logf("run %d: peer read %d bytes, then %s (write error %q); %s returned %q after %v",
				i, r.BytesRead, r.Err, r.WriteErr, entry, r.AErr, r.ARan)
			if r.Err != "ECONNRESET" && r.WriteErr != "ECONNRESET" && r.WriteErr != "EPIPE" {
				t.Errorf("run %d: peer read %d bytes, then %s (write error %q); want ECONNRESET or EPIPE",
					i, r.BytesRead, r.Err, r.WriteErr)
			}
		}
	})
	t.Run("fixed", func(t *testing.T) {
		t.Parallel()
		for i, r := range socktest.RunN(t, filepath.Join(dir, "sock.go.golden"), entry, peer, runs) {
			t.Logf("run %d: peer read %d bytes, then %s (write error %q); %s returned %q after %v",
				i, r.BytesRead, r.Err, r.WriteErr, entry, r.AErr, r.ARan)
			if r.AErr != wantErr || r.WriteErr != "" || r.Err != "EOF" || r.BytesRead != len(request) {
				t.Errorf("run %d: peer read %d bytes, then %s (write error %q), %s returned %q; want the %d request bytes, then EOF, no write error, and %q",
					i, r.BytesRead, r.Err, r.WriteErr, entry, r.AErr, len(request), wantErr)
			}
		}
	})
}
