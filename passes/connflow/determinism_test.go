package connflow_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/teardownlint/teardown/analyzer"
	"github.com/teardownlint/teardown/passes/connflow"
	"github.com/teardownlint/teardown/passes/unreadclose"
)

// TestDeterminism: the same packages give the same output on every run,
// whatever GOMAXPROCS, the map seeds, or the order in which the checker
// finishes packages: the same diagnostics (messages, positions, related
// positions, suggested fixes), errors and facts, and the same model
// (conns, events, and the histories reaching each event, in order). The
// testdata of every analyzer is analyzed in both configurations, several
// times with GOMAXPROCS 1 and 8; it includes Closes reached by several
// condemned paths (passes/writeclose/testdata/src/multipath).
//
// With TEARDOWN_SNAPSHOT=FILE the rendering is also written to FILE: a
// change meant to keep behaviour (a refactoring) can be checked by
// comparing the files of two revisions.
func TestDeterminism(t *testing.T) {
	trees := loadTestdata(t)
	runs := 2
	if testing.Short() {
		runs = 1
	}
	var first string
	n := 0
	for _, procs := range []int{1, 8} {
		for range runs {
			func() {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				got := render(t, trees)
				n++
				if first == "" {
					first = got
					return
				}
				if got != first {
					t.Errorf("run %d (GOMAXPROCS %d) differs from the first run:\n%s", n, procs, firstDiff(first, got))
				}
			}()
		}
	}
	if dst := os.Getenv("TEARDOWN_SNAPSHOT"); dst != "" {
		if err := os.WriteFile(dst, []byte(first), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Count(first, "\n") < 1000 {
		t.Errorf("only %d lines rendered: is the testdata loaded?", strings.Count(first, "\n"))
	}
	t.Logf("%d runs over %d testdata trees in 2 configurations, identical (%d lines)", n, len(trees), strings.Count(first, "\n"))
}

// render analyzes every tree in the default configuration and with
// -connflow.tests -unreadclose.framed, each time from fresh SSA programs,
// and renders everything the analysis produced.
func render(t *testing.T, trees [][]*packages.Package) string {
	var b strings.Builder
	for _, cfg := range []struct {
		name        string
		tests, fram bool
	}{{"defaults", false, false}, {"tests+framed", true, true}} {
		func() {
			defer setTests(cfg.tests)()
			defer setFlag(t, unreadclose.Analyzer, "framed", fmt.Sprint(cfg.fram))()
			for i, pkgs := range trees {
				connflow.ForgetPrograms()
				graph, err := checker.Analyze(analyzer.Analyzers(), pkgs, &checker.Options{})
				if err != nil {
					t.Fatal(err)
				}
				o := outcomeOf(graph)
				for _, s := range o.diags {
					fmt.Fprintf(&b, "%s tree%d diag %s\n", cfg.name, i, s)
				}
				for _, s := range o.errs {
					fmt.Fprintf(&b, "%s tree%d err %s\n", cfg.name, i, s)
				}
				for _, s := range o.facts {
					fmt.Fprintf(&b, "%s tree%d fact %s\n", cfg.name, i, s)
				}
				for _, s := range models(graph) {
					fmt.Fprintf(&b, "%s tree%d model %s\n", cfg.name, i, s)
				}
			}
		}()
	}
	return b.String()
}

// models renders connflow's model of the root packages: per function, its
// conns and their events, each with the histories reaching it in the
// order the dataflow found them; then the linger settings and the budget
// notes. Packages come in the order of the graph's roots, functions in
// source order.
func models(graph *checker.Graph) []string {
	var out []string
	for _, act := range graph.Roots {
		r, ok := act.Result.(*connflow.Result)
		if !ok || act.Analyzer != connflow.Analyzer {
			continue
		}
		fset := act.Package.Fset
		for _, f := range r.Funcs {
			var b strings.Builder
			fmt.Fprintf(&b, "func %s\n", f.SSA)
			for _, c := range f.Conns {
				fmt.Fprintf(&b, "  conn %d %v origin=%d index=%d type=%v escaped=%q overflow=%v drain=%v read=%v accepted=%v goroutines=%d\n",
					c.ID, c.Value, c.Origin, c.Index, c.Type, c.Escaped, c.Overflow, c.ConcurrentDrain, c.ConcurrentRead, c.Accepted, c.Goroutines)
				for _, e := range c.Events {
					fmt.Fprintf(&b, "    event %d %s %v via=%q deferred=%v concurrent=%v operand=%d linger=%+v calleeOwns=%v\n",
						e.ID, e.Kind, fset.Position(e.Pos), e.Via, e.Deferred, e.Concurrent, e.Operand, e.Linger, e.CalleeOwns)
					for path := range c.Paths(e) {
						var ids []string
						for _, x := range path.Events {
							ids = append(ids, fmt.Sprint(x.ID))
						}
						fmt.Fprintf(&b, "      <- %s [%s]\n", path.Events, strings.Join(ids, " "))
					}
				}
			}
			out = append(out, b.String())
		}
		for _, l := range r.Lingers {
			out = append(out, fmt.Sprintf("linger %v %+v raw=%v in %s", fset.Position(l.Pos), l.Value, l.Raw, l.Fn))
		}
		for _, n := range r.Budget {
			out = append(out, fmt.Sprintf("budget %v %s", fset.Position(n.Pos), n.Message))
		}
	}
	return out
}

// setFlag sets a's flag and returns the function that restores it.
func setFlag(t *testing.T, a *analysis.Analyzer, name, value string) func() {
	f := a.Flags.Lookup(name)
	old := f.Value.String()
	if err := f.Value.Set(value); err != nil {
		t.Fatal(err)
	}
	return func() { f.Value.Set(old) }
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n  first: %s\n  now:   %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(al), len(bl))
}
