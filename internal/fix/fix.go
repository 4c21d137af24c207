// Package fix builds teardown's suggested fixes. Every fix is one
// analysis.SuggestedFix whose edits stay in the diagnostic's file (what
// golangci-lint and the x/tools drivers both apply), and every fix
// must leave the file compiling: the golden tests type-check the output.
package fix

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/teardownlint/teardown/internal/lint"
)

// CallExpr returns the call expression whose Lparen is at lparen, and the
// path of enclosing nodes (innermost first, starting with the call).
func CallExpr(p *lint.Pass, lparen token.Pos) (*ast.CallExpr, []ast.Node) {
	path := p.Path(lparen, lparen+1)
	for i, n := range path {
		if call, ok := n.(*ast.CallExpr); ok && call.Lparen == lparen {
			return call, path[i:]
		}
	}
	return nil, nil
}

// RemovableStmt returns the statement that exists only to make the call
// at path[0]: `call()`, `_ = call()`, `defer call()`, or
// `if err := call(); err != nil { ... }` without else. It returns nil when
// the call's result is used otherwise.
func RemovableStmt(path []ast.Node) ast.Stmt {
	if len(path) < 2 {
		return nil
	}
	call := path[0]
	switch parent := path[1].(type) {
	case *ast.ExprStmt, *ast.DeferStmt, *ast.GoStmt:
		return parent.(ast.Stmt)
	case *ast.AssignStmt:
		if len(parent.Rhs) != 1 || parent.Rhs[0] != call {
			return nil
		}
		blank := true
		for _, l := range parent.Lhs {
			if id, ok := l.(*ast.Ident); !ok || id.Name != "_" {
				blank = false
			}
		}
		if blank {
			return parent
		}
		if len(path) > 2 && parent.Tok == token.DEFINE {
			if ifs, ok := path[2].(*ast.IfStmt); ok && ifs.Init == parent && ifs.Else == nil {
				return ifs
			}
		}
	}
	return nil
}

// SafeToDelete reports whether deleting node leaves the file compiling:
// no local variable and no import is left without a use.
func SafeToDelete(p *lint.Pass, node ast.Node) bool {
	info := p.TypesInfo
	f := p.File(node.Pos())
	if f == nil {
		return false
	}
	inside := func(pos token.Pos) bool { return node.Pos() <= pos && pos < node.End() }
	needed := map[types.Object]bool{}
	ast.Inspect(node, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		switch obj := info.Uses[id].(type) {
		case *types.PkgName:
			needed[obj] = true
		case *types.Var:
			if obj.Kind() == types.LocalVar && !inside(obj.Pos()) {
				needed[obj] = true
			}
		}
		return true
	})
	// Assigning to a variable is not using it.
	assigned := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					assigned[id] = true
				}
			}
		}
		return true
	})
	for id, obj := range info.Uses {
		if needed[obj] && !inside(id.Pos()) && !assigned[id] && f.FileStart <= id.Pos() && id.Pos() <= f.FileEnd {
			delete(needed, obj)
		}
	}
	return len(needed) == 0
}

// DeleteStmt returns the edit that deletes stmt, with its whole line(s)
// when nothing else is on them.
func DeleteStmt(p *lint.Pass, stmt ast.Stmt) analysis.TextEdit {
	start, end := stmt.Pos(), stmt.End()
	tf := p.Fset.File(start)
	src, err := p.ReadFile(tf.Name())
	if err != nil || tf.Size() != len(src) {
		return analysis.TextEdit{Pos: start, End: end}
	}
	s, e := tf.Offset(start), tf.Offset(end)
	ls := s
	for ls > 0 && (src[ls-1] == ' ' || src[ls-1] == '\t') {
		ls--
	}
	le := e
	for le < len(src) && (src[le] == ' ' || src[le] == '\t') {
		le++
	}
	if le+1 < len(src) && src[le] == '/' && src[le+1] == '/' {
		// A trailing line comment describes the deleted statement.
		for le < len(src) && src[le] != '\n' {
			le++
		}
	}
	if (ls == 0 || src[ls-1] == '\n') && le < len(src) && src[le] == '\n' {
		return analysis.TextEdit{Pos: tf.Pos(ls), End: tf.Pos(le + 1)}
	}
	return analysis.TextEdit{Pos: start, End: end}
}

// Replace returns the edit that replaces node with text.
func Replace(node ast.Node, text string) analysis.TextEdit {
	return analysis.TextEdit{Pos: node.Pos(), End: node.End(), NewText: []byte(text)}
}
