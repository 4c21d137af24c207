package fix

import (
	"go/ast"
	"go/types"

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
	if op.Via != "" {
		// Set through a helper: its parameter may serve other
		// purposes too, so no local edit is known to be right.
		return fix, false
	}
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
		if onoff := onoffField(p, lingerLiteral(call.Args[3])); onoff != nil {
			if !SafeToDelete(p, onoff) {
				return fix, false
			}
			return analysis.SuggestedFix{
				Message:   "Turn SO_LINGER off (Onoff: 0), the default: Close returns at once and the kernel sends the data and FIN",
				TextEdits: []analysis.TextEdit{Replace(onoff, "0")},
			}, true
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

// onoffField returns the expression that sets the Onoff field in a
// Linger literal, keyed (Linger{Onoff: 1}) or positional (Linger{1, 0}),
// or nil.
func onoffField(p *lint.Pass, lit *ast.CompositeLit) ast.Expr {
	if lit == nil {
		return nil
	}
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Onoff" {
				return kv.Value
			}
		}
	}
	t := p.TypesInfo.TypeOf(lit)
	if t == nil {
		return nil
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok || len(lit.Elts) != st.NumFields() {
		return nil // keyed without Onoff, or not a struct
	}
	for i := range st.NumFields() {
		if st.Field(i).Name() == "Onoff" {
			if _, keyed := lit.Elts[i].(*ast.KeyValueExpr); !keyed {
				return lit.Elts[i]
			}
		}
	}
	return nil
}

// JustifyLinger returns the fix that keeps an abortive linger setting and
// states why: a //teardown:abort directive with reason on the line above
// the statement that contains the call. ok is false when the directive
// there would not cover the call (the call does not start on the
// statement's first line).
func JustifyLinger(p *lint.Pass, op *connflow.LingerOp, reason string) (fix analysis.SuggestedFix, ok bool) {
	call, path := CallExpr(p, op.Call.Pos())
	if call == nil {
		return fix, false
	}
	stmt := listStmt(path)
	if stmt == nil || p.Fset.Position(stmt.Pos()).Line != p.Fset.Position(call.Pos()).Line {
		return fix, false
	}
	text := "//teardown:abort " + reason + "\n" + indentOf(p, stmt.Pos())
	return analysis.SuggestedFix{
		Message:   "Keep the reset and say why: //teardown:abort " + reason,
		TextEdits: []analysis.TextEdit{{Pos: stmt.Pos(), End: stmt.Pos(), NewText: []byte(text)}},
	}, true
}
