package connflow_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/teardownlint/teardown/passes/connflow"
)

// TestFacts checks the facts connflow exports for helpers: the
// summaries (the paths, as event kinds, along which each function treats
// its conn-like parameters) and the in-memory producers (inmem, and facts
// through inmem's facts). analysistest also checks that the facts
// gob-encode deterministically (its sanity check is on).
func TestFacts(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), connflow.Analyzer, "facts", "inmem")
}

type recorder struct{ errs []string }

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestPanicBecomesError checks that a panic while modelling a function is
// reported as an error that names the analyzer and the function, and does
// not crash the driver.
func TestPanicBecomesError(t *testing.T) {
	defer connflow.PanicOn("Graceful")()
	var r recorder
	analysistest.Run(&r, analysistest.TestData(), connflow.Analyzer, "facts")
	for _, e := range r.errs {
		if strings.Contains(e, "connflow") && strings.Contains(e, "internal error while analyzing function facts.Graceful") &&
			strings.Contains(e, "test panic") {
			return
		}
	}
	t.Fatalf("no error naming connflow and facts.Graceful; got:\n%s", strings.Join(r.errs, "\n"))
}

// TestBudget checks that a function over the block budget is reported,
// not silently skipped.
func TestBudget(t *testing.T) {
	if err := connflow.Analyzer.Flags.Set("maxblocks", "3"); err != nil {
		t.Fatal(err)
	}
	defer connflow.Analyzer.Flags.Set("maxblocks", fmt.Sprint(connflow.MaxBlocks))
	analysistest.Run(t, analysistest.TestData(), connflow.Analyzer, "budget")
}

// TestOverflow checks that a conn given up on (too many distinct paths) is
// reported, not silently left unjudged, and that a few dozen independent
// branches stay within the budget (passes/writeclose/testdata/src/multipath
// has one, reported by writeclose).
func TestOverflow(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), connflow.Analyzer, "overflow")
}
