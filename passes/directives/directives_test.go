package directives_test

import (
	"go/ast"
	"go/token"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"

	"github.com/teardownlint/teardown/internal/suite"
	"github.com/teardownlint/teardown/passes/directives"
)

// Test checks the directives analyzer's own diagnostics (the want
// comments), then that the rules it depends on reported exactly the calls
// marked "reported by RULE": a malformed or misdirected directive
// suppresses nothing.
func Test(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), directives.Analyzer, "directives")
	if len(results) != 1 {
		t.Fatalf("got %d results, want 1", len(results))
	}
	act := results[0].Action
	for _, rule := range suite.Rules() {
		dep := findDep(act, rule)
		if dep == nil {
			t.Fatalf("no %s action among the directives analyzer's dependencies", rule.Name)
		}
		want := markedLines(act.Package.Fset, act.Package.Syntax, "reported by "+rule.Name)
		got := diagLines(act.Package.Fset, dep.Diagnostics)
		if len(want) == 0 && (rule.Name == "lingerzero" || rule.Name == "lingerblock") {
			t.Errorf("%s: the testdata marks no call as reported", rule.Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s reported on lines %v, want %v (the lines marked \"reported by %s\")", rule.Name, got, want, rule.Name)
		}
	}
}

func findDep(act *checker.Action, a *analysis.Analyzer) *checker.Action {
	for _, d := range act.Deps {
		if d.Analyzer == a && d.Package == act.Package {
			return d
		}
	}
	return nil
}

// markedLines returns the sorted lines that carry a comment containing mark.
func markedLines(fset *token.FileSet, files []*ast.File, mark string) []int {
	var lines []int
	for _, f := range files {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if strings.Contains(c.Text, mark) {
					lines = append(lines, fset.Position(c.Pos()).Line)
				}
			}
		}
	}
	slices.Sort(lines)
	return lines
}

func diagLines(fset *token.FileSet, diags []analysis.Diagnostic) []int {
	var lines []int
	for _, d := range diags {
		lines = append(lines, fset.Position(d.Pos).Line)
	}
	slices.Sort(lines)
	return lines
}
