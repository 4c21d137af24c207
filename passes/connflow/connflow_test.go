package connflow_test

import (
	"fmt"
	"slices"
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

// TestBounded checks how a summary stays within its budget: paths beyond
// it lose their outcome markers first (a path of unknown outcome takes
// both edges of its caller's error test), and only then become one path
// that hands the value on.
func TestBounded(t *testing.T) {
	var marked, unmarked []string
	for i := 1; i <= 9; i++ {
		p := strings.Repeat("w", i%2+1) + strings.Repeat("r", i/2)
		marked = append(marked, "+"+p, "-"+p)
		unmarked = append(unmarked, p)
	}
	slices.Sort(marked)
	slices.Sort(unmarked)
	unmarked = slices.Compact(unmarked)
	if got := connflow.Bounded(marked[:16]); !slices.Equal(got, marked[:16]) {
		t.Errorf("16 paths: got %q, want them kept", got)
	}
	if got := connflow.Bounded(marked); !slices.Equal(got, unmarked) {
		t.Errorf("%d marked paths: got %q, want %q", len(marked), got, unmarked)
	}
	var many []string
	for i := range 17 {
		many = append(many, strings.Repeat("w", i+1))
	}
	if got := connflow.Bounded(many); !slices.Equal(got, []string{"o"}) {
		t.Errorf("17 unmarked paths: got %q, want [o]", got)
	}
}
