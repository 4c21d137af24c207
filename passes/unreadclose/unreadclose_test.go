package unreadclose_test

import (
	"testing"

	"github.com/teardownlint/teardown/internal/linttest"
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

// TestFreshObjects: a helper that reads its conn through an object a
// fresh constructor makes has read it; its caller's Close is judged.
func TestFreshObjects(t *testing.T) {
	linttest.Run(t, unreadclose.Analyzer, "freshread")
}
