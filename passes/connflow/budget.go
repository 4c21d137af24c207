package connflow

import (
	"fmt"
	"go/ast"
	"go/token"
	"os"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/teardownlint/teardown/internal/directive"
	"github.com/teardownlint/teardown/internal/source"
)

// This file says where a budget cost the rules a verdict: a function too
// large to model (Config.MaxBlocks) that closes a conn, a conn the
// function would own and closes whose paths outgrew maxStates. Every
// budget errs towards silence for the rules, but never silently: connflow
// reports these notes itself. A note is suppressed for one function by
// //teardown:ignore budget <reason> on its line, the line above it, or the
// line above the function's declaration.

// A BudgetNote says what was not analyzed, where, and why.
type BudgetNote struct {
	Pos     token.Pos
	Func    token.Pos // the function's declaration
	Message string
}

// blockNote notes that fn was not modelled, if it closes a conn: it has
// more blocks than the budget.
func (ps *pkgState) blockNote(fn *ssa.Function) {
	if !closesConn(fn) {
		return
	}
	ps.result.Budget = append(ps.result.Budget, BudgetNote{fn.Pos(), fn.Pos(),
		fmt.Sprintf("teardown did not analyze %s: its %d basic blocks exceed the budget of %d (-connflow.maxblocks); "+
			"the connections it closes are unchecked", fn.Name(), len(fn.Blocks), ps.cfg.MaxBlocks)})
}

// overflowNotes notes every stream conn that was given up (Overflow)
// although the function made or received it and closes it: its Close is
// unchecked. The note is placed at the conn's
// first value with a position.
func (ps *pkgState) overflowNotes() {
	for _, f := range ps.result.Funcs {
		for _, c := range f.Conns {
			if !c.Overflow || c.Origin != FromCall && c.Origin != FromParam ||
				!c.IsStream() || len(c.EventsOf(Close)) == 0 {
				continue
			}
			pos := f.SSA.Pos()
			for _, v := range c.Values {
				if v.Pos().IsValid() {
					pos = v.Pos()
					break
				}
			}
			ps.result.Budget = append(ps.result.Budget, BudgetNote{pos, f.SSA.Pos(),
				fmt.Sprintf("teardown gave up on this connection in %s: more than %d distinct paths reach one point; "+
					"its Close is unchecked", f.SSA.Name(), maxStates)})
		}
	}
}

// reportBudget reports the notes, as diagnostics of category "budget"
// (or as lines on standard error, Config.Notes), except in files generated as written (source.Generated: not a cgo
// package's files) and where a directive suppresses them (it is then
// recorded in Result.Used).
func (ps *pkgState) reportBudget() {
	var dirs []*directive.Directive
	if len(ps.result.Budget) > 0 {
		dirs = directive.Parse(ps.pass.Fset, ps.pass.Files, append(directive.Rules(), directive.Budget))
	}
	for _, n := range ps.result.Budget {
		if f := fileOf(ps.pass, n.Pos); f != nil && source.Generated(ps.pass.Fset, f) {
			continue
		}
		if d := ignoring(ps.pass.Fset, dirs, n); d != nil {
			if ps.result.Used == nil {
				ps.result.Used = map[token.Pos]bool{}
			}
			ps.result.Used[d.Pos] = true
			continue
		}
		if ps.cfg.Notes == NotesStderr {
			fmt.Fprintf(os.Stderr, "%s: note: %s (connflow)\n", ps.pass.Fset.Position(n.Pos), n.Message)
			continue
		}
		ps.pass.Report(analysis.Diagnostic{Pos: n.Pos, Category: "budget", Message: n.Message})
	}
}

// ignoring returns the well-formed directive that ignores budget notes
// at n or at its function's declaration, or nil.
func ignoring(fset *token.FileSet, dirs []*directive.Directive, n BudgetNote) *directive.Directive {
	for _, d := range dirs {
		if d.Verb == "ignore" && d.Malformed == "" && d.Names(directive.Budget) &&
			(d.Covers(fset.Position(n.Pos)) || d.Covers(fset.Position(n.Func))) {
			return d
		}
	}
	return nil
}

// closesConn reports whether fn (not modelled) calls Close on a value
// that may carry a conn.
func closesConn(fn *ssa.Function) bool {
	for _, blk := range fn.Blocks {
		for _, instr := range blk.Instrs {
			ci, ok := instr.(ssa.CallInstruction)
			if !ok {
				continue
			}
			call := ci.Common()
			switch {
			case call.IsInvoke():
				if call.Method.Name() == "Close" && IsConnLike(call.Value.Type()) {
					return true
				}
			case call.StaticCallee() != nil && call.StaticCallee().Name() == "Close" && len(call.Args) > 0:
				if IsConnLike(call.Args[0].Type()) {
					return true
				}
			}
		}
	}
	return false
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
