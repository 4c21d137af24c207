package lingerzero_test

import (
	"testing"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/passes/lingerzero"
)

func Test(t *testing.T) {
	linttest.Run(t, lingerzero.Analyzer, "lingerzero")
}
