package lingerblock_test

import (
	"testing"

	"github.com/teardownlint/teardown/internal/linttest"
	"github.com/teardownlint/teardown/passes/lingerblock"

	// The testdata has a //teardown:ignore naming lingerzero too. Rule
	// names are known only once the rule's package is linked (the suite,
	// package analyzer, links all of them); without lingerzero the
	// directive would be "unknown rule" and suppress nothing.
	_ "github.com/teardownlint/teardown/passes/lingerzero"
)

func Test(t *testing.T) {
	linttest.Run(t, lingerblock.Analyzer, "lingerblock")
}

// TestLingerCalls: a positive linger time that reaches SetLinger through
// a helper's parameter is reported at the call that supplies it.
func TestLingerCalls(t *testing.T) {
	linttest.Run(t, lingerblock.Analyzer, "lingerblockcalls")
}
