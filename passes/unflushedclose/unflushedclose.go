package unflushedclose

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/teardownlint/teardown/internal/fix"
	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/connflow"
)

// Analyzer reports a Close reached while buffered writes are unflushed.
var Analyzer = New(connflow.Analyzer)

// New returns an unflushedclose analyzer over the connflow analyzer model.
func New(model *analysis.Analyzer) *analysis.Analyzer { return lint.NewAnalyzer(model, doc, run) }

// unflushed returns the last buffered write on h that no write to the
// conn (a Flush) follows, or nil.
func unflushed(h connflow.History) *connflow.Event {
	lb := h.Last(connflow.BufWrite)
	if lb < 0 || h.After(lb, connflow.Write, connflow.Failed, connflow.Close) {
		return nil
	}
	return h[lb]
}

// verdict returns the unflushed buffered write before the Close, unless a
// helper did both (it is judged on its own).
func verdict(p connflow.Path) *connflow.Event {
	if w := unflushed(p.Events); w != nil && !connflow.SameCall(w, p.At) {
		return w
	}
	return nil
}

func run(p *lint.Pass) {
	p.JudgeCloses(lint.CloseRule{Verdict: verdict}, func(f lint.Finding) { report(p, f.At, f.Culprit) })
}

func report(p *lint.Pass, close, write *connflow.Event) {
	d := analysis.Diagnostic{
		Pos: close.Pos,
		Message: fmt.Sprintf("conn is closed while a buffered write (line %d) is unflushed: the buffered bytes are dropped "+
			"and the peer sees a clean EOF; Flush before Close", p.Fset.Position(write.Pos).Line),
	}
	if f, ok := flushFix(p, close, write); ok {
		d.SuggestedFixes = []analysis.SuggestedFix{f}
	}
	p.Report(d)
}

// flushFix inserts `_ = W.Flush()` before the Close, where W is the
// writer of the unflushed write, when W is a variable in scope at the
// Close. The error is discarded explicitly, as errcheck accepts: the
// buffered writes before it discarded theirs, and a Flush that fails has
// lost the bytes whatever the caller does.
func flushFix(p *lint.Pass, close, write *connflow.Event) (analysis.SuggestedFix, bool) {
	wci, ok := write.Instr.(ssa.CallInstruction)
	if !ok || write.Operand < 0 {
		return analysis.SuggestedFix{}, false
	}
	wcall, _ := fix.CallExpr(p, wci.Common().Pos())
	if wcall == nil {
		return analysis.SuggestedFix{}, false
	}
	w, ok := ast.Unparen(fix.Operand(p, wcall, write.Operand)).(*ast.Ident)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	obj, ok := p.TypesInfo.Uses[w].(*types.Var)
	if !ok {
		return analysis.SuggestedFix{}, false
	}
	site, ok := fix.SiteOf(p, close)
	if !ok || obj.Parent() == nil || !obj.Parent().Contains(site.Stmt.Pos()) || obj.Pos() > site.Stmt.Pos() {
		return analysis.SuggestedFix{}, false
	}
	msg := "Flush " + w.Name + " before Close"
	if site.Defer != nil {
		return analysis.SuggestedFix{Message: msg, TextEdits: []analysis.TextEdit{
			fix.DeferWith(p, site, []string{"_ = " + w.Name + ".Flush()"}),
		}}, true
	}
	return analysis.SuggestedFix{
		Message:   msg,
		TextEdits: fix.InsertBefore(p, site.Stmt, []string{"_ = " + w.Name + ".Flush()"}, nil),
	}, true
}
