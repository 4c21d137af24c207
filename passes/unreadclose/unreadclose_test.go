package unreadclose_test

import (
	"testing"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/passes/unreadclose"
)

func Test(t *testing.T) {
	linttest.Run(t, unreadclose.Analyzer, "unreadclose", "fpclasses")
}
