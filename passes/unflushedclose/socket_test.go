package unflushedclose_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/internal/socktest"
	"github.com/teardownlint/teardown/passes/unflushedclose"
)

// runs is how many times each scenario runs, each on fresh connections.
const runs = 5

// TestSocket is the rule's evidence (ground truth, experiment 10). It runs
// the code unflushedclose reports, and the code its suggested fixes
// produce, against a real peer on 127.0.0.1 that sends nothing and reads
// until EOF or an error.
//
// The flagged code drops what is still in the buffer, and nothing tells:
// the peer reads a clean EOF after a short stream. The fixed code flushes
// before closing: the peer reads every byte, then EOF.
func TestSocket(t *testing.T) {
	// The files run below are exactly what the analyzer reports (the want
	// comments) and what its fixes produce (the golden file).
	linttest.Run(t, unflushedclose.Analyzer, "unflushedclosesock")
	if t.Failed() {
		t.FailNow()
	}
	dir := filepath.Join(analysistest.TestData(), "src", "unflushedclosesock")

	for _, tc := range []struct {
		entry   string
		wrote   int // bytes written into the bufio.Writer
		flagged int // bytes the peer gets without the Flush: the automatic flushes of a 4,096-byte buffer
		peer    socktest.Peer
	}{
		{"One", 1_000, 0, socktest.Peer{}},
		{"Ten", 10_000, 8_192, socktest.Peer{}},
		{"Encoded", 1_000, 0, socktest.Peer{}}, // through json.NewEncoder(bw)
		// A helper buffers the reply and reads the next request: the
		// peer has half-closed, so the read meets EOF.
		{"Exchanged", 1_000, 0, socktest.Peer{CloseWriteAfterSend: true}},
		// The same, with the helper returning its read's error untested.
		{"ExchangedUntested", 1_000, 0, socktest.Peer{CloseWriteAfterSend: true}},
		// A method of a session whose write loop (a goroutine) writes
		// through the same writer buffers and closes.
		{"Shared", 1_000, 0, socktest.Peer{}},
		// The package's own buffered writer, kept beside the conn.
		{"OwnBuffered", 1_000, 0, socktest.Peer{}},
		// A framer over that writer, kept in a field of its own.
		{"Framed", 1_000, 0, socktest.Peer{}},
	} {
		for _, v := range []struct {
			name, file string
			want       int
		}{
			{"flagged", "sock.go", tc.flagged},
			{"fixed", "sock.go.golden", tc.wrote},
		} {
			t.Run(tc.entry+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				for i, r := range socktest.RunN(t, filepath.Join(dir, v.file), tc.entry, tc.peer, runs) {
					t.Logf("run %d: peer read %d bytes, then %s (write error %q); %s returned %q after %v",
						i, r.BytesRead, r.Err, r.WriteErr, tc.entry, r.AErr, r.ARan)
					if r.AErr != "" {
						t.Errorf("run %d: %s returned %q, want nil", i, tc.entry, r.AErr)
					}
					if r.Err != "EOF" || r.BytesRead != v.want {
						t.Errorf("run %d: peer read %d of the %d bytes written, then %s; want %d, then EOF",
							i, r.BytesRead, tc.wrote, r.Err, v.want)
					}
				}
			})
		}
	}
}
