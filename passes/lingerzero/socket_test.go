package lingerzero_test

import (
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/internal/socktest"
	"github.com/teardownlint/teardown/passes/lingerzero"
)

// payload is lingerzerosock.Payload: the bytes Send writes.
const payload = 1_000_000

// TestSocket is the rule's evidence. It runs the code lingerzero reports,
// and the code its suggested fix produces, against a real peer on
// 127.0.0.1 (ground truth, experiment 4b: the peer sends nothing and
// starts reading 200 ms late).
//
// The flagged code aborts: the peer reads only what had reached it, then
// ECONNRESET. The fixed code closes gracefully: every byte, then EOF.
func TestSocket(t *testing.T) {
	// The files run below are exactly what the analyzer reports (the want
	// comment) and what its fix produces (the golden file).
	linttest.Run(t, lingerzero.Analyzer, "lingerzerosock")
	if t.Failed() {
		t.FailNow()
	}
	dir := filepath.Join(analysistest.TestData(), "src", "lingerzerosock")
	peer := socktest.Peer{ReadDelay: 200 * time.Millisecond}
	const runs = 3

	t.Run("flagged", func(t *testing.T) {
		t.Parallel()
		for i, r := range socktest.RunN(t, filepath.Join(dir, "sock.go"), "Send", peer, runs) {
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
	t.Run("fixed", func(t *testing.T) {
		t.Parallel()
		for i, r := range socktest.RunN(t, filepath.Join(dir, "sock.go.golden"), "Send", peer, runs) {
			t.Logf("run %d: peer read %d bytes, then %s; Send returned %q after %v", i, r.BytesRead, r.Err, r.AErr, r.ARan)
			if r.AErr != "" {
				t.Errorf("run %d: Send returned %q, want nil", i, r.AErr)
			}
			if r.Err != "EOF" || r.BytesRead != payload {
				t.Errorf("run %d: peer read %d bytes, then %s; want all %d bytes, then EOF",
					i, r.BytesRead, r.Err, payload)
			}
		}
	})
}
