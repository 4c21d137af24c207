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
