package connflow

import (
	"fmt"
	"go/ast"
	"go/token"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
)

// This file says where a budget cost the rules a verdict: a function too
// large to model (Config.MaxBlocks), a connection with too many paths
// (maxStates). Every budget errs towards silence for the rules, but never
// silently: connflow reports these notes itself.

// A BudgetNote says what was not analyzed, where, and why.
type BudgetNote struct {
	Pos     token.Pos
	Message string
}

// blockNote notes that fn was not modelled: it has more blocks than the
// budget.
func (ps *pkgState) blockNote(fn *ssa.Function) {
	ps.result.Budget = append(ps.result.Budget, BudgetNote{fn.Pos(),
		fmt.Sprintf("teardown did not analyze %s: its %d basic blocks exceed the budget of %d (-connflow.maxblocks); "+
			"the connections it closes are unchecked", fn.Name(), len(fn.Blocks), ps.cfg.MaxBlocks)})
}

// overflowNotes notes every conn that was given up (Overflow) although
// the function owns it and closes it: its Close is unchecked. The note is
// placed at the conn's first value with a position.
func (ps *pkgState) overflowNotes() {
	for _, f := range ps.result.Funcs {
		for _, c := range f.Conns {
			if !c.Overflow || c.Escaped != "" || len(c.EventsOf(Close)) == 0 {
				continue
			}
			pos := f.SSA.Pos()
			for _, v := range c.Values {
				if v.Pos().IsValid() {
					pos = v.Pos()
					break
				}
			}
			ps.result.Budget = append(ps.result.Budget, BudgetNote{pos,
				fmt.Sprintf("teardown gave up on this connection in %s: more than %d distinct paths reach one point; "+
					"its Close is unchecked", f.SSA.Name(), maxStates)})
		}
	}
}

// reportBudget reports the notes, as diagnostics of category "budget",
// except in generated files.
func (ps *pkgState) reportBudget() {
	for _, n := range ps.result.Budget {
		if f := fileOf(ps.pass, n.Pos); f == nil || !ast.IsGenerated(f) {
			ps.pass.Report(analysis.Diagnostic{Pos: n.Pos, Category: "budget", Message: n.Message})
		}
	}
}

// fileOf returns the syntax of the file containing pos, or nil.
func fileOf(pass *analysis.Pass, pos token.Pos) *ast.File {
	for _, f := range pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}
