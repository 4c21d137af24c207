package fix

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/teardownlint/teardown/internal/lint"
	"github.com/teardownlint/teardown/passes/connflow"
)

// A CloseSite is the syntax of a Close event: the statement to edit and the
// connection expression at it.
type CloseSite struct {
	Call  *ast.CallExpr // the Close call (or the helper call, or the deferred closure call)
	Stmt  ast.Stmt      // the statement in a statement list that contains Call
	Defer *ast.DeferStmt
	Conn  ast.Expr   // the connection expression
	Type  types.Type // its static type
}

// SiteOf finds the syntax of a Close event: a direct Close, a deferred
// Close, a Close inside a deferred closure, or a helper that closes.
func SiteOf(p *lint.Pass, ev *connflow.Event) (*CloseSite, bool) {
	ci, ok := ev.Instr.(ssa.CallInstruction)
	if !ok {
		return nil, false
	}
	call, path := CallExpr(p, ci.Common().Pos())
	if call == nil {
		return nil, false
	}
	site := &CloseSite{Call: call}
	if d, ok := path[1].(*ast.DeferStmt); ok && d.Call == call {
		site.Defer = d
	}
	switch {
	case ev.Operand >= 0:
		site.Conn = Operand(p, call, ev.Operand)
	case site.Defer != nil:
		// A Close inside a deferred closure: edit inside the closure.
		lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit)
		if !ok {
			return nil, false
		}
		inner, innerPath := closeIn(p, lit)
		if inner == nil {
			return nil, false
		}
		site.Call, site.Defer, path = inner, nil, innerPath
		site.Conn = ast.Unparen(inner.Fun).(*ast.SelectorExpr).X
	}
	if site.Conn == nil {
		return nil, false
	}
	site.Type = p.TypesInfo.TypeOf(site.Conn)
	if ev.Operand == 0 && !connflow.IsConnLike(site.Type) {
		// s.Close() on a struct that embeds its conn: the conn is s.Conn.
		site.Conn, site.Type = embeddedConn(p, site.Call)
	}
	site.Stmt = listStmt(path)
	return site, site.Conn != nil && site.Stmt != nil && site.Type != nil
}

// embeddedConn returns the expression and type of the embedded field
// through which the method of call is promoted (s.Conn for s.Close() when
// s embeds net.Conn), or nil.
func embeddedConn(p *lint.Pass, call *ast.CallExpr) (ast.Expr, types.Type) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil, nil
	}
	s, ok := p.TypesInfo.Selections[sel]
	if !ok || len(s.Index()) < 2 {
		return nil, nil
	}
	x, t := ast.Expr(sel.X), s.Recv()
	for _, i := range s.Index()[:len(s.Index())-1] {
		if ptr, ok := t.Underlying().(*types.Pointer); ok {
			t = ptr.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || i >= st.NumFields() {
			return nil, nil
		}
		f := st.Field(i)
		x, t = &ast.SelectorExpr{X: x, Sel: ast.NewIdent(f.Name())}, f.Type()
	}
	if !connflow.IsConn(t) {
		return nil, nil
	}
	return x, t
}

// Operand maps the SSA operand index of a call (receiver first for
// methods) to its expression.
func Operand(p *lint.Pass, call *ast.CallExpr, i int) ast.Expr {
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := p.TypesInfo.Selections[sel]; ok && s.Kind() == types.MethodVal {
			if i == 0 {
				return sel.X
			}
			i--
		}
	}
	if i < len(call.Args) {
		return call.Args[i]
	}
	return nil
}

// closeIn finds a Close call on a connection in a function literal.
func closeIn(p *lint.Pass, lit *ast.FuncLit) (*ast.CallExpr, []ast.Node) {
	var found *ast.CallExpr
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == "Close" && len(c.Args) == 0 &&
				connflow.IsConn(p.TypesInfo.TypeOf(sel.X)) {
				found = c
			}
		}
		return true
	})
	if found == nil {
		return nil, nil
	}
	_, path := CallExpr(p, found.Lparen)
	return found, path
}

// listStmt returns the innermost statement on path that sits directly in
// a statement list, where statements can be inserted before it.
func listStmt(path []ast.Node) ast.Stmt {
	for i := 0; i+1 < len(path); i++ {
		s, ok := path[i].(ast.Stmt)
		if !ok {
			continue
		}
		switch path[i+1].(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			return s
		}
	}
	return nil
}

// GracefulClose returns the fix that makes the Close at site graceful:
// the steps of g inserted before it, or a call of g.Helper in its place.
// ok is false when g.Helper is set but the fix could not be shown to
// build with it (helperCall says when): no fix is better than a fix that
// does not compile or does not close.
func GracefulClose(p *lint.Pass, site *CloseSite, g Graceful, message string) (fix analysis.SuggestedFix, ok bool) {
	g.Conn, g.Type = site.Conn, site.Type
	file := p.File(site.Call.Pos())
	if g.Helper != "" {
		call, imp, ok := helperCall(p, g.Helper, site)
		if !ok {
			return fix, false
		}
		var edits []analysis.TextEdit
		if site.Defer != nil || isCloseCall(site.Call) {
			edits = append(edits, analysis.TextEdit{Pos: site.Call.Pos(), End: site.Call.End(), NewText: []byte(call)})
		} else {
			// A helper that closes: the graceful helper runs first, its
			// error discarded as errcheck accepts.
			edits = append(edits, InsertBefore(p, site.Stmt, []string{"_ = " + call}, nil)...)
		}
		if imp != "" {
			edits = append(edits, AddImports(file, imp)...)
		}
		_, name := splitHelper(g.Helper)
		return analysis.SuggestedFix{Message: "Close with " + name + " (-writeclose.helper)", TextEdits: edits}, true
	}
	lines, imports := g.Prelude(p)
	if site.Defer != nil && isCloseCall(site.Call) {
		edits := []analysis.TextEdit{DeferWith(p, site, lines)}
		return analysis.SuggestedFix{Message: message, TextEdits: append(edits, AddImports(file, imports...)...)}, true
	}
	return analysis.SuggestedFix{Message: message, TextEdits: InsertBefore(p, site.Stmt, lines, imports)}, true
}

// DeferWith rewrites `defer X.Close()` at site into a deferred closure
// that runs lines first.
func DeferWith(p *lint.Pass, site *CloseSite, lines []string) analysis.TextEdit {
	x := exprString(p, site.Conn)
	indent := indentOf(p, site.Defer.Pos())
	body := Block(append(lines, x+".Close()"), indent)
	text := "defer func() {\n" + body + indent + "}()"
	return analysis.TextEdit{Pos: site.Defer.Pos(), End: site.Defer.End(), NewText: []byte(text)}
}

func isCloseCall(call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Close" && len(call.Args) == 0
}

func splitHelper(h string) (path, name string) {
	i := strings.LastIndex(h, ".")
	if i < 0 {
		return "", h
	}
	return h[:i], h[i+1:]
}
