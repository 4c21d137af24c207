package fix

import (
	"go/ast"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/connflow"
)

// UndoLinger returns the fix that gives Close its default behaviour back
// (FIN, no blocking): delete the statement that sets the linger when that
// leaves the file compiling; otherwise make the setting a no-op:
// SetLinger(-1), or Onoff: 0 in a SO_LINGER literal. ok is false when
// no edit provably leaves the file compiling (the argument is a variable
// used nowhere else, say): the diagnostic then comes without a fix.
func UndoLinger(p *lint.Pass, op *connflow.LingerOp) (fix analysis.SuggestedFix, ok bool) {
	call, path := CallExpr(p, op.Call.Pos())
	if call == nil {
		return fix, false
	}
	if stmt := RemovableStmt(path); stmt != nil && SafeToDelete(p, stmt) {
		msg := "Remove the SetLinger call"
		if op.Raw {
			msg = "Remove the SO_LINGER setting"
		}
		return analysis.SuggestedFix{Message: msg, TextEdits: []analysis.TextEdit{DeleteStmt(p, stmt)}}, true
	}
	if !op.Raw && len(call.Args) == 1 && SafeToDelete(p, call.Args[0]) {
		return analysis.SuggestedFix{
			Message:   "Use SetLinger(-1), the default: Close returns at once and the kernel sends the data and FIN",
			TextEdits: []analysis.TextEdit{Replace(call.Args[0], "-1")},
		}, true
	}
	if op.Raw && len(call.Args) == 4 {
		if lit := lingerLiteral(call.Args[3]); lit != nil {
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Onoff" {
						if !SafeToDelete(p, kv.Value) {
							return fix, false
						}
						return analysis.SuggestedFix{
							Message:   "Turn SO_LINGER off (Onoff: 0): Close sends FIN again",
							TextEdits: []analysis.TextEdit{Replace(kv.Value, "0")},
						}, true
					}
				}
			}
		}
	}
	return fix, false
}

// lingerLiteral finds the composite literal in &T{...}.
func lingerLiteral(e ast.Expr) *ast.CompositeLit {
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok {
		if lit, ok := ast.Unparen(u.X).(*ast.CompositeLit); ok {
			return lit
		}
	}
	return nil
}
