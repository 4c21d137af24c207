package writeclose_test

import (
	"testing"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/passes/writeclose"
)

func Test(t *testing.T) {
	linttest.Run(t, writeclose.Analyzer, "writeclose", "fpclasses")
}
