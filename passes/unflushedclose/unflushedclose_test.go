package unflushedclose_test

import (
	"testing"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/passes/unflushedclose"
)

func Test(t *testing.T) {
	linttest.Run(t, unflushedclose.Analyzer, "unflushedclose")
}
