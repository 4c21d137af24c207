package lingerblock_test

import (
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/internal/socktest"
	"github.com/teardownlint/teardown/passes/lingerblock"
)

// report parses lingerblocksock.Report.Error.
var report = regexp.MustCompile(`^wrote (\d+) bytes; Close took (\d+)us; Close error: (.*)$`)

type sendReport struct {
	wrote      int
	close      time.Duration
	closeError string
}

func parseReport(t *testing.T, run int, aerr string) sendReport {
	t.Helper()
	m := report.FindStringSubmatch(aerr)
	if m == nil {
		t.Fatalf("run %d: Send returned %q, want its Report", run, aerr)
	}
	wrote, _ := strconv.Atoi(m[1])
	us, _ := strconv.ParseInt(m[2], 10, 64)
	return sendReport{wrote: wrote, close: time.Duration(us) * time.Microsecond, closeError: m[3]}
}

// TestSocket is the rule's evidence (ground truth, experiment 8). It runs
// the code lingerblock reports, and the code its suggested fix produces,
// against a real peer on 127.0.0.1 that does not read for 1.5 s, so A's
// send queue is full when it calls Close.
//
// With SetLinger(1), Close blocks for the whole second; without it, Close
// returns at once. Either way the peer, once it reads, gets every byte A
// wrote and then EOF: the blocking bought nothing.
func TestSocket(t *testing.T) {
	// The files run below are exactly what the analyzer reports (the want
	// comment) and what its fix produces (the golden file).
	linttest.Run(t, lingerblock.Analyzer, "lingerblocksock")
	if t.Failed() {
		t.FailNow()
	}
	dir := filepath.Join(analysistest.TestData(), "src", "lingerblocksock")
	peer := socktest.Peer{ReadDelay: 1500 * time.Millisecond}
	const runs = 3

	// run runs one version and checks what both versions share: A filled
	// the queue, Close succeeded, and the peer got every byte and EOF.
	run := func(t *testing.T, file string) []socktest.Result {
		results := socktest.RunN(t, filepath.Join(dir, file), "Send", peer, runs)
		for i, r := range results {
			rep := parseReport(t, i, r.AErr)
			t.Logf("run %d: A wrote %d bytes, Close took %v (error %s), Send ran %v; peer read %d bytes, then %s",
				i, rep.wrote, rep.close, rep.closeError, r.ARan, r.BytesRead, r.Err)
			if rep.wrote == 0 || rep.wrote >= 8<<20 {
				t.Errorf("run %d: A wrote %d bytes; want a full send queue (more than 0, less than the 8 MiB offered)", i, rep.wrote)
			}
			if rep.closeError != "<nil>" {
				t.Errorf("run %d: Close returned %s, want nil", i, rep.closeError)
			}
			if r.Err != "EOF" || r.BytesRead != rep.wrote {
				t.Errorf("run %d: peer read %d bytes, then %s; want the %d bytes A wrote, then EOF", i, r.BytesRead, r.Err, rep.wrote)
			}
		}
		return results
	}

	var flagged, fixed []socktest.Result
	t.Run("versions", func(t *testing.T) {
		t.Run("flagged", func(t *testing.T) {
			t.Parallel()
			flagged = run(t, "sock.go")
			// Linger 1 s: Close blocks until the second is over (measured
			// 1,002-1,025 ms), since the peer is not reading. "Up to": once
			// in many CI runs one Close of three returned at once (55 µs,
			// queue as full as in the others, every byte delivered); 24
			// runs under a CPU load of 4 busy loops and 3 with GOGC=1 did
			// not reproduce it. So the block is required in all runs but
			// one; the delivery checks above hold for every run.
			blocked := 0
			for i, r := range flagged {
				c := parseReport(t, i, r.AErr).close
				if c >= 900*time.Millisecond && r.ARan >= 900*time.Millisecond {
					blocked++
				} else {
					t.Logf("run %d: Close took %v, Send ran %v: no block this time", i, c, r.ARan)
				}
			}
			if blocked < len(flagged)-1 {
				t.Errorf("Close blocked for >= 900ms in %d of %d runs; want all but at most one (SO_LINGER 1 s with a full send queue)", blocked, len(flagged))
			}
		})
		t.Run("fixed", func(t *testing.T) {
			t.Parallel()
			fixed = run(t, "sock.go.golden")
			for i, r := range fixed {
				// Default linger: Close returns at once (measured 0.03 ms).
				// The bound is loose so that a loaded machine cannot make it
				// flake; the flagged Close takes at least 900 ms.
				if c := parseReport(t, i, r.AErr).close; c >= 300*time.Millisecond {
					t.Errorf("run %d: Close took %v; want < 300ms (the default: Close does not wait)", i, c)
				}
			}
		})
	})
}
