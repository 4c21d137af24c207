package probe_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/teardownlint/teardown/scripts/eval/truth/probe"
)

// TestProbe checks the records and sites of a package with one case of
// each mutation operator and of the main reasons a Close is not judged.
func TestProbe(t *testing.T) {
	if err := probe.Analyzer.Flags.Set("sites", "true"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, analysistest.TestData(), probe.Analyzer, "p")
}
