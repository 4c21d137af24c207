package unreadclose_test

import (
	"testing"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/passes/connflow"
	"github.com/teardownlint/teardown/passes/unreadclose"
)

func Test(t *testing.T) {
	linttest.Run(t, unreadclose.Analyzer, "unreadclose", "fpclasses")
}

// TestProbe: a bounded prefix of a reply (io.LimitReader with a constant
// limit) is reported by default; a reply read in full, a frame and a
// bounded drain are not.
func TestProbe(t *testing.T) {
	linttest.Run(t, unreadclose.Analyzer, "probe")
}

// TestRejected: a read that a helper rejects (its read succeeded, then
// it returned an error of its own) is no reply read in full and no end of
// the read side: a Close after it is reported in a request-response loop
// and after a request; a helper whose errors are all its reads' own, one
// that also wrote (it refused a complete reply), one that refuses with a
// sentinel error (its outcome is unknown), and a drain are not.
func TestRejected(t *testing.T) {
	linttest.Run(t, unreadclose.Analyzer, "rejected")
}

// TestFreshObjects: a helper that reads its conn through an object a
// fresh constructor makes has read it; its caller's Close is judged.
func TestFreshObjects(t *testing.T) {
	linttest.Run(t, unreadclose.Analyzer, "freshread")
}

// TestCallbacks: a helper that reads through a reader it allocates over
// its conn, with a callback over the same conn (a closure maker's result)
// in the reader's callback field, has read the conn; its caller's Close
// is judged, also where the helper hands the reader to the callback as an
// io.Reader after the read. A helper that keeps the callback or returns
// the reader hands the conn on; a callback over another conn leaves the
// read judged.
func TestCallbacks(t *testing.T) {
	linttest.Run(t, unreadclose.Analyzer, "callbacks")
}

// TestGoOwned: with -unreadclose.framed (by default an object's conn is
// never judged: another method may have written the request), the conn
// of an object that a read loop of the package reads is still not judged
// (what the loop took is not known); one whose goroutine never touches
// it is.
func TestGoOwned(t *testing.T) {
	a := unreadclose.New(connflow.Analyzer)
	if err := a.Flags.Set("framed", "true"); err != nil {
		t.Fatal(err)
	}
	linttest.Run(t, a, "goowned")
}
