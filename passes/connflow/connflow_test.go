package connflow_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/teardownlint/teardown/passes/connflow"
)

// TestFacts checks the summaries connflow exports for helpers: the
// paths, as event kinds, along which each function treats its conn-like
// parameters. analysistest also checks that the facts gob-encode
// deterministically (its sanity check is on).
func TestFacts(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), connflow.Analyzer, "facts")
}
